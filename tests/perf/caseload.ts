// Server time of the case list ("Meine Fälle") with 500 open cases for one case manager, on PostgreSQL.
// Seeds a fresh database (BENCH_CASES cases through the demo generator, default 10,000), then moves open
// cases to the demo account "casemanager" until it has exactly 500 open ones (plus its closed ones).
// Measures, as the median of 100 runs after 10 warm-up runs:
//   1. the route's loader function (app/routes/faelle._index.tsx) in-process: permission check,
//      URL parsing, the one SQL query with its window count and the municipality list;
//   2. HTTP GET /faelle against the built server (npm run build first) on 127.0.0.1: session lookup,
//      loader, React server rendering, security headers.
// Not part of `npm test` (no timing assertions anywhere). Usage:
//   npm run bench:caseload [-- runs]
//   (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres; BENCH_CASES; BENCH_KEEP=1 keeps the database)
import { loader } from "../../app/routes/faelle._index";
import {
  asRequestActor,
  benchDatabaseUrl,
  benchRlsLabel,
  createBenchDatabase,
  dropBenchDatabase,
  seedCaseloadOf,
  startSignedInServer,
  summary as summaryOf,
  timeRuns,
} from "./harness";
import { routeContext } from "../support/load-context";

const totalCases = Number(process.env.BENCH_CASES ?? 10_000);
const runs = Number(process.argv[2] ?? 100);
const WARM_UP = 10;
const OPEN_CASES = 500;
const dbName = "kim_bench_caseload";
const PORT = 3399;

const summary = (label: string, times: number[]) => summaryOf(label, times, 58);
const time = (fn: () => Promise<unknown>) => timeRuns(runs, WARM_UP, fn);

const handle = await createBenchDatabase(dbName);
const db = handle.db;
try {
  const t0 = Date.now();
  const cm = await seedCaseloadOf(db, { count: totalCases, seed: 4711, openCases: OPEN_CASES });
  console.log(`seeded in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

  // 1. The loader function itself, with the real database and a signed-in case manager.
  const user = { id: cm.id, role: cm.role, username: "casemanager", displayName: cm.display_name, organisationId: cm.organisation_id };
  const context = routeContext(db, user);
  const callLoader = (search: string) =>
    asRequestActor(user, async () => {
      const result = await loader({ request: new Request(`http://127.0.0.1/faelle${search}`), context, params: {} });
      if (!("rows" in result) || (search === "" && result.total !== OPEN_CASES)) throw new Error("unexpected loader result");
    });
  console.log(`\nloader function (in-process, ${benchRlsLabel}), ${runs} runs each after ${WARM_UP} warm-up runs:`);
  const headline = summary("/faelle (default: open, next follow-up, 25 per page)", await time(callLoader("")));
  summary("/faelle?sortierung=name.ab&anzahl=100&seite=3", await time(callLoader("?sortierung=name.ab&anzahl=100&seite=3")));
  summary("/faelle?sortierung=kontakt.ab&abgeschlossene=1", await time(callLoader("?sortierung=kontakt.ab&abgeschlossene=1")));
  summary("/faelle?wiedervorlage=ueberfaellig", await time(callLoader("?wiedervorlage=ueberfaellig")));
  summary("/faelle?suche=an", await time(callLoader("?suche=an")));
  summary("/faelle?phase=active&zielgruppe=umf&sortierung=alter", await time(callLoader("?phase=active&zielgruppe=umf&sortierung=alter")));

  // 2. HTTP against the built server on the same database.
  const { base, cookie, stop } = await startSignedInServer(benchDatabaseUrl(dbName), PORT);
  try {
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
    await stop();
  }
} finally {
  await handle.close();
  await dropBenchDatabase(dbName);
}
