// Reading the audit log: the data-protection officer's viewer ("Zugriffsprotokoll": who read, changed,
// exported or was refused what and when) and, for Art. 15, who accessed one person's data. Rows carry
// codes and ids only (db/audit.ts never stores field contents); the client is shown by Aktenzeichen.
// Every query takes the acting user and answers nothing without the permission "read:audit:any".
import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from "kysely";
import { type AuditQuery, DEFAULT_AUDIT_QUERY } from "../workflows/audit-query";
import { hasPermission } from "../workflows/permissions";
import type { Role } from "../workflows/vocabulary";
import type { Actor } from "./access";
import { writeAudit } from "./audit";
import type { AuditOutcome, Database } from "./schema";

/**
 * The Aktenzeichen of the client an audit row is about, or null (logins, reports, partners …). The
 * data-protection officer sees no case or client row (row-level security, migration 0014): the
 * SECURITY DEFINER lookup reads them for that role only.
 */
const aktenzeichenOfRow = sql<string | null>`kim_audit_aktenzeichen(a.object_type, a.object_id, a.detail)`;

type AuditEb = ExpressionBuilder<Database & { a: Database["audit_log"] }, "a">;

/** The audit rows about one client: the client row itself, or one of the given cases of the client. */
function concernsClient(eb: AuditEb, clientId: string, caseIds: string[]): Expression<SqlBool> {
  const about: Expression<SqlBool>[] = [eb.and([eb("a.object_type", "=", "client"), eb("a.object_id", "=", clientId)])];
  if (caseIds.length) {
    about.push(eb.and([eb("a.object_type", "=", "case"), eb("a.object_id", "in", caseIds)]));
    // a.case_id (migration 0021): a uuid condition, indexable under row-level security
    about.push(eb("a.case_id", "in", caseIds));
  }
  return eb.or(about);
}

export interface AuditLogRow {
  id: string;
  /** ISO timestamp. */
  at: string;
  actorId: string | null;
  actorName: string | null;
  actorUsername: string | null;
  actorRole: Role | null;
  organisation: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  /** The client's Aktenzeichen when the row is about a client or one of their cases. */
  aktenzeichen: string | null;
  outcome: AuditOutcome;
  /** Codes and ids only, as written (db/audit.ts). */
  detail: Record<string, string | number | boolean | null> | null;
}

export interface AuditLogPage {
  rows: AuditLogRow[];
  total: number;
  pageCount: number;
  /** The query answered (page clamped to the last page). */
  query: AuditQuery;
  /** For the user filter: every account, active or not. */
  users: { id: string; name: string; username: string; role: Role }[];
}

/** Rows the export holds at most; the page says so when the filter matches more. */
export const AUDIT_EXPORT_LIMIT = 100_000;

export function mayReadAuditLog(actor: Actor): boolean {
  return hasPermission(actor.role, "read:audit:any");
}

/** The WHERE of a viewer query; `false` when the Aktenzeichen names no client (nothing can match). */
async function auditFilter(db: Kysely<Database>, query: AuditQuery) {
  let client: { id: string; caseIds: string[] } | null = null;
  if (query.aktenzeichen) {
    // The client and its cases by Aktenzeichen, through the SECURITY DEFINER lookup (see aktenzeichenOfRow).
    const { rows } = await sql<{ client_id: string; case_id: string | null }>`
      SELECT client_id, case_id FROM kim_audit_client_cases(${query.aktenzeichen})`.execute(db);
    const found = rows[0];
    if (!found) return false as const;
    client = { id: found.client_id, caseIds: rows.flatMap((r) => (r.case_id ? [r.case_id] : [])) };
  }
  return (eb: AuditEb) => {
    const and: Expression<SqlBool>[] = [];
    if (query.userId) and.push(eb("a.actor_id", "=", query.userId));
    if (client) and.push(concernsClient(eb, client.id, client.caseIds));
    if (query.action) and.push(eb("a.action", "=", query.action));
    if (query.outcome) and.push(eb("a.outcome", "=", query.outcome));
    if (query.from) and.push(sql<SqlBool>`a.at >= (${query.from}::date::timestamp AT TIME ZONE 'Europe/Berlin')`);
    if (query.to) and.push(sql<SqlBool>`a.at < ((${query.to}::date + 1)::timestamp AT TIME ZONE 'Europe/Berlin')`);
    return eb.and(and);
  };
}

function auditSelect(db: Kysely<Database>) {
  return db
    .selectFrom("audit_log as a")
    .leftJoin("users as u", "u.id", "a.actor_id")
    .leftJoin("organisations as o", "o.id", "u.organisation_id")
    .select([
      sql<string>`a.id::text`.as("id"),
      "a.at",
      "a.actor_id",
      "u.display_name",
      "u.username",
      "a.actor_role",
      "o.name as organisation",
      "a.action",
      "a.object_type",
      "a.object_id",
      aktenzeichenOfRow.as("aktenzeichen"),
      "a.outcome",
      "a.detail",
    ]);
}

