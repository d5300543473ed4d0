// Assembles the Lenkungsgruppe report: runs the queries for the period (split) and the previous period
// (total only) and turns their rows into figures with explicit numerators and denominators. The raw
// report holds exact numbers; it never leaves the server without passing publishReport (suppress.ts).
import type { Kysely } from "kysely";
import { REFERRAL_SOURCES, TARGET_GROUPS } from "../../workflows/vocabulary";
import type { Database } from "../schema";
import { FIGURES, type FigureDefinition, OPEN_FINDING_STATUSES, figureSupportsSplit } from "./definitions";
import {
  type Period,
  type ReportFilter,
  type SplitDimension,
  berlinToday,
  bucketLabel,
  bucketsOf,
  periodLabel,
  previousPeriod,
} from "./period";
import {
  type CaseloadResult,
  type CaseloadRow,
  type ClosureRow,
  type FindingRow,
  type GoalRow,
  type GroupRow,
  type ReachRow,
  type ReferralRow,
  type StaffFigures,
  queryCaseload,
  queryClosures,
  queryFindings,
  queryGoals,
  queryIdentitiesClarified,
  queryReach,
  queryReferrals,
  queryStaff,
  queryStaffByOrganisation,
  queryUmfTransitions,
  queryOpenCases,
  queryResidenceDeadlines,
  queryResidenceTransitions,
  type ResidenceDeadlineRow,
  type ResidenceTransitionRow,
} from "./queries";

/** An exact value: a count, a share (numerator/denominator), a median (denominator = n) or an average. */
export interface RawCell {
  value: number | null;
  numerator?: number;
  denominator?: number;
  /** ratio only: the staff number the suppression rule looks at (people or FTE), when not the denominator. */
  guard?: number;
  /** The figure cannot be computed under this filter (e.g. findings by referral source). */
  notApplicable?: boolean;
}

export interface RawFigure {
  key: string;
  total: RawCell;
  previous: RawCell;
  /** One cell per group key of the split; empty when not split or the figure cannot be split this way. */
  groups: Record<string, RawCell>;
}

export interface ReportGroup {
  key: string;
  label: string;
}

export interface ReportPeriod extends Period {
  label: string;
}

export interface RawReport {
  filter: ReportFilter;
  split: SplitDimension;
  period: ReportPeriod;
  previous: ReportPeriod;
  /** Groups of the split, in display order (empty when not split). */
  groups: ReportGroup[];
  figures: RawFigure[];
  /** The day the caseload counts up to at most (today in Europe/Berlin). */
  asOf: string;
  /** Labels of the active filters (German). */
  filterLabels: {
    targetGroup: string | null;
    municipality: string | null;
    referralSource: string | null;
    organisation: string | null;
  };
  generatedAt: string;
}

interface PeriodData {
  split: SplitDimension;
  reach: Map<string | null, ReachRow>;
  closures: Map<string | null, ClosureRow>;
  goals: Map<string, GoalRow>;
  referrals: Map<string | null, ReferralRow>;
  identities: Map<string | null, number>;
  umf: Map<string | null, number>;
  residence: Map<string, ResidenceTransitionRow>;
  openCases: Map<string | null, number>;
  deadlines: Map<string | null, ResidenceDeadlineRow>;
  findings: Map<string | null, FindingRow>;
  caseload: CaseloadResult;
  caseloadRows: Map<string | null, CaseloadRow>;
}

function byGroup<T>(rows: GroupRow<T>[]): Map<string | null, T> {
  return new Map(rows.map((r) => [r.grp, r]));
}

const goalKey = (grp: string | null, domain: string | null) => `${grp ?? ""}|${domain ?? ""}`;

/** The queries of the report, by the part of PeriodData they fill. */
export type ReportQueryPart =
  | "reach"
  | "closures"
  | "goals"
  | "referrals"
  | "identities"
  | "umf"
  | "findings"
  | "caseload"
  | "residence"
  | "openCases"
  | "deadlines";

