// The request context the express server (server-app.ts) hands loaders and actions, for tests and
// benchmarks that call a route's loader or action directly. One place, so a new member of KimContext
// reaches every such caller.
import type { AppLoadContext } from "@remix-run/node";
import type { Kysely } from "kysely";
import type { Auth, SessionUser } from "../../app/auth.server";
import { parseConfig } from "../../app/config.server";
import type { KimContext } from "../../app/context.server";
import type { Database } from "../../db/schema";

const TEST_CONFIG = parseConfig({ NODE_ENV: "test", KIM_REQUEST_LOG: "off", KIM_DAILY_JOB: "off", KIM_DEMO_DATA: "0" });

/**
 * A context for `user` (signed in for the next hour; null: signed out). Routes that use `auth`
 * (sign-in, second factor) need it in `overrides`; every other member has a working default.
 */
export function routeContext(
  db: Kysely<Database>,
  user: SessionUser | null,
  overrides: Partial<KimContext> = {},
): AppLoadContext {
  const session = user ? { user, expiresAt: new Date(Date.now() + 3_600_000) } : null;
  const context: Omit<KimContext, "auth"> & { auth?: Auth } = {
    db,
    config: TEST_CONFIG,
    nonce: "test",
    clientAddress: "127.0.0.1",
    isAppPath: () => true,
    getSession: async () => session as Awaited<ReturnType<KimContext["getSession"]>>,
    outage: { databaseUnavailable: false },
    ...overrides,
  };
  return context as AppLoadContext;
}