type SelectedRow = Awaited<ReturnType<ReturnType<typeof auditSelect>["execute"]>>[number];

function toRow(r: SelectedRow): AuditLogRow {
  return {
    id: r.id,
    at: new Date(r.at).toISOString(),
    actorId: r.actor_id,
    actorName: r.display_name,
    actorUsername: r.username,
    actorRole: r.actor_role,
    organisation: r.organisation,
    action: r.action,
    objectType: r.object_type,
    objectId: r.object_id,
    aktenzeichen: r.aktenzeichen,
    outcome: r.outcome,
    detail: (r.detail as AuditLogRow["detail"]) ?? null,
  };
}

/** What the viewer's own use records: the filters, never more. */
function filterDetail(query: AuditQuery) {
  return {
    userId: query.userId,
    aktenzeichen: query.aktenzeichen || null,
    action: query.action,
    outcome: query.outcome,
    from: query.from,
    to: query.to,
  };
}

/**
 * One page of the audit log, newest first (or oldest), filtered on the server; undefined without the
 * permission. Writes one "audit.read" row (the viewer's own use is audited).
 */
export async function listAuditLog(db: Kysely<Database>, actor: Actor, query: AuditQuery = DEFAULT_AUDIT_QUERY) {
  if (!mayReadAuditLog(actor)) return undefined;
  const filter = await auditFilter(db, query);
  const users = await db
    .selectFrom("users")
    .select(["id", "display_name as name", "username", "role"])
    .orderBy("display_name")
    .execute();
  let rows: AuditLogRow[] = [];
  let total = 0;
  let page = query.page;
  if (filter) {
    const counted = await db
      .selectFrom("audit_log as a")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where(filter)
      .executeTakeFirstOrThrow();
    total = Number(counted.n);
    page = Math.max(1, Math.min(page, Math.ceil(total / query.pageSize)));
    const direction = query.desc ? "desc" : "asc";
    const selected = await auditSelect(db)
      .where(filter)
      .orderBy("a.at", direction)
      .orderBy("a.id", direction)
      .limit(query.pageSize)
      .offset((page - 1) * query.pageSize)
      .execute();
    rows = selected.map(toRow);
  }
  const answered = { ...query, page };
  await writeAudit(db, {
    actorId: actor.id,
    actorRole: actor.role,
    action: "audit.read",
    objectType: "audit_log",
    outcome: "allowed",
    detail: { ...filterDetail(answered), page, rows: rows.length, total },
  });
  const result: AuditLogPage = {
    rows,
    total,
    pageCount: Math.max(1, Math.ceil(total / query.pageSize)),
    query: answered,
    users,
  };
  return result;
}

/**
 * Every row the filter matches (at most AUDIT_EXPORT_LIMIT), in the viewer's order, for the CSV export;
 * undefined without the permission. Writes one "audit.export" row.
 */
export async function exportAuditLog(db: Kysely<Database>, actor: Actor, query: AuditQuery) {
  if (!mayReadAuditLog(actor)) return undefined;
  const filter = await auditFilter(db, query);
  const direction = query.desc ? "desc" : "asc";
  const rows = filter
    ? (
        await auditSelect(db)
          .where(filter)
          .orderBy("a.at", direction)
          .orderBy("a.id", direction)
          .limit(AUDIT_EXPORT_LIMIT)
          .execute()
      ).map(toRow)
    : [];
  await writeAudit(db, {
    actorId: actor.id,
    actorRole: actor.role,
    action: "audit.export",
    objectType: "audit_log",
    outcome: "allowed",
    detail: { ...filterDetail(query), rows: rows.length },
  });
  return { rows, truncated: rows.length === AUDIT_EXPORT_LIMIT };
}

export interface ClientAccess {
  at: string;
  action: string;
  outcome: AuditOutcome;
  role: Role | null;
  organisation: string | null;
}

/**
 * Art. 15: who accessed the data of one client (the client row and the given cases), oldest first, as
 * role and organisation of the acting account and the time: no names of staff, nothing about other clients.
 * The caller decides which cases the person asking may learn about (db/subject-access.ts).
 */
export async function listClientAccesses(db: Kysely<Database>, clientId: string, caseIds: string[]): Promise<ClientAccess[]> {
  const rows = await db
    .selectFrom("audit_log as a")
    .leftJoin("users as u", "u.id", "a.actor_id")
    .leftJoin("organisations as o", "o.id", "u.organisation_id")
    .select(["a.at", "a.action", "a.outcome", "a.actor_role", "o.name as organisation"])
    .where((eb) => concernsClient(eb, clientId, caseIds))
    .orderBy("a.at")
    .orderBy("a.id")
    .execute();
  return rows.map((r) => ({
    at: new Date(r.at).toISOString(),
    action: r.action,
    outcome: r.outcome,
    role: r.actor_role,
    organisation: r.organisation,
  }));
}
