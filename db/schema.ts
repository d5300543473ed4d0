// The one typed view of the database. Kept by hand; tests/integration/schema.test.ts checks it
// against the migrated schema, column by column.
import type { ColumnType, Generated, GeneratedAlways, Insertable, Selectable, Updateable } from "kysely";
import type { DocumentKind } from "../workflows/documents";
import type {
  CasePhase,
  ClosureReason,
  ConsentGiver,
  ContactType,
  CoordinationAccess,
  DecisionStatus,
  FindingPriority,
  FindingStatus,
  Gender,
  GoalStatus,
  IdentityStep,
  NeedDomain,
  NeedLevel,
  OrganisationKind,
  PartnerKind,
  ReferralSource,
  ReferralStatus,
  ResidenceDocumentSource,
  ResidenceStatus,
  Role,
  TargetGroup,
} from "../workflows/vocabulary";

/** timestamptz: read as Date, written as Date or ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** date: read as 'YYYY-MM-DD' (type parser set in connection.ts). */
type DateString = string;
/** numeric: pg returns a string; parse deliberately. */
type Numeric = ColumnType<string, string | number, string | number>;
type Json = ColumnType<unknown, string, string>;

export interface MunicipalitiesTable {
  id: Generated<number>;
  name: string;
  district: string;
  official_key: string | null;
}

export interface OrganisationsTable {
  id: Generated<number>;
  name: string;
  kind: OrganisationKind;
  municipality_id: number | null;
  /** What the KIM coordination may see of this organisation's cases (migration 0007). */
  coordination_access: ColumnType<CoordinationAccess, CoordinationAccess | undefined, CoordinationAccess>;
}

export interface UsersTable {
  id: Generated<string>;
  username: string;
  display_name: string;
  email: string | null;
  password_hash: string;
  role: Role;
  organisation_id: number;
  fte: Numeric | null;
  active: Generated<boolean>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  /** base32 TOTP secret; never selected outside db/second-factor.ts. Null until set up (migration 0005). */
  totp_secret: ColumnType<string | null, string | null | undefined, string | null>;
  totp_enabled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The last accepted TOTP time step; that step and earlier ones are refused. */
  totp_last_step: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  expires_at: Timestamp;
  created_at: GeneratedTimestamp;
}

export interface LoginAttemptsTable {
  id: Generated<number>;
  username: string;
  address: string;
  success: boolean;
  attempted_at: GeneratedTimestamp;
}

export type LoginChallengePurpose = "verify" | "enroll";

/** A sign-in between the correct password and the second factor (migration 0005). */
export interface LoginChallengesTable {
  /** SHA-256 (hex) of the random id the cookie carries; the id itself is never stored. */
  id_hash: string;
  user_id: string;
  purpose: LoginChallengePurpose;
  /** The secret being set up (purpose "enroll"); copied to users.totp_secret after a correct code. */
  pending_secret: string | null;
  redirect_to: string | null;
  failed_attempts: Generated<number>;
  created_at: GeneratedTimestamp;
  expires_at: Timestamp;
}

export interface SettingsTable {
  key: string;
  value: Json;
  updated_at: GeneratedTimestamp;
  updated_by: string | null;
}

export interface TargetGroupDefinitionsTable {
  id: Generated<number>;
  code: TargetGroup;
  version: number;
  name: string;
  description: string;
  rules: Json;
  valid_from: DateString;
  created_by: string | null;
  created_at: GeneratedTimestamp;
}

export interface ClientsTable {
  id: Generated<string>;
  aktenzeichen: string;
  first_name: string;
  last_name: string;
  birth_date: DateString | null;
  birth_date_estimated: Generated<boolean>;
  gender: Gender;
  nationality: string | null;
  languages: Generated<string[]>;
  interpreter_needed: Generated<boolean>;
  municipality_id: number;
  residence_status: ResidenceStatus;
  arrival_date: DateString | null;
  unaccompanied: Generated<boolean>;
  phone: string | null;
  email: string | null;
  address: string | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  anonymised_at: Timestamp | null;
}

