// The residence report facts kept by trigger (migration 0019) against their definition computed on every
// read (the views of 0015, now report_residence_*_live), on a randomised generator fixture: equal after
// the load, and after random new documents, corrections, deletions, steps documented around deadlines,
// closures, reopenings, new cases of known clients and changed dimensions. The report queries give the
// same figures from either source.
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import type { ReportFilter, SplitDimension } from "../../db/reports/period";
import { queryResidenceDeadlines, queryResidenceTransitions } from "../../db/reports/queries";
import type { Database } from "../../db/schema";
import { seedCases } from "../../db/seed/cases";
import { createRandom } from "../../db/seed/generate";
import { seedDemoUsers, seedReferenceData } from "../../db/seed/index";
import { RESIDENCE_STATUSES, type ResidenceStatus } from "../../workflows/vocabulary";
import { type TestDatabase, createTestDatabase } from "./db";

// A fresh seed per run, printed so that a failure can be replayed (REPORT_FACTS_SEED=…).
const SEED = Number(process.env.REPORT_FACTS_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`[report-residence-facts] seed ${SEED}`);

const rnd = createRandom(SEED);
let t: TestDatabase;
let db: Kysely<Database>;

const TODAY = new Date();
const isoDay = (offsetDays: number) => new Date(TODAY.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);

async function rowsOf(view: string, columns: string, on: Kysely<Database> = db): Promise<string[]> {
  const { rows } = await sql<{ r: string }>`SELECT (${sql.raw(columns)})::text AS r FROM ${sql.table(view)}`.execute(on);
  return rows.map((x) => x.r).sort();
}

const TRANSITION_COLUMNS = "document_id, case_id, moved_on, permit_group, target_group, municipality_id, referral_source, organisation_id";
const DEADLINE_COLUMNS = "document_id, case_id, deadline_on, met, target_group, municipality_id, referral_source, organisation_id";

async function expectKeptEqualsLive(when: string, on: Kysely<Database> = db) {
  const [kept, live] = await Promise.all([
    rowsOf("report_residence_transitions", TRANSITION_COLUMNS, on),
    rowsOf("report_residence_transitions_live", TRANSITION_COLUMNS, on),
  ]);
  expect(kept, `transitions ${when}`).toEqual(live);
  const [keptDeadlines, liveDeadlines] = await Promise.all([
    rowsOf("report_residence_deadlines", DEADLINE_COLUMNS, on),
    rowsOf("report_residence_deadlines_live", DEADLINE_COLUMNS, on),
  ]);
  expect(keptDeadlines, `deadlines ${when}`).toEqual(liveDeadlines);
  return { transitions: kept.length, deadlines: keptDeadlines.length };
}

async function expectQueriesAgree(when: string) {
  const year = TODAY.getUTCFullYear();
  const filters: ReportFilter[] = [
    { from: `${year - 1}-01-01`, to: `${year - 1}-12-31` },
    { from: `${year}-01-01`, to: `${year}-12-31` },
    { from: isoDay(-400), to: isoDay(60), targetGroup: "geduldete_identitaet" },
  ];
  const splits: SplitDimension[] = ["none", "month", "targetGroup", "organisation", "municipality"];
  const sorted = <T>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort();
  for (const filter of filters) {
    for (const split of splits) {
      expect(sorted(await queryResidenceTransitions(db, filter, split)), `transitions ${split} ${when}`).toEqual(
        sorted(await queryResidenceTransitions(db, filter, split, { source: "live" })),
      );
      expect(sorted(await queryResidenceDeadlines(db, filter, split, { asOf: isoDay(0) })), `deadlines ${split} ${when}`).toEqual(
        sorted(await queryResidenceDeadlines(db, filter, split, { asOf: isoDay(0), source: "live" })),
      );
    }
  }
}

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  await seedReferenceData(db);
  await seedDemoUsers(db);
  await seedCases(db, { count: 400, log: () => undefined, seed: SEED, batchSize: 100 });
}, 300_000);
afterAll(async () => {
  await t?.close();
});

