// Frozen: this migration never changes and never imports application code.
// The case history (Verlauf) reads the audit trail by case: the allowed referral, consent, follow-up
// and personal-data writes carry the case id in detail->>'caseId'. A partial expression index keeps that
// read an index scan at 10 million audit rows.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE INDEX audit_log_case_history_idx ON audit_log ((detail->>'caseId'), at) WHERE outcome = 'allowed';
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS audit_log_case_history_idx;`.execute(db);
}
