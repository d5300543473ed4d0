// The coordinators' team overview: caseload per case manager against the standard caseload per FTE.
// One query (three CTEs, each a GROUP BY over an index: cases (case_manager_id, state) and the partial
// index of open follow-ups), so it stays fast at 250,000 cases.
import { type Kysely, type Transaction, sql } from "kysely";
import { hasPermission } from "../workflows/permissions";
import { type CasePhase } from "../workflows/vocabulary";
import type { Actor } from "./access";
import { runAsSystem } from "./request-actor";
import type { Database } from "./schema";
import { getSetting, updateSettingAudited } from "./settings";

/** Phases of an open case, in process order (every phase but "closed"). */
export const TEAM_OVERVIEW_PHASES = [
  "intake",
  "classification",
  "assessment",
  "planning",
  "active",
  "closure",
  "resting",
] as const satisfies readonly CasePhase[];
export type OpenPhase = (typeof TEAM_OVERVIEW_PHASES)[number];

/**
 * Caseload bands, as a share of the standard caseload (open cases per FTE ÷ standard):
 * under 80 % "unter Soll", 80 % to 110 % inclusive "im Soll", over 110 % "über Soll".
 */
export const CASELOAD_BANDS = {
  unter_soll: { label: "unter Soll", definition: "unter 80 % des Solls" },
  im_soll: { label: "im Soll", definition: "80 % bis 110 % des Solls" },
  ueber_soll: { label: "über Soll", definition: "über 110 % des Solls" },
} as const;
export type CaseloadBand = keyof typeof CASELOAD_BANDS;
export const BAND_LOWER_PERCENT = 80;
export const BAND_UPPER_PERCENT = 110;

/** Bounds of the configurable standard caseload (open cases per full-time case manager). */
export const STANDARD_CASELOAD_MIN = 1;
export const STANDARD_CASELOAD_MAX = 200;

/**
 * The band of a caseload, in exact integer arithmetic (FTE in hundredths, as stored: numeric(3,2)),
 * so that 28 cases on 1.0 FTE with a standard of 35 is exactly 80 % and "im Soll".
 * Null when there is no FTE to divide by.
 */
export function caseloadBand(openCases: number, fte: number, standardPerFte: number): CaseloadBand | null {
  const fteHundredths = Math.round(fte * 100);
  if (fteHundredths <= 0 || standardPerFte <= 0) return null;
  // openCases / fte / standard  vs  percent / 100   ⇔   openCases · 100 · 100  vs  percent · fteHundredths · standard
  const scaled = openCases * 100 * 100;
  if (scaled < BAND_LOWER_PERCENT * fteHundredths * standardPerFte) return "unter_soll";
  if (scaled > BAND_UPPER_PERCENT * fteHundredths * standardPerFte) return "ueber_soll";
  return "im_soll";
}

export interface CaseloadFigures {
  fte: number;
  openCases: number;
  /** Open cases per FTE; null without FTE. */
  casesPerFte: number | null;
  /** casesPerFte as a percentage of the standard caseload; null without FTE. */
  utilisationPercent: number | null;
  band: CaseloadBand | null;
  byPhase: Record<OpenPhase, number>;
  overdueFollowUps: number;
}

export interface TeamMemberRow extends CaseloadFigures {
  userId: string;
  displayName: string;
  organisationId: number;
  organisationName: string;
}

export interface TeamOverview {
  today: string;
  standardCaseloadPerFte: number;
  members: TeamMemberRow[];
  /** The active case managers together. */
  totals: CaseloadFigures;
  /** Open cases without a case manager (the coordinators' queue). */
  unassignedOpenCases: number;
  /** Open cases still assigned to deactivated accounts: they need a transfer. */
  openCasesOfInactiveUsers: number;
}

function figures(
  fte: number,
  openCases: number,
  byPhase: Record<OpenPhase, number>,
  overdueFollowUps: number,
  standard: number,
): CaseloadFigures {
  const casesPerFte = fte > 0 ? openCases / fte : null;
  return {
    fte,
    openCases,
    casesPerFte,
    utilisationPercent: casesPerFte === null ? null : (casesPerFte / standard) * 100,
    band: caseloadBand(openCases, fte, standard),
    byPhase,
    overdueFollowUps,
  };
}

function emptyPhases(): Record<OpenPhase, number> {
  return Object.fromEntries(TEAM_OVERVIEW_PHASES.map((p) => [p, 0])) as Record<OpenPhase, number>;
}

type PhaseColumns = { [P in OpenPhase as `phase_${P}`]: string | number | bigint | null };

/**
 * The team overview on `today` (YYYY-MM-DD, Europe/Berlin): every active case manager with FTE, open
 * cases (assigned, state other than closed), cases per phase and overdue follow-ups (not done, due
 * before today, on an open case of theirs); totals of the active case managers; the unassigned count.
 */
