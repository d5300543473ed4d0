// Frozen: this migration never changes and never imports application code.
//
// The Lenkungsgruppe's meeting. report_editions: a published (suppressed) report frozen for a meeting
// date, stored as rendered (the canonical JSON the page is drawn from, the CSV and the XLSX bytes) with
// its query, author, time and a SHA-256 of the JSON; append-only like the audit log (forbid_change of
// 0001). finding_decisions: what the group decided on a structural finding put before it, who is to act,
// by when, and how far it got. Neither holds client data: editions hold aggregates only, decisions refer
// to findings, which name no case.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE TABLE report_editions (
  id serial PRIMARY KEY,
  meeting_on date NOT NULL,
  period_from date NOT NULL,
  period_to date NOT NULL,
  query text NOT NULL CHECK (length(query) BETWEEN 1 AND 1000),
  content text NOT NULL,
  content_hash text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
  csv text NOT NULL,
  xlsx bytea NOT NULL,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX report_editions_meeting_idx ON report_editions (meeting_on DESC, id DESC);
CREATE TRIGGER report_editions_append_only BEFORE UPDATE OR DELETE ON report_editions
  FOR EACH ROW EXECUTE FUNCTION forbid_change();

CREATE TABLE finding_decisions (
  id serial PRIMARY KEY,
  finding_id uuid NOT NULL REFERENCES structural_findings (id),
  decided_on date NOT NULL,
  decision text NOT NULL CHECK (length(decision) BETWEEN 1 AND 4000),
  responsible_body text NOT NULL CHECK (length(responsible_body) BETWEEN 1 AND 200),
  due_on date NOT NULL,
  status text NOT NULL DEFAULT 'offen' CHECK (status IN ('offen', 'in_umsetzung', 'umgesetzt', 'verworfen')),
  recorded_by uuid NOT NULL REFERENCES users (id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users (id),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX finding_decisions_finding_idx ON finding_decisions (finding_id);
CREATE INDEX finding_decisions_open_idx ON finding_decisions (due_on) WHERE status IN ('offen', 'in_umsetzung');
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS finding_decisions, report_editions;`.execute(db);
}
