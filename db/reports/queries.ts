// The report queries: one per group of figures, each over one evaluation view (migration 0002), filtered
// by period and dimensions and grouped by the split (GROUPING SETS: the row with grp = null is the total).
// Every value comes back as numerator/denominator material; report.ts turns rows into figures.
import { type Expression, type Kysely, type RawBuilder, type SqlBool, sql } from "kysely";
import { CLOSURE_REASONS, FINDING_STATUSES, type NeedDomain } from "../../workflows/vocabulary";
import type { Database, ReportDatabase, ReportViews } from "../schema";
import { getSetting } from "../settings";
import { type Bucket, type Period, type ReportFilter, type SplitDimension, bucketsOf } from "./period";

export type ReportDb = Kysely<ReportDatabase>;

/** The evaluation views on top of the tables. */
export function reportDb(db: Kysely<Database>): ReportDb {
  return db.withTables<ReportViews>();
}

const BERLIN = sql.lit("Europe/Berlin");

/** First instant of a calendar day in Europe/Berlin. */
function startOfDay(date: string): RawBuilder<Date> {
  return sql<Date>`(${date}::date::timestamp AT TIME ZONE ${BERLIN})`;
}

/** First instant after a calendar day in Europe/Berlin. */
function endOfDay(date: string): RawBuilder<Date> {
  return sql<Date>`((${date}::date + 1)::timestamp AT TIME ZONE ${BERLIN})`;
}

/** anchor (timestamptz column) lies within the period's days. */
function inPeriod(anchor: string, period: Period): Expression<SqlBool> {
  const column = sql.ref(anchor);
  return sql<SqlBool>`(${column} >= ${startOfDay(period.from)} AND ${column} < ${endOfDay(period.to)})`;
}

/** anchor (date column) lies within the period's days. */
function dateInPeriod(anchor: string, period: Period): Expression<SqlBool> {
  const column = sql.ref(anchor);
  return sql<SqlBool>`(${column} BETWEEN ${period.from}::date AND ${period.to}::date)`;
}

/**
 * The dimension filters, on the view's target_group / municipality_id / referral_source / organisation_id
 * columns (structural findings have neither a referral source nor an organisation: options say so).
 */
function dimensionFilter(
  filter: ReportFilter,
  options: { referralSource?: boolean; organisation?: boolean } = {},
): Expression<SqlBool> {
  const parts: RawBuilder<SqlBool>[] = [];
  if (filter.targetGroup) parts.push(sql<SqlBool>`target_group = ${filter.targetGroup}`);
  if (filter.municipalityId != null) parts.push(sql<SqlBool>`municipality_id = ${filter.municipalityId}`);
  if (filter.referralSource && options.referralSource !== false) {
    parts.push(sql<SqlBool>`referral_source = ${filter.referralSource}`);
  }
  if (filter.organisationId != null && options.organisation !== false) {
    parts.push(sql<SqlBool>`organisation_id = ${filter.organisationId}`);
  }
  return parts.length ? sql<SqlBool>`(${sql.join(parts, sql` AND `)})` : sql<SqlBool>`true`;
}

/**
 * The group key of a row for the split: a month 'YYYY-MM' or quarter 'YYYY-Qn' of the anchor (a
 * timestamptz read in Europe/Berlin, or a date), a target group ('ohne' = not classified), a
 * municipality id ('ohne' = none), a referral source or an organisation id. null when not split.
 */
function splitKey(split: SplitDimension, anchor: string, anchorIsDate = false): RawBuilder<string> | null {
  // A date is formatted as a timestamp without time zone: to_char(date) would cast it to timestamptz first.
  const local = anchorIsDate ? sql`${sql.ref(anchor)}::timestamp` : sql`(${sql.ref(anchor)} AT TIME ZONE ${BERLIN})`;
  switch (split) {
    case "none":
      return null;
    case "month":
      return sql<string>`to_char(${local}, 'YYYY-MM')`;
    case "quarter":
      return sql<string>`to_char(${local}, 'YYYY-"Q"Q')`;
    case "targetGroup":
      return sql<string>`coalesce(target_group, 'ohne')`;
    case "municipality":
      return sql<string>`coalesce(municipality_id::text, 'ohne')`;
    case "referralSource":
      return sql<string>`referral_source::text`;
    case "organisation":
      return sql<string>`organisation_id::text`;
  }
}

