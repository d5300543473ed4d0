// The state of the case list ("Meine Fälle" / "Alle Fälle") as it lives in the URL: which filters,
// which sort column (only the known ones), which page. Pure: shared by the route (browser and server)
// and the query in db/caseload.ts. Unknown or malformed values are reported and never reach SQL.
import { CASE_PHASES, type CasePhase, TARGET_GROUPS, type TargetGroup } from "./vocabulary";

/** Sortable columns (URL value = column id). Anything else in the URL is ignored. */
export const CASELOAD_SORTS = [
  "aktenzeichen",
  "name",
  "alter",
  "zielgruppe",
  "phase",
  "offen",
  "wiedervorlage",
  "kontakt",
  "frist",
] as const;
export type CaseloadSort = (typeof CASELOAD_SORTS)[number];

/** Follow-up filter: the case's next open Wiedervorlage is due today / overdue / due from today to Sunday. */
export const FOLLOW_UP_FILTERS = ["heute", "ueberfaellig", "woche"] as const;
export type FollowUpFilter = (typeof FOLLOW_UP_FILTERS)[number];

/**
 * Deadline filter: the case's next deadline (residence document, UMF's 18th birthday) lies within 4 or
 * 8 weeks (the reminder stages of workflows/residence-deadlines.ts) or has passed.
 */
export const DEADLINE_FILTERS = ["4wochen", "8wochen"] as const;
export type DeadlineFilter = (typeof DEADLINE_FILTERS)[number];

/** "keine": not (yet) assigned to a target group. */
export const TARGET_GROUP_FILTERS = [...TARGET_GROUPS.values, "keine"] as const;
export type TargetGroupFilter = TargetGroup | "keine";

export const PAGE_SIZES = [25, 50, 100] as const;
export type PageSize = (typeof PAGE_SIZES)[number];

export const MAX_SEARCH_LENGTH = 100;

export interface CaseloadQuery {
  phase: CasePhase | null;
  targetGroup: TargetGroupFilter | null;
  municipalityId: number | null;
  followUp: FollowUpFilter | null;
  deadline: DeadlineFilter | null;
  /** Free text (name or Aktenzeichen); "" for none. */
  search: string;
  /** Without a phase filter, closed cases are listed only when asked for. */
  includeClosed: boolean;
  sort: CaseloadSort;
  desc: boolean;
  /** 1-based. */
  page: number;
  pageSize: PageSize;
}

export const DEFAULT_CASELOAD_QUERY: CaseloadQuery = {
  phase: null,
  targetGroup: null,
  municipalityId: null,
  followUp: null,
  deadline: null,
  search: "",
  includeClosed: false,
  sort: "wiedervorlage",
  desc: false,
  page: 1,
  pageSize: 25,
};

/** The URL parameter names (German: they are visible to the user). */
export const CASELOAD_PARAMS = {
  phase: "phase",
  targetGroup: "zielgruppe",
  municipalityId: "kommune",
  followUp: "wiedervorlage",
  deadline: "frist",
  search: "suche",
  includeClosed: "abgeschlossene",
  sort: "sortierung",
  page: "seite",
  pageSize: "anzahl",
} as const;

/** `name` (ascending) or `name.ab` (descending); `.auf` is accepted for ascending. */
export function formatSort(sort: CaseloadSort, desc: boolean): string {
  return desc ? `${sort}.ab` : sort;
}

/** The last value of a URL parameter, trimmed ("" when absent): a repeated parameter counts once. */
export function lastParam(params: URLSearchParams, name: string): string {
  return (params.getAll(name).at(-1) ?? "").trim();
}

/** A 1-based page number from the URL, or null when malformed. */
export function parsePageNumber(value: string): number | null {
  return /^\d{1,6}$/.test(value) && Number(value) >= 1 ? Number(value) : null;
}

function oneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

/**
 * Reads the list state from the URL. Unknown or malformed values never reach SQL: they fall back to the
 * default and their parameter name is listed in `ignored` (the page says so). Empty values mean "no filter".
 */
