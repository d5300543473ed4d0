// The client file's data layer on a real database: what loadCaseFile returns to whom (scoping, audit,
// offered steps), and the writes beside the case service (personal data, consents, follow-ups).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCaseCandidates, loadCaseFile } from "../../db/case-file";
import { CLIENT_STALE_MESSAGE, type ClientChanges, updateClient } from "../../db/clients";
import { addConsent, revokeConsent } from "../../db/consents";
import { addFollowUp } from "../../db/follow-ups";
import { runDailyJob } from "../../db/jobs/daily";
import { allowedCaseEvents, restoreCaseSnapshot } from "../../workflows/case-machine";
import { type TestDatabase, createTestDatabase } from "./db";
import {
  type DemoActors,
  auditRows,
  firstMunicipality,
  openTestCase,
  rowVersionOf,
  runCommands,
  seedActors,
  yearsAgo,
} from "./case-file-helpers";

let t: TestDatabase;
let a: DemoActors;

beforeAll(async () => {
  t = await createTestDatabase();
  a = await seedActors(t.db);
});
afterAll(async () => {
  await t?.close();
});

describe("loadCaseFile: who sees a case file", () => {
  it("gives the case manager the whole file and audits the read as allowed", async () => {
    const { caseId } = await openTestCase(t.db, a.cm, { firstName: "Amal", lastName: "Sichtbar" });
    const file = await loadCaseFile(t.db, a.cm, caseId);
    expect(file?.case.id).toBe(caseId);
    expect(file?.client.lastName).toBe("Sichtbar");
    expect(file?.case.state).toBe("intake");
    expect(file?.history.map((e) => e.type)).toEqual(["CASE_OPENED"]);
    expect(file?.history[0]?.actorName).toBe("Anna Demir");
    expect(await auditRows(t.db, { action: "case.read", actorId: a.cm.id, objectId: caseId })).toEqual([
      expect.objectContaining({ outcome: "allowed" }),
    ]);
  });

  it("answers another case manager, steering and admin exactly like a missing case, each read audited as denied", async () => {
    const { caseId } = await openTestCase(t.db, a.cm);
    for (const outsider of [a.cm2, a.steering, a.admin]) {
      expect(await loadCaseFile(t.db, outsider, caseId)).toBeUndefined();
      expect(await auditRows(t.db, { action: "case.read", actorId: outsider.id, objectId: caseId })).toEqual([
        expect.objectContaining({ outcome: "denied" }),
      ]);
    }
    expect(await loadCaseFile(t.db, a.cm2, "00000000-0000-4000-8000-000000000000")).toBeUndefined();
    expect(await loadCaseFile(t.db, a.cm2, "kein-uuid")).toBeUndefined();
    const invalid = await auditRows(t.db, { action: "case.read", actorId: a.cm2.id, objectId: null });
    expect(invalid.map((r) => r.outcome)).toEqual(["denied"]);
  });

  it("lets the named deputy in, and reassignment takes effect on the next read", async () => {
    const { caseId } = await openTestCase(t.db, a.cm);
    expect(await loadCaseFile(t.db, a.cm2, caseId)).toBeUndefined();
    await runCommands(t.db, a.cm, caseId, [{ type: "SET_DEPUTY", deputyId: a.cm2.id }]);
    const asDeputy = await loadCaseFile(t.db, a.cm2, caseId);
    expect(asDeputy?.case.deputy).toEqual({ id: a.cm2.id, name: "Jonas Becker" });
    expect(await auditRows(t.db, { action: "case.read", actorId: a.cm2.id, objectId: caseId })).toEqual([
      expect.objectContaining({ outcome: "denied" }),
      expect.objectContaining({ outcome: "allowed" }),
    ]);

    await runCommands(t.db, a.coordinator, caseId, [{ type: "TRANSFER", toCaseManagerId: a.cm2.id }]);
    expect(await loadCaseFile(t.db, a.cm, caseId)).toBeUndefined();
    expect((await loadCaseFile(t.db, a.cm2, caseId))?.case.caseManager?.name).toBe("Jonas Becker");
  });

  it("lets a coordinator open any case, audited", async () => {
    const { caseId } = await openTestCase(t.db, a.cm);
    expect((await loadCaseFile(t.db, a.coordinator, caseId))?.case.id).toBe(caseId);
    expect(await auditRows(t.db, { action: "case.read", actorId: a.coordinator.id, objectId: caseId })).toEqual([
      expect.objectContaining({ outcome: "allowed" }),
    ]);
  });
});

