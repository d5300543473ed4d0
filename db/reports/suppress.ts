// The one place where small numbers are suppressed. publishReport turns the exact report into what may
// leave the server: for the steering role (suppress: true) counts from 1 to 4 become "<5" and values
// whose basis is under 5 are hidden – the exact numbers are dropped, not just not shown. The page, the
// loader data and both exports read only the published report. Coordinators get it unsuppressed.
import { FIGURES, type FigureKind, REPORT_SECTIONS, type ReportSection, SPLIT_LABELS, SUPPRESSION_NOTE, ORGANISATION_NOTE } from "./definitions";
import { type KeyFigure, keyFiguresOf } from "./key-figures";
import type { RawCell, RawReport, ReportGroup, ReportPeriod } from "./report";
import type { ReportFilter, SplitDimension } from "./period";
import { type PublishedTrends, type RawTrends, publishTrends } from "./trends";

/** Below this, a count is shown as "<5" and a basis hides its rate. */
export const MIN_SHOWN = 5;

/**
 * ok: shown; empty: nothing to compute (no cases, no days); small: a count 1–4 shown as "<5";
 * hidden: a rate, median or average whose basis is under 5, or a share of 1–4 cases; na: not computable
 * under this filter.
 */
export type CellStatus = "ok" | "empty" | "small" | "hidden" | "na";

export interface CellPart {
  value: number | null;
  display: string;
}

export interface Cell {
  value: number | null;
  display: string;
  status: CellStatus;
  numerator?: CellPart;
  denominator?: CellPart;
}

export interface PublishedFigure {
  key: string;
  section: ReportSection;
  label: string;
  definition: string;
  kind: FigureKind;
  percent: boolean;
  total: Cell;
  previous: Cell;
  /** Cells per group key; empty when the report is not split or this figure cannot be split this way. */
  groups: Record<string, Cell>;
}

export interface PublishedReport {
  suppressed: boolean;
  suppressionNote: string | null;
  /** What "Träger" means, when the report is filtered or split by organisation. */
  organisationNote: string | null;
  filter: ReportFilter;
  filterLabels: RawReport["filterLabels"];
  split: SplitDimension;
  splitLabel: string;
  period: ReportPeriod;
  previous: ReportPeriod;
  groups: ReportGroup[];
  sections: { key: ReportSection; title: string; figures: PublishedFigure[] }[];
  /** "Auf einen Blick": the key figures with previous period and trend, read from the sections. */
  atAGlance: KeyFigure[];
  /**
   * "Entwicklung (24 Monate)": monthly series, suppressed like the rest. null when not computed; absent
   * in editions frozen before the series existed.
   */
  trends?: PublishedTrends | null;
  asOf: string;
  generatedAt: string;
}

export const DISPLAY = {
  empty: "–",
  small: "<5",
  hidden: "nicht ausgewiesen",
  na: "nicht auswertbar",
} as const;