export interface CasesTable {
  id: Generated<string>;
  client_id: string;
  case_manager_id: string | null;
  deputy_id: string | null;
  /**
   * The organisation the case belongs to (migration 0007): a trigger sets it to the case manager's
   * organisation whenever case_manager_id is written; without a case manager the writer names it.
   */
  organisation_id: ColumnType<number, number | undefined, number | undefined>;
  target_group: TargetGroup | null;
  target_group_definition_id: number | null;
  referral_source: ReferralSource;
  referral_municipality_id: number | null;
  increased_need_documented: Generated<boolean>;
  state: CasePhase;
  snapshot: Json;
  machine_version: string;
  row_version: Generated<number>;
  opened_at: Timestamp;
  first_contact_at: Timestamp | null;
  closed_at: Timestamp | null;
  closure_reason: ClosureReason | null;
  reclassification_required: "umf_volljaehrig" | "aufenthaltstitel" | null;
  updated_at: GeneratedTimestamp;
  /**
   * Due date of the case's next open Wiedervorlage (migration 0025): kept by triggers on follow_ups, never
   * written by the app (a bulk seed writes the same value in its COPY); null without an open one.
   */
  next_follow_up_on: ColumnType<DateString | null, DateString | null | undefined, never>;
  /**
   * The client's Aktenzeichen (migration 0026): a trigger sets it from the client at every insert and move
   * to another client, never written by the app (a bulk seed writes the same value in its COPY).
   */
  aktenzeichen: ColumnType<string, string | undefined, never>;
}

export interface CaseEventsTable {
  id: Generated<number>;
  case_id: string;
  seq: number;
  type: string;
  payload: Json;
  from_state: CasePhase | null;
  to_state: CasePhase;
  actor_id: string | null;
  occurred_at: Timestamp;
}

export interface AssessmentsTable {
  id: Generated<string>;
  case_id: string;
  need_domain: NeedDomain;
  level: NeedLevel;
  note: string | null;
  assessed_at: Timestamp;
  assessed_by: string | null;
}

export interface GoalsTable {
  id: Generated<string>;
  case_id: string;
  need_domain: NeedDomain;
  title: string;
  description: string | null;
  status: ColumnType<GoalStatus, GoalStatus | undefined, GoalStatus>;
  agreed_at: Timestamp;
  target_date: DateString | null;
  evaluated_at: Timestamp | null;
  evaluation_note: string | null;
  created_by: string | null;
}

export interface PartnersTable {
  id: Generated<number>;
  name: string;
  kind: PartnerKind;
  municipality_id: number | null;
  contact_person: string | null;
  phone: string | null;
  email: string | null;
  address: string | null;
  active: Generated<boolean>;
}

