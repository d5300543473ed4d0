// Benchmark of the Lenkungsgruppe report at NRW scale: loads the demo generator's cases into a fresh
// PostgreSQL database, then measures every report query, the team overview and the whole report
// loader (median of N runs), each also as a ratio to one sequential scan of case_events.
//
// Usage: npm run bench [-- --cases 250000] [--runs 7] [--reuse]
//   BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres): the server; the
//   benchmark creates (drops first) the database kim_bench there. --reuse keeps an existing kim_bench
//   that already holds the requested number of cases (loading 250,000 cases takes ~25 min) and only
//   applies pending migrations.
// Target on a 2-core machine: each report query < 300 ms (the key figures' queries and any trend query
// included), the whole report < 1 s.
import os from "node:os";
import { type Kysely, sql } from "kysely";
import { loadReport } from "../../app/reports/report.server";
import { openDatabase } from "../../db/connection";
import { queryTrends } from "../../db/reports/trends";
import { migrateToLatest } from "../../db/migrate";
import type { ReportFilter, SplitDimension } from "../../db/reports/period";
import { berlinToday, previousPeriod, yearPeriod } from "../../db/reports/period";
import { buildReport } from "../../db/reports/report";
import { publishReport } from "../../db/reports/suppress";
import {
  queryCaseload,
  queryClosures,
  queryFindings,
  queryGoals,
  queryIdentitiesClarified,
  queryReach,
  queryReferrals,
  queryStaff,
  queryUmfTransitions,
  queryOpenCases,
  queryResidenceDeadlines,
  queryResidenceTransitions,
} from "../../db/reports/queries";
import type { Database } from "../../db/schema";
import { seedCases } from "../../db/seed/cases";
import { seedDemoUsers, seedReferenceData } from "../../db/seed/index";
import { getTeamOverview } from "../../db/team";

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const cases = Number(argument("cases") ?? 250_000);
const runs = Number(argument("runs") ?? 7);
const reuse = process.argv.includes("--reuse");
if (!Number.isInteger(cases) || cases < 1 || !Number.isInteger(runs) || runs < 1) {
  console.error("usage: npm run bench -- [--cases N] [--runs N] [--reuse]");
  process.exit(2);
}
const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const DB_NAME = process.env.BENCH_DB_NAME ?? "kim_bench";
const QUERY_TARGET_MS = 300;
const REPORT_TARGET_MS = 1000;

