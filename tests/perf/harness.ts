// Shared parts of the benchmarks in tests/perf: a fresh PostgreSQL database per benchmark, timing with
// warm-up, a median/p95 line, the demo case manager with exactly N open cases, and the built server
// on 127.0.0.1 with a signed-in session. Benchmarks are never part of `npm test` (no timing assertions).
import { type Kysely, sql } from "kysely";
import { type DatabaseHandle, openDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import { type ScopeActor, runAsActor } from "../../db/request-actor";
import type { Database } from "../../db/schema";
import { seedCases } from "../../db/seed/cases";
import { DEMO_PASSWORD } from "../../db/seed/demo-users";
import { seedDemoUsers, seedReferenceData } from "../../db/seed/index";
import { startAppProcess, signInOver } from "../integration/app-process";

/** A fixed key for the throw-away benchmark databases (never use it elsewhere). */
const BENCH_SECRET_KEY = `bench:${Buffer.alloc(32, 7).toString("base64")}`;

/**
 * `fn` run as the actor of a request, as the app runs it: role kim_app under row-level security
 * (db/request-actor.ts). BENCH_RLS=off runs it as the system instead (the login role, no policies: the
 * code path before row-level security), for measuring its overhead.
 */
export function asRequestActor<A extends unknown[], T>(actor: ScopeActor, fn: (...args: A) => Promise<T>): (...args: A) => Promise<T> {
  if (process.env.BENCH_RLS === "off") return fn;
  return (...args) => runAsActor(actor, () => fn(...args));
}

/** Whether the benchmark runs under row-level security (see asRequestActor), for its output. */
export const benchRlsLabel = process.env.BENCH_RLS === "off" ? "row-level security off (system)" : "row-level security on (kim_app)";

/** How long the benchmarks' pools wait for a connection (the app's default of 5 s fails loads on a busy server). */
export const BENCH_CONNECT_TIMEOUT_MS = 120_000;

/** The PostgreSQL server the benchmarks create their databases on. */
export const benchServerUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * The database a benchmark uses: `name`, plus BENCH_DB_SUFFIX (lower-case letters, digits, underscores)
 * when several checkouts run the same benchmark on one server at a time.
 */
function databaseName(name: string): string {
  const suffix = process.env.BENCH_DB_SUFFIX ?? "";
  if (!/^[a-z0-9_]*$/.test(suffix)) throw new Error("BENCH_DB_SUFFIX: lower-case letters, digits and underscores only");
  return `${name}${suffix}`;
}

/** The URL of database `name` on the benchmark server. */
export function benchDatabaseUrl(name: string): string {
  const url = new URL(benchServerUrl);
  url.pathname = `/${databaseName(name)}`;
  return url.toString();
}

/** Drops and creates database `name`, migrates it and loads reference data and demo accounts. */
export async function createBenchDatabase(name: string, maxConnections = 10): Promise<DatabaseHandle> {
  const admin = await openDatabase({ databaseUrl: benchServerUrl, maxConnections: 1 });
  try {
    await sql`DROP DATABASE IF EXISTS ${sql.id(databaseName(name))} WITH (FORCE)`.execute(admin.db);
    await sql`CREATE DATABASE ${sql.id(databaseName(name))}`.execute(admin.db);
  } finally {
    await admin.close();
  }
  // A bulk load on a shared server may wait for a connection longer than a request would.
  const handle = await openDatabase({ databaseUrl: benchDatabaseUrl(name), maxConnections, connectTimeoutMs: BENCH_CONNECT_TIMEOUT_MS });
  await migrateToLatest(handle.db);
  await seedReferenceData(handle.db);
  await seedDemoUsers(handle.db);
  return handle;
}

/** Drops database `name` unless BENCH_KEEP=1. */
export async function dropBenchDatabase(name: string): Promise<void> {
  if (process.env.BENCH_KEEP === "1") return;
  const admin = await openDatabase({ databaseUrl: benchServerUrl, maxConnections: 1 });
  try {
    await sql`DROP DATABASE IF EXISTS ${sql.id(databaseName(name))} WITH (FORCE)`.execute(admin.db);
  } finally {
    await admin.close();
  }
}

/**
 * Loads `count` generated cases, then moves open cases between colleagues until the demo account
 * "casemanager" holds exactly `openCases` open ones (plus its closed ones). Returns that case manager.
 */
export async function seedCaseloadOf(db: Kysely<Database>, options: { count: number; seed: number; openCases: number }) {
  await seedCases(db, { count: options.count, seed: options.seed, log: () => {} });
  const cm = await db
    .selectFrom("users")
    .select(["id", "role", "display_name", "organisation_id"])
    .where("username", "=", "casemanager")
    .executeTakeFirstOrThrow();
  const own = await db
    .selectFrom("cases")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("case_manager_id", "=", cm.id)
    .where("state", "<>", "closed")
    .executeTakeFirstOrThrow();
  const missing = options.openCases - Number(own.n);
  if (missing > 0) {
    await sql`
      UPDATE cases SET case_manager_id = ${cm.id}, deputy_id = NULL
      WHERE id IN (
        SELECT id FROM cases
        WHERE state <> 'closed' AND case_manager_id IS NOT NULL AND case_manager_id <> ${cm.id}
        ORDER BY opened_at DESC
        LIMIT ${missing}
      )`.execute(db);
  } else if (missing < 0) {
    await sql`
      UPDATE cases SET case_manager_id = (SELECT id FROM users WHERE username = 'casemanager2'), deputy_id = NULL
      WHERE id IN (
        SELECT id FROM cases WHERE case_manager_id = ${cm.id} AND state <> 'closed' ORDER BY opened_at LIMIT ${-missing}
      )`.execute(db);
  }
  await sql`ANALYZE`.execute(db);
  const counts = await db
    .selectFrom("cases")
    .select([
      (eb) => eb.fn.countAll<number>().as("all"),
      sql<number>`count(*) FILTER (WHERE case_manager_id = ${cm.id} AND state <> 'closed')`.as("open_own"),
      sql<number>`count(*) FILTER (WHERE case_manager_id = ${cm.id})`.as("all_own"),
    ])
    .executeTakeFirstOrThrow();
  const events = await db.selectFrom("case_events").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const version = await sql<{ v: string }>`SELECT current_setting('server_version') AS v`.execute(db);
  console.log(
    `PostgreSQL ${version.rows[0]?.v}: ${Number(counts.all).toLocaleString("de-DE")} cases, ` +
      `${Number(events.n).toLocaleString("de-DE")} case events; "casemanager" has ${counts.open_own} open and ` +
      `${counts.all_own} in all`,
  );
  if (Number(counts.open_own) !== options.openCases) throw new Error(`casemanager has ${counts.open_own} open cases`);
  return cm;
}

/** Runs fn(i) `warmUp` times, then `runs` timed times; returns the times in ms. */
export async function timeRuns(runs: number, warmUp: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmUp; i++) await fn(i);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn(i);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times;
}