/** Runs the report's queries for one period (all of them, or only `parts`: the others stay empty). */
async function loadPeriod(
  db: Kysely<Database>,
  filter: ReportFilter,
  split: SplitDimension,
  asOf: string,
  parts?: ReadonlySet<ReportQueryPart>,
): Promise<PeriodData> {
  const want = <T>(part: ReportQueryPart, run: () => Promise<T[]>): Promise<T[]> =>
    !parts || parts.has(part) ? run() : Promise.resolve([]);
  const noCaseload: CaseloadResult = { rows: [], days: 0, bucketDays: {}, lastDay: null };
  const [reach, closures, goals, referrals, identities, umf, findings, caseload, residence, openCases, deadlines] = await Promise.all([
    want("reach", () => queryReach(db, filter, split)),
    want("closures", () => queryClosures(db, filter, split)),
    want("goals", () => queryGoals(db, filter, split)),
    want("referrals", () => queryReferrals(db, filter, split)),
    want("identities", () => queryIdentitiesClarified(db, filter, split)),
    want("umf", () => queryUmfTransitions(db, filter, split)),
    want("findings", () => queryFindings(db, filter, split)),
    !parts || parts.has("caseload") ? queryCaseload(db, filter, split, { asOf }) : Promise.resolve(noCaseload),
    want("residence", () => queryResidenceTransitions(db, filter, split)),
    want("openCases", () => queryOpenCases(db, filter, split)),
    want("deadlines", () => queryResidenceDeadlines(db, filter, split, { asOf })),
  ]);
  return {
    split,
    reach: byGroup(reach),
    closures: byGroup(closures),
    goals: new Map(goals.map((g) => [goalKey(g.grp, g.need_domain), g])),
    referrals: byGroup(referrals),
    identities: new Map(identities.map((r) => [r.grp, Number(r.clarified)])),
    umf: new Map(umf.map((r) => [r.grp, Number(r.transitions)])),
    findings: byGroup(findings),
    residence: new Map(residence.map((r) => [goalKey(r.grp, r.permit_group), r])),
    openCases: new Map(openCases.map((r) => [r.grp, Number(r.open_cases)])),
    deadlines: byGroup(deadlines),
    caseload,
    caseloadRows: byGroup(caseload.rows),
  };
}

const count = (n: number | undefined): RawCell => ({ value: n ?? 0 });
const share = (numerator: number, denominator: number): RawCell => ({
  value: denominator > 0 ? numerator / denominator : null,
  numerator,
  denominator,
});
const medianCell = (value: number | null | undefined, n: number): RawCell => ({
  value: n > 0 && value !== null && value !== undefined ? Number(value) : null,
  denominator: n,
});
const average = (total: number, days: number): RawCell => ({
  value: days > 0 ? total / days : null,
  numerator: total,
  denominator: days,
});
const ratio = (numerator: number | null, denominator: number, guard?: number): RawCell => ({
  value: numerator !== null && denominator > 0 ? numerator / denominator : null,
  numerator: numerator ?? undefined,
  denominator,
  ...(guard !== undefined ? { guard } : {}),
});

/** Staff of the whole report (filtered by organisation when the report is) and per organisation. */
interface Staff {
  total: StaffFigures;
  byOrganisation: Map<string, { caseManagers: number; fte: number }>;
}

/** The staff a cell divides by: per organisation in the split by organisation, else the report's. */
function staffOf(staff: Staff, d: PeriodData, grp: string | null): StaffFigures {
  if (grp === null || d.split !== "organisation") return staff.total;
  const s = staff.byOrganisation.get(grp) ?? { caseManagers: 0, fte: 0 };
  return { ...s, standardPerFte: staff.total.standardPerFte };
}

