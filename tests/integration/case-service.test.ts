// The case service on a real database: every lifecycle step, every refusal, concurrency, replay.
import { isDeepStrictEqual } from "node:util";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CaseCommand,
  type OpenCaseInput,
  STALE_MESSAGE,
  applyCaseEvent,
  openCase,
  replayCaseEvents,
} from "../../db/case-service";
import { runDailyJob } from "../../db/jobs/daily";
import { seedCases } from "../../db/seed/cases";
import { seedDemoUsers, seedReferenceData } from "../../db/seed/index";
import { persistCaseSnapshot } from "../../workflows/case-machine";
import { type TestDatabase, createTestDatabase } from "./db";

let t: TestDatabase;
let cm: { id: string; role: "case_manager" };
let cm2: { id: string; role: "case_manager" };
let coordinator: { id: string; role: "coordinator" };
let steering: { id: string; role: "steering" };
let municipalityId: number;

function yearsAgo(years: number, extraDays = 0): string {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() - extraDays);
  return d.toISOString().slice(0, 10);
}

function person(overrides: Partial<OpenCaseInput["client"]> = {}): OpenCaseInput["client"] {
  return {
    firstName: "Test",
    lastName: "Person",
    birthDate: yearsAgo(30),
    birthDateEstimated: false,
    gender: "weiblich",
    nationality: "Syrien",
    languages: ["Arabisch"],
    interpreterNeeded: true,
    municipalityId,
    residenceStatus: "aufenthaltsgestattung",
    arrivalDate: null,
    unaccompanied: false,
    phone: null,
    email: null,
    address: null,
    ...overrides,
  };
}

async function rowVersion(caseId: string) {
  const row = await t.db.selectFrom("cases").select("row_version").where("id", "=", caseId).executeTakeFirstOrThrow();
  return row.row_version;
}

/** Applies commands in order as the given actor, each with the current row version; fails on any refusal. */
async function run(actor: { id: string; role: "case_manager" | "coordinator" }, caseId: string, commands: CaseCommand[]) {
  for (const command of commands) {
    const details = command.type === "AGREE_GOAL" ? { goalTitle: "Integrationskurs beginnen" } : {};
    const result = await applyCaseEvent(t.db, actor, {
      caseId,
      expectedRowVersion: await rowVersion(caseId),
      command,
      details,
    });
    if (!result.ok) throw new Error(`${command.type}: ${result.status} ${result.message}`);
  }
}

beforeAll(async () => {
  t = await createTestDatabase();
  await seedReferenceData(t.db);
  await seedDemoUsers(t.db);
  const users = await t.db.selectFrom("users").select(["id", "username"]).execute();
  const id = (u: string) => users.find((x) => x.username === u)?.id ?? "";
  cm = { id: id("casemanager"), role: "case_manager" };
  cm2 = { id: id("casemanager2"), role: "case_manager" };
  coordinator = { id: id("koordination"), role: "coordinator" };
  steering = { id: id("lenkung"), role: "steering" };
  municipalityId = (await t.db.selectFrom("municipalities").select("id").executeTakeFirstOrThrow()).id;
});

afterAll(async () => {
  await t?.close();
});

describe("opening a case", () => {
  it("creates client, case in intake, the CASE_OPENED event and an audit row in one go", async () => {
    const opened = await openCase(t.db, cm, {
      client: person(),
      referralSource: "sozialamt",
      referralMunicipalityId: municipalityId,
      increasedNeedDocumented: true,
      caseManagerId: cm.id,
    });
    expect(opened.aktenzeichen).toMatch(/^KIM-\d{4}-\d{5,}$/);
    const row = await t.db.selectFrom("cases").selectAll().where("id", "=", opened.caseId).executeTakeFirstOrThrow();
    expect(row.state).toBe("intake");
    expect(row.row_version).toBe(1);
    expect(row.machine_version).toBe("case-v1");
    const events = await t.db.selectFrom("case_events").selectAll().where("case_id", "=", opened.caseId).execute();
    expect(events.map((e) => [e.seq, e.type, e.to_state])).toEqual([[1, "CASE_OPENED", "intake"]]);
    const audit = await t.db
      .selectFrom("audit_log")
      .select(["action", "outcome"])
      .where("object_id", "=", opened.caseId)
      .execute();
    expect(audit).toEqual([{ action: "case.create", outcome: "allowed" }]);
  });

  it("gives every case its own Aktenzeichen", async () => {
    const input = { client: person(), referralSource: "sozialamt" as const, referralMunicipalityId: null, increasedNeedDocumented: true, caseManagerId: cm.id };
    const [a, b] = await Promise.all([openCase(t.db, cm, input), openCase(t.db, cm, input)]);
    expect(a.aktenzeichen).not.toBe(b.aktenzeichen);
  });
});

