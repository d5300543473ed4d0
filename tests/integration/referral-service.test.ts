// The referral service on a real database: planning, the consent rule when sending data, optimistic
// locking, scoping by case visibility, audit — and that a refusal writes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../db/access";
import { addConsent, revokeConsent } from "../../db/consents";
import { REFERRAL_STALE_MESSAGE, applyReferralEvent, planReferral } from "../../db/referral-service";
import { type TestDatabase, createTestDatabase } from "./db";
import { type DemoActors, auditRows, openActiveCase, openTestCase, seedActors } from "./case-file-helpers";

let t: TestDatabase;
let a: DemoActors;
let partnerA: number;
let partnerB: number;

const MISSING_BASIS = /gültige Einwilligung \(Schweigepflichtentbindung\) oder eine von der Koordination dokumentierte Rechtsgrundlage/;

beforeAll(async () => {
  t = await createTestDatabase();
  a = await seedActors(t.db);
  const partners = await t.db.selectFrom("partners").select("id").where("active", "=", true).orderBy("id").limit(2).execute();
  partnerA = partners[0]?.id ?? 0;
  partnerB = partners[1]?.id ?? 0;
});
afterAll(async () => {
  await t?.close();
});

async function referralRow(id: string) {
  return t.db.selectFrom("referrals").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

/** An active case with one planned referral to partner A. */
async function plannedReferral(owner: Actor = a.cm) {
  const opened = await openActiveCase(t.db, owner);
  const planned = await planReferral(t.db, owner, { caseId: opened.caseId, partnerId: partnerA, needDomain: "sprache", goalId: opened.goalId });
  if (!planned.ok) throw new Error(planned.message);
  return { ...opened, referralId: planned.referralId };
}

function daysFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

async function consent(caseId: string, partnerId: number, extra: { givenAt?: string; validUntil?: string | null } = {}) {
  const result = await addConsent(t.db, a.cm, {
    caseId,
    partnerId,
    scope: "Kontaktdaten und Sprachstand",
    givenAt: extra.givenAt ?? daysFromToday(-30),
    givenBy: "klient",
    validUntil: extra.validUntil ?? null,
  });
  if (!result.ok) throw new Error(result.message);
  return result.consentId;
}

async function send(caseId: string, referralId: string, actor: Actor = a.cm, extra: { sharesData?: boolean; legalBasis?: string } = {}) {
  return applyReferralEvent(t.db, actor, {
    caseId,
    referralId,
    expectedRowVersion: 1,
    command: { type: "SEND", sharesData: extra.sharesData ?? true, legalBasis: extra.legalBasis ?? null },
  });
}

/** A refused SEND: 422 with the machine's German reason, the referral row exactly as before, no allowed audit. */
async function expectRefusedSend(caseId: string, referralId: string, reason: RegExp) {
  const before = await referralRow(referralId);
  const result = await send(caseId, referralId);
  expect(result).toMatchObject({ ok: false, status: 422, reason: "guard_failed" });
  expect(result.ok ? "" : result.message).toMatch(reason);
  expect(result.ok ? "" : result.message).toMatch(MISSING_BASIS);
  expect(await referralRow(referralId)).toEqual(before);
  const audit = await auditRows(t.db, { action: "referral.send", objectId: referralId });
  expect(audit.map((r) => r.outcome)).not.toContain("allowed");
  expect(audit.at(-1)).toMatchObject({ outcome: "denied" });
}

describe("planning a referral", () => {
  it("creates a planned referral with its statechart snapshot, audited", async () => {
    const { caseId, referralId } = await plannedReferral();
    const row = await referralRow(referralId);
    expect([row.case_id, row.status, row.row_version, row.partner_id, row.machine_version]).toEqual([
      caseId,
      "geplant",
      1,
      partnerA,
      "referral-v1",
    ]);
    expect(await auditRows(t.db, { action: "referral.plan", objectId: referralId })).toEqual([
      expect.objectContaining({ outcome: "allowed", actor_id: a.cm.id }),
    ]);
  });

  it("refuses another case manager (404) and a case still in intake (409)", async () => {
    const active = await openActiveCase(t.db, a.cm);
    expect(await planReferral(t.db, a.cm2, { caseId: active.caseId, partnerId: partnerA, needDomain: "sprache" })).toMatchObject({
      ok: false,
      status: 404,
    });
    const intake = await openTestCase(t.db, a.cm);
    expect(await planReferral(t.db, a.cm, { caseId: intake.caseId, partnerId: partnerA, needDomain: "sprache" })).toMatchObject({
      ok: false,
      status: 409,
    });
    const count = await t.db
      .selectFrom("referrals")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("case_id", "in", [active.caseId, intake.caseId])
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });
});

describe("sending data needs a valid consent naming the partner", () => {
  it("is refused without any consent", async () => {
    const { caseId, referralId } = await plannedReferral();
    await expectRefusedSend(caseId, referralId, /^Für die Weitergabe/);
  });

  it("is refused with a revoked consent", async () => {
    const { caseId, referralId } = await plannedReferral();
    const consentId = await consent(caseId, partnerA);
    const revoked = await revokeConsent(t.db, a.cm, { caseId, consentId });
    expect(revoked.ok).toBe(true);
    await expectRefusedSend(caseId, referralId, /widerrufen/);
  });

  it("is refused with an expired consent", async () => {
    const { caseId, referralId } = await plannedReferral();
    await consent(caseId, partnerA, { givenAt: daysFromToday(-400), validUntil: daysFromToday(-2) });
    await expectRefusedSend(caseId, referralId, /galt nur bis/);
  });

  it("is refused with a consent for another partner only", async () => {
    const { caseId, referralId } = await plannedReferral();
    await consent(caseId, partnerB);
    await expectRefusedSend(caseId, referralId, /^Für die Weitergabe/);
  });

  it("is refused with a consent that begins only in the future", async () => {
    const { caseId, referralId } = await plannedReferral();
    await consent(caseId, partnerA, { givenAt: daysFromToday(5) });
    await expectRefusedSend(caseId, referralId, /liegt erst ab dem/);
  });

  it("is sent with a valid consent: status, timestamps, consent and audit recorded", async () => {
    const { caseId, referralId } = await plannedReferral();
    await consent(caseId, partnerB);
    await consent(caseId, partnerA, { givenAt: daysFromToday(-400), validUntil: daysFromToday(-2) });
    const validId = await consent(caseId, partnerA, { validUntil: daysFromToday(60) });
    const result = await send(caseId, referralId);
    expect(result).toEqual({ ok: true, rowVersion: 2, status: "gesendet" });
    const row = await referralRow(referralId);
    expect([row.status, row.row_version, row.shares_data, row.consent_id, row.legal_basis]).toEqual([
      "gesendet",
      2,
      true,
      validId,
      null,
    ]);
    expect(row.sent_at).not.toBeNull();
    expect((row.snapshot as { context: { dataSharingBasis: string } }).context.dataSharingBasis).toBe("einwilligung");
    expect(await auditRows(t.db, { action: "referral.send", objectId: referralId })).toEqual([
      expect.objectContaining({ outcome: "allowed", detail: expect.objectContaining({ basis: "einwilligung", to: "gesendet" }) }),
    ]);
  });

  it("is sent without consent when no data is shared", async () => {
    const { caseId, referralId } = await plannedReferral();
    expect(await send(caseId, referralId, a.cm, { sharesData: false })).toMatchObject({ ok: true, status: "gesendet" });
    const row = await referralRow(referralId);
    expect([row.shares_data, row.consent_id]).toEqual([false, null]);
  });

  it("accepts a legal basis from a coordinator only", async () => {
    const { caseId, referralId } = await plannedReferral();
    const asCm = await send(caseId, referralId, a.cm, { legalBasis: "§ 69 Abs. 1 Nr. 1 SGB X" });
    expect(asCm).toMatchObject({ ok: false, status: 403 });
    expect((await referralRow(referralId)).status).toBe("geplant");
    const asCoordinator = await send(caseId, referralId, a.coordinator, { legalBasis: "§ 69 Abs. 1 Nr. 1 SGB X" });
    expect(asCoordinator).toMatchObject({ ok: true, status: "gesendet" });
    const row = await referralRow(referralId);
    expect([row.legal_basis, row.consent_id]).toEqual(["§ 69 Abs. 1 Nr. 1 SGB X", null]);
  });
});

describe("moving a referral", () => {
  it("refuses a stale row version with 409 and writes nothing", async () => {
    const { caseId, referralId } = await plannedReferral();
    await consent(caseId, partnerA);
    expect((await send(caseId, referralId)).ok).toBe(true);
    const before = await referralRow(referralId);
    const stale = await applyReferralEvent(t.db, a.cm, { caseId, referralId, expectedRowVersion: 1, command: { type: "ACCEPT" } });
    expect(stale).toEqual({ ok: false, status: 409, reason: "stale", message: REFERRAL_STALE_MESSAGE });
    expect(await referralRow(referralId)).toEqual(before);
    const current = await applyReferralEvent(t.db, a.cm, { caseId, referralId, expectedRowVersion: 2, command: { type: "ACCEPT" } });
    expect(current).toEqual({ ok: true, rowVersion: 3, status: "angenommen" });
  });

  it("answers a step the status does not offer with 409 and a missing decline reason with 422", async () => {
    const { caseId, referralId } = await plannedReferral();
    expect(
      await applyReferralEvent(t.db, a.cm, { caseId, referralId, expectedRowVersion: 1, command: { type: "COMPLETE" } }),
    ).toMatchObject({ ok: false, status: 409, reason: "not_allowed" });
    expect(await send(caseId, referralId, a.cm, { sharesData: false })).toMatchObject({ ok: true });
    expect(
      await applyReferralEvent(t.db, a.cm, { caseId, referralId, expectedRowVersion: 2, command: { type: "DECLINE", reason: "  " } }),
    ).toMatchObject({ ok: false, status: 422 });
    const declined = await applyReferralEvent(t.db, a.cm, {
      caseId,
      referralId,
      expectedRowVersion: 2,
      command: { type: "DECLINE", reason: "Keine Kapazität" },
    });
    expect(declined).toMatchObject({ ok: true, status: "abgelehnt" });
    const row = await referralRow(referralId);
    expect([row.decline_reason, row.ended_at === null]).toEqual(["Keine Kapazität", false]);
  });

  it("is reached only through a case the actor may see (404 for others, also with a wrong case id)", async () => {
    const { caseId, referralId } = await plannedReferral();
    const other = await openActiveCase(t.db, a.cm);
    for (const [actor, viaCase] of [
      [a.cm2, caseId],
      [a.steering, caseId],
      [a.cm, other.caseId],
    ] as const) {
      const result = await applyReferralEvent(t.db, actor, {
        caseId: viaCase,
        referralId,
        expectedRowVersion: 1,
        command: { type: "CANCEL" },
      });
      expect(result).toMatchObject({ ok: false, status: 404 });
    }
    expect((await referralRow(referralId)).status).toBe("geplant");
    const denied = await auditRows(t.db, { action: "referral.cancel", objectId: referralId });
    expect(denied.map((r) => r.outcome)).toEqual(["denied", "denied", "denied"]);
  });
});
