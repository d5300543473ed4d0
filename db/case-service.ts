// The one place that changes a case's state: lock the row, check permission and row version,
// compute the next snapshot with the pure statechart, store it, append one event and one audit row.
import { randomUUID } from "node:crypto";
import { type Insertable, type Kysely, type Transaction, sql } from "kysely";
import {
  CASE_MACHINE_VERSION,
  type CaseEvent,
  type CaseSnapshot,
  applyCaseTransition,
  createCaseSnapshot,
  persistCaseSnapshot,
  phaseOf,
  restoreCaseSnapshot,
} from "../workflows/case-machine";
import { hasPermission, mayAssignCases } from "../workflows/permissions";
import type { ClassificationFacts, TargetGroupDefinition, TargetGroupRules } from "../workflows/target-groups";
import {
  CASE_PHASES,
  type CasePhase,
  type ConsentGiver,
  type ContactType,
  type ReferralSource,
  type Role,
  type TargetGroup,
} from "../workflows/vocabulary";
import { type Actor, CASE_MANAGER_REFUSALS, caseContentWritableBy, caseVisibleTo, checkCaseManagerFor } from "./access";
import { keepPlan } from "./query-cost";
import { type AuditEntry, writeAudit, writeAuditMany } from "./audit";
import type { ClientChanges } from "./clients";
import type { CaseEventsTable, ClientsTable, ContactsTable, Database } from "./schema";
import { getSetting } from "./settings";

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The system itself (the daily job): sees every case, has no user id. */
export const SYSTEM_ACTOR = { id: null, role: "system" } as const;
export type ServiceActor = Actor | typeof SYSTEM_ACTOR;

/**
 * What a caller asks for: a machine event without its time; CLASSIFY and RECLASSIFY name only the
 * target group, the service adds the current definition and the person's facts from the database.
 */
export type CaseCommand =
  | DistributiveOmit<Exclude<CaseEvent, { type: "CLASSIFY" | "RECLASSIFY" }>, "at">
  | { type: "CLASSIFY" | "RECLASSIFY"; targetGroup: TargetGroup };

/** Data that belongs to an event but not to the state machine (texts, dates), stored in domain tables. */
export interface CaseEventDetails {
  note?: string | null;
  withInterpreter?: boolean;
  goalTitle?: string;
  goalDescription?: string | null;
  goalTargetDate?: string | null;
  /** Date of an identity-clarification step (YYYY-MM-DD); defaults to the event's day. */
  occurredOn?: string;
}

export type ApplyCaseEventResult =
  | { ok: true; rowVersion: number; phase: CasePhase; previousPhase: CasePhase; eventId: number }
  | {
      ok: false;
      status: 404 | 403 | 409 | 422;
      reason: "not_found" | "forbidden" | "stale" | "not_allowed" | "guard_failed";
      message: string;
      currentRowVersion?: number;
      currentPhase?: CasePhase;
    };

export const STALE_MESSAGE =
  "Der Fall wurde inzwischen geändert. Bitte prüfen Sie den aktuellen Stand; Ihre Eingaben sind erhalten geblieben.";

const BERLIN_DATE = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Berlin" });

const HOUR = 3_600_000;
/** Berlin dates by UTC hour: since 1893 German time is a whole number of hours ahead of UTC and switches
 * on the hour, so the local date is the same for every instant of one UTC hour. Only instants from 1970
 * on are kept (older ones are formatted each time). Bounded: cleared when full. */
const berlinDateByHour = new Map<number, string>();

/** Local calendar date in Germany for a timestamp (YYYY-MM-DD). */
export function berlinDate(at: Date | string): string {
  const ms = new Date(at).getTime();
  if (!(ms >= 0)) return BERLIN_DATE.format(ms); // before 1970, or invalid (throws Intl's RangeError)
  const hour = Math.floor(ms / HOUR);
  let date = berlinDateByHour.get(hour);
  if (date === undefined) {
    if (berlinDateByHour.size >= 50_000) berlinDateByHour.clear();
    date = BERLIN_DATE.format(ms);
    berlinDateByHour.set(hour, date);
  }
  return date;
}

function actorId(actor: ServiceActor): string | null {
  return actor.id;
}

function actorRole(actor: ServiceActor): Role | null {
  return actor.role === "system" ? null : actor.role;
}

/**
 * May the actor ask for this step on a case they can see? `writable` is caseContentWritableBy for the
 * locked row. Transfers need an assign permission (coordinators, Teamleitung); naming a deputy is
 * content work of the case manager or an assignment; everything else is content work.
 */
function mayWrite(actor: ServiceActor, command: CaseCommand, writable: boolean): boolean {
  if (actor.role === "system") return command.type === "FLAG_RECLASSIFICATION";
  if (command.type === "TRANSFER") return mayAssignCases(actor.role);
  if (command.type === "SET_DEPUTY") return writable || mayAssignCases(actor.role);
  return writable;
}

