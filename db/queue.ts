// Assigning and transferring cases: the coordinators' queue of unassigned intakes, the open cases of
// one case manager, a case by Aktenzeichen. Every change goes through applyCaseEvent (TRANSFER), which
// checks "assign:case:any", the row version, writes the event and the audit row; the access rule in
// the query (caseVisibleTo) makes it effective on the former case manager's next request.
import { type Kysely, sql } from "kysely";
import { mayAssignCases } from "../workflows/permissions";
import type { CasePhase, ReferralSource } from "../workflows/vocabulary";
import { type Actor, caseVisibleTo, checkCaseManagerFor } from "./access";
import { type ApplyCaseEventResult, applyCaseEvent } from "./case-service";
import { runAsSystem } from "./request-actor";
import type { Database } from "./schema";
import { isUuid } from "../workflows/uuid";

export const QUEUE_PAGE_SIZE = 50;

/** One open case in a transfer list: ids and codes only, never a note text. */
export interface TransferListRow {
  caseId: string;
  aktenzeichen: string;
  state: CasePhase;
  rowVersion: number;
  openedAt: Date;
  /** Calendar days since opening (Europe/Berlin), as of `today`. */
  daysWaiting: number;
  municipality: string;
  referralSource: ReferralSource;
  referralMunicipality: string | null;
  caseManagerId: string | null;
  caseManagerName: string | null;
  /** The organisation the case belongs to: transfers stay inside it (db/access.ts). */
  organisationId: number;
}

export interface TransferList {
  rows: TransferListRow[];
  total: number;
  page: number;
  pageCount: number;
}

function mayAssign(actor: Actor): boolean {
  return mayAssignCases(actor.role);
}

/** Open cases the actor may see (a Teamleitung: their organisation's), for counting. */
function visibleOpenCases(db: Kysely<Database>, actor: Actor) {
  return db
    .selectFrom("cases")
    .select((eb) => eb.fn.countAll<string>().as("total"))
    .where("state", "<>", "closed")
    .where((eb) => caseVisibleTo(eb, actor));
}

function baseQuery(db: Kysely<Database>, actor: Actor, today: string) {
  return db
    .selectFrom("cases")
    .innerJoin("clients", "clients.id", "cases.client_id")
    .innerJoin("municipalities as home", "home.id", "clients.municipality_id")
    .leftJoin("municipalities as referrer", "referrer.id", "cases.referral_municipality_id")
    .leftJoin("users as cm", "cm.id", "cases.case_manager_id")
    .select([
      "cases.id as caseId",
      "clients.aktenzeichen",
      "cases.state",
      "cases.row_version as rowVersion",
      "cases.opened_at as openedAt",
      sql<number>`(${today}::date - (cases.opened_at AT TIME ZONE 'Europe/Berlin')::date)`.as("daysWaiting"),
      "home.name as municipality",
      "cases.referral_source as referralSource",
      "referrer.name as referralMunicipality",
      "cases.case_manager_id as caseManagerId",
      "cm.display_name as caseManagerName",
      "cases.organisation_id as organisationId",
    ])
    .where("cases.state", "<>", "closed")
    .where((eb) => caseVisibleTo(eb, actor));
}

function toRows(rows: (Omit<TransferListRow, "daysWaiting"> & { daysWaiting: number | string })[]): TransferListRow[] {
  return rows.map((r) => ({ ...r, daysWaiting: Number(r.daysWaiting) }));
}

function pageOf(page: number, total: number) {
  const pageCount = Math.max(1, Math.ceil(total / QUEUE_PAGE_SIZE));
  return Math.min(Math.max(1, Math.trunc(page) || 1), pageCount);
}

/** Open cases without a case manager, oldest first (uses the partial index cases_unassigned_idx). */
export async function listUnassignedCases(
  db: Kysely<Database>,
  actor: Actor,
  { today, page = 1 }: { today: string; page?: number },
): Promise<TransferList> {
  if (!mayAssign(actor)) return { rows: [], total: 0, page: 1, pageCount: 1 };
  const { total } = await visibleOpenCases(db, actor).where("case_manager_id", "is", null).executeTakeFirstOrThrow();
  const count = Number(total);
  const current = pageOf(page, count);
  const rows = await baseQuery(db, actor, today)
    .where("cases.case_manager_id", "is", null)
    .orderBy("cases.opened_at", "asc")
    .orderBy("cases.id")
    .limit(QUEUE_PAGE_SIZE)
    .offset((current - 1) * QUEUE_PAGE_SIZE)
    .execute();
  return { rows: toRows(rows), total: count, page: current, pageCount: Math.max(1, Math.ceil(count / QUEUE_PAGE_SIZE)) };
}

