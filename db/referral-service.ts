// Referrals (Vermittlungen): plan one, then move it with the pure referral statechart, the way
// applyCaseEvent moves a case: one transaction, the referral row locked and reached only through a case
// the actor may see, optimistic row_version, an audit row "referral.<event>" for every outcome.
import { randomUUID } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import { hasPermission } from "../workflows/permissions";
import {
  REFERRAL_MACHINE_VERSION,
  type ReferralConsent,
  type ReferralEvent,
  type ReferralEventType,
  applyReferralTransition,
  createReferralSnapshot,
  persistReferralSnapshot,
  refuseConsent,
  restoreReferralSnapshot,
} from "../workflows/referral-machine";
import type { NeedDomain, ReferralStatus } from "../workflows/vocabulary";
import { type Actor, caseContentWritableBy } from "./access";
import { writeAudit } from "./audit";
import type { Database } from "./schema";
import { CASE_NOT_FOUND, WRITE_FORBIDDEN, type WriteRefusal, type WriteResult, mayWriteCases } from "./write-result";

export const REFERRAL_STALE_MESSAGE =
  "Die Vermittlung wurde inzwischen geändert. Bitte prüfen Sie den aktuellen Stand; Ihre Eingaben sind erhalten geblieben.";

const REFERRAL_NOT_FOUND: WriteRefusal = {
  ok: false,
  status: 404,
  reason: "not_found",
  message: "Die Vermittlung wurde nicht gefunden.",
};

const CASE_CLOSED: WriteRefusal = {
  ok: false,
  status: 409,
  reason: "not_allowed",
  message: "Der Fall ist abgeschlossen; Vermittlungen können nicht mehr geändert werden.",
};

/** Phases in which a referral can be planned: a classified case that is open and not resting. */
const PLANNING_PHASES = new Set(["assessment", "planning", "active", "closure"]);

export interface PlanReferralInput {
  caseId: string;
  partnerId: number;
  needDomain: NeedDomain;
  goalId?: string | null;
  note?: string | null;
}

/** Plans a referral (status "geplant") in a case the actor may see and change. */
export async function planReferral(
  db: Kysely<Database>,
  actor: Actor,
  input: PlanReferralInput,
  at: string = new Date().toISOString(),
): Promise<WriteResult<{ referralId: string }>> {
  const outcome = await db.transaction().execute(async (trx): Promise<WriteResult<{ referralId: string }>> => {
    const row = await trx
      .selectFrom("cases")
      .select(["id", "state"])
      .where("id", "=", input.caseId)
      .where((eb) => caseContentWritableBy(eb, actor))
      .forShare()
      .executeTakeFirst();
    if (!row) return CASE_NOT_FOUND;
    if (!mayWriteCases(actor.role)) return WRITE_FORBIDDEN;
    if (!PLANNING_PHASES.has(row.state)) {
      return {
        ok: false,
        status: 409,
        reason: "not_allowed",
        message: "Vermittlungen können erst nach der Zielgruppenzuordnung und nur in einem laufenden Fall geplant werden.",
      };
    }
    const partner = await trx
      .selectFrom("partners")
      .select("id")
      .where("id", "=", input.partnerId)
      .where("active", "=", true)
      .executeTakeFirst();
    if (!partner) return { ok: false, status: 422, reason: "guard_failed", message: "Bitte einen aktiven Partner auswählen." };
    if (input.goalId) {
      const goal = await trx
        .selectFrom("goals")
        .select("id")
        .where("id", "=", input.goalId)
        .where("case_id", "=", row.id)
        .executeTakeFirst();
      if (!goal) {
        return { ok: false, status: 422, reason: "guard_failed", message: "Dieses Ziel gehört nicht zum Hilfeplan des Falls." };
      }
    }
    const referralId = randomUUID();
    const snapshot = createReferralSnapshot({ referralId, caseId: row.id, partnerId: String(partner.id) }, at);
    await trx
      .insertInto("referrals")
      .values({
        id: referralId,
        case_id: row.id,
        partner_id: partner.id,
        goal_id: input.goalId ?? null,
        need_domain: input.needDomain,
        status: "geplant",
        snapshot: JSON.stringify(persistReferralSnapshot(snapshot)),
        machine_version: REFERRAL_MACHINE_VERSION,
        row_version: 1,
        note: input.note ?? null,
        planned_at: at,
        created_by: actor.id,
      })
      .execute();
    await writeAudit(trx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "referral.plan",
      objectType: "referral",
      objectId: referralId,
      outcome: "allowed",
      detail: { caseId: row.id, partnerId: partner.id },
    });
    return { ok: true, referralId };
  });
  if (!outcome.ok) {
    await writeAudit(db, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "referral.plan",
      objectType: "case",
      objectId: input.caseId,
      outcome: "denied",
      detail: { reason: outcome.reason },
    });
  }
  return outcome;
}

/** What a caller asks for: a referral event without time, partner and consent (the service adds them). */
export type ReferralCommand =
  | { type: "SEND"; sharesData: boolean; legalBasis?: string | null }
  | { type: "ACCEPT" }
  | { type: "COMPLETE" }
  | { type: "DECLINE"; reason: string }
  | { type: "CANCEL"; reason?: string | null };

export interface ApplyReferralEventInput {
  caseId: string;
  referralId: string;
  expectedRowVersion: number;
  command: ReferralCommand;
  /** When the event happened; defaults to now. */
  at?: string;
}

export type ApplyReferralEventResult = WriteResult<{ rowVersion: number; status: ReferralStatus }>;

type ConsentRow = { id: string; partner_id: number; given_at: string; valid_until: string | null; revoked_at: Date | null };

