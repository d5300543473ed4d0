// Report periods: calendar dates ('YYYY-MM-DD', inclusive) in Europe/Berlin. Pure functions, no database.
import type { ReferralSource, TargetGroup } from "../../workflows/vocabulary";

/** What a report covers. `from` and `to` are inclusive calendar dates. */
export interface ReportFilter {
  from: string;
  to: string;
  targetGroup?: TargetGroup | null;
  municipalityId?: number | null;
  referralSource?: ReferralSource | null;
  /** The case's current organisation (Träger). */
  organisationId?: number | null;
}

/** How the figures are split besides the total. */
export const SPLIT_DIMENSIONS = [
  "none",
  "month",
  "quarter",
  "targetGroup",
  "municipality",
  "referralSource",
  "organisation",
] as const;
export type SplitDimension = (typeof SPLIT_DIMENSIONS)[number];

export interface Period {
  from: string;
  to: string;
}

/** A sub-period of a time split: key 'YYYY-MM' or 'YYYY-Qn', inclusive dates. */
export interface Bucket extends Period {
  key: string;
}

const MONTHS_DE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"];

function parse(date: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.toISOString().slice(0, 10) !== date) throw new Error(`not a date: ${date}`);
  return d;
}

function format(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function isValidDate(date: string): boolean {
  try {
    parse(date);
    return true;
  } catch {
    return false;
  }
}

export function addDays(date: string, days: number): string {
  const d = parse(date);
  d.setUTCDate(d.getUTCDate() + days);
  return format(d);
}

/** Number of days from a to b inclusive (0 when b < a). */
export function daysInclusive(a: string, b: string): number {
  return Math.max(0, Math.round((parse(b).getTime() - parse(a).getTime()) / 86_400_000) + 1);
}

function monthStart(year: number, month0: number): string {
  return format(new Date(Date.UTC(year, month0, 1)));
}

function monthEnd(year: number, month0: number): string {
  return format(new Date(Date.UTC(year, month0 + 1, 0)));
}

export function monthPeriod(year: number, month: number): Period {
  return { from: monthStart(year, month - 1), to: monthEnd(year, month - 1) };
}

export function quarterPeriod(year: number, quarter: number): Period {
  return { from: monthStart(year, (quarter - 1) * 3), to: monthEnd(year, quarter * 3 - 1) };
}

export function yearPeriod(year: number): Period {
  return { from: `${year}-01-01`, to: `${year}-12-31` };
}

/** The number of whole calendar months the period spans, or null when it does not start on a 1st and end on a last day. */
function wholeMonths(p: Period): number | null {
  const a = parse(p.from);
  const b = parse(p.to);
  if (a.getUTCDate() !== 1 || format(b) !== monthEnd(b.getUTCFullYear(), b.getUTCMonth())) return null;
  return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth() + 1;
}

/**
 * The comparison period: as many whole months before (month → previous month, quarter → previous
 * quarter, year → previous year) when the period is made of whole months; otherwise the same number
 * of days immediately before.
 */
export function previousPeriod(p: Period): Period {
  const months = wholeMonths(p);
  if (months !== null) {
    const a = parse(p.from);
    return {
      from: monthStart(a.getUTCFullYear(), a.getUTCMonth() - months),
      to: monthEnd(a.getUTCFullYear(), a.getUTCMonth() - 1),
    };
  }
  const days = daysInclusive(p.from, p.to);
  return { from: addDays(p.from, -days), to: addDays(p.from, -1) };
}

/** The months or quarters of a period, clipped to it. */
export function bucketsOf(p: Period, unit: "month" | "quarter"): Bucket[] {
  const out: Bucket[] = [];
  const a = parse(p.from);
  let year = a.getUTCFullYear();
  let month0 = unit === "month" ? a.getUTCMonth() : Math.floor(a.getUTCMonth() / 3) * 3;
  for (;;) {
    const start = monthStart(year, month0);
    if (start > p.to) break;
    const span = unit === "month" ? 1 : 3;
    const end = monthEnd(year, month0 + span - 1);
    const key = unit === "month" ? start.slice(0, 7) : `${year}-Q${month0 / 3 + 1}`;
    out.push({ key, from: start < p.from ? p.from : start, to: end > p.to ? p.to : end });
    month0 += span;
    if (month0 >= 12) {
      month0 -= 12;
      year += 1;
    }
  }
  return out;
}

/** German label of a bucket key: '2025-03' → 'März 2025', '2025-Q1' → '1. Quartal 2025'. */
export function bucketLabel(key: string): string {
  const q = /^(\d{4})-Q([1-4])$/.exec(key);
  if (q) return `${q[2]}. Quartal ${q[1]}`;
  const m = /^(\d{4})-(\d{2})$/.exec(key);
  if (m) return `${MONTHS_DE[Number(m[2]) - 1]} ${m[1]}`;
  return key;
}

/** German label of a period: a month, quarter or year by name, otherwise 'TT.MM.JJJJ – TT.MM.JJJJ'. */
export function periodLabel(p: Period): string {
  const months = wholeMonths(p);
  const a = parse(p.from);
  const year = a.getUTCFullYear();
  if (months === 1) return bucketLabel(p.from.slice(0, 7));
  if (months === 3 && a.getUTCMonth() % 3 === 0) return bucketLabel(`${year}-Q${a.getUTCMonth() / 3 + 1}`);
  if (months === 12 && a.getUTCMonth() === 0) return `Jahr ${year}`;
  return `${germanDate(p.from)} – ${germanDate(p.to)}`;
}

export function germanDate(date: string): string {
  const [y, m, d] = date.split("-");
  return `${d}.${m}.${y}`;
}

/** Today's calendar date in Europe/Berlin. */
export function berlinToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Berlin" }).format(now);
}
