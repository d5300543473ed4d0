// Frozen: this migration never changes and never imports application code.
//
// Evaluation facts maintained incrementally instead of read from the wide case rows or refreshed.
// At NRW scale (250,000 cases, ~9 million events) the evaluation views of 0002 read the cases table
// (each row carries its statechart snapshot: ~1.3 kB) and a materialised view of the open intervals
// that took ~20 s to refresh, inside the request that found it stale. Now:
// - report_cases: one narrow row per case with exactly the columns the evaluation reads, the client's
//   municipality included; kept in step by triggers on cases and clients.
// - report_case_intervals: the open/assignment intervals of every case, recomputed for the cases a
//   statement on case_events touched (statement trigger, set-based, any order of rows) from the one
//   definition, report_case_pieces_live. Always current: nothing to refresh.
// The report views keep their names and columns, so the report queries do not change.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
DROP FUNCTION refresh_report_views();
DROP MATERIALIZED VIEW report_refresh_state;
DROP MATERIALIZED VIEW report_open_intervals;
DROP VIEW report_open_intervals_live, report_findings, report_umf_transitions, report_identity_facts,
  report_referral_facts, report_goal_facts, report_case_facts;

-- One narrow row per case: the dimensions and the dates the evaluation reads.
CREATE TABLE report_cases (
  case_id uuid PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
  client_id uuid NOT NULL,
  target_group text,
  municipality_id integer NOT NULL,
  referral_source text NOT NULL,
  state text NOT NULL,
  opened_at timestamptz NOT NULL,
  first_contact_at timestamptz,
  closed_at timestamptz,
  closure_reason text
);
CREATE INDEX report_cases_opened_idx ON report_cases (opened_at);
CREATE INDEX report_cases_closed_idx ON report_cases (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX report_cases_client_idx ON report_cases (client_id);

CREATE FUNCTION report_cases_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_cases (case_id, client_id, target_group, municipality_id, referral_source, state, opened_at,
    first_contact_at, closed_at, closure_reason)
  SELECT NEW.id, NEW.client_id, NEW.target_group, cl.municipality_id, NEW.referral_source, NEW.state, NEW.opened_at,
    NEW.first_contact_at, NEW.closed_at, NEW.closure_reason
  FROM clients cl WHERE cl.id = NEW.client_id
  ON CONFLICT (case_id) DO UPDATE SET
    client_id = EXCLUDED.client_id, target_group = EXCLUDED.target_group,
    municipality_id = EXCLUDED.municipality_id, referral_source = EXCLUDED.referral_source,
    state = EXCLUDED.state, opened_at = EXCLUDED.opened_at, first_contact_at = EXCLUDED.first_contact_at,
    closed_at = EXCLUDED.closed_at, closure_reason = EXCLUDED.closure_reason;
  RETURN NULL;
END
$$;
CREATE TRIGGER cases_report_insert AFTER INSERT ON cases FOR EACH ROW EXECUTE FUNCTION report_cases_sync();
-- Most case events change only the snapshot and row version: those leave report_cases alone.
CREATE TRIGGER cases_report_update AFTER UPDATE ON cases FOR EACH ROW
  WHEN (OLD.client_id IS DISTINCT FROM NEW.client_id OR OLD.target_group IS DISTINCT FROM NEW.target_group
    OR OLD.referral_source IS DISTINCT FROM NEW.referral_source OR OLD.state IS DISTINCT FROM NEW.state
    OR OLD.opened_at IS DISTINCT FROM NEW.opened_at OR OLD.first_contact_at IS DISTINCT FROM NEW.first_contact_at
    OR OLD.closed_at IS DISTINCT FROM NEW.closed_at OR OLD.closure_reason IS DISTINCT FROM NEW.closure_reason)
  EXECUTE FUNCTION report_cases_sync();

CREATE FUNCTION report_cases_client_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE report_cases SET municipality_id = NEW.municipality_id WHERE client_id = NEW.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER clients_report_municipality AFTER UPDATE OF municipality_id ON clients FOR EACH ROW
  WHEN (OLD.municipality_id IS DISTINCT FROM NEW.municipality_id)
  EXECUTE FUNCTION report_cases_client_moved();

INSERT INTO report_cases (case_id, client_id, target_group, municipality_id, referral_source, state, opened_at,
  first_contact_at, closed_at, closure_reason)
SELECT c.id, c.client_id, c.target_group, cl.municipality_id, c.referral_source, c.state, c.opened_at,
  c.first_contact_at, c.closed_at, c.closure_reason
FROM cases c JOIN clients cl ON cl.id = c.client_id;

-- One row per case: dimensions, reach and closure facts (as in 0002, now from report_cases).
CREATE VIEW report_case_facts AS
SELECT
  r.case_id,
  r.target_group,
  r.municipality_id,
  r.referral_source,
  r.state,
  r.opened_at,
  (r.opened_at AT TIME ZONE 'Europe/Berlin')::date AS opened_on,
  r.first_contact_at,
  (r.first_contact_at AT TIME ZONE 'Europe/Berlin')::date - (r.opened_at AT TIME ZONE 'Europe/Berlin')::date
    AS days_to_first_contact,
  r.closed_at,
  r.closure_reason,
  (r.closed_at AT TIME ZONE 'Europe/Berlin')::date - (r.opened_at AT TIME ZONE 'Europe/Berlin')::date
    AS duration_days,
  CASE
    WHEN r.target_group IS NOT NULL THEN 'aufgenommen'
    WHEN r.closure_reason = 'nicht_zustaendig' THEN 'nicht_zustaendig'
    WHEN r.closure_reason = 'keine_zielgruppe' THEN 'keine_zielgruppe'
    ELSE 'offen'
  END AS intake_decision
FROM report_cases r;

-- The fact views join report_cases with LEFT JOIN (every case has its row): PostgreSQL then drops the
-- join when a query uses no dimension. Covering indexes let the period filters read only the index.
CREATE INDEX goals_evaluated_report_idx ON goals (evaluated_at) INCLUDE (case_id, need_domain, status)
  WHERE evaluated_at IS NOT NULL;
CREATE INDEX referrals_ended_report_idx ON referrals (ended_at) INCLUDE (case_id, status)
  WHERE ended_at IS NOT NULL;
CREATE INDEX identity_steps_clarified_report_idx ON identity_steps (case_id, occurred_on)
  WHERE step = 'identitaet_geklaert';

CREATE VIEW report_goal_facts AS
SELECT g.id AS goal_id, g.need_domain, g.status, g.evaluated_at,
  r.target_group, r.municipality_id, r.referral_source
FROM goals g
LEFT JOIN report_cases r ON r.case_id = g.case_id
WHERE g.evaluated_at IS NOT NULL AND g.status <> 'vereinbart';

CREATE VIEW report_referral_facts AS
SELECT f.id AS referral_id, f.need_domain, f.status, f.ended_at,
  r.target_group, r.municipality_id, r.referral_source
FROM referrals f
LEFT JOIN report_cases r ON r.case_id = f.case_id
WHERE f.ended_at IS NOT NULL AND f.status IN ('abgeschlossen', 'abgelehnt', 'abgebrochen');

CREATE VIEW report_identity_facts AS
SELECT s.case_id, s.clarified_on, r.target_group, r.municipality_id, r.referral_source
FROM (
  SELECT case_id, min(occurred_on) AS clarified_on FROM identity_steps WHERE step = 'identitaet_geklaert' GROUP BY case_id
) s
LEFT JOIN report_cases r ON r.case_id = s.case_id;

CREATE VIEW report_umf_transitions AS
SELECT e.id AS event_id, e.occurred_at,
  'umf'::text AS target_group, r.municipality_id, r.referral_source
FROM case_events e
LEFT JOIN report_cases r ON r.case_id = e.case_id
WHERE e.type = 'FLAG_RECLASSIFICATION' AND e.payload->>'reason' = 'umf_volljaehrig';

CREATE VIEW report_findings AS
SELECT id AS finding_id, need_domain, status, affected_cases, municipality_id, target_group, reported_at
FROM structural_findings;

-- The definition of the open intervals (unchanged from 0002): calendar days [from_on, to_on) in
-- Europe/Berlin with the case manager of the last CASE_OPENED or TRANSFER (NULL = unassigned intake);
-- a piece ends at the next lifecycle event; pieces after a closing event and empty pieces are dropped.
CREATE VIEW report_case_pieces_live AS
WITH lifecycle AS (
  SELECT e.case_id, e.seq, e.occurred_at, e.to_state,
    e.type IN ('CASE_OPENED', 'TRANSFER') AS is_assignment,
    CASE e.type
      WHEN 'CASE_OPENED' THEN e.payload->>'caseManagerId'
      WHEN 'TRANSFER' THEN e.payload->>'toCaseManagerId'
    END AS case_manager
  FROM case_events e
  WHERE e.type IN ('CASE_OPENED', 'TRANSFER') OR e.to_state = 'closed' OR e.from_state = 'closed'
), numbered AS (
  SELECT l.*,
    count(*) FILTER (WHERE l.is_assignment) OVER w AS assignment_no,
    lead(l.occurred_at) OVER w AS next_at
  FROM lifecycle l
  WINDOW w AS (PARTITION BY l.case_id ORDER BY l.seq)
), pieces AS (
  SELECT n.case_id, n.seq, n.to_state,
    (n.occurred_at AT TIME ZONE 'Europe/Berlin')::date AS from_on,
    (n.next_at AT TIME ZONE 'Europe/Berlin')::date AS to_on,
    first_value(n.case_manager) OVER (PARTITION BY n.case_id, n.assignment_no ORDER BY n.seq) AS case_manager
  FROM numbered n
)
SELECT p.case_id, p.seq, nullif(p.case_manager, '')::uuid AS case_manager_id, p.from_on, p.to_on
FROM pieces p
WHERE p.to_state <> 'closed' AND (p.to_on IS NULL OR p.to_on > p.from_on);

-- The same pieces, kept: recomputed for every case whose lifecycle a statement on case_events touched.
-- With the case's current dimensions, copied from report_cases (and kept in step with it), so that the
-- caseload by municipality, target group or referral source reads this one narrow table.
CREATE TABLE report_case_intervals (
  case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  case_manager_id uuid,
  from_on date NOT NULL,
  to_on date,
  target_group text,
  municipality_id integer NOT NULL,
  referral_source text NOT NULL,
  PRIMARY KEY (case_id, seq)
);
-- No index on the dates: the caseload reads the narrow table in one pass (db/reports/queries.ts).

-- The touched cases go in as an array, so that the condition reaches the case_events scan inside the
-- window functions of report_case_pieces_live (a join would make it compute every case).
CREATE FUNCTION report_case_intervals_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  touched uuid[];
BEGIN
  SELECT array_agg(DISTINCT case_id) INTO touched FROM new_events
  WHERE type IN ('CASE_OPENED', 'TRANSFER') OR to_state = 'closed' OR from_state = 'closed';
  IF touched IS NULL THEN
    RETURN NULL;
  END IF;
  DELETE FROM report_case_intervals WHERE case_id = ANY (touched);
  INSERT INTO report_case_intervals
  SELECT p.case_id, p.seq, p.case_manager_id, p.from_on, p.to_on, r.target_group, r.municipality_id, r.referral_source
  FROM report_case_pieces_live p
  JOIN report_cases r ON r.case_id = p.case_id
  WHERE p.case_id = ANY (touched);
  RETURN NULL;
END
$$;
CREATE TRIGGER case_events_report_intervals AFTER INSERT ON case_events
  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION report_case_intervals_sync();

CREATE FUNCTION report_case_intervals_dimensions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE report_case_intervals
  SET target_group = NEW.target_group, municipality_id = NEW.municipality_id, referral_source = NEW.referral_source
  WHERE case_id = NEW.case_id;
  RETURN NULL;
END
$$;
CREATE TRIGGER report_cases_dimensions AFTER UPDATE ON report_cases FOR EACH ROW
  WHEN (OLD.target_group IS DISTINCT FROM NEW.target_group OR OLD.municipality_id IS DISTINCT FROM NEW.municipality_id
    OR OLD.referral_source IS DISTINCT FROM NEW.referral_source)
  EXECUTE FUNCTION report_case_intervals_dimensions();

INSERT INTO report_case_intervals
SELECT p.case_id, p.seq, p.case_manager_id, p.from_on, p.to_on, r.target_group, r.municipality_id, r.referral_source
FROM report_case_pieces_live p
JOIN report_cases r ON r.case_id = p.case_id;

-- Open intervals with the case's current dimensions: kept (read by the report) and computed (reference).
CREATE VIEW report_open_intervals AS
SELECT case_id, seq, case_manager_id, from_on, to_on, target_group, municipality_id, referral_source
FROM report_case_intervals;

CREATE VIEW report_open_intervals_live AS
SELECT p.case_id, p.seq, p.case_manager_id, p.from_on, p.to_on, r.target_group, r.municipality_id, r.referral_source
FROM report_case_pieces_live p
JOIN report_cases r ON r.case_id = p.case_id;
`.execute(db);
}

// No down(): the objects of 0002 it replaces are gone for good (their refresh machinery with them).
