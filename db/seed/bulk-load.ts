// What a bulk load into an empty database builds once at the end instead of row by row: indexes of the
// largest tables and foreign keys; and triggers it goes without.
//
// Indexes: at NRW scale (8 million case events, 5 million contacts) these btrees are keyed by random uuids
// and (type, time): every row of a batch lands on another leaf page, and with PostgreSQL's default 128 MB
// of shared buffers most of the load's time went into evicting and rewriting index pages. A sorted build
// after the load writes each index once. The primary keys of case_events, contacts and audit_log are among
// them (the load's ids are new uuids, so nothing can clash; adding the constraint again checks that).
// Only indexes that nothing reads during the load are listed: not case_events (case_id, seq) (the report
// triggers read a batch's cases' events by it: without it a load of 17,000 cases took half as long
// again), not case_events_lifecycle_idx (the interval trigger), not residence_documents_* (the supersede
// trigger and the residence facts), none of cases or clients (triggers look rows up).
// Foreign keys are dropped first and added last: a key needs the unique index it references.
//
// Foreign keys: every row of a loaded table runs one check per key (a cached query that also locks the
// referenced row FOR KEY SHARE, so two batches in flight that name the same users share multixacts). At
// 20,000 cases the load spent a fifth of its time there. Added after the load, each key is checked once
// by one join over the whole table.
//
// Triggers whose work the generator does itself (db/seed/generate.ts writes the same values into the
// case's row): follow_ups' statement trigger that keeps cases.next_follow_up_on (migration 0025) locks and
// rereads each case of a batch with an open follow-up; cases' row trigger that copies the client's
// Aktenzeichen (migration 0026) looks the client up for every case.
//
// A load that is killed (not one that fails: the caller rebuilds in `finally`) leaves a half-loaded
// database without them; drop that database and seed again.
import { type Kysely, sql } from "kysely";
import type { Database } from "../schema";

export const BULK_DEFERRED_INDEXES = [
  "case_events_pkey",
  "case_events_case_time_idx",
  "case_events_type_time_idx",
  "contacts_pkey",
  "contacts_case_time_idx",
  "audit_log_pkey",
  "audit_log_object_idx",
  "audit_log_actor_idx",
  "audit_log_at_idx",
  "audit_log_case_idx",
] as const;

/**
 * Drops the listed indexes (an index of a primary or unique key with its constraint) and returns a
 * function that builds them again exactly as they were (definitions are read from the catalogue, so a
 * later migration that changes one is followed). Foreign keys that reference one of them must be dropped
 * first (deferForeignKeys). The caller must call it whatever happens (finally). PostgreSQL only.
 */
export async function deferIndexes(db: Kysely<Database>, names: readonly string[] = BULK_DEFERRED_INDEXES): Promise<() => Promise<void>> {
  const { rows } = await sql<{ name: string; table: string; definition: string; constraint: string | null }>`
    SELECT c.relname AS name, t.relname AS table, pg_get_indexdef(c.oid) AS definition,
           pg_get_constraintdef(k.oid) AS constraint
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_index i ON i.indexrelid = c.oid
    JOIN pg_class t ON t.oid = i.indrelid
    LEFT JOIN pg_constraint k ON k.conindid = c.oid AND k.conrelid = t.oid AND k.contype IN ('p', 'u')
    WHERE c.relkind = 'i' AND n.nspname = current_schema() AND c.relname = ANY (${sql.val(names)}::text[])
    ORDER BY c.relname`.execute(db);
  for (const row of rows) {
    if (row.constraint) await sql`ALTER TABLE ${sql.id(row.table)} DROP CONSTRAINT ${sql.id(row.name)}`.execute(db);
    else await sql`DROP INDEX IF EXISTS ${sql.id(row.name)}`.execute(db);
  }
  return async () => {
    // One index at a time on one connection, with room to sort in memory.
    await db.connection().execute(async (c) => {
      await sql`SET maintenance_work_mem = '256MB'`.execute(c);
      for (const row of rows) {
        if (row.constraint) {
          await sql`ALTER TABLE ${sql.id(row.table)} ADD CONSTRAINT ${sql.id(row.name)} ${sql.raw(row.constraint)}`.execute(c);
        } else {
          await sql.raw(row.definition.replace(/^CREATE (UNIQUE )?INDEX /, "CREATE $1INDEX IF NOT EXISTS ")).execute(c);
        }
      }
      await sql`RESET maintenance_work_mem`.execute(c);
    });
  };
}

/** Triggers a bulk load disables: [table, trigger]. Each one's work is done by the generator (see above). */
export const BULK_DISABLED_TRIGGERS = [
  ["follow_ups", "follow_ups_next_due_insert"],
  ["cases", "cases_aktenzeichen"],
] as const;

/**
 * Disables the listed triggers and returns a function that enables them again. The caller must call it
 * whatever happens (finally). PostgreSQL only.
 */
export async function disableTriggers(
  db: Kysely<Database>,
  triggers: readonly (readonly [string, string])[] = BULK_DISABLED_TRIGGERS,
): Promise<() => Promise<void>> {
  for (const [table, name] of triggers) await sql`ALTER TABLE ${sql.id(table)} DISABLE TRIGGER ${sql.id(name)}`.execute(db);
  return async () => {
    for (const [table, name] of triggers) await sql`ALTER TABLE ${sql.id(table)} ENABLE TRIGGER ${sql.id(name)}`.execute(db);
  };
}

/**
 * Drops every foreign key of the schema and returns a function that adds them again exactly as they were
 * (definitions from the catalogue, actions and deferrability included), each validated by one join. The
 * caller must call it whatever happens (finally). A key that rows break is left out and named in the error
 * it throws after adding all the others. PostgreSQL only.
 */
export async function deferForeignKeys(db: Kysely<Database>): Promise<() => Promise<void>> {
  const { rows } = await sql<{ table: string; name: string; definition: string }>`
    SELECT t.relname AS table, c.conname AS name, pg_get_constraintdef(c.oid) AS definition
    FROM pg_constraint c
    JOIN pg_class t ON t.oid = c.conrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE c.contype = 'f' AND n.nspname = current_schema()
    ORDER BY t.relname, c.conname`.execute(db);
  await db.transaction().execute(async (trx) => {
    for (const row of rows) await sql`ALTER TABLE ${sql.id(row.table)} DROP CONSTRAINT ${sql.id(row.name)}`.execute(trx);
  });
  return async () => {
    await db.connection().execute(async (c) => {
      // The validating join hashes the referenced keys: room for them in memory.
      await sql`SET work_mem = '256MB'`.execute(c);
      const broken: string[] = [];
      for (const row of rows) {
        await sql`ALTER TABLE ${sql.id(row.table)} ADD CONSTRAINT ${sql.id(row.name)} ${sql.raw(row.definition)}`
          .execute(c)
          .catch((error: unknown) => broken.push(`${row.name}: ${error instanceof Error ? error.message : String(error)}`));
      }
      await sql`RESET work_mem`.execute(c);
      // Every other key is back; the broken ones are named (their rows must be mended first).
      if (broken.length) throw new Error(`foreign keys not added again:\n${broken.join("\n")}`);
    });
  };
}
