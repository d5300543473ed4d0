// The published report as the page shows it (the live report and a frozen edition draw the same):
// summary, downloads, "Auf einen Blick", then every section with its charts and the table with definitions.
import type { ReactNode } from "react";
import { BarChartFigure, CHART_COLORS, type ChartRow } from "~/components/charts";
import { TrendSection } from "~/components/trend-charts";
import type { KeyFigure, PublishedFigure, PublishedReport, ReportCell } from "~/db.server";

const dateTime = new Intl.DateTimeFormat("de-DE", { timeZone: "Europe/Berlin", dateStyle: "medium", timeStyle: "short" });
const germanDate = (d: string) => d.split("-").reverse().join(".");

/** What a figure's value rests on, in words: "6 von 8", "n = 6", "621 Falltage in 90 Tagen". */
function basisOf(f: PublishedFigure, c: ReportCell): string {
  switch (f.kind) {
    case "share":
      return c.numerator && c.denominator ? `${c.numerator.display} von ${c.denominator.display}` : "";
    case "median":
      return c.denominator ? `n = ${c.denominator.display}` : "";
    case "average":
      return c.numerator && c.denominator ? `${c.numerator.display} Falltage in ${c.denominator.display} Tagen` : "";
    case "ratio":
      return c.numerator && c.denominator ? `${c.numerator.display} ÷ ${c.denominator.display}` : "";
    default:
      return "";
  }
}

function CellText({ cell }: { cell: ReportCell }) {
  if (cell.status === "small") return <abbr title="weniger als 5 – aus Datenschutzgründen nicht genau angegeben">{cell.display}</abbr>;
  if (cell.status === "hidden" || cell.status === "na") return <span className="report-muted">{cell.display}</span>;
  return <>{cell.display}</>;
}

