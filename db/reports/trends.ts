// "Entwicklung (24 Monate)": monthly series of the report's own figures over the 24 months that end with
// the report period's last month (or the current month, when the period reaches into the future). Every
// value is the report figure for that month, computed by the report's queries and cellOf (report.ts
// buildMonthlyCells: each query runs once, split by month, not once per month) and published by the same
// suppression rule (publishCell): what the steering group may not see in the report it does not see here.
import type { Kysely } from "kysely";
import type { Database } from "../schema";
import { CLOSURE_REASON_ORDER, FIGURES, type FigureKind } from "./definitions";
import { type Period, type ReportFilter, berlinToday, bucketLabel, monthPeriod } from "./period";
import { type RawCell, type ReportGroup, type ReportQueryPart, buildMonthlyCells } from "./report";
import { type Cell, publishCell } from "./suppress";

/** How many months the series cover. */
export const TREND_MONTHS = 24;

export type TrendUnit = "count" | "percent" | "decimal";

/** The report figures the series are made of, with the queries they need. */
const SERIES_FIGURES = [
  "reach.opened",
  "reach.first_contact_14d",
  "caseload.per_fte",
  "caseload.standard",
  "outcomes.closed",
  ...CLOSURE_REASON_ORDER.map((r) => `outcomes.closed.${r}`),
  "outcomes.goals_reached",
] as const;
const SERIES_PARTS: ReadonlySet<ReportQueryPart> = new Set(["reach", "caseload", "closures", "goals"]);

/** The exact series: one raw cell per figure and month. Never leaves the server unpublished. */
export interface RawTrends {
  window: Period & { label: string };
  months: ReportGroup[];
  cells: Map<string, Record<string, RawCell>>;
  asOf: string;
}

/** The 24 whole months ending with the period's last month, but not after the month of `asOf`. */
export function trendWindow(filter: Period, asOf: string): Period & { label: string } {
  const end = filter.to < asOf ? filter.to : asOf;
  const year = Number(end.slice(0, 4));
  const month = Number(end.slice(5, 7));
  const first = new Date(Date.UTC(year, month - TREND_MONTHS, 1));
  const from = monthPeriod(first.getUTCFullYear(), first.getUTCMonth() + 1).from;
  const to = monthPeriod(year, month).to;
  return { from, to, label: `${bucketLabel(from.slice(0, 7))} – ${bucketLabel(to.slice(0, 7))}` };
}

/**
 * The trend series for the report's filter (target group, municipality, referral source, organisation
 * apply as in the report; the period only chooses the window). Four grouped queries (reach, caseload,
 * closures, goals) and the staff figures, whatever the number of months.
 */
export async function queryTrends(
  db: Kysely<Database>,
  filter: ReportFilter,
  options: { asOf?: string } = {},
): Promise<RawTrends> {
  const asOf = options.asOf ?? berlinToday();
  const window = trendWindow(filter, asOf);
  const { months, cells } = await buildMonthlyCells(db, { ...filter, from: window.from, to: window.to }, SERIES_FIGURES, SERIES_PARTS, {
    asOf,
  });
  return { window, months, cells, asOf };
}

// ---------------------------------------------------------------------------------------------------
// Published series

export interface TrendSeries {
  key: string;
  label: string;
  /** One published cell per month, in the order of `months`. */
  values: Cell[];
}

export interface TrendChart {
  key: "opened" | "reached" | "caseload" | "closures" | "goals";
  title: string;
  /** What each point means, in plain German (shown beside the chart, in the XLSX and the print). */
  definition: string;
  unit: TrendUnit;
  series: TrendSeries[];
  /** A line to measure against (the standard caseload per FTE). */
  reference: { value: number; label: string } | null;
  /** Draw one small chart per series (many series of the same kind) instead of one chart with all lines. */
  panels: boolean;
}

export interface PublishedTrends {
  from: string;
  to: string;
  label: string;
  months: ReportGroup[];
  charts: TrendChart[];
  asOf: string;
}

const definitionOf = (key: string) => {
  const f = FIGURES.find((x) => x.key === key);
  if (!f) throw new Error(`report: no figure ${key}`);
  return f;
};