/**
 * The basis of a transfer to a case manager of another organisation (Fallübergabe an einen anderen
 * Träger): the client's consent to that organisation, or a legal basis a coordinator documents.
 */
export type OrganisationTransferBasis =
  | { consentGivenOn: string; consentGivenBy: ConsentGiver }
  | { legalBasis: string };

export const CROSS_ORGANISATION_MESSAGES = {
  needsBasis:
    "Die Übergabe an einen anderen Träger braucht die Einwilligung der Klient*in für diesen Träger (oder eine von der Koordination dokumentierte Rechtsgrundlage).",
  deputyFirst: "Bitte entfernen Sie zuerst die Vertretung: Sie gehört zum bisherigen Träger.",
} as const;

type Refusal = Extract<ApplyCaseEventResult, { ok: false }>;

/**
 * Checks the user a TRANSFER or SET_DEPUTY names (checkCaseManagerFor, db/access.ts) against the
 * case's organisation. Returns a 422 refusal, the target's organisation for a transfer, or null.
 */
async function checkNamedCaseManager(
  trx: Transaction<Database>,
  actor: ServiceActor,
  row: { organisation_id: number; row_version: number; deputy_id: string | null },
  command: CaseCommand,
  basis: OrganisationTransferBasis | undefined,
): Promise<Refusal | { organisationId: number } | null> {
  const refuse = (message: string): Refusal => ({
    ok: false,
    status: 422,
    reason: "guard_failed",
    message,
    currentRowVersion: row.row_version,
  });
  if (command.type === "SET_DEPUTY" && command.deputyId !== null) {
    const found = await checkCaseManagerFor(trx, { userId: command.deputyId, organisationId: row.organisation_id, purpose: "deputy" });
    return found.ok ? null : refuse(found.message);
  }
  if (command.type !== "TRANSFER") return null;
  const found = await checkCaseManagerFor(trx, { userId: command.toCaseManagerId, organisationId: null, purpose: "transfer" });
  if (!found.ok) return refuse(found.message);
  if (found.organisationId === row.organisation_id) return { organisationId: found.organisationId };
  // another organisation: only the coordination, with the client's consent or a legal basis
  if (actor.role === "system" || !hasPermission(actor.role, "assign:case:any")) return refuse(CASE_MANAGER_REFUSALS.transfer);
  if (!basis) return refuse(CROSS_ORGANISATION_MESSAGES.needsBasis);
  if (row.deputy_id !== null) return refuse(CROSS_ORGANISATION_MESSAGES.deputyFirst);
  return { organisationId: found.organisationId };
}

/** A target-group definition as stored, with the first day it is valid. */
export type TargetGroupDefinitionRow = { id: number; validFrom: string; definition: TargetGroupDefinition };

/** The stored definitions (of one target group, or of all), for definitionOn. */
export async function loadTargetGroupDefinitions(
  db: Kysely<Database> | Transaction<Database>,
  code?: TargetGroup,
): Promise<TargetGroupDefinitionRow[]> {
  return toTargetGroupDefinitions(await targetGroupDefinitionsQuery(db, code).modifyEnd(keepPlan).execute());
}

/** The query of loadTargetGroupDefinitions, for a page that reads it inside a larger statement (jsonArrayFrom). */
export function targetGroupDefinitionsQuery(db: Kysely<Database> | Transaction<Database>, code?: TargetGroup) {
  return db
    .selectFrom("target_group_definitions")
    .select(["id", "code", "version", "rules", "valid_from"])
    .$if(code !== undefined, (q) => q.where("code", "=", code as TargetGroup));
}

/** The rows of targetGroupDefinitionsQuery (read directly or as JSON) as the definitions they hold. */
export function toTargetGroupDefinitions(
  rows: readonly { id: number; code: TargetGroup; version: number; rules: unknown; valid_from: string }[],
): TargetGroupDefinitionRow[] {
  return rows.map((d) => ({
    id: d.id,
    validFrom: String(d.valid_from).slice(0, 10),
    definition: { code: d.code, version: d.version, rules: d.rules as TargetGroupRules },
  }));
}

/** The definition of a target group valid on a date: the highest version whose valid_from has passed. */
export function definitionOn(definitions: TargetGroupDefinitionRow[], code: TargetGroup, onDate: string): TargetGroupDefinitionRow | undefined {
  let best: TargetGroupDefinitionRow | undefined;
  for (const d of definitions) {
    if (d.definition.code === code && d.validFrom <= onDate && (!best || d.definition.version > best.definition.version)) best = d;
  }
  return best;
}

/** The definition of a target group valid on a date (definitionOn, read from the database). */
export async function currentDefinition(
  db: Kysely<Database> | Transaction<Database>,
  code: TargetGroup,
  onDate: string,
): Promise<{ id: number; definition: TargetGroupDefinition } | undefined> {
  const found = definitionOn(await loadTargetGroupDefinitions(db, code), code, onDate);
  return found ? { id: found.id, definition: found.definition } : undefined;
}