/** GROUP BY for the total plus one row per split group (and extra grouping columns). */
function groupingSets(key: RawBuilder<string> | null, extra: RawBuilder<unknown>[] = []): RawBuilder<unknown> {
  const sets: RawBuilder<unknown>[] = [sql`()`];
  if (key) sets.push(sql`(${key})`);
  for (const e of extra) {
    sets.push(sql`(${e})`);
    if (key) sets.push(sql`(${e}, ${key})`);
  }
  return sql`GROUPING SETS (${sql.join(sets)})`;
}

const count = (condition?: RawBuilder<SqlBool>) =>
  condition ? sql<number>`count(*) FILTER (WHERE ${condition})` : sql<number>`count(*)`;

/** Median (percentile_cont 0.5) of a column, ignoring nulls; null when there are no values. */
const median = (column: string, condition?: RawBuilder<SqlBool>) =>
  sql<number | null>`percentile_cont(0.5) WITHIN GROUP (ORDER BY ${sql.ref(column)}) FILTER (WHERE ${sql.ref(column)} IS NOT NULL${
    condition ? sql` AND ${condition}` : sql``
  })`;

/** A row of a split query: grp = null is the total, otherwise the group key. */
export type GroupRow<T> = T & { grp: string | null };

function groupColumn(key: RawBuilder<string> | null) {
  return (key ?? sql<string | null>`NULL::text`).as("grp");
}

// ---------------------------------------------------------------------------------------------------
// Erreichbarkeit

export interface ReachRow {
  opened: number;
  with_first_contact: number;
  /** with a first contact at most 14 calendar days after the opening */
  with_first_contact_14d: number;
  median_days_to_first_contact: number | null;
  accepted: number;
  not_eligible: number;
  not_target_group: number;
  undecided: number;
}

export async function queryReach(db: Kysely<Database>, filter: ReportFilter, split: SplitDimension) {
  const key = splitKey(split, "opened_on", true);
  return reportDb(db)
    .selectFrom("report_case_facts")
    .select([
      groupColumn(key),
      count().as("opened"),
      count(sql`first_contact_at IS NOT NULL`).as("with_first_contact"),
      count(sql`days_to_first_contact <= 14`).as("with_first_contact_14d"),
      median("days_to_first_contact").as("median_days_to_first_contact"),
      count(sql`intake_decision = 'aufgenommen'`).as("accepted"),
      count(sql`intake_decision = 'nicht_zustaendig'`).as("not_eligible"),
      count(sql`intake_decision = 'keine_zielgruppe'`).as("not_target_group"),
      count(sql`intake_decision = 'offen'`).as("undecided"),
    ])
    .where(inPeriod("opened_at", filter))
    .where(dimensionFilter(filter))
    .$if(key !== null, (q) => q.groupBy(groupingSets(key)))
    .execute() as Promise<GroupRow<ReachRow>[]>;
}

// ---------------------------------------------------------------------------------------------------
// Beratungserfolge: closures and case duration

export interface ClosureRow {
  closed: number;
  /** closure_reason → count */
  reasons: Record<string, number>;
  median_duration: number | null;
  duration_n: number;
}

