// The client file (Fallakte): everything the page /faelle/:caseId shows, loaded in one call, scoped by
// caseVisibleTo and audited ("case.read" allowed or denied); the colleagues its deputy and transfer forms
// offer only when one of those is shown (loadCaseCandidates). Nothing here changes a case.
import { type Kysely, sql } from "kysely";
import { jsonArrayFrom } from "kysely/helpers/postgres";
import {
  type CaseEventType,
  allowedCaseEvents,
  ageOnDate,
  restoreCaseSnapshot,
} from "../workflows/case-machine";
import { hasPermission, mayAssignCases } from "../workflows/permissions";
import {
  type ReferralEventType,
  allowedReferralEvents,
  refuseConsent,
  restoreReferralSnapshot,
} from "../workflows/referral-machine";
import { type CasePhase, TARGET_GROUPS } from "../workflows/vocabulary";
import { type Actor, caseContentWritableBy, caseVisibleTo, pseudonymisedFor } from "./access";
import { writeAudit } from "./audit";
import { activePartnerOptionsQuery, municipalityOptionsQuery } from "./partners";
import { loadCaseHistory } from "./case-history";
import { berlinDate, definitionOn, targetGroupDefinitionsQuery, toTargetGroupDefinitions } from "./case-service";
import { keepPlan, onOneConnection } from "./query-cost";
import { residenceAuthoritiesQuery, residenceHistoryQuery, toResidenceDocuments } from "./residence";
import { caseDeadlines } from "../workflows/residence-deadlines";
import type { Database } from "./schema";
import { isUuid } from "../workflows/uuid";

const DAY_MS = 86_400_000;

/**
 * Case events the client file offers as forms. FLAG_RECLASSIFICATION is raised by the daily job only;
 * TRANSFER needs an assign permission (coordinators, Teamleitung), as does SET_DEPUTY for someone who
 * may not write the case's content (`writable`, caseContentWritableBy); every other step needs `writable`.
 */
export function offeredCaseEvents(
  allowed: readonly CaseEventType[],
  actor: Actor,
  writable = true,
): OfferedCaseEventType[] {
  return allowed.filter((type): type is OfferedCaseEventType => {
    if (type === "FLAG_RECLASSIFICATION") return false;
    if (type === "TRANSFER") return mayAssignCases(actor.role);
    if (type === "SET_DEPUTY") return writable || mayAssignCases(actor.role);
    return writable;
  });
}

/** Case events a user can ask for (the re-classification flag comes from the daily job only). */
export type OfferedCaseEventType = Exclude<CaseEventType, "FLAG_RECLASSIFICATION">;

