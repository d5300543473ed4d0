// The one place that changes a case's state: lock the row, check permission and row version,
// compute the next snapshot with the pure statechart, store it, append one event and one audit row.
import { randomUUID } from "node:crypto";
import { type Kysely, type Transaction, sql } from "kysely";
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
import { writeAudit } from "./audit";
import type { ClientChanges } from "./clients";
import type { Database } from "./schema";
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

/** Local calendar date in Germany for a timestamp (YYYY-MM-DD). */
export function berlinDate(at: Date | string): string {
  return BERLIN_DATE.format(new Date(at));
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

/** The definition of a target group valid on a date: the highest version whose valid_from has passed. */
export async function currentDefinition(
  db: Kysely<Database> | Transaction<Database>,
  code: TargetGroup,
  onDate: string,
) {
  const row = await db
    .selectFrom("target_group_definitions")
    .select(["id", "code", "version", "rules"])
    .where("code", "=", code)
    .where("valid_from", "<=", onDate)
    .orderBy("version", "desc")
    .executeTakeFirst();
  if (!row) return undefined;
  const definition: TargetGroupDefinition = { code: row.code, version: row.version, rules: row.rules as TargetGroupRules };
  return { id: row.id, definition };
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
  const facts: ClassificationFacts = {
    birthDate: client.birth_date,
    birthDateEstimated: client.birth_date_estimated,
    intakeDate: onDate,
    residenceStatus: client.residence_status,
    referralSource: row.referral_source,
    increasedNeedDocumented: row.increased_need_documented,
    unaccompanied: client.unaccompanied,
  };
  return {
    event: { type: command.type, targetGroup: command.targetGroup, definition: found.definition, facts, at },
    definitionId: found.id,
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
      await trx
        .insertInto("contacts")
        .values({
          case_id: caseId,
          contact_type: event.contactType as ContactType,
          with_interpreter: details.withInterpreter ?? false,
          occurred_at: event.at,
          minutes: event.minutes,
          note: details.note ?? null,
          created_by: by,
        })
        .execute();
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
    const { type, ...payload } = built.event;
    const inserted = await trx
      .insertInto("case_events")
      .values({
        case_id: row.id,
        seq: rowVersion,
        type,
        payload: JSON.stringify(payload),
        from_state: row.state,
        to_state: result.phase,
        actor_id: actorId(actor),
        occurred_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeAudit(trx, {
      actorId: actorId(actor),
      actorRole: actorRole(actor),
      action: "case.event",
      objectType: "case",
      objectId: row.id,
      outcome: "allowed",
      detail: { event: type, from: row.state, to: result.phase },
    });
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
    await trx
      .insertInto("clients")
      .values({
        id: client.id,
        aktenzeichen,
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
      })
      .execute();
    const caseId = randomUUID();
    const snapshot = createCaseSnapshot({ caseId, caseManagerId: input.caseManagerId, reopenPeriodDays }, at);
    await trx
      .insertInto("cases")
      .values({
        id: caseId,
        client_id: client.id,
        referral_source: input.referralSource,
        referral_municipality_id: input.referralMunicipalityId,
        increased_need_documented: input.increasedNeedDocumented,
        organisation_id: opener.organisation_id,
        ...derivedColumns(snapshot),
        snapshot: JSON.stringify(persistCaseSnapshot(snapshot)),
        machine_version: CASE_MACHINE_VERSION,
        row_version: 1,
        opened_at: at,
      })
      .execute();
    await trx
      .insertInto("case_events")
      .values({
        case_id: caseId,
        seq: 1,
        type: "CASE_OPENED",
        payload: JSON.stringify({ caseManagerId: input.caseManagerId, reopenPeriodDays, at, ...(imported ? { imported } : {}) }),
        from_state: null,
        to_state: phaseOf(snapshot),
        actor_id: actor.id,
        occurred_at: at,
      })
      .execute();
    await writeAudit(trx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "case.create",
      objectType: "case",
      objectId: caseId,
      outcome: "allowed",
    });
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