function FigureTable({ report, figures, caption }: { report: PublishedReport; figures: PublishedFigure[]; caption: string }) {
  const split = report.groups.length > 0;
  return (
    <div className="table-wrap" role="region" aria-label={caption} tabIndex={0}>
      <table className="data report-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Kennzahl und Definition</th>
            <th scope="col" className="num">
              {report.period.label}
            </th>
            <th scope="col">Grundlage</th>
            <th scope="col" className="num">
              Vorperiode ({report.previous.label})
            </th>
            {split
              ? report.groups.map((g) => (
                  <th key={g.key} scope="col" className="num">
                    {g.label}
                  </th>
                ))
              : null}
          </tr>
        </thead>
        <tbody>
          {figures.map((f) => (
            <tr key={f.key}>
              <th scope="row">
                <span className="report-label">{f.label}</span>
                <span className="report-definition">{f.definition}</span>
              </th>
              <td className="num report-value">
                <CellText cell={f.total} />
              </td>
              <td className="report-basis">{basisOf(f, f.total)}</td>
              <td className="num">
                <CellText cell={f.previous} />
              </td>
              {split
                ? report.groups.map((g) => {
                    const cell = f.groups[g.key];
                    return (
                      <td key={g.key} className="num">
                        {cell ? <CellText cell={cell} /> : <span className="report-muted">–</span>}
                      </td>
                    );
                  })
                : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function figureOf(report: PublishedReport, key: string): PublishedFigure {
  for (const s of report.sections) {
    const f = s.figures.find((x) => x.key === key);
    if (f) return f;
  }
  throw new Error(`figure ${key} missing`);
}

const countPart = (c: ReportCell) => ({ value: c.numerator?.value ?? null, display: c.numerator?.display ?? "–" });
const valueOf = (c: ReportCell) => ({ value: c.value, display: c.display });

function compareRows(
  report: PublishedReport,
  items: { key: string; label: string; pick: (c: ReportCell) => { value: number | null; display: string } }[],
): ChartRow[] {
  return items.map((i) => {
    const f = figureOf(report, i.key);
    return { label: i.label, values: { current: i.pick(f.total), previous: i.pick(f.previous) } };
  });
}

function groupRows(report: PublishedReport, key: string): ChartRow[] {
  const f = figureOf(report, key);
  return report.groups
    .filter((g) => f.groups[g.key])
    .map((g) => ({ label: g.label, values: { current: valueOf(f.groups[g.key] as ReportCell) } }));
}

function Charts({ report, section }: { report: PublishedReport; section: string }) {
  const both = [
    { key: "current", name: report.period.label, color: CHART_COLORS.current },
    { key: "previous", name: `Vorperiode: ${report.previous.label}`, color: CHART_COLORS.previous },
  ];
  const one = [{ key: "current", name: report.period.label, color: CHART_COLORS.current }];
  const split = report.groups.length > 0;
  const note = report.suppressed ? "Werte unter 5 und nicht ausgewiesene Anteile werden ohne Balken gezeigt." : undefined;
  switch (section) {
    case "reach":
      return (
        <>
          <BarChartFigure
            id="chart-intake"
            title="Zugangsentscheidungen der eröffneten Fälle"
            unit="count"
            series={both}
            note={note}
            rows={compareRows(report, [
              { key: "reach.accepted", label: "in Zielgruppe aufgenommen", pick: countPart },
              { key: "reach.not_eligible", label: "nicht zuständig", pick: countPart },
              { key: "reach.not_target_group", label: "keine Zielgruppe", pick: countPart },
              { key: "reach.undecided", label: "ohne Zugangsentscheidung", pick: valueOf },
            ])}
          />
          {split ? (
            <BarChartFigure
              id="chart-opened"
              title={`Eröffnete Fälle nach ${report.splitLabel}`}
              unit="count"
              series={one}
              note={note}
              rows={groupRows(report, "reach.opened")}
            />
          ) : null}
        </>
      );
    case "caseload": {
      const standard = figureOf(report, "caseload.standard").total.value;
      return (
        <BarChartFigure
          id="chart-caseload"
          title={split ? `Offene Fälle je Vollzeitstelle nach ${report.splitLabel}` : "Offene Fälle je Vollzeitstelle"}
          unit="decimal"
          series={split ? one : both}
          note={note}
          reference={standard !== null ? { value: standard, label: `Standard ${standard}` } : null}
          rows={
            split
              ? groupRows(report, "caseload.per_fte")
              : compareRows(report, [{ key: "caseload.per_fte", label: "Durchschnitt", pick: valueOf }])
          }
        />
      );
    }
    case "outcomes":
      return (
        <>
          <BarChartFigure
            id="chart-closures"
            title="Abschlüsse nach Abschlussgrund"
            unit="count"
            series={both}
            note={note}
            rows={report.sections
              .flatMap((s) => s.figures)
              .filter((f) => f.key.startsWith("outcomes.closed."))
              .map((f) => ({
                label: f.label.replace(/^Abschlussgrund /, ""),
                values: { current: countPart(f.total), previous: countPart(f.previous) },
              }))}
          />
          <BarChartFigure
            id="chart-goals"
            title="Zielerreichungsquote nach Bedarfsfeld"
            unit="percent"
            series={both}
            note={note}
            rows={report.sections
              .flatMap((s) => s.figures)
              .filter((f) => f.key.startsWith("outcomes.goals_reached."))
              .map((f) => ({
                label: f.label.replace(/^Zielerreichung im Bedarfsfeld /, ""),
                values: { current: valueOf(f.total), previous: valueOf(f.previous) },
              }))}
          />
        </>
      );
    case "findings":
      return (
        <BarChartFigure
          id="chart-findings"
          title="Strukturelle Hürden nach Status"
          unit="count"
          series={both}
          note={note}
          rows={report.sections
            .flatMap((s) => s.figures)
            .filter((f) => f.key.startsWith("findings.status."))
            .map((f) => ({
              label: f.label.replace(/^Status /, ""),
              values: { current: valueOf(f.total), previous: valueOf(f.previous) },
            }))}
        />
      );
    default:
      return null;
  }
}

// Marks every system font has (a fullwidth equals sign, U+FF1D, showed as an empty box in Debian's Chromium;
// app/glyphs.test.ts keeps such characters out).
const TREND_MARK = { up: "▲", down: "▼", same: "=", none: "" } as const;

/** "Auf einen Blick": the key figures as cards, first on the page and on the first printed page. */
export function AtAGlance({ report }: { report: PublishedReport }) {
  return (
    <section className="report-glance card" aria-labelledby="glance-title">
      <h2 id="glance-title">Auf einen Blick</h2>
      <p className="muted">
        {report.period.label} im Vergleich mit {report.previous.label}. Definitionen: in den Abschnitten unten.
      </p>
      <ul className="glance-grid">
        {report.atAGlance.map((k: KeyFigure) => (
          <li key={k.key} className="glance-item">
            <span className="glance-label">{k.label}</span>
            <span className="glance-value">
              <CellText cell={k.value} />
            </span>
            <span className={`glance-trend glance-trend--${k.direction}`}>
              {TREND_MARK[k.direction] ? <span aria-hidden="true">{TREND_MARK[k.direction]} </span> : null}
              {k.trend}
            </span>
            {k.note ? <span className="glance-note">{k.note}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * The published report: summary, downloads, "Auf einen Blick", the 24-month trends (when the report has
 * them: a frozen edition shows its frozen series), then every section with charts and tables.
 */
export function ReportView({
  report,
  downloads,
  children,
}: {
  report: PublishedReport;
  downloads: { csv: string; xlsx: string };
  /** Shown after "Auf einen Blick", before the trends (e.g. the open decisions). */
  children?: ReactNode;
}) {
  const filters = [
    `Zielgruppe: ${report.filterLabels.targetGroup ?? "alle"}`,
    `Kommune: ${report.filterLabels.municipality ?? "alle"}`,
    `Zugangsweg: ${report.filterLabels.referralSource ?? "alle"}`,
    `Träger: ${report.filterLabels.organisation ?? "alle"}`,
  ].join(" · ");
  return (
    <>
      <div className="report-summary">
        <p>
          Zeitraum: <strong>{report.period.label}</strong> ({germanDate(report.period.from)} – {germanDate(report.period.to)}) ·
          Vergleich mit: {report.previous.label} ({germanDate(report.previous.from)} – {germanDate(report.previous.to)})
        </p>
        <p>
          {filters} · Aufteilung: {report.splitLabel}
        </p>
        <p className="muted">
          Erstellt am {dateTime.format(new Date(report.generatedAt))} Uhr, mit allen bis dahin erfassten Daten.
        </p>
        {report.organisationNote ? <p className="muted">{report.organisationNote}</p> : null}
        {report.suppressionNote ? <p className="report-privacy">{report.suppressionNote}</p> : null}
      </div>
      <div className="button-row no-print">
        <a className="button button--secondary" href={downloads.csv} download>
          Als CSV herunterladen
        </a>
        <a className="button button--secondary" href={downloads.xlsx} download>
          Als Excel-Datei (XLSX) herunterladen
        </a>
        <button type="button" className="button button--secondary" onClick={() => window.print()}>
          Drucken
        </button>
      </div>
      <AtAGlance report={report} />
      {children}
      {report.trends ? <TrendSection trends={report.trends} suppressed={report.suppressed} /> : null}
      {report.sections.map((s) => (
        <section key={s.key} className="report-section card" aria-labelledby={`section-${s.key}`}>
          <h2 id={`section-${s.key}`}>{s.title}</h2>
          <div className="report-charts">
            <Charts report={report} section={s.key} />
          </div>
          <FigureTable report={report} figures={s.figures} caption={`${s.title}: Kennzahlen`} />
        </section>
      ))}
    </>
  );
}

