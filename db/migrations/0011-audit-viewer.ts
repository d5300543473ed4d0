// Frozen: this migration never changes and never imports application code.
// The data-protection officer (role "data_protection", Datenschutz) reads the audit log: a new role in
// the users CHECK list, and indexes for the audit viewer's filters at NRW scale: newest first over the
// whole log, and the audit rows of one case that name it in `detail.caseId` (referrals, consents,
// follow-ups, client changes) rather than in object_id.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
  CHECK (role IN ('case_manager', 'team_lead', 'coordinator', 'steering', 'admin', 'data_protection'));
CREATE INDEX audit_log_at_idx ON audit_log (at, id);
CREATE INDEX audit_log_detail_case_idx ON audit_log ((detail ->> 'caseId'), at) WHERE detail ? 'caseId';
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
DROP INDEX IF EXISTS audit_log_detail_case_idx;
DROP INDEX IF EXISTS audit_log_at_idx;
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
  CHECK (role IN ('case_manager', 'team_lead', 'coordinator', 'steering', 'admin'));
`.execute(db);
}