type LockedCase = {
  id: string;
  client_id: string;
  state: CasePhase;
  row_version: number;
  snapshot: unknown;
  opened_at: Date;
  referral_source: ReferralSource;
  increased_need_documented: boolean;
};

/** The person's facts a target-group guard reads, on the date it decides for. */
function classificationFacts(
  client: { birth_date: string | null; birth_date_estimated: boolean; residence_status: ClassificationFacts["residenceStatus"]; unaccompanied: boolean },
  row: { referral_source: ReferralSource; increased_need_documented: boolean },
  onDate: string,
): ClassificationFacts {
  return {
    birthDate: client.birth_date,
    birthDateEstimated: client.birth_date_estimated,
    intakeDate: onDate,
    residenceStatus: client.residence_status,
    referralSource: row.referral_source,
    increasedNeedDocumented: row.increased_need_documented,
    unaccompanied: client.unaccompanied,
  };
}

async function buildEvent(
  trx: Transaction<Database>,
  row: LockedCase,
  command: CaseCommand,
  at: string,
): Promise<{ event: CaseEvent; definitionId: number | null } | { error: string }> {
  if (command.type !== "CLASSIFY" && command.type !== "RECLASSIFY") {
    return { event: { ...command, at } as CaseEvent, definitionId: null };
  }
  const onDate = command.type === "CLASSIFY" ? berlinDate(row.opened_at) : berlinDate(at);
  const found = await currentDefinition(trx, command.targetGroup, berlinDate(at));
  if (!found) return { error: "Für diese Zielgruppe gibt es keine gültige Definition." };
  const client = await trx
    .selectFrom("clients")
    .select(["birth_date", "birth_date_estimated", "residence_status", "unaccompanied"])
    .where("id", "=", row.client_id)
    .executeTakeFirstOrThrow();
  const facts = classificationFacts(client, row, onDate);
  return {
    event: { type: command.type, targetGroup: command.targetGroup, definition: found.definition, facts, at },
    definitionId: found.id,
  };
}

/** The contacts row of a RECORD_CONTACT event. */
function contactValues(
  caseId: string,
  event: Extract<CaseEvent, { type: "RECORD_CONTACT" }>,
  details: CaseEventDetails,
  by: string | null,
): Insertable<ContactsTable> {
  return {
    case_id: caseId,
    contact_type: event.contactType as ContactType,
    with_interpreter: details.withInterpreter ?? false,
    occurred_at: event.at,
    minutes: event.minutes,
    note: details.note ?? null,
    created_by: by,
  };
}

/** Rows outside the statechart that an event creates or changes, in the same transaction. */
async function writeEventRecords(
  trx: Transaction<Database>,
  caseId: string,
  event: CaseEvent,
  details: CaseEventDetails,
  actor: ServiceActor,
) {
  const by = actorId(actor);
  switch (event.type) {
    case "RECORD_CONTACT":
      await trx.insertInto("contacts").values(contactValues(caseId, event, details, by)).execute();
      return;
    case "RECORD_ASSESSMENT":
      await trx
        .insertInto("assessments")
        .values({
          case_id: caseId,
          need_domain: event.domain,
          level: event.level,
          note: details.note ?? null,
          assessed_at: event.at,
          assessed_by: by,
        })
        .onConflict((oc) =>
          oc.columns(["case_id", "need_domain"]).doUpdateSet({
            level: event.level,
            note: details.note ?? null,
            assessed_at: event.at,
            assessed_by: by,
          }),
        )
        .execute();
      return;
    case "AGREE_GOAL":
      await trx
        .insertInto("goals")
        .values({
          id: event.goalId,
          case_id: caseId,
          need_domain: event.domain,
          title: details.goalTitle?.trim() || "Ziel",
          description: details.goalDescription ?? null,
          target_date: details.goalTargetDate ?? null,
          agreed_at: event.at,
          created_by: by,
        })
        .execute();
      return;
    case "EVALUATE_GOAL":
      await trx
        .updateTable("goals")
        .set({ status: event.result, evaluated_at: event.at, evaluation_note: details.note ?? null })
        .where("id", "=", event.goalId)
        .where("case_id", "=", caseId)
        .execute();
      return;
    case "RECORD_IDENTITY_STEP":
      await trx
        .insertInto("identity_steps")
        .values({
          case_id: caseId,
          step: event.step,
          occurred_on: details.occurredOn ?? berlinDate(event.at),
          note: details.note ?? null,
          created_by: by,
        })
        .execute();
      return;
    default:
      return;
  }
}

/** The cases columns that mirror the snapshot (so lists and reports need no jsonb). */
function derivedColumns(snapshot: CaseSnapshot) {
  const c = snapshot.context;
  return {
    state: phaseOf(snapshot),
    case_manager_id: c.caseManagerId,
    deputy_id: c.deputyId,
    target_group: c.targetGroup,
    first_contact_at: c.firstContactAt,
    closed_at: c.closedAt,
    closure_reason: c.closureReason,
    reclassification_required: c.reclassificationRequired,
  };
}