function toMachineConsent(row: ConsentRow): ReferralConsent {
  return {
    partnerId: String(row.partner_id),
    givenAt: row.given_at,
    validUntil: row.valid_until,
    revokedAt: row.revoked_at ? row.revoked_at.toISOString() : null,
  };
}

/**
 * The consent to hand to the machine for sending data to a partner: one that covers the partner now,
 * else the most recent one for that partner (so the machine explains why it does not), else none.
 */
async function consentForPartner(trx: Transaction<Database>, clientId: string, partnerId: number, at: string) {
  const rows = await trx
    .selectFrom("consents")
    .select(["id", "partner_id", "given_at", "valid_until", "revoked_at"])
    .where("client_id", "=", clientId)
    .where("partner_id", "=", partnerId)
    .orderBy("given_at", "desc")
    .orderBy("created_at", "desc")
    .execute();
  const valid = rows.find((r) => refuseConsent(toMachineConsent(r), String(partnerId), at) === null);
  const chosen = valid ?? rows[0];
  return chosen ? { id: chosen.id, consent: toMachineConsent(chosen), valid: valid !== undefined } : null;
}

const TIMESTAMP_COLUMN: Partial<Record<ReferralEventType, "sent_at" | "accepted_at" | "ended_at">> = {
  SEND: "sent_at",
  ACCEPT: "accepted_at",
  COMPLETE: "ended_at",
  DECLINE: "ended_at",
  CANCEL: "ended_at",
};

/**
 * Applies one event to one referral of a case the actor may see. 404 when the referral is not in a
 * visible case, 403 when the actor may not write (or documents a legal basis without being a
 * coordinator), 409 on a stale row version, a step the status does not offer or a closed case, 422 when
 * a guard fails (e.g. no valid consent for the partner). Nothing is written unless it succeeds.
 */
export async function applyReferralEvent(
  db: Kysely<Database>,
  actor: Actor,
  input: ApplyReferralEventInput,
): Promise<ApplyReferralEventResult> {
  const at = input.at ?? new Date().toISOString();
  const action = `referral.${input.command.type.toLowerCase()}`;
  const outcome = await db.transaction().execute(async (trx): Promise<ApplyReferralEventResult> => {
    const row = await trx
      .selectFrom("referrals")
      .innerJoin("cases", "cases.id", "referrals.case_id")
      .select([
        "referrals.id",
        "referrals.partner_id",
        "referrals.row_version",
        "referrals.snapshot",
        "referrals.status",
        "cases.client_id",
        "cases.state as case_state",
      ])
      .where("referrals.id", "=", input.referralId)
      .where("referrals.case_id", "=", input.caseId)
      .where((eb) => caseContentWritableBy(eb, actor))
      .forUpdate("referrals")
      .executeTakeFirst();
    if (!row) return REFERRAL_NOT_FOUND;
    if (!mayWriteCases(actor.role)) return WRITE_FORBIDDEN;
    const command = input.command;
    const legalBasis = command.type === "SEND" ? command.legalBasis?.trim() || null : null;
    if (legalBasis !== null && !hasPermission(actor.role, "write:case:any")) {
      return {
        ok: false,
        status: 403,
        reason: "forbidden",
        message: "Eine Rechtsgrundlage für die Datenweitergabe kann nur die Koordination dokumentieren.",
      };
    }
    if (row.row_version !== input.expectedRowVersion) {
      return { ok: false, status: 409, reason: "stale", message: REFERRAL_STALE_MESSAGE };
    }
    if (row.case_state === "closed") return CASE_CLOSED;

    let event: ReferralEvent;
    let consentId: string | null = null;
    if (command.type === "SEND") {
      const found = command.sharesData ? await consentForPartner(trx, row.client_id, row.partner_id, at) : null;
      consentId = found?.valid ? found.id : null;
      event = {
        type: "SEND",
        at,
        sharesData: command.sharesData,
        partnerId: String(row.partner_id),
        consent: found?.consent ?? null,
        legalBasis,
      };
    } else {
      event = { ...command, at } as ReferralEvent;
    }

    const result = applyReferralTransition(restoreReferralSnapshot(row.snapshot), event);
    if (!result.ok) {
      return {
        ok: false,
        status: result.kind === "not_allowed" ? 409 : 422,
        reason: result.kind,
        message: result.message,
      };
    }
    const context = result.snapshot.context;
    const rowVersion = row.row_version + 1;
    const column = TIMESTAMP_COLUMN[command.type];
    await trx
      .updateTable("referrals")
      .set({
        status: result.status,
        snapshot: JSON.stringify(persistReferralSnapshot(result.snapshot)),
        machine_version: REFERRAL_MACHINE_VERSION,
        row_version: rowVersion,
        ...(column ? { [column]: at } : {}),
        ...(command.type === "SEND"
          ? {
              shares_data: command.sharesData,
              consent_id: context.dataSharingBasis === "einwilligung" ? consentId : null,
              legal_basis: context.legalBasis,
            }
          : {}),
        ...(command.type === "DECLINE" ? { decline_reason: command.reason.trim() } : {}),
      })
      .where("id", "=", row.id)
      .execute();
    await writeAudit(trx, {
      actorId: actor.id,
      actorRole: actor.role,
      action,
      objectType: "referral",
      objectId: row.id,
      outcome: "allowed",
      detail: {
        caseId: input.caseId,
        from: row.status,
        to: result.status,
        ...(command.type === "SEND" ? { basis: context.dataSharingBasis } : {}),
      },
    });
    return { ok: true, rowVersion, status: result.status };
  });
  if (!outcome.ok) {
    await writeAudit(db, {
      actorId: actor.id,
      actorRole: actor.role,
      action,
      objectType: "referral",
      objectId: input.referralId,
      outcome: "denied",
      detail: { caseId: input.caseId, reason: outcome.reason },
    });
  }
  return outcome;
}
