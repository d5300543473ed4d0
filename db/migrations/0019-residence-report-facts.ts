// Frozen: this migration never changes and never imports application code.
//
// The residence figures of the report (Aufenthaltsverfestigung, Fristen verpasst) kept by triggers, as the
// other report facts are since 0006. At NRW scale (250,000 cases) the views of 0015 joined every residence
// document with report_cases and probed the event log per deadline on every request (0.9–1.8 s under load).
// Now:
// - The views of 0015 stay, renamed *_live: the one definition, and the reference the kept facts are
//   tested against (as report_open_intervals_live is for the intervals).
// - report_residence_transition_facts / report_residence_deadline_facts: their rows, recomputed for the
//   clients a statement touched (residence documents inserted, corrected, superseded or deleted; a case of
//   the client opened, closed, reopened or moved in a dimension: report_cases) from the live views.
// - A deadline is "met" when a new status was recorded by it (a change of the document: recomputed) or a
//   person documented a step in the 8 weeks up to it. Events are only ever added, so a step can only turn
//   a deadline from missed to met: the statement trigger on case_events sets met for the deadlines of the
//   touched cases whose window holds the new event. Nothing here depends on the day of evaluation: the
//   report filters "deadline before today" on the indexed deadline_on.
// - report_residence_transitions / report_residence_deadlines keep their names and columns, now over the
//   kept tables (owned by the system like every report view, so they read past row-level security).
// - The kept tables name a case and a client's residence status: row-level security as for every
//   case-bearing table (0014/0015). kim_app reads only rows of cases it may see and writes none; the
//   triggers that keep them run with the owner's rights (SECURITY DEFINER).
import { type Kysely, sql } from "kysely";

const DIMENSIONS = "target_group text, municipality_id integer NOT NULL, referral_source text NOT NULL, organisation_id integer NOT NULL";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
ALTER VIEW report_residence_transitions RENAME TO report_residence_transitions_live;
ALTER VIEW report_residence_deadlines RENAME TO report_residence_deadlines_live;

CREATE TABLE report_residence_transition_facts (
  document_id uuid NOT NULL,
  case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  client_id uuid NOT NULL,
  moved_on date NOT NULL,
  permit_group text NOT NULL,
  ${sql.raw(DIMENSIONS)},
  PRIMARY KEY (document_id, case_id)
);
CREATE INDEX report_residence_transition_facts_client_idx ON report_residence_transition_facts (client_id);
CREATE INDEX report_residence_transition_facts_moved_idx ON report_residence_transition_facts (moved_on);

CREATE TABLE report_residence_deadline_facts (
  document_id uuid NOT NULL,
  case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  client_id uuid NOT NULL,
  deadline_on date NOT NULL,
  met boolean NOT NULL,
  ${sql.raw(DIMENSIONS)},
  PRIMARY KEY (document_id, case_id)
);
CREATE INDEX report_residence_deadline_facts_client_idx ON report_residence_deadline_facts (client_id);
-- The report's period filter and the time-dependent "before today" are both on deadline_on.
CREATE INDEX report_residence_deadline_facts_due_idx ON report_residence_deadline_facts (deadline_on) INCLUDE (met);
-- The step trigger looks up the open (not yet met) deadlines of the cases an event statement touched.
CREATE INDEX report_residence_deadline_facts_open_idx ON report_residence_deadline_facts (case_id, deadline_on) WHERE NOT met;

