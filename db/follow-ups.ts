// Wiedervorlagen (follow-ups): adding one from the client file. Listing the due ones and marking one
// as done live in db/today.ts (listDueFollowUps, completeFollowUp), shared with the "Heute" page.
import type { Kysely } from "kysely";
import { type Actor, caseContentWritableBy } from "./access";
import { writeAudit } from "./audit";
import type { Database } from "./schema";
import { CASE_NOT_FOUND, WRITE_FORBIDDEN, type WriteResult, mayWriteCases } from "./write-result";

/** Adds a follow-up (due date `YYYY-MM-DD`, note) to a case the actor may see and change; audited. */
export async function addFollowUp(
  db: Kysely<Database>,
  actor: Actor,
  input: { caseId: string; dueOn: string; note: string },
): Promise<WriteResult<{ followUpId: string }>> {
  const outcome = await db.transaction().execute(async (trx): Promise<WriteResult<{ followUpId: string }>> => {
    const found = await trx
      .selectFrom("cases")
      .select("id")
      .where("id", "=", input.caseId)
      .where((eb) => caseContentWritableBy(eb, actor))
      .executeTakeFirst();
    if (!found) return CASE_NOT_FOUND;
    if (!mayWriteCases(actor.role)) return WRITE_FORBIDDEN;
    const row = await trx
      .insertInto("follow_ups")
      .values({ case_id: found.id, due_on: input.dueOn, note: input.note.trim(), created_by: actor.id })
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeAudit(trx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "follow_up.create",
      objectType: "follow_up",
      objectId: row.id,
      outcome: "allowed",
      detail: { caseId: found.id },
    });
    return { ok: true, followUpId: row.id };
  });
  if (!outcome.ok) {
    await writeAudit(db, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "follow_up.create",
      objectType: "case",
      objectId: input.caseId,
      outcome: "denied",
      detail: { reason: outcome.reason },
    });
  }
  return outcome;
}
