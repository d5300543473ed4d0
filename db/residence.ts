// The residence status as a dated history (migration 0015): reading a client's documents, recording a
// new one from the client file (a case step: audited, in the history, re-classification asked at once),
// and the deadline reminders the daily job creates as follow-ups (never twice: follow_ups.deadline_key).
import type { Kysely, Transaction } from "kysely";
import {
  type ResidenceDocumentFacts,
  addDays,
  caseDeadlines,
  reminderFollowUp,
  reminderStage,
} from "../workflows/residence-deadlines";
import type { ResidenceStatus } from "../workflows/vocabulary";
import { type Actor, caseContentWritableBy } from "./access";
import { writeAudit } from "./audit";
import { berlinDate } from "./case-service";
import { keepPlan } from "./query-cost";
import { flagCasesOutOfTargetGroup } from "./reclassification";
import type { Database, ResidenceSource } from "./schema";
import { CASE_NOT_FOUND, WRITE_FORBIDDEN, type WriteResult, mayWriteCases } from "./write-result";

export interface ResidenceDocument {
  id: string;
  status: ResidenceStatus;
  issuedOn: string | null;
  validUntil: string | null;
  deadlineOn: string | null;
  authority: string | null;
  note: string | null;
  source: ResidenceSource;
  recordedAt: string;
  recordedBy: string | null;
  current: boolean;
}

/** A client's residence documents, newest first (the first is the current status). */
export async function listResidenceHistory(
  db: Kysely<Database> | Transaction<Database>,
  clientId: string,
): Promise<ResidenceDocument[]> {
  return toResidenceDocuments(await residenceHistoryQuery(db, clientId).modifyEnd(keepPlan).execute());
}

/** The query of listResidenceHistory, for a page that reads it inside a larger statement (jsonArrayFrom). */
export function residenceHistoryQuery(db: Kysely<Database> | Transaction<Database>, clientId: string) {
  return db
    .selectFrom("residence_documents as d")
    .leftJoin("partners as p", "p.id", "d.authority_partner_id")
    .leftJoin("users as u", "u.id", "d.recorded_by")
    .select([
      "d.id",
      "d.status",
      "d.issued_on",
      "d.valid_until",
      "d.deadline_on",
      "d.note",
      "d.source",
      "d.recorded_at",
      "d.superseded_at",
      "p.name as authority",
      "u.display_name as recorded_by_name",
    ])
    .where("d.client_id", "=", clientId)
    .orderBy("d.recorded_at", "desc")
    .orderBy("d.id", "desc");
}

type ResidenceHistoryRow = Omit<
  Awaited<ReturnType<ReturnType<typeof residenceHistoryQuery>["execute"]>>[number],
  "recorded_at" | "superseded_at"
> & { recorded_at: Date | string; superseded_at: Date | string | null };

/** The rows of residenceHistoryQuery as the page shows them (timestamps as Date, or as text from JSON). */
export function toResidenceDocuments(rows: readonly ResidenceHistoryRow[]): ResidenceDocument[] {
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    issuedOn: r.issued_on,
    validUntil: r.valid_until,
    deadlineOn: r.deadline_on,
    authority: r.authority,
    note: r.note,
    source: r.source,
    recordedAt: new Date(r.recorded_at).toISOString(),
    recordedBy: r.recorded_by_name,
    current: r.superseded_at === null,
  }));
}

/** The Ausländerbehörden a document can name as issuer (active partners of that kind). */
export function listResidenceAuthorities(db: Kysely<Database>) {
  return residenceAuthoritiesQuery(db).modifyEnd(keepPlan).execute();
}

/** The query of listResidenceAuthorities, for a page that reads it inside a larger statement (jsonArrayFrom). */
export function residenceAuthoritiesQuery(db: Kysely<Database>) {
  return db
    .selectFrom("partners")
    .select(["id", "name"])
    .where("kind", "=", "auslaenderbehoerde")
    .where("active", "=", true)
    .orderBy("name");
}

export interface RecordResidenceInput {
  caseId: string;
  status: ResidenceStatus;
  issuedOn: string | null;
  validUntil: string | null;
  authorityPartnerId: number | null;
  note: string | null;
}

export type RecordResidenceResult = WriteResult<{ documentId: string }> & { field?: "authorityPartnerId" | "validUntil" };

/**
 * Records a new residence document for the client of a case the actor may change: it becomes the
 * current status (clients.residence_status follows by trigger), open reminders of the replaced
 * document's deadlines are done, the step is audited ("residence.record", shown in the history). Then,
 * at once, a case that no longer fits its target group is flagged for re-classification and the
 * reminders of the new deadlines that are already due are created.
 */