/** The cell of one figure for one group (null = total) of one period's data. */
function cellOf(figure: FigureDefinition, d: PeriodData, allStaff: Staff, grp: string | null, filter: ReportFilter): RawCell {
  const [section, name, detail] = figure.key.split(".") as [string, string, string | undefined];
  if (figure.ignoresReferralSource && (filter.referralSource || filter.organisationId != null)) {
    return { value: null, notApplicable: true };
  }
  const staff = staffOf(allStaff, d, grp);
  switch (section) {
    case "reach": {
      const r = d.reach.get(grp);
      const opened = Number(r?.opened ?? 0);
      const decided = Number(r?.accepted ?? 0) + Number(r?.not_eligible ?? 0) + Number(r?.not_target_group ?? 0);
      switch (name) {
        case "opened":
          return count(opened);
        case "first_contact":
          return share(Number(r?.with_first_contact ?? 0), opened);
        case "first_contact_14d":
          return share(Number(r?.with_first_contact_14d ?? 0), opened);
        case "days_to_first_contact":
          return medianCell(r?.median_days_to_first_contact, Number(r?.with_first_contact ?? 0));
        case "accepted":
          return share(Number(r?.accepted ?? 0), decided);
        case "not_eligible":
          return share(Number(r?.not_eligible ?? 0), decided);
        case "not_target_group":
          return share(Number(r?.not_target_group ?? 0), decided);
        case "undecided":
          return count(Number(r?.undecided ?? 0));
      }
      break;
    }
    case "caseload": {
      const row = d.caseloadRows.get(grp);
      const timeSplit = grp !== null && (d.split === "month" || d.split === "quarter");
      const days = timeSplit ? (d.caseload.bucketDays[grp] ?? 0) : d.caseload.days;
      const assigned = days > 0 ? Number(row?.assigned_days ?? 0) / days : null;
      switch (name) {
        case "open_average":
          return average(Number(row?.case_days ?? 0), days);
        case "per_case_manager":
          return ratio(assigned, staff.caseManagers);
        case "per_fte":
          return ratio(assigned, staff.fte);
        case "utilisation":
          return ratio(assigned, staff.fte * staff.standardPerFte, staff.fte);
        case "unassigned_average":
          return average(Number(row?.unassigned_days ?? 0), days);
        case "unassigned_end":
          if (days === 0) return { value: null };
          return count(Number((timeSplit ? row?.unassigned_bucket_end : row?.unassigned_period_end) ?? 0));
        case "case_managers":
          return count(staff.caseManagers);
        case "fte":
          return { value: staff.fte };
        case "standard":
          return { value: staff.standardPerFte };
      }
      break;
    }
    case "outcomes": {
      switch (name) {
        case "closed": {
          const c = d.closures.get(grp);
          const closed = Number(c?.closed ?? 0);
          return detail ? share(c?.reasons[detail] ?? 0, closed) : count(closed);
        }
        case "duration": {
          const c = d.closures.get(grp);
          return medianCell(c?.median_duration, c?.duration_n ?? 0);
        }
        case "goals_evaluated":
        case "goals_reached":
        case "goals_partly":
        case "goals_not_reached":
        case "goals_dropped": {
          const g = d.goals.get(goalKey(grp, name === "goals_reached" ? (detail ?? null) : null));
          const reached = Number(g?.reached ?? 0);
          const partly = Number(g?.partly ?? 0);
          const notReached = Number(g?.not_reached ?? 0);
          const evaluated = reached + partly + notReached;
          if (name === "goals_evaluated") return count(evaluated);
          if (name === "goals_dropped") return count(Number(g?.dropped ?? 0));
          if (name === "goals_partly") return share(partly, evaluated);
          if (name === "goals_not_reached") return share(notReached, evaluated);
          return share(reached, evaluated);
        }
        case "referrals_ended":
        case "referrals_completed":
        case "referrals_declined":
        case "referrals_cancelled": {
          const r = d.referrals.get(grp);
          const completed = Number(r?.completed ?? 0);
          const declined = Number(r?.declined ?? 0);
          const cancelled = Number(r?.cancelled ?? 0);
          const ended = completed + declined + cancelled;
          if (name === "referrals_ended") return count(ended);
          if (name === "referrals_completed") return share(completed, ended);
          if (name === "referrals_declined") return share(declined, ended);
          return share(cancelled, ended);
        }
        case "identities_clarified":
          return count(d.identities.get(grp));
        case "umf_transitions":
          return count(d.umf.get(grp));
        case "residence_secured":
          return count(Number(d.residence.get(goalKey(grp, detail ?? null))?.moved ?? 0));
        case "residence_secured_share":
          return share(Number(d.residence.get(goalKey(grp, null))?.moved ?? 0), d.openCases.get(grp) ?? 0);
        case "deadlines_due":
          return count(Number(d.deadlines.get(grp)?.due ?? 0));
        case "deadlines_missed": {
          const r = d.deadlines.get(grp);
          return share(Number(r?.missed ?? 0), Number(r?.due ?? 0));
        }
      }
      break;
    }
    case "findings": {
      const f = d.findings.get(grp);
      if (name === "reported") return count(f?.reported);
      if (name === "affected_cases") return count(f?.affected_cases);
      if (name === "open") return count(OPEN_FINDING_STATUSES.reduce((sum, st) => sum + (f?.statuses[st] ?? 0), 0));
      if (name === "status" && detail) return count(f?.statuses[detail]);
      break;
    }
  }
  throw new Error(`report: no computation for figure ${figure.key}`);
}

