// Frozen: this migration never changes and never imports application code.
//
// The residence status as a dated history (Aufenthaltsdokumente): one row per document a client holds or
// held — status, issued on, valid until, issuing Ausländerbehörde (a partner), note. The current status
// is the latest recorded row; clients.residence_status stays as its copy (kept by a trigger) so that
// classification, re-classification and the personal-data form keep reading one column.
//
// - Every existing client gets its current residence_status as the first row (recorded at the client's
//   creation, no dates: nothing was known about them). Nothing is lost.
// - A client inserted later gets its first row by trigger; a change of clients.residence_status by any
//   writer (the personal-data form) that differs from the current row adds a row (no dates).
// - A new row records the status it replaced (previous_status), marks the replaced row superseded and
//   copies its status into clients.residence_status (bumping updated_at: an open personal-data form is stale).
// - deadline_on: the deadline the document sets (generated): the end of the 18 months of a § 104c
//   Chancen-Aufenthaltsrecht from its issue date, otherwise its expiry (valid until).
// - follow_ups.deadline_key: a follow-up the daily job created for a deadline reminder (8/4/1 weeks ahead,
//   overdue); unique per case, so the job never creates one twice.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE TABLE residence_documents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  client_id uuid NOT NULL REFERENCES clients (id),
  case_id uuid REFERENCES cases (id),
  status text NOT NULL CHECK (status IN (
    'aufenthaltsgestattung', 'duldung_60a', 'duldung_60b', 'ae_humanitaer_22_26', 'ae_24', 'ae_25a', 'ae_25b',
    'ae_104c', 'ae_sonstige', 'niederlassungserlaubnis', 'eu_freizuegigkeit', 'fiktionsbescheinigung', 'ungeklaert')),
  issued_on date,
  valid_until date,
  authority_partner_id integer REFERENCES partners (id),
  note text CHECK (note IS NULL OR length(note) BETWEEN 1 AND 1000),
  source text NOT NULL DEFAULT 'erfasst' CHECK (source IN ('migration', 'aufnahme', 'erfasst', 'persoenliche_daten')),
  previous_status text,
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  recorded_by uuid REFERENCES users (id),
  superseded_at timestamptz,
  deadline_on date GENERATED ALWAYS AS (
    CASE WHEN status = 'ae_104c' AND issued_on IS NOT NULL THEN (issued_on + interval '18 months')::date ELSE valid_until END
  ) STORED,
  CHECK (valid_until IS NULL OR issued_on IS NULL OR valid_until >= issued_on)
);
CREATE INDEX residence_documents_client_idx ON residence_documents (client_id, recorded_at);
CREATE UNIQUE INDEX residence_documents_current_idx ON residence_documents (client_id) WHERE superseded_at IS NULL;
CREATE INDEX residence_documents_deadline_idx ON residence_documents (deadline_on) WHERE deadline_on IS NOT NULL;
CREATE INDEX residence_documents_issued_idx ON residence_documents (issued_on) WHERE previous_status IS NOT NULL;

INSERT INTO residence_documents (client_id, case_id, status, source, recorded_at)
SELECT cl.id,
  (SELECT c.id FROM cases c WHERE c.client_id = cl.id ORDER BY c.opened_at DESC, c.id LIMIT 1),
  cl.residence_status, 'migration', cl.created_at
FROM clients cl;

CREATE FUNCTION residence_documents_before_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT d.status INTO NEW.previous_status FROM residence_documents d
  WHERE d.client_id = NEW.client_id AND d.superseded_at IS NULL;
  UPDATE residence_documents SET superseded_at = NEW.recorded_at
  WHERE client_id = NEW.client_id AND superseded_at IS NULL;
  RETURN NEW;
END
$$;
CREATE TRIGGER residence_documents_supersede BEFORE INSERT ON residence_documents FOR EACH ROW
  EXECUTE FUNCTION residence_documents_before_insert();

CREATE FUNCTION residence_documents_current() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE clients SET residence_status = NEW.status, updated_at = clock_timestamp()
  WHERE id = NEW.client_id AND residence_status IS DISTINCT FROM NEW.status;
  RETURN NULL;
END
$$;
CREATE TRIGGER residence_documents_client_status AFTER INSERT ON residence_documents FOR EACH ROW
  EXECUTE FUNCTION residence_documents_current();

CREATE FUNCTION clients_residence_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO residence_documents (client_id, status, source, recorded_at)
    VALUES (NEW.id, NEW.residence_status, 'aufnahme', NEW.created_at);
  ELSIF NOT EXISTS (SELECT 1 FROM residence_documents d
      WHERE d.client_id = NEW.id AND d.superseded_at IS NULL AND d.status = NEW.residence_status) THEN
    INSERT INTO residence_documents (client_id, status, source)
    VALUES (NEW.id, NEW.residence_status, 'persoenliche_daten');
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER clients_residence_insert AFTER INSERT ON clients FOR EACH ROW
  EXECUTE FUNCTION clients_residence_history();
CREATE TRIGGER clients_residence_update AFTER UPDATE OF residence_status ON clients FOR EACH ROW
  WHEN (OLD.residence_status IS DISTINCT FROM NEW.residence_status)
  EXECUTE FUNCTION clients_residence_history();