export async function recordResidenceDocument(
  db: Kysely<Database>,
  actor: Actor,
  input: RecordResidenceInput,
  now: Date = new Date(),
): Promise<RecordResidenceResult> {
  const outcome = await db.transaction().execute(async (trx): Promise<RecordResidenceResult> => {
    const found = await trx
      .selectFrom("cases")
      .select(["cases.id", "cases.client_id"])
      .where("cases.id", "=", input.caseId)
      .where((eb) => caseContentWritableBy(eb, actor))
      .forUpdate()
      .executeTakeFirst();
    if (!found) return CASE_NOT_FOUND;
    if (!mayWriteCases(actor.role)) return WRITE_FORBIDDEN;
    if (input.issuedOn && input.validUntil && input.validUntil < input.issuedOn) {
      return {
        ok: false,
        status: 422,
        reason: "guard_failed",
        field: "validUntil",
        message: "„Gültig bis“ darf nicht vor dem Ausstellungsdatum liegen.",
      };
    }
    if (input.authorityPartnerId !== null) {
      const authority = await trx
        .selectFrom("partners")
        .select("id")
        .where("id", "=", input.authorityPartnerId)
        .where("kind", "=", "auslaenderbehoerde")
        .executeTakeFirst();
      if (!authority) {
        return {
          ok: false,
          status: 422,
          reason: "guard_failed",
          field: "authorityPartnerId",
          message: "Bitte eine Ausländerbehörde aus der Liste auswählen.",
        };
      }
    }
    const row = await trx
      .insertInto("residence_documents")
      .values({
        client_id: found.client_id,
        case_id: found.id,
        status: input.status,
        issued_on: input.issuedOn,
        valid_until: input.validUntil,
        authority_partner_id: input.authorityPartnerId,
        note: input.note?.trim() || null,
        source: "erfasst",
        recorded_by: actor.id,
        recorded_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    // The replaced document's deadlines are settled by the new status: its open reminders are done.
    const closed = await trx
      .updateTable("follow_ups")
      .set({ done_at: now })
      .where("case_id", "in", trx.selectFrom("cases").select("id").where("client_id", "=", found.client_id))
      .where("done_at", "is", null)
      .where((eb) => eb.or([eb("deadline_key", "like", "frist:ablauf:%"), eb("deadline_key", "like", "frist:chancen_ende:%")]))
      .executeTakeFirst();
    await writeAudit(trx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "residence.record",
      objectType: "residence_document",
      objectId: row.id,
      outcome: "allowed",
      detail: { caseId: found.id, remindersDone: Number(closed.numUpdatedRows) },
    });
    return { ok: true, documentId: row.id };
  });
  if (outcome.ok) {
    const today = berlinDate(now);
    await flagCasesOutOfTargetGroup(db, { today, at: now, caseId: input.caseId });
    await createDeadlineFollowUps(db, { today, caseId: input.caseId });
  } else {
    await writeAudit(db, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "residence.record",
      objectType: "case",
      objectId: input.caseId,
      outcome: "denied",
      detail: { reason: outcome.reason },
    });
  }
  return outcome;
}

/**
 * Creates the follow-ups for every deadline reminder reached on `today` (8, 4, 1 weeks ahead, overdue) of
 * the open cases (or of one case): one per case, deadline and stage, never twice (unique deadline_key),
 * due today, each audited as created by the system (shown in the case's history).
 */
export async function createDeadlineFollowUps(
  db: Kysely<Database>,
  options: { today: string; caseId?: string },
): Promise<{ created: number }> {
  const horizon = addDays(options.today, 56);
  const umfBornBy = `${Number(horizon.slice(0, 4)) - 18}${horizon.slice(4)}`;
  const candidates = await db
    .selectFrom("cases")
    .innerJoin("clients", "clients.id", "cases.client_id")
    .leftJoin("residence_documents as d", (join) =>
      join.onRef("d.client_id", "=", "cases.client_id").on("d.superseded_at", "is", null),
    )
    .select(["cases.id", "cases.target_group", "clients.birth_date", "d.status", "d.issued_on", "d.valid_until"])
    .where("cases.state", "<>", "closed")
    .$if(options.caseId !== undefined, (qb) => qb.where("cases.id", "=", options.caseId as string))
    .where((eb) =>
      eb.or([
        eb("d.deadline_on", "<=", horizon),
        eb.and([eb("cases.target_group", "=", "umf"), eb("clients.birth_date", "<=", umfBornBy)]),
      ]),
    )
    .execute();
  const rows: { case_id: string; due_on: string; note: string; deadline_key: string }[] = [];
  for (const c of candidates) {
    const current: ResidenceDocumentFacts | null = c.status
      ? { status: c.status, issuedOn: c.issued_on, validUntil: c.valid_until }
      : null;
    for (const deadline of caseDeadlines({ current, targetGroup: c.target_group, birthDate: c.birth_date })) {
      const stage = reminderStage(deadline.on, options.today);
      if (!stage) continue;
      const { key, note } = reminderFollowUp(deadline, stage);
      rows.push({ case_id: c.id, due_on: options.today, note, deadline_key: key });
    }
  }
  let created = 0;
  for (let i = 0; i < rows.length; i += 500) {
    const inserted = await db
      .insertInto("follow_ups")
      .values(rows.slice(i, i + 500).map((r) => ({ ...r, created_by: null })))
      .onConflict((oc) => oc.columns(["case_id", "deadline_key"]).where("deadline_key", "is not", null).doNothing())
      .returning(["id", "case_id"])
      .execute();
    created += inserted.length;
    if (inserted.length) {
      await db
        .insertInto("audit_log")
        .values(
          inserted.map((f) => ({
            actor_id: null,
            actor_role: null,
            action: "follow_up.create",
            object_type: "follow_up",
            object_id: f.id,
            outcome: "allowed" as const,
            detail: JSON.stringify({ caseId: f.case_id, deadline: true }),
          })),
        )
        .execute();
    }
  }
  return { created };
}