export async function getTeamOverview(
  db: Kysely<Database> | Transaction<Database>,
  { today, organisationId }: { today: string; organisationId?: number | null },
): Promise<TeamOverview> {
  const standard = await getSetting(db, "standard_caseload_per_fte");
  const inOrganisation = organisationId !== undefined && organisationId !== null;
  // Counts per case manager, no case row: read as the system, since a coordinator sees no case of an
  // organisation whose agreement is "aggregiert" (row-level security), only its team figures.
  const query = db
    .with("open_cases", (qb) =>
      qb
        .selectFrom("cases")
        .select((eb) => [
          "case_manager_id",
          eb.fn.countAll<string>().as("open_cases"),
          ...TEAM_OVERVIEW_PHASES.map((p) => eb.fn.countAll<string>().filterWhere("state", "=", p).as(`phase_${p}`)),
        ])
        .where("state", "<>", "closed")
        .$if(inOrganisation, (q) => q.where("cases.organisation_id", "=", organisationId as number))
        .groupBy("case_manager_id"),
    )
    .with("overdue", (qb) =>
      qb
        .selectFrom("follow_ups")
        .innerJoin("cases", "cases.id", "follow_ups.case_id")
        .select((eb) => ["cases.case_manager_id", eb.fn.countAll<string>().as("overdue")])
        .where("follow_ups.done_at", "is", null)
        .where("follow_ups.due_on", "<", sql<string>`${today}::date`)
        .where("cases.state", "<>", "closed")
        .where("cases.case_manager_id", "is not", null)
        .$if(inOrganisation, (q) => q.where("cases.organisation_id", "=", organisationId as number))
        .groupBy("cases.case_manager_id"),
    )
    .selectFrom("open_cases")
    .fullJoin("users", (j) =>
      j.onRef("users.id", "=", "open_cases.case_manager_id").on("users.role", "=", "case_manager"),
    )
    .leftJoin("overdue", "overdue.case_manager_id", "users.id")
    .leftJoin("organisations", "organisations.id", "users.organisation_id")
    .select([
      "users.id as user_id",
      "users.display_name",
      "users.organisation_id",
      "organisations.name as organisation_name",
      "users.fte",
      "users.active",
      "users.role",
      "open_cases.case_manager_id",
      "open_cases.open_cases",
      ...TEAM_OVERVIEW_PHASES.map((p) => `open_cases.phase_${p}` as const),
      "overdue.overdue",
    ])
    .where((eb) =>
      eb.or([
        eb.and([eb("users.role", "=", "case_manager"), eb("users.active", "=", true)]),
        eb("open_cases.case_manager_id", "is not", null),
        eb("open_cases.open_cases", "is not", null),
      ]),
    )
    .$if(inOrganisation, (q) =>
      q.where((eb) => eb.or([eb("users.organisation_id", "=", organisationId as number), eb("users.id", "is", null)])),
    )
    .orderBy("users.display_name");
  const rows = await runAsSystem(() => query.execute());

  const members: TeamMemberRow[] = [];
  let unassignedOpenCases = 0;
  let openCasesOfInactiveUsers = 0;
  const totalPhases = emptyPhases();
  let totalFteHundredths = 0;
  let totalOpen = 0;
  let totalOverdue = 0;
  for (const row of rows) {
    const openCases = Number(row.open_cases ?? 0);
    if (row.user_id === null) {
      // open cases of no (case-manager) user: the unassigned group, or cases of a user who is no case manager
      if (row.case_manager_id === null) unassignedOpenCases += openCases;
      else openCasesOfInactiveUsers += openCases;
      continue;
    }
    if (!row.active) {
      openCasesOfInactiveUsers += openCases;
      continue;
    }
    const byPhase = emptyPhases();
    for (const p of TEAM_OVERVIEW_PHASES) {
      byPhase[p] = Number((row as unknown as PhaseColumns)[`phase_${p}`] ?? 0);
      totalPhases[p] += byPhase[p];
    }
    const fte = Number(row.fte ?? 0);
    const overdue = Number(row.overdue ?? 0);
    totalFteHundredths += Math.round(fte * 100);
    totalOpen += openCases;
    totalOverdue += overdue;
    members.push({
      userId: row.user_id,
      displayName: row.display_name ?? "",
      organisationId: row.organisation_id ?? 0,
      organisationName: row.organisation_name ?? "",
      ...figures(fte, openCases, byPhase, overdue, standard),
    });
  }
  return {
    today,
    standardCaseloadPerFte: standard,
    members,
    totals: figures(totalFteHundredths / 100, totalOpen, totalPhases, totalOverdue, standard),
    unassignedOpenCases,
    openCasesOfInactiveUsers,
  };
}

export type StandardCaseloadResult = { ok: true } | { ok: false; status: 403 | 400; message: string };

/** Coordinators set the standard caseload per FTE; audited with old and new value. */
export async function updateStandardCaseload(
  db: Kysely<Database>,
  actor: Actor,
  value: number,
): Promise<StandardCaseloadResult> {
  // the standard applies to the whole site: coordinators only, not a Teamleitung
  if (!hasPermission(actor.role, "read:team:any")) {
    return { ok: false, status: 403, message: "Für diese Einstellung fehlt Ihnen die Berechtigung." };
  }
  if (!Number.isInteger(value) || value < STANDARD_CASELOAD_MIN || value > STANDARD_CASELOAD_MAX) {
    return {
      ok: false,
      status: 400,
      message: `Das Soll muss eine ganze Zahl zwischen ${STANDARD_CASELOAD_MIN} und ${STANDARD_CASELOAD_MAX} sein.`,
    };
  }
  await updateSettingAudited(db, actor, "standard_caseload_per_fte", value);
  return { ok: true };
}
