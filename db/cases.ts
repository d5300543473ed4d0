import type { Kysely } from "kysely";
import { type Actor, caseFileReadableBy } from "./access";
import type { Database } from "./schema";

/** The case header for one case (with the name), or undefined when it does not exist or the actor may not read it in full. */
export function findCaseHeader(db: Kysely<Database>, actor: Actor, caseId: string) {
  return db
    .selectFrom("cases")
    .innerJoin("clients", "clients.id", "cases.client_id")
    .leftJoin("users as cm", "cm.id", "cases.case_manager_id")
    .select([
      "cases.id",
      "cases.state",
      "cases.target_group",
      "cases.row_version",
      "cases.opened_at",
      "cases.closed_at",
      "cases.case_manager_id",
      "cases.deputy_id",
      "clients.aktenzeichen",
      "clients.first_name",
      "clients.last_name",
      "clients.birth_date",
      "clients.birth_date_estimated",
      "clients.residence_status",
      "cm.display_name as case_manager_name",
    ])
    .where("cases.id", "=", caseId)
    .where((eb) => caseFileReadableBy(eb, actor))
    .executeTakeFirst();
}
