// Frozen: this migration never changes and never imports application code (only its own text file).
// Documents for the client (issue 15): versioned templates per kind and language, edited by coordinators
// (every change a new row, old versions stay readable), each translation with its review (who, when).
// A consent records which template version and language the client signed. Templates are no client data;
// the new consent columns are (they belong to a client's consent row).
import { type Kysely, sql } from "kysely";
import { INITIAL_TEXTS } from "./0017-document-texts";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE TABLE document_templates (
  id serial PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('consent', 'information', 'revocation', 'appointment', 'subject_access')),
  language text NOT NULL CHECK (language ~ '^[a-z]{2,3}$'),
  version integer NOT NULL CHECK (version > 0),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  reviewed_by uuid REFERENCES users (id),
  reviewed_at timestamptz,
  UNIQUE (kind, language, version),
  CHECK (reviewed_by IS NULL OR reviewed_at IS NOT NULL),
  CHECK (language <> 'de' OR reviewed_at IS NULL)
);
ALTER TABLE consents
  ADD COLUMN document_template_id integer REFERENCES document_templates (id),
  ADD COLUMN document_translation_id integer REFERENCES document_templates (id),
  ADD COLUMN document_language text CHECK (document_language ~ '^[a-z]{2,3}$'),
  ADD CONSTRAINT consents_document_check CHECK (
    (document_template_id IS NULL AND document_translation_id IS NULL AND document_language IS NULL)
    OR (document_template_id IS NOT NULL AND document_language IS NOT NULL
        AND (document_language = 'de') = (document_translation_id IS NULL))
  );
`.execute(db);
  for (const [language, kinds] of Object.entries(INITIAL_TEXTS)) {
    for (const [kind, text] of Object.entries(kinds)) {
      await sql`INSERT INTO document_templates (kind, language, version, title, body)
        VALUES (${kind}, ${language}, 1, ${text.title}, ${text.body})`.execute(db);
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
ALTER TABLE consents DROP CONSTRAINT consents_document_check;
ALTER TABLE consents DROP COLUMN document_language, DROP COLUMN document_translation_id, DROP COLUMN document_template_id;
DROP TABLE document_templates;
`.execute(db);
}
