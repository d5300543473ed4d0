// Frozen: this migration never changes and never imports application code.
//
// Bulk loads may defer the residence report facts (0019) to the end of their transaction. The facts are
// recomputed per statement and per report_cases row: for a bulk load that is one full recomputation per
// client (its intake document, its case row, each superseded document), which made the residence
// documents the larger part of the NRW-scale seed (measured on 4,000 cases: 31 of 66 s of COPY time,
// another 24 s in clients and cases). A transaction that sets `kim.defer_residence_facts = on` (SET LOCAL)
// skips these two triggers and must call report_residence_facts_refresh(clients) for every client it
// touched before it commits (db/seed/cases.ts does); the kept facts are then equal to the live
// definition at every commit, as before. Nothing else changes: without the setting the triggers run as in 0019.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE OR REPLACE FUNCTION report_residence_facts_documents() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  touched uuid[];
BEGIN
  IF current_setting('kim.defer_residence_facts', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT client_id) INTO touched FROM new_docs;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT client_id) INTO touched FROM old_docs;
  ELSE
    SELECT array_agg(DISTINCT client_id) INTO touched
    FROM (SELECT client_id FROM old_docs UNION SELECT client_id FROM new_docs) c;
  END IF;
  PERFORM report_residence_facts_refresh(touched);
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION report_residence_facts_cases() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('kim.defer_residence_facts', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    PERFORM report_residence_facts_refresh(ARRAY[NEW.client_id]);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM report_residence_facts_refresh(ARRAY[OLD.client_id]);
  ELSE
    PERFORM report_residence_facts_refresh(ARRAY[OLD.client_id, NEW.client_id]);
  END IF;
  RETURN NULL;
END
$$;
`.execute(db);
  for (const fn of ["report_residence_facts_documents()", "report_residence_facts_cases()"]) {
    await sql`ALTER FUNCTION ${sql.raw(fn)} SECURITY DEFINER SET search_path = public, pg_temp`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // The functions of 0019 behave the same without the setting; nothing to undo.
  void db;
}
