// Einwilligungen / Schweigepflichtentbindungen: the client's consent to share data with one named
// partner. Recorded and revoked from the client file; reached only through a case the actor may see.
import type { Kysely } from "kysely";
import type { ConsentGiver } from "../workflows/vocabulary";
import { type Actor, caseContentWritableBy } from "./access";
import { writeAudit } from "./audit";
import { checkSignedDocument } from "./documents";
import type { Database } from "./schema";
import { CASE_NOT_FOUND, WRITE_FORBIDDEN, type WriteRefusal, type WriteResult, mayWriteCases } from "./write-result";

export interface AddConsentInput {
  caseId: string;
  partnerId: number;
  scope: string;
  /** Date the consent was given (`YYYY-MM-DD`). */
  givenAt: string;
  givenBy: ConsentGiver;
  givenByName?: string | null;
  /** Inclusive last day (`YYYY-MM-DD`), or null for no end. */
  validUntil?: string | null;
  /** The printed document the client signed: German template version, translation version, language. */
  document?: { templateId: number; translationId: number | null; language: string } | null;
}

async function auditDenied(db: Kysely<Database>, actor: Actor, action: string, objectId: string, refusal: WriteRefusal) {
  await writeAudit(db, {
    actorId: actor.id,
    actorRole: actor.role,
    action,
    objectType: "consent",
    objectId,
    outcome: "denied",
    detail: { reason: refusal.reason },
  });
}

/** Records a consent for the client of a case the actor may see and change. */
export async function addConsent(
  db: Kysely<Database>,
  actor: Actor,
  input: AddConsentInput,
): Promise<WriteResult<{ consentId: string }>> {
  const outcome = await db.transaction().execute(async (trx): Promise<WriteResult<{ consentId: string }>> => {
    const found = await trx
      .selectFrom("cases")
      .select(["id", "client_id"])
      .where("id", "=", input.caseId)
      .where((eb) => caseContentWritableBy(eb, actor))
      .executeTakeFirst();
    if (!found) return CASE_NOT_FOUND;
    if (!mayWriteCases(actor.role)) return WRITE_FORBIDDEN;
    if (input.validUntil && input.validUntil < input.givenAt) {
      return {
        ok: false,
        status: 422,
        reason: "guard_failed",
        message: "Das Ende der Gültigkeit darf nicht vor dem Datum der Einwilligung liegen.",
      };
    }
    const partner = await trx.selectFrom("partners").select("id").where("id", "=", input.partnerId).executeTakeFirst();
    if (!partner) return { ok: false, status: 422, reason: "guard_failed", message: "Bitte einen Partner auswählen." };
    const document = input.document ?? null;
    if (document) {
      const problem = await checkSignedDocument(trx, document);
      if (problem) return { ok: false, status: 422, reason: "guard_failed", message: problem };
    }
    const row = await trx
      .insertInto("consents")
      .values({
        client_id: found.client_id,
        partner_id: partner.id,
        scope: input.scope.trim(),
        given_at: input.givenAt,
        given_by: input.givenBy,
        given_by_name: input.givenByName?.trim() || null,
        valid_until: input.validUntil ?? null,
        recorded_by: actor.id,
        document_template_id: document?.templateId ?? null,
        document_translation_id: document?.translationId ?? null,
        document_language: document?.language ?? null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeAudit(trx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "consent.create",
      objectType: "consent",
      objectId: row.id,
      outcome: "allowed",
      detail: { caseId: found.id, partnerId: partner.id, documentLanguage: document?.language ?? null },
    });
    return { ok: true, consentId: row.id };
  });
  if (!outcome.ok) await auditDenied(db, actor, "consent.create", input.caseId, outcome);
  return outcome;
}

/** Revokes a consent of the client of a visible case (from now on; referrals already sent stay as they are). */
export async function revokeConsent(
  db: Kysely<Database>,
  actor: Actor,
  input: { caseId: string; consentId: string },
  at: string = new Date().toISOString(),
): Promise<WriteResult> {
  const outcome = await db.transaction().execute(async (trx): Promise<WriteResult> => {
    const found = await trx
      .selectFrom("consents")
      .innerJoin("cases", "cases.client_id", "consents.client_id")
      .select(["consents.id", "consents.revoked_at"])
      .where("consents.id", "=", input.consentId)
      .where("cases.id", "=", input.caseId)
      .where((eb) => caseContentWritableBy(eb, actor))
      .forUpdate("consents")
      .executeTakeFirst();
    if (!found) return { ok: false, status: 404, reason: "not_found", message: "Die Einwilligung wurde nicht gefunden." };
    if (!mayWriteCases(actor.role)) return WRITE_FORBIDDEN;
    if (found.revoked_at !== null) {
      return { ok: false, status: 409, reason: "stale", message: "Die Einwilligung ist bereits widerrufen." };
    }
    await trx.updateTable("consents").set({ revoked_at: at }).where("id", "=", found.id).execute();
    await writeAudit(trx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "consent.revoke",
      objectType: "consent",
      objectId: found.id,
      outcome: "allowed",
      detail: { caseId: input.caseId },
    });
    return { ok: true };
  });
  if (!outcome.ok) await auditDenied(db, actor, "consent.revoke", input.consentId, outcome);
  return outcome;
}
