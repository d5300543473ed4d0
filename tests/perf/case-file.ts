// Server time of the client file (Fallakte, /faelle/:caseId) with 500 cases per case manager, on PostgreSQL.
// Seeds a fresh database through the demo generator (db/seed/cases.ts seedCases: 500 × the 9 demo case
// managers = 4,500 cases by default), then moves open cases to the demo account "casemanager" until it
// has exactly 500 open ones. Measures, as the median of 100 runs after 10 warm-up runs:
//   1. loadCaseFile (db/case-file.ts) in-process: scoped header query, audit row, all sections, options;
//      once for the same rich case 100 times, once for 100 different cases of "casemanager";
//   2. the route's loader function (app/routes/faelle.$caseId.tsx) in-process;
//   3. HTTP GET /faelle/:caseId against the built server (npm run build first) on 127.0.0.1: session
//      lookup, loader, React server rendering of the whole page, security headers.
// Not part of `npm test` (no timing assertions anywhere). Usage:
//   npx remix build && npx tsx tests/perf/case-file.ts [runs]
//   (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres; BENCH_CASES; BENCH_KEEP=1 keeps the database)
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { AppLoadContext } from "@remix-run/node";
import { sql } from "kysely";
import { loader } from "../../app/routes/faelle.$caseId";
import { loadCaseFile } from "../../db/case-file";
import { openDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import { seedCases } from "../../db/seed/cases";
import { DEMO_PASSWORD, DEMO_USERS } from "../../db/seed/demo-users";
import { seedDemoUsers, seedReferenceData } from "../../db/seed/index";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const CASES_PER_CASE_MANAGER = 500;
const caseManagerCount = DEMO_USERS.filter((u) => u.role === "case_manager").length;
const totalCases = Number(process.env.BENCH_CASES ?? CASES_PER_CASE_MANAGER * caseManagerCount);
const runs = Number(process.argv[2] ?? 100);
const WARM_UP = 10;
const dbName = "kim_bench_casefile";
const PORT = 3398;

function summary(label: string, times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
  console.log(
    `${label.padEnd(62)} median ${q(0.5).toFixed(2).padStart(7)} ms   p95 ${q(0.95).toFixed(2).padStart(7)} ms   (n=${sorted.length})`,
  );
  return q(0.5);
}

/** Runs fn(i) for i = 0..runs-1 after WARM_UP warm-up calls; returns the times in ms. */
async function time(fn: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARM_UP; i++) await fn(i);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn(i);
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
  await seedCases(db, { count: totalCases, seed: 4712, log: () => {} });
  const cm = await db
    .selectFrom("users")
    .select(["id", "role", "display_name"])
    .where("username", "=", "casemanager")
    .executeTakeFirstOrThrow();
  // Move open cases of colleagues to "casemanager" until it has exactly 500 open ones.
  const own = await db
    .selectFrom("cases")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("case_manager_id", "=", cm.id)
    .where("state", "<>", "closed")
    .executeTakeFirstOrThrow();
  const missing = CASES_PER_CASE_MANAGER - Number(own.n);
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
      `${counts.all_own} in all (seeded in ${((Date.now() - t0) / 1000).toFixed(0)} s)`,
  );

  // The richest open case of "casemanager" (most events), and 100 of its open cases in turn.
  const rich = await db
    .selectFrom("cases")
    .innerJoin("case_events", "case_events.case_id", "cases.id")
    .select(["cases.id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("cases.case_manager_id", "=", cm.id)
    .where("cases.state", "<>", "closed")
    .groupBy("cases.id")
    .orderBy("n", "desc")
    .limit(1)
    .executeTakeFirstOrThrow();
  const sample = (
    await db
      .selectFrom("cases")
      .select("id")
      .where("case_manager_id", "=", cm.id)
      .where("state", "<>", "closed")
      .orderBy("opened_at")
      .limit(runs + WARM_UP)
      .execute()
  ).map((r) => r.id);
  const actor = { id: cm.id, role: cm.role };
  const richFile = await loadCaseFile(db, actor, rich.id);
  if (!richFile) throw new Error("rich case not visible");
  console.log(
    `rich case: ${rich.n} events, ${richFile.contacts.length} contacts, ${richFile.goals.length} goals, ` +
      `${richFile.referrals.length} referrals, ${richFile.allowedEvents.length} steps offered`,
  );

  console.log(`\nin-process, ${runs} runs each after ${WARM_UP} warm-up runs:`);
  const headline = summary("loadCaseFile, the richest case 100×", await time(() => loadCaseFile(db, actor, rich.id)));
  summary(
    "loadCaseFile, 100 different open cases of casemanager",
    await time(async (i) => {
      const file = await loadCaseFile(db, actor, sample[(i + WARM_UP) % sample.length] ?? "");
      if (!file) throw new Error("case not visible");
    }),
  );
  const user = { id: cm.id, role: cm.role, username: "casemanager", displayName: cm.display_name };
  const context = {
    db,
    getSession: async () => ({ user, expiresAt: new Date(Date.now() + 3_600_000) }),
  } as unknown as AppLoadContext;
  summary(
    "route loader (faelle.$caseId), the richest case",
    await time(() => loader({ request: new Request(`http://127.0.0.1/faelle/${rich.id}`), context, params: { caseId: rich.id } })),
  );

  // HTTP against the built server on the same database.
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
    const get = (id: () => string) => async () => {
      const response = await fetch(`${base}/faelle/${id()}`, { headers: { Cookie: cookie } });
      const html = await response.text();
      if (response.status !== 200 || !html.includes("Nächste Schritte")) throw new Error(`GET /faelle/:id: HTTP ${response.status}`);
    };
    console.log(`\nHTTP GET against the built server (127.0.0.1:${PORT}), ${runs} requests each after ${WARM_UP} warm-up requests:`);
    const http = summary("GET /faelle/:caseId, the richest case (full HTML page)", await time(get(() => rich.id)));
    let n = 0;
    summary("GET /faelle/:caseId, 100 different open cases", await time(get(() => sample[n++ % sample.length] ?? "")));
    console.log(
      `\nResult: client file with ${CASES_PER_CASE_MANAGER} cases per case manager: loadCaseFile median ` +
        `${headline.toFixed(1)} ms, page (HTTP) median ${http.toFixed(1)} ms.`,
    );
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
