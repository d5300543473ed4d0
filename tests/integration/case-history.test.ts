// The history (Verlauf) of a case from one source, case_events and the audit trail: every entry type of
// workflows/vocabulary.ts HISTORY_EVENTS appears, with who and when; the Art. 15 export carries it too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCaseFile } from "../../db/case-file";
import { loadCaseHistory } from "../../db/case-history";
import { addConsent, revokeConsent } from "../../db/consents";
import { addFollowUp } from "../../db/follow-ups";
import { runDailyJob } from "../../db/jobs/daily";
import { applyReferralEvent, planReferral } from "../../db/referral-service";
import { recordResidenceDocument } from "../../db/residence";
import { collectSubjectData } from "../../db/subject-access";
import { completeFollowUp } from "../../db/today";
import { updateClient } from "../../db/clients";
import { HISTORY_EVENTS } from "../../workflows/vocabulary";
import { type DemoActors, openTestCase, runCommands, seedActors, yearsAgo } from "./case-file-helpers";
import { type TestDatabase, createTestDatabase } from "./db";

let t: TestDatabase;
let a: DemoActors;

beforeAll(async () => {
  t = await createTestDatabase();
  a = await seedActors(t.db);
});

afterAll(async () => {
  await t?.close();
});

function ok<R extends { ok: boolean }>(result: R, what: string): Extract<R, { ok: true }> {
  if (!result.ok) throw new Error(`${what}: ${JSON.stringify(result)}`);
  return result as Extract<R, { ok: true }>;
}

async function partnerId(name: string) {
  return (await t.db.selectFrom("partners").select("id").where("name", "=", name).executeTakeFirstOrThrow()).id;
}

async function referralVersion(id: string) {
  return (await t.db.selectFrom("referrals").select("row_version").where("id", "=", id).executeTakeFirstOrThrow()).row_version;
}

/** A Geduldete case through every step a user can take, plus the daily job's flag. */
async function caseWithEveryStep() {
  const { caseId } = await openTestCase(
    t.db,
    a.cm,
    { residenceStatus: "duldung_60a", birthDate: yearsAgo(30) },
    { referralSource: "auslaenderamt", referralMunicipalityId: null },
  );
  const goalId = crypto.randomUUID();
  await runCommands(t.db, a.cm, caseId, [
    { type: "RECORD_CONTACT", contactType: "persoenlich", minutes: 45 },
    { type: "CLASSIFY", targetGroup: "geduldete_identitaet" },
    { type: "RECORD_IDENTITY_STEP", step: "pass_beantragt" },
    { type: "RECORD_ASSESSMENT", domain: "aufenthalt_identitaet", level: "hoch" },
    { type: "COMPLETE_ASSESSMENT" },
    { type: "AGREE_GOAL", goalId, domain: "aufenthalt_identitaet" },
    { type: "START_WORK" },
    { type: "SET_DEPUTY", deputyId: a.cm2.id },
    { type: "PAUSE", reason: "Klient nicht erreichbar" },
    { type: "RESUME" },
    { type: "BEGIN_CLOSURE" },
    { type: "CANCEL_CLOSURE" },
  ]);
  await runCommands(t.db, a.coordinator, caseId, [{ type: "TRANSFER", toCaseManagerId: a.cm2.id }]);
  await runCommands(t.db, a.coordinator, caseId, [{ type: "TRANSFER", toCaseManagerId: a.cm.id }]);

  const abh = await partnerId("Ausländerbehörde Kreis Mettmann");
  const consent = ok(
    await addConsent(t.db, a.cm, { caseId, partnerId: abh, scope: "Identitätsunterlagen", givenAt: yearsAgo(0), givenBy: "klient", givenByName: null, validUntil: null }),
    "consent",
  );
  const sent = ok(await planReferral(t.db, a.cm, { caseId, partnerId: abh, needDomain: "aufenthalt_identitaet", goalId, note: null }), "plan");
  for (const command of [{ type: "SEND" as const, sharesData: true, legalBasis: null }, { type: "ACCEPT" as const }, { type: "COMPLETE" as const }]) {
    ok(await applyReferralEvent(t.db, a.cm, { caseId, referralId: sent.referralId, expectedRowVersion: await referralVersion(sent.referralId), command }), command.type);
  }
  for (const command of [{ type: "DECLINE" as const, reason: "keine Plätze" }, { type: "CANCEL" as const, reason: null }]) {
    const planned = ok(await planReferral(t.db, a.cm, { caseId, partnerId: abh, needDomain: "aufenthalt_identitaet", goalId: null, note: null }), "plan");
    if (command.type === "DECLINE") {
      ok(await applyReferralEvent(t.db, a.cm, { caseId, referralId: planned.referralId, expectedRowVersion: 1, command: { type: "SEND", sharesData: false, legalBasis: null } }), "send");
    }
    ok(await applyReferralEvent(t.db, a.cm, { caseId, referralId: planned.referralId, expectedRowVersion: await referralVersion(planned.referralId), command }), command.type);
  }
  ok(await revokeConsent(t.db, a.cm, { caseId, consentId: consent.consentId }), "revoke");
  const followUp = ok(await addFollowUp(t.db, a.cm, { caseId, dueOn: yearsAgo(0), note: "Botschaftstermin nachhalten" }), "follow-up");
  ok(await completeFollowUp(t.db, a.cm, { followUpId: followUp.followUpId, caseId }), "follow-up done");
  ok(
    await recordResidenceDocument(t.db, a.cm, {
      caseId,
      status: "duldung_60a",
      issuedOn: null,
      validUntil: "2099-01-01",
      authorityPartnerId: null,
      note: null,
    }),
    "residence",
  );

  const file = await loadCaseFile(t.db, a.cm, caseId);
  const client = file?.client;
  if (!client) throw new Error("file not visible");
  ok(
    await updateClient(t.db, a.cm, {
      caseId,
      expectedVersion: client.version,
      changes: {
        firstName: client.firstName,
        lastName: client.lastName,
        birthDate: client.birthDate,
        birthDateEstimated: client.birthDateEstimated,
        gender: client.gender,
        nationality: client.nationality,
        languages: client.languages,
        interpreterNeeded: client.interpreterNeeded,
        municipalityId: client.municipalityId,
        residenceStatus: "ae_25b",
        arrivalDate: client.arrivalDate,
        unaccompanied: client.unaccompanied,
        phone: client.phone,
        email: client.email,
        address: client.address,
      },
    }),
    "client",
  );
  await runDailyJob(t.db);
  await runCommands(t.db, a.cm, caseId, [
    { type: "RECLASSIFY", targetGroup: "neuzugewanderte_erhoeht" },
    { type: "BEGIN_CLOSURE" },
    { type: "EVALUATE_GOAL", goalId, result: "erreicht" },
    { type: "CLOSE", reason: "ziele_erreicht" },
    { type: "REOPEN", reason: "neuer Bedarf" },
  ]);
  return caseId;
}