export interface ConsentsTable {
  id: Generated<string>;
  client_id: string;
  partner_id: number;
  scope: string;
  given_at: DateString;
  given_by: ConsentGiver;
  given_by_name: string | null;
  valid_until: DateString | null;
  revoked_at: Timestamp | null;
  recorded_by: string | null;
  created_at: GeneratedTimestamp;
  /** The German template version the client signed (migration 0017), null when recorded without a document. */
  document_template_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** The translation printed beside it (null when German only). */
  document_translation_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** Language of the signed document (`de` when German only). */
  document_language: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Versioned templates of the documents for the client (migration 0017): no client data. */
export interface DocumentTemplatesTable {
  id: Generated<number>;
  kind: DocumentKind;
  language: string;
  version: number;
  title: string;
  body: string;
  created_by: string | null;
  created_at: GeneratedTimestamp;
  reviewed_by: ColumnType<string | null, string | null | undefined, string | null>;
  reviewed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface ReferralsTable {
  id: Generated<string>;
  case_id: string;
  partner_id: number;
  goal_id: string | null;
  need_domain: NeedDomain;
  status: ColumnType<ReferralStatus, ReferralStatus | undefined, ReferralStatus>;
  snapshot: Json;
  machine_version: string;
  row_version: Generated<number>;
  shares_data: Generated<boolean>;
  consent_id: string | null;
  legal_basis: string | null;
  note: string | null;
  decline_reason: string | null;
  planned_at: Timestamp;
  sent_at: Timestamp | null;
  accepted_at: Timestamp | null;
  ended_at: Timestamp | null;
  created_by: string | null;
}

export interface ContactsTable {
  id: Generated<string>;
  case_id: string;
  contact_type: ContactType;
  with_interpreter: Generated<boolean>;
  occurred_at: Timestamp;
  minutes: number;
  note: string | null;
  created_by: string | null;
}

export interface FollowUpsTable {
  id: Generated<string>;
  case_id: string;
  due_on: DateString;
  note: string;
  done_at: Timestamp | null;
  created_by: string | null;
  created_at: GeneratedTimestamp;
  /** A deadline reminder created by the daily job (migration 0015): unique per case. */
  deadline_key: ColumnType<string | null, string | null | undefined, string | null>;
}

/**
 * One residence document of a client (migration 0015): the residence status as a dated history. The
 * current status is the row with superseded_at null (a trigger keeps clients.residence_status equal to it).
 */
export interface ResidenceDocumentsTable {
  id: Generated<string>;
  client_id: string;
  /** The case through which it was recorded (null: from the migration without a case, or by trigger). */
  case_id: string | null;
  status: ResidenceStatus;
  issued_on: DateString | null;
  valid_until: DateString | null;
  authority_partner_id: number | null;
  note: string | null;
  source: ColumnType<ResidenceSource, ResidenceSource | undefined, never>;
  /** Set by trigger: the status this row replaced. */
  previous_status: ColumnType<ResidenceStatus | null, never, never>;
  recorded_at: GeneratedTimestamp;
  recorded_by: string | null;
  superseded_at: ColumnType<Date | null, never, Date | null>;
  /** Generated: end of the 18 months of a § 104c from its issue date, otherwise valid_until. */
  deadline_on: ColumnType<DateString | null, never, never>;
}

export type ResidenceSource = ResidenceDocumentSource;

export interface IdentityStepsTable {
  id: Generated<string>;
  case_id: string;
  step: IdentityStep;
  occurred_on: DateString;
  note: string | null;
  created_by: string | null;
  created_at: GeneratedTimestamp;
}

export interface StructuralFindingsTable {
  id: Generated<string>;
  title: string;
  description: string;
  need_domain: NeedDomain;
  affected_cases: number;
  municipality_id: number | null;
  target_group: TargetGroup | null;
  status: ColumnType<FindingStatus, FindingStatus | undefined, FindingStatus>;
  priority: FindingPriority | null;
  reported_by: string | null;
  reported_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

/** A published (suppressed) report frozen for a meeting (migration 0016): append-only. */
export interface ReportEditionsTable {
  id: Generated<number>;
  meeting_on: DateString;
  period_from: DateString;
  period_to: DateString;
  /** The report's normalised search string (period, filters, split). */
  query: string;
  /** Canonical JSON of the published report, the page is drawn from it. */
  content: string;
  /** SHA-256 (hex) of `content`. */
  content_hash: string;
  csv: string;
  xlsx: Uint8Array;
  created_by: string;
  created_at: GeneratedTimestamp;
}

/** A decision of the Lenkungsgruppe on a structural finding and its follow-up (migration 0016). */
export interface FindingDecisionsTable {
  id: Generated<number>;
  finding_id: string;
  decided_on: DateString;
  decision: string;
  responsible_body: string;
  due_on: DateString;
  status: ColumnType<DecisionStatus, DecisionStatus | undefined, DecisionStatus>;
  recorded_by: string;
  recorded_at: GeneratedTimestamp;
  updated_by: string | null;
  updated_at: GeneratedTimestamp;
}

/** A transfer of a case to another organisation with its basis (migration 0007). */
export interface OrganisationTransfersTable {
  id: Generated<number>;
  case_id: string;
  from_organisation_id: number;
  to_organisation_id: number;
  consent_given_on: DateString | null;
  consent_given_by: ConsentGiver | null;
  legal_basis: string | null;
  recorded_by: string | null;
  recorded_at: GeneratedTimestamp;
}

export type AuditOutcome = "allowed" | "denied" | "error";

export interface AuditLogTable {
  id: Generated<number>;
  at: GeneratedTimestamp;
  actor_id: string | null;
  actor_role: Role | null;
  action: string;
  object_type: string;
  object_id: string | null;
  outcome: AuditOutcome;
  detail: Json | null;
  /** The case the row is about (detail.caseId), generated by the database (migration 0021). */
  case_id: GeneratedAlways<string | null>;
}

/** One claimed run of a once-a-day job (db/jobs/once-per-day.ts). */
export interface JobRunsTable {
  job: string;
  /** The Berlin calendar day the run is for. */
  run_date: DateString;
  /** host:pid of the instance that claimed the day. */
  instance: string;
  started_at: GeneratedTimestamp;
  finished_at: Timestamp | null;
  result: Json | null;
}

/** An uploaded case list (migration 0018): its rows as read, the mapping, progress and rejections. */
export interface ImportJobsTable {
  id: Generated<string>;
  created_by: string;
  file_name: string;
  source: string;
  detected: string;
  headers: Json;
  rows: Json | null;
  mapping: Json | null;
  formula_cells: Generated<number>;
  status: Generated<"entwurf" | "laeuft" | "fertig" | "fehlgeschlagen">;
  total: number;
  processed: Generated<number>;
  imported: Generated<number>;
  skipped: Generated<number>;
  rejected: Generated<number>;
  rejections: Json | null;
  created_at: GeneratedTimestamp;
  started_at: Timestamp | null;
  updated_at: GeneratedTimestamp;
  finished_at: Timestamp | null;
}

/** The external key of each imported list row (idempotency of re-imports). */
export interface ImportRowsTable {
  external_key: string;
  case_id: string;
  job_id: string | null;
  row_number: number;
  created_at: GeneratedTimestamp;
}

export interface Database {
  municipalities: MunicipalitiesTable;
  organisations: OrganisationsTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  login_challenges: LoginChallengesTable;
  settings: SettingsTable;
  target_group_definitions: TargetGroupDefinitionsTable;
  clients: ClientsTable;
  cases: CasesTable;
  case_events: CaseEventsTable;
  assessments: AssessmentsTable;
  goals: GoalsTable;
  partners: PartnersTable;
  consents: ConsentsTable;
  document_templates: DocumentTemplatesTable;
  referrals: ReferralsTable;
  contacts: ContactsTable;
  follow_ups: FollowUpsTable;
  residence_documents: ResidenceDocumentsTable;
  identity_steps: IdentityStepsTable;
  structural_findings: StructuralFindingsTable;
  report_editions: ReportEditionsTable;
  finding_decisions: FindingDecisionsTable;
  audit_log: AuditLogTable;
  organisation_transfers: OrganisationTransfersTable;
  report_cases: ReportCasesTable;
  report_case_intervals: ReportCaseIntervalsTable;
  report_residence_transition_facts: ReportResidenceTransitionFactsTable;
  report_residence_deadline_facts: ReportResidenceDeadlineFactsTable;
  job_runs: JobRunsTable;
  import_jobs: ImportJobsTable;
  import_rows: ImportRowsTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Client = Selectable<ClientsTable>;
export type NewClient = Insertable<ClientsTable>;
export type Case = Selectable<CasesTable>;
export type NewCase = Insertable<CasesTable>;
export type CaseEventRow = Selectable<CaseEventsTable>;
export type NewCaseEvent = Insertable<CaseEventsTable>;
export type Goal = Selectable<GoalsTable>;
export type Partner = Selectable<PartnersTable>;
export type Consent = Selectable<ConsentsTable>;
export type Referral = Selectable<ReferralsTable>;
export type Contact = Selectable<ContactsTable>;
export type FollowUp = Selectable<FollowUpsTable>;
export type IdentityStepRow = Selectable<IdentityStepsTable>;
export type StructuralFinding = Selectable<StructuralFindingsTable>;
export type TargetGroupDefinitionRow = Selectable<TargetGroupDefinitionsTable>;

// Evaluation tables and views for the Lenkungsgruppe report (migrations 0002, 0006, 0013 and 0019). The tables are
// kept in step by database triggers and are read-only for the app; the views stay out of `Database`,
// which lists exactly the base tables (tests/integration/schema.test.ts); report queries use
// `db.withTables<ReportViews>()`. Read-only: no Insertable/Updateable.
type DateOnly = ColumnType<DateString, never, never>;
type ReadTimestamp = ColumnType<Date, never, never>;
type ReadOnly<T> = ColumnType<T, never, never>;

/** One narrow row per case with what the evaluation reads (trigger on cases and clients). */
export interface ReportCasesTable {
  case_id: ReadOnly<string>;
  client_id: ReadOnly<string>;
  target_group: ReadOnly<TargetGroup | null>;
  municipality_id: ReadOnly<number>;
  referral_source: ReadOnly<ReferralSource>;
  state: ReadOnly<CasePhase>;
  opened_at: ReadTimestamp;
  first_contact_at: ReadOnly<Date | null>;
  closed_at: ReadOnly<Date | null>;
  closure_reason: ReadOnly<ClosureReason | null>;
  /** the case's current organisation (cases.organisation_id) */
  organisation_id: ReadOnly<number>;
  /** the calendar days (Europe/Berlin) of opened_at, first_contact_at and closed_at (generated, 0024) */
  opened_on: DateOnly;
  first_contact_on: ReadOnly<DateString | null>;
  closed_on: ReadOnly<DateString | null>;
}

/** The open intervals of every case (trigger on case_events, from the view report_case_pieces_live). */
export interface ReportCaseIntervalsTable {
  case_id: ReadOnly<string>;
  /** seq of the lifecycle event that starts the interval */
  seq: ReadOnly<number>;
  case_manager_id: ReadOnly<string | null>;
  from_on: DateOnly;
  to_on: ReadOnly<DateString | null>;
  target_group: ReadOnly<TargetGroup | null>;
  municipality_id: ReadOnly<number>;
  referral_source: ReadOnly<ReferralSource>;
  organisation_id: ReadOnly<number>;
}

/** A move to a secure residence status, per case of the client open on the day (migration 0019). */
export interface ReportResidenceTransitionFactsTable {
  document_id: ReadOnly<string>;
  case_id: ReadOnly<string>;
  client_id: ReadOnly<string>;
  moved_on: DateOnly;
  permit_group: ReadOnly<string>;
  target_group: ReadOnly<TargetGroup | null>;
  municipality_id: ReadOnly<number>;
  referral_source: ReadOnly<ReferralSource>;
  organisation_id: ReadOnly<number>;
}

/** A residence deadline, per case of the client open on it, and whether it was met (migration 0019). */
export interface ReportResidenceDeadlineFactsTable {
  document_id: ReadOnly<string>;
  case_id: ReadOnly<string>;
  client_id: ReadOnly<string>;
  deadline_on: DateOnly;
  met: ReadOnly<boolean>;
  target_group: ReadOnly<TargetGroup | null>;
  municipality_id: ReadOnly<number>;
  referral_source: ReadOnly<ReferralSource>;
  organisation_id: ReadOnly<number>;
}
type IntakeDecision = "aufgenommen" | "nicht_zustaendig" | "keine_zielgruppe" | "offen";

export interface ReportCaseFactsView {
  case_id: string;
  target_group: TargetGroup | null;
  municipality_id: number;
  referral_source: ReferralSource;
  state: CasePhase;
  opened_at: ReadTimestamp;
  opened_on: DateOnly;
  first_contact_at: ReadTimestamp | null;
  days_to_first_contact: number | null;
  closed_at: ReadTimestamp | null;
  closure_reason: ClosureReason | null;
  duration_days: number | null;
  intake_decision: IntakeDecision;
  organisation_id: number;
  closed_on: ReadOnly<DateString | null>;
}

export interface ReportGoalFactsView {
  goal_id: string;
  need_domain: NeedDomain;
  status: GoalStatus;
  evaluated_at: ReadTimestamp;
  target_group: TargetGroup | null;
  municipality_id: number;
  referral_source: ReferralSource;
  organisation_id: number;
}

export interface ReportReferralFactsView {
  referral_id: string;
  need_domain: NeedDomain;
  status: ReferralStatus;
  ended_at: ReadTimestamp;
  target_group: TargetGroup | null;
  municipality_id: number;
  referral_source: ReferralSource;
  organisation_id: number;
}

export interface ReportIdentityFactsView {
  case_id: string;
  clarified_on: DateOnly;
  target_group: TargetGroup | null;
  municipality_id: number;
  referral_source: ReferralSource;
  organisation_id: number;
}

export interface ReportUmfTransitionsView {
  event_id: number;
  occurred_at: ReadTimestamp;
  target_group: TargetGroup;
  municipality_id: number;
  referral_source: ReferralSource;
  organisation_id: number;
}

export interface ReportFindingsView {
  finding_id: string;
  need_domain: NeedDomain;
  status: FindingStatus;
  affected_cases: number;
  municipality_id: number | null;
  target_group: TargetGroup | null;
  reported_at: ReadTimestamp;
}

/** Open intervals [from_on, to_on) of a case with its case manager (null = unassigned intake). */
export interface ReportOpenIntervalsView {
  case_id: string;
  /** seq of the lifecycle event that starts the interval */
  seq: number;
  case_manager_id: string | null;
  from_on: DateOnly;
  to_on: DateOnly | null;
  target_group: TargetGroup | null;
  municipality_id: number;
  referral_source: ReferralSource;
  organisation_id: number;
}

export interface ReportResidenceTransitionsView {
  document_id: string;
  case_id: string;
  moved_on: DateOnly;
  permit_group: string;
  target_group: TargetGroup | null;
  municipality_id: number;
  referral_source: ReferralSource;
  organisation_id: number;
}

export interface ReportResidenceDeadlinesView {
  document_id: string;
  case_id: string;
  deadline_on: DateOnly;
  met: boolean;
  target_group: TargetGroup | null;
  municipality_id: number;
  referral_source: ReferralSource;
  organisation_id: number;
}

export type ReportViews = {
  /** report_residence_transition_facts (kept by trigger, migration 0019). */
  report_residence_transitions: ReportResidenceTransitionsView;
  /** report_residence_deadline_facts (kept by trigger, migration 0019). */
  report_residence_deadlines: ReportResidenceDeadlinesView;
  /** The transition definition computed on every read (reference for the kept one). */
  report_residence_transitions_live: ReportResidenceTransitionsView;
  /** The deadline definition computed on every read (reference for the kept one). */
  report_residence_deadlines_live: ReportResidenceDeadlinesView;
  report_case_facts: ReportCaseFactsView;
  report_goal_facts: ReportGoalFactsView;
  report_referral_facts: ReportReferralFactsView;
  report_identity_facts: ReportIdentityFactsView;
  report_umf_transitions: ReportUmfTransitionsView;
  report_findings: ReportFindingsView;
  /** The interval definition computed from the event log on every read (reference for the kept one). */
  report_open_intervals_live: ReportOpenIntervalsView;
  /** report_case_intervals (kept by trigger) with the case's current dimensions. */
  report_open_intervals: ReportOpenIntervalsView;
};

export type ReportDatabase = Database & ReportViews;