describe("loadCaseFile: the steps offered", () => {
  it("offers exactly the statechart's allowed events, TRANSFER only to coordinators", async () => {
    const { caseId } = await openTestCase(t.db, a.cm);
    const row = await t.db.selectFrom("cases").select("snapshot").where("id", "=", caseId).executeTakeFirstOrThrow();
    const machine = allowedCaseEvents(restoreCaseSnapshot(row.snapshot), new Date().toISOString());
    expect(machine).toContain("TRANSFER");

    const asCm = await loadCaseFile(t.db, a.cm, caseId);
    expect(asCm?.allowedEvents).toEqual(machine.filter((e) => e !== "TRANSFER"));
    expect(asCm?.allowedEvents).toEqual(["RECORD_CONTACT", "REJECT_NOT_ELIGIBLE", "SET_DEPUTY", "PAUSE"]);
    expect((await loadCaseCandidates(t.db, a.cm, caseId))?.transferTargets).toEqual([]);

    const asCoordinator = await loadCaseFile(t.db, a.coordinator, caseId);
    expect(asCoordinator?.allowedEvents).toEqual(machine);
    const targets = (await loadCaseCandidates(t.db, a.coordinator, caseId))?.transferTargets.map((u) => u.id) ?? [];
    expect(targets).not.toContain(a.cm.id);
    // transfers stay inside the case's organisation (another organisation: a step with its own basis)
    expect(targets).toContain(a.cm2.id);
    expect(targets).not.toContain(a.otherOrgCm.id);
  });

  it("never offers FLAG_RECLASSIFICATION (the daily job raises it) although the machine allows it", async () => {
    const { caseId } = await openTestCase(
      t.db,
      a.cm,
      { birthDate: yearsAgo(16), unaccompanied: true },
      { referralSource: "jugendamt", increasedNeedDocumented: false },
    );
    await runCommands(t.db, a.cm, caseId, [
      { type: "RECORD_CONTACT", contactType: "persoenlich", minutes: 30 },
      { type: "CLASSIFY", targetGroup: "umf" },
    ]);
    const row = await t.db.selectFrom("cases").select("snapshot").where("id", "=", caseId).executeTakeFirstOrThrow();
    expect(allowedCaseEvents(restoreCaseSnapshot(row.snapshot))).toContain("FLAG_RECLASSIFICATION");
    const file = await loadCaseFile(t.db, a.cm, caseId);
    expect(file?.allowedEvents).not.toContain("FLAG_RECLASSIFICATION");
    expect(file?.allowedEvents).toEqual(
      expect.arrayContaining(["RECORD_CONTACT", "RECORD_ASSESSMENT", "BEGIN_CLOSURE", "PAUSE", "RECLASSIFY"]),
    );
  });

  it("offers only colleagues of the case manager's organisation as deputy, never the case manager", async () => {
    const { caseId } = await openTestCase(t.db, a.cm);
    const ids = (await loadCaseCandidates(t.db, a.cm, caseId))?.deputyCandidates.map((u) => u.id) ?? [];
    expect(ids).toContain(a.cm2.id);
    expect(ids).not.toContain(a.cm.id);
    expect(ids).not.toContain(a.otherOrgCm.id);
  });

  it("offers each target group in the version valid on the day, a later version only from its first day", async () => {
    const { caseId } = await openTestCase(t.db, a.cm);
    const today = "2026-06-01";
    const current = await t.db
      .selectFrom("target_group_definitions")
      .selectAll()
      .where("code", "=", "umf")
      .where("valid_from", "<=", today)
      .orderBy("version", "desc")
      .executeTakeFirstOrThrow();
    const laterVersion = current.version + 1;
    await t.db
      .insertInto("target_group_definitions")
      .values({
        code: "umf",
        version: laterVersion,
        name: current.name,
        description: current.description,
        rules: JSON.stringify(current.rules),
        valid_from: "2026-06-02",
        created_by: null,
      })
      .execute();
    const onDay = await loadCaseFile(t.db, a.cm, caseId, { now: `${today}T10:00:00.000Z` });
    expect(onDay?.options.targetGroups.map((g) => g.code)).toEqual(["umf", "geduldete_identitaet", "neuzugewanderte_erhoeht"]);
    expect(onDay?.options.targetGroups.find((g) => g.code === "umf")?.version).toBe(current.version);
    const nextDay = await loadCaseFile(t.db, a.cm, caseId, { now: "2026-06-02T10:00:00.000Z" });
    expect(nextDay?.options.targetGroups.find((g) => g.code === "umf")?.version).toBe(laterVersion);
    await t.db.deleteFrom("target_group_definitions").where("code", "=", "umf").where("version", "=", laterVersion).execute();
  });

  it("marks the estimated age, counts days open and reads the timeline with phases", async () => {
    const openedAt = new Date(Date.now() - 10 * 86_400_000).toISOString();
    const municipalityId = await firstMunicipality(t.db);
    const { openCase } = await import("../../db/case-service");
    const { caseId } = await openCase(
      t.db,
      a.cm,
      {
        client: {
          firstName: "Yonas",
          lastName: "Geschätzt",
          birthDate: yearsAgo(16, 3),
          birthDateEstimated: true,
          gender: "maennlich",
          nationality: "Eritrea",
          languages: ["Tigrinya"],
          interpreterNeeded: true,
          municipalityId,
          residenceStatus: "aufenthaltsgestattung",
          arrivalDate: null,
          unaccompanied: true,
          phone: null,
          email: null,
          address: null,
        },
        referralSource: "jugendamt",
        referralMunicipalityId: null,
        increasedNeedDocumented: false,
        caseManagerId: a.cm.id,
      },
      openedAt,
    );
    await runCommands(t.db, a.cm, caseId, [
      { type: "RECORD_CONTACT", contactType: "aufsuchend", minutes: 40 },
      { type: "CLASSIFY", targetGroup: "umf" },
    ]);
    const file = await loadCaseFile(t.db, a.cm, caseId);
    expect(file?.client.age).toBe(16);
    expect(file?.client.birthDateEstimated).toBe(true);
    expect(file?.case.daysOpen).toBe(10);
    expect(file?.case.targetGroup).toBe("umf");
    expect(file?.case.definitionVersion).toBe(1);
    expect(file?.history.map((e) => [e.type, e.fromState, e.toState])).toEqual([
      ["CLASSIFY", "classification", "assessment"],
      ["RECORD_CONTACT", "intake", "classification"],
      ["CASE_OPENED", null, "intake"],
    ]);
    expect(file?.contacts).toEqual([expect.objectContaining({ contact_type: "aufsuchend", minutes: 40 })]);
  });
});