export function parseCaseloadQuery(params: URLSearchParams): { query: CaseloadQuery; ignored: string[] } {
  const query: CaseloadQuery = { ...DEFAULT_CASELOAD_QUERY };
  const ignored: string[] = [];
  const get = (name: string) => lastParam(params, name);
  const P = CASELOAD_PARAMS;

  const phase = get(P.phase);
  if (phase) {
    if (oneOf(CASE_PHASES.values, phase)) query.phase = phase;
    else ignored.push(P.phase);
  }
  const targetGroup = get(P.targetGroup);
  if (targetGroup) {
    if (oneOf(TARGET_GROUP_FILTERS, targetGroup)) query.targetGroup = targetGroup;
    else ignored.push(P.targetGroup);
  }
  const municipality = get(P.municipalityId);
  if (municipality) {
    const n = Number(municipality);
    if (/^\d{1,9}$/.test(municipality) && n > 0) query.municipalityId = n;
    else ignored.push(P.municipalityId);
  }
  const followUp = get(P.followUp);
  if (followUp) {
    if (oneOf(FOLLOW_UP_FILTERS, followUp)) query.followUp = followUp;
    else ignored.push(P.followUp);
  }
  const deadline = get(P.deadline);
  if (deadline) {
    if (oneOf(DEADLINE_FILTERS, deadline)) query.deadline = deadline;
    else ignored.push(P.deadline);
  }
  const search = get(P.search).replace(/\s+/g, " ");
  if (search.length > MAX_SEARCH_LENGTH) ignored.push(P.search);
  else query.search = search;
  const closed = get(P.includeClosed);
  if (closed) {
    if (closed === "1" || closed === "on" || closed === "ja") query.includeClosed = true;
    else if (closed !== "0" && closed !== "nein") ignored.push(P.includeClosed);
  }
  const sort = get(P.sort);
  if (sort) {
    const [column = "", direction = "auf", ...rest] = sort.split(".");
    if (oneOf(CASELOAD_SORTS, column) && (direction === "auf" || direction === "ab") && rest.length === 0) {
      query.sort = column;
      query.desc = direction === "ab";
    } else {
      ignored.push(P.sort);
    }
  }
  const page = get(P.page);
  if (page) {
    const n = parsePageNumber(page);
    if (n) query.page = n;
    else ignored.push(P.page);
  }
  const size = get(P.pageSize);
  if (size) {
    const n = Number(size);
    if (oneOf(PAGE_SIZES.map(String), size)) query.pageSize = n as PageSize;
    else ignored.push(P.pageSize);
  }
  return { query, ignored };
}

/** The URL search string of a query (defaults left out), for links and redirects. */
export function caseloadSearch(query: CaseloadQuery, overrides: Partial<CaseloadQuery> = {}): string {
  const q = { ...query, ...overrides };
  const d = DEFAULT_CASELOAD_QUERY;
  const P = CASELOAD_PARAMS;
  const out = new URLSearchParams();
  if (q.search) out.set(P.search, q.search);
  if (q.phase) out.set(P.phase, q.phase);
  if (q.targetGroup) out.set(P.targetGroup, q.targetGroup);
  if (q.municipalityId) out.set(P.municipalityId, String(q.municipalityId));
  if (q.followUp) out.set(P.followUp, q.followUp);
  if (q.deadline) out.set(P.deadline, q.deadline);
  if (q.includeClosed) out.set(P.includeClosed, "1");
  if (q.sort !== d.sort || q.desc !== d.desc) out.set(P.sort, formatSort(q.sort, q.desc));
  if (q.pageSize !== d.pageSize) out.set(P.pageSize, String(q.pageSize));
  if (q.page !== 1) out.set(P.page, String(q.page));
  const s = out.toString();
  return s ? `?${s}` : "";
}

/** Calendar helpers on 'YYYY-MM-DD' strings (no time zone involved). */
function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The Sunday that ends the (Monday-based) week of a date. */
export function endOfWeek(date: string): string {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(date, (7 - weekday) % 7);
}
