// The coordinators' pages on a real database: team overview figures on a hand-built fixture, assignment
// and transfer through the case service, target-group versions, partners, structural findings.
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../db/access";
import { STALE_MESSAGE, applyCaseEvent, berlinDate, currentDefinition, openCase } from "../../db/case-service";
import type { OpenCaseInput } from "../../db/case-service";
import { findCaseHeader } from "../../db/cases";
import { listFindings, reportFinding, reviewFinding } from "../../db/findings";
import { createPartner, findPartner, setPartnerActive, updatePartner } from "../../db/partners";
import {
  findOpenCaseByAktenzeichen,
  listAssignableCaseManagers,
  listOpenCasesOf,
  listUnassignedCases,
  transferCase,
} from "../../db/queue";
import type { Database } from "../../db/schema";
import { seedDemoUsers, seedReferenceData } from "../../db/seed/index";
import { getSetting } from "../../db/settings";
import { createTargetGroupVersion, listTargetGroupVersions } from "../../db/target-groups";
import { caseloadBand, getTeamOverview, updateStandardCaseload } from "../../db/team";
import type { CasePhase } from "../../workflows/vocabulary";
import { type TestDatabase, createTestDatabase } from "./db";
import { insertOrganisation, insertUser } from "./fixtures";

function dayOffset(days: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  return berlinDate(d);
}

async function auditRows(db: Kysely<Database>, objectId: string) {
  return db
    .selectFrom("audit_log")
    .select(["action", "outcome", "actor_id", "detail"])
    .where("object_id", "=", objectId)
    .orderBy("id")
    .execute();
}

describe("caseload bands", () => {
  it("are exact at the 80 % and 110 % boundaries, also for fractional FTE", () => {
    expect(caseloadBand(28, 1, 35)).toBe("im_soll"); // 80 %
    expect(caseloadBand(27, 1, 35)).toBe("unter_soll"); // 77.1 %
    expect(caseloadBand(38, 1, 35)).toBe("im_soll"); // 108.6 %
    expect(caseloadBand(39, 1, 35)).toBe("ueber_soll"); // 111.4 %
    expect(caseloadBand(11, 1, 10)).toBe("im_soll"); // 110 % exactly
    expect(caseloadBand(33, 0.3, 100)).toBe("im_soll"); // 110 % exactly; naive floats say 110.00000000000003
    expect(caseloadBand(34, 0.3, 100)).toBe("ueber_soll");
    expect(caseloadBand(0, 0.5, 35)).toBe("unter_soll");
    expect(caseloadBand(3, 0, 35)).toBeNull();
  });
});

