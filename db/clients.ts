// Personal data of a client, changed from the client file. Not a case-state change (no case event):
// a new residence status is what the daily job later turns into FLAG_RECLASSIFICATION for Geduldete.
import { type Kysely, sql } from "kysely";
import type { Gender, ResidenceStatus } from "../workflows/vocabulary";
import { type Actor, caseContentWritableBy } from "./access";
import { writeAudit } from "./audit";
import { berlinDate, clientColumns } from "./case-service";
import { flagCasesOutOfTargetGroup } from "./reclassification";
import type { Database } from "./schema";
import { CASE_NOT_FOUND, WRITE_FORBIDDEN, type WriteResult, mayWriteCases } from "./write-result";

export interface ClientChanges {
  firstName: string;
  lastName: string;
  birthDate: string | null;
  birthDateEstimated: boolean;
  gender: Gender;
  nationality: string | null;
  languages: string[];
  interpreterNeeded: boolean;
  municipalityId: number;
  residenceStatus: ResidenceStatus;
  arrivalDate: string | null;
  unaccompanied: boolean;
  phone: string | null;
  email: string | null;
  address: string | null;
}

export const CLIENT_STALE_MESSAGE =
  "Die persönlichen Daten wurden inzwischen geändert. Bitte prüfen Sie den aktuellen Stand; Ihre Eingaben sind erhalten geblieben.";

export interface UpdateClientInput {
  /** The case through which the client is reached (access is checked on the case). */
  caseId: string;
  /** The `client_version` the form was loaded with (exact text of clients.updated_at). */
  expectedVersion: string;
  changes: ClientChanges;
}

/**
 * Updates the personal data of the client of a case the actor may see. Refuses a stale version (409),
 * audits "client.update" (field names only, never contents). When the change takes the case out of its
 * target group, the case is flagged for re-classification right away (FLAG_RECLASSIFICATION).
 */
export async function updateClient(
  db: Kysely<Database>,
  actor: Actor,
  input: UpdateClientInput,
): Promise<WriteResult<{ version: string }>> {
  const outcome = await db.transaction().execute(async (trx): Promise<WriteResult<{ version: string }>> => {
    const target = await trx
      .selectFrom("cases")
      .innerJoin("clients", "clients.id", "cases.client_id")
      .select(["clients.id", "clients.residence_status", (eb) => eb.cast<string>("clients.updated_at", "text").as("version")])
      .where("cases.id", "=", input.caseId)
      .where((eb) => caseContentWritableBy(eb, actor))
      .forUpdate("clients")
      .executeTakeFirst();
    if (!target) return CASE_NOT_FOUND;
    if (!mayWriteCases(actor.role)) return WRITE_FORBIDDEN;
    if (target.version !== input.expectedVersion) {
      return { ok: false, status: 409, reason: "stale", message: CLIENT_STALE_MESSAGE };
    }
    const c = input.changes;
    const updated = await trx
      .updateTable("clients")
      .set({
        ...clientColumns(c),
        updated_at: sql<Date>`clock_timestamp()`,
      })
      .where("id", "=", target.id)
      .returning((eb) => eb.cast<string>("updated_at", "text").as("version"))
      .executeTakeFirstOrThrow();
    await writeAudit(trx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "client.update",
      objectType: "client",
      objectId: target.id,
      outcome: "allowed",
      detail: { caseId: input.caseId, residenceStatusChanged: target.residence_status !== c.residenceStatus },
    });
    return { ok: true, version: updated.version };
  });
  if (outcome.ok) {
    // A corrected birth date or a new residence status may take the case out of its target group: the
    // software notices at once (not only at the next daily job) and asks for re-classification.
    const now = new Date();
    await flagCasesOutOfTargetGroup(db, { today: berlinDate(now), at: now, caseId: input.caseId });
  } else {
    await writeAudit(db, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "client.update",
      objectType: "case",
      objectId: input.caseId,
      outcome: "denied",
      detail: { reason: outcome.reason },
    });
  }
  return outcome;
}