describe("a whole lifecycle per target group", () => {
  it("takes a Neuzugewanderte case from intake to closure and keeps every record", async () => {
    const { caseId } = await openCase(t.db, cm, {
      client: person(),
      referralSource: "integration_point",
      referralMunicipalityId: null,
      increasedNeedDocumented: true,
      caseManagerId: cm.id,
    });
    const goalId = crypto.randomUUID();
    await run(cm, caseId, [
      { type: "RECORD_CONTACT", contactType: "persoenlich", minutes: 45 },
      { type: "CLASSIFY", targetGroup: "neuzugewanderte_erhoeht" },
      { type: "RECORD_ASSESSMENT", domain: "sprache", level: "hoch" },
      { type: "COMPLETE_ASSESSMENT" },
      { type: "AGREE_GOAL", goalId, domain: "sprache" },
      { type: "START_WORK" },
      { type: "RECORD_CONTACT", contactType: "telefonisch", minutes: 10 },
      { type: "BEGIN_CLOSURE" },
      { type: "EVALUATE_GOAL", goalId, result: "erreicht" },
      { type: "CLOSE", reason: "ziele_erreicht" },
    ]);
    const row = await t.db.selectFrom("cases").selectAll().where("id", "=", caseId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      state: "closed",
      target_group: "neuzugewanderte_erhoeht",
      closure_reason: "ziele_erreicht",
      row_version: 11,
    });
    expect(row.first_contact_at).not.toBeNull();
    expect(row.closed_at).not.toBeNull();
    expect(row.target_group_definition_id).not.toBeNull();
    const goal = await t.db.selectFrom("goals").selectAll().where("id", "=", goalId).executeTakeFirstOrThrow();
    expect(goal.status).toBe("erreicht");
    expect(goal.title).toBe("Integrationskurs beginnen");
    const contacts = await t.db.selectFrom("contacts").select("minutes").where("case_id", "=", caseId).execute();
    expect(contacts.map((c) => c.minutes).sort((a, b) => a - b)).toEqual([10, 45]);
    const assessments = await t.db.selectFrom("assessments").selectAll().where("case_id", "=", caseId).execute();
    expect(assessments).toHaveLength(1);
    const events = await t.db.selectFrom("case_events").select(["seq", "type", "from_state", "to_state"]).where("case_id", "=", caseId).orderBy("seq").execute();
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(events.at(-1)).toMatchObject({ type: "CLOSE", from_state: "closure", to_state: "closed" });
    const audits = await t.db.selectFrom("audit_log").select("action").where("object_id", "=", caseId).where("action", "=", "case.event").execute();
    expect(audits).toHaveLength(10);
  });

  it("classifies a UMF under 18 and records the definition version used", async () => {
    const { caseId } = await openCase(t.db, cm, {
      client: person({ birthDate: yearsAgo(16), birthDateEstimated: true, unaccompanied: true }),
      referralSource: "jugendamt",
      referralMunicipalityId: null,
      increasedNeedDocumented: false,
      caseManagerId: cm.id,
    });
    await run(cm, caseId, [
      { type: "RECORD_CONTACT", contactType: "aufsuchend", minutes: 60 },
      { type: "CLASSIFY", targetGroup: "umf" },
    ]);
    const row = await t.db
      .selectFrom("cases")
      .innerJoin("target_group_definitions as d", "d.id", "cases.target_group_definition_id")
      .select(["cases.state", "cases.target_group", "d.version", "d.code"])
      .where("cases.id", "=", caseId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ state: "assessment", target_group: "umf", version: 1, code: "umf" });
  });

  it("records identity-clarification steps for a Geduldete case only", async () => {
    const { caseId } = await openCase(t.db, cm, {
      client: person({ residenceStatus: "duldung_60b" }),
      referralSource: "auslaenderamt",
      referralMunicipalityId: null,
      increasedNeedDocumented: false,
      caseManagerId: cm.id,
    });
    await run(cm, caseId, [
      { type: "RECORD_CONTACT", contactType: "persoenlich", minutes: 30 },
      { type: "CLASSIFY", targetGroup: "geduldete_identitaet" },
      { type: "RECORD_IDENTITY_STEP", step: "pass_beantragt" },
      { type: "RECORD_IDENTITY_STEP", step: "identitaet_geklaert" },
    ]);
    const steps = await t.db.selectFrom("identity_steps").select("step").where("case_id", "=", caseId).execute();
    expect(steps.map((s) => s.step).sort()).toEqual(["identitaet_geklaert", "pass_beantragt"]);
  });
});

