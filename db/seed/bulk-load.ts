// Secondary indexes that a bulk load into an empty database builds once at the end instead of row by row.
// At NRW scale (8 million case events, 5 million contacts) these btrees are keyed by random uuids and
// (type, time): every row of a batch lands on another leaf page, and with PostgreSQL's default 128 MB of
// shared buffers most of the load's time went into evicting and rewriting index pages. A sorted build
// after the load writes each index once. Only indexes that nothing reads during the load are listed:
// not the unique ones (constraints), not case_events_lifecycle_idx (the interval trigger reads it per
// batch), not residence_documents_* (the supersede trigger and the residence facts read them).
import { type Kysely, sql } from "kysely";
import type { Database } from "../schema";

export const BULK_DEFERRED_INDEXES = [
  "case_events_case_time_idx",
  "case_events_type_time_idx",
  "contacts_case_time_idx",
  "audit_log_object_idx",
  "audit_log_actor_idx",
  "audit_log_at_idx",
  "audit_log_case_idx",
] as const;

/**
 * Drops the listed indexes and returns a function that builds them again exactly as they were (their
 * definitions are read from the catalogue, so a later migration that changes one is followed). The caller
 * must call it whatever happens (finally). PostgreSQL only.
 */
export async function deferIndexes(db: Kysely<Database>, names: readonly string[] = BULK_DEFERRED_INDEXES): Promise<() => Promise<void>> {
  const { rows } = await sql<{ name: string; definition: string }>`
    SELECT c.relname AS name, pg_get_indexdef(c.oid) AS definition
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'i' AND n.nspname = current_schema() AND c.relname = ANY (${sql.val(names)}::text[])
    ORDER BY c.relname`.execute(db);
  for (const row of rows) await sql`DROP INDEX IF EXISTS ${sql.id(row.name)}`.execute(db);
  return async () => {
    // One index at a time on one connection, with room to sort in memory.
    await db.connection().execute(async (c) => {
      await sql`SET maintenance_work_mem = '256MB'`.execute(c);
      for (const row of rows) {
        await sql.raw(row.definition.replace(/^CREATE (UNIQUE )?INDEX /, "CREATE $1INDEX IF NOT EXISTS ")).execute(c);
      }
      await sql`RESET maintenance_work_mem`.execute(c);
    });
  };
}
