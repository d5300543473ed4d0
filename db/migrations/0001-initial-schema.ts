// Frozen: this migration never changes and never imports application code.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE TABLE municipalities (
  id serial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  district text NOT NULL,
  official_key text UNIQUE
);

CREATE TABLE organisations (
  id serial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('kreis', 'kommune', 'traeger')),
  municipality_id integer REFERENCES municipalities (id)
);

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username text NOT NULL UNIQUE CHECK (username = lower(username) AND length(username) BETWEEN 3 AND 64),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  email text,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('case_manager', 'coordinator', 'steering', 'admin')),
  organisation_id integer NOT NULL REFERENCES organisations (id),
  fte numeric(3, 2) CHECK (fte IS NULL OR (fte > 0 AND fte <= 1)),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (role <> 'case_manager' OR fte IS NOT NULL)
);
CREATE INDEX users_role_idx ON users (role) WHERE active;

CREATE TABLE sessions (
  id text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE login_attempts (
  id bigserial PRIMARY KEY,
  username text NOT NULL,
  address text NOT NULL,
  success boolean NOT NULL,
  attempted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_username_idx ON login_attempts (username, attempted_at);
CREATE INDEX login_attempts_address_idx ON login_attempts (address, attempted_at);

CREATE TABLE settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users (id)
);

CREATE TABLE target_group_definitions (
  id serial PRIMARY KEY,
  code text NOT NULL CHECK (code IN ('umf', 'geduldete_identitaet', 'neuzugewanderte_erhoeht')),
  version integer NOT NULL CHECK (version > 0),
  name text NOT NULL,
  description text NOT NULL,
  rules jsonb NOT NULL,
  valid_from date NOT NULL,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (code, version),
  UNIQUE (code, valid_from)
);

CREATE TABLE clients (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  aktenzeichen text NOT NULL UNIQUE,
  first_name text NOT NULL CHECK (length(first_name) BETWEEN 1 AND 100),
  last_name text NOT NULL CHECK (length(last_name) BETWEEN 1 AND 100),
  birth_date date,
  birth_date_estimated boolean NOT NULL DEFAULT false,
  gender text NOT NULL CHECK (gender IN ('weiblich', 'maennlich', 'divers', 'keine_angabe')),
  nationality text,
  languages text[] NOT NULL DEFAULT '{}',
  interpreter_needed boolean NOT NULL DEFAULT false,
  municipality_id integer NOT NULL REFERENCES municipalities (id),
  residence_status text NOT NULL CHECK (residence_status IN (
    'aufenthaltsgestattung', 'duldung_60a', 'duldung_60b', 'ae_humanitaer_22_26', 'ae_24', 'ae_25a', 'ae_25b',
    'ae_104c', 'ae_sonstige', 'niederlassungserlaubnis', 'eu_freizuegigkeit', 'fiktionsbescheinigung', 'ungeklaert')),
  arrival_date date,
  unaccompanied boolean NOT NULL DEFAULT false,
  phone text,
  email text,
  address text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  anonymised_at timestamptz
);
CREATE INDEX clients_name_idx ON clients (lower(last_name), lower(first_name));
CREATE INDEX clients_birth_date_idx ON clients (birth_date);

CREATE SEQUENCE aktenzeichen_seq;

CREATE TABLE cases (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  client_id uuid NOT NULL REFERENCES clients (id),
  case_manager_id uuid REFERENCES users (id),
  deputy_id uuid REFERENCES users (id),
  target_group text CHECK (target_group IN ('umf', 'geduldete_identitaet', 'neuzugewanderte_erhoeht')),
  target_group_definition_id integer REFERENCES target_group_definitions (id),
  referral_source text NOT NULL CHECK (referral_source IN (
    'sozialamt', 'integration_point', 'auslaenderamt', 'fluechtlingsberatung', 'jugendamt', 'selbstmelder', 'sonstige')),
  referral_municipality_id integer REFERENCES municipalities (id),
  increased_need_documented boolean NOT NULL DEFAULT false,
  state text NOT NULL CHECK (state IN (
    'intake', 'classification', 'assessment', 'planning', 'active', 'closure', 'resting', 'closed')),
  snapshot jsonb NOT NULL,
  machine_version text NOT NULL,
  row_version integer NOT NULL DEFAULT 1 CHECK (row_version > 0),
  opened_at timestamptz NOT NULL,
  first_contact_at timestamptz,
  closed_at timestamptz,
  closure_reason text CHECK (closure_reason IN (
    'ziele_erreicht', 'uebergabe_regeldienst', 'verzogen', 'kontaktabbruch', 'keine_zielgruppe',
    'ausreise_abschiebung', 'sonstige', 'nicht_zustaendig')),
  reclassification_required text CHECK (reclassification_required IN ('umf_volljaehrig', 'aufenthaltstitel')),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((state = 'closed') = (closed_at IS NOT NULL)),
  CHECK ((state = 'closed') = (closure_reason IS NOT NULL)),
  CHECK (deputy_id IS NULL OR deputy_id <> case_manager_id),
  CHECK ((target_group IS NULL) = (target_group_definition_id IS NULL))
);
CREATE INDEX cases_case_manager_state_idx ON cases (case_manager_id, state);
CREATE INDEX cases_deputy_idx ON cases (deputy_id) WHERE deputy_id IS NOT NULL;
CREATE INDEX cases_client_idx ON cases (client_id);
CREATE INDEX cases_state_opened_idx ON cases (state, opened_at);
CREATE INDEX cases_opened_idx ON cases (opened_at);
CREATE INDEX cases_unassigned_idx ON cases (opened_at) WHERE case_manager_id IS NULL AND state <> 'closed';

CREATE TABLE case_events (
  id bigserial PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES cases (id),
  seq integer NOT NULL CHECK (seq > 0),
  type text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  from_state text,
  to_state text NOT NULL,
  actor_id uuid REFERENCES users (id),
  occurred_at timestamptz NOT NULL,
  UNIQUE (case_id, seq)
);
CREATE INDEX case_events_case_time_idx ON case_events (case_id, occurred_at);
CREATE INDEX case_events_type_time_idx ON case_events (type, occurred_at);

CREATE TABLE assessments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases (id),
  need_domain text NOT NULL CHECK (need_domain IN (
    'aufenthalt_identitaet', 'sprache', 'bildung_schule', 'ausbildung_arbeit', 'wohnen', 'gesundheit', 'familie',
    'finanzielle_sicherung', 'soziale_teilhabe')),
  level text NOT NULL CHECK (level IN ('kein', 'gering', 'mittel', 'hoch')),
  note text,
  assessed_at timestamptz NOT NULL,
  assessed_by uuid REFERENCES users (id),
  UNIQUE (case_id, need_domain)
);

