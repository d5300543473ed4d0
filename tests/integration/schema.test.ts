// The hand-written Database interface (db/schema.ts) and the vocabulary (workflows/vocabulary.ts) must
// agree with what the migrations create. SCHEMA_COLUMNS is checked by tsc against the interface (every
// column, nothing extra, nullability included) and by this test against information_schema.
import { type Kysely, type Selectable, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { AuditOutcome, Database, LoginChallengePurpose } from "../../db/schema";
import {
  CASE_PHASES,
  CLOSURE_REASONS,
  CONSENT_GIVERS,
  CONTACT_TYPES,
  COORDINATION_ACCESS,
  DECISION_STATUSES,
  FINDING_PRIORITIES,
  FINDING_STATUSES,
  GENDERS,
  GOAL_STATUSES,
  IDENTITY_STEPS,
  NEED_DOMAINS,
  NEED_LEVELS,
  ORGANISATION_KINDS,
  PARTNER_KINDS,
  RECLASSIFICATION_REASONS,
  REFERRAL_SOURCES,
  REFERRAL_STATUSES,
  RESIDENCE_DOCUMENT_SOURCES,
  RESIDENCE_STATUSES,
  ROLES,
  TARGET_GROUPS,
  IMPORT_JOB_STATUSES,
} from "../../workflows/vocabulary";
import { DOCUMENT_KINDS } from "../../workflows/documents";
import { type TestDatabase, createTestDatabase } from "./db";
import { insertCase, insertOrganisation, insertUser } from "./fixtures";

type NullMark = "null" | "not null";
/** jsonb columns read as `unknown`, which says nothing about null: either mark passes tsc, the test decides. */
type Nullability<Row> = {
  [C in keyof Row]-?: unknown extends Row[C] ? NullMark : null extends Row[C] ? "null" : "not null";
};

/**
 * Every table and column of the Database interface with its nullability. tsc rejects a missing or
 * extra table or column and a wrong nullability, so this constant cannot drift from db/schema.ts.
 */
export const SCHEMA_COLUMNS: { [T in keyof Database]: Nullability<Selectable<Database[T]>> } = {
  municipalities: { id: "not null", name: "not null", district: "not null", official_key: "null" },
  report_editions: {
    id: "not null",
    meeting_on: "not null",
    period_from: "not null",
    period_to: "not null",
    query: "not null",
    content: "not null",
    content_hash: "not null",
    csv: "not null",
    xlsx: "not null",
    created_by: "not null",
    created_at: "not null",
  },
  finding_decisions: {
    id: "not null",
    finding_id: "not null",
    decided_on: "not null",
    decision: "not null",
    responsible_body: "not null",
    due_on: "not null",
    status: "not null",
    recorded_by: "not null",
    recorded_at: "not null",
    updated_by: "null",
    updated_at: "not null",
  },
  organisations: { id: "not null", name: "not null", kind: "not null", municipality_id: "null", coordination_access: "not null" },
  users: {
    id: "not null",
    username: "not null",
    display_name: "not null",
    email: "null",
    password_hash: "not null",
    role: "not null",
    organisation_id: "not null",
    fte: "null",
    active: "not null",
    created_at: "not null",
    updated_at: "not null",
    totp_secret: "null",
    totp_enabled_at: "null",
    totp_last_step: "null",
  },
  sessions: { id: "not null", user_id: "not null", expires_at: "not null", created_at: "not null" },
  login_attempts: {
    id: "not null",
    username: "not null",
    address: "not null",
    success: "not null",
    attempted_at: "not null",
  },
  login_challenges: {
    id_hash: "not null",
    user_id: "not null",
    purpose: "not null",
    pending_secret: "null",
    redirect_to: "null",
    failed_attempts: "not null",
    created_at: "not null",
    expires_at: "not null",
  },
  settings: { key: "not null", value: "not null", updated_at: "not null", updated_by: "null" },
  target_group_definitions: {
    id: "not null",
    code: "not null",
    version: "not null",
    name: "not null",
    description: "not null",
    rules: "not null",
    valid_from: "not null",
    created_by: "null",
    created_at: "not null",
  },
  clients: {
    id: "not null",
    aktenzeichen: "not null",
    first_name: "not null",
    last_name: "not null",
    birth_date: "null",
    birth_date_estimated: "not null",
    gender: "not null",
    nationality: "null",
    languages: "not null",
    interpreter_needed: "not null",
    municipality_id: "not null",
    residence_status: "not null",
    arrival_date: "null",
    unaccompanied: "not null",
    phone: "null",
    email: "null",
    address: "null",
    created_at: "not null",
    updated_at: "not null",
    anonymised_at: "null",
  },
  cases: {
    id: "not null",
    client_id: "not null",
    case_manager_id: "null",
    deputy_id: "null",
    organisation_id: "not null",
    target_group: "null",
    target_group_definition_id: "null",
    referral_source: "not null",
    referral_municipality_id: "null",
    increased_need_documented: "not null",
    state: "not null",
    snapshot: "not null",
    machine_version: "not null",
    row_version: "not null",
    opened_at: "not null",
    first_contact_at: "null",
    closed_at: "null",
    closure_reason: "null",
    reclassification_required: "null",
    updated_at: "not null",
    next_follow_up_on: "null",
    aktenzeichen: "not null",
  },
  case_events: {
    id: "not null",
    case_id: "not null",
    seq: "not null",
    type: "not null",
    payload: "not null",
    from_state: "null",
    to_state: "not null",
    actor_id: "null",
    occurred_at: "not null",
  },
  assessments: {
    id: "not null",
    case_id: "not null",
    need_domain: "not null",
    level: "not null",
    note: "null",
    assessed_at: "not null",
    assessed_by: "null",
  },
  goals: {
    id: "not null",
    case_id: "not null",
    need_domain: "not null",
    title: "not null",
    description: "null",
    status: "not null",
    agreed_at: "not null",
    target_date: "null",
    evaluated_at: "null",
    evaluation_note: "null",
    created_by: "null",
  },
  partners: {
    id: "not null",
    name: "not null",
    kind: "not null",
    municipality_id: "null",
    contact_person: "null",
    phone: "null",
    email: "null",
    address: "null",
    active: "not null",
  },
  consents: {
    id: "not null",
    client_id: "not null",
    partner_id: "not null",
    scope: "not null",
    given_at: "not null",
    given_by: "not null",
    given_by_name: "null",
    valid_until: "null",
    revoked_at: "null",
    recorded_by: "null",
    created_at: "not null",
    document_template_id: "null",
    document_translation_id: "null",
    document_language: "null",
  },
  document_templates: {
    id: "not null",
    kind: "not null",
    language: "not null",
    version: "not null",
    title: "not null",
    body: "not null",
    created_by: "null",
    created_at: "not null",
    reviewed_by: "null",
    reviewed_at: "null",
  },
  referrals: {
    id: "not null",
    case_id: "not null",
    partner_id: "not null",
    goal_id: "null",
    need_domain: "not null",
    status: "not null",
    snapshot: "not null",
    machine_version: "not null",
    row_version: "not null",
    shares_data: "not null",
    consent_id: "null",
    legal_basis: "null",
    note: "null",
    decline_reason: "null",
    planned_at: "not null",
    sent_at: "null",
    accepted_at: "null",
    ended_at: "null",
    created_by: "null",
  },
  contacts: {
    id: "not null",
    case_id: "not null",
    contact_type: "not null",
    with_interpreter: "not null",
    occurred_at: "not null",
    minutes: "not null",
    note: "null",
    created_by: "null",
  },
  follow_ups: {
    id: "not null",
    case_id: "not null",
    due_on: "not null",
    note: "not null",
    done_at: "null",
    created_by: "null",
    created_at: "not null",
    deadline_key: "null",
  },
  residence_documents: {
    id: "not null",
    client_id: "not null",
    case_id: "null",
    status: "not null",
    issued_on: "null",
    valid_until: "null",
    authority_partner_id: "null",
    note: "null",
    source: "not null",
    previous_status: "null",
    recorded_at: "not null",
    recorded_by: "null",
    superseded_at: "null",
    deadline_on: "null",
  },
  identity_steps: {
    id: "not null",
    case_id: "not null",
    step: "not null",
    occurred_on: "not null",
    note: "null",
    created_by: "null",
    created_at: "not null",
  },
  structural_findings: {
    id: "not null",
    title: "not null",
    description: "not null",
    need_domain: "not null",
    affected_cases: "not null",
    municipality_id: "null",
    target_group: "null",
    status: "not null",
    priority: "null",
    reported_by: "null",
    reported_at: "not null",
    updated_at: "not null",
  },
  audit_log: {
    id: "not null",
    at: "not null",
    actor_id: "null",
    actor_role: "null",
    action: "not null",
    object_type: "not null",
    object_id: "null",
    outcome: "not null",
    detail: "null",
    case_id: "null",
  },
  import_jobs: {
    id: "not null",
    created_by: "not null",
    file_name: "not null",
    source: "not null",
    detected: "not null",
    headers: "not null",
    rows: "null",
    mapping: "null",
    formula_cells: "not null",
    status: "not null",
    total: "not null",
    processed: "not null",
    imported: "not null",
    skipped: "not null",
    rejected: "not null",
    rejections: "null",
    created_at: "not null",
    started_at: "null",
    updated_at: "not null",
    finished_at: "null",
  },
  import_rows: {
    external_key: "not null",
    case_id: "not null",
    job_id: "null",
    row_number: "not null",
    created_at: "not null",
  },
  job_runs: {
    job: "not null",
    run_date: "not null",
    instance: "not null",
    started_at: "not null",
    finished_at: "null",
    result: "null",
  },
  organisation_transfers: {
    id: "not null",
    case_id: "not null",
    from_organisation_id: "not null",
    to_organisation_id: "not null",
    consent_given_on: "null",
    consent_given_by: "null",
    legal_basis: "null",
    recorded_by: "null",
    recorded_at: "not null",
  },
  report_cases: {
    case_id: "not null",
    client_id: "not null",
    target_group: "null",
    municipality_id: "not null",
    referral_source: "not null",
    state: "not null",
    opened_at: "not null",
    first_contact_at: "null",
    closed_at: "null",
    closure_reason: "null",
    organisation_id: "not null",
    opened_on: "not null",
    first_contact_on: "null",
    closed_on: "null",
  },
  report_case_intervals: {
    case_id: "not null",
    seq: "not null",
    case_manager_id: "null",
    from_on: "not null",
    to_on: "null",
    target_group: "null",
    municipality_id: "not null",
    referral_source: "not null",
    organisation_id: "not null",
  },
  report_residence_transition_facts: {
    document_id: "not null",
    case_id: "not null",
    client_id: "not null",
    moved_on: "not null",
    permit_group: "not null",
    target_group: "null",
    municipality_id: "not null",
    referral_source: "not null",
    organisation_id: "not null",
  },
  report_residence_deadline_facts: {
    document_id: "not null",
    case_id: "not null",
    client_id: "not null",
    deadline_on: "not null",
    met: "not null",
    target_group: "null",
    municipality_id: "not null",
    referral_source: "not null",
    organisation_id: "not null",
  },
};

const AUDIT_OUTCOMES: Record<AuditOutcome, true> = { allowed: true, denied: true, error: true };
const LOGIN_CHALLENGE_PURPOSES: Record<LoginChallengePurpose, true> = { verify: true, enroll: true };

/**
 * Which vocabulary each enumerated CHECK constraint must list, keyed "table.column". A CHECK list in the
 * database without an entry here fails the test too, so new enumerations cannot slip past it.
 */
const ENUM_CHECKS: Record<string, readonly string[]> = {
  "organisations.kind": ORGANISATION_KINDS.values,
  "organisations.coordination_access": COORDINATION_ACCESS.values,
  "users.role": ROLES.values,
  "import_jobs.status": IMPORT_JOB_STATUSES.values,
  "finding_decisions.status": DECISION_STATUSES.values,
  "target_group_definitions.code": TARGET_GROUPS.values,
  "clients.gender": GENDERS.values,
  "clients.residence_status": RESIDENCE_STATUSES.values,
  "residence_documents.status": RESIDENCE_STATUSES.values,
  "residence_documents.source": RESIDENCE_DOCUMENT_SOURCES.values,
  "cases.target_group": TARGET_GROUPS.values,
  "cases.referral_source": REFERRAL_SOURCES.values,
  "cases.state": CASE_PHASES.values,
  "cases.closure_reason": CLOSURE_REASONS.values,
  "cases.reclassification_required": RECLASSIFICATION_REASONS.values,
  "assessments.need_domain": NEED_DOMAINS.values,
  "assessments.level": NEED_LEVELS.values,
  "goals.need_domain": NEED_DOMAINS.values,
  "goals.status": GOAL_STATUSES.values,
  "partners.kind": PARTNER_KINDS.values,
  "consents.given_by": CONSENT_GIVERS.values,
  "document_templates.kind": DOCUMENT_KINDS,
  "organisation_transfers.consent_given_by": CONSENT_GIVERS.values,
  "referrals.need_domain": NEED_DOMAINS.values,
  "referrals.status": REFERRAL_STATUSES.values,
  "contacts.contact_type": CONTACT_TYPES.values,
  "identity_steps.step": IDENTITY_STEPS.values,
  "structural_findings.need_domain": NEED_DOMAINS.values,
  "structural_findings.target_group": TARGET_GROUPS.values,
  "structural_findings.status": FINDING_STATUSES.values,
  "structural_findings.priority": FINDING_PRIORITIES.values,
  "audit_log.outcome": Object.keys(AUDIT_OUTCOMES),
  "login_challenges.purpose": Object.keys(LOGIN_CHALLENGE_PURPOSES),
};

/** Kysely's own bookkeeping tables, not part of the Database interface. */
const MIGRATOR_TABLES = new Set(["kysely_migration", "kysely_migration_lock"]);

/** `(col = ANY (ARRAY['a'::text, 'b'::text]))` — how PostgreSQL prints `col IN ('a', 'b')`. */
const IN_LIST = /\(?\(?(\w+) = ANY \(\(?ARRAY\[([^\]]*)\]\)?(?:::text\[\])?\)\)?/g;

function parseInLists(definition: string): { column: string; values: string[] }[] {
  return [...definition.matchAll(IN_LIST)].map((m) => ({
    column: m[1] ?? "",
    values: [...(m[2] ?? "").matchAll(/'((?:[^']|'')*)'/g)].map((v) => (v[1] ?? "").replace(/''/g, "'")),
  }));
}