describe("refusals", () => {
  let caseId: string;
  beforeAll(async () => {
    ({ caseId } = await openCase(t.db, cm, {
      client: person({ birthDate: yearsAgo(25), unaccompanied: true }),
      referralSource: "jugendamt",
      referralMunicipalityId: null,
      increasedNeedDocumented: false,
      caseManagerId: cm.id,
    }));
  });

  it("answers 404 to another case manager and to steering, and audits the denial", async () => {
    for (const actor of [cm2, steering]) {
      const result = await applyCaseEvent(t.db, actor, {
        caseId,
        expectedRowVersion: 1,
        command: { type: "RECORD_CONTACT", contactType: "persoenlich", minutes: 5 },
      });
      expect(result).toMatchObject({ ok: false, status: 404, reason: "not_found" });
    }
    const denied = await t.db
      .selectFrom("audit_log")
      .select(["actor_id", "outcome"])
      .where("object_id", "=", caseId)
      .where("outcome", "=", "denied")
      .execute();
    expect(denied.map((d) => d.actor_id).sort()).toEqual([cm2.id, steering.id].sort());
    expect(await rowVersion(caseId)).toBe(1);
  });

  it("lets only coordinators transfer a case (403 for the case manager)", async () => {
    const refused = await applyCaseEvent(t.db, cm, {
      caseId,
      expectedRowVersion: 1,
      command: { type: "TRANSFER", toCaseManagerId: cm2.id },
    });
    expect(refused).toMatchObject({ ok: false, status: 403 });
    const done = await applyCaseEvent(t.db, coordinator, {
      caseId,
      expectedRowVersion: 1,
      command: { type: "TRANSFER", toCaseManagerId: cm2.id },
    });
    expect(done).toMatchObject({ ok: true, rowVersion: 2 });
    // effective immediately: the former case manager no longer reaches the case
    const former = await applyCaseEvent(t.db, cm, {
      caseId,
      expectedRowVersion: 2,
      command: { type: "RECORD_CONTACT", contactType: "persoenlich", minutes: 5 },
    });
    expect(former).toMatchObject({ ok: false, status: 404 });
  });

  it("refuses a stale row version with 409 and the German message, writing nothing", async () => {
    const before = await t.db.selectFrom("case_events").select((eb) => eb.fn.countAll<number>().as("n")).where("case_id", "=", caseId).executeTakeFirstOrThrow();
    const result = await applyCaseEvent(t.db, cm2, {
      caseId,
      expectedRowVersion: 1,
      command: { type: "RECORD_CONTACT", contactType: "persoenlich", minutes: 5 },
    });
    expect(result).toEqual({
      ok: false,
      status: 409,
      reason: "stale",
      message: STALE_MESSAGE,
      currentRowVersion: 2,
      currentPhase: "intake",
    });
    const after = await t.db.selectFrom("case_events").select((eb) => eb.fn.countAll<number>().as("n")).where("case_id", "=", caseId).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    expect(await t.db.selectFrom("contacts").selectAll().where("case_id", "=", caseId).execute()).toHaveLength(0);
  });

  it("refuses a step the phase does not offer with 409", async () => {
    const result = await applyCaseEvent(t.db, cm2, {
      caseId,
      expectedRowVersion: 2,
      command: { type: "START_WORK" },
    });
    expect(result).toMatchObject({ ok: false, status: 409, reason: "not_allowed" });
    expect(result.ok ? "" : result.message).toContain("Zugang");
  });

  it("refuses a UMF classification for an adult with 422 and the guard's German reason", async () => {
    await run(cm2, caseId, [{ type: "RECORD_CONTACT", contactType: "persoenlich", minutes: 20 }]);
    const result = await applyCaseEvent(t.db, cm2, {
      caseId,
      expectedRowVersion: await rowVersion(caseId),
      command: { type: "CLASSIFY", targetGroup: "umf" },
    });
    expect(result).toMatchObject({ ok: false, status: 422, reason: "guard_failed" });
    expect(result.ok ? "" : result.message).toMatch(/18/);
    const row = await t.db.selectFrom("cases").select(["state", "target_group"]).where("id", "=", caseId).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: "classification", target_group: null });
  });
});

