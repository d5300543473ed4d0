// Frozen: this migration never changes and never imports application code.
//
// Row-level security: the access rule of db/access.ts enforced a second time, by PostgreSQL.
// - Role `kim_app` (NOLOGIN, no BYPASSRLS, not a superuser, owns nothing): the app's requests run as it
//   (SET ROLE at every pooled checkout, db/connection.ts) with the actor in the settings kim.actor_id,
//   kim.actor_role and kim.actor_org. Roles belong to the whole server: created only when missing, and
//   granted to the role running the migrations (which owns the tables) so that it may SET ROLE to it.
// - Every table holding case content gets ENABLE and FORCE ROW LEVEL SECURITY and policies:
//   cases as caseVisibleTo says (case manager: own and deputy, of their organisation; Teamleitung: their
//   organisation; coordination: organisations whose agreement is not 'aggregiert'; everyone else: none);
//   clients and consents through a visible case of the client; the case's content tables through their
//   visible case; audit rows: the data-protection officer all, others those about a visible case or
//   client. Policies are about rows: which columns a pseudonymised view shows stays with the app.
//   A case the case service has locked stays in sight for the rest of that transaction (kim.case_in_hand),
//   so a step that hands it to someone the actor may not see can finish. Reads, updates and deletes are scoped; inserts are left to the app's checks (an intake inserts the
//   client before its case exists; a handover inserts its event after the case left the actor).
// - The owner (the role running this migration: the system, for migrations, seed, the daily job) keeps
//   every row through its own policy, and so do the report views it owns and the report triggers, now
//   SECURITY DEFINER. Two SECURITY DEFINER lookups let the audit viewer name the client of an audit row
//   and find a client by Aktenzeichen, for the data-protection officer only.
import { type Kysely, sql } from "kysely";

const CASE_TABLES = [
  "case_events",
  "assessments",
  "goals",
  "referrals",
  "contacts",
  "follow_ups",
  "identity_steps",
  "organisation_transfers",
] as const;

const ALL_TABLES = ["cases", "clients", "consents", "audit_log", ...CASE_TABLES] as const;

const REPORT_TRIGGER_FUNCTIONS = [
  "report_cases_sync()",
  "report_cases_client_moved()",
  "report_case_intervals_sync()",
  "report_case_intervals_dimensions()",
  "cases_follow_case_manager_organisation()",
];

const UUID_RE = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
DO $role$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kim_app') THEN
    BEGIN
      CREATE ROLE kim_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- another database of the same server created it just now
    END;
  END IF;
  IF NOT pg_has_role(current_user, 'kim_app', 'MEMBER') THEN
    EXECUTE format('GRANT kim_app TO %I', current_user);
  END IF;
END
$role$;

GRANT USAGE ON SCHEMA public TO kim_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO kim_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO kim_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO kim_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO kim_app;

-- The actor of the request (db/request-actor.ts, set by db/connection.ts); empty outside a request.
CREATE FUNCTION kim_actor_role() RETURNS text LANGUAGE sql STABLE AS
  $$ SELECT coalesce(current_setting('kim.actor_role', true), '') $$;
CREATE FUNCTION kim_actor_id() RETURNS uuid LANGUAGE sql STABLE AS
  $$ SELECT nullif(current_setting('kim.actor_id', true), '')::uuid $$;
CREATE FUNCTION kim_actor_org() RETURNS integer LANGUAGE sql STABLE AS
  $$ SELECT nullif(current_setting('kim.actor_org', true), '')::integer $$;
`.execute(db);

  for (const table of ALL_TABLES) {
    await sql`
ALTER TABLE ${sql.id(table)} ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${sql.id(table)} FORCE ROW LEVEL SECURITY;
CREATE POLICY system_all ON ${sql.id(table)} TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY app_insert ON ${sql.id(table)} FOR INSERT TO kim_app WITH CHECK (true);
`.execute(db);
  }

  // The rule of db/access.ts caseVisibleTo, over one cases row.
  const caseVisible = sql`(
    (kim_actor_role() = 'case_manager'
      AND (case_manager_id = kim_actor_id() OR deputy_id = kim_actor_id())
      AND organisation_id = coalesce(kim_actor_org(), organisation_id))
    OR (kim_actor_role() = 'team_lead' AND organisation_id = kim_actor_org())
    OR (kim_actor_role() = 'coordinator'
      AND organisation_id IN (SELECT o.id FROM organisations o WHERE o.coordination_access <> 'aggregiert'))
  )`;
  // kim.case_in_hand (set locally by the case service after locking a visible case): the rest of that
  // transaction may still read and write the case after the step took it out of the actor's sight.
  await scopedPolicies(db, "cases", sql`${caseVisible} OR id = nullif(current_setting('kim.case_in_hand', true), '')::uuid`);
  // Policies on other tables read cases as the same role: the subqueries see only visible cases.
  await scopedPolicies(db, "clients", sql`EXISTS (SELECT 1 FROM cases c WHERE c.client_id = clients.id)`);
  await scopedPolicies(db, "consents", sql`EXISTS (SELECT 1 FROM cases c WHERE c.client_id = consents.client_id)`);
  for (const table of CASE_TABLES) {
    await scopedPolicies(db, table, sql`EXISTS (SELECT 1 FROM cases c WHERE c.id = ${sql.ref(`${table}.case_id`)})`);
  }
  await sql`
