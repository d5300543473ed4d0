// Load on the built app (one server process unless --workers, PostgreSQL): 50 signed-in case managers drive the four pages
// a case manager uses most, each page on its own:
//   caseload  GET /faelle            ("Meine Fälle"; the demo account "casemanager" holds 201 open cases)
//   file      GET /faelle/:id        (the client file of one of the user's open cases)
//   heute     GET /heute
//   event     POST /faelle/:id       (RECORD_CONTACT through the page's form action: validation, transaction,
//                                     event, audit, redirect; the row version is read from the database first)
// 1. closed loop (capacity): 50 connections, each sends its next request when the previous one answered;
//    pages/s and latency over `--seconds` after a short warm-up;
// 2. open loop: `--rate` requests/s (default 25) with Poisson arrivals (exponential gaps, fixed seed),
//    latency measured from the planned arrival time (no coordinated omission): p50/p95/p99.
// Errors (any status other than the expected one, timeouts, refused connections) are counted per page.
// Each closed-loop row also gives the CPU time per page of the server processes and of the database's
// PostgreSQL backends (from /proc, Linux): on a shared machine pages/s follows the other processes' load,
// the CPU time per page much less.
// 127.0.0.1 only; bounded in time (a watchdog ends the run). Not part of `npm test`. Usage:
//   npm run bench:load [-- --cases 20000] [--reuse] [--seconds 15] [--rate 25] [--users 50] [--profile DIR]
//   --pages caseload,file runs only those pages (caseload, file, heute, event);
//   --reuse keeps an existing loaded kim_bench_load (BENCH_KEEP=1 keeps it after the run);
//   --profile DIR writes a V8 CPU profile of the server (node --cpu-prof) into DIR;
//   --workers N runs N server processes on the port (server-cluster.ts, node:cluster) instead of one.
import { readFileSync, readdirSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { sql } from "kysely";
import { openDatabase } from "../../db/connection";
import { parseFlags } from "../../db/cli/args";
import { benchDatabaseUrl, createBenchDatabase, dropBenchDatabase, seedCaseloadOf, signIn, startServer } from "./harness";

const flags = parseFlags(process.argv.slice(2));
const numberFlag = (name: string, fallback: number) => {
  const value = Number(flags.get(name) ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
};
const totalCases = numberFlag("cases", 20_000);
const seconds = numberFlag("seconds", 15);
const rate = numberFlag("rate", 25);
const users = numberFlag("users", 50);
const workers = numberFlag("workers", 1);
const WARM_UP_SECONDS = 3;
const OPEN_CASES = 201;
const PORT = Number(process.env.BENCH_PORT ?? 3398);
const dbName = "kim_bench_load";
const TIMEOUT_MS = 10_000;

// The whole run is bounded: seeding aside, 4 pages × (warm-up + closed + open) plus start and sign-in.
const watchdogMs = (4 * (WARM_UP_SECONDS + 2 * seconds) + 180) * 1000;

type PageName = "caseload" | "file" | "heute" | "event";
const ALL_PAGES: PageName[] = ["caseload", "file", "heute", "event"];
const PAGES: PageName[] = (() => {
  const wanted = flags.get("pages");
  if (typeof wanted !== "string") return ALL_PAGES;
  const names = wanted.split(",").map((n) => n.trim());
  const unknown = names.filter((n) => !(ALL_PAGES as string[]).includes(n));
  if (unknown.length) throw new Error(`--pages: unknown ${unknown.join(", ")} (known: ${ALL_PAGES.join(", ")})`);
  return ALL_PAGES.filter((p) => names.includes(p));
})();

interface VirtualUser {
  username: string;
  cookie: string;
  cases: string[];
}

interface Sample {
  ms: number;
  ok: boolean;
  /** Why it failed: the status (and redirect target) or the error's message. */
  failure?: string;
}

/** The outcome of one request: whether it was the expected answer, and what came instead. */
interface Outcome {
  ok: boolean;
  failure?: string;
}

function expectStatus(res: { status: number; location: string | undefined }, ok: boolean): Outcome {
  return ok ? { ok } : { ok, failure: `status ${res.status}${res.location ? ` → ${res.location.replace(/[0-9a-f-]{36}/g, ":id")}` : ""}` };
}

/** mulberry32: the same Poisson arrival times in every run. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function request(
  method: "GET" | "POST",
  url: string,
  cookie: string,
  body?: string,
): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Cookie: cookie };
    if (body !== undefined) {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      headers["Content-Length"] = String(Buffer.byteLength(body));
      headers.Origin = new URL(url).origin;
    }
    const req = http.request(url, { method, agent, headers, timeout: TIMEOUT_MS }, (res) => {
      res.resume(); // read the whole page: its transfer is part of the time
      res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`: 100 on Linux). */
const CLOCK_TICKS = 100;

/** user + system CPU time of one process in ms (Linux /proc; 0 when it is gone or not readable). */
function cpuMsOf(pid: number): number {
  try {
    // The command name (field 2) may hold spaces: the fields after its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
/** The process and its descendants (the workers of server-cluster.ts). */
function processTree(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // ended meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parentOf) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

/** CPU ms per process id, for the server's processes and the PostgreSQL backends serving the bench database. */
async function cpuSnapshot(serverPid: number | undefined): Promise<{ server: Map<number, number>; database: Map<number, number> }> {
  const server = new Map<number, number>();
  if (serverPid !== undefined) for (const pid of processTree(serverPid)) server.set(pid, cpuMsOf(pid));
  const database = new Map<number, number>();
  const backends = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database() and application_name = 'kim-case' and pid <> pg_backend_pid()`
    .execute(db)
    .catch(() => ({ rows: [] as { pid: number }[] }));
  for (const { pid } of backends.rows) database.set(pid, cpuMsOf(pid));
  return { server, database };
}

/** CPU ms spent between two snapshots (a process that started in between counts from zero). */
function cpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  for (const [pid, now] of after) ms += now - (before.get(pid) ?? 0);
  return ms;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

const handle = await (async () => {
  if (flags.has("reuse")) {
    const existing = await openDatabase({ databaseUrl: benchDatabaseUrl(dbName), maxConnections: 4 }).catch(() => undefined);
    const loaded = existing
      ? await existing.db
          .selectFrom("cases")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirst()
          .catch(() => undefined)
      : undefined;
    if (existing && loaded && Number(loaded.n) > 0) {
      console.log(`reusing ${dbName} with ${Number(loaded.n).toLocaleString("de-DE")} cases`);
      return existing;
    }
    await existing?.close();
  }
  const created = await createBenchDatabase(dbName, 4);
  const t0 = Date.now();
  await seedCaseloadOf(created.db, { count: totalCases, seed: 4711, openCases: OPEN_CASES });
  console.log(`seeded ${totalCases.toLocaleString("de-DE")} cases in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return created;
})();
const db = handle.db;

const watchdog = setTimeout(() => {
  console.error(`bench:load: time limit of ${watchdogMs / 1000} s reached, stopping`);
  process.exit(1);
}, watchdogMs);
watchdog.unref();

let stopServer: (() => Promise<void>) | undefined;
try {
  // 50 case managers who may sign in: the demo account with 201 open cases and those with the most open
  // cases after it (the synthetic accounts of the generator get the demo password for this run).
  const demo = await db.selectFrom("users").select("password_hash").where("username", "=", "casemanager").executeTakeFirstOrThrow();
  const chosen = await db
    .selectFrom("users")
    .innerJoin("cases", "cases.case_manager_id", "users.id")
    .select(["users.id", "users.username"])
    .where("users.role", "=", "case_manager")
    .where("users.active", "=", true)
    .where("cases.state", "<>", "closed")
    .groupBy(["users.id", "users.username"])
    .orderBy(sql`users.username = 'casemanager'`, "desc")
    .orderBy(sql`count(*)`, "desc")
    .limit(users)
    .execute();
  await db
    .updateTable("users")
    .set({ password_hash: demo.password_hash })
    .where(
      "id",
      "in",
      chosen.map((u) => u.id),
    )
    .execute();
  // Fresh throttle window: the 50 sign-ins come from one address.
  await db.deleteFrom("login_attempts").execute();

  const profile = flags.get("profile");
  const profileDir = typeof profile === "string" ? profile : undefined;
  const server = await startServer(benchDatabaseUrl(dbName), PORT, {
    nodeArgs: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(profileDir)}`] : [],
    workers,
  });
  stopServer = server.stop;
  const base = server.base;
  // Fewer case managers than users (a small --cases): accounts are shared, each user with a session of its own.
  const vus: VirtualUser[] = [];
  for (let i = 0; i < users; i++) {
    const u = chosen[i % chosen.length]!;
    const cases = await db
      .selectFrom("cases")
      .select("id")
      .where("case_manager_id", "=", u.id)
      .where("state", "<>", "closed")
      .orderBy("opened_at", "desc")
      .limit(20)
      .execute();
    vus.push({ username: u.username, cookie: await signIn(base, u.username), cases: cases.map((c) => c.id) });
  }
  const openOwn = await db
    .selectFrom("cases")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("case_manager_id", "=", chosen[0]!.id)
    .where("state", "<>", "closed")
    .executeTakeFirstOrThrow();
  console.log(
    `${vus.length} users signed in with ${chosen.length} case-manager accounts (${vus[0]?.username}: ${Number(openOwn.n)} open cases; ` +
      `up to 20 open cases of each account used for the client file and the event)`,
  );

  /** Cases with a contact being recorded right now: never two at once on one case (no 409 by design). */
  const busy = new Set<string>();
  const pick = (list: string[], n: number) => list[n % list.length]!;

  async function get(url: string, cookie: string): Promise<Outcome> {
    const res = await request("GET", url, cookie);
    return expectStatus(res, res.status === 200);
  }

  async function hit(page: PageName, vu: VirtualUser, n: number): Promise<Outcome> {
    switch (page) {
      case "caseload":
        return get(`${base}/faelle`, vu.cookie);
      case "heute":
        return get(`${base}/heute`, vu.cookie);
      case "file":
        return get(`${base}/faelle/${pick(vu.cases, n)}`, vu.cookie);
      case "event": {
        const start = n % vu.cases.length;
        const target = vu.cases.map((_, i) => vu.cases[(start + i) % vu.cases.length]!).find((c) => !busy.has(c));
        if (!target) return { ok: false, failure: "no case free" };
        busy.add(target);
        try {
          const row = await db.selectFrom("cases").select("row_version").where("id", "=", target).executeTakeFirstOrThrow();
          const body = new URLSearchParams({
            intent: "RECORD_CONTACT",
            rowVersion: String(row.row_version),
            contactType: "telefonisch",
            minutes: "10",
          }).toString();
          const res = await request("POST", `${base}/faelle/${target}`, vu.cookie, body);
          // Recorded: back to the client file (with a new form token), or to the list when the case left the caseload.
          const location = res.location ?? "";
          return expectStatus(
            res,
            (res.status === 302 || res.status === 303) && (location.startsWith(`/faelle/${target}?`) || location.includes("ok=RECORD_CONTACT")),
          );
        } finally {
          busy.delete(target);
        }
      }
    }
  }

  async function timed(page: PageName, vu: VirtualUser, n: number, from: number): Promise<Sample> {
    let outcome: Outcome;
    try {
      outcome = await hit(page, vu, n);
    } catch (error) {
      outcome = { ok: false, failure: error instanceof Error ? error.message : String(error) };
    }
    return { ms: performance.now() - from, ...outcome };
  }

  async function closedLoop(page: PageName, durationS: number): Promise<{ samples: Sample[]; elapsedS: number }> {
    const samples: Sample[] = [];
    const started = performance.now();
    const end = started + durationS * 1000;
    let n = 0;
    await Promise.all(
      vus.map(async (vu) => {
        while (performance.now() < end) {
          samples.push(await timed(page, vu, n++, performance.now()));
        }
      }),
    );
    return { samples, elapsedS: (performance.now() - started) / 1000 };
  }

  async function openLoop(page: PageName, durationS: number, seed: number): Promise<Sample[]> {
    const next = random(seed);
    const started = performance.now();
    const inflight: Promise<Sample>[] = [];
    let planned = started;
    let n = 0;
    for (;;) {
      planned += (-Math.log(1 - next()) / rate) * 1000;
      if (planned - started > durationS * 1000) break;
      const wait = planned - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const at = planned;
      inflight.push(timed(page, vus[n % vus.length]!, n, at));
      n++;
    }
    return Promise.all(inflight);
  }

  const row = (label: string, samples: Sample[], extra: string, cpu = "") => {
    const times = samples.map((s) => s.ms).sort((a, b) => a - b);
    const errors = samples.filter((s) => !s.ok).length;
    const f = (v: number) => `${v.toFixed(0).padStart(6)} ms`;
    console.log(
      `${label.padEnd(10)} ${extra.padStart(14)}  p50 ${f(percentile(times, 0.5))}  p95 ${f(percentile(times, 0.95))}  ` +
        `p99 ${f(percentile(times, 0.99))}  requests ${String(samples.length).padStart(5)}  errors ${errors}${cpu}`,
    );
    const kinds = new Map<string, number>();
    for (const sample of samples) if (sample.failure) kinds.set(sample.failure, (kinds.get(sample.failure) ?? 0) + 1);
    for (const [failure, count] of kinds) console.log(`${"".padEnd(12)}error: ${failure} ×${count}`);
  };

  console.log(`server processes: ${workers}`);
  console.log(`\nclosed loop: ${vus.length} connections back to back, ${seconds} s per page after ${WARM_UP_SECONDS} s warm-up`);
  for (const page of PAGES) {
    await closedLoop(page, WARM_UP_SECONDS);
    const before = await cpuSnapshot(server.pid);
    const { samples, elapsedS } = await closedLoop(page, seconds);
    const after = await cpuSnapshot(server.pid);
    const perPage = (ms: number) => (ms / samples.length).toFixed(1).padStart(5);
    row(
      page,
      samples,
      `${(samples.length / elapsedS).toFixed(1)} pages/s`,
      `  CPU/page: server ${perPage(cpuSpent(before.server, after.server))} ms, PostgreSQL ${perPage(cpuSpent(before.database, after.database))} ms`,
    );
  }
  console.log(`\nopen loop: ${rate} requests/s, Poisson arrivals, ${seconds} s per page (latency from the planned arrival)`);
  for (const page of PAGES) {
    const samples = await openLoop(page, seconds, 20261202 + ALL_PAGES.indexOf(page));
    row(page, samples, `${(samples.length / seconds).toFixed(1)} req/s`);
  }
} finally {
  await stopServer?.();
  agent.destroy();
  await handle.close();
  await dropBenchDatabase(dbName);
  clearTimeout(watchdog);
}