describe("loadCaseCandidates: the deputy and transfer choices, loaded only when their form is shown", () => {
  it("the client file carries no colleague lists unless asked for", async () => {
    const { caseId } = await openTestCase(t.db, a.cm);
    const file = await loadCaseFile(t.db, a.cm, caseId);
    expect(file?.allowedEvents).toContain("SET_DEPUTY");
    expect(file?.candidates).toBeNull();
    expect(Object.keys(file?.options ?? {}).sort()).toEqual(["municipalities", "partners", "targetGroups"]);
    // the colleague's name appears nowhere in what the page gets
    expect(JSON.stringify(file)).not.toContain("Jonas Becker");

    const opened = await loadCaseFile(t.db, a.cm, caseId, { withCandidates: true });
    expect(opened?.candidates?.deputyCandidates).toContainEqual({ id: a.cm2.id, name: "Jonas Becker", otherOrganisation: null });
    expect(opened?.candidates).toEqual(await loadCaseCandidates(t.db, a.cm, caseId));
  });

  it("answers undefined for a case out of sight, audited as denied; an allowed call writes no case.read row", async () => {
    const { caseId } = await openTestCase(t.db, a.cm);
    for (const outsider of [a.cm2, a.otherOrgCm, a.steering, a.admin]) {
      expect(await loadCaseCandidates(t.db, outsider, caseId)).toBeUndefined();
      expect(await auditRows(t.db, { action: "case.candidates", actorId: outsider.id, objectId: caseId })).toEqual([
        expect.objectContaining({ outcome: "denied" }),
      ]);
    }
    expect(await loadCaseCandidates(t.db, a.cm2, "kein-uuid")).toBeUndefined();
    expect(await loadCaseCandidates(t.db, a.cm2, "00000000-0000-4000-8000-000000000000")).toBeUndefined();

    expect(await loadCaseCandidates(t.db, a.cm, caseId)).toBeDefined();
    expect(await auditRows(t.db, { action: "case.read", actorId: a.cm.id, objectId: caseId })).toEqual([]);
    expect(await auditRows(t.db, { action: "case.candidates", actorId: a.cm.id, objectId: caseId })).toEqual([]);
  });

  it("offers the coordination other organisations' case managers for a transfer, never as deputy", async () => {
    const { caseId } = await openTestCase(t.db, a.cm);
    const asCoordinator = await loadCaseCandidates(t.db, a.coordinator, caseId);
    expect(asCoordinator?.otherOrganisationTargets.map((u) => u.id)).toContain(a.otherOrgCm.id);
    expect(asCoordinator?.otherOrganisationTargets.every((u) => u.otherOrganisation !== null)).toBe(true);
    expect(asCoordinator?.deputyCandidates.map((u) => u.id)).not.toContain(a.otherOrgCm.id);
    expect(asCoordinator?.deputyCandidates.map((u) => u.id)).toContain(a.cm2.id);
    // a case manager transfers nothing, so neither list of targets
    const asCm = await loadCaseCandidates(t.db, a.cm, caseId);
    expect(asCm?.otherOrganisationTargets).toEqual([]);
  });

  it("stays empty where the step is not offered: a closed case", async () => {
    const { caseId } = await openTestCase(t.db, a.cm);
    await runCommands(t.db, a.cm, caseId, [{ type: "REJECT_NOT_ELIGIBLE", reason: "Wohnort außerhalb des Kreises" }]);
    const file = await loadCaseFile(t.db, a.coordinator, caseId);
    expect(file?.allowedEvents).not.toContain("SET_DEPUTY");
    expect(file?.allowedEvents).not.toContain("TRANSFER");
    const empty = { deputyCandidates: [], transferTargets: [], otherOrganisationTargets: [] };
    expect(await loadCaseCandidates(t.db, a.coordinator, caseId)).toEqual(empty);
    expect(await loadCaseCandidates(t.db, a.cm, caseId)).toEqual(empty);
  });
});

