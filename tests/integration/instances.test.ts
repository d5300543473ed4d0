// Operations with real server processes on PostgreSQL (the built app, as `npm run serve` starts it):
// two instances side by side on one database (daily job once per day, sessions and login throttle shared),
// and one instance whose database goes away behind a TCP proxy (German 503 page, health checks, recovery
// without a restart). PGlite is one process and has no network: these tests need TEST_DATABASE_URL.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, inject, test, vi } from "vitest";
import { berlinDate } from "../../db/case-service";
import { openDatabase } from "../../db/connection";
import { THROTTLE_MAX_PER_ACCOUNT } from "../../app/auth.server";
import { type AppProcess, signInOver, startAppProcess } from "./app-process";
import { type TestDatabase, createTestDatabase } from "./db";
import { TEST_PASSWORD, TEST_SECRET_KEY, insertOrganisation, insertUser } from "./fixtures";
import { type TcpProxy, startTcpProxy } from "./tcp-proxy";

const onPostgres = inject("testDatabaseKind") === "postgres";
// Real processes on a shared 2-core machine: starting one can take a while under load.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 240_000 });
if (!onPostgres) console.log("[instances] needs PostgreSQL (TEST_DATABASE_URL): two processes cannot share PGlite");

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function get(app: AppProcess, path: string, cookie?: string) {
  return fetch(`${app.base}${path}`, { headers: cookie ? { Cookie: cookie } : {}, redirect: "manual" });
}

describe.runIf(onPostgres)("several instances on one PostgreSQL", () => {
  let t: TestDatabase;
  let user: { id: string; username: string };
  let a: AppProcess;
  let b: AppProcess;

  beforeAll(async () => {
    t = await createTestDatabase();
    user = await insertUser(t.db, { role: "case_manager", organisationId: await insertOrganisation(t.db) });
    const env = { KIM_DAILY_JOB: "on", KIM_SECRET_KEY: TEST_SECRET_KEY };
    [a, b] = await Promise.all([
      startAppProcess({ databaseUrl: t.url!, env }),
      startAppProcess({ databaseUrl: t.url!, env }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await t?.close();
  });

  test("the daily job runs once per day although both instances try", async () => {
    const day = berlinDate(new Date());
    // Each instance tries 15 s after its start; the loser says who had the day.
    await waitFor("both instances to try the daily job", async () =>
      [a, b].every((app) => app.output().includes(`daily job ${day}:`)),
    );
    const runs = await t.db.selectFrom("job_runs").selectAll().where("job", "=", "daily").execute();
    expect(runs).toHaveLength(1);
    expect(runs[0]?.run_date).toBe(day);
    expect(runs[0]?.finished_at).not.toBeNull();
    const ran = [a, b].filter((app) => app.output().includes("candidates"));
    const skipped = [a, b].filter((app) => app.output().includes("already done by"));
    expect(ran).toHaveLength(1);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.output()).toContain(`already done by ${runs[0]?.instance}`);
  });

  test("a session started on one instance works on the other, and signing out there ends it everywhere", async () => {
    const cookie = await signInOver(a.base, user.username, TEST_PASSWORD);
    const onB = await get(b, "/faelle", cookie);
    expect(onB.status).toBe(200);
    expect(await onB.text()).toContain(`Test ${user.username}`);

    const logout = await fetch(`${b.base}/abmelden`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: b.base },
      redirect: "manual",
    });
    expect(logout.status).toBeGreaterThanOrEqual(300);
    const onA = await get(a, "/faelle", cookie);
    expect(onA.status).toBe(302);
    expect(onA.headers.get("location")).toMatch(/^\/anmelden/);
  });

  test("failed logins on either instance count for one throttle", async () => {
    const other = await insertUser(t.db, { role: "case_manager", organisationId: await insertOrganisation(t.db) });
    for (let i = 0; i < THROTTLE_MAX_PER_ACCOUNT; i++) {
      const app = i % 2 === 0 ? a : b;
      await expect(signInOver(app.base, other.username, "falsches-Passwort-123")).rejects.toThrow(/HTTP 401/);
    }
    // The right password now meets the throttle on both instances.
    await expect(signInOver(a.base, other.username, TEST_PASSWORD)).rejects.toThrow(/HTTP 429/);
    await expect(signInOver(b.base, other.username, TEST_PASSWORD)).rejects.toThrow(/HTTP 429/);
  });
});