async function groupsOf(db: Kysely<Database>, filter: ReportFilter, split: SplitDimension): Promise<ReportGroup[]> {
  switch (split) {
    case "none":
      return [];
    case "month":
    case "quarter":
      return bucketsOf(filter, split).map((b) => ({ key: b.key, label: bucketLabel(b.key) }));
    case "targetGroup":
      return [
        ...TARGET_GROUPS.values.map((g) => ({ key: g as string, label: TARGET_GROUPS.label[g] })),
        { key: "ohne", label: "ohne Zielgruppenzuordnung" },
      ].filter((g) => !filter.targetGroup || g.key === filter.targetGroup);
    case "municipality": {
      const rows = await db.selectFrom("municipalities").select(["id", "name"]).orderBy("name").execute();
      return [
        ...rows.map((m) => ({ key: String(m.id), label: m.name })),
        { key: "ohne", label: "ohne Kommune (nur strukturelle Hürden)" },
      ].filter((g) => filter.municipalityId == null || g.key === String(filter.municipalityId));
    }
    case "referralSource":
      return REFERRAL_SOURCES.values
        .map((s) => ({ key: s as string, label: REFERRAL_SOURCES.label[s] }))
        .filter((g) => !filter.referralSource || g.key === filter.referralSource);
    case "organisation":
      return (await listReportOrganisations(db))
        .map((o) => ({ key: String(o.id), label: o.name }))
        .filter((g) => filter.organisationId == null || g.key === String(filter.organisationId));
  }
}

async function filterLabelsOf(db: Kysely<Database>, filter: ReportFilter): Promise<RawReport["filterLabels"]> {
  const municipality =
    filter.municipalityId != null
      ? ((
          await db.selectFrom("municipalities").select("name").where("id", "=", filter.municipalityId).executeTakeFirst()
        )?.name ?? `Kommune ${filter.municipalityId}`)
      : null;
  const organisation =
    filter.organisationId != null
      ? ((
          await db.selectFrom("organisations").select("name").where("id", "=", filter.organisationId).executeTakeFirst()
        )?.name ?? `Träger ${filter.organisationId}`)
      : null;
  return {
    targetGroup: filter.targetGroup ? TARGET_GROUPS.label[filter.targetGroup] : null,
    municipality,
    referralSource: filter.referralSource ? REFERRAL_SOURCES.label[filter.referralSource] : null,
    organisation,
  };
}

export interface BuildReportOptions {
  /** Today (Europe/Berlin): the caseload counts no days after it. Default: the real today. */
  asOf?: string;
  now?: Date;
}

