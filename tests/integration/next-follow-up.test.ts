// cases.next_follow_up_on (migration 0025): the date of a case's next open Wiedervorlage, kept by
// statement triggers on follow_ups. "Meine Fälle" sorts and filters by it and "Heute" finds the cases
// with one due by it, so it must equal min(due_on) of the open follow-ups after every kind of change:
// as the system and as a case manager under row-level security, for one row and many, and when two
// transactions change the same case's follow-ups at once. It is no step of the case: row_version stays.
import pg from "pg";
import { type Kysely, sql } from "kysely";
import { openDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import type { Database } from "../../db/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAsActor } from "../../db/request-actor";
import { addFollowUp } from "../../db/follow-ups";
import { completeFollowUp, listDueFollowUps } from "../../db/today";
import { type TestDatabase, createTestDatabase } from "./db";
import { insertCase, insertOrganisation, insertUser } from "./fixtures";

let t: TestDatabase;
let cm: { id: string; role: "case_manager"; organisationId: number };
let cases: string[];

/** Cases whose stored date differs from the one recomputed from follow_ups. */
async function drifted(db: Kysely<Database> = t.db): Promise<{ id: string; stored: string | null; actual: string | null }[]> {
  const { rows } = await sql<{ id: string; stored: string | null; actual: string | null }>`
    SELECT c.id, c.next_follow_up_on::text AS stored,
      (SELECT min(f.due_on) FROM follow_ups f WHERE f.case_id = c.id AND f.done_at IS NULL)::text AS actual
    FROM cases c
    WHERE c.next_follow_up_on IS DISTINCT FROM (SELECT min(f.due_on) FROM follow_ups f WHERE f.case_id = c.id AND f.done_at IS NULL)`.execute(db);
  return rows;
}

async function nextOf(caseId: string): Promise<string | null> {
  const row = await t.db.selectFrom("cases").select("next_follow_up_on").where("id", "=", caseId).executeTakeFirstOrThrow();
  return row.next_follow_up_on;
}

async function rowVersions(): Promise<Record<string, number>> {
  const rows = await t.db.selectFrom("cases").select(["id", "row_version"]).where("id", "in", cases).execute();
  return Object.fromEntries(rows.map((r) => [r.id, r.row_version]));
}

beforeAll(async () => {
  t = await createTestDatabase();
  const organisationId = await insertOrganisation(t.db);
  const user = await insertUser(t.db, { role: "case_manager", organisationId });
  cm = { id: user.id, role: "case_manager", organisationId };
  cases = [];
  for (let i = 0; i < 4; i++) cases.push(await insertCase(t.db, { caseManagerId: cm.id }));
});

afterAll(async () => {
  await t?.close();
});

describe("cases.next_follow_up_on", () => {
  it("equals the earliest open follow-up after inserts, updates, reopening, moves and deletes of one row and many", async () => {
    const [a, b, c, d] = cases as [string, string, string, string];
    const versions = await rowVersions();
    const insert = (caseId: string, dueOn: string, done = false) =>
      t.db
        .insertInto("follow_ups")
        .values({ case_id: caseId, due_on: dueOn, note: "Test", done_at: done ? new Date() : null })
        .returning("id")
        .executeTakeFirstOrThrow()
        .then((r) => r.id);

    expect(await nextOf(a)).toBeNull();
    const a1 = await insert(a, "2026-05-10");
    expect(await nextOf(a)).toBe("2026-05-10");
    await insert(a, "2026-04-01", true); // done: not the next one
    expect(await nextOf(a)).toBe("2026-05-10");
    const a2 = await insert(a, "2026-03-01");
    expect(await nextOf(a)).toBe("2026-03-01");

    // several cases in one statement
    const many = await t.db
      .insertInto("follow_ups")
      .values([
        { case_id: b, due_on: "2026-02-02", note: "x" },
        { case_id: b, due_on: "2026-01-15", note: "x" },
        { case_id: c, due_on: "2026-07-07", note: "x" },
      ])
      .returning("id")
      .execute();
    expect(await drifted()).toEqual([]);

    await t.db.updateTable("follow_ups").set({ done_at: new Date() }).where("id", "=", a2).execute();
    expect(await nextOf(a)).toBe("2026-05-10");
    await t.db.updateTable("follow_ups").set({ due_on: "2026-06-30" }).where("id", "=", a1).execute();
    expect(await nextOf(a)).toBe("2026-06-30");
    await t.db.updateTable("follow_ups").set({ done_at: null }).where("id", "=", a2).execute(); // reopened
    expect(await nextOf(a)).toBe("2026-03-01");
    // moved to another case: both cases change
    await t.db.updateTable("follow_ups").set({ case_id: d }).where("id", "=", a2).execute();
    expect(await nextOf(a)).toBe("2026-06-30");
    expect(await nextOf(d)).toBe("2026-03-01");
    // an update that changes nothing the date depends on
    await t.db.updateTable("follow_ups").set({ note: "anders" }).where("case_id", "in", cases).execute();
    expect(await drifted()).toEqual([]);
    // every follow-up of several cases done at once
    await t.db.updateTable("follow_ups").set({ done_at: new Date() }).where("case_id", "in", [b, c]).execute();
    expect(await nextOf(b)).toBeNull();
    expect(await nextOf(c)).toBeNull();
    await t.db.deleteFrom("follow_ups").where("id", "in", [a1, ...many.map((m) => m.id)]).execute();
    expect(await nextOf(a)).toBeNull();
    expect(await drifted()).toEqual([]);

    expect(await rowVersions()).toEqual(versions);
  });

  it("is kept when a case manager adds and completes follow-ups under row-level security, and Heute finds them by it", async () => {
    const [, , c] = cases as [string, string, string];
    const versions = await rowVersions();
    const added = await runAsActor(cm, () => addFollowUp(t.db, cm, { caseId: c, dueOn: "2026-01-05", note: "Anrufen" }));
    if (!added.ok) throw new Error(added.message);
    expect(await nextOf(c)).toBe("2026-01-05");

    const due = await runAsActor(cm, () => listDueFollowUps(t.db, cm, { today: "2026-01-05" }));
    expect(due.followUps.map((f) => f.id)).toContain(added.followUpId);
    const notYet = await runAsActor(cm, () => listDueFollowUps(t.db, cm, { today: "2026-01-04" }));
    expect(notYet.followUps.map((f) => f.id)).not.toContain(added.followUpId);

    const done = await runAsActor(cm, () => completeFollowUp(t.db, cm, { followUpId: added.followUpId, caseId: null }));
    expect(done.ok).toBe(true);
    expect(await drifted()).toEqual([]);
    expect(await rowVersions()).toEqual(versions);
  });

  it("is right when two transactions change the same case's follow-ups at once", async () => {
    if (!t.url) throw new Error("this test needs PostgreSQL (two connections)");
    const [, b] = cases as [string, string];
    const earliest = await t.db
      .insertInto("follow_ups")
      .values({ case_id: b, due_on: "2026-03-03", note: "x" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await t.db.insertInto("follow_ups").values({ case_id: b, due_on: "2026-03-05", note: "x" }).execute();
    expect(await nextOf(b)).toBe("2026-03-03");

    const first = new pg.Client({ connectionString: t.url });
    const second = new pg.Client({ connectionString: t.url });
    await first.connect();
    await second.connect();
    try {
      // The first marks the earliest one done (the case's date becomes the 5th) and stays open ...
      await first.query("BEGIN");
      await first.query("UPDATE follow_ups SET done_at = now() WHERE id = $1", [earliest.id]);
      // ... while the second adds one for the 4th: its snapshot still sees the 3rd open.
      await second.query("BEGIN");
      const adding = second.query("INSERT INTO follow_ups (case_id, due_on, note) VALUES ($1, '2026-03-04', 'x')", [b]);
      adding.catch(() => undefined); // awaited below; a failure before that must not go unhandled
      await waitForLockWaiter(first);
      await first.query("COMMIT");
      await adding;
      await second.query("COMMIT");
    } finally {
      await first.end();
      await second.end();
    }
    expect(await nextOf(b)).toBe("2026-03-04");
    expect(await drifted()).toEqual([]);
  });

  it("completing a follow-up locks its case before the follow-up, so it waits for a step that holds the case", async () => {
    if (!t.url) throw new Error("this test needs PostgreSQL (two connections)");
    const [, , , d] = cases as [string, string, string, string];
    const added = await runAsActor(cm, () => addFollowUp(t.db, cm, { caseId: d, dueOn: "2026-02-01", note: "Frist" }));
    if (!added.ok) throw new Error(added.message);

    const step = new pg.Client({ connectionString: t.url });
    await step.connect();
    try {
      // A step holds the case (as recording a residence document does) and then changes its follow-ups.
      await step.query("BEGIN");
      await step.query("SET LOCAL lock_timeout = '5s'");
      await step.query("SELECT id FROM cases WHERE id = $1 FOR UPDATE", [d]);
      const completing = runAsActor(cm, () => completeFollowUp(t.db, cm, { followUpId: added.followUpId, caseId: d }));
      completing.catch(() => undefined); // awaited below; a failure before that must not go unhandled
      await waitForLockWaiter(step);
      // Had completing locked the follow-up first, this would wait for it while it waits for the case.
      await step.query("UPDATE follow_ups SET note = 'vom Schritt' WHERE id = $1", [added.followUpId]);
      await step.query("COMMIT");
      const done = await completing;
      expect(done.ok).toBe(true);
    } finally {
      await step.end();
    }
    const row = await t.db.selectFrom("follow_ups").select(["note", "done_at"]).where("id", "=", added.followUpId).executeTakeFirstOrThrow();
    expect(row.note).toBe("vom Schritt");
    expect(row.done_at).not.toBeNull();
    expect(await drifted()).toEqual([]);
  });
});

describe("cases.next_follow_up_on on the embedded database (PGlite)", () => {
  it("is kept by the same triggers", async () => {
    const handle = await openDatabase({ pgliteDir: "memory://" });
    try {
      const db = handle.db;
      await migrateToLatest(db);
      const organisationId = await insertOrganisation(db);
      const user = await insertUser(db, { role: "case_manager", organisationId });
      const [a, b] = [await insertCase(db, { caseManagerId: user.id }), await insertCase(db, { caseManagerId: user.id })];
      const rows = await db
        .insertInto("follow_ups")
        .values([
          { case_id: a, due_on: "2026-04-04", note: "x" },
          { case_id: a, due_on: "2026-04-01", note: "x" },
          { case_id: b, due_on: "2026-05-05", note: "x" },
        ])
        .returning(["id", "due_on"])
        .execute();
      const next = async (id: string) =>
        (await db.selectFrom("cases").select("next_follow_up_on").where("id", "=", id).executeTakeFirstOrThrow()).next_follow_up_on;
      expect([await next(a), await next(b)]).toEqual(["2026-04-01", "2026-05-05"]);
      const earliest = rows.find((r) => r.due_on === "2026-04-01")!;
      await db.updateTable("follow_ups").set({ done_at: new Date() }).where("id", "=", earliest.id).execute();
      expect(await next(a)).toBe("2026-04-04");
      await db.deleteFrom("follow_ups").where("case_id", "=", b).execute();
      expect(await next(b)).toBeNull();
      expect(await drifted(db)).toEqual([]);
    } finally {
      await handle.close();
    }
  });
});

/** Waits until another backend of this database waits for a lock that `holder` holds. */
async function waitForLockWaiter(holder: pg.Client): Promise<void> {
  const pid = (holder as unknown as { processID: number }).processID;
  for (let i = 0; i < 200; i++) {
    const rows = await t.db
      .selectNoFrom(sql<number>`(SELECT count(*)::int FROM pg_stat_activity WHERE ${pid} = ANY (pg_blocking_pids(pid)))`.as("n"))
      .execute();
    if (Number(rows[0]?.n) > 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("nothing waited for the lock");
}
