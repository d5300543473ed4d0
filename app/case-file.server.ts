// Turns one validated form of the client file into one call of the data layer and answers uniformly:
// ok, or a refusal with status and German message. Case events go to applyCaseEvent (the only writer
// of case state); personal data, referrals, consents and follow-ups to their own services.
import type { Kysely } from "kysely";
import type { ApplyCaseEventInput, CaseCommand, CaseEventDetails } from "../db/case-service";
import type { Database } from "../db/schema";
import type { CasePhase } from "../workflows/vocabulary";
import {
  type Actor,
  STALE_MESSAGE,
  addConsent,
  addFollowUp,
  applyCaseEvent,
  applyReferralEvent,
  caseVisibleTo,
  completeFollowUp,
  planReferral,
  recordResidenceDocument,
  revokeConsent,
  updateClient,
} from "./db.server";
import type { CaseFileValue } from "./schemas/case-file";

export const INCOMPLETE_BASIS_MESSAGES = {
  einwilligung: "Bitte Datum der Einwilligung und wer eingewilligt hat angeben.",
  rechtsgrundlage: "Bitte die Rechtsgrundlage angeben.",
} as const;

/**
 * The basis a TRANSFER form carries for a transfer to another organisation: none chosen, a complete
 * one, or the German message for an incomplete one (nothing is written then).
 */
function organisationTransferOf(
  value: Extract<CaseEventValue, { intent: "TRANSFER" }>,
): Pick<ApplyCaseEventInput, "organisationTransfer"> | { incomplete: string } {
  if (value.basis === "einwilligung") {
    return value.consentGivenOn && value.consentGivenBy
      ? { organisationTransfer: { consentGivenOn: value.consentGivenOn, consentGivenBy: value.consentGivenBy } }
      : { incomplete: INCOMPLETE_BASIS_MESSAGES.einwilligung };
  }
  if (value.basis === "rechtsgrundlage") {
    return value.legalBasis ? { organisationTransfer: { legalBasis: value.legalBasis } } : { incomplete: INCOMPLETE_BASIS_MESSAGES.rechtsgrundlage };
  }
  return {};
}

export type CaseFileOutcome =
  | { ok: true; stillVisible: boolean }
  | { ok: false; status: 403 | 404 | 409 | 422; message: string; stale: boolean; currentPhase?: CasePhase };

type CaseEventValue = Extract<CaseFileValue, { rowVersion: number }>;

/** The machine command and the texts that go to domain tables, for one case-event form. */
export function toCaseCommand(value: CaseEventValue): { command: CaseCommand; details: CaseEventDetails } {
  switch (value.intent) {
    case "RECORD_CONTACT":
      return {
        command: { type: "RECORD_CONTACT", contactType: value.contactType, minutes: value.minutes },
        details: { withInterpreter: value.withInterpreter, note: value.note ?? null },
      };
    case "REJECT_NOT_ELIGIBLE":
      return { command: { type: "REJECT_NOT_ELIGIBLE", reason: value.reason }, details: {} };
    case "CLASSIFY":
    case "RECLASSIFY":
      return { command: { type: value.intent, targetGroup: value.targetGroup }, details: {} };
    case "CLOSE_NOT_TARGET_GROUP":
      return { command: { type: "CLOSE_NOT_TARGET_GROUP", ...(value.note ? { note: value.note } : {}) }, details: {} };
    case "RECORD_ASSESSMENT":
      return {
        command: { type: "RECORD_ASSESSMENT", domain: value.domain, level: value.level },
        details: { note: value.note ?? null },
      };
    case "AGREE_GOAL":
      return {
        command: { type: "AGREE_GOAL", goalId: crypto.randomUUID(), domain: value.domain },
        details: {
          goalTitle: value.title,
          goalDescription: value.description ?? null,
          goalTargetDate: value.targetDate ?? null,
        },
      };
    case "EVALUATE_GOAL":
      return {
        command: { type: "EVALUATE_GOAL", goalId: value.goalId, result: value.result },
        details: { note: value.note ?? null },
      };
    case "CLOSE":
      return { command: { type: "CLOSE", reason: value.reason, ...(value.note ? { note: value.note } : {}) }, details: {} };
    case "TRANSFER":
      return {
        command: { type: "TRANSFER", toCaseManagerId: value.toCaseManagerId, ...(value.note ? { note: value.note } : {}) },
        details: {},
      };
    case "SET_DEPUTY":
      return { command: { type: "SET_DEPUTY", deputyId: value.deputyId === "keine" ? null : value.deputyId }, details: {} };
    case "PAUSE":
      return { command: { type: "PAUSE", reason: value.reason }, details: {} };
    case "RECORD_IDENTITY_STEP":
      return {
        command: { type: "RECORD_IDENTITY_STEP", step: value.step },
        details: { occurredOn: value.occurredOn, note: value.note ?? null },
      };
    case "REOPEN":
      return { command: { type: "REOPEN", reason: value.reason }, details: {} };
    case "COMPLETE_ASSESSMENT":
    case "START_WORK":
    case "BEGIN_CLOSURE":
    case "CANCEL_CLOSURE":
    case "RESUME":
      return { command: { type: value.intent }, details: {} };
  }
}

function refused(result: { status: 403 | 404 | 409 | 422; reason: string; message: string }, currentPhase?: CasePhase) {
  const stale = result.reason === "stale";
  return {
    ok: false as const,
    status: result.status,
    message: result.message,
    stale,
    ...(currentPhase ? { currentPhase } : {}),
  };
}