export interface ApplyCaseEventInput {
  caseId: string;
  expectedRowVersion: number;
  command: CaseCommand;
  details?: CaseEventDetails;
  /** When the event happened; defaults to now. */
  at?: string;
  /** Only for a TRANSFER to another organisation: the client's consent or a documented legal basis. */
  organisationTransfer?: OrganisationTransferBasis;
}

/**
 * Applies one event to one case. Refusals come back as data with an HTTP status and a German message:
 * 404 not visible to the actor (audited as denied), 403 not permitted, 409 stale row version or a step
 * the current phase does not offer, 422 a failed guard.
 */
export async function applyCaseEvent(
  db: Kysely<Database>,
  actor: ServiceActor,
  input: ApplyCaseEventInput,
): Promise<ApplyCaseEventResult> {
  const outcome = await db.transaction().execute((trx) => applyCaseEventIn(trx, actor, input));
  if (!outcome.ok) {
    await writeAudit(db, {
      actorId: actorId(actor),
      actorRole: actorRole(actor),
      action: "case.event",
      objectType: "case",
      objectId: input.caseId,
      outcome: "denied",
      detail: { event: input.command.type, reason: outcome.reason },
    });
  }
  return outcome;
}

/**
 * applyCaseEvent inside a transaction the caller holds (the import replays several historical steps
 * of one case atomically). A refusal writes nothing here; the caller rolls back and records it.
 */
export async function applyCaseEventIn(
  trx: Transaction<Database>,
  actor: ServiceActor,
  input: ApplyCaseEventInput,
): Promise<ApplyCaseEventResult> {
  const at = input.at ?? new Date().toISOString();
  {
    const row = await trx
      .selectFrom("cases")
      .select([
        "id",
        "client_id",
        "state",
        "row_version",
        "snapshot",
        "opened_at",
        "referral_source",
        "increased_need_documented",
        "organisation_id",
        "deputy_id",
        (eb) => sql<boolean>`${actor.role === "system" ? eb.lit(true) : caseContentWritableBy(eb, actor as Actor)}`.as("writable"),
      ])
      .where("id", "=", input.caseId)
      .$if(actor.role !== "system", (qb) => qb.where((eb) => caseVisibleTo(eb, actor as Actor)))
      .forUpdate()
      .executeTakeFirst();
    if (!row) {
      return { ok: false, status: 404, reason: "not_found", message: "Der Fall wurde nicht gefunden." };
    }
    if (!mayWrite(actor, input.command, row.writable === true)) {
      return {
        ok: false,
        status: 403,
        reason: "forbidden",
        message: "Für diesen Schritt fehlt Ihnen die Berechtigung.",
        currentRowVersion: row.row_version,
        currentPhase: row.state,
      };
    }
    if (row.row_version !== input.expectedRowVersion) {
      return {
        ok: false,
        status: 409,
        reason: "stale",
        message: STALE_MESSAGE,
        currentRowVersion: row.row_version,
        currentPhase: row.state,
      };
    }
    const named = await checkNamedCaseManager(trx, actor, row, input.command, input.organisationTransfer);
    if (named && "ok" in named) return named;
    const built = await buildEvent(trx, row, input.command, at);
    if ("error" in built) {
      return { ok: false, status: 422, reason: "guard_failed", message: built.error, currentRowVersion: row.row_version };
    }
    const snapshot = restoreCaseSnapshot(row.snapshot);
    const result = applyCaseTransition(snapshot, built.event);
    if (!result.ok) {
      return {
        ok: false,
        status: result.kind === "not_allowed" ? 409 : 422,
        reason: result.kind,
        message: result.message,
        currentRowVersion: row.row_version,
        currentPhase: row.state,
      };
    }
    // Row-level security (migration 0014): the case stays in this transaction's sight even when the step
    // takes it out of the actor's (a transfer to an organisation the coordination may not see, a deputy
    // stepping down): the row was locked above as visible and writable.
    await sql`SELECT set_config('kim.case_in_hand', ${row.id}, true)`.execute(trx);
    const rowVersion = row.row_version + 1;
    const classified = built.definitionId !== null ? { target_group_definition_id: built.definitionId } : {};
    await trx
      .updateTable("cases")
      .set({
        ...derivedColumns(result.snapshot),
        ...classified,
        snapshot: JSON.stringify(persistCaseSnapshot(result.snapshot)),
        machine_version: CASE_MACHINE_VERSION,
        row_version: rowVersion,
        updated_at: new Date(),
      })
      .where("id", "=", row.id)
      .execute();
    await writeEventRecords(trx, row.id, built.event, input.details ?? {}, actor);
    if (named && named.organisationId !== row.organisation_id && input.organisationTransfer) {
      await recordOrganisationTransfer(trx, actor, row, named.organisationId, input.organisationTransfer);
    }
    const inserted = await trx
      .insertInto("case_events")
      .values(caseEventRow(row.id, rowVersion, built.event, row.state, result.phase, actorId(actor)))
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeAudit(trx, caseEventAudit(actor, row.id, built.event.type, row.state, result.phase));
    return { ok: true, rowVersion, phase: result.phase, previousPhase: row.state, eventId: inserted.id };
  }
}