CREATE TABLE goals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases (id),
  need_domain text NOT NULL CHECK (need_domain IN (
    'aufenthalt_identitaet', 'sprache', 'bildung_schule', 'ausbildung_arbeit', 'wohnen', 'gesundheit', 'familie',
    'finanzielle_sicherung', 'soziale_teilhabe')),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  description text,
  status text NOT NULL DEFAULT 'vereinbart' CHECK (status IN (
    'vereinbart', 'erreicht', 'teilweise_erreicht', 'nicht_erreicht', 'entfallen')),
  agreed_at timestamptz NOT NULL,
  target_date date,
  evaluated_at timestamptz,
  evaluation_note text,
  created_by uuid REFERENCES users (id),
  CHECK ((status = 'vereinbart') = (evaluated_at IS NULL))
);
CREATE INDEX goals_case_idx ON goals (case_id);
CREATE INDEX goals_evaluated_idx ON goals (evaluated_at) WHERE evaluated_at IS NOT NULL;

CREATE TABLE partners (
  id serial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN (
    'jugendamt', 'auslaenderbehoerde', 'jobcenter', 'mbe', 'jmd', 'integrationskurs', 'schule', 'gesundheitsamt',
    'beratungsstelle', 'wohlfahrtsverband', 'sportverein', 'sozialamt', 'sonstige')),
  municipality_id integer REFERENCES municipalities (id),
  contact_person text,
  phone text,
  email text,
  address text,
  active boolean NOT NULL DEFAULT true
);

CREATE TABLE consents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  client_id uuid NOT NULL REFERENCES clients (id),
  partner_id integer NOT NULL REFERENCES partners (id),
  scope text NOT NULL CHECK (length(scope) BETWEEN 1 AND 1000),
  given_at date NOT NULL,
  given_by text NOT NULL CHECK (given_by IN ('klient', 'vormund', 'gesetzliche_vertretung')),
  given_by_name text,
  valid_until date,
  revoked_at timestamptz,
  recorded_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (valid_until IS NULL OR valid_until >= given_at)
);
CREATE INDEX consents_client_idx ON consents (client_id);