/** Closures by reason: one aggregate row per group with a count per reason. */
export async function queryClosures(db: Kysely<Database>, filter: ReportFilter, split: SplitDimension) {
  const key = splitKey(split, "closed_on", true);
  const reasons = CLOSURE_REASONS.values;
  const rows = await reportDb(db)
    .selectFrom("report_case_facts")
    .select([
      groupColumn(key),
      count().as("closed"),
      ...reasons.map((r) => count(sql`closure_reason = ${r}`).as(`reason_${r}`)),
      median("duration_days", sql`target_group IS NOT NULL`).as("median_duration"),
      count(sql`target_group IS NOT NULL`).as("duration_n"),
    ])
    .where(inPeriod("closed_at", filter))
    .where(dimensionFilter(filter))
    .$if(key !== null, (q) => q.groupBy(groupingSets(key)))
    .execute();
  return rows.map((row): GroupRow<ClosureRow> => {
    const r = row as unknown as Record<string, number | string | null>;
    return {
      grp: (r.grp as string | null) ?? null,
      closed: Number(r.closed),
      reasons: Object.fromEntries(reasons.map((reason) => [reason, Number(r[`reason_${reason}`])])),
      median_duration: r.median_duration === null ? null : Number(r.median_duration),
      duration_n: Number(r.duration_n),
    };
  });
}

// ---------------------------------------------------------------------------------------------------
// Beratungserfolge: goals, referrals, identities, UMF transitions

export interface GoalRow {
  /** null = all need domains */
  need_domain: NeedDomain | null;
  reached: number;
  partly: number;
  not_reached: number;
  dropped: number;
}

export async function queryGoals(db: Kysely<Database>, filter: ReportFilter, split: SplitDimension) {
  const key = splitKey(split, "evaluated_at");
  const rows = await reportDb(db)
    .selectFrom("report_goal_facts")
    .select([
      groupColumn(key),
      sql<NeedDomain | null>`CASE WHEN GROUPING(need_domain) = 0 THEN need_domain END`.as("need_domain"),
      count(sql`status = 'erreicht'`).as("reached"),
      count(sql`status = 'teilweise_erreicht'`).as("partly"),
      count(sql`status = 'nicht_erreicht'`).as("not_reached"),
      count(sql`status = 'entfallen'`).as("dropped"),
    ])
    .where(inPeriod("evaluated_at", filter))
    .where(dimensionFilter(filter))
    .groupBy(groupingSets(key, [sql`need_domain`]))
    .execute();
  return rows as GroupRow<GoalRow>[];
}

export interface ReferralRow {
  completed: number;
  declined: number;
  cancelled: number;
}

export async function queryReferrals(db: Kysely<Database>, filter: ReportFilter, split: SplitDimension) {
  const key = splitKey(split, "ended_at");
  return (await reportDb(db)
    .selectFrom("report_referral_facts")
    .select([
      groupColumn(key),
      count(sql`status = 'abgeschlossen'`).as("completed"),
      count(sql`status = 'abgelehnt'`).as("declined"),
      count(sql`status = 'abgebrochen'`).as("cancelled"),
    ])
    .where(inPeriod("ended_at", filter))
    .where(dimensionFilter(filter))
    .$if(key !== null, (q) => q.groupBy(groupingSets(key)))
    .execute()) as GroupRow<ReferralRow>[];
}

export async function queryIdentitiesClarified(db: Kysely<Database>, filter: ReportFilter, split: SplitDimension) {
  const key = splitKey(split, "clarified_on", true);
  return (await reportDb(db)
    .selectFrom("report_identity_facts")
    .select([groupColumn(key), count().as("clarified")])
    .where(dateInPeriod("clarified_on", filter))
    .where(dimensionFilter(filter))
    .$if(key !== null, (q) => q.groupBy(groupingSets(key)))
    .execute()) as GroupRow<{ clarified: number }>[];
}

export async function queryUmfTransitions(db: Kysely<Database>, filter: ReportFilter, split: SplitDimension) {
  const key = splitKey(split, "occurred_at");
  return (await reportDb(db)
    .selectFrom("report_umf_transitions")
    .select([groupColumn(key), count().as("transitions")])
    .where(inPeriod("occurred_at", filter))
    .where(dimensionFilter(filter))
    .$if(key !== null, (q) => q.groupBy(groupingSets(key)))
    .execute()) as GroupRow<{ transitions: number }>[];
}