/** The record and audit row of a transfer to another organisation (the case row moved by trigger). */
async function recordOrganisationTransfer(
  trx: Transaction<Database>,
  actor: ServiceActor,
  row: { id: string; organisation_id: number },
  toOrganisationId: number,
  basis: OrganisationTransferBasis,
) {
  await trx
    .insertInto("organisation_transfers")
    .values({
      case_id: row.id,
      from_organisation_id: row.organisation_id,
      to_organisation_id: toOrganisationId,
      consent_given_on: "consentGivenOn" in basis ? basis.consentGivenOn : null,
      consent_given_by: "consentGivenBy" in basis ? basis.consentGivenBy : null,
      legal_basis: "legalBasis" in basis ? basis.legalBasis : null,
      recorded_by: actorId(actor),
    })
    .execute();
  await writeAudit(trx, {
    actorId: actorId(actor),
    actorRole: actorRole(actor),
    action: "case.transfer_organisation",
    objectType: "case",
    objectId: row.id,
    outcome: "allowed",
    detail: {
      from: row.organisation_id,
      to: toOrganisationId,
      basis: "legalBasis" in basis ? "legal_basis" : "consent",
    },
  });
}

export interface OpenCaseInput {
  /** The personal data of the new client: the same fields the client file edits later. */
  client: ClientChanges;
  referralSource: ReferralSource;
  referralMunicipalityId: number | null;
  increasedNeedDocumented: boolean;
  /** The responsible case manager; null puts the intake into the coordinators' queue. */
  caseManagerId: string | null;
  /** The residence document the person shows at intake: its dates (the status is client.residenceStatus). */
  residenceDocument?: { issuedOn: string | null; validUntil: string | null };
}

/** A new Aktenzeichen: KIM-<year>-<running number>. */
export async function nextAktenzeichen(db: Kysely<Database> | Transaction<Database>, at: string): Promise<string> {
  const { rows } = await sql<{ n: number }>`SELECT nextval('aktenzeichen_seq') AS n`.execute(db);
  const n = Number(rows[0]?.n);
  return `KIM-${berlinDate(at).slice(0, 4)}-${String(n).padStart(5, "0")}`;
}

/** Creates client and case in intake, with the CASE_OPENED event and an audit row, in one transaction. */
export async function openCase(
  db: Kysely<Database>,
  actor: Actor,
  input: OpenCaseInput,
  at: string = new Date().toISOString(),
): Promise<{ caseId: string; clientId: string; aktenzeichen: string }> {
  if (!hasPermission(actor.role, "create:case:own")) throw new Error("actor may not open cases");
  const reopenPeriodDays = await getSetting(db, "reopen_period_days");
  return db.transaction().execute((trx) => openCaseIn(trx, actor, input, at, reopenPeriodDays));
}

/** Where an imported case came from (kept in its CASE_OPENED event: the history marks it "importiert"). */
export interface ImportOrigin {
  jobId: string;
  fileName: string;
  rowNumber: number;
}

/** openCase inside a transaction the caller holds (the import). */
export async function openCaseIn(
  trx: Transaction<Database>,
  actor: Actor,
  input: OpenCaseInput,
  at: string,
  reopenPeriodDays: number,
  imported?: ImportOrigin,
): Promise<{ caseId: string; clientId: string; aktenzeichen: string }> {
  if (!hasPermission(actor.role, "create:case:own")) throw new Error("actor may not open cases");
  {
    // An intake without a case manager belongs to the organisation that opened it; with one, the
    // trigger of migration 0007 puts the case into the case manager's organisation.
    const opener = await trx.selectFrom("users").select("organisation_id").where("id", "=", actor.id).executeTakeFirstOrThrow();
    const aktenzeichen = await nextAktenzeichen(trx, at);
    const c = input.client;
    // The id is made here, not RETURNING: row-level security shows a client only through a visible case,
    // and the case does not exist yet.
    const client = { id: randomUUID() };
    await trx.insertInto("clients").values(clientValues(client.id, aktenzeichen, c)).execute();
    const caseId = randomUUID();
    const snapshot = createCaseSnapshot({ caseId, caseManagerId: input.caseManagerId, reopenPeriodDays }, at);
    await trx
      .insertInto("cases")
      .values({
        ...caseValues(caseId, client.id, input, opener.organisation_id, at),
        ...derivedColumns(snapshot),
        snapshot: JSON.stringify(persistCaseSnapshot(snapshot)),
        row_version: 1,
      })
      .execute();
    await trx.insertInto("case_events").values(caseOpenedEvent(actor, caseId, input, at, reopenPeriodDays, snapshot, imported)).execute();
    await writeAudit(trx, caseCreatedAudit(actor, caseId));
    // The client's first residence document (added by the trigger of migration 0015) gets the case and
    // the dates the intake form recorded.
    await trx
      .updateTable("residence_documents")
      .set({
        case_id: caseId,
        recorded_by: actor.id,
        issued_on: input.residenceDocument?.issuedOn ?? null,
        valid_until: input.residenceDocument?.validUntil ?? null,
      })
      .where("client_id", "=", client.id)
      .where("superseded_at", "is", null)
      .execute();
    return { caseId, clientId: client.id, aktenzeichen };
  }
}