-- Report facts. A move to a secure status (Aufenthaltsverfestigung): a row whose status is a residence or
-- settlement permit replacing Duldung, Gestattung or "ungeklärt", on the day it took effect (issued on,
-- else the day it was recorded), for every case of the client open on that day.
CREATE VIEW report_residence_transitions AS
SELECT d.id AS document_id, r.case_id, t.moved_on,
  CASE d.status
    WHEN 'ae_25a' THEN 'ae_25a' WHEN 'ae_25b' THEN 'ae_25b' WHEN 'ae_104c' THEN 'ae_104c'
    WHEN 'niederlassungserlaubnis' THEN 'niederlassungserlaubnis' WHEN 'ae_sonstige' THEN 'ae_sonstige'
    ELSE 'humanitaer'
  END AS permit_group,
  r.target_group, r.municipality_id, r.referral_source, r.organisation_id
FROM residence_documents d
CROSS JOIN LATERAL (SELECT coalesce(d.issued_on, (d.recorded_at AT TIME ZONE 'Europe/Berlin')::date) AS moved_on) t
JOIN report_cases r ON r.client_id = d.client_id
  AND (r.opened_at AT TIME ZONE 'Europe/Berlin')::date <= t.moved_on
  AND (r.closed_at IS NULL OR (r.closed_at AT TIME ZONE 'Europe/Berlin')::date >= t.moved_on)
WHERE d.previous_status IN ('duldung_60a', 'duldung_60b', 'aufenthaltsgestattung', 'ungeklaert')
  AND d.status IN ('ae_humanitaer_22_26', 'ae_24', 'ae_25a', 'ae_25b', 'ae_104c', 'ae_sonstige', 'niederlassungserlaubnis');

-- Deadlines of residence documents (expiry; end of the 18 months of § 104c) for every case of the client
-- open on the deadline, counted when the document was still current 8 weeks before it. Met: a new status
-- was recorded by the deadline, or a person documented a step in the client file in the 8 weeks up to it.
CREATE VIEW report_residence_deadlines AS
SELECT d.id AS document_id, r.case_id, d.deadline_on,
  (d.superseded_at IS NOT NULL AND (d.superseded_at AT TIME ZONE 'Europe/Berlin')::date <= d.deadline_on)
    OR EXISTS (
      SELECT 1 FROM case_events e
      WHERE e.case_id = r.case_id AND e.actor_id IS NOT NULL
        AND e.occurred_at >= ((d.deadline_on - 56)::timestamp AT TIME ZONE 'Europe/Berlin')
        AND e.occurred_at < ((d.deadline_on + 1)::timestamp AT TIME ZONE 'Europe/Berlin')
    ) AS met,
  r.target_group, r.municipality_id, r.referral_source, r.organisation_id
FROM residence_documents d
JOIN report_cases r ON r.client_id = d.client_id
  AND (r.opened_at AT TIME ZONE 'Europe/Berlin')::date <= d.deadline_on
  AND (r.closed_at IS NULL OR (r.closed_at AT TIME ZONE 'Europe/Berlin')::date >= d.deadline_on)
WHERE d.deadline_on IS NOT NULL
  AND (d.superseded_at IS NULL OR (d.superseded_at AT TIME ZONE 'Europe/Berlin')::date > d.deadline_on - 56);

ALTER TABLE follow_ups ADD COLUMN deadline_key text CHECK (deadline_key IS NULL OR length(deadline_key) BETWEEN 1 AND 200);
CREATE UNIQUE INDEX follow_ups_deadline_key_idx ON follow_ups (case_id, deadline_key) WHERE deadline_key IS NOT NULL;

-- Row-level security as for every case-bearing table (0014): the app role kim_app sees a client's
-- documents only through a case it may see; the migrating role (the system) sees all. The history
-- triggers keep derived state of one client (supersede, the copy in clients, the first row) and run with
-- the owner's rights, so that an intake, whose case does not exist yet when the client row is written,
-- still gets its first row and a consistent copy.
ALTER TABLE residence_documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE residence_documents FORCE ROW LEVEL SECURITY;
CREATE POLICY system_all ON residence_documents TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY app_insert ON residence_documents FOR INSERT TO kim_app WITH CHECK (true);
CREATE POLICY app_read ON residence_documents FOR SELECT TO kim_app
  USING (EXISTS (SELECT 1 FROM cases c WHERE c.client_id = residence_documents.client_id));
CREATE POLICY app_update ON residence_documents FOR UPDATE TO kim_app
  USING (EXISTS (SELECT 1 FROM cases c WHERE c.client_id = residence_documents.client_id)) WITH CHECK (true);
CREATE POLICY app_delete ON residence_documents FOR DELETE TO kim_app
  USING (EXISTS (SELECT 1 FROM cases c WHERE c.client_id = residence_documents.client_id));
ALTER FUNCTION residence_documents_before_insert() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION residence_documents_current() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION clients_residence_history() SECURITY DEFINER SET search_path = public, pg_temp;
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
DROP VIEW IF EXISTS report_residence_transitions, report_residence_deadlines;
DROP TRIGGER IF EXISTS clients_residence_insert ON clients;
DROP TRIGGER IF EXISTS clients_residence_update ON clients;
DROP FUNCTION IF EXISTS clients_residence_history();
DROP TABLE IF EXISTS residence_documents;
DROP FUNCTION IF EXISTS residence_documents_before_insert();
DROP FUNCTION IF EXISTS residence_documents_current();
DROP INDEX IF EXISTS follow_ups_deadline_key_idx;
ALTER TABLE follow_ups DROP COLUMN IF EXISTS deadline_key;
`.execute(db);
}
