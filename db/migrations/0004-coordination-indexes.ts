// Frozen: this migration never changes and never imports application code.
// Covering partial indexes for the coordinators' team overview and assignment selects, so that
// counting open cases per case manager and overdue follow-ups reads only small indexes (index-only
// scans) instead of the wide cases rows, at 250,000 cases and more.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE INDEX cases_open_by_case_manager_idx ON cases (case_manager_id, state) INCLUDE (id) WHERE state <> 'closed';
CREATE INDEX follow_ups_open_due_case_idx ON follow_ups (due_on) INCLUDE (case_id) WHERE done_at IS NULL;
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
DROP INDEX IF EXISTS follow_ups_open_due_case_idx;
DROP INDEX IF EXISTS cases_open_by_case_manager_idx;
`.execute(db);
}