const integer = new Intl.NumberFormat("de-DE", { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat("de-DE", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const upToTwo = new Intl.NumberFormat("de-DE", { maximumFractionDigits: 2 });

export function formatCount(n: number): string {
  return integer.format(n);
}

export function formatPercent(share: number): string {
  return `${oneDecimal.format(share * 100)} %`;
}

function formatValue(kind: FigureKind, value: number, percent: boolean): string {
  switch (kind) {
    case "count":
      return integer.format(value);
    case "share":
      return formatPercent(value);
    case "median":
      return upToTwo.format(Math.round(value * 10) / 10);
    case "average":
      return oneDecimal.format(value);
    case "ratio":
      return percent ? formatPercent(value) : oneDecimal.format(value);
    case "setting":
      return upToTwo.format(value);
  }
}

const isSmallCount = (n: number) => n >= 1 && n < MIN_SHOWN;
const isSmallLevel = (n: number) => n > 0 && n < MIN_SHOWN;

/** A count shown beside a figure (numerator, denominator, n). */
function countPart(n: number, suppress: boolean): CellPart {
  return suppress && isSmallCount(n) ? { value: null, display: DISPLAY.small } : { value: n, display: integer.format(n) };
}

/** An average number of open cases shown beside a figure. */
function levelPart(n: number, suppress: boolean): CellPart {
  return suppress && isSmallLevel(n) ? { value: null, display: DISPLAY.small } : { value: n, display: oneDecimal.format(n) };
}

function plainPart(n: number, format: (n: number) => string): CellPart {
  return { value: n, display: format(n) };
}

function cell(value: number | null, status: CellStatus, display: string, parts: Pick<Cell, "numerator" | "denominator"> = {}): Cell {
  return { value: status === "ok" ? value : null, display, status, ...parts };
}

/** The suppression rule for one value of one kind of figure. */
export function publishCell(kind: FigureKind, raw: RawCell, options: { suppress: boolean; percent?: boolean }): Cell {
  const { suppress } = options;
  const percent = options.percent ?? false;
  if (raw.notApplicable) return cell(null, "na", DISPLAY.na);
  const shown = (v: number) => formatValue(kind, v, percent);
  switch (kind) {
    case "count": {
      const n = raw.value;
      if (n === null) return cell(null, "empty", DISPLAY.empty);
      if (suppress && isSmallCount(n)) return cell(null, "small", DISPLAY.small);
      return cell(n, "ok", shown(n));
    }
    case "setting":
      return raw.value === null ? cell(null, "empty", DISPLAY.empty) : cell(raw.value, "ok", shown(raw.value));
    case "share":
    case "median": {
      const denominator = raw.denominator ?? 0;
      const parts = {
        ...(kind === "share" ? { numerator: countPart(raw.numerator ?? 0, suppress) } : {}),
        denominator: countPart(denominator, suppress),
      };
      if (denominator === 0 || raw.value === null) return cell(null, "empty", DISPLAY.empty, parts);
      if (suppress && denominator < MIN_SHOWN) return cell(null, "hidden", DISPLAY.hidden, parts);
      // A share of 1–4 cases would give the small count away (4,9 % of 82 is 4): hidden as well.
      if (suppress && kind === "share" && isSmallCount(raw.numerator ?? 0)) {
        return cell(null, "hidden", DISPLAY.hidden, parts);
      }
      return cell(raw.value, "ok", shown(raw.value), parts);
    }
    case "average": {
      const parts = {
        numerator: countPart(raw.numerator ?? 0, suppress),
        denominator: plainPart(raw.denominator ?? 0, (n) => integer.format(n)),
      };
      if (raw.value === null) return cell(null, "empty", DISPLAY.empty, parts);
      if (suppress && isSmallLevel(raw.value)) return cell(null, "small", DISPLAY.small, parts);
      return cell(raw.value, "ok", shown(raw.value), parts);
    }
    case "ratio": {
      const numerator = raw.numerator ?? null;
      const denominator = raw.denominator ?? 0;
      const guard = raw.guard ?? denominator;
      const parts = {
        ...(numerator !== null ? { numerator: levelPart(numerator, suppress) } : {}),
        denominator:
          suppress && guard < MIN_SHOWN ? { value: null, display: DISPLAY.small } : plainPart(denominator, (n) => upToTwo.format(n)),
      };
      if (raw.value === null) return cell(null, "empty", DISPLAY.empty, parts);
      if (suppress && (guard < MIN_SHOWN || isSmallLevel(numerator ?? 0))) return cell(null, "hidden", DISPLAY.hidden, parts);
      return cell(raw.value, "ok", shown(raw.value), parts);
    }
  }
}

/** The report as it may leave the server: suppressed for the steering role, exact for coordinators. */
export function publishReport(raw: RawReport, options: { suppress: boolean; trends?: RawTrends | null }): PublishedReport {
  const rawByKey = new Map(raw.figures.map((f) => [f.key, f]));
  const sections = (Object.keys(REPORT_SECTIONS) as ReportSection[]).map((section) => ({
    key: section,
    title: REPORT_SECTIONS[section],
    figures: FIGURES.filter((f) => f.section === section).map((def): PublishedFigure => {
      const figure = rawByKey.get(def.key);
      if (!figure) throw new Error(`report: figure ${def.key} missing`);
      const publish = (c: RawCell) => publishCell(def.kind, c, { suppress: options.suppress, percent: def.percent });
      return {
        key: def.key,
        section,
        label: def.label,
        definition: def.definition,
        kind: def.kind,
        percent: def.percent ?? false,
        total: publish(figure.total),
        previous: publish(figure.previous),
        groups: Object.fromEntries(Object.entries(figure.groups).map(([k, c]) => [k, publish(c)])),
      };
    }),
  }));
  return {
    suppressed: options.suppress,
    suppressionNote: options.suppress ? SUPPRESSION_NOTE : null,
    organisationNote: raw.split === "organisation" || raw.filter.organisationId != null ? ORGANISATION_NOTE : null,
    filter: raw.filter,
    filterLabels: raw.filterLabels,
    split: raw.split,
    splitLabel: SPLIT_LABELS[raw.split],
    period: raw.period,
    previous: raw.previous,
    groups: raw.groups,
    sections,
    atAGlance: keyFiguresOf(new Map(sections.flatMap((s) => s.figures).map((f) => [f.key, f]))),
    trends: options.trends ? publishTrends(options.trends, { suppress: options.suppress }) : null,
    asOf: raw.asOf,
    generatedAt: raw.generatedAt,
  };
}
