// Frozen: this migration never changes and never imports application code.
// Operations with several app instances on one database: the daily job claims its day in job_runs, so
// it runs once per day however many instances are running (a crashed run's claim can be taken over
// after an hour; see db/jobs/once-per-day.ts).
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE TABLE job_runs (
  job text NOT NULL CHECK (job ~ '^[a-z][a-z0-9_-]{0,62}$'),
  run_date date NOT NULL,
  instance text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  result jsonb,
  PRIMARY KEY (job, run_date),
  CHECK (finished_at IS NULL OR finished_at >= started_at)
);
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS job_runs;`.execute(db);
}