/** The clients row of a new intake. */
function clientValues(id: string, aktenzeichen: string, c: ClientChanges): Insertable<ClientsTable> {
  return { id, aktenzeichen, ...clientColumns(c) };
}

/** The clients columns of the personal data (an intake, an edit in the client file). */
export function clientColumns(c: ClientChanges) {
  return {
    first_name: c.firstName,
    last_name: c.lastName,
    birth_date: c.birthDate,
    birth_date_estimated: c.birthDateEstimated,
    gender: c.gender,
    nationality: c.nationality,
    languages: c.languages,
    interpreter_needed: c.interpreterNeeded,
    municipality_id: c.municipalityId,
    residence_status: c.residenceStatus,
    arrival_date: c.arrivalDate,
    unaccompanied: c.unaccompanied,
    phone: c.phone,
    email: c.email,
    address: c.address,
  };
}

/** The cases columns of a new case that do not come from its snapshot. */
function caseValues(caseId: string, clientId: string, input: OpenCaseInput, organisationId: number, at: string) {
  return {
    id: caseId,
    client_id: clientId,
    referral_source: input.referralSource,
    referral_municipality_id: input.referralMunicipalityId,
    increased_need_documented: input.increasedNeedDocumented,
    organisation_id: organisationId,
    machine_version: CASE_MACHINE_VERSION,
    opened_at: at,
  };
}

/** The CASE_OPENED event row (seq 1) of a new case. */
function caseOpenedEvent(
  actor: Actor,
  caseId: string,
  input: OpenCaseInput,
  at: string,
  reopenPeriodDays: number,
  snapshot: CaseSnapshot,
  imported: ImportOrigin | undefined,
): Insertable<CaseEventsTable> {
  return {
    case_id: caseId,
    seq: 1,
    type: "CASE_OPENED",
    payload: JSON.stringify({ caseManagerId: input.caseManagerId, reopenPeriodDays, at, ...(imported ? { imported } : {}) }),
    from_state: null,
    to_state: phaseOf(snapshot),
    actor_id: actor.id,
    occurred_at: at,
  };
}

/** The case_events row of a step (seq = the case's row version after it): the event without its type as payload. */
function caseEventRow(
  caseId: string,
  seq: number,
  event: CaseEvent,
  from: CasePhase,
  to: CasePhase,
  by: string | null,
): Insertable<CaseEventsTable> {
  const { type, ...payload } = event;
  return { case_id: caseId, seq, type, payload: JSON.stringify(payload), from_state: from, to_state: to, actor_id: by, occurred_at: event.at };
}

function caseCreatedAudit(actor: Actor, caseId: string): AuditEntry {
  return { actorId: actor.id, actorRole: actor.role, action: "case.create", objectType: "case", objectId: caseId, outcome: "allowed" };
}

function caseEventAudit(actor: ServiceActor, caseId: string, type: string, from: CasePhase, to: CasePhase): AuditEntry {
  return {
    actorId: actorId(actor),
    actorRole: actorRole(actor),
    action: "case.event",
    objectType: "case",
    objectId: caseId,
    outcome: "allowed",
    detail: { event: type, from, to },
  };
}

// ---------------------------------------------------------------------------
// Cases with a history from before the app (the import), set-based

/** A case that existed before the app: its intake at `openedAt`, then its historical steps in order. */
export interface HistoricalCaseInput {
  open: OpenCaseInput;
  openedAt: string;
  steps: { command: CaseCommand; details?: CaseEventDetails; at: string }[];
  imported: ImportOrigin;
}

export type HistoricalCaseResult =
  | { ok: true; caseId: string; clientId: string; aktenzeichen: string }
  | { ok: false; message: string };

/**
 * The commands openHistoricalCasesIn writes: their only rows outside the statechart are contacts, and
 * none names another user (checkNamedCaseManager) or reads other rows. Anything else goes through
 * applyCaseEventIn.
 */