/** Prints "label median … p95 …" and returns the median. */
export function summary(label: string, times: number[], width = 62): number {
  const sorted = [...times].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
  console.log(
    `${label.padEnd(width)} median ${q(0.5).toFixed(2).padStart(7)} ms   p95 ${q(0.95).toFixed(2).padStart(7)} ms   (n=${sorted.length})`,
  );
  return q(0.5);
}

export interface StartedServer {
  base: string;
  /** The server's process id (with several workers: the cluster's primary, whose children are the workers). */
  pid: number | undefined;
  stop: () => Promise<void>;
}

/**
 * The built server (npm run build first) on 127.0.0.1:`port` against `databaseUrl`, without the daily job
 * and the request log. `nodeArgs` go to node (e.g. --cpu-prof); `env` adds to the environment.
 */
export async function startServer(
  databaseUrl: string,
  port: number,
  options: { nodeArgs?: string[]; env?: Record<string, string>; workers?: number } = {},
): Promise<StartedServer> {
  const server = await startAppProcess({
    databaseUrl,
    port,
    nodeArgs: options.nodeArgs,
    workers: options.workers,
    env: { KIM_SECRET_KEY: BENCH_SECRET_KEY, ...options.env },
  });
  return { base: server.base, pid: server.pid, stop: server.stop };
}

/** Signs `username` in with the demo password; returns the session cookie ("name=value"). */
export function signIn(base: string, username: string): Promise<string> {
  return signInOver(base, username, DEMO_PASSWORD);
}

/** The built server (npm run build first) on 127.0.0.1:`port` against `databaseUrl`, and a session of "casemanager". */
export async function startSignedInServer(
  databaseUrl: string,
  port: number,
): Promise<{ base: string; cookie: string; stop: () => Promise<void> }> {
  const server = await startServer(databaseUrl, port);
  try {
    return { base: server.base, cookie: await signIn(server.base, "casemanager"), stop: server.stop };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
