// Server time of the case list ("Meine Fälle") with 500 open cases for one case manager, on PostgreSQL.
// Seeds a fresh database (BENCH_CASES cases through the demo generator, default 10,000), then moves open
// cases to the demo account "casemanager" until it has exactly 500 open ones (plus its closed ones).
// Measures, as the median of 100 runs after 10 warm-up runs:
//   1. the route's loader function (app/routes/faelle._index.tsx) in-process: permission check,
//      URL parsing, the one SQL query with its window count and the municipality list;
//   2. HTTP GET /faelle against the built server (npm run build first) on 127.0.0.1: session lookup,
//      loader, React server rendering, security headers.
// Not part of `npm test` (no timing assertions anywhere). Usage:
//   npx remix build && npx tsx tests/perf/caseload.ts [runs]
//   (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres; BENCH_CASES; BENCH_KEEP=1 keeps the database)
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { AppLoadContext } from "@remix-run/node";
import { sql } from "kysely";
import { loader } from "../../app/routes/faelle._index";
import { openDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import { seedCases } from "../../db/seed/cases";
import { DEMO_PASSWORD } from "../../db/seed/demo-users";
import { seedDemoUsers, seedReferenceData } from "../../db/seed/index";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const totalCases = Number(process.env.BENCH_CASES ?? 10_000);
const runs = Number(process.argv[2] ?? 100);
const WARM_UP = 10;
const OPEN_CASES = 500;
const dbName = "kim_bench_caseload";
const PORT = 3399;

function summary(label: string, times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
  console.log(
    `${label.padEnd(58)} median ${q(0.5).toFixed(2).padStart(7)} ms   p95 ${q(0.95).toFixed(2).padStart(7)} ms   (n=${sorted.length})`,
  );
  return q(0.5);
}

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARM_UP; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times;
}

const admin = await openDatabase({ databaseUrl: serverUrl, maxConnections: 1 });
await sql`DROP DATABASE IF EXISTS ${sql.id(dbName)} WITH (FORCE)`.execute(admin.db);
await sql`CREATE DATABASE ${sql.id(dbName)}`.execute(admin.db);
await admin.close();
const url = new URL(serverUrl);
url.pathname = `/${dbName}`;
const databaseUrl = url.toString();
const handle = await openDatabase({ databaseUrl, maxConnections: 10 });
const db = handle.db;

try {
  const t0 = Date.now();
  await migrateToLatest(db);
  await seedReferenceData(db);
  await seedDemoUsers(db);
  await seedCases(db, { count: totalCases, seed: 4711, log: () => {} });
  const cm = await db.selectFrom("users").select(["id", "role"]).where("username", "=", "casemanager").executeTakeFirstOrThrow();
  // Move open cases of colleagues to "casemanager" until it has exactly OPEN_CASES open ones.
  const own = await db
    .selectFrom("cases")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("case_manager_id", "=", cm.id)
    .where("state", "<>", "closed")
    .executeTakeFirstOrThrow();
  const missing = OPEN_CASES - Number(own.n);
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
  const version = await sql<{ v: string }>`SELECT current_setting('server_version') AS v`.execute(db);
  console.log(
    `PostgreSQL ${version.rows[0]?.v}: ${Number(counts.all).toLocaleString("de-DE")} cases; "casemanager" has ` +
      `${counts.open_own} open and ${counts.all_own} in all (seeded in ${((Date.now() - t0) / 1000).toFixed(0)} s)`,
  );

  // 1. The loader function itself, with the real database and a signed-in case manager.
  const user = { id: cm.id, role: cm.role, username: "casemanager", displayName: "Anna Demir" };
  const context = {
    db,
    getSession: async () => ({ user, expiresAt: new Date(Date.now() + 3_600_000) }),
  } as unknown as AppLoadContext;
  const callLoader = (search: string) => async () => {
    const result = await loader({ request: new Request(`http://127.0.0.1/faelle${search}`), context, params: {} });
    if (!("rows" in result) || (search === "" && result.total !== OPEN_CASES)) throw new Error("unexpected loader result");
  };
  console.log(`\nloader function (in-process), ${runs} runs each after ${WARM_UP} warm-up runs:`);
  const headline = summary("/faelle (default: open, next follow-up, 25 per page)", await time(callLoader("")));
  summary("/faelle?sortierung=name.ab&anzahl=100&seite=3", await time(callLoader("?sortierung=name.ab&anzahl=100&seite=3")));
  summary("/faelle?sortierung=kontakt.ab&abgeschlossene=1", await time(callLoader("?sortierung=kontakt.ab&abgeschlossene=1")));
  summary("/faelle?wiedervorlage=ueberfaellig", await time(callLoader("?wiedervorlage=ueberfaellig")));
  summary("/faelle?suche=an", await time(callLoader("?suche=an")));
  summary("/faelle?phase=active&zielgruppe=umf&sortierung=alter", await time(callLoader("?phase=active&zielgruppe=umf&sortierung=alter")));

  // 2. HTTP against the built server on the same database.
  const server = spawn(path.join(root, "node_modules/.bin/tsx"), ["server.ts"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      HOST: "127.0.0.1",
      PORT: String(PORT),
      NODE_ENV: "production",
      KIM_DEMO_DATA: "0",
      KIM_DAILY_JOB: "off",
      KIM_REQUEST_LOG: "off",
      KIM_SECURE_COOKIES: "0",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    let output = "";
    server.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (!output.includes("läuft auf")) {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`server did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const base = `http://127.0.0.1:${PORT}`;
    const login = await fetch(`${base}/anmelden`, {
      method: "POST",
      headers: { Origin: base, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username: "casemanager", password: DEMO_PASSWORD, redirectTo: "" }),
      redirect: "manual",
    });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    if (!cookie.includes("=")) throw new Error(`login failed: HTTP ${login.status}`);
    const get = (search: string) => async () => {
      const response = await fetch(`${base}/faelle${search}`, { headers: { Cookie: cookie } });
      const html = await response.text();
      if (response.status !== 200 || (search === "" && !html.includes(`${OPEN_CASES} Fälle`))) {
        throw new Error(`GET /faelle${search}: HTTP ${response.status}`);
      }
    };
    console.log(`\nHTTP GET against the built server (127.0.0.1:${PORT}), ${runs} requests each after ${WARM_UP} warm-up requests:`);
    const http = summary("GET /faelle (full HTML page)", await time(get("")));
    summary("GET /faelle?sortierung=name.ab&anzahl=100&seite=3", await time(get("?sortierung=name.ab&anzahl=100&seite=3")));
    summary("GET /faelle?suche=an", await time(get("?suche=an")));
    console.log(`\nResult: "Meine Fälle" with ${OPEN_CASES} open cases: loader median ${headline.toFixed(1)} ms, page (HTTP) median ${http.toFixed(1)} ms.`);
  } finally {
    server.kill("SIGTERM");
    await once(server, "exit");
  }
} finally {
  await handle.close();
  if (process.env.BENCH_KEEP !== "1") {
    const cleanup = await openDatabase({ databaseUrl: serverUrl, maxConnections: 1 });
    await sql`DROP DATABASE IF EXISTS ${sql.id(dbName)} WITH (FORCE)`.execute(cleanup.db);
    await cleanup.close();
  }
}