let t: TestDatabase;
let db: Kysely<Database>;
beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
});
afterAll(async () => {
  await t?.close();
});

describe("Database interface (db/schema.ts) against the migrated schema", () => {
  test("has exactly the tables and columns of the database, with the same nullability", async () => {
    const { rows } = await sql<{ table_name: string; column_name: string; is_nullable: "YES" | "NO" }>`
      SELECT c.table_name, c.column_name, c.is_nullable
      FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
      ORDER BY c.table_name, c.column_name`.execute(db);
    const actual: Record<string, Record<string, string>> = {};
    for (const row of rows) {
      if (MIGRATOR_TABLES.has(row.table_name)) continue;
      (actual[row.table_name] ??= {})[row.column_name] = row.is_nullable === "YES" ? "null" : "not null";
    }
    const expected: Record<string, Record<string, string>> = {};
    for (const [table, columns] of Object.entries(SCHEMA_COLUMNS)) {
      expected[table] = Object.fromEntries(Object.entries(columns).sort(([a], [b]) => (a < b ? -1 : 1)));
    }
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const table of Object.keys(expected)) {
      expect({ table, columns: actual[table] }).toEqual({ table, columns: expected[table] });
    }
  });
});

describe("CHECK lists against workflows/vocabulary.ts", () => {
  test("every enumerated CHECK constraint lists exactly the vocabulary's values", async () => {
    const { rows } = await sql<{ table_name: string; definition: string }>`
      SELECT rel.relname AS table_name, pg_get_constraintdef(con.oid) AS definition
      FROM pg_constraint con
      JOIN pg_class rel ON rel.oid = con.conrelid
      JOIN pg_namespace ns ON ns.oid = rel.relnamespace
      WHERE con.contype = 'c' AND ns.nspname = current_schema()`.execute(db);
    const found: Record<string, string[]> = {};
    for (const row of rows) {
      for (const list of parseInLists(row.definition)) {
        const key = `${row.table_name}.${list.column}`;
        expect(found[key], `two CHECK lists for ${key}`).toBeUndefined();
        found[key] = [...list.values].sort();
      }
    }
    // The parser must have understood the constraints at all (guards against a changed print format).
    expect(Object.keys(found).length).toBeGreaterThanOrEqual(20);
    const expected = Object.fromEntries(Object.entries(ENUM_CHECKS).map(([key, values]) => [key, [...values].sort()]));
    expect(Object.keys(found).sort()).toEqual(Object.keys(expected).sort());
    for (const key of Object.keys(expected)) {
      expect({ column: key, values: found[key] }).toEqual({ column: key, values: expected[key] });
    }
  });

  test("the database refuses a value outside the vocabulary", async () => {
    const organisationId = await insertOrganisation(db);
    await expect(
      db
        .insertInto("users")
        .values({
          username: "not.a.role",
          display_name: "Keine Rolle",
          password_hash: "x",
          role: "superuser" as never,
          organisation_id: organisationId,
        })
        .execute(),
    ).rejects.toThrow(/check constraint/i);
  });
});