// ---------------------------------------------------------------------------------------------------
// Beratungserfolge: residence (Aufenthaltsverfestigung, Fristen verpasst)

export interface ResidenceTransitionRow {
  /** null = all paragraph groups */
  permit_group: string | null;
  /** Cases whose client moved to a secure status in the period (a case counts once per group). */
  moved: number;
}

/**
 * Cases whose client moved from Duldung/Gestattung/ungeklärt to a residence or settlement permit.
 * `source` 'live' reads the definition computed on every request instead of the facts kept by trigger.
 */
export async function queryResidenceTransitions(
  db: Kysely<Database>,
  filter: ReportFilter,
  split: SplitDimension,
  options: { source?: "materialised" | "live" } = {},
) {
  const key = splitKey(split, "moved_on", true);
  return (await reportDb(db)
    .selectFrom(options.source === "live" ? "report_residence_transitions_live" : "report_residence_transitions")
    .select([
      groupColumn(key),
      sql<string | null>`CASE WHEN GROUPING(permit_group) = 0 THEN permit_group END`.as("permit_group"),
      sql<number>`count(DISTINCT case_id)`.as("moved"),
    ])
    .where(dateInPeriod("moved_on", filter))
    .where(dimensionFilter(filter))
    .groupBy(groupingSets(key, [sql`permit_group`]))
    .execute()) as GroupRow<ResidenceTransitionRow>[];
}

/** Cases open on at least one day of the period (the denominator of the Aufenthaltsverfestigung share). */
export async function queryOpenCases(db: Kysely<Database>, filter: ReportFilter, split: SplitDimension) {
  const key = split === "month" || split === "quarter" ? null : splitKey(split, "from_on", true);
  return (await reportDb(db)
    .selectFrom("report_open_intervals")
    .select([groupColumn(key), sql<number>`count(DISTINCT case_id)`.as("open_cases")])
    .where(sql<SqlBool>`from_on <= ${filter.to}::date AND coalesce(to_on, 'infinity'::date) > ${filter.from}::date`)
    .where(dimensionFilter(filter))
    .$if(key !== null, (q) => q.groupBy(groupingSets(key)))
    .execute()) as GroupRow<{ open_cases: number }>[];
}

export interface ResidenceDeadlineRow {
  due: number;
  missed: number;
}

/**
 * Deadlines of residence documents that fell due in the period before `asOf` (today), and those missed:
 * no new status recorded by the deadline and no step documented in the 8 weeks up to it. Whether a
 * deadline was met is kept by trigger; only "before today" depends on the day (a predicate on the indexed
 * deadline_on). `source` 'live' reads the definition computed on every request instead.
 */
export async function queryResidenceDeadlines(
  db: Kysely<Database>,
  filter: ReportFilter,
  split: SplitDimension,
  options: { asOf: string; source?: "materialised" | "live" },
) {
  const key = splitKey(split, "deadline_on", true);
  return (await reportDb(db)
    .selectFrom(options.source === "live" ? "report_residence_deadlines_live" : "report_residence_deadlines")
    .select([groupColumn(key), count().as("due"), count(sql`NOT met`).as("missed")])
    .where(dateInPeriod("deadline_on", filter))
    .where(sql<SqlBool>`deadline_on < ${options.asOf}::date`)
    .where(dimensionFilter(filter))
    .$if(key !== null, (q) => q.groupBy(groupingSets(key)))
    .execute()) as GroupRow<ResidenceDeadlineRow>[];
}

// ---------------------------------------------------------------------------------------------------
// Strukturelle Hürden (not attributable to a referral source or an organisation: those filters and splits
// do not apply)

export interface FindingRow {
  reported: number;
  affected_cases: number;
  /** status → count */
  statuses: Record<string, number>;
}