describe("updateClient", () => {
  function changes(overrides: Partial<ClientChanges> = {}): ClientChanges {
    return {
      firstName: "Neu",
      lastName: "Name",
      birthDate: yearsAgo(30),
      birthDateEstimated: false,
      gender: "weiblich",
      nationality: "Irak",
      languages: ["Kurdisch", "Arabisch"],
      interpreterNeeded: false,
      municipalityId: 1,
      residenceStatus: "duldung_60a",
      arrivalDate: null,
      unaccompanied: false,
      phone: "0211 123",
      email: null,
      address: "Hauptstraße 1",
      ...overrides,
    };
  }

  async function clientRow(clientId: string) {
    return t.db.selectFrom("clients").selectAll().where("id", "=", clientId).executeTakeFirstOrThrow();
  }

  it("changes the personal data of a visible case, audited without contents", async () => {
    const { caseId, clientId } = await openTestCase(t.db, a.cm);
    const before = await loadCaseFile(t.db, a.cm, caseId);
    const municipalityId = await firstMunicipality(t.db);
    const result = await updateClient(t.db, a.cm, {
      caseId,
      expectedVersion: before?.client.version ?? "",
      changes: changes({ municipalityId }),
    });
    expect(result.ok).toBe(true);
    const row = await clientRow(clientId);
    expect([row.first_name, row.last_name, row.residence_status, row.languages]).toEqual([
      "Neu",
      "Name",
      "duldung_60a",
      ["Kurdisch", "Arabisch"],
    ]);
    const audit = await auditRows(t.db, { action: "client.update", objectId: clientId });
    expect(audit).toEqual([expect.objectContaining({ outcome: "allowed", actor_id: a.cm.id })]);
    expect(JSON.stringify(audit[0]?.detail)).not.toContain("Neu");
    // the case itself did not move: no case event, same row version
    expect(await rowVersionOf(t.db, caseId)).toBe(1);
  });

  it("answers 404 to another case manager and to steering, changing nothing", async () => {
    const { caseId, clientId } = await openTestCase(t.db, a.cm, { lastName: "Unverändert" });
    const version = (await loadCaseFile(t.db, a.cm, caseId))?.client.version ?? "";
    const municipalityId = await firstMunicipality(t.db);
    for (const outsider of [a.cm2, a.steering]) {
      const result = await updateClient(t.db, outsider, { caseId, expectedVersion: version, changes: changes({ municipalityId }) });
      expect(result).toMatchObject({ ok: false, status: 404 });
      expect(await auditRows(t.db, { action: "client.update", actorId: outsider.id, objectId: caseId })).toEqual([
        expect.objectContaining({ outcome: "denied" }),
      ]);
    }
    expect((await clientRow(clientId)).last_name).toBe("Unverändert");
  });

  it("refuses a stale version with 409 and keeps the other change", async () => {
    const { caseId, clientId } = await openTestCase(t.db, a.cm);
    const version = (await loadCaseFile(t.db, a.cm, caseId))?.client.version ?? "";
    const municipalityId = await firstMunicipality(t.db);
    const first = await updateClient(t.db, a.cm, { caseId, expectedVersion: version, changes: changes({ municipalityId, firstName: "Erste" }) });
    expect(first.ok).toBe(true);
    const second = await updateClient(t.db, a.cm, { caseId, expectedVersion: version, changes: changes({ municipalityId, firstName: "Zweite" }) });
    expect(second).toEqual({ ok: false, status: 409, reason: "stale", message: CLIENT_STALE_MESSAGE });
    expect((await clientRow(clientId)).first_name).toBe("Erste");
  });
});

