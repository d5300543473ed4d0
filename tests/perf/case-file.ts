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
//   npm run bench:case-file [-- runs]
//   (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres; BENCH_CASES; BENCH_KEEP=1 keeps the database)
import { loader } from "../../app/routes/faelle.$caseId";
import { loadCaseFile } from "../../db/case-file";
import { DEMO_USERS } from "../../db/seed/demo-users";
import {
  asRequestActor,
  benchDatabaseUrl,
  benchRlsLabel,
  createBenchDatabase,
  dropBenchDatabase,
  seedCaseloadOf,
  startSignedInServer,
  summary,
  timeRuns,
} from "./harness";
import { routeContext } from "../support/load-context";

const CASES_PER_CASE_MANAGER = 500;
const caseManagerCount = DEMO_USERS.filter((u) => u.role === "case_manager").length;
const totalCases = Number(process.env.BENCH_CASES ?? CASES_PER_CASE_MANAGER * caseManagerCount);
const runs = Number(process.argv[2] ?? 100);
const WARM_UP = 10;
const dbName = "kim_bench_casefile";
const PORT = 3398;

/** Runs fn(i) for i = 0..runs-1 after WARM_UP warm-up calls; returns the times in ms. */
const time = (fn: (i: number) => Promise<unknown>) => timeRuns(runs, WARM_UP, fn);

const handle = await createBenchDatabase(dbName);
const db = handle.db;
try {
  const t0 = Date.now();
  const cm = await seedCaseloadOf(db, { count: totalCases, seed: 4712, openCases: CASES_PER_CASE_MANAGER });
  console.log(`seeded in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

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
  const actor = { id: cm.id, role: cm.role, organisationId: cm.organisation_id };
  // Every timed call runs as the case manager's request would: under row-level security (see asRequestActor).
  const timeAsActor = (fn: (i: number) => Promise<unknown>) => time(asRequestActor(actor, fn));
  const richFile = await loadCaseFile(db, actor, rich.id);
  if (!richFile) throw new Error("rich case not visible");
  console.log(
    `rich case: ${rich.n} events, ${richFile.contacts.length} contacts, ${richFile.goals.length} goals, ` +
      `${richFile.referrals.length} referrals, ${richFile.allowedEvents.length} steps offered`,
  );

  console.log(`\nin-process (${benchRlsLabel}), ${runs} runs each after ${WARM_UP} warm-up runs:`);
  const headline = summary("loadCaseFile, the richest case 100×", await timeAsActor(() => loadCaseFile(db, actor, rich.id)));
  summary(
    "loadCaseFile, 100 different open cases of casemanager",
    await timeAsActor(async (i) => {
      const file = await loadCaseFile(db, actor, sample[(i + WARM_UP) % sample.length] ?? "");
      if (!file) throw new Error("case not visible");
    }),
  );
  const user = { id: cm.id, role: cm.role, username: "casemanager", displayName: cm.display_name, organisationId: cm.organisation_id };
  const context = routeContext(db, user);
  summary(
    "route loader (faelle.$caseId), the richest case",
    await timeAsActor(() => loader({ request: new Request(`http://127.0.0.1/faelle/${rich.id}`), context, params: { caseId: rich.id } })),
  );

  // HTTP against the built server on the same database.
  const { base, cookie, stop } = await startSignedInServer(benchDatabaseUrl(dbName), PORT);
  try {
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
    await stop();
  }
} finally {
  await handle.close();
  await dropBenchDatabase(dbName);
}