/** A figure's published cells, month by month. */
function publishedSeries(raw: RawTrends, key: string, suppress: boolean): Cell[] {
  const def = definitionOf(key);
  const cells = raw.cells.get(key) ?? {};
  return raw.months.map((m) => publishCell(def.kind, cells[m.key] ?? { value: null }, { suppress, percent: def.percent }));
}

/** The number of cases behind a share (its numerator), suppressed like the share's numerator in the report. */
function numeratorSeries(raw: RawTrends, key: string, suppress: boolean): Cell[] {
  return publishedSeries(raw, key, suppress).map((c): Cell => {
    const part = c.numerator ?? { value: 0, display: "0" };
    if (part.value === null) return { value: null, display: part.display, status: "small" };
    return publishCell("count", { value: part.value }, { suppress });
  });
}

function unitOf(kind: FigureKind, percent = false): TrendUnit {
  if (kind === "share" || percent) return "percent";
  if (kind === "count") return "count";
  return "decimal";
}

const MONTHLY = "Jeder Punkt ist der Wert des Kalendermonats, berechnet wie im Bericht für einen Monat.";

/** The series as they may leave the server: suppressed for the steering role, exact for coordinators. */
export function publishTrends(raw: RawTrends, options: { suppress: boolean }): PublishedTrends {
  const { suppress } = options;
  const series = (key: string, label: string): TrendSeries => ({ key, label, values: publishedSeries(raw, key, suppress) });
  const standardCell = Object.values(raw.cells.get("caseload.standard") ?? {})[0];
  const standard = standardCell?.value ?? null;
  const closed = definitionOf("outcomes.closed");
  const charts: TrendChart[] = [
    {
      key: "opened",
      title: "Eröffnete Fälle je Monat",
      definition: `${definitionOf("reach.opened").definition} ${MONTHLY}`,
      unit: "count",
      series: [series("reach.opened", "Eröffnete Fälle")],
      reference: null,
      panels: false,
    },
    {
      key: "reached",
      title: "Erreicht innerhalb von 14 Tagen",
      definition: `${definitionOf("reach.first_contact_14d").definition} Monat der Eröffnung. ${MONTHLY}`,
      unit: "percent",
      series: [series("reach.first_contact_14d", "Anteil mit Erstkontakt innerhalb von 14 Tagen")],
      reference: null,
      panels: false,
    },
    {
      key: "caseload",
      title: "Offene Fälle je Vollzeitstelle",
      definition:
        `${definitionOf("caseload.per_fte").definition} Im laufenden Monat zählen die Tage bis heute. ` +
        "Die Vollzeitstellen sind der heutige Stand, auch für zurückliegende Monate (es gibt keine Personalhistorie)." +
        (standard !== null ? ` Gestrichelte Linie: Standardfallzahl ${String(standard).replace(".", ",")} je Vollzeitstelle.` : ""),
      unit: "decimal",
      series: [series("caseload.per_fte", "Offene Fälle je Vollzeitstelle")],
      reference: standard !== null ? { value: standard, label: `Standard ${String(standard).replace(".", ",")}` } : null,
      panels: false,
    },
    {
      key: "closures",
      title: "Abschlüsse nach Abschlussgrund",
      definition:
        `${closed.definition} Je Abschlussgrund: die Zahl der im Monat abgeschlossenen Fälle mit diesem Grund ` +
        `(der Zähler des Anteils im Bericht). ${MONTHLY}`,
      unit: "count",
      series: [
        series("outcomes.closed", "Alle Abschlüsse"),
        ...CLOSURE_REASON_ORDER.map((r) => {
          const key = `outcomes.closed.${r}`;
          const label = definitionOf(key).label.replace(/^Abschlussgrund /, "").replace(/^„|“$/g, "");
          return { key, label, values: numeratorSeries(raw, key, suppress) };
        }),
      ],
      reference: null,
      panels: true,
    },
    {
      key: "goals",
      title: "Zielerreichungsquote",
      definition: `${definitionOf("outcomes.goals_reached").definition} Monat der Bewertung. ${MONTHLY}`,
      unit: unitOf("share"),
      series: [series("outcomes.goals_reached", "Zielerreichungsquote")],
      reference: null,
      panels: false,
    },
  ];
  return { from: raw.window.from, to: raw.window.to, label: raw.window.label, months: raw.months, charts, asOf: raw.asOf };
}
