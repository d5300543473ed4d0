// Art. 17 DSGVO / retention: a client whose every case was closed longer ago than the retention period
// is anonymised. Names, contact data and free texts go; what the evaluation needs stays (dates, codes,
// municipality, target group, birth year), so aggregate statistics survive anonymisation.
import { type Kysely, sql } from "kysely";
import type { Database } from "../schema";
import { getSetting } from "../settings";
import { writeAudit } from "../audit";

export const ANONYMISED = "anonymisiert";

export async function anonymiseExpiredClients(
  db: Kysely<Database>,
  options: { now?: Date; limit?: number } = {},
): Promise<number> {
  const now = options.now ?? new Date();
  const days = await getSetting(db, "retention_days_after_closure");
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const clients = await db
    .selectFrom("clients")
    .select("clients.id")
    .where("clients.anonymised_at", "is", null)
    .where(({ exists, not, selectFrom }) =>
      not(
        exists(
          selectFrom("cases")
            .select("cases.id")
            .whereRef("cases.client_id", "=", "clients.id")
            .where((eb) => eb.or([eb("cases.closed_at", "is", null), eb("cases.closed_at", ">", cutoff)])),
        ),
      ),
    )
    .where(({ exists, selectFrom }) =>
      exists(selectFrom("cases").select("cases.id").whereRef("cases.client_id", "=", "clients.id")),
    )
    .limit(options.limit ?? 5000)
    .execute();
  for (const { id } of clients) {
    await db.transaction().execute(async (trx) => {
      const caseIds = (await trx.selectFrom("cases").select("id").where("client_id", "=", id).execute()).map((c) => c.id);
      await trx
        .updateTable("clients")
        .set({
          first_name: ANONYMISED,
          last_name: ANONYMISED,
          // keep the birth year for age statistics
          birth_date: sql<string | null>`make_date(extract(year from birth_date)::int, 7, 1)`,
          phone: null,
          email: null,
          address: null,
          arrival_date: sql<string | null>`date_trunc('month', arrival_date)::date`,
          anonymised_at: now,
          updated_at: now,
        })
        .where("id", "=", id)
        .execute();
      await trx.updateTable("consents").set({ given_by_name: null }).where("client_id", "=", id).execute();
      await trx.updateTable("residence_documents").set({ note: null }).where("client_id", "=", id).execute();
      if (caseIds.length) {
        await trx.updateTable("contacts").set({ note: null }).where("case_id", "in", caseIds).execute();
        await trx.updateTable("assessments").set({ note: null }).where("case_id", "in", caseIds).execute();
        await trx
          .updateTable("goals")
          .set({ title: ANONYMISED, description: null, evaluation_note: null })
          .where("case_id", "in", caseIds)
          .execute();
        await trx.updateTable("identity_steps").set({ note: null }).where("case_id", "in", caseIds).execute();
        await trx.updateTable("referrals").set({ note: null, decline_reason: null }).where("case_id", "in", caseIds).execute();
        await trx.deleteFrom("follow_ups").where("case_id", "in", caseIds).execute();
        // The event log is append-only for the application; only this job may purge personal facts from it.
        await sql`SET LOCAL kim.allow_purge = 'on'`.execute(trx);
        await trx
          .updateTable("case_events")
          .set({
            // free texts (notes; the reasons typed for a rejection, pause or reopening) and the birth date;
            // codes such as a closure reason or a re-classification reason stay for the evaluation
            payload: sql`CASE WHEN type IN ('REJECT_NOT_ELIGIBLE', 'PAUSE', 'REOPEN')
              THEN payload #- '{facts,birthDate}' #- '{note}' #- '{reason}'
              ELSE payload #- '{facts,birthDate}' #- '{note}' END`,
          })
          .where("case_id", "in", caseIds)
          .execute();
        await trx
          .updateTable("cases")
          .set({ snapshot: sql`snapshot #- '{context,closureNote}' #- '{context,pauseReason}'` })
          .where("id", "in", caseIds)
          .execute();
      }
      await writeAudit(trx, {
        actorId: null,
        actorRole: null,
        action: "client.anonymise",
        objectType: "client",
        objectId: id,
        outcome: "allowed",
        detail: { cases: caseIds.length, retentionDays: days },
      });
    });
  }
  return clients.length;
}