/** The exact report for a period (with the split) and its previous period (totals only). */
export async function buildReport(
  db: Kysely<Database>,
  filter: ReportFilter,
  split: SplitDimension,
  options: BuildReportOptions = {},
): Promise<RawReport> {
  const now = options.now ?? new Date();
  const asOf = options.asOf ?? berlinToday(now);
  const prev = previousPeriod(filter);
  const previousFilter: ReportFilter = { ...filter, ...prev };
  const [current, previous, staffTotal, staffByOrganisation, groups, filterLabels] = await Promise.all([
    loadPeriod(db, filter, split, asOf),
    loadPeriod(db, previousFilter, "none", asOf),
    queryStaff(db, { organisationId: filter.organisationId }),
    split === "organisation" ? queryStaffByOrganisation(db, filter.organisationId) : new Map(),
    groupsOf(db, filter, split),
    filterLabelsOf(db, filter),
  ]);
  // Groups that only appear in the data (e.g. findings without a municipality) are kept only when present.
  const visibleGroups = groups.filter(
    (g) => g.key !== "ohne" || split !== "municipality" || current.findings.has("ohne"),
  );
  const staff: Staff = { total: staffTotal, byOrganisation: staffByOrganisation };
  const figures = FIGURES.map((figure): RawFigure => {
    const splittable = figureSupportsSplit(figure, split);
    const noHistory = figure.staffAsOfNow === true;
    return {
      key: figure.key,
      total: cellOf(figure, current, staff, null, filter),
      previous: noHistory ? { value: null } : cellOf(figure, previous, staff, null, previousFilter),
      groups:
        split === "none" || !splittable
          ? {}
          : Object.fromEntries(visibleGroups.map((g) => [g.key, cellOf(figure, current, staff, g.key, filter)])),
    };
  });
  return {
    filter,
    split,
    period: { from: filter.from, to: filter.to, label: periodLabel(filter) },
    previous: { ...prev, label: periodLabel(prev) },
    groups: visibleGroups,
    figures,
    asOf,
    filterLabels,
    generatedAt: now.toISOString(),
  };
}

/**
 * Cells of some figures for every month of `filter` (split by month), computed exactly as the report
 * computes them: the same queries (only those the figures need, each once for all months), the same
 * cellOf. The trend series (trends.ts) are made of these.
 */
export async function buildMonthlyCells(
  db: Kysely<Database>,
  filter: ReportFilter,
  figureKeys: readonly string[],
  parts: ReadonlySet<ReportQueryPart>,
  options: { asOf: string },
): Promise<{ months: ReportGroup[]; cells: Map<string, Record<string, RawCell>> }> {
  const needsStaff = parts.has("caseload");
  const [data, staffTotal] = await Promise.all([
    loadPeriod(db, filter, "month", options.asOf, parts),
    needsStaff
      ? queryStaff(db, { organisationId: filter.organisationId })
      : Promise.resolve<StaffFigures>({ caseManagers: 0, fte: 0, standardPerFte: 0 }),
  ]);
  const staff: Staff = { total: staffTotal, byOrganisation: new Map() };
  const months = bucketsOf(filter, "month").map((b) => ({ key: b.key, label: bucketLabel(b.key) }));
  const cells = new Map<string, Record<string, RawCell>>();
  for (const key of figureKeys) {
    const figure = FIGURES.find((f) => f.key === key);
    if (!figure) throw new Error(`report: no figure ${key}`);
    cells.set(key, Object.fromEntries(months.map((m) => [m.key, cellOf(figure, data, staff, m.key, filter)])));
  }
  return { months, cells };
}

/** The organisations (Träger) a report can be filtered and split by. */
export function listReportOrganisations(db: Kysely<Database>) {
  return db.selectFrom("organisations").select(["id", "name"]).orderBy("name").orderBy("id").execute();
}

/** The municipalities a report can be filtered by. */
export function listReportMunicipalities(db: Kysely<Database>) {
  return db.selectFrom("municipalities").select(["id", "name"]).orderBy("name").execute();
}
