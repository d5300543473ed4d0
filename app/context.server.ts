import type { Kysely } from "kysely";
import type { Database } from "../db/schema";
import type { Auth, AuthSession } from "./auth.server";
import type { AppConfig } from "./config.server";

/** What the express server hands every loader and action (see server.ts). */
export interface KimContext {
  db: Kysely<Database>;
  auth: Auth;
  config: AppConfig;
  /** CSP nonce of this response. */
  nonce: string;
  /** Client address for login throttling (never logged). */
  clientAddress: string;
  /** Whether the app has a page at this (decoded) pathname: redirect targets must be one (see appRedirectTarget). */
  isAppPath(pathname: string): boolean;
  /** The signed-in session, resolved once per request. */
  getSession(): Promise<AuthSession | null>;
  /** Set by handleError (entry.server.tsx) when this request found the database unreachable: the page answers 503. */
  outage: { databaseUnavailable: boolean };
}

declare module "@remix-run/server-runtime" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends KimContext {}
}

declare module "@remix-run/server-runtime" {
  interface Future {
    v3_singleFetch: true;
  }
}
