import type { Kysely, Transaction } from "kysely";
import type { Role } from "../workflows/vocabulary";
import type { AuditOutcome, Database } from "./schema";

export interface AuditEntry {
  actorId: string | null;
  actorRole: Role | null;
  /** e.g. "case.read", "case.event", "export.csv", "login" */
  action: string;
  objectType: string;
  objectId?: string | null;
  outcome: AuditOutcome;
  /** Codes and ids only, never field contents. */
  detail?: Record<string, string | number | boolean | null>;
}

function auditValues(entry: AuditEntry) {
  return {
    actor_id: entry.actorId,
    actor_role: entry.actorRole,
    action: entry.action,
    object_type: entry.objectType,
    object_id: entry.objectId ?? null,
    outcome: entry.outcome,
    detail: entry.detail ? JSON.stringify(entry.detail) : null,
  };
}

/** Appends one audit row. The table is append-only (a trigger refuses UPDATE and DELETE). */
export async function writeAudit(db: Kysely<Database> | Transaction<Database>, entry: AuditEntry): Promise<void> {
  await db.insertInto("audit_log").values(auditValues(entry)).execute();
}

/** Appends audit rows in their order with one statement per 1,000 rows (the import's batches). */
export async function writeAuditMany(db: Kysely<Database> | Transaction<Database>, entries: AuditEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 1000) {
    await db.insertInto("audit_log").values(entries.slice(i, i + 1000).map(auditValues)).execute();
  }
}