export async function queryFindings(db: Kysely<Database>, filter: ReportFilter, split: SplitDimension) {
  const key = split === "referralSource" || split === "organisation" ? null : splitKey(split, "reported_at");
  const statuses = FINDING_STATUSES.values;
  const rows = await reportDb(db)
    .selectFrom("report_findings")
    .select([
      groupColumn(key),
      count().as("reported"),
      sql<number>`coalesce(sum(affected_cases), 0)`.as("affected_cases"),
      ...statuses.map((st) => count(sql`status = ${st}`).as(`status_${st}`)),
    ])
    .where(inPeriod("reported_at", filter))
    .where(dimensionFilter(filter, { referralSource: false, organisation: false }))
    .$if(key !== null, (q) => q.groupBy(groupingSets(key)))
    .execute();
  return rows.map((row): GroupRow<FindingRow> => {
    const r = row as unknown as Record<string, number | string | null>;
    return {
      grp: (r.grp as string | null) ?? null,
      reported: Number(r.reported),
      affected_cases: Number(r.affected_cases),
      statuses: Object.fromEntries(statuses.map((st) => [st, Number(r[`status_${st}`])])),
    };
  });
}

// ---------------------------------------------------------------------------------------------------
// Auslastung: open cases per day from the open intervals

export interface CaseloadRow {
  /** Sum over the days of open cases at the end of each day (case-days), assigned or not. */
  case_days: number;
  assigned_days: number;
  unassigned_days: number;
  /** Unassigned open cases at the end of the bucket's last day (time splits). */
  unassigned_bucket_end: number;
  /** Unassigned open cases at the end of the period's last counted day. */
  unassigned_period_end: number;
}

export interface CaseloadResult {
  rows: GroupRow<CaseloadRow>[];
  /** Counted days: of the whole period and of each time bucket (days after `asOf` do not count). */
  days: number;
  bucketDays: Record<string, number>;
  /** The last counted day, or null when the period lies entirely after `asOf`. */
  lastDay: string | null;
}

/**
 * Open cases per day. `asOf` (today, Europe/Berlin) caps the period: days after it are not counted.
 * `source` 'live' computes the intervals from the event log instead of the materialised view.
 */
