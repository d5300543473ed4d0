import type { Expression, ExpressionBuilder, SqlBool } from "kysely";
import type { Role } from "../workflows/vocabulary";
import type { Database } from "./schema";

/** Who is asking: every query that returns case data takes one and scopes by it. */
export interface Actor {
  id: string;
  role: Role;
}

/**
 * The access rule for cases, as a WHERE expression: coordinators see every case (supervision);
 * case managers their own and those where they are named deputy; steering and admin none.
 */
export function caseVisibleTo(eb: ExpressionBuilder<Database, "cases">, actor: Actor): Expression<SqlBool> {
  switch (actor.role) {
    case "coordinator":
      return eb.lit(true);
    case "case_manager":
      return eb.or([eb("cases.case_manager_id", "=", actor.id), eb("cases.deputy_id", "=", actor.id)]);
    default:
      return eb.lit(false);
  }
}
