// Frozen: this migration never changes and never imports application code.
// Organisations (Träger) as a data-protection boundary:
// - users may be a Teamleitung ('team_lead'): the professional lead of one organisation's case managers;
// - each organisation has the agreement with the site on what the KIM coordination may see of its cases
//   (coordination_access: 'voll' full files, 'pseudonymisiert' without name, birth date, contact data and
//   free text, 'aggregiert' team figures only); existing organisations keep 'voll' (as before);
// - every case belongs to one organisation (cases.organisation_id): the organisation of its case manager,
//   kept by a trigger whenever the case manager changes; an intake without a case manager belongs to the
//   organisation that opened it (set by the application). Existing cases: the case manager's
//   organisation, else the opener's (CASE_OPENED actor), else the first Kreis organisation;
// - a transfer to another organisation is recorded with its basis: the client's consent for that
//   organisation (date, given by) or a legal basis documented by a coordinator.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
  CHECK (role IN ('case_manager', 'team_lead', 'coordinator', 'steering', 'admin'));

ALTER TABLE organisations
  ADD COLUMN coordination_access text NOT NULL DEFAULT 'voll'
    CHECK (coordination_access IN ('voll', 'pseudonymisiert', 'aggregiert'));

ALTER TABLE cases ADD COLUMN organisation_id integer REFERENCES organisations (id);
UPDATE cases SET organisation_id = u.organisation_id
  FROM users u WHERE u.id = cases.case_manager_id;
UPDATE cases SET organisation_id = u.organisation_id
  FROM case_events e JOIN users u ON u.id = e.actor_id
  WHERE e.case_id = cases.id AND e.type = 'CASE_OPENED' AND cases.organisation_id IS NULL;
UPDATE cases SET organisation_id = (SELECT id FROM organisations ORDER BY (kind = 'kreis') DESC, id LIMIT 1)
  WHERE organisation_id IS NULL;
ALTER TABLE cases ALTER COLUMN organisation_id SET NOT NULL;
CREATE INDEX cases_organisation_state_idx ON cases (organisation_id, state);

-- A case belongs to the organisation of its case manager: whoever sets case_manager_id (the case
-- service, the seed, a bulk load) moves the case with it. Without a case manager the writer names the
-- organisation (the application: the opener's); a writer that names none (an old import) gets the
-- site's own organisation, the first of kind 'kreis'.
CREATE FUNCTION cases_follow_case_manager_organisation() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF NEW.case_manager_id IS NOT NULL THEN
    SELECT organisation_id INTO NEW.organisation_id FROM users WHERE id = NEW.case_manager_id;
  ELSIF NEW.organisation_id IS NULL THEN
    SELECT id INTO NEW.organisation_id FROM organisations ORDER BY (kind = 'kreis') DESC, id LIMIT 1;
  END IF;
  RETURN NEW;
END
$fn$;
CREATE TRIGGER cases_organisation_of_case_manager
  BEFORE INSERT OR UPDATE OF case_manager_id ON cases
  FOR EACH ROW EXECUTE FUNCTION cases_follow_case_manager_organisation();

CREATE TABLE organisation_transfers (
  id bigserial PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  from_organisation_id integer NOT NULL REFERENCES organisations (id),
  to_organisation_id integer NOT NULL REFERENCES organisations (id),
  consent_given_on date,
  consent_given_by text CHECK (consent_given_by IN ('klient', 'vormund', 'gesetzliche_vertretung')),
  legal_basis text CHECK (legal_basis IS NULL OR length(legal_basis) BETWEEN 1 AND 2000),
  recorded_by uuid REFERENCES users (id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CHECK (from_organisation_id <> to_organisation_id),
  CHECK ((consent_given_on IS NULL) = (consent_given_by IS NULL)),
  CHECK ((consent_given_on IS NOT NULL) <> (legal_basis IS NOT NULL))
);
CREATE INDEX organisation_transfers_case_idx ON organisation_transfers (case_id);
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
DROP TABLE IF EXISTS organisation_transfers;
DROP TRIGGER IF EXISTS cases_organisation_of_case_manager ON cases;
DROP FUNCTION IF EXISTS cases_follow_case_manager_organisation();
DROP INDEX IF EXISTS cases_organisation_state_idx;
ALTER TABLE cases DROP COLUMN IF EXISTS organisation_id;
ALTER TABLE organisations DROP COLUMN IF EXISTS coordination_access;
DELETE FROM users WHERE role = 'team_lead';
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('case_manager', 'coordinator', 'steering', 'admin'));
`.execute(db);
}