export async function queryCaseload(
  db: Kysely<Database>,
  filter: ReportFilter,
  split: SplitDimension,
  options: { asOf: string; source?: "materialised" | "live" },
): Promise<CaseloadResult> {
  const lastDay = filter.to < options.asOf ? filter.to : options.asOf;
  if (lastDay < filter.from) return { rows: [], days: 0, bucketDays: {}, lastDay: null };
  const counted: Period = { from: filter.from, to: lastDay };
  const buckets: Bucket[] =
    split === "month" || split === "quarter" ? bucketsOf(counted, split) : [{ key: "all", ...counted }];
  const bucketDays = Object.fromEntries(buckets.map((b) => [b.key, dayCount(b)]));
  const view = sql.table(options.source === "live" ? "report_open_intervals_live" : "report_open_intervals");
  const timeSplit = split === "month" || split === "quarter";
  const dimensionKey = timeSplit ? null : splitKey(split, "from_on", true);
  const key = timeSplit ? sql<string>`bucket` : dimensionKey ? sql<string>`grp_key` : null;
  // The number of open cases is a step function of the day: +1 where an interval starts (clipped to the
  // period), -1 where it ends. Its segments [seg_from, seg_to) with a constant count, per group and
  // assignment, are few (at most one per day); case-days of a bucket are count × overlapping days.
  // This stays linear in the intervals however many buckets there are.
  const { rows } = await sql<GroupRow<CaseloadRow>>`
    WITH pieces AS (
      SELECT greatest(i.from_on, ${counted.from}::date) AS from_on, i.to_on, i.case_manager_id IS NULL AS unassigned,
        ${dimensionKey ?? sql`NULL::text`} AS grp_key
      FROM ${view} i
      WHERE coalesce(i.to_on, 'infinity'::date) > ${counted.from}::date AND i.from_on <= ${counted.to}::date
        AND ${dimensionFilter(filter)}
    ), changes AS (
      SELECT grp_key, unassigned, day, sum(delta) AS delta
      FROM (
        SELECT grp_key, unassigned, from_on AS day, 1 AS delta FROM pieces
        UNION ALL
        SELECT grp_key, unassigned, to_on, -1 FROM pieces WHERE to_on <= ${counted.to}::date
      ) c
      GROUP BY grp_key, unassigned, day
    ), segments AS (
      SELECT grp_key, unassigned, day AS seg_from,
        coalesce(lead(day) OVER w, ${counted.to}::date + 1) AS seg_to,
        sum(delta) OVER (w ROWS UNBOUNDED PRECEDING) AS open
      FROM changes
      WINDOW w AS (PARTITION BY grp_key, unassigned ORDER BY day)
    ), spans AS (
      SELECT s.grp_key, s.unassigned, s.open, b.bucket, b.b_to,
        least(s.seg_to, b.b_to + 1) - greatest(s.seg_from, b.b_from) AS days,
        s.seg_from <= b.b_to AND s.seg_to > b.b_to AS at_bucket_end
      FROM segments s
      JOIN unnest(${buckets.map((b) => b.key)}::text[], ${buckets.map((b) => b.from)}::date[], ${buckets.map(
        (b) => b.to,
      )}::date[]) AS b (bucket, b_from, b_to)
        ON s.seg_from <= b.b_to AND s.seg_to > b.b_from
    )
    SELECT ${key ?? sql`NULL::text`} AS grp,
      coalesce(sum(open * days), 0) AS case_days,
      coalesce(sum(open * days) FILTER (WHERE NOT unassigned), 0) AS assigned_days,
      coalesce(sum(open * days) FILTER (WHERE unassigned), 0) AS unassigned_days,
      coalesce(sum(open) FILTER (WHERE unassigned AND at_bucket_end), 0) AS unassigned_bucket_end,
      coalesce(sum(open) FILTER (WHERE unassigned AND at_bucket_end AND b_to = ${lastDay}::date), 0) AS unassigned_period_end
    FROM spans
    ${key ? sql`GROUP BY ${groupingSets(key)}` : sql``}`.execute(db);
  return { rows, days: dayCount(counted), bucketDays, lastDay };
}

function dayCount(p: Period): number {
  return Math.round((Date.parse(p.to) - Date.parse(p.from)) / 86_400_000) + 1;
}

export interface StaffFigures {
  caseManagers: number;
  fte: number;
  standardPerFte: number;
}

/**
 * Active case managers, their FTE and the configured standard caseload per FTE (as of now: no history);
 * with `organisationId`, those employed by that organisation.
 */
export async function queryStaff(db: Kysely<Database>, options: { organisationId?: number | null } = {}): Promise<StaffFigures> {
  const [byOrganisation, standardPerFte] = await Promise.all([
    queryStaffByOrganisation(db, options.organisationId),
    getSetting(db, "standard_caseload_per_fte"),
  ]);
  let caseManagers = 0;
  let fte = 0;
  for (const s of byOrganisation.values()) {
    caseManagers += s.caseManagers;
    fte += s.fte;
  }
  // FTE are numeric(…) in the database: summed here, rounded back to their precision.
  return { caseManagers, fte: Math.round(fte * 1e6) / 1e6, standardPerFte };
}

/** Active case managers and their FTE per organisation (id as text, the split's group key). */
export async function queryStaffByOrganisation(
  db: Kysely<Database>,
  organisationId?: number | null,
): Promise<Map<string, { caseManagers: number; fte: number }>> {
  const rows = await db
    .selectFrom("users")
    .select((eb) => ["organisation_id", eb.fn.countAll<number>().as("n"), sql<string | null>`sum(fte)`.as("fte")])
    .where("role", "=", "case_manager")
    .where("active", "=", true)
    .$if(organisationId != null, (q) => q.where("organisation_id", "=", organisationId as number))
    .groupBy("organisation_id")
    .execute();
  return new Map(rows.map((r) => [String(r.organisation_id), { caseManagers: Number(r.n), fte: Number(r.fte ?? 0) }]));
}