const log = (line: string) => console.log(`[bench] ${line}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function timed<T>(run: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const result = await run();
  return [performance.now() - t0, result];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** One warm-up, then `runs` timed runs. */
async function measure(run: () => Promise<unknown>): Promise<{ median: number; min: number; max: number }> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await timed(run))[0]);
  return { median: median(times), min: Math.min(...times), max: Math.max(...times) };
}

async function prepareDatabase(): Promise<{ db: Kysely<Database>; close: () => Promise<void> }> {
  const url = new URL(serverUrl);
  url.pathname = `/${DB_NAME}`;
  const admin = await openDatabase({ databaseUrl: serverUrl, maxConnections: 1 });
  try {
    const exists = await sql<{ n: number }>`SELECT count(*) AS n FROM pg_database WHERE datname = ${DB_NAME}`.execute(admin.db);
    if (reuse && Number(exists.rows[0]?.n) > 0) {
      const handle = await openDatabase({ databaseUrl: url.toString(), maxConnections: 10, connectTimeoutMs: 120_000 });
      const have = await handle.db
        .selectFrom("cases")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirst()
        .catch(() => undefined);
      if (Number(have?.n ?? 0) === cases) {
        const applied = await migrateToLatest(handle.db);
        log(`reusing ${DB_NAME} with ${cases.toLocaleString("de-DE")} cases${applied.length ? `; applied ${applied.join(", ")}` : ""}`);
        return { db: handle.db, close: handle.close };
      }
      await handle.close();
    }
    await sql`DROP DATABASE IF EXISTS ${sql.id(DB_NAME)} WITH (FORCE)`.execute(admin.db);
    await sql`CREATE DATABASE ${sql.id(DB_NAME)}`.execute(admin.db);
  } finally {
    await admin.close();
  }
  const handle = await openDatabase({ databaseUrl: url.toString(), maxConnections: 10, connectTimeoutMs: 120_000 });
  await migrateToLatest(handle.db);
  await seedReferenceData(handle.db);
  await seedDemoUsers(handle.db);
  log(`loading ${cases.toLocaleString("de-DE")} cases with the demo generator …`);
  const [loadMs, loaded] = await timed(() => seedCases(handle.db, { count: cases, log, seed: 20210208 }));
  log(`loaded ${loaded.cases.toLocaleString("de-DE")} cases, ${loaded.events.toLocaleString("de-DE")} events in ${seconds(loadMs)}`);
  return { db: handle.db, close: handle.close };
}

const { db, close } = await prepareDatabase();
try {
  await sql`ANALYZE`.execute(db);
  const sizes = await sql<{ cases: number; events: number; intervals: number; events_size: string }>`
    SELECT (SELECT count(*) FROM cases) AS cases, (SELECT count(*) FROM case_events) AS events,
      (SELECT count(*) FROM report_case_intervals) AS intervals,
      pg_size_pretty(pg_total_relation_size('case_events')) AS events_size`.execute(db);
  const size = sizes.rows[0];
  log(
    `database: ${Number(size?.cases).toLocaleString("de-DE")} cases, ${Number(size?.events).toLocaleString("de-DE")} events ` +
      `(${size?.events_size}), ${Number(size?.intervals).toLocaleString("de-DE")} open intervals; ${os.cpus().length} CPUs`,
  );

  // The yardstick: one sequential scan of case_events on this database.
  const seqScan = await measure(() =>
    db.connection().execute(async (c) => {
      await sql`SET enable_indexscan = off`.execute(c);
      await sql`SET enable_indexonlyscan = off`.execute(c);
      await sql`SET enable_bitmapscan = off`.execute(c);
      await sql`SELECT count(*) FROM case_events`.execute(c);
      await sql`RESET ALL`.execute(c);
    }),
  );

  // The report the steering group opens by default: the current year. The data cover the 24 months
  // before today, so the previous year is the full-year case.
  const today = berlinToday();
  const year = Number(today.slice(0, 4));
  const fullYear: ReportFilter = { ...yearPeriod(year - 1) };
  const quarter: ReportFilter = { from: `${year - 1}-04-01`, to: `${year - 1}-06-30` };
  const queries: [string, SplitDimension, (f: ReportFilter, s: SplitDimension) => Promise<unknown>][] = [
    ["Erreichbarkeit (queryReach)", "none", (f, s) => queryReach(db, f, s)],
    ["Abschlüsse, Falldauer (queryClosures)", "none", (f, s) => queryClosures(db, f, s)],
    ["Zielerreichung (queryGoals)", "none", (f, s) => queryGoals(db, f, s)],
    ["Vermittlungen (queryReferrals)", "none", (f, s) => queryReferrals(db, f, s)],
    ["Identitäten (queryIdentitiesClarified)", "none", (f, s) => queryIdentitiesClarified(db, f, s)],
    ["UMF mit 18 (queryUmfTransitions)", "none", (f, s) => queryUmfTransitions(db, f, s)],
    ["Strukturelle Hürden (queryFindings)", "none", (f, s) => queryFindings(db, f, s)],
    ["Aufenthaltsverfestigung (queryResidenceTransitions)", "none", (f, s) => queryResidenceTransitions(db, f, s)],
    ["Offene Fälle im Zeitraum (queryOpenCases)", "none", (f, s) => queryOpenCases(db, f, s)],
    ["Fristen verpasst (queryResidenceDeadlines)", "none", (f, s) => queryResidenceDeadlines(db, f, s, { asOf: today })],
    ["Aufenthaltsverfestigung nach Zielgruppe", "targetGroup", (f, s) => queryResidenceTransitions(db, f, s)],
    ["Auslastung (queryCaseload)", "none", (f, s) => queryCaseload(db, f, s, { asOf: today })],
    ["Personal (queryStaff)", "none", () => queryStaff(db)],
    ["Erreichbarkeit nach Kommune", "municipality", (f, s) => queryReach(db, f, s)],
    ["Zielerreichung nach Monat", "month", (f, s) => queryGoals(db, f, s)],
    ["Auslastung nach Monat", "month", (f, s) => queryCaseload(db, f, s, { asOf: today })],
    ["Auslastung nach Kommune", "municipality", (f, s) => queryCaseload(db, f, s, { asOf: today })],
    ["Erreichbarkeit nach Träger", "organisation", (f, s) => queryReach(db, f, s)],
    ["Auslastung nach Träger", "organisation", (f, s) => queryCaseload(db, f, s, { asOf: today })],
  ];

  // "Auf einen Blick" (db/reports/key-figures.ts): the key figures are read from the published report, so
  // they have no query of their own. Measured: the queries behind the eight figures for the period and its
  // previous period at once (what the overview costs the database), and keyFiguresOf on a built report.
  const keyFigureQueries = (f: ReportFilter) => {
    const prev: ReportFilter = { ...f, ...previousPeriod(f) };
    return Promise.all(
      [f, prev].flatMap((p): Promise<unknown>[] => [
        queryReach(db, p, "none"),
        queryClosures(db, p, "none"),
        queryGoals(db, p, "none"),
        queryReferrals(db, p, "none"),
        queryIdentitiesClarified(db, p, "none"),
        queryFindings(db, p, "none"),
        queryCaseload(db, p, "none", { asOf: today }),
      ]).concat([queryStaff(db)]),
    );
  };
  queries.push(["Auf einen Blick: Abfragen der Kennzahlen (+ Vorperiode)", "none", (f) => keyFigureQueries(f)]);
  const builtReport = await buildReport(db, fullYear, "none", { asOf: today });
  queries.push(["Auf einen Blick: keyFiguresOf (veröffentlichter Bericht)", "none", async () => publishReport(builtReport, { suppress: true }).atAGlance]);

  // Trend queries (issue 13: monthly lines over 24 months, each < 300 ms; db/reports/trends.ts).
  const TREND_QUERIES: [string, (f: ReportFilter) => Promise<unknown>][] = [
    ["Entwicklung (24 Monate, queryTrends)", (f) => queryTrends(db, f, { asOf: today })],
  ];
  for (const [name, run] of TREND_QUERIES) queries.push([name, "none", (f) => run(f)]);

  // For comparison: the residence figures from their definition computed on every request (the views of
  // migration 0015) instead of the facts kept by trigger (0019).
  queries.push([
    "Aufenthaltsverfestigung live (ohne Materialisierung)",
    "none",
    (f, s) => queryResidenceTransitions(db, f, s, { source: "live" }),
  ]);
  queries.push([
    "Fristen verpasst live (ohne Materialisierung)",
    "none",
    (f, s) => queryResidenceDeadlines(db, f, s, { asOf: today, source: "live" }),
  ]);

  interface Row {
    name: string;
    period: string;
    median: number;
    min: number;
    max: number;
    target: number | null;
  }
  const rows: Row[] = [];
  for (const [name, split, run] of queries) {
    for (const [label, filter] of [
      ["Jahr", fullYear],
      ["Quartal", quarter],
    ] as const) {
      if (split !== "none" && label === "Quartal") continue;
      const target = name.includes("live") || name.includes("keyFiguresOf") ? null : QUERY_TARGET_MS;
      rows.push({ name, period: label, ...(await measure(() => run(filter, split))), target });
    }
  }
  // For comparison: the caseload computed from the event log on every request (why the intervals are kept).
  rows.push({
    name: "Auslastung ohne Materialisierung (live)",
    period: "Jahr",
    ...(await measure(() => queryCaseload(db, fullYear, "none", { asOf: today, source: "live" }))),
    target: null,
  });
  rows.push({
    name: "Teamübersicht (getTeamOverview)",
    period: "heute",
    ...(await measure(() => getTeamOverview(db, { today }))),
    target: QUERY_TARGET_MS,
  });
  const params = (extra: Record<string, string>) =>
    new URLSearchParams({ zeitraum: "jahr", jahr: String(year - 1), ...extra });
  for (const [name, extra] of [
    ["Ganzer Bericht (loadReport, Lenkungsgruppe)", {}],
    ["Ganzer Bericht nach Kommune", { aufteilung: "kommune" }],
    ["Ganzer Bericht nach Monat", { aufteilung: "monat" }],
    ["Ganzer Bericht nach Träger", { aufteilung: "traeger" }],
  ] as const) {
    rows.push({
      name,
      period: "Jahr + Vorjahr",
      ...(await measure(() => loadReport(db, { role: "steering" }, params(extra), { today }))),
      target: REPORT_TARGET_MS,
    });
  }

  const pad = (s: string, n: number) => s.padEnd(n);
  const num = (ms: number) => ms.toFixed(1).padStart(9);
  console.log("");
  console.log(
    `${pad("Messung", 46)} ${pad("Zeitraum", 15)} ${"Median ms".padStart(9)} ${"min".padStart(9)} ${"max".padStart(9)} ${"× Scan".padStart(7)}  Ziel`,
  );
  console.log(
    `${pad("Sequenzieller Scan case_events (Maßstab)", 46)} ${pad("–", 15)} ${num(seqScan.median)} ${num(seqScan.min)} ${num(seqScan.max)} ${"1,00".padStart(7)}`,
  );
  let failed = 0;
  for (const r of rows) {
    const ratio = (r.median / seqScan.median).toFixed(2).replace(".", ",");
    const verdict = r.target === null ? "" : r.median < r.target ? `< ${r.target} ms ok` : `> ${r.target} ms ZU LANGSAM`;
    if (r.target !== null && r.median >= r.target) failed++;
    console.log(`${pad(r.name, 46)} ${pad(r.period, 15)} ${num(r.median)} ${num(r.min)} ${num(r.max)} ${ratio.padStart(7)}  ${verdict}`);
  }
  console.log("");
  log(`${runs} runs each after one warm-up; ${failed === 0 ? "all targets met" : `${failed} target(s) missed`}`);
  process.exitCode = failed === 0 ? 0 : 1;
} finally {
  await close();
}