describe("append-only tables", () => {
  test("audit_log refuses UPDATE and DELETE but accepts INSERT", async () => {
    const row = await db
      .insertInto("audit_log")
      .values({ actor_id: null, actor_role: null, action: "test", object_type: "test", outcome: "allowed" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await expect(
      db.updateTable("audit_log").set({ outcome: "denied" }).where("id", "=", row.id).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom("audit_log").where("id", "=", row.id).execute()).rejects.toThrow(/append-only/);
    const after = await db.selectFrom("audit_log").select("outcome").where("id", "=", row.id).executeTakeFirst();
    expect(after).toEqual({ outcome: "allowed" });
  });

  test("case_events refuses UPDATE and DELETE but accepts INSERT", async () => {
    const organisationId = await insertOrganisation(db);
    const cm = await insertUser(db, { role: "case_manager", organisationId });
    const caseId = await insertCase(db, { caseManagerId: cm.id });
    const row = await db
      .insertInto("case_events")
      .values({ case_id: caseId, seq: 1, type: "test", payload: "{}", to_state: "intake", occurred_at: new Date() })
      .returning("id")
      .executeTakeFirstOrThrow();
    await expect(
      db.updateTable("case_events").set({ type: "changed" }).where("id", "=", row.id).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom("case_events").where("case_id", "=", caseId).execute()).rejects.toThrow(/append-only/);
    const after = await db.selectFrom("case_events").select("type").where("id", "=", row.id).executeTakeFirst();
    expect(after).toEqual({ type: "test" });
  });
});