const HISTORICAL_COMMANDS = new Set<CaseCommand["type"]>([
  "RECORD_CONTACT",
  "CLASSIFY",
  "REJECT_NOT_ELIGIBLE",
  "CLOSE_NOT_TARGET_GROUP",
  "BEGIN_CLOSURE",
  "CLOSE",
  "PAUSE",
]);

type HistoricalEvent = { event: CaseEvent; details: CaseEventDetails; from: CasePhase; to: CasePhase };

/**
 * Runs one historical case through the pure statechart in memory, exactly as applyCaseEventIn would step
 * by step (the same events, CLASSIFY with the definition valid on its day and the person's facts): the
 * events and the final snapshot, or the German message of the first step the machine refuses.
 */
function replayHistoricalCase(
  input: HistoricalCaseInput,
  caseId: string,
  reopenPeriodDays: number,
  definitions: TargetGroupDefinitionRow[],
): { ok: true; snapshot: CaseSnapshot; opened: CaseSnapshot; events: HistoricalEvent[]; definitionId: number | null } | { ok: false; message: string } {
  const opened = createCaseSnapshot({ caseId, caseManagerId: input.open.caseManagerId, reopenPeriodDays }, input.openedAt);
  let snapshot = opened;
  let definitionId: number | null = null;
  const events: HistoricalEvent[] = [];
  const c = input.open.client;
  for (const step of input.steps) {
    const command = step.command;
    if (!HISTORICAL_COMMANDS.has(command.type)) throw new Error(`${command.type} is not written by openHistoricalCasesIn`);
    let event: CaseEvent;
    if (command.type === "CLASSIFY") {
      const found = definitionOn(definitions, command.targetGroup, berlinDate(step.at));
      if (!found) return { ok: false, message: "Für diese Zielgruppe gibt es keine gültige Definition." };
      const facts = classificationFacts(
        { birth_date: c.birthDate, birth_date_estimated: c.birthDateEstimated, residence_status: c.residenceStatus, unaccompanied: c.unaccompanied },
        { referral_source: input.open.referralSource, increased_need_documented: input.open.increasedNeedDocumented },
        berlinDate(input.openedAt),
      );
      event = { type: command.type, targetGroup: command.targetGroup, definition: found.definition, facts, at: step.at };
      definitionId = found.id;
    } else {
      event = { ...command, at: step.at } as CaseEvent;
    }
    const result = applyCaseTransition(snapshot, event);
    if (!result.ok) return { ok: false, message: result.message };
    events.push({ event, details: step.details ?? {}, from: phaseOf(snapshot), to: result.phase });
    snapshot = result.snapshot;
  }
  return { ok: true, snapshot, opened, events, definitionId };
}

