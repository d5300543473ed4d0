// "Heute": open Wiedervorlagen (follow-ups) due today or earlier across the actor's cases (among them the
// residence-deadline reminders the daily job creates 8, 4 and 1 week ahead and when overdue),
// and marking one as done. Both scope by the actor in the WHERE clause (db/access.ts).
import { type Kysely, sql } from "kysely";
import { type Actor, caseContentWritableBy, caseVisibleTo } from "./access";
import { writeAudit } from "./audit";
import { berlinDate } from "./case-service";
import type { Database } from "./schema";

export interface DueFollowUp {
  id: string;
  caseId: string;
  aktenzeichen: string;
  firstName: string;
  lastName: string;
  note: string;
  dueOn: string;
  /** 0 when due today. */
  daysOverdue: number;
  /** A reminder of a residence deadline (created by the daily job), not one a person set. */
  deadline: boolean;
}

/** Open follow-ups due on `today` or before, oldest first, of the cases the actor may see. */
export async function listDueFollowUps(
  db: Kysely<Database>,
  actor: Actor,
  options: { today?: string } = {},
): Promise<{ today: string; followUps: DueFollowUp[] }> {
  const today = options.today ?? berlinDate(new Date());
  const rows = await db
    .selectFrom("follow_ups")
    .innerJoin("cases", "cases.id", "follow_ups.case_id")
    .innerJoin("clients", "clients.id", "cases.client_id")
    .select([
      "follow_ups.id",
      "follow_ups.case_id",
      "follow_ups.note",
      "follow_ups.due_on",
      "follow_ups.deadline_key",
      "clients.aktenzeichen",
      "clients.first_name",
      "clients.last_name",
      sql<number>`${today}::date - follow_ups.due_on`.as("days_overdue"),
    ])
    .where("follow_ups.done_at", "is", null)
    .where("follow_ups.due_on", "<=", today)
    // Implied by the two lines above (migration 0025 keeps the date of the case's next open follow-up):
    // lets PostgreSQL visit only the actor's cases with one due instead of all their cases, closed ones too.
    .where("cases.next_follow_up_on", "<=", today)
    .where((eb) => caseVisibleTo(eb, actor))
    .orderBy("follow_ups.due_on")
    .orderBy("clients.aktenzeichen")
    .orderBy("follow_ups.id")
    .execute();
  return {
    today,
    followUps: rows.map((r) => ({
      id: r.id,
      caseId: r.case_id,
      aktenzeichen: r.aktenzeichen,
      firstName: r.first_name,
      lastName: r.last_name,
      note: r.note,
      dueOn: r.due_on,
      daysOverdue: Number(r.days_overdue),
      deadline: r.deadline_key !== null,
    })),
  };
}

export type CompleteFollowUpResult =
  | { ok: true; caseId: string; aktenzeichen: string; alreadyDone: boolean }
  | { ok: false; status: 404; message: string };

/**
 * Marks one follow-up as done. The UPDATE itself is scoped to cases the actor may see, and from a client
 * file to the case in its URL (`caseId`; null only on "Heute", which lists the follow-ups of all the
 * actor's cases): a follow-up of another case answers exactly like a missing one (404) and is audited
 * as denied. Marking a done follow-up again changes nothing and succeeds.
 */
export async function completeFollowUp(
  db: Kysely<Database>,
  actor: Actor,
  target: { followUpId: string; caseId: string | null },
  at: Date = new Date(),
): Promise<CompleteFollowUpResult> {
  const { followUpId, caseId } = target;
  return db.transaction().execute(async (trx) => {
    const visible = trx
      .selectFrom("cases")
      .select("cases.id")
      .where((eb) => caseContentWritableBy(eb, actor));
    // The case first, then the follow-up: marking it done updates the case (its next follow-up date,
    // migration 0025), and steps that hold the case and then change its follow-ups (a new residence
    // document settles its reminders) lock in that order too. The other order could deadlock with them.
    await trx
      .selectFrom("cases")
      .select("cases.id")
      .where("cases.id", "in", trx.selectFrom("follow_ups").select("follow_ups.case_id").where("follow_ups.id", "=", followUpId))
      .where((eb) => caseContentWritableBy(eb, actor))
      .forNoKeyUpdate()
      .execute();
    const found = await trx
      .selectFrom("follow_ups")
      .innerJoin("cases", "cases.id", "follow_ups.case_id")
      .innerJoin("clients", "clients.id", "cases.client_id")
      .select(["follow_ups.id", "follow_ups.case_id", "follow_ups.done_at", "clients.aktenzeichen"])
      .where("follow_ups.id", "=", followUpId)
      .$if(caseId !== null, (qb) => qb.where("follow_ups.case_id", "=", caseId as string))
      .where((eb) => caseContentWritableBy(eb, actor))
      .forUpdate("follow_ups")
      .executeTakeFirst();
    if (!found) {
      await writeAudit(trx, {
        actorId: actor.id,
        actorRole: actor.role,
        action: "follow_up.done",
        objectType: "follow_up",
        objectId: followUpId,
        outcome: "denied",
        ...(caseId ? { detail: { caseId } } : {}),
      });
      return { ok: false, status: 404, message: "Die Wiedervorlage wurde nicht gefunden." } as const;
    }
    if (found.done_at === null) {
      await trx
        .updateTable("follow_ups")
        .set({ done_at: at })
        .where("id", "=", found.id)
        .where("case_id", "=", found.case_id)
        .where("done_at", "is", null)
        .where("case_id", "in", visible)
        .execute();
    }
    await writeAudit(trx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "follow_up.done",
      objectType: "follow_up",
      objectId: followUpId,
      outcome: "allowed",
      detail: { caseId: found.case_id, alreadyDone: found.done_at !== null },
    });
    return { ok: true, caseId: found.case_id, aktenzeichen: found.aktenzeichen, alreadyDone: found.done_at !== null };
  });
}