-- Recomputes the kept rows of the given clients from the live definition.
CREATE FUNCTION report_residence_facts_refresh(touched uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF touched IS NULL OR cardinality(touched) = 0 THEN
    RETURN;
  END IF;
  DELETE FROM report_residence_transition_facts WHERE client_id = ANY (touched);
  INSERT INTO report_residence_transition_facts (document_id, case_id, client_id, moved_on, permit_group,
    target_group, municipality_id, referral_source, organisation_id)
  SELECT v.document_id, v.case_id, d.client_id, v.moved_on, v.permit_group,
    v.target_group, v.municipality_id, v.referral_source, v.organisation_id
  FROM residence_documents d
  JOIN report_residence_transitions_live v ON v.document_id = d.id
  WHERE d.client_id = ANY (touched);
  DELETE FROM report_residence_deadline_facts WHERE client_id = ANY (touched);
  INSERT INTO report_residence_deadline_facts (document_id, case_id, client_id, deadline_on, met,
    target_group, municipality_id, referral_source, organisation_id)
  SELECT v.document_id, v.case_id, d.client_id, v.deadline_on, v.met,
    v.target_group, v.municipality_id, v.referral_source, v.organisation_id
  FROM residence_documents d
  JOIN report_residence_deadlines_live v ON v.document_id = d.id
  WHERE d.client_id = ANY (touched);
END
$$;

-- Residence documents inserted, updated (corrections, superseding, the intake's dates) or deleted: one
-- recomputation per statement for the clients it touched (old and new client of an update).
CREATE FUNCTION report_residence_facts_documents() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  touched uuid[];
BEGIN
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
CREATE TRIGGER residence_documents_report_insert AFTER INSERT ON residence_documents
  REFERENCING NEW TABLE AS new_docs FOR EACH STATEMENT EXECUTE FUNCTION report_residence_facts_documents();
CREATE TRIGGER residence_documents_report_update AFTER UPDATE ON residence_documents
  REFERENCING OLD TABLE AS old_docs NEW TABLE AS new_docs FOR EACH STATEMENT EXECUTE FUNCTION report_residence_facts_documents();
CREATE TRIGGER residence_documents_report_delete AFTER DELETE ON residence_documents
  REFERENCING OLD TABLE AS old_docs FOR EACH STATEMENT EXECUTE FUNCTION report_residence_facts_documents();

-- A case of the client opened, closed, reopened, moved to another client or dimension (report_cases is
-- kept from cases and clients by 0006/0013): which cases a document counts for, and their dimensions.
CREATE FUNCTION report_residence_facts_cases() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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
CREATE TRIGGER report_cases_residence_facts AFTER INSERT OR DELETE ON report_cases FOR EACH ROW
  EXECUTE FUNCTION report_residence_facts_cases();
CREATE TRIGGER report_cases_residence_facts_update AFTER UPDATE ON report_cases FOR EACH ROW
  WHEN (OLD.client_id IS DISTINCT FROM NEW.client_id OR OLD.opened_at IS DISTINCT FROM NEW.opened_at
    OR OLD.closed_at IS DISTINCT FROM NEW.closed_at OR OLD.target_group IS DISTINCT FROM NEW.target_group
    OR OLD.municipality_id IS DISTINCT FROM NEW.municipality_id OR OLD.referral_source IS DISTINCT FROM NEW.referral_source
    OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id)
  EXECUTE FUNCTION report_residence_facts_cases();

-- A step documented by a person (actor_id set) within the 8 weeks up to a deadline of the case meets it
-- (the window of report_residence_deadlines_live).
CREATE FUNCTION report_residence_deadlines_step() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE report_residence_deadline_facts f SET met = true
  FROM new_events e
  WHERE e.actor_id IS NOT NULL AND f.case_id = e.case_id AND NOT f.met
    AND e.occurred_at >= ((f.deadline_on - 56)::timestamp AT TIME ZONE 'Europe/Berlin')
    AND e.occurred_at < ((f.deadline_on + 1)::timestamp AT TIME ZONE 'Europe/Berlin');
  RETURN NULL;
END
$$;
CREATE TRIGGER case_events_report_residence_deadlines AFTER INSERT ON case_events
  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION report_residence_deadlines_step();

-- Backfill.
INSERT INTO report_residence_transition_facts (document_id, case_id, client_id, moved_on, permit_group,
  target_group, municipality_id, referral_source, organisation_id)
SELECT v.document_id, v.case_id, d.client_id, v.moved_on, v.permit_group,
  v.target_group, v.municipality_id, v.referral_source, v.organisation_id
FROM report_residence_transitions_live v
JOIN residence_documents d ON d.id = v.document_id;
INSERT INTO report_residence_deadline_facts (document_id, case_id, client_id, deadline_on, met,
  target_group, municipality_id, referral_source, organisation_id)
SELECT v.document_id, v.case_id, d.client_id, v.deadline_on, v.met,
  v.target_group, v.municipality_id, v.referral_source, v.organisation_id
FROM report_residence_deadlines_live v
JOIN residence_documents d ON d.id = v.document_id;

-- The report reads these (same names and columns as in 0015).
CREATE VIEW report_residence_transitions AS
SELECT document_id, case_id, moved_on, permit_group, target_group, municipality_id, referral_source, organisation_id
FROM report_residence_transition_facts;
CREATE VIEW report_residence_deadlines AS
SELECT document_id, case_id, deadline_on, met, target_group, municipality_id, referral_source, organisation_id
FROM report_residence_deadline_facts;

`.execute(db);

  for (const table of ["report_residence_transition_facts", "report_residence_deadline_facts"]) {
    await sql`
ALTER TABLE ${sql.id(table)} ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${sql.id(table)} FORCE ROW LEVEL SECURITY;
CREATE POLICY system_all ON ${sql.id(table)} TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY app_read ON ${sql.id(table)} FOR SELECT TO kim_app
  USING (EXISTS (SELECT 1 FROM cases c WHERE c.id = ${sql.ref(`${table}.case_id`)}));
`.execute(db);
  }
  for (const fn of [
    "report_residence_facts_refresh(uuid[])",
    "report_residence_facts_documents()",
    "report_residence_facts_cases()",
    "report_residence_deadlines_step()",
  ]) {
    await sql`ALTER FUNCTION ${sql.raw(fn)} SECURITY DEFINER SET search_path = public, pg_temp`.execute(db);
  }
  await sql`REVOKE ALL ON FUNCTION report_residence_facts_refresh(uuid[]) FROM PUBLIC`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
DROP VIEW IF EXISTS report_residence_transitions, report_residence_deadlines;
DROP TRIGGER IF EXISTS case_events_report_residence_deadlines ON case_events;
DROP TRIGGER IF EXISTS report_cases_residence_facts ON report_cases;
DROP TRIGGER IF EXISTS report_cases_residence_facts_update ON report_cases;
DROP TRIGGER IF EXISTS residence_documents_report_insert ON residence_documents;
DROP TRIGGER IF EXISTS residence_documents_report_update ON residence_documents;
DROP TRIGGER IF EXISTS residence_documents_report_delete ON residence_documents;
DROP FUNCTION IF EXISTS report_residence_deadlines_step();
DROP FUNCTION IF EXISTS report_residence_facts_cases();
DROP FUNCTION IF EXISTS report_residence_facts_documents();
DROP FUNCTION IF EXISTS report_residence_facts_refresh(uuid[]);
DROP TABLE IF EXISTS report_residence_transition_facts, report_residence_deadline_facts;
ALTER VIEW report_residence_transitions_live RENAME TO report_residence_transitions;
ALTER VIEW report_residence_deadlines_live RENAME TO report_residence_deadlines;
`.execute(db);
}
