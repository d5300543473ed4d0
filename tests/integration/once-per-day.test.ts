// The daily job's claim in job_runs (db/jobs/once-per-day.ts), in-process on either database: of many
// concurrent attempts for one day exactly one runs; a failed run gives the day back; a crashed run's
// claim is taken over after STALE_CLAIM_MINUTES, a running one is not.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { STALE_CLAIM_MINUTES, runOncePerDay } from "../../db/jobs/once-per-day";
import { type TestDatabase, createTestDatabase } from "./db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.close();
});

describe("runOncePerDay", () => {
  test("of five concurrent attempts for one day exactly one runs the job", async () => {
    let runs = 0;
    const outcomes = await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        runOncePerDay(t.db, { name: "concurrent", day: "2026-03-01", instance: `host:${i}` }, async () => {
          runs++;
          await new Promise((r) => setTimeout(r, 50));
          return { checked: i };
        }),
      ),
    );
    expect(runs).toBe(1);
    const winner = outcomes.find((o) => o.ran);
    expect(outcomes.filter((o) => o.ran)).toHaveLength(1);
    const row = await t.db.selectFrom("job_runs").selectAll().where("job", "=", "concurrent").executeTakeFirstOrThrow();
    expect(row.finished_at).not.toBeNull();
    expect(row.result).toEqual(winner && winner.ran ? winner.result : null);
    for (const o of outcomes) if (!o.ran) expect(o.claimedBy).toBe(row.instance);
    // The next day is a new claim.
    const next = await runOncePerDay(t.db, { name: "concurrent", day: "2026-03-02" }, async () => "ok");
    expect(next).toEqual({ ran: true, result: "ok" });
  });

  test("a failed run gives the day back, so the next attempt runs", async () => {
    const day = { name: "failing", day: "2026-03-01" };
    await expect(runOncePerDay(t.db, day, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await t.db.selectFrom("job_runs").selectAll().where("job", "=", "failing").execute()).toEqual([]);
    expect(await runOncePerDay(t.db, day, async () => 1)).toEqual({ ran: true, result: 1 });
    expect((await runOncePerDay(t.db, day, async () => 2)).ran).toBe(false);
  });

  test("an unfinished claim is taken over only after it went stale", async () => {
    const day = "2026-03-01";
    const started = new Date("2026-03-01T02:00:00Z");
    await t.db.insertInto("job_runs").values({ job: "crashed", run_date: day, instance: "gone:1", started_at: started }).execute();
    const soon = new Date(started.getTime() + (STALE_CLAIM_MINUTES - 1) * 60_000);
    expect(await runOncePerDay(t.db, { name: "crashed", day, now: soon }, async () => "early")).toEqual({
      ran: false,
      claimedBy: "gone:1",
    });
    const later = new Date(started.getTime() + (STALE_CLAIM_MINUTES + 1) * 60_000);
    expect(await runOncePerDay(t.db, { name: "crashed", day, now: later, instance: "new:2" }, async () => "late")).toEqual({
      ran: true,
      result: "late",
    });
    const row = await t.db.selectFrom("job_runs").selectAll().where("job", "=", "crashed").executeTakeFirstOrThrow();
    expect(row.instance).toBe("new:2");
  });
});
