// "Auf einen Blick": the eight figures the Lenkungsgruppe asks for first, each with its previous period
// and the change in plain words. Built from the published report only, so the key figures are suppressed
// exactly as the tables are: a change is put in words only when both values may be shown.
import type { FigureKind } from "./definitions";
import type { Cell, PublishedFigure } from "./suppress";

export interface KeyFigureDefinition {
  /** The report figure the key figure shows. */
  key: string;
  /** The short label of the overview (the report figure keeps its longer one). */
  label: string;
}

export const KEY_FIGURES: readonly KeyFigureDefinition[] = [
  { key: "reach.opened", label: "Eröffnete Fälle" },
  { key: "reach.first_contact_14d", label: "Erreicht innerhalb von 14 Tagen" },
  { key: "caseload.per_fte", label: "Offene Fälle je Vollzeitstelle" },
  { key: "outcomes.closed.ziele_erreicht", label: "Abschlüsse mit erreichten Zielen" },
  { key: "outcomes.goals_reached", label: "Zielerreichung" },
  { key: "outcomes.referrals_completed", label: "Erfolgreich abgeschlossene Vermittlungen" },
  { key: "outcomes.identities_clarified", label: "Geklärte Identitäten" },
  { key: "findings.open", label: "Offene strukturelle Hürden" },
];

export type TrendDirection = "up" | "down" | "same" | "none";

export interface KeyFigure {
  key: string;
  label: string;
  /** The report figure's definition. */
  definition: string;
  kind: FigureKind;
  percent: boolean;
  value: Cell;
  previous: Cell;
  direction: TrendDirection;
  /** "gestiegen um 3 (Vorperiode: 12)", "unverändert", "kein Vergleich: …". */
  trend: string;
  /** e.g. the standard caseload the value is measured against. */
  note: string | null;
}

const integer = new Intl.NumberFormat("de-DE", { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat("de-DE", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** The difference in the figure's unit: counts as whole numbers, shares in percentage points. */
function differenceText(kind: FigureKind, percent: boolean, diff: number): string {
  const size = Math.abs(diff);
  if (kind === "count") return integer.format(size);
  if (kind === "share" || percent) {
    const points = oneDecimal.format(size * 100);
    return `${points} Prozentpunkte`;
  }
  return oneDecimal.format(size);
}

/** Rounds the difference the way the values are shown, so "unverändert" matches what the reader sees. */
function shownDifference(kind: FigureKind, percent: boolean, current: number, previous: number): number {
  const scale = kind === "count" ? 1 : kind === "share" || percent ? 1000 : 10;
  return Math.round(current * scale) / scale - Math.round(previous * scale) / scale;
}

/** The change from the previous period in words; no comparison when either value is withheld or missing. */
export function trendOf(kind: FigureKind, percent: boolean, current: Cell, previous: Cell): { direction: TrendDirection; trend: string } {
  if (current.status !== "ok" || previous.status !== "ok" || current.value === null || previous.value === null) {
    const reason =
      current.status === "small" || current.status === "hidden" || previous.status === "small" || previous.status === "hidden"
        ? "kein Vergleich: zu kleine Zahlen"
        : current.status === "na" || previous.status === "na"
          ? "kein Vergleich: unter dieser Auswahl nicht auswertbar"
          : "kein Vergleich: keine Werte in einem der Zeiträume";
    return { direction: "none", trend: reason };
  }
  const diff = shownDifference(kind, percent, current.value, previous.value);
  const before = `(Vorperiode: ${previous.display})`;
  if (Math.abs(diff) < 1e-9) return { direction: "same", trend: `unverändert ${before}` };
  const words = diff > 0 ? "gestiegen" : "gesunken";
  return { direction: diff > 0 ? "up" : "down", trend: `${words} um ${differenceText(kind, percent, diff)} ${before}` };
}

/** The key figures of a published report (its figures by key; the standard caseload for the note). */
export function keyFiguresOf(figures: ReadonlyMap<string, PublishedFigure>): KeyFigure[] {
  const standard = figures.get("caseload.standard")?.total;
  return KEY_FIGURES.map((k): KeyFigure => {
    const f = figures.get(k.key);
    if (!f) throw new Error(`report: key figure ${k.key} missing`);
    return {
      key: k.key,
      label: k.label,
      definition: f.definition,
      kind: f.kind,
      percent: f.percent,
      value: f.total,
      previous: f.previous,
      ...trendOf(f.kind, f.percent, f.total, f.previous),
      note:
        k.key === "caseload.per_fte" && standard?.status === "ok"
          ? `Standard: ${standard.display} offene Fälle je Vollzeitstelle`
          : null,
    };
  });
}
