// Frozen: this migration never changes and never imports application code.
// Import of existing case lists (issue 14): one job row per uploaded file (its rows as read, the mapping,
// progress and the rejected rows; only the coordinator who uploaded it sees it) and one row per imported
// list row with its external key (idempotency: a key already present is never imported again).
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE TABLE import_jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_by uuid NOT NULL REFERENCES users (id),
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 300),
  source text NOT NULL CHECK (length(source) BETWEEN 1 AND 100),
  detected text NOT NULL,
  headers jsonb NOT NULL,
  rows jsonb,
  mapping jsonb,
  formula_cells integer NOT NULL DEFAULT 0,
  status text NOT NULL DEFAULT 'entwurf' CHECK (status IN ('entwurf', 'laeuft', 'fertig', 'fehlgeschlagen')),
  total integer NOT NULL CHECK (total >= 0),
  processed integer NOT NULL DEFAULT 0,
  imported integer NOT NULL DEFAULT 0,
  skipped integer NOT NULL DEFAULT 0,
  rejected integer NOT NULL DEFAULT 0,
  rejections jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX import_jobs_created_by_idx ON import_jobs (created_by, created_at DESC);

CREATE TABLE import_rows (
  external_key text PRIMARY KEY CHECK (length(external_key) BETWEEN 1 AND 400),
  case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  job_id uuid REFERENCES import_jobs (id) ON DELETE SET NULL,
  row_number integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX import_rows_case_idx ON import_rows (case_id);

-- The raw rows of a job are personal data: the app role sees only its own jobs.
ALTER TABLE import_jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE import_jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY system_all ON import_jobs TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY app_own ON import_jobs TO kim_app
  USING (created_by = kim_actor_id()) WITH CHECK (created_by = kim_actor_id());

-- Case-keyed: readable through a visible case, as every case-bearing table (0014).
ALTER TABLE import_rows ENABLE ROW LEVEL SECURITY;
ALTER TABLE import_rows FORCE ROW LEVEL SECURITY;
CREATE POLICY system_all ON import_rows TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY app_insert ON import_rows FOR INSERT TO kim_app WITH CHECK (true);
CREATE POLICY app_read ON import_rows FOR SELECT TO kim_app
  USING (EXISTS (SELECT 1 FROM cases c WHERE c.id = import_rows.case_id));
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS import_rows; DROP TABLE IF EXISTS import_jobs;`.execute(db);
}