async function stillVisible(db: Kysely<Database>, actor: Actor, caseId: string): Promise<boolean> {
  const row = await db
    .selectFrom("cases")
    .select("id")
    .where("id", "=", caseId)
    .where((eb) => caseVisibleTo(eb, actor))
    .executeTakeFirst();
  return row !== undefined;
}

/** Runs one validated form of the client file for `caseId` as `actor`. */
export async function performCaseFileIntent(
  db: Kysely<Database>,
  actor: Actor,
  caseId: string,
  value: CaseFileValue,
): Promise<CaseFileOutcome> {
  switch (value.intent) {
    case "UPDATE_CLIENT": {
      const result = await updateClient(db, actor, {
        caseId,
        expectedVersion: value.clientVersion,
        changes: {
          firstName: value.firstName,
          lastName: value.lastName,
          birthDate: value.birthDate ?? null,
          birthDateEstimated: value.birthDateEstimated,
          gender: value.gender,
          nationality: value.nationality ?? null,
          languages: (value.languages ?? "")
            .split(",")
            .map((l) => l.trim())
            .filter(Boolean),
          interpreterNeeded: value.interpreterNeeded,
          municipalityId: value.municipalityId,
          residenceStatus: value.residenceStatus,
          arrivalDate: value.arrivalDate ?? null,
          unaccompanied: value.unaccompanied,
          phone: value.phone ?? null,
          email: value.email ?? null,
          address: value.address ?? null,
        },
      });
      return result.ok ? { ok: true, stillVisible: true } : refused(result);
    }
    case "PLAN_REFERRAL": {
      const result = await planReferral(db, actor, {
        caseId,
        partnerId: value.partnerId,
        needDomain: value.needDomain,
        goalId: value.goalId ?? null,
        note: value.note ?? null,
      });
      return result.ok ? { ok: true, stillVisible: true } : refused(result);
    }
    case "REFERRAL_SEND":
    case "REFERRAL_ACCEPT":
    case "REFERRAL_COMPLETE":
    case "REFERRAL_DECLINE":
    case "REFERRAL_CANCEL": {
      const command =
        value.intent === "REFERRAL_SEND"
          ? { type: "SEND" as const, sharesData: value.sharesData, legalBasis: value.legalBasis ?? null }
          : value.intent === "REFERRAL_DECLINE"
            ? { type: "DECLINE" as const, reason: value.reason }
            : value.intent === "REFERRAL_CANCEL"
              ? { type: "CANCEL" as const, reason: value.reason ?? null }
              : { type: value.intent === "REFERRAL_ACCEPT" ? ("ACCEPT" as const) : ("COMPLETE" as const) };
      const result = await applyReferralEvent(db, actor, {
        caseId,
        referralId: value.referralId,
        expectedRowVersion: value.referralVersion,
        command,
      });
      return result.ok ? { ok: true, stillVisible: true } : refused(result);
    }
    case "ADD_CONSENT": {
      const result = await addConsent(db, actor, {
        caseId,
        partnerId: value.partnerId,
        scope: value.scope,
        givenAt: value.givenAt,
        givenBy: value.givenBy,
        givenByName: value.givenByName ?? null,
        validUntil: value.validUntil ?? null,
        document:
          value.documentTemplateId && value.documentLanguage
            ? { templateId: value.documentTemplateId, translationId: value.documentTranslationId ?? null, language: value.documentLanguage }
            : null,
      });
      return result.ok ? { ok: true, stillVisible: true } : refused(result);
    }
    case "REVOKE_CONSENT": {
      const result = await revokeConsent(db, actor, { caseId, consentId: value.consentId });
      return result.ok ? { ok: true, stillVisible: true } : refused(result);
    }
    case "ADD_FOLLOW_UP": {
      const result = await addFollowUp(db, actor, { caseId, dueOn: value.dueOn, note: value.note });
      return result.ok ? { ok: true, stillVisible: true } : refused(result);
    }
    case "COMPLETE_FOLLOW_UP": {
      const result = await completeFollowUp(db, actor, { followUpId: value.followUpId, caseId });
      return result.ok ? { ok: true, stillVisible: true } : refused({ ...result, reason: "not_found" });
    }
    case "RECORD_RESIDENCE": {
      const result = await recordResidenceDocument(db, actor, {
        caseId,
        status: value.status,
        issuedOn: value.issuedOn ?? null,
        validUntil: value.validUntil ?? null,
        authorityPartnerId: value.authorityPartnerId ?? null,
        note: value.note ?? null,
      });
      // the re-classification flag may have been raised: the page reloads the case anyway
      return result.ok ? { ok: true, stillVisible: true } : refused(result);
    }
    default: {
      const { command, details } = toCaseCommand(value);
      const basis = value.intent === "TRANSFER" ? organisationTransferOf(value) : {};
      if ("incomplete" in basis) return refused({ status: 422, reason: "guard_failed", message: basis.incomplete });
      const result = await applyCaseEvent(db, actor, {
        caseId,
        expectedRowVersion: value.rowVersion,
        command,
        details,
        ...basis,
      });
      if (!result.ok) {
        const message = result.reason === "stale" ? STALE_MESSAGE : result.message;
        return refused({ ...result, message }, result.currentPhase);
      }
      // A deputy who removes themselves, or a transfer, can end the actor's access.
      const visible = command.type === "SET_DEPUTY" || command.type === "TRANSFER" ? await stillVisible(db, actor, caseId) : true;
      return { ok: true, stillVisible: visible };
    }
  }
}
