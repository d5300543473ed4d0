// Frozen: this migration never changes and never imports application code.
//
// Evaluation views for the Lenkungsgruppe report (db/reports/). Days are calendar days in Europe/Berlin.
// - Plain views give one row per fact (case, evaluated goal, ended referral, ...) with the three split
//   dimensions (target group, client's municipality, referral source) and no personal data; the report
//   queries filter them by period and aggregate.
// - The open/assignment intervals of every case come from the event log (CASE_OPENED, TRANSFER, closing
//   and reopening events). Computing them needs a window over the whole log, too slow per request at
//   NRW scale (see tests/perf/bench.ts), so they are a materialised view refreshed by
//   refresh_report_views(); report_refresh_state records when and up to which event.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
-- Indexes the report queries use (periods by closing, ending and clarification dates).
CREATE INDEX cases_closed_idx ON cases (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX referrals_ended_idx ON referrals (ended_at) WHERE ended_at IS NOT NULL;
CREATE INDEX identity_steps_clarified_idx ON identity_steps (occurred_on) WHERE step = 'identitaet_geklaert';
-- The lifecycle events (assignment, closing, reopening): a small part of the log, read in case order.
CREATE INDEX case_events_lifecycle_idx ON case_events (case_id, seq)
  WHERE type IN ('CASE_OPENED', 'TRANSFER') OR to_state = 'closed' OR from_state = 'closed';

-- One row per case: dimensions, reach and closure facts.
CREATE VIEW report_case_facts AS
SELECT
  c.id AS case_id,
  c.target_group,
  cl.municipality_id,
  c.referral_source,
  c.state,
  c.opened_at,
  (c.opened_at AT TIME ZONE 'Europe/Berlin')::date AS opened_on,
  c.first_contact_at,
  (c.first_contact_at AT TIME ZONE 'Europe/Berlin')::date - (c.opened_at AT TIME ZONE 'Europe/Berlin')::date
    AS days_to_first_contact,
  c.closed_at,
  c.closure_reason,
  (c.closed_at AT TIME ZONE 'Europe/Berlin')::date - (c.opened_at AT TIME ZONE 'Europe/Berlin')::date
    AS duration_days,
  CASE
    WHEN c.target_group IS NOT NULL THEN 'aufgenommen'
    WHEN c.closure_reason = 'nicht_zustaendig' THEN 'nicht_zustaendig'
    WHEN c.closure_reason = 'keine_zielgruppe' THEN 'keine_zielgruppe'
    ELSE 'offen'
  END AS intake_decision
FROM cases c
JOIN clients cl ON cl.id = c.client_id;

-- One row per evaluated goal.
CREATE VIEW report_goal_facts AS
SELECT g.id AS goal_id, g.need_domain, g.status, g.evaluated_at,
  f.target_group, f.municipality_id, f.referral_source
FROM goals g
JOIN report_case_facts f ON f.case_id = g.case_id
WHERE g.evaluated_at IS NOT NULL AND g.status <> 'vereinbart';

-- One row per ended referral (completed, declined or cancelled).
CREATE VIEW report_referral_facts AS
SELECT r.id AS referral_id, r.need_domain, r.status, r.ended_at,
  f.target_group, f.municipality_id, f.referral_source
FROM referrals r
JOIN report_case_facts f ON f.case_id = r.case_id
WHERE r.ended_at IS NOT NULL AND r.status IN ('abgeschlossen', 'abgelehnt', 'abgebrochen');

-- One row per case whose identity was clarified (the first such step counts).
CREATE VIEW report_identity_facts AS
SELECT s.case_id, min(s.occurred_on) AS clarified_on,
  f.target_group, f.municipality_id, f.referral_source
FROM identity_steps s
JOIN report_case_facts f ON f.case_id = s.case_id
WHERE s.step = 'identitaet_geklaert'
GROUP BY s.case_id, f.target_group, f.municipality_id, f.referral_source;

-- One row per UMF turning 18 (the daily job's FLAG_RECLASSIFICATION with reason umf_volljaehrig).
-- The target group is UMF by definition, whatever the case was re-classified to later.
CREATE VIEW report_umf_transitions AS
SELECT e.id AS event_id, e.occurred_at,
  'umf'::text AS target_group, f.municipality_id, f.referral_source
FROM case_events e
JOIN report_case_facts f ON f.case_id = e.case_id
WHERE e.type = 'FLAG_RECLASSIFICATION' AND e.payload->>'reason' = 'umf_volljaehrig';

-- Structural findings without their texts and reporters.
CREATE VIEW report_findings AS
SELECT id AS finding_id, need_domain, status, affected_cases, municipality_id, target_group, reported_at
FROM structural_findings;

-- The open intervals of every case with the case manager it was assigned to (NULL = unassigned intake),
-- as calendar days [from_on, to_on) in Europe/Berlin: the case counts on day d when it is open at the
-- end of d. Derived from the event log in sequence order: the assignment is that of the last CASE_OPENED
-- or TRANSFER; a piece ends at the next lifecycle event; pieces after a closing event are dropped.
CREATE VIEW report_open_intervals_live AS
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
SELECT p.case_id, p.seq, nullif(p.case_manager, '')::uuid AS case_manager_id, p.from_on, p.to_on,
  f.target_group, f.municipality_id, f.referral_source
FROM pieces p
JOIN report_case_facts f ON f.case_id = p.case_id
WHERE p.to_state <> 'closed' AND (p.to_on IS NULL OR p.to_on > p.from_on);

CREATE MATERIALIZED VIEW report_open_intervals AS SELECT * FROM report_open_intervals_live;
CREATE UNIQUE INDEX report_open_intervals_key ON report_open_intervals (case_id, seq);
CREATE INDEX report_open_intervals_until_idx ON report_open_intervals ((coalesce(to_on, 'infinity'::date)));

-- When the materialised views were last refreshed, and up to which event.
CREATE MATERIALIZED VIEW report_refresh_state AS
SELECT now() AS refreshed_at, coalesce((SELECT max(id) FROM case_events), 0)::bigint AS last_event_id;

-- Refreshes the materialised report views; returns false without waiting when another session is
-- refreshing them already. The state is taken first, so events arriving meanwhile count as newer.
CREATE FUNCTION refresh_report_views() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('kim.refresh_report_views')) THEN
    RETURN false;
  END IF;
  REFRESH MATERIALIZED VIEW report_refresh_state;
  REFRESH MATERIALIZED VIEW CONCURRENTLY report_open_intervals;
  RETURN true;
END
$$;
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
DROP FUNCTION IF EXISTS refresh_report_views();
DROP MATERIALIZED VIEW IF EXISTS report_refresh_state;
DROP MATERIALIZED VIEW IF EXISTS report_open_intervals;
DROP VIEW IF EXISTS report_open_intervals_live, report_findings, report_umf_transitions, report_identity_facts,
  report_referral_facts, report_goal_facts, report_case_facts;
DROP INDEX IF EXISTS case_events_lifecycle_idx, identity_steps_clarified_idx, referrals_ended_idx, cases_closed_idx;
`.execute(db);
}