describe("concurrency", () => {
  it("lets exactly one of 20 concurrent events per row version win; the others get 409; no event lost or doubled", async () => {
    const { caseId } = await openCase(t.db, cm, {
      client: person(),
      referralSource: "sozialamt",
      referralMunicipalityId: null,
      increasedNeedDocumented: true,
      caseManagerId: cm.id,
    });
    const round = async (version: number) =>
      Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          applyCaseEvent(t.db, cm, {
            caseId,
            expectedRowVersion: version,
            command: { type: "RECORD_CONTACT", contactType: "telefonisch", minutes: i + 1 },
          }),
        ),
      );
    for (const version of [1, 2, 3]) {
      const results = await round(version);
      const winners = results.filter((r) => r.ok);
      expect(winners).toHaveLength(1);
      expect(results.filter((r) => !r.ok && r.status === 409)).toHaveLength(19);
    }
    const events = await t.db.selectFrom("case_events").select("seq").where("case_id", "=", caseId).orderBy("seq").execute();
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    const contacts = await t.db.selectFrom("contacts").select("id").where("case_id", "=", caseId).execute();
    expect(contacts).toHaveLength(3);
    expect(await rowVersion(caseId)).toBe(4);
  });
});

describe("the daily job", () => {
  it("flags a UMF who turned 18 and a Geduldete with a residence title once, as events by the system", async () => {
    const umf = await openCase(t.db, cm, {
      client: person({ birthDate: yearsAgo(18, 10), unaccompanied: true }),
      referralSource: "jugendamt",
      referralMunicipalityId: null,
      increasedNeedDocumented: false,
      caseManagerId: cm.id,
    }, new Date(Date.now() - 300 * 86_400_000).toISOString());
    await run(cm, umf.caseId, [
      { type: "RECORD_CONTACT", contactType: "persoenlich", minutes: 30 },
      { type: "CLASSIFY", targetGroup: "umf" },
    ]);
    const geduldet = await openCase(t.db, cm, {
      client: person({ residenceStatus: "duldung_60a" }),
      referralSource: "auslaenderamt",
      referralMunicipalityId: null,
      increasedNeedDocumented: false,
      caseManagerId: cm.id,
    });
    await run(cm, geduldet.caseId, [
      { type: "RECORD_CONTACT", contactType: "persoenlich", minutes: 30 },
      { type: "CLASSIFY", targetGroup: "geduldete_identitaet" },
    ]);
    await t.db.updateTable("clients").set({ residence_status: "ae_25b" }).where("id", "=", geduldet.clientId).execute();

    const first = await runDailyJob(t.db);
    expect(first.flagged).toBeGreaterThanOrEqual(2);
    const second = await runDailyJob(t.db);
    expect(second.flagged).toBe(0);

    const flags = await t.db
      .selectFrom("case_events")
      .select(["case_id", "payload", "actor_id"])
      .where("type", "=", "FLAG_RECLASSIFICATION")
      .where("case_id", "in", [umf.caseId, geduldet.caseId])
      .execute();
    expect(flags).toHaveLength(2);
    expect(flags.every((f) => f.actor_id === null)).toBe(true);
    const reasons = Object.fromEntries(flags.map((f) => [f.case_id, (f.payload as { reason: string }).reason]));
    expect(reasons).toEqual({ [umf.caseId]: "umf_volljaehrig", [geduldet.caseId]: "aufenthaltstitel" });
    const rows = await t.db.selectFrom("cases").select(["id", "reclassification_required", "state"]).where("id", "in", [umf.caseId, geduldet.caseId]).execute();
    expect(rows.every((r) => r.state === "assessment" && r.reclassification_required !== null)).toBe(true);
  });
});