/** Inserts rows in statements of at most `size` rows (PostgreSQL takes at most 65,535 parameters). */
async function insertChunked<T>(rows: T[], size: number, insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

/** Thrown when a historical case would not be writable by the actor: the caller falls back to the case service. */
export class HistoricalCaseNotWritable extends Error {}

/**
 * The set-based counterpart of openCaseIn + applyCaseEventIn for many cases with a history (the import):
 * each case's events and final snapshot come from the pure statechart (replayHistoricalCase); a case the
 * machine refuses is left out with its German message. The others are written with one multi-row INSERT
 * per table: clients, cases (final snapshot, row version 1 + steps), case_events (all in one statement, so
 * the report's statement triggers see each case's whole history at once), contacts, audit rows (case.create
 * and one case.event per step, as the case service writes them), residence documents linked to the case.
 * Row-level security as in the case service: the cases must be visible to and writable by the actor (else
 * HistoricalCaseNotWritable, nothing is kept when the caller rolls back).
 */
export async function openHistoricalCasesIn(
  trx: Transaction<Database>,
  actor: Actor,
  inputs: HistoricalCaseInput[],
  reopenPeriodDays: number,
): Promise<HistoricalCaseResult[]> {
  if (!hasPermission(actor.role, "create:case:own")) throw new Error("actor may not open cases");
  if (inputs.length === 0) return [];
  const [opener, definitions] = await Promise.all([
    trx.selectFrom("users").select("organisation_id").where("id", "=", actor.id).executeTakeFirstOrThrow(),
    loadTargetGroupDefinitions(trx),
  ]);
  // Each result: the machine's refusal, or (filled in below) the case written.
  const results: HistoricalCaseResult[] = [];
  const planned: {
    input: HistoricalCaseInput;
    caseId: string;
    clientId: string;
    aktenzeichen: string;
    resultIndex: number;
    replay: Extract<ReturnType<typeof replayHistoricalCase>, { ok: true }>;
  }[] = [];
  for (const input of inputs) {
    const caseId = randomUUID();
    const replay = replayHistoricalCase(input, caseId, reopenPeriodDays, definitions);
    if (replay.ok) planned.push({ input, caseId, clientId: randomUUID(), aktenzeichen: "", resultIndex: results.length, replay });
    results.push(replay.ok ? { ok: true, caseId, clientId: "", aktenzeichen: "" } : replay);
  }
  if (planned.length === 0) return results;
  const numbers = await sql<{ n: number }>`SELECT nextval('aktenzeichen_seq') AS n FROM generate_series(1, ${planned.length})`.execute(trx);
  planned.forEach((p, i) => {
    p.aktenzeichen = `KIM-${berlinDate(p.input.openedAt).slice(0, 4)}-${String(Number(numbers.rows[i]?.n)).padStart(5, "0")}`;
    results[p.resultIndex] = { ok: true, caseId: p.caseId, clientId: p.clientId, aktenzeichen: p.aktenzeichen };
  });

  await insertChunked(planned.map((p) => clientValues(p.clientId, p.aktenzeichen, p.input.open.client)), 1000, (chunk) =>
    trx.insertInto("clients").values(chunk).execute(),
  );
  await insertChunked(
    planned.map((p) => ({
      ...caseValues(p.caseId, p.clientId, p.input.open, opener.organisation_id, p.input.openedAt),
      ...derivedColumns(p.replay.snapshot),
      ...(p.replay.definitionId !== null ? { target_group_definition_id: p.replay.definitionId } : {}),
      snapshot: JSON.stringify(persistCaseSnapshot(p.replay.snapshot)),
      row_version: 1 + p.replay.events.length,
    })),
    1000,
    (chunk) => trx.insertInto("cases").values(chunk).execute(),
  );
  // As applyCaseEventIn locks each case: visible to the actor and its content writable by them.
  const stepped = planned.filter((p) => p.replay.events.length > 0).map((p) => p.caseId);
  if (stepped.length > 0) {
    const writable = await trx
      .selectFrom("cases")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("id", "in", stepped)
      .where((eb) => eb.and([caseVisibleTo(eb, actor), caseContentWritableBy(eb, actor)]))
      .executeTakeFirstOrThrow();
    if (Number(writable.n) !== stepped.length) throw new HistoricalCaseNotWritable("historical case not writable by the actor");
  }
  // The clients' first residence documents (trigger of migration 0015) get their case, as in openCaseIn.
  await trx
    .updateTable("residence_documents")
    .from("cases")
    .set((eb) => ({ case_id: eb.ref("cases.id"), recorded_by: actor.id, issued_on: null, valid_until: null }))
    .whereRef("cases.client_id", "=", "residence_documents.client_id")
    .where("cases.id", "in", planned.map((p) => p.caseId))
    .where("residence_documents.superseded_at", "is", null)
    .execute();

  const events: Insertable<CaseEventsTable>[] = [];
  const contacts: Insertable<ContactsTable>[] = [];
  const audit: AuditEntry[] = [];
  for (const p of planned) {
    events.push(caseOpenedEvent(actor, p.caseId, p.input.open, p.input.openedAt, reopenPeriodDays, p.replay.opened, p.input.imported));
    audit.push(caseCreatedAudit(actor, p.caseId));
    p.replay.events.forEach(({ event, details, from, to }, i) => {
      events.push(caseEventRow(p.caseId, i + 2, event, from, to, actor.id));
      if (event.type === "RECORD_CONTACT") contacts.push(contactValues(p.caseId, event, details, actor.id));
      audit.push(caseEventAudit(actor, p.caseId, event.type, from, to));
    });
  }
  // One statement for all events (up to 7,000 rows: 8 parameters each), so the statement triggers run once.
  await insertChunked(events, 7000, (chunk) => trx.insertInto("case_events").values(chunk).execute());
  await insertChunked(contacts, 1000, (chunk) => trx.insertInto("contacts").values(chunk).execute());
  await writeAuditMany(trx, audit);

  return results;
}

/**
 * Rebuilds a case's snapshot from its event log alone (CASE_OPENED, then every event in seq order).
 * Throws when the log contains an event the machine refuses: a stored history must be one it allows.
 */
export function replayCaseEvents(
  caseId: string,
  events: { seq: number; type: string; payload: unknown }[],
): CaseSnapshot {
  const [first, ...rest] = [...events].sort((a, b) => a.seq - b.seq);
  if (!first || first.type !== "CASE_OPENED") throw new Error(`case ${caseId}: log does not start with CASE_OPENED`);
  const opened = first.payload as { caseManagerId: string | null; reopenPeriodDays: number; at: string };
  let snapshot = createCaseSnapshot(
    { caseId, caseManagerId: opened.caseManagerId, reopenPeriodDays: opened.reopenPeriodDays },
    opened.at,
  );
  for (const e of rest) {
    const result = applyCaseTransition(snapshot, { type: e.type, ...(e.payload as object) } as CaseEvent);
    if (!result.ok) throw new Error(`case ${caseId}: event ${e.seq} ${e.type} refused on replay: ${result.message}`);
    snapshot = result.snapshot;
  }
  return snapshot;
}

export function phaseLabel(phase: CasePhase): string {
  return CASE_PHASES.label[phase];
}
