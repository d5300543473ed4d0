// The access rule for cases, in one place. Every case query scopes by caseVisibleTo (reads) or
// caseContentWritableBy (writes of case content); every user id the server accepts from a form
// (assignee, deputy, transfer target) goes through checkCaseManagerFor. See README "Organisations".
import { type Expression, type ExpressionBuilder, type Kysely, type RawBuilder, type SqlBool, type Transaction, sql } from "kysely";
import type { CoordinationAccess, Role } from "../workflows/vocabulary";
import type { Database } from "./schema";
import { isUuid } from "../workflows/uuid";

/** Who is asking: every query that returns case data takes one and scopes by it. */
export interface Actor {
  id: string;
  role: Role;
  /**
   * The actor's organisation (SessionUser has it). A Teamleitung without one sees nothing; a case
   * manager with one sees own and deputy cases only while they belong to that organisation.
   */
  organisationId?: number;
}

/**
 * Who reads which case:
 * - case managers: their own cases and those where they are named deputy (of their organisation);
 * - Teamleitung: every case of their organisation;
 * - coordinators: the cases of every organisation whose agreement with the site is "voll" or
 *   "pseudonymisiert" (loaders strip personal data for the latter, see isPseudonymisedFor); none of an
 *   organisation with "aggregiert";
 * - steering and admin: none.
 */
export function caseVisibleTo(eb: ExpressionBuilder<Database, "cases">, actor: Actor): Expression<SqlBool> {
  switch (actor.role) {
    case "coordinator":
      return ofOrganisationsWhose(eb, "<>", "aggregiert");
    case "team_lead":
      return actor.organisationId === undefined ? eb.lit(false) : eb("cases.organisation_id", "=", actor.organisationId);
    case "case_manager":
      return ownOrDeputy(eb, actor);
    default:
      return eb.lit(false);
  }
}

function ownOrDeputy(eb: ExpressionBuilder<Database, "cases">, actor: Actor): Expression<SqlBool> {
  const named = eb.or([eb("cases.case_manager_id", "=", actor.id), eb("cases.deputy_id", "=", actor.id)]);
  return actor.organisationId === undefined ? named : eb.and([named, eb("cases.organisation_id", "=", actor.organisationId)]);
}

/**
 * Who may change a case's content (contacts, goals, referrals, consents, follow-ups, personal data,
 * phase steps): the case manager and the deputy; coordinators for organisations with a "voll"
 * agreement. A Teamleitung reads, assigns and transfers, but writes no content.
 */
export function caseContentWritableBy(eb: ExpressionBuilder<Database, "cases">, actor: Actor): Expression<SqlBool> {
  switch (actor.role) {
    case "coordinator":
      return ofOrganisationsWhose(eb, "=", "voll");
    case "case_manager":
      return ownOrDeputy(eb, actor);
    default:
      return eb.lit(false);
  }
}

/** Cases of the organisations whose agreement with the coordination is (=) or is not (<>) `access`. */
function ofOrganisationsWhose(
  eb: ExpressionBuilder<Database, "cases">,
  op: "=" | "<>",
  access: CoordinationAccess,
): Expression<SqlBool> {
  return eb(
    "cases.organisation_id",
    "in",
    eb.selectFrom("organisations").select("organisations.id").where("organisations.coordination_access", op, access),
  );
}

/**
 * True (as SQL over `cases`) when the actor sees this case only pseudonymised: a coordinator looking at
 * a case of an organisation whose agreement is "pseudonymisiert". Loaders then leave out name, birth
 * date (and age), contact data and every free text, and neither search nor sort by them.
 */
export function pseudonymisedFor(actor: Actor): RawBuilder<boolean> {
  if (actor.role !== "coordinator") return sql<boolean>`false`;
  return sql<boolean>`(cases.organisation_id IN (SELECT o.id FROM organisations o WHERE o.coordination_access = 'pseudonymisiert'))`;
}

/** Who reads a case file in full (personal data and free text): visible and not pseudonymised. */
export function caseFileReadableBy(eb: ExpressionBuilder<Database, "cases">, actor: Actor): Expression<SqlBool> {
  return eb.and([caseVisibleTo(eb, actor), eb.not(pseudonymisedFor(actor))]);
}

/** Why a user id from a form is named: the German message names the role the person would take. */
export type CaseManagerPurpose = "deputy" | "transfer" | "assignee";

export const CASE_MANAGER_REFUSALS: Record<CaseManagerPurpose, string> = {
  deputy: "Als Vertretung kann nur eine aktive Casemanager*in derselben Organisation benannt werden.",
  transfer: "Der Fall kann nur an eine aktive Casemanager*in derselben Organisation übergeben werden.",
  assignee: "Bitte wählen Sie eine aktive Casemanager*in aus.",
};

export type CaseManagerCheck =
  | { ok: true; id: string; displayName: string; organisationId: number }
  | { ok: false; message: string };

/**
 * The one server-side check for every user id a form names as deputy, assignee or transfer target:
 * the person must be an active case manager, and of `organisationId` when it is given (the case's
 * organisation; null = any organisation, e.g. a coordinator's intake, or a transfer to another
 * organisation that carries its own basis).
 */
export async function checkCaseManagerFor(
  db: Kysely<Database> | Transaction<Database>,
  input: { userId: string | null | undefined; organisationId: number | null; purpose: CaseManagerPurpose },
): Promise<CaseManagerCheck> {
  const refused = { ok: false as const, message: CASE_MANAGER_REFUSALS[input.purpose] };
  if (!input.userId || !isUuid(input.userId)) return refused;
  const row = await db
    .selectFrom("users")
    .select(["id", "display_name", "organisation_id"])
    .where("id", "=", input.userId)
    .where("role", "=", "case_manager")
    .where("active", "=", true)
    .$if(input.organisationId !== null, (qb) => qb.where("organisation_id", "=", input.organisationId as number))
    .executeTakeFirst();
  if (!row) return refused;
  return { ok: true, id: row.id, displayName: row.display_name, organisationId: row.organisation_id };
}