describe(`residence report facts kept by trigger (seed ${SEED})`, () => {
  test("equal the live definition after the load, with moves, met and missed deadlines present", async () => {
    const counts = await expectKeptEqualsLive("after the load");
    expect(counts.transitions).toBeGreaterThan(0);
    expect(counts.deadlines).toBeGreaterThan(0);
    const met = await db.selectFrom("report_residence_deadline_facts").select("met").distinct().execute();
    expect(met.map((r) => r.met).sort()).toEqual([false, true]);
    await expectQueriesAgree("after the load");
  }, 120_000);

  // The seed defers the facts to the end of each batch (migration 0023) on both databases: on PGlite
  // through multi-row INSERTs instead of COPY.
  test("equal the live definition after a load into the embedded PGlite database", async () => {
    const embedded = await openDatabase({ pgliteDir: "memory://" });
    try {
      await migrateToLatest(embedded.db);
      await seedReferenceData(embedded.db);
      await seedDemoUsers(embedded.db);
      await seedCases(embedded.db, { count: 120, log: () => undefined, seed: SEED, batchSize: 50 });
      const counts = await expectKeptEqualsLive("after a PGlite load", embedded.db);
      expect(counts.transitions + counts.deadlines).toBeGreaterThan(0);
    } finally {
      await embedded.close();
    }
  }, 120_000);

  test("stay equal after new documents, corrections and deletions of residence documents", async () => {
    const clients = (await db.selectFrom("cases").select("client_id").distinct().execute()).map((r) => r.client_id);
    // new documents: a mix of statuses and dates around today (moves to a secure status among them)
    for (const clientId of rnd.sample(clients, 40)) {
      const status = rnd.pick<ResidenceStatus>(RESIDENCE_STATUSES.values as readonly ResidenceStatus[]);
      const issued = rnd.next() < 0.7 ? isoDay(-rnd.int(0, 499)) : null;
      const until = rnd.next() < 0.7 ? isoDay((issued ? 0 : -300) + rnd.int(0, 399)) : null;
      await db
        .insertInto("residence_documents")
        .values({
          client_id: clientId,
          status,
          issued_on: issued,
          valid_until: until && issued && until < issued ? issued : until,
          recorded_at: rnd.next() < 0.5 ? new Date(`${isoDay(-rnd.int(0, 399))}T09:00:00Z`) : undefined,
        })
        .execute();
    }
    await expectKeptEqualsLive("after new documents");
    // corrections: dates and status of existing (current or superseded) documents, singly and in one statement
    const documents = (await db.selectFrom("residence_documents").select("id").execute()).map((r) => r.id);
    for (const id of rnd.sample(documents, 40)) {
      const issued = rnd.next() < 0.5 ? isoDay(-rnd.int(0, 599)) : null;
      await db
        .updateTable("residence_documents")
        .set({
          issued_on: issued,
          valid_until: issued ? isoDay(-rnd.int(0, 99) + 300) : rnd.next() < 0.5 ? isoDay(rnd.int(0, 599) - 400) : null,
          ...(rnd.next() < 0.4 ? { status: rnd.pick<ResidenceStatus>(["ae_25b", "duldung_60a", "ae_104c", "niederlassungserlaubnis"]) } : {}),
        })
        .where("id", "=", id)
        .execute();
    }
    await db
      .updateTable("residence_documents")
      .set({ valid_until: sql`coalesce(valid_until, issued_on, current_date) + 7` })
      .where("id", "in", rnd.sample(documents, 30))
      .execute();
    await expectKeptEqualsLive("after corrections");
    await db.deleteFrom("residence_documents").where("id", "in", rnd.sample(documents, 10)).execute();
    await expectKeptEqualsLive("after deletions");
    await expectQueriesAgree("after document changes");
  }, 120_000);

  test("stay equal after steps documented around deadlines, closures, reopenings, new cases and moved dimensions", async () => {
    const actor = await db.selectFrom("users").select("id").where("role", "=", "case_manager").executeTakeFirstOrThrow();
    // steps by a person in and around the 8 weeks before deadlines that are still missed; and by the system
    const open = await db.selectFrom("report_residence_deadline_facts").select(["case_id", "deadline_on"]).where("met", "=", false).execute();
    expect(open.length).toBeGreaterThan(0);
    for (const d of rnd.sample(open, 30)) {
      const day = new Date(`${String(d.deadline_on)}T12:00:00Z`).getTime() + (rnd.int(0, 79) - 65) * 86_400_000;
      const seq = await db
        .selectFrom("case_events")
        .select((eb) => eb.fn.max("seq").as("seq"))
        .where("case_id", "=", d.case_id)
        .executeTakeFirstOrThrow();
      await db
        .insertInto("case_events")
        .values({
          case_id: d.case_id,
          seq: Number(seq.seq ?? 0) + 1,
          type: "NOTE",
          payload: "{}",
          to_state: "active",
          actor_id: rnd.next() < 0.8 ? actor.id : null,
          occurred_at: new Date(day),
        })
        .execute();
    }
    await expectKeptEqualsLive("after steps");

    const cases = await db.selectFrom("cases").select(["id", "client_id", "state"]).execute();
    // closures and reopenings (the report reads opened/closed from report_cases, kept from cases)
    for (const c of rnd.sample(cases.filter((x) => x.state !== "closed"), 15)) {
      await db
        .updateTable("cases")
        .set({ state: "closed", closed_at: new Date(`${isoDay(-rnd.int(0, 299))}T15:00:00Z`), closure_reason: "verzogen" })
        .where("id", "=", c.id)
        .execute();
    }
    for (const c of rnd.sample(cases.filter((x) => x.state === "closed"), 10)) {
      await db.updateTable("cases").set({ state: "active", closed_at: null, closure_reason: null }).where("id", "=", c.id).execute();
    }
    await expectKeptEqualsLive("after closures and reopenings");
    // a second case of known clients, opened after their documents were recorded
    for (const c of rnd.sample(cases, 8)) {
      await sql`
        INSERT INTO cases (client_id, case_manager_id, target_group, target_group_definition_id, referral_source,
          referral_municipality_id, increased_need_documented, state, snapshot, machine_version, opened_at, organisation_id)
        SELECT client_id, case_manager_id, target_group, target_group_definition_id, referral_source,
          referral_municipality_id, increased_need_documented, 'active', snapshot, machine_version,
          ${new Date(`${isoDay(-rnd.int(0, 499))}T08:00:00Z`)}, organisation_id
        FROM cases WHERE id = ${c.id}`.execute(db);
    }
    await expectKeptEqualsLive("after new cases of known clients");
    // dimensions: the client moves to another municipality, a case changes target group and organisation
    const municipalities = (await db.selectFrom("municipalities").select("id").execute()).map((r) => r.id);
    for (const c of rnd.sample(cases, 10)) {
      await db.updateTable("clients").set({ municipality_id: rnd.pick(municipalities) }).where("id", "=", c.client_id).execute();
    }
    const definitions = await db.selectFrom("target_group_definitions").select(["id", "code"]).execute();
    const organisations = (await db.selectFrom("organisations").select("id").execute()).map((r) => r.id);
    for (const c of rnd.sample(cases, 10)) {
      const def = rnd.pick(definitions);
      await db
        .updateTable("cases")
        .set({ target_group: def.code, target_group_definition_id: def.id, organisation_id: rnd.pick(organisations) })
        .where("id", "=", c.id)
        .execute();
    }
    await expectKeptEqualsLive("after moved dimensions");
    await expectQueriesAgree("after case changes");
  }, 180_000);
});