CREATE POLICY app_read ON audit_log FOR SELECT TO kim_app USING (
  kim_actor_role() = 'data_protection'
  OR (object_type = 'case' AND object_id ~ ${sql.lit(UUID_RE)}
    AND EXISTS (SELECT 1 FROM cases c WHERE c.id = object_id::uuid))
  OR (detail ? 'caseId' AND detail ->> 'caseId' ~ ${sql.lit(UUID_RE)}
    AND EXISTS (SELECT 1 FROM cases c WHERE c.id = (detail ->> 'caseId')::uuid))
  OR (object_type = 'client' AND object_id ~ ${sql.lit(UUID_RE)}
    AND EXISTS (SELECT 1 FROM cases c WHERE c.client_id = object_id::uuid))
);
`.execute(db);

  for (const fn of REPORT_TRIGGER_FUNCTIONS) {
    await sql`ALTER FUNCTION ${sql.raw(fn)} SECURITY DEFINER SET search_path = public, pg_temp`.execute(db);
  }

  await sql`
-- The audit viewer (db/audit-log.ts) names the client of each row by Aktenzeichen and filters by it; the
-- data-protection officer sees no case or client row, so these two lookups read them as the owner and
-- answer only the data-protection officer and the system.
CREATE FUNCTION kim_audit_aktenzeichen(p_object_type text, p_object_id text, p_detail jsonb) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT cl.aktenzeichen FROM clients cl
  WHERE coalesce(current_setting('kim.actor_role', true), '') IN ('data_protection', 'system')
    AND cl.id = coalesce(
      (CASE WHEN p_object_type = 'client' AND p_object_id ~ ${sql.lit(UUID_RE)} THEN p_object_id END)::uuid,
      (SELECT c.client_id FROM cases c WHERE c.id = (CASE
        WHEN p_object_type = 'case' AND p_object_id ~ ${sql.lit(UUID_RE)} THEN p_object_id
        WHEN p_detail ->> 'caseId' ~ ${sql.lit(UUID_RE)} THEN p_detail ->> 'caseId'
      END)::uuid))
$$;
CREATE FUNCTION kim_audit_client_cases(p_aktenzeichen text) RETURNS TABLE (client_id uuid, case_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT cl.id, c.id FROM clients cl LEFT JOIN cases c ON c.client_id = cl.id
  WHERE coalesce(current_setting('kim.actor_role', true), '') IN ('data_protection', 'system')
    AND upper(cl.aktenzeichen) = upper(p_aktenzeichen)
$$;
REVOKE ALL ON FUNCTION kim_audit_aktenzeichen(text, text, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION kim_audit_client_cases(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kim_audit_aktenzeichen(text, text, jsonb) TO kim_app;
GRANT EXECUTE ON FUNCTION kim_audit_client_cases(text) TO kim_app;
`.execute(db);
}

/** Reads, updates and deletes by kim_app: only rows for which `visible` holds. */
async function scopedPolicies(db: Kysely<unknown>, table: string, visible: ReturnType<typeof sql>): Promise<void> {
  await sql`
CREATE POLICY app_read ON ${sql.id(table)} FOR SELECT TO kim_app USING (${visible});
CREATE POLICY app_update ON ${sql.id(table)} FOR UPDATE TO kim_app USING (${visible}) WITH CHECK (true);
CREATE POLICY app_delete ON ${sql.id(table)} FOR DELETE TO kim_app USING (${visible});
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
DROP FUNCTION IF EXISTS kim_audit_client_cases(text);
DROP FUNCTION IF EXISTS kim_audit_aktenzeichen(text, text, jsonb);
`.execute(db);
  for (const fn of REPORT_TRIGGER_FUNCTIONS) {
    await sql`ALTER FUNCTION ${sql.raw(fn)} SECURITY INVOKER RESET search_path`.execute(db);
  }
  for (const table of ALL_TABLES) {
    await sql`
DROP POLICY IF EXISTS app_read ON ${sql.id(table)};
DROP POLICY IF EXISTS app_update ON ${sql.id(table)};
DROP POLICY IF EXISTS app_delete ON ${sql.id(table)};
DROP POLICY IF EXISTS app_insert ON ${sql.id(table)};
DROP POLICY IF EXISTS system_all ON ${sql.id(table)};
ALTER TABLE ${sql.id(table)} NO FORCE ROW LEVEL SECURITY;
ALTER TABLE ${sql.id(table)} DISABLE ROW LEVEL SECURITY;
`.execute(db);
  }
  await sql`
DROP FUNCTION IF EXISTS kim_actor_org();
DROP FUNCTION IF EXISTS kim_actor_id();
DROP FUNCTION IF EXISTS kim_actor_role();
`.execute(db);
  // kim_app stays: roles belong to the whole server, other databases may use it.
}