describe("consents and follow-ups from the client file", () => {
  it("records and revokes a consent only through a visible case", async () => {
    const { caseId, clientId } = await openTestCase(t.db, a.cm);
    const partner = await t.db.selectFrom("partners").select("id").orderBy("id").executeTakeFirstOrThrow();
    const input = { caseId, partnerId: partner.id, scope: "Kontaktdaten", givenAt: "2026-01-05", givenBy: "klient" as const };
    expect(await addConsent(t.db, a.cm2, input)).toMatchObject({ ok: false, status: 404 });
    const added = await addConsent(t.db, a.cm, input);
    if (!added.ok) throw new Error(added.message);
    expect(
      await addConsent(t.db, a.cm, { ...input, validUntil: "2025-12-31" }),
    ).toMatchObject({ ok: false, status: 422 });

    expect(await revokeConsent(t.db, a.cm2, { caseId, consentId: added.consentId })).toMatchObject({ ok: false, status: 404 });
    expect((await revokeConsent(t.db, a.cm, { caseId, consentId: added.consentId })).ok).toBe(true);
    expect(await revokeConsent(t.db, a.cm, { caseId, consentId: added.consentId })).toMatchObject({ ok: false, status: 409 });
    const rows = await t.db.selectFrom("consents").select(["client_id", "revoked_at"]).where("client_id", "=", clientId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.revoked_at).not.toBeNull();
    const file = await loadCaseFile(t.db, a.cm, caseId);
    expect(file?.consents[0]?.problem).toMatch(/widerrufen/);
    expect((await auditRows(t.db, { action: "consent.revoke", objectId: added.consentId })).map((r) => r.outcome)).toEqual([
      "denied",
      "allowed",
      "denied",
    ]);
  });

  it("adds a follow-up only to a visible case and marks overdue ones", async () => {
    const { caseId } = await openTestCase(t.db, a.cm);
    expect(await addFollowUp(t.db, a.cm2, { caseId, dueOn: "2026-01-01", note: "Nachfassen" })).toMatchObject({
      ok: false,
      status: 404,
    });
    const added = await addFollowUp(t.db, a.cm, { caseId, dueOn: "2000-01-01", note: "Nachfassen" });
    expect(added.ok).toBe(true);
    const file = await loadCaseFile(t.db, a.cm, caseId);
    expect(file?.followUps).toEqual([expect.objectContaining({ note: "Nachfassen", overdue: true, done_at: null })]);
    const rows = await t.db.selectFrom("follow_ups").select("id").where("case_id", "=", caseId).execute();
    expect(rows).toHaveLength(1);
  });
});