CREATE TABLE referrals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases (id),
  partner_id integer NOT NULL REFERENCES partners (id),
  goal_id uuid REFERENCES goals (id),
  need_domain text NOT NULL CHECK (need_domain IN (
    'aufenthalt_identitaet', 'sprache', 'bildung_schule', 'ausbildung_arbeit', 'wohnen', 'gesundheit', 'familie',
    'finanzielle_sicherung', 'soziale_teilhabe')),
  status text NOT NULL DEFAULT 'geplant' CHECK (status IN (
    'geplant', 'gesendet', 'angenommen', 'abgeschlossen', 'abgelehnt', 'abgebrochen')),
  snapshot jsonb NOT NULL,
  machine_version text NOT NULL,
  row_version integer NOT NULL DEFAULT 1 CHECK (row_version > 0),
  shares_data boolean NOT NULL DEFAULT false,
  consent_id uuid REFERENCES consents (id),
  legal_basis text,
  note text,
  decline_reason text,
  planned_at timestamptz NOT NULL,
  sent_at timestamptz,
  accepted_at timestamptz,
  ended_at timestamptz,
  created_by uuid REFERENCES users (id)
);
CREATE INDEX referrals_case_idx ON referrals (case_id);
CREATE INDEX referrals_status_idx ON referrals (status, ended_at);

CREATE TABLE contacts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases (id),
  contact_type text NOT NULL CHECK (contact_type IN ('persoenlich', 'telefonisch', 'aufsuchend', 'digital')),
  with_interpreter boolean NOT NULL DEFAULT false,
  occurred_at timestamptz NOT NULL,
  minutes integer NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
  note text,
  created_by uuid REFERENCES users (id)
);
CREATE INDEX contacts_case_time_idx ON contacts (case_id, occurred_at);

CREATE TABLE follow_ups (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases (id),
  due_on date NOT NULL,
  note text NOT NULL CHECK (length(note) BETWEEN 1 AND 1000),
  done_at timestamptz,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX follow_ups_case_idx ON follow_ups (case_id);
CREATE INDEX follow_ups_open_due_idx ON follow_ups (due_on) WHERE done_at IS NULL;

CREATE TABLE identity_steps (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases (id),
  step text NOT NULL CHECK (step IN (
    'pass_beantragt', 'botschaftstermin', 'dokumente_beschafft', 'mitwirkung_dokumentiert', 'identitaet_geklaert')),
  occurred_on date NOT NULL,
  note text,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX identity_steps_case_idx ON identity_steps (case_id);

CREATE TABLE structural_findings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description text NOT NULL,
  need_domain text NOT NULL CHECK (need_domain IN (
    'aufenthalt_identitaet', 'sprache', 'bildung_schule', 'ausbildung_arbeit', 'wohnen', 'gesundheit', 'familie',
    'finanzielle_sicherung', 'soziale_teilhabe')),
  affected_cases integer NOT NULL CHECK (affected_cases >= 1),
  municipality_id integer REFERENCES municipalities (id),
  target_group text CHECK (target_group IN ('umf', 'geduldete_identitaet', 'neuzugewanderte_erhoeht')),
  status text NOT NULL DEFAULT 'gemeldet' CHECK (status IN (
    'gemeldet', 'in_pruefung', 'fuer_lenkungsgruppe', 'erledigt', 'verworfen')),
  priority text CHECK (priority IN ('niedrig', 'mittel', 'hoch')),
  reported_by uuid REFERENCES users (id),
  reported_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX structural_findings_status_idx ON structural_findings (status);

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor_id uuid,
  actor_role text,
  action text NOT NULL,
  object_type text NOT NULL,
  object_id text,
  outcome text NOT NULL CHECK (outcome IN ('allowed', 'denied', 'error')),
  detail jsonb
);
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id, at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at);

-- Append-only tables: the application may insert, never change or delete.
-- The retention job (anonymisation) may purge with SET LOCAL kim.allow_purge = 'on'.
CREATE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('kim.allow_purge', true), '') = 'on' THEN
    IF TG_OP = 'DELETE' THEN
      RETURN OLD;
    END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
DROP TABLE IF EXISTS audit_log, structural_findings, identity_steps, follow_ups, contacts, referrals, consents,
  partners, goals, assessments, case_events, cases, clients, target_group_definitions, settings, login_attempts,
  sessions, users, organisations, municipalities CASCADE;
DROP FUNCTION IF EXISTS forbid_change();
DROP SEQUENCE IF EXISTS aktenzeichen_seq;
`.execute(db);
}
