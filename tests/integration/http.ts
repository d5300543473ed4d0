// The real express app of server-app.ts (edge guard, CSRF check, Remix handler of the built app) on
// 127.0.0.1 with an ephemeral port, against a test database; requests go over a real socket with
// node:http, so paths, headers and bodies arrive exactly as sent (no client-side normalising).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { type Kysely, sql } from "kysely";
import { type Auth, createAuth } from "../../app/auth.server";
import { parseConfig } from "../../app/config.server";
import type { Database } from "../../db/schema";
import { type RouteTable, createServerApp } from "../../server-app";
import { troubleLines } from "../support/server-log";
import { buildFile } from "./build";
import { TEST_SECRET_KEY, cookiePair, testSecretBox } from "./fixtures";

export interface TestServer {
  base: string;
  origin: string;
  auth: Auth;
  build: ServerBuild;
  routes: RouteTable;
  /** Lines the app wrote to stderr (console.error / console.warn) since the server started. */
  errorLog: string[];
  close(): Promise<void>;
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** Starts the app on a free port; console.error and console.warn are captured into errorLog. */
export async function startTestServer(db: Kysely<Database>): Promise<TestServer> {
  const build = (await import(/* @vite-ignore */ pathToFileURL(buildFile).href)) as ServerBuild;
  const config = parseConfig({ NODE_ENV: "production", KIM_REQUEST_LOG: "off", KIM_DAILY_JOB: "off", KIM_DEMO_DATA: "0", KIM_SECRET_KEY: TEST_SECRET_KEY });
  const auth = createAuth(db, { secureCookies: false, secrets: testSecretBox });
  const { app, routes } = createServerApp({ build, db, auth, config });
  const errorLog: string[] = [];
  const originalError = console.error;
  const originalWarn = console.warn;
  const capture = (...args: unknown[]) => {
    errorLog.push(args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(" "));
  };
  console.error = capture;
  console.warn = capture;
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    base: origin,
    origin,
    auth,
    build,
    routes,
    errorLog,
    close: async () => {
      console.error = originalError;
      console.warn = originalWarn;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * One request. `path` goes on the request line as given (so `%FF` stays `%FF`); `body` may be a Buffer
 * with raw bytes. POSTs carry our own Origin unless `origin` says otherwise.
 */
export function request(
  server: TestServer,
  method: string,
  path: string,
  options: { cookie?: string; body?: string | Buffer; contentType?: string | null; origin?: string | null } = {},
): Promise<HttpAnswer> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  const origin = options.origin === undefined ? (method === "GET" ? null : server.origin) : options.origin;
  if (origin) headers.origin = origin;
  if (options.body !== undefined) {
    const contentType = options.contentType === undefined ? "application/x-www-form-urlencoded" : options.contentType;
    if (contentType) headers["content-type"] = contentType;
    headers["content-length"] = String(Buffer.byteLength(options.body));
  }
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.base}/`, { method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** A form body as a browser sends it (UTF-8, %-encoded). */
export function form(fields: Record<string, string | number>): string {
  return new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)])).toString();
}

/** A signed-in session for a user (as after password and, where needed, second factor): the Cookie header. */
export async function sessionCookie(server: TestServer, userId: string): Promise<string> {
  const session = await server.auth.lucia.createSession(userId, { created_at: new Date() });
  return cookiePair(server.auth.lucia.createSessionCookie(session.id).serialize());
}

/** Lines of a log that carry a stack trace or an error. */
export function stackTraceLines(log: string[]): string[] {
  return troubleLines(log);
}

/**
 * Tables a refused request may change: the audit log (denials are audited), sessions (each request
 * slides the idle expiry), login attempts and pending sign-ins, and kysely's migration bookkeeping.
 */
const WRITABLE_WHEN_REFUSED = new Set(["audit_log", "sessions", "login_attempts", "login_challenges", "kysely_migration", "kysely_migration_lock"]);

/**
 * Row count and a hash over every row's content, for every other table of the schema (found in the
 * catalogue, so a new table is covered): equal fingerprints mean nothing was written.
 */
export async function fingerprint(db: Kysely<Database>): Promise<Record<string, string>> {
  const { rows: tables } = await sql<{ name: string }>`
    SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`.execute(db);
  const parts = tables
    .map((t) => t.name)
    .filter((name) => !WRITABLE_WHEN_REFUSED.has(name))
    .map(
      (name) => sql<{ t: string; f: string }>`
        SELECT ${name}::text AS t, count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS f
        FROM ${sql.table(name)} x`,
    );
  const { rows } = await sql<{ t: string; f: string }>`${sql.join(parts, sql` UNION ALL `)}`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.t, r.f]));
}