describe("re-classification, end to end through the data layer", () => {
  it("a residence title entered in the personal data asks for re-classification at once; the daily job adds nothing; the file offers it", async () => {
    const { caseId } = await openTestCase(t.db, a.cm, { residenceStatus: "duldung_60a" }, { referralSource: "auslaenderamt" });
    await runCommands(t.db, a.cm, caseId, [
      { type: "RECORD_CONTACT", contactType: "persoenlich", minutes: 30 },
      { type: "CLASSIFY", targetGroup: "geduldete_identitaet" },
    ]);
    const before = await loadCaseFile(t.db, a.cm, caseId);
    expect(before?.case.reclassificationRequired).toBeNull();
    const c = before?.client;
    if (!c) throw new Error("case file missing");
    const updated = await updateClient(t.db, a.cm, {
      caseId,
      expectedVersion: c.version,
      changes: {
        firstName: c.firstName,
        lastName: c.lastName,
        birthDate: c.birthDate,
        birthDateEstimated: c.birthDateEstimated,
        gender: c.gender,
        nationality: c.nationality,
        languages: c.languages,
        interpreterNeeded: c.interpreterNeeded,
        municipalityId: c.municipalityId,
        residenceStatus: "ae_25b",
        arrivalDate: c.arrivalDate,
        unaccompanied: c.unaccompanied,
        phone: c.phone,
        email: c.email,
        address: c.address,
      },
    });
    expect(updated.ok).toBe(true);
    // The save itself notices: the case asks at once (FLAG_RECLASSIFICATION by the system) ...
    expect((await loadCaseFile(t.db, a.cm, caseId))?.case.reclassificationRequired).toBe("aufenthaltstitel");
    // ... and the daily job does not ask a second time.
    expect((await runDailyJob(t.db)).flagged).toBe(0);
    const after = await loadCaseFile(t.db, a.cm, caseId);
    expect(after?.case.reclassificationRequired).toBe("aufenthaltstitel");
    expect(after?.allowedEvents).toEqual(expect.arrayContaining(["RECLASSIFY", "CLOSE_NOT_TARGET_GROUP"]));
    expect(after?.allowedEvents).not.toContain("FLAG_RECLASSIFICATION");
    expect(after?.history[0]).toMatchObject({ type: "FLAG_RECLASSIFICATION", actorName: null });

    await runCommands(t.db, a.cm, caseId, [{ type: "CLOSE_NOT_TARGET_GROUP" }]);
    const closed = await loadCaseFile(t.db, a.cm, caseId);
    expect([closed?.case.state, closed?.case.closureReason]).toEqual(["closed", "keine_zielgruppe"]);
    expect(closed?.allowedEvents).toEqual(["REOPEN"]);
    // the closed case asks for nothing; the flag stays in the history
    expect(closed?.case.reclassificationRequired).toBeNull();
    expect(closed?.history.map((e) => e.type)).toContain("FLAG_RECLASSIFICATION");
  });
});