describe.runIf(onPostgres)("the database goes away and comes back", () => {
  let t: TestDatabase;
  let proxy: TcpProxy;
  let app: AppProcess;
  let cookie: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    const user = await insertUser(t.db, { role: "case_manager", organisationId: await insertOrganisation(t.db) });
    const direct = new URL(t.url!);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const viaProxy = new URL(t.url!);
    viaProxy.hostname = "127.0.0.1";
    viaProxy.port = String(proxy.port);
    app = await startAppProcess({ databaseUrl: viaProxy.toString(), env: { KIM_SECRET_KEY: TEST_SECRET_KEY } });
    cookie = await signInOver(app.base, user.username, TEST_PASSWORD);
  });
  afterAll(async () => {
    await app?.stop();
    await proxy?.close();
    await t?.close();
  });

  test("health checks answer while the database is there", async () => {
    const health = await get(app, "/healthz");
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await get(app, "/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
    expect((await get(app, "/faelle", cookie)).status).toBe(200);
  });

  test("without the database pages answer a German 503 page, /healthz stays 200, and all recovers by itself", async () => {
    await proxy.cut();
    const page = await get(app, "/faelle", cookie);
    const html = await page.text();
    expect(page.status).toBe(503);
    expect(page.headers.get("retry-after")).toBe("30");
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(html).toContain('<html lang="de">');
    expect(html).toContain("vorübergehend nicht erreichbar");
    expect(html).not.toMatch(/ECONNREFUSED|Error|at .*\.ts|SELECT/);
    const home = await get(app, "/", cookie);
    expect(home.status).toBe(503);

    expect((await get(app, "/healthz")).status).toBe(200);
    const ready = await get(app, "/readyz");
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "not ready", reason: "database unreachable" });
    // The log says what happened in one line, without a stack trace.
    expect(app.output()).toContain("[db] database unavailable");

    await proxy.restore();
    await waitFor("the page to come back", async () => (await get(app, "/faelle", cookie)).status === 200, 20_000);
    expect((await get(app, "/readyz")).status).toBe(200);
  });

  test("/readyz answers 503 while a migration of this build is not applied", async () => {
    await sql`DELETE FROM kysely_migration WHERE name = '0010-operations'`.execute(t.db);
    try {
      const ready = await get(app, "/readyz");
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: "not ready", reason: "migrations pending" });
    } finally {
      await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('0010-operations', now()::text)`.execute(t.db);
    }
    expect((await get(app, "/readyz")).status).toBe(200);
  });

  // The class behind a crash seen in this file: a connection that dies while it is checked out but idle
  // between two statements (a transaction waiting for the application, as the daily job's do) made pg emit
  // 'error' on a client nobody listened to, and the process ended. Now the next statement fails instead.
  test("a connection lost inside a transaction fails that transaction, not the process", async () => {
    const direct = new URL(t.url!);
    const own = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const viaProxy = new URL(t.url!);
    viaProxy.hostname = "127.0.0.1";
    viaProxy.port = String(own.port);
    const handle = await openDatabase({ databaseUrl: viaProxy.toString(), maxConnections: 2 });
    const uncaught = vi.fn();
    process.on("uncaughtException", uncaught);
    try {
      const outcome = handle.db.transaction().execute(async (trx) => {
        await sql`SELECT 1`.execute(trx);
        await own.cut(); // the connection dies while the transaction waits between statements
        await new Promise((resolve) => setTimeout(resolve, 300));
        await sql`SELECT 2`.execute(trx);
      });
      await expect(outcome).rejects.toThrow();
      expect(uncaught).not.toHaveBeenCalled();
      await own.restore();
      // the pool discards the broken connection and serves the next query with a new one
      await waitFor("a new connection", async () => (await sql<{ n: number }>`SELECT 3 AS n`.execute(handle.db).then((r) => r.rows[0]?.n === 3).catch(() => false)), 10_000);
    } finally {
      process.off("uncaughtException", uncaught);
      await handle.close();
      await own.close();
    }
  });
});