describe("team overview on a hand-built fixture", () => {
  const TODAY = "2026-03-15";
  let t: TestDatabase;
  let coordinator: Actor;
  const cm: Record<"a" | "b" | "c" | "d" | "gone", string> = { a: "", b: "", c: "", d: "", gone: "" };
  let municipalityId: number;
  let n = 0;

  async function caseIn(state: CasePhase, caseManagerId: string | null): Promise<string> {
    n += 1;
    const client = await t.db
      .insertInto("clients")
      .values({
        aktenzeichen: `TEAM-${n}`,
        first_name: "Test",
        last_name: `Fall ${n}`,
        gender: "keine_angabe",
        municipality_id: municipalityId,
        residence_status: "ungeklaert",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const closed = state === "closed";
    const row = await t.db
      .insertInto("cases")
      .values({
        client_id: client.id,
        case_manager_id: caseManagerId,
        referral_source: "sozialamt",
        state,
        snapshot: "{}",
        machine_version: "test",
        opened_at: "2026-01-05T09:00:00Z",
        closed_at: closed ? "2026-02-01T09:00:00Z" : null,
        closure_reason: closed ? "ziele_erreicht" : null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async function many(count: number, state: CasePhase, caseManagerId: string | null) {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(await caseIn(state, caseManagerId));
    return ids;
  }

  async function followUp(caseId: string, dueOn: string, done = false) {
    await t.db
      .insertInto("follow_ups")
      .values({ case_id: caseId, due_on: dueOn, note: "Wiedervorlage", done_at: done ? "2026-03-01T10:00:00Z" : null })
      .execute();
  }

  async function caseManager(name: string, fte: number) {
    const orgId = await insertOrganisation(t.db);
    const user = await insertUser(t.db, { role: "case_manager", organisationId: orgId });
    await t.db.updateTable("users").set({ display_name: name, fte }).where("id", "=", user.id).execute();
    return user.id;
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    await seedReferenceData(t.db);
    municipalityId = (await t.db.selectFrom("municipalities").select("id").executeTakeFirstOrThrow()).id;
    const orgId = await insertOrganisation(t.db);
    coordinator = { id: (await insertUser(t.db, { role: "coordinator", organisationId: orgId })).id, role: "coordinator" };
    cm.a = await caseManager("A Vollzeit", 1);
    cm.b = await caseManager("B Halbzeit", 0.5);
    cm.c = await caseManager("C Dreiviertel", 0.75);
    cm.d = await caseManager("D Grenze", 1);
    cm.gone = await caseManager("E Ausgeschieden", 1);

    // A (1.0 FTE): 1 intake, 2 assessment, 5 active, 1 resting = 9 open; 3 closed do not count.
    const [aIntake] = await many(1, "intake", cm.a);
    await many(2, "assessment", cm.a);
    const aActive = await many(5, "active", cm.a);
    await many(1, "resting", cm.a);
    const [aClosed] = await many(3, "closed", cm.a);
    // B (0.5 FTE): 6 active. C (0.75 FTE): 1 classification, 2 planning, 1 closure. D (1.0 FTE): 8 active.
    const [bActive] = await many(6, "active", cm.b);
    await many(1, "classification", cm.c);
    await many(2, "planning", cm.c);
    await many(1, "closure", cm.c);
    await many(8, "active", cm.d);
    // E is deactivated and still holds 2 open cases; 3 open intakes and 1 closed case are unassigned.
    await many(2, "active", cm.gone);
    await t.db.updateTable("users").set({ active: false }).where("id", "=", cm.gone).execute();
    const [unassigned] = await many(3, "intake", null);
    await many(1, "closed", null);

    // Follow-ups on 2026-03-15: overdue = not done and due before today, on an open case.
    await followUp(aIntake!, "2026-03-14"); // overdue
    await followUp(aActive[0]!, "2025-12-31"); // overdue
    await followUp(aActive[1]!, TODAY); // due today: not overdue
    await followUp(aActive[2]!, "2026-03-01", true); // done
    await followUp(aClosed!, "2026-03-01"); // closed case: not counted
    await followUp(bActive!, "2026-03-10"); // overdue
    await followUp(unassigned!, "2026-03-01"); // no case manager: in nobody's row

    const set = await updateStandardCaseload(t.db, coordinator, 10);
    expect(set).toEqual({ ok: true });
  });

  afterAll(async () => {
    await t?.close();
  });

  it("shows every active case manager with hand-computed figures, bands and overdue follow-ups", async () => {
    const o = await getTeamOverview(t.db, { today: TODAY });
    expect(o.standardCaseloadPerFte).toBe(10);
    const byName = Object.fromEntries(o.members.map((m) => [m.displayName, m]));
    expect(Object.keys(byName)).toEqual(["A Vollzeit", "B Halbzeit", "C Dreiviertel", "D Grenze"]);

    const a = byName["A Vollzeit"]!;
    expect([a.fte, a.openCases, a.casesPerFte, a.band, a.overdueFollowUps]).toEqual([1, 9, 9, "im_soll", 2]);
    expect(a.utilisationPercent).toBeCloseTo(90, 10);
    expect(a.byPhase).toEqual({ intake: 1, classification: 0, assessment: 2, planning: 0, active: 5, closure: 0, resting: 1 });

    const b = byName["B Halbzeit"]!;
    expect([b.fte, b.openCases, b.casesPerFte, b.band, b.overdueFollowUps]).toEqual([0.5, 6, 12, "ueber_soll", 1]);
    expect(b.utilisationPercent).toBeCloseTo(120, 10);

    const c = byName["C Dreiviertel"]!;
    expect([c.fte, c.openCases, c.band, c.overdueFollowUps]).toEqual([0.75, 4, "unter_soll", 0]);
    expect(c.casesPerFte).toBeCloseTo(5.3333, 4);
    expect(c.utilisationPercent).toBeCloseTo(53.33, 2);
    expect(c.byPhase).toEqual({ intake: 0, classification: 1, assessment: 0, planning: 2, active: 0, closure: 1, resting: 0 });

    const d = byName["D Grenze"]!;
    expect([d.openCases, d.casesPerFte, d.band]).toEqual([8, 8, "im_soll"]); // exactly 80 %

    // Totals: 3.25 FTE, 27 open cases, 8.31 per FTE = 83.1 % → im Soll; 3 overdue follow-ups.
    expect(o.totals.fte).toBe(3.25);
    expect(o.totals.openCases).toBe(27);
    expect(o.totals.casesPerFte).toBeCloseTo(27 / 3.25, 10);
    expect(o.totals.band).toBe("im_soll");
    expect(o.totals.overdueFollowUps).toBe(3);
    expect(o.totals.byPhase).toEqual({ intake: 1, classification: 1, assessment: 2, planning: 2, active: 19, closure: 1, resting: 1 });

    expect(o.unassignedOpenCases).toBe(3);
    expect(o.openCasesOfInactiveUsers).toBe(2);
  });

  it("moves the bands when the standard caseload changes, and audits the change", async () => {
    expect(await updateStandardCaseload(t.db, coordinator, 0)).toMatchObject({ ok: false, status: 400 });
    expect(await updateStandardCaseload(t.db, coordinator, 12.5)).toMatchObject({ ok: false, status: 400 });
    const cmActor: Actor = { id: cm.a, role: "case_manager" };
    expect(await updateStandardCaseload(t.db, cmActor, 20)).toMatchObject({ ok: false, status: 403 });
    expect(await getSetting(t.db, "standard_caseload_per_fte")).toBe(10);

    expect(await updateStandardCaseload(t.db, coordinator, 8)).toEqual({ ok: true });
    const o = await getTeamOverview(t.db, { today: TODAY });
    // A: 9 / 8 = 112.5 % → über Soll; D: 8 / 8 = 100 %; C: 5.33 / 8 = 66.7 % → unter Soll.
    expect(o.members.map((m) => [m.displayName, m.band])).toEqual([
      ["A Vollzeit", "ueber_soll"],
      ["B Halbzeit", "ueber_soll"],
      ["C Dreiviertel", "unter_soll"],
      ["D Grenze", "im_soll"],
    ]);
    const audit = await auditRows(t.db, "standard_caseload_per_fte");
    expect(audit.map((r) => [r.action, r.outcome, r.actor_id, r.detail])).toEqual([
      ["settings.update", "allowed", coordinator.id, { from: 35, to: 10 }],
      ["settings.update", "allowed", coordinator.id, { from: 10, to: 8 }],
    ]);
  });
});

describe("coordination on the demo accounts", () => {
  let t: TestDatabase;
  let cm: Actor;
  let cm2: Actor;
  let coordinator: Actor;
  let municipalityId: number;

  function person(overrides: Partial<OpenCaseInput["client"]> = {}): OpenCaseInput["client"] {
    return {
      firstName: "Test",
      lastName: "Person",
      birthDate: "1990-05-01",
      birthDateEstimated: false,
      gender: "weiblich",
      nationality: null,
      languages: [],
      interpreterNeeded: false,
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
    return (await t.db.selectFrom("cases").select("row_version").where("id", "=", caseId).executeTakeFirstOrThrow())
      .row_version;
  }

  async function classify(caseId: string, actor: Actor, targetGroup: "neuzugewanderte_erhoeht") {
    for (const command of [
      { type: "RECORD_CONTACT", contactType: "persoenlich", minutes: 30 } as const,
      { type: "CLASSIFY", targetGroup } as const,
    ]) {
      const result = await applyCaseEvent(t.db, actor, { caseId, expectedRowVersion: await rowVersion(caseId), command });
      if (!result.ok) return result;
    }
    return { ok: true as const };
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
    municipalityId = (await t.db.selectFrom("municipalities").select("id").executeTakeFirstOrThrow()).id;
  });

  afterAll(async () => {
    await t?.close();
  });

  describe("assignment and transfer", () => {
    it("assigns a queued intake via TRANSFER, audited, and refuses a stale row version", async () => {
      const opened = await openCase(
        t.db,
        coordinator,
        { client: person(), referralSource: "jugendamt", referralMunicipalityId: null, increasedNeedDocumented: false, caseManagerId: null },
        new Date(Date.now() - 3 * 86_400_000).toISOString(),
      );
      const today = berlinDate(new Date());
      const queue = await listUnassignedCases(t.db, coordinator, { today });
      const row = queue.rows.find((r) => r.caseId === opened.caseId);
      expect(row).toBeDefined();
      expect(row?.daysWaiting).toBe(3);
      expect(row?.rowVersion).toBe(1);
      // ids, codes and dates only: no note texts, no names
      expect(Object.keys(row ?? {}).sort()).toEqual(
        [
          "aktenzeichen",
          "caseId",
          "caseManagerId",
          "caseManagerName",
          "daysWaiting",
          "municipality",
          "openedAt",
          "organisationId",
          "referralMunicipality",
          "referralSource",
          "rowVersion",
          "state",
        ].sort(),
      );
      // a case manager sees no queue
      expect((await listUnassignedCases(t.db, cm, { today })).rows).toEqual([]);

      const assigned = await transferCase(t.db, coordinator, { caseId: opened.caseId, expectedRowVersion: 1, toCaseManagerId: cm.id });
      expect(assigned).toMatchObject({ ok: true, rowVersion: 2, caseManagerName: "Anna Demir", aktenzeichen: opened.aktenzeichen });
      const stored = await t.db.selectFrom("cases").select(["case_manager_id"]).where("id", "=", opened.caseId).executeTakeFirstOrThrow();
      expect(stored.case_manager_id).toBe(cm.id);
      const event = await t.db
        .selectFrom("case_events")
        .select(["type", "payload", "actor_id"])
        .where("case_id", "=", opened.caseId)
        .where("seq", "=", 2)
        .executeTakeFirstOrThrow();
      expect(event.type).toBe("TRANSFER");
      expect(event.actor_id).toBe(coordinator.id);
      expect(event.payload).toMatchObject({ toCaseManagerId: cm.id });
      const audit = await auditRows(t.db, opened.caseId);
      expect(audit.at(-1)).toMatchObject({
        action: "case.event",
        outcome: "allowed",
        actor_id: coordinator.id,
        detail: { event: "TRANSFER" },
      });
      expect((await listUnassignedCases(t.db, coordinator, { today })).rows.map((r) => r.caseId)).not.toContain(opened.caseId);

      const stale = await transferCase(t.db, coordinator, { caseId: opened.caseId, expectedRowVersion: 1, toCaseManagerId: cm2.id });
      expect(stale).toMatchObject({ ok: false, status: 409, message: STALE_MESSAGE });
      expect((await auditRows(t.db, opened.caseId)).at(-1)).toMatchObject({ outcome: "denied", detail: { event: "TRANSFER", reason: "stale" } });
    });

    it("transfers an open case effective immediately: the former case manager gets 404 on the next request", async () => {
      const opened = await openCase(t.db, cm, {
        client: person(),
        referralSource: "sozialamt",
        referralMunicipalityId: municipalityId,
        increasedNeedDocumented: true,
        caseManagerId: cm.id,
      });
      expect(await findCaseHeader(t.db, cm, opened.caseId)).toBeDefined();
      const found = await findOpenCaseByAktenzeichen(t.db, coordinator, {
        aktenzeichen: ` ${opened.aktenzeichen.toLowerCase()} `,
        today: berlinDate(new Date()),
      });
      expect(found).toMatchObject({ caseId: opened.caseId, caseManagerId: cm.id, caseManagerName: "Anna Demir" });

      // a case manager may not transfer, not even their own case
      expect(await transferCase(t.db, cm, { caseId: opened.caseId, expectedRowVersion: 1, toCaseManagerId: cm2.id })).toMatchObject({
        ok: false,
        status: 403,
      });
      // only active case managers can receive cases
      expect(
        await transferCase(t.db, coordinator, { caseId: opened.caseId, expectedRowVersion: 1, toCaseManagerId: coordinator.id }),
      ).toMatchObject({ ok: false, status: 422, reason: "invalid_case_manager" });

      const moved = await transferCase(t.db, coordinator, { caseId: opened.caseId, expectedRowVersion: 1, toCaseManagerId: cm2.id });
      expect(moved.ok).toBe(true);
      expect(await findCaseHeader(t.db, cm, opened.caseId)).toBeUndefined();
      expect(await findCaseHeader(t.db, cm2, opened.caseId)).toBeDefined();
      const attempt = await applyCaseEvent(t.db, cm, {
        caseId: opened.caseId,
        expectedRowVersion: 2,
        command: { type: "RECORD_CONTACT", contactType: "telefonisch", minutes: 5 },
      });
      expect(attempt).toMatchObject({ ok: false, status: 404 });
      expect((await auditRows(t.db, opened.caseId)).at(-1)).toMatchObject({ actor_id: cm.id, outcome: "denied" });

      const ofCm2 = await listOpenCasesOf(t.db, coordinator, { caseManagerId: cm2.id, today: berlinDate(new Date()) });
      expect(ofCm2.rows.map((r) => r.caseId)).toContain(opened.caseId);
      const ofCm = await listOpenCasesOf(t.db, coordinator, { caseManagerId: cm.id, today: berlinDate(new Date()) });
      expect(ofCm.rows.map((r) => r.caseId)).not.toContain(opened.caseId);

      const load = await listAssignableCaseManagers(t.db);
      expect(load.find((c) => c.id === cm2.id)?.openCases).toBe(ofCm2.total);
      expect(load.map((c) => c.id)).not.toContain(coordinator.id);
    });
  });

  describe("target-group versions", () => {
    it("uses a new version for new classifications while old cases keep theirs", async () => {
      const today = berlinDate(new Date());
      const v1 = await currentDefinition(t.db, "neuzugewanderte_erhoeht", today);
      expect(v1?.definition.version).toBe(1);

      const before = await openCase(t.db, cm, {
        client: person(),
        referralSource: "sozialamt",
        referralMunicipalityId: municipalityId,
        increasedNeedDocumented: true,
        caseManagerId: cm.id,
      });
      expect(await classify(before.caseId, cm, "neuzugewanderte_erhoeht")).toEqual({ ok: true });

      // Under v1 a Jugendamt referral is not in the group.
      const viaJugendamt = await openCase(t.db, cm, {
        client: person(),
        referralSource: "jugendamt",
        referralMunicipalityId: null,
        increasedNeedDocumented: true,
        caseManagerId: cm.id,
      });
      expect(await classify(viaJugendamt.caseId, cm, "neuzugewanderte_erhoeht")).toMatchObject({ ok: false, status: 422 });

      const past = await createTargetGroupVersion(
        t.db,
        coordinator,
        { code: "neuzugewanderte_erhoeht", validFrom: dayOffset(-1), rules: { referralSourceIn: ["jugendamt"] } },
        { today },
      );
      expect(past).toMatchObject({ ok: false, status: 400, field: "validFrom" });
      const empty = await createTargetGroupVersion(
        t.db,
        coordinator,
        { code: "neuzugewanderte_erhoeht", validFrom: today, rules: { residenceStatusIn: [], requiresUnaccompanied: false } },
        { today },
      );
      expect(empty).toMatchObject({ ok: false, status: 400, field: "rules" });
      expect(
        await createTargetGroupVersion(
          t.db,
          cm,
          { code: "neuzugewanderte_erhoeht", validFrom: today, rules: { requiresUnaccompanied: true } },
          { today },
        ),
      ).toMatchObject({ ok: false, status: 403 });

      const created = await createTargetGroupVersion(
        t.db,
        coordinator,
        {
          code: "neuzugewanderte_erhoeht",
          validFrom: today,
          rules: {
            referralSourceIn: ["jugendamt", "sozialamt", "integration_point", "auslaenderamt", "fluechtlingsberatung"],
            requiresIncreasedNeedDocumented: true,
          },
          note: "Beschluss der Lenkungsgruppe",
        },
        { today },
      );
      expect(created).toMatchObject({ ok: true, version: 2 });
      if (!created.ok) return;
      const stored = await t.db
        .selectFrom("target_group_definitions")
        .selectAll()
        .where("id", "=", created.id)
        .executeTakeFirstOrThrow();
      expect(stored).toMatchObject({ code: "neuzugewanderte_erhoeht", version: 2, valid_from: today, created_by: coordinator.id });
      expect(stored.rules).toEqual({
        referralSourceIn: ["sozialamt", "integration_point", "auslaenderamt", "fluechtlingsberatung", "jugendamt"],
        requiresIncreasedNeedDocumented: true,
      });
      expect(await auditRows(t.db, String(created.id))).toMatchObject([
        { action: "target_group.version.create", outcome: "allowed", actor_id: coordinator.id },
      ]);
      expect((await currentDefinition(t.db, "neuzugewanderte_erhoeht", today))?.id).toBe(created.id);

      // the Jugendamt case now classifies, with v2; the earlier case keeps v1
      expect(await classify(viaJugendamt.caseId, cm, "neuzugewanderte_erhoeht")).toEqual({ ok: true });
      const defs = await t.db
        .selectFrom("cases")
        .select(["id", "target_group_definition_id"])
        .where("id", "in", [before.caseId, viaJugendamt.caseId])
        .execute();
      const defOf = (caseId: string) => defs.find((d) => d.id === caseId)?.target_group_definition_id;
      expect(defOf(before.caseId)).toBe(v1?.id);
      expect(defOf(viaJugendamt.caseId)).toBe(created.id);

      const listed = (await listTargetGroupVersions(t.db, { today })).find((g) => g.code === "neuzugewanderte_erhoeht");
      expect(listed?.versions.map((v) => [v.version, v.status])).toEqual([
        [2, "current"],
        [1, "superseded"],
      ]);
      expect(listed?.versions[0]?.title).toBe("„Neuzugewanderte mit erhöhtem Unterstützungsbedarf“ (Definition v2)");
      expect(listed?.versions[0]?.createdByName).toBe("Petra Lange");
    });

    it("schedules a version for a later date and refuses one that does not come after it", async () => {
      const today = berlinDate(new Date());
      const tomorrow = dayOffset(1);
      const scheduled = await createTargetGroupVersion(
        t.db,
        coordinator,
        { code: "geduldete_identitaet", validFrom: tomorrow, rules: { residenceStatusIn: ["duldung_60b"] } },
        { today },
      );
      expect(scheduled).toMatchObject({ ok: true, version: 2 });
      expect((await currentDefinition(t.db, "geduldete_identitaet", today))?.definition.version).toBe(1);
      expect((await currentDefinition(t.db, "geduldete_identitaet", tomorrow))?.definition.version).toBe(2);

      const notAfter = await createTargetGroupVersion(
        t.db,
        coordinator,
        { code: "geduldete_identitaet", validFrom: today, rules: { residenceStatusIn: ["duldung_60a"] } },
        { today },
      );
      expect(notAfter).toMatchObject({ ok: false, status: 400, field: "validFrom" });
      expect(notAfter.ok ? "" : notAfter.message).toContain("v2");
      const listed = (await listTargetGroupVersions(t.db, { today })).find((g) => g.code === "geduldete_identitaet");
      expect(listed?.versions.map((v) => [v.version, v.status])).toEqual([
        [2, "scheduled"],
        [1, "current"],
      ]);
    });
  });

  describe("partners", () => {
    const base = { kind: "beratungsstelle" as const, municipalityId: null, contactPerson: null, phone: null, email: null, address: null };

    it("keeps names unique regardless of case and blanks, and audits every change", async () => {
      const clash = await createPartner(t.db, coordinator, { ...base, name: "  jugendamt kreis mettmann " });
      expect(clash).toMatchObject({ ok: false, status: 400, field: "name", message: "Ein Partner mit diesem Namen ist bereits erfasst." });

      const name = `Beratung ${randomBytes(3).toString("hex")}`;
      const created = await createPartner(t.db, coordinator, { ...base, name: ` ${name} `, phone: "02104 123", email: "" });
      expect(created.ok).toBe(true);
      if (!created.ok) return;
      expect(await findPartner(t.db, created.id)).toMatchObject({ name, phone: "02104 123", email: null, active: true });

      expect(await updatePartner(t.db, coordinator, created.id, { ...base, name: "Jugendamt Velbert" })).toMatchObject({
        ok: false,
        field: "name",
      });
      expect(await updatePartner(t.db, coordinator, created.id, { ...base, name, contactPerson: "Frau Weber" })).toEqual({
        ok: true,
        id: created.id,
      });
      expect(await setPartnerActive(t.db, coordinator, created.id, false)).toEqual({ ok: true, id: created.id });
      expect(await findPartner(t.db, created.id)).toMatchObject({ contact_person: "Frau Weber", active: false });
      expect((await auditRows(t.db, String(created.id))).map((r) => r.action)).toEqual([
        "partner.create",
        "partner.update",
        "partner.deactivate",
      ]);

      expect(await createPartner(t.db, cm, { ...base, name: "Nicht erlaubt" })).toMatchObject({ ok: false, status: 403 });
      expect(await updatePartner(t.db, coordinator, 999_999, { ...base, name: "Gibt es nicht" })).toMatchObject({ status: 404 });
    });
  });

  describe("structural findings", () => {
    const input = {
      title: "Wartezeit Botschaftstermine",
      description: "Seit Monaten keine Termine bei der Botschaft für Passbeschaffung.",
      needDomain: "aufenthalt_identitaet" as const,
      affectedCases: 7,
      municipalityId: null,
      targetGroup: "geduldete_identitaet" as const,
    };

    it("lets case managers report and see their own, but only coordinators change status", async () => {
      const reported = await reportFinding(t.db, cm, input);
      expect(reported.ok).toBe(true);
      if (!reported.ok) return;
      const other = await reportFinding(t.db, cm2, { ...input, title: "Keine Kita-Plätze" });
      expect(other.ok).toBe(true);

      expect(await reportFinding(t.db, cm, { ...input, affectedCases: 0 })).toMatchObject({ ok: false, field: "affectedCases" });
      expect(await reportFinding(t.db, cm, { ...input, description: "Fall KIM-2026-00012 wartet seit Monaten" })).toMatchObject({
        ok: false,
        field: "description",
      });
      const steering: Actor = { id: coordinator.id, role: "steering" };
      expect(await reportFinding(t.db, steering, input)).toMatchObject({ ok: false, status: 403 });

      expect((await listFindings(t.db, cm)).map((f) => f.title)).toEqual(["Wartezeit Botschaftstermine"]);
      expect((await listFindings(t.db, cm2)).map((f) => f.title)).toEqual(["Keine Kita-Plätze"]);
      expect((await listFindings(t.db, coordinator)).map((f) => f.title).sort()).toEqual(
        ["Keine Kita-Plätze", "Wartezeit Botschaftstermine"].sort(),
      );

      const denied = await reviewFinding(t.db, cm, reported.id, { fromStatus: "gemeldet", status: "erledigt", priority: "hoch" });
      expect(denied).toMatchObject({ ok: false, status: 403 });
      const unchanged = await t.db
        .selectFrom("structural_findings")
        .select(["status", "priority"])
        .where("id", "=", reported.id)
        .executeTakeFirstOrThrow();
      expect(unchanged).toEqual({ status: "gemeldet", priority: null });

      const marked = await reviewFinding(t.db, coordinator, reported.id, {
        fromStatus: "gemeldet",
        status: "fuer_lenkungsgruppe",
        priority: "hoch",
      });
      expect(marked).toEqual({ ok: true, id: reported.id });
      expect(await listFindings(t.db, coordinator, { status: "fuer_lenkungsgruppe" })).toMatchObject([
        { id: reported.id, priority: "hoch", reported_by_name: "Anna Demir" },
      ]);

      // someone saw the old status; and a step back to "gemeldet" is not offered
      expect(
        await reviewFinding(t.db, coordinator, reported.id, { fromStatus: "gemeldet", status: "in_pruefung", priority: "hoch" }),
      ).toMatchObject({ ok: false, status: 409 });
      expect(
        await reviewFinding(t.db, coordinator, reported.id, {
          fromStatus: "fuer_lenkungsgruppe",
          status: "gemeldet",
          priority: "hoch",
        }),
      ).toMatchObject({ ok: false, status: 400, field: "status" });

      expect((await auditRows(t.db, reported.id)).map((r) => [r.action, r.outcome, r.actor_id])).toEqual([
        ["finding.create", "allowed", cm.id],
        ["finding.review", "denied", cm.id],
        ["finding.review", "allowed", coordinator.id],
      ]);
    });
  });
});