/** The open cases of one case manager, oldest first, for transfers (e.g. before a long absence). */
export async function listOpenCasesOf(
  db: Kysely<Database>,
  actor: Actor,
  { caseManagerId, today, page = 1 }: { caseManagerId: string; today: string; page?: number },
): Promise<TransferList> {
  if (!mayAssign(actor) || !isUuid(caseManagerId)) return { rows: [], total: 0, page: 1, pageCount: 1 };
  const { total } = await visibleOpenCases(db, actor).where("case_manager_id", "=", caseManagerId).executeTakeFirstOrThrow();
  const count = Number(total);
  const current = pageOf(page, count);
  const rows = await baseQuery(db, actor, today)
    .where("cases.case_manager_id", "=", caseManagerId)
    .orderBy("cases.opened_at", "asc")
    .orderBy("cases.id")
    .limit(QUEUE_PAGE_SIZE)
    .offset((current - 1) * QUEUE_PAGE_SIZE)
    .execute();
  return { rows: toRows(rows), total: count, page: current, pageCount: Math.max(1, Math.ceil(count / QUEUE_PAGE_SIZE)) };
}

/** One open case by its Aktenzeichen (exact, case-insensitive input), or undefined. */
export async function findOpenCaseByAktenzeichen(
  db: Kysely<Database>,
  actor: Actor,
  { aktenzeichen, today }: { aktenzeichen: string; today: string },
): Promise<TransferListRow | undefined> {
  if (!mayAssign(actor)) return undefined;
  const row = await baseQuery(db, actor, today)
    .where("clients.aktenzeichen", "=", aktenzeichen.trim().toUpperCase())
    .executeTakeFirst();
  return row ? toRows([row])[0] : undefined;
}

export interface AssignableCaseManager {
  id: string;
  displayName: string;
  organisationId: number;
  fte: number;
  openCases: number;
}

/**
 * Active case managers with their current open-case count, for the assignment selects (a Teamleitung:
 * those of their organisation). A case is offered only the ones of its own organisation.
 */
export async function listAssignableCaseManagers(db: Kysely<Database>, actor?: Actor): Promise<AssignableCaseManager[]> {
  // Each case manager's number of open cases, no case row: read as the system (row-level security would
  // count only the cases the asking coordinator or Teamleitung may open).
  const query = db
    .selectFrom("users")
    .leftJoin(
      (eb) =>
        eb
          .selectFrom("cases")
          .select((e) => ["case_manager_id", e.fn.countAll<string>().as("n")])
          .where("state", "<>", "closed")
          .where("case_manager_id", "is not", null)
          .groupBy("case_manager_id")
          .as("load"),
      (j) => j.onRef("load.case_manager_id", "=", "users.id"),
    )
    .select(["users.id", "users.display_name", "users.fte", "users.organisation_id", "load.n"])
    .where("users.role", "=", "case_manager")
    .where("users.active", "=", true)
    .$if(actor?.role === "team_lead", (qb) => qb.where("users.organisation_id", "=", actor?.organisationId ?? -1))
    .orderBy("users.display_name");
  const rows = await runAsSystem(() => query.execute());
  return rows.map((r) => ({
    id: r.id,
    displayName: r.display_name,
    organisationId: r.organisation_id,
    fte: Number(r.fte ?? 0),
    openCases: Number(r.n ?? 0),
  }));
}

export interface TransferInput {
  caseId: string;
  expectedRowVersion: number;
  toCaseManagerId: string;
}

export type TransferResult =
  | (Extract<ApplyCaseEventResult, { ok: true }> & { caseManagerName: string; aktenzeichen: string })
  | Extract<ApplyCaseEventResult, { ok: false }>
  | { ok: false; status: 422; reason: "invalid_case_manager"; message: string };

/**
 * Assigns an unassigned case or transfers an assigned one to an active case manager, effective
 * immediately. The case service checks the target against the case's organisation (checkCaseManagerFor),
 * permission and row version, and audits a refusal.
 */
export async function transferCase(db: Kysely<Database>, actor: Actor, input: TransferInput): Promise<TransferResult> {
  if (!isUuid(input.caseId)) {
    return { ok: false, status: 404, reason: "not_found", message: "Der Fall wurde nicht gefunden." };
  }
  const target = await checkCaseManagerFor(db, { userId: input.toCaseManagerId, organisationId: null, purpose: "assignee" });
  if (!target.ok) {
    return { ok: false, status: 422, reason: "invalid_case_manager", message: target.message };
  }
  const result = await applyCaseEvent(db, actor, {
    caseId: input.caseId,
    expectedRowVersion: input.expectedRowVersion,
    command: { type: "TRANSFER", toCaseManagerId: target.id },
  });
  if (!result.ok) return result;
  const client = await db
    .selectFrom("cases")
    .innerJoin("clients", "clients.id", "cases.client_id")
    .select("clients.aktenzeichen")
    .where("cases.id", "=", input.caseId)
    .executeTakeFirstOrThrow();
  return { ...result, caseManagerName: target.displayName, aktenzeichen: client.aktenzeichen };
}
