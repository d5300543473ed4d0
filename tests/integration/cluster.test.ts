// server-cluster.ts with KIM_WORKERS=2 on PostgreSQL: one port, two server processes that both answer
// requests (the request log names each worker's process id), a session that works whichever process
// answers, the daily job tried by the first worker only, and a clean stop of all of them on SIGTERM.
// PGlite is one process: this test needs TEST_DATABASE_URL.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, inject, test, vi } from "vitest";
import { berlinDate } from "../../db/case-service";
import { type AppProcess, signInOver, startAppProcess } from "./app-process";
import { type TestDatabase, createTestDatabase } from "./db";
import { TEST_PASSWORD, TEST_SECRET_KEY, insertOrganisation, insertUser } from "./fixtures";

const onPostgres = inject("testDatabaseKind") === "postgres";
// Three real processes on a shared 2-core machine: starting them can take a while under load.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 330_000 });
if (!onPostgres) console.log("[cluster] needs PostgreSQL (TEST_DATABASE_URL): the cluster refuses the embedded database");

/** One GET on a new TCP connection (no keep-alive), so the cluster hands each request out anew. */
function getOnNewConnection(base: string, path: string, cookie?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${base}${path}`, { agent: false, headers: cookie ? { Cookie: cookie } : {} }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on("error", reject);
  });
}

/** Process ids of the request-log lines for `path` with status 200 (the ids in `[http <pid>]`). */
function servingProcesses(output: string, path: string): Set<string> {
  const line = new RegExp(`^\\[http (\\d+)\\] GET ${path.replace(/\//g, "\\/")} 200 `, "gm");
  return new Set([...output.matchAll(line)].map((m) => m[1] ?? ""));
}

describe.runIf(onPostgres)("server-cluster.ts with two workers", () => {
  let t: TestDatabase;
  let user: { id: string; username: string };
  let app: AppProcess;

  beforeAll(async () => {
    t = await createTestDatabase();
    user = await insertUser(t.db, { role: "case_manager", organisationId: await insertOrganisation(t.db) });
    app = await startAppProcess({
      databaseUrl: t.url!,
      workers: 2,
      startTimeoutMs: 300_000,
      env: { KIM_DAILY_JOB: "on", KIM_REQUEST_LOG: "on", KIM_SECRET_KEY: TEST_SECRET_KEY },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await t?.close();
  });

  test("both worker processes answer requests on the one port, and a session works on either", async () => {
    const cookie = await signInOver(app.base, user.username, TEST_PASSWORD);
    const answers = await Promise.all(Array.from({ length: 16 }, () => getOnNewConnection(app.base, "/faelle", cookie)));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body).toContain(`Test ${user.username}`);
    }
    const processes = servingProcesses(app.output(), "/faelle");
    expect(processes.size).toBe(2);
    expect(processes.has(String(process.pid))).toBe(false);
  });

  test("only the first worker tries the daily job", async () => {
    const day = berlinDate(new Date());
    // The scheduler tries 15 s after its worker started; wait for that and a little more.
    const deadline = Date.now() + 60_000;
    while (!app.output().includes(`daily job ${day}:`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    await new Promise((r) => setTimeout(r, 3_000));
    expect(app.output().split(`daily job ${day}:`)).toHaveLength(2);
    const runs = await t.db.selectFrom("job_runs").selectAll().where("job", "=", "daily").execute();
    expect(runs).toHaveLength(1);
    expect(runs[0]?.finished_at).not.toBeNull();
  });

  test("SIGTERM stops every worker and then the primary", async () => {
    await app.stop();
    const output = app.output();
    expect(output).toContain("[cluster] SIGTERM: stopping 2 workers");
    expect(output.split("SIGTERM: shutting down")).toHaveLength(3);
    await expect(getOnNewConnection(app.base, "/healthz")).rejects.toThrow();
  });
});
