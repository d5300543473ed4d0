// Frozen: this migration never changes and never imports application code.
//
// The client's Aktenzeichen, kept on each of its cases. "Meine Fälle" orders a case manager's open cases
// by the next Wiedervorlage and then by Aktenzeichen, so its id query joined every one of them (201 at NRW
// scale) to its client, and each client row was checked by its row-level security policy against cases
// once more: 1,608 of the query's 1,817 buffers (bench:load, 250,000 cases). With the Aktenzeichen on the
// case, the list joins clients only for the filters and sort columns that need a client's data.
// - cases.aktenzeichen: set from the client whenever a case is inserted or moved to another client (a
//   value the writer gives is replaced), and follows the client's Aktenzeichen if that ever changes.
//   The app never writes it (a bulk seed writes the same value in its COPY).
// - SECURITY DEFINER: an intake inserts the client before its case, and until the case exists the client
//   is not visible to the app role; the functions run as the owner, whose policy sees every row (0014).
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
ALTER TABLE cases ADD COLUMN aktenzeichen text;
UPDATE cases c SET aktenzeichen = cl.aktenzeichen FROM clients cl WHERE cl.id = c.client_id;
ALTER TABLE cases ALTER COLUMN aktenzeichen SET NOT NULL;

CREATE FUNCTION cases_aktenzeichen_of_client() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  SELECT aktenzeichen INTO NEW.aktenzeichen FROM clients WHERE id = NEW.client_id;
  RETURN NEW;
END
$$;
CREATE TRIGGER cases_aktenzeichen BEFORE INSERT OR UPDATE OF client_id, aktenzeichen ON cases
  FOR EACH ROW EXECUTE FUNCTION cases_aktenzeichen_of_client();

CREATE FUNCTION clients_aktenzeichen_to_cases() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE cases SET aktenzeichen = NEW.aktenzeichen WHERE client_id = NEW.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER clients_aktenzeichen_cases AFTER UPDATE OF aktenzeichen ON clients FOR EACH ROW
  WHEN (OLD.aktenzeichen IS DISTINCT FROM NEW.aktenzeichen)
  EXECUTE FUNCTION clients_aktenzeichen_to_cases();
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
DROP TRIGGER IF EXISTS clients_aktenzeichen_cases ON clients;
DROP TRIGGER IF EXISTS cases_aktenzeichen ON cases;
DROP FUNCTION IF EXISTS clients_aktenzeichen_to_cases();
DROP FUNCTION IF EXISTS cases_aktenzeichen_of_client();
ALTER TABLE cases DROP COLUMN IF EXISTS aktenzeichen;
`.execute(db);
}