describe("demo data from the statechart", () => {
  it("stores only histories the machine allows: replaying each case's log gives its stored snapshot", async () => {
    const result = await seedCases(t.db, { count: 150, log: () => {}, seed: 7 });
    expect(result.cases).toBe(150);
    const cases = await t.db.selectFrom("cases").select(["id", "snapshot", "state", "row_version"]).where("machine_version", "=", "case-v1").execute();
    const events = await t.db.selectFrom("case_events").select(["case_id", "seq", "type", "payload"]).execute();
    const byCase = new Map<string, typeof events>();
    for (const e of events) byCase.set(e.case_id, [...(byCase.get(e.case_id) ?? []), e]);
    let compared = 0;
    for (const c of cases) {
      const log = byCase.get(c.id) ?? [];
      const replayed = persistCaseSnapshot(replayCaseEvents(c.id, log));
      expect(isDeepStrictEqual(replayed, c.snapshot), `case ${c.id}`).toBe(true);
      expect(log.length).toBe(c.row_version);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(150);
    const phases = new Set(cases.map((c) => c.state));
    for (const phase of ["intake", "classification", "assessment", "planning", "active", "closure", "resting", "closed"]) {
      expect(phases.has(phase as never), phase).toBe(true);
    }
  });

  it("keeps the evaluation facts of bulk-loaded and service-written cases equal to their definitions", async () => {
    // the demo data above came in bulk (COPY on PostgreSQL, multi-row INSERTs on PGlite); one more case goes through the service
    const { caseId } = await openCase(t.db, cm, {
      client: person(),
      referralSource: "sozialamt",
      referralMunicipalityId: municipalityId,
      increasedNeedDocumented: true,
      caseManagerId: cm.id,
    });
    const moved = await applyCaseEvent(t.db, coordinator, {
      caseId,
      expectedRowVersion: await rowVersion(caseId),
      command: { type: "TRANSFER", toCaseManagerId: cm2.id },
    });
    expect(moved.ok).toBe(true);
    const { rows } = await sql<{ extra: number; missing: number; intervals: number; facts_off: number; facts: number; cases: number }>`
      SELECT
        (SELECT count(*) FROM (SELECT * FROM report_open_intervals EXCEPT SELECT * FROM report_open_intervals_live) a)::int AS extra,
        (SELECT count(*) FROM (SELECT * FROM report_open_intervals_live EXCEPT SELECT * FROM report_open_intervals) b)::int AS missing,
        (SELECT count(*) FROM report_case_intervals)::int AS intervals,
        (SELECT count(*) FROM (
          SELECT c.id, c.client_id, c.target_group, cl.municipality_id, c.referral_source, c.state, c.opened_at,
            c.first_contact_at, c.closed_at, c.closure_reason, c.organisation_id FROM cases c JOIN clients cl ON cl.id = c.client_id
          EXCEPT SELECT case_id, client_id, target_group, municipality_id, referral_source, state, opened_at,
            first_contact_at, closed_at, closure_reason, organisation_id FROM report_cases) d)::int AS facts_off,
        (SELECT count(*) FROM report_cases)::int AS facts,
        (SELECT count(*) FROM cases)::int AS cases`.execute(t.db);
    expect(rows[0]).toMatchObject({ extra: 0, missing: 0, facts_off: 0 });
    expect(rows[0]?.intervals).toBeGreaterThan(150);
    expect(rows[0]?.facts).toBe(rows[0]?.cases);
    const transferred = await t.db.selectFrom("report_case_intervals").select(["case_manager_id", "to_on"]).where("case_id", "=", caseId).orderBy("seq").execute();
    expect(transferred.at(-1)).toEqual({ case_manager_id: cm2.id, to_on: null });
  });
});
