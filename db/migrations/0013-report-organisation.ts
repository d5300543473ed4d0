// Frozen: this migration never changes and never imports application code.
//
// The organisation (Träger) of a case as a report dimension, like target group, municipality and referral
// source: the case's *current* organisation (cases.organisation_id, which follows the case manager, see
// 0007). report_cases and report_case_intervals get the column, the triggers of 0006 carry it (a case
// that moves to another organisation - a transfer, a new case manager - moves in the report facts too),
// every fact view and the live interval definition expose it. Structural findings name no case: they
// have no organisation.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
ALTER TABLE report_cases ADD COLUMN organisation_id integer;
UPDATE report_cases r SET organisation_id = c.organisation_id FROM cases c WHERE c.id = r.case_id;
ALTER TABLE report_cases ALTER COLUMN organisation_id SET NOT NULL;

ALTER TABLE report_case_intervals ADD COLUMN organisation_id integer;
UPDATE report_case_intervals i SET organisation_id = r.organisation_id FROM report_cases r WHERE r.case_id = i.case_id;
ALTER TABLE report_case_intervals ALTER COLUMN organisation_id SET NOT NULL;

CREATE OR REPLACE FUNCTION report_cases_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_cases (case_id, client_id, target_group, municipality_id, referral_source, state, opened_at,
    first_contact_at, closed_at, closure_reason, organisation_id)
  SELECT NEW.id, NEW.client_id, NEW.target_group, cl.municipality_id, NEW.referral_source, NEW.state, NEW.opened_at,
    NEW.first_contact_at, NEW.closed_at, NEW.closure_reason, NEW.organisation_id
  FROM clients cl WHERE cl.id = NEW.client_id
  ON CONFLICT (case_id) DO UPDATE SET
    client_id = EXCLUDED.client_id, target_group = EXCLUDED.target_group,
    municipality_id = EXCLUDED.municipality_id, referral_source = EXCLUDED.referral_source,
    state = EXCLUDED.state, opened_at = EXCLUDED.opened_at, first_contact_at = EXCLUDED.first_contact_at,
    closed_at = EXCLUDED.closed_at, closure_reason = EXCLUDED.closure_reason,
    organisation_id = EXCLUDED.organisation_id;
  RETURN NULL;
END
$$;
DROP TRIGGER cases_report_update ON cases;
CREATE TRIGGER cases_report_update AFTER UPDATE ON cases FOR EACH ROW
  WHEN (OLD.client_id IS DISTINCT FROM NEW.client_id OR OLD.target_group IS DISTINCT FROM NEW.target_group
    OR OLD.referral_source IS DISTINCT FROM NEW.referral_source OR OLD.state IS DISTINCT FROM NEW.state
    OR OLD.opened_at IS DISTINCT FROM NEW.opened_at OR OLD.first_contact_at IS DISTINCT FROM NEW.first_contact_at
    OR OLD.closed_at IS DISTINCT FROM NEW.closed_at OR OLD.closure_reason IS DISTINCT FROM NEW.closure_reason
    OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id)
  EXECUTE FUNCTION report_cases_sync();

CREATE OR REPLACE FUNCTION report_case_intervals_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  touched uuid[];
BEGIN
  SELECT array_agg(DISTINCT case_id) INTO touched FROM new_events
  WHERE type IN ('CASE_OPENED', 'TRANSFER') OR to_state = 'closed' OR from_state = 'closed';
  IF touched IS NULL THEN
    RETURN NULL;
  END IF;
  DELETE FROM report_case_intervals WHERE case_id = ANY (touched);
  INSERT INTO report_case_intervals (case_id, seq, case_manager_id, from_on, to_on, target_group, municipality_id,
    referral_source, organisation_id)
  SELECT p.case_id, p.seq, p.case_manager_id, p.from_on, p.to_on, r.target_group, r.municipality_id, r.referral_source,
    r.organisation_id
  FROM report_case_pieces_live p
  JOIN report_cases r ON r.case_id = p.case_id
  WHERE p.case_id = ANY (touched);
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION report_case_intervals_dimensions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE report_case_intervals
  SET target_group = NEW.target_group, municipality_id = NEW.municipality_id, referral_source = NEW.referral_source,
    organisation_id = NEW.organisation_id
  WHERE case_id = NEW.case_id;
  RETURN NULL;
END
$$;
DROP TRIGGER report_cases_dimensions ON report_cases;
CREATE TRIGGER report_cases_dimensions AFTER UPDATE ON report_cases FOR EACH ROW
  WHEN (OLD.target_group IS DISTINCT FROM NEW.target_group OR OLD.municipality_id IS DISTINCT FROM NEW.municipality_id
    OR OLD.referral_source IS DISTINCT FROM NEW.referral_source OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id)
  EXECUTE FUNCTION report_case_intervals_dimensions();

-- The fact views gain the column at their end (CREATE OR REPLACE keeps the existing columns).
CREATE OR REPLACE VIEW report_case_facts AS
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
  END AS intake_decision,
  r.organisation_id
FROM report_cases r;

CREATE OR REPLACE VIEW report_goal_facts AS
SELECT g.id AS goal_id, g.need_domain, g.status, g.evaluated_at,
  r.target_group, r.municipality_id, r.referral_source, r.organisation_id
FROM goals g
LEFT JOIN report_cases r ON r.case_id = g.case_id
WHERE g.evaluated_at IS NOT NULL AND g.status <> 'vereinbart';

CREATE OR REPLACE VIEW report_referral_facts AS
SELECT f.id AS referral_id, f.need_domain, f.status, f.ended_at,
  r.target_group, r.municipality_id, r.referral_source, r.organisation_id
FROM referrals f
LEFT JOIN report_cases r ON r.case_id = f.case_id
WHERE f.ended_at IS NOT NULL AND f.status IN ('abgeschlossen', 'abgelehnt', 'abgebrochen');

CREATE OR REPLACE VIEW report_identity_facts AS
SELECT s.case_id, s.clarified_on, r.target_group, r.municipality_id, r.referral_source, r.organisation_id
FROM (
  SELECT case_id, min(occurred_on) AS clarified_on FROM identity_steps WHERE step = 'identitaet_geklaert' GROUP BY case_id
) s
LEFT JOIN report_cases r ON r.case_id = s.case_id;

CREATE OR REPLACE VIEW report_umf_transitions AS
SELECT e.id AS event_id, e.occurred_at,
  'umf'::text AS target_group, r.municipality_id, r.referral_source, r.organisation_id
FROM case_events e
LEFT JOIN report_cases r ON r.case_id = e.case_id
WHERE e.type = 'FLAG_RECLASSIFICATION' AND e.payload->>'reason' = 'umf_volljaehrig';

CREATE OR REPLACE VIEW report_open_intervals AS
SELECT case_id, seq, case_manager_id, from_on, to_on, target_group, municipality_id, referral_source, organisation_id
FROM report_case_intervals;

CREATE OR REPLACE VIEW report_open_intervals_live AS
SELECT p.case_id, p.seq, p.case_manager_id, p.from_on, p.to_on, r.target_group, r.municipality_id, r.referral_source,
  r.organisation_id
FROM report_case_pieces_live p
JOIN report_cases r ON r.case_id = p.case_id;

`.execute(db);
}

// No down(): the column is part of the report facts from here on (as in 0006).