function iso(value: Date | string | null): string | null {
  if (value === null) return null;
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

function findVisibleCase(db: Kysely<Database>, actor: Actor, caseId: string) {
  return db
    .selectFrom("cases")
    .innerJoin("clients", "clients.id", "cases.client_id")
    .innerJoin("municipalities", "municipalities.id", "clients.municipality_id")
    .leftJoin("users as cm", "cm.id", "cases.case_manager_id")
    .leftJoin("users as deputy", "deputy.id", "cases.deputy_id")
    .leftJoin("target_group_definitions as tgd", "tgd.id", "cases.target_group_definition_id")
    .select([
      "cases.id",
      "cases.client_id",
      "cases.state",
      "cases.row_version",
      "cases.snapshot",
      "cases.target_group",
      "cases.referral_source",
      "cases.increased_need_documented",
      "cases.opened_at",
      "cases.closed_at",
      "cases.closure_reason",
      "cases.first_contact_at",
      "cases.reclassification_required",
      "cases.case_manager_id",
      "cases.deputy_id",
      "cases.organisation_id",
      sql<boolean>`${pseudonymisedFor(actor)}`.as("pseudonymised"),
      (eb) => sql<boolean>`${caseContentWritableBy(eb, actor)}`.as("writable"),
      "cm.display_name as case_manager_name",
      "cm.organisation_id as case_manager_organisation_id",
      "deputy.display_name as deputy_name",
      "tgd.version as definition_version",
      "clients.aktenzeichen",
      "clients.first_name",
      "clients.last_name",
      "clients.birth_date",
      "clients.birth_date_estimated",
      "clients.gender",
      "clients.nationality",
      "clients.languages",
      "clients.interpreter_needed",
      "clients.municipality_id",
      "municipalities.name as municipality_name",
      "clients.residence_status",
      "clients.arrival_date",
      "clients.unaccompanied",
      "clients.phone",
      "clients.email",
      "clients.address",
      // Exact text of the timestamp (microseconds included): the optimistic-lock token of the personal data.
      (eb) => eb.cast<string>("clients.updated_at", "text").as("client_version"),
    ])
    .where("cases.id", "=", caseId)
    .where((eb) => caseVisibleTo(eb, actor))
    .modifyEnd(keepPlan)
    .executeTakeFirst();
}

type VisibleCase = NonNullable<Awaited<ReturnType<typeof findVisibleCase>>>;

/**
 * The sections of the client file, the client's residence history and the reference lists its forms offer
 * (partners, municipalities, target-group definitions, Ausländerbehörden) in ONE statement, one JSON array
 * each: each statement costs the server and PostgreSQL more than these small reads themselves.
 * Timestamps arrive as JSON text, not Date: every one of them goes through iso() (or new Date) below.
 */
async function loadSections(db: Kysely<Database>, row: VisibleCase) {
  const caseId = row.id;
  const [lists, events] = await Promise.all([
    db
      .selectNoFrom([
        jsonArrayFrom(
          db
            .selectFrom("assessments")
            .leftJoin("users", "users.id", "assessments.assessed_by")
            .select([
              "assessments.need_domain",
              "assessments.level",
              "assessments.note",
              "assessments.assessed_at",
              "users.display_name as assessed_by_name",
            ])
            .where("assessments.case_id", "=", caseId)
            // A stable order (one row per need domain): without it the order is the table's physical one.
            .orderBy("assessments.assessed_at")
            .orderBy("assessments.need_domain"),
        ).as("assessments"),
        jsonArrayFrom(
          db
            .selectFrom("goals")
            .select([
              "id",
              "need_domain",
              "title",
              "description",
              "status",
              "agreed_at",
              "target_date",
              "evaluated_at",
              "evaluation_note",
            ])
            .where("case_id", "=", caseId)
            .orderBy("agreed_at")
            .orderBy("id"),
        ).as("goals"),
        jsonArrayFrom(
          db
            .selectFrom("referrals")
            .innerJoin("partners", "partners.id", "referrals.partner_id")
            .leftJoin("goals", "goals.id", "referrals.goal_id")
            .select([
              "referrals.id",
              "referrals.partner_id",
              "partners.name as partner_name",
              "referrals.need_domain",
              "referrals.goal_id",
              "goals.title as goal_title",
              "referrals.status",
              "referrals.snapshot",
              "referrals.row_version",
              "referrals.shares_data",
              "referrals.consent_id",
              "referrals.legal_basis",
              "referrals.note",
              "referrals.decline_reason",
              "referrals.planned_at",
              "referrals.sent_at",
              "referrals.accepted_at",
              "referrals.ended_at",
            ])
            .where("referrals.case_id", "=", caseId)
            .orderBy("referrals.planned_at", "desc")
            .orderBy("referrals.id"),
        ).as("referrals"),
        jsonArrayFrom(
          db
            .selectFrom("contacts")
            .leftJoin("users", "users.id", "contacts.created_by")
            .select([
              "contacts.id",
              "contacts.contact_type",
              "contacts.with_interpreter",
              "contacts.occurred_at",
              "contacts.minutes",
              "contacts.note",
              "users.display_name as created_by_name",
            ])
            .where("contacts.case_id", "=", caseId)
            .orderBy("contacts.occurred_at", "desc")
            .orderBy("contacts.id"),
        ).as("contacts"),
        jsonArrayFrom(
          db
            .selectFrom("follow_ups")
            .select(["id", "due_on", "note", "done_at", "created_at"])
            .where("case_id", "=", caseId)
            .orderBy("done_at", (ob) => ob.desc().nullsFirst())
            .orderBy("due_on")
            .orderBy("id"),
        ).as("followUps"),
        jsonArrayFrom(
          db
            .selectFrom("consents")
            .innerJoin("partners", "partners.id", "consents.partner_id")
            .leftJoin("document_templates as dt", "dt.id", "consents.document_template_id")
            .leftJoin("document_templates as tt", "tt.id", "consents.document_translation_id")
            .select([
              "consents.id",
              "consents.document_language",
              "dt.version as document_version",
              "tt.version as translation_version",
              "consents.partner_id",
              "partners.name as partner_name",
              "consents.scope",
              "consents.given_at",
              "consents.given_by",
              "consents.given_by_name",
              "consents.valid_until",
              "consents.revoked_at",
            ])
            .where("consents.client_id", "=", row.client_id)
            .orderBy("consents.given_at", "desc")
            .orderBy("consents.id"),
        ).as("consents"),
        jsonArrayFrom(
          db
            .selectFrom("identity_steps")
            .select(["id", "step", "occurred_on", "note"])
            .where("case_id", "=", caseId)
            .orderBy("occurred_on")
            .orderBy("created_at"),
        ).as("identitySteps"),
        jsonArrayFrom(residenceHistoryQuery(db, row.client_id)).as("residence"),
        jsonArrayFrom(activePartnerOptionsQuery(db)).as("partners"),
        jsonArrayFrom(municipalityOptionsQuery(db)).as("municipalities"),
        // All groups' definitions; the version valid today is chosen as for a new classification (formOptions).
        jsonArrayFrom(targetGroupDefinitionsQuery(db)).as("definitions"),
        jsonArrayFrom(residenceAuthoritiesQuery(db)).as("authorities"),
      ])
      .modifyEnd(keepPlan)
      .executeTakeFirstOrThrow(),
    loadCaseHistory(db, caseId),
  ]);
  return { ...lists, residenceHistory: toResidenceDocuments(lists.residence), events };
}

/** What the forms offer to choose from, out of the lists loadSections read. */
function formOptions(lists: Awaited<ReturnType<typeof loadSections>>, today: string) {
  const definitions = toTargetGroupDefinitions(lists.definitions);
  return {
    partners: lists.partners,
    municipalities: lists.municipalities,
    targetGroups: TARGET_GROUPS.values.flatMap((code) => {
      const valid = definitionOn(definitions, code, today);
      return valid ? [{ code, version: valid.definition.version }] : [];
    }),
  };
}

/** One audit row for a read about case `caseId` (an id that is no UUID is recorded as none). */
function auditCaseAccess(
  db: Kysely<Database>,
  actor: Actor,
  action: "case.read" | "case.candidates",
  caseId: string,
  outcome: "allowed" | "denied",
): Promise<void> {
  return writeAudit(db, { actorId: actor.id, actorRole: actor.role, action, objectType: "case", objectId: isUuid(caseId) ? caseId : null, outcome });
}

/** A case manager a form of the client file can name (deputy or transfer target). */
export interface CaseManagerChoice {
  id: string;
  name: string;
  /** The organisation's name when it is not the case's (a transfer to another Träger), else null. */
  otherOrganisation: string | null;
}

/**
 * The colleagues the deputy and transfer forms offer. Not part of every client file (at NRW scale an
 * organisation has ~400 case managers): loaded only when one of the two forms is shown (`?schritt=`,
 * a refused submit, or the browser's request to /faelle/:caseId/kandidaten). A list stays empty when
 * its step is not offered to this actor now (offeredCaseEvents).
 */
export interface CaseCandidates {
  /** SET_DEPUTY: active case managers of the case's organisation, never its case manager. */
  deputyCandidates: CaseManagerChoice[];
  /** TRANSFER (mayAssignCases): the same colleagues. */
  transferTargets: CaseManagerChoice[];
  /** TRANSFER to another organisation (assign:case:any, the coordination): a transfer there needs a basis. */
  otherOrganisationTargets: CaseManagerChoice[];
}

/** The steps whose form names a colleague. */
export const CANDIDATE_INTENTS = ["SET_DEPUTY", "TRANSFER"] as const satisfies readonly OfferedCaseEventType[];

async function candidatesFor(
  db: Kysely<Database>,
  actor: Actor,
  row: { organisation_id: number; case_manager_id: string | null },
  offered: readonly OfferedCaseEventType[],
): Promise<CaseCandidates> {
  const deputy = offered.includes("SET_DEPUTY");
  const transfer = offered.includes("TRANSFER");
  if (!deputy && !transfer) return { deputyCandidates: [], transferTargets: [], otherOrganisationTargets: [] };
  const caseOrganisation = row.organisation_id;
  const anyOrganisation = transfer && hasPermission(actor.role, "assign:case:any");
  const caseManagers = await db
    .selectFrom("users")
    .innerJoin("organisations", "organisations.id", "users.organisation_id")
    .select(["users.id", "users.display_name", "users.organisation_id", "organisations.name as organisation_name"])
    .where("users.role", "=", "case_manager")
    .where("users.active", "=", true)
    // Only those the forms can offer: colleagues of the case's organisation, every organisation's for the coordination.
    .$if(!anyOrganisation, (q) => q.where("users.organisation_id", "=", caseOrganisation))
    .orderBy("users.display_name")
    .execute();
  // The same rule as checkCaseManagerFor (db/access.ts): colleagues of the case's organisation only;
  // the coordination may also transfer to another organisation (with consent or a legal basis).
  const others = caseManagers
    .filter((u) => u.id !== row.case_manager_id && u.organisation_id === caseOrganisation)
    .map((u) => ({ id: u.id, name: u.display_name, otherOrganisation: null }));
  return {
    deputyCandidates: deputy ? others : [],
    transferTargets: transfer ? others : [],
    otherOrganisationTargets: anyOrganisation
      ? caseManagers
          .filter((u) => u.organisation_id !== caseOrganisation)
          .map((u) => ({ id: u.id, name: u.display_name, otherOrganisation: u.organisation_name }))
      : [],
  };
}

/**
 * The deputy and transfer choices of one case (CaseCandidates), or undefined when the case does not
 * exist or the actor may not see it (caseVisibleTo). No "case.read" row: this shows colleagues' names,
 * not the case's content, and the client file that offers the form has written its own row on being
 * opened. A refusal is audited ("case.candidates", denied) like every refused access to a case.
 */
export function loadCaseCandidates(
  db: Kysely<Database>,
  actor: Actor,
  caseId: string,
  options: Pick<LoadCaseFileOptions, "now"> = {},
): Promise<CaseCandidates | undefined> {
  return onOneConnection(db, async (connection) => {
    const validId = isUuid(caseId);
    const row = validId
      ? await connection
          .selectFrom("cases")
          .select([
            "cases.organisation_id",
            "cases.case_manager_id",
            "cases.snapshot",
            (eb) => sql<boolean>`${caseContentWritableBy(eb, actor)}`.as("writable"),
          ])
          .where("cases.id", "=", caseId)
          .where((eb) => caseVisibleTo(eb, actor))
          .modifyEnd(keepPlan)
          .executeTakeFirst()
      : undefined;
    if (!row) {
      await auditCaseAccess(connection, actor, "case.candidates", caseId, "denied");
      return undefined;
    }
    const now = options.now ?? new Date().toISOString();
    const offered = offeredCaseEvents(allowedCaseEvents(restoreCaseSnapshot(row.snapshot), now), actor, row.writable === true);
    return candidatesFor(connection, actor, row, offered);
  });
}

export interface LoadCaseFileOptions {
  /** The current time (ISO); decides REOPEN's time guard, ages, days open and consent validity. */
  now?: string;
  /** Also the deputy and transfer choices (`candidates`): when one of those forms is shown. */
  withCandidates?: boolean;
}

/**
 * Everything the client file shows, or undefined when the case does not exist or the actor may not see
 * it (also for steering and admin). Every call writes one "case.read" audit row, allowed or denied.
 */
export function loadCaseFile(db: Kysely<Database>, actor: Actor, caseId: string, options: LoadCaseFileOptions = {}) {
  // Five to eight statements: on one connection, the row-level security scope is set once (db/query-cost.ts).
  return onOneConnection(db, (connection) => readCaseFile(connection, actor, caseId, options));
}

async function readCaseFile(db: Kysely<Database>, actor: Actor, caseId: string, options: LoadCaseFileOptions) {
  const now = options.now ?? new Date().toISOString();
  const validId = isUuid(caseId);
  const row = validId ? await findVisibleCase(db, actor, caseId) : undefined;
  await auditCaseAccess(db, actor, "case.read", caseId, row ? "allowed" : "denied");
  if (!row) return undefined;

  const today = berlinDate(now);
  const snapshot = restoreCaseSnapshot(row.snapshot);
  const allowedEvents = offeredCaseEvents(allowedCaseEvents(snapshot, now), actor, row.writable === true);
  const [sections, candidates] = await Promise.all([
    loadSections(db, row),
    options.withCandidates ? candidatesFor(db, actor, row, allowedEvents) : null,
  ]);
  const options_ = formOptions(sections, today);
  const authorities = sections.authorities;
  const residenceHistory = sections.residenceHistory;
  const currentDocument = residenceHistory.find((d) => d.current) ?? null;
  const context = snapshot.context;
  const nowMs = new Date(now).getTime();
  const openedMs = row.opened_at.getTime();
  const endMs = row.closed_at ? row.closed_at.getTime() : nowMs;

  const referrals = sections.referrals.map(({ snapshot: persisted, ...r }) => {
    const referralSnapshot = restoreReferralSnapshot(persisted);
    // A closed case is read-only: its referrals are shown, not changed.
    const allowed: ReferralEventType[] = row.state === "closed" ? [] : allowedReferralEvents(referralSnapshot);
    return {
      ...r,
      planned_at: iso(r.planned_at),
      sent_at: iso(r.sent_at),
      accepted_at: iso(r.accepted_at),
      ended_at: iso(r.ended_at),
      dataSharingBasis: referralSnapshot.context.dataSharingBasis,
      allowedEvents: allowed,
    };
  });

  const consents = sections.consents.map((c) => ({
    ...c,
    revoked_at: iso(c.revoked_at),
    /** Null when the consent covers sending data to its partner now, else the German reason. */
    problem: refuseConsent(
      { partnerId: String(c.partner_id), givenAt: c.given_at, validUntil: c.valid_until, revokedAt: iso(c.revoked_at) },
      String(c.partner_id),
      now,
    ),
  }));

  const file = {
    now,
    today,
    /** Who is looking (the page hides what the server would refuse anyway). */
    viewer: { role: actor.role, mayWrite: row.writable === true },
    /** Personal data and free text left out (coordination, agreement "pseudonymisiert"). */
    pseudonymised: row.pseudonymised === true,
    case: {
      id: row.id,
      state: row.state as CasePhase,
      rowVersion: row.row_version,
      targetGroup: row.target_group,
      definitionVersion: row.definition_version,
      referralSource: row.referral_source,
      increasedNeedDocumented: row.increased_need_documented,
      openedAt: iso(row.opened_at) as string,
      closedAt: iso(row.closed_at),
      closureReason: row.closure_reason,
      firstContactAt: iso(row.first_contact_at),
      daysOpen: Math.max(0, Math.floor((endMs - openedMs) / DAY_MS)),
      // A closed case asks for nothing: a pending flag shows again only if the case is reopened (the
      // FLAG_RECLASSIFICATION event itself stays in the history).
      reclassificationRequired: row.state === "closed" ? null : row.reclassification_required,
      reclassificationFlaggedAt: row.state === "closed" ? null : context.reclassificationFlaggedAt,
      caseManager: row.case_manager_id ? { id: row.case_manager_id, name: row.case_manager_name ?? "" } : null,
      deputy: row.deputy_id ? { id: row.deputy_id, name: row.deputy_name ?? "" } : null,
      restingFrom: context.restingFrom,
      restingSince: context.restingSince,
      pauseReason: context.pauseReason,
      closureFrom: context.closureFrom,
      closureNote: context.closureNote,
      lastContactAt: context.lastContactAt,
      identityClarified: context.identityClarified,
      reopenCount: context.reopenCount,
    },
    client: {
      id: row.client_id,
      version: row.client_version,
      aktenzeichen: row.aktenzeichen,
      firstName: row.first_name,
      lastName: row.last_name,
      birthDate: row.birth_date,
      birthDateEstimated: row.birth_date_estimated,
      age: ageOnDate(row.birth_date, today),
      gender: row.gender,
      nationality: row.nationality,
      languages: row.languages,
      interpreterNeeded: row.interpreter_needed,
      municipalityId: row.municipality_id,
      municipalityName: row.municipality_name,
      residenceStatus: row.residence_status,
      arrivalDate: row.arrival_date,
      unaccompanied: row.unaccompanied,
      phone: row.phone,
      email: row.email,
      address: row.address,
    },
    /** The case events offered as forms now: the statechart's allowed events, minus what this actor may not do. */
    allowedEvents,
    assessments: sections.assessments.map((a) => ({ ...a, assessed_at: iso(a.assessed_at) as string })),
    goals: sections.goals.map((g) => ({ ...g, agreed_at: iso(g.agreed_at) as string, evaluated_at: iso(g.evaluated_at) })),
    referrals,
    contacts: sections.contacts.map((c) => ({ ...c, occurred_at: iso(c.occurred_at) as string })),
    followUps: sections.followUps.map((f) => ({
      ...f,
      done_at: iso(f.done_at),
      created_at: iso(f.created_at) as string,
      overdue: f.done_at === null && f.due_on < today,
    })),
    consents,
    identitySteps: sections.identitySteps,
    /** The residence history (newest first), the open case's deadlines and the Ausländerbehörden to choose from. */
    residence: {
      history: residenceHistory,
      deadlines:
        row.state === "closed"
          ? []
          : caseDeadlines({ current: currentDocument, targetGroup: row.target_group, birthDate: row.birth_date }),
      authorities,
    },
    /** The history (Verlauf): every event of the case, newest first (db/case-history.ts). */
    history: sections.events,
    options: options_,
    /** The deputy and transfer choices: null unless asked for (LoadCaseFileOptions.withCandidates). */
    candidates,
  };
  return file.pseudonymised ? pseudonymiseCaseFile(file) : file;
}

/**
 * The client file without name, birth date (and age), contact data and every free text: what the
 * coordination sees of an organisation whose agreement is "pseudonymisiert". Aktenzeichen, phase,
 * target group, dates, codes and counts stay.
 */
function pseudonymiseCaseFile<F extends CaseFileShape>(file: F): F {
  return {
    ...file,
    case: { ...file.case, pauseReason: null, closureNote: null },
    client: {
      ...file.client,
      firstName: "",
      lastName: "",
      birthDate: null,
      birthDateEstimated: false,
      age: null,
      phone: null,
      email: null,
      address: null,
    },
    assessments: file.assessments.map((a) => ({ ...a, note: null })),
    goals: file.goals.map((g) => ({ ...g, title: "", description: null, evaluation_note: null })),
    referrals: file.referrals.map((r) => ({ ...r, note: null, decline_reason: null, legal_basis: null, goal_title: null })),
    contacts: file.contacts.map((c) => ({ ...c, note: null })),
    followUps: file.followUps.map((f) => ({ ...f, note: "" })),
    consents: file.consents.map((c) => ({ ...c, scope: "", given_by_name: null })),
    identitySteps: file.identitySteps.map((i) => ({ ...i, note: null })),
    // a UMF's 18th birthday would give the birth date away
    residence: {
      ...file.residence,
      history: file.residence.history.map((d) => ({ ...d, note: null })),
      deadlines: file.residence.deadlines.filter((d) => d.kind !== "volljaehrigkeit"),
    },
  };
}

export type CaseFile = NonNullable<Awaited<ReturnType<typeof loadCaseFile>>>;

interface CaseFileShape {
  case: { pauseReason: unknown; closureNote: unknown };
  client: {
    firstName: string;
    lastName: string;
    birthDate: string | null;
    birthDateEstimated: boolean;
    age: number | null;
    phone: string | null;
    email: string | null;
    address: string | null;
  };
  assessments: { note: string | null }[];
  goals: { title: string; description: string | null; evaluation_note: string | null }[];
  referrals: { note: string | null; decline_reason: string | null; legal_basis: string | null; goal_title: string | null }[];
  contacts: { note: string | null }[];
  followUps: { note: string }[];
  consents: { scope: string; given_by_name: string | null }[];
  identitySteps: { note: string | null }[];
  residence: { history: { note: string | null }[]; deadlines: { kind: string }[] };
}