describe("case history (Verlauf)", () => {
  it("shows every entry type of HISTORY_EVENTS, with who and when, from case events and the audit trail", async () => {
    const full = await caseWithEveryStep();
    const rejected = (await openTestCase(t.db, a.cm)).caseId;
    await runCommands(t.db, a.cm, rejected, [{ type: "REJECT_NOT_ELIGIBLE", reason: "wohnt außerhalb des Kreises" }]);
    const notTarget = (await openTestCase(t.db, a.cm)).caseId;
    await runCommands(t.db, a.cm, notTarget, [
      { type: "RECORD_CONTACT", contactType: "telefonisch", minutes: 10 },
      { type: "CLOSE_NOT_TARGET_GROUP", note: "kein erhöhter Bedarf" },
    ]);

    const histories = await Promise.all([full, rejected, notTarget].map((id) => loadCaseHistory(t.db, id)));
    const seen = new Set(histories.flat().map((e) => e.type));
    expect([...seen].sort()).toEqual(Object.keys(HISTORY_EVENTS).sort());

    const history = histories[0] ?? [];
    // newest first, every entry with a time; the system's flag has no person
    const times = history.map((e) => e.occurredAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(history.find((e) => e.type === "FLAG_RECLASSIFICATION")).toMatchObject({ actorName: null, kinds: ["system"] });
    expect(history.filter((e) => e.type !== "FLAG_RECLASSIFICATION").every((e) => e.actorName !== null)).toBe(true);
    // the disclosure to the Ausländerbehörde, with its legal basis
    expect(history.find((e) => e.type === "REFERRAL_SENT" && e.kinds.includes("datenschutz"))).toMatchObject({
      detail: "Ausländerbehörde Kreis Mettmann · Daten weitergegeben mit Einwilligung",
      actorName: "Anna Demir",
    });
    expect(history.find((e) => e.type === "TRANSFER")?.detail).toMatch(/^an /);
    expect(history.find((e) => e.type === "CLASSIFY")?.detail).toBe("Geduldete (Identitätsklärung)");
    expect(history.some((e) => /Definition v\d/.test(`${e.label} ${e.detail ?? ""}`))).toBe(false);

    // the client file shows the same history; the Art. 15 export carries it, oldest first
    expect((await loadCaseFile(t.db, a.cm, full))?.history).toEqual(history);
    const exported = await collectSubjectData(t.db, a.cm, full);
    const verlauf = exported?.export.faelle.find((c) => c.id === full)?.verlauf ?? [];
    expect(verlauf.map((e) => e.type)).toEqual(history.map((e) => e.type).reverse());
    expect(verlauf.find((e) => e.type === "REFERRAL_SENT")).toMatchObject({ durch: "Anna Demir" });
  });
});
