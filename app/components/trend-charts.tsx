// "Entwicklung (24 Monate)": one line chart per series group of the published trends, each with its
// definition and a table alternative ("Als Tabelle anzeigen") holding every month's value as shown.
// Like the bar charts (charts.tsx), the SVG is drawn after hydration (recharts 3 does not render on the
// server): the server HTML has a box of the chart's fixed size, the definition and the table, so nothing
// moves and hydration matches. The chart box is role="img" with a summary in words. Withheld months
// (<5, nicht ausgewiesen) have no point: the line breaks there instead of inventing a value. Lines are
// told apart by their panel and title, never by colour alone; points carry markers; the standard is a
// dashed line with its label.
import { useEffect, useState } from "react";
import { CartesianGrid, Line, LineChart, ReferenceLine, XAxis, YAxis } from "recharts";
import type { PublishedTrends, ReportGroup, TrendChart, TrendSeries, TrendUnit } from "~/db.server";
import { CHART_COLORS } from "~/components/charts";

const number = new Intl.NumberFormat("de-DE", { maximumFractionDigits: 1 });
const SHORT_MONTHS = ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"];

/** '2025-03' → 'Mär 25'. */
function shortMonth(key: string): string {
  const [y, m] = key.split("-");
  return `${SHORT_MONTHS[Number(m) - 1]} ${y?.slice(2)}`;
}

function tickOf(unit: TrendUnit) {
  return (v: number) => (unit === "percent" ? `${number.format(v)} %` : number.format(v));
}

/** A series in words for the chart's text alternative: months with a value, first and last, withheld months. */
function seriesSummary(months: ReportGroup[], s: TrendSeries): string {
  const shown = s.values.map((v, i) => ({ v, m: months[i] })).filter((x) => x.v.status === "ok");
  const withheld = s.values.filter((v) => v.status === "small" || v.status === "hidden").length;
  const parts = [`${s.label}: ${shown.length} von ${months.length} Monaten mit Wert`];
  const first = shown[0];
  const last = shown[shown.length - 1];
  if (first && last) parts.push(`${first.m?.label} ${first.v.display}, ${last.m?.label} ${last.v.display}`);
  if (withheld > 0) parts.push(`${withheld} Monate mit zu kleinen Zahlen`);
  return parts.join("; ");
}

function useMounted(): boolean {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return mounted;
}

interface Point {
  month: string;
  [series: string]: number | string | null;
}

function pointsOf(trends: PublishedTrends, chart: TrendChart): Point[] {
  const scale = chart.unit === "percent" ? 100 : 1;
  return trends.months.map((m, i) => {
    const p: Point = { month: shortMonth(m.key) };
    for (const s of chart.series) {
      const v = s.values[i];
      p[s.key] = v && v.status === "ok" && v.value !== null ? v.value * scale : null;
    }
    return p;
  });
}

/** One SVG line chart of fixed size: the given series keys of the chart. */
function Lines({
  chart,
  data,
  keys,
  width,
  height,
  yMax,
}: {
  chart: TrendChart;
  data: Point[];
  keys: string[];
  width: number;
  height: number;
  yMax?: number;
}) {
  const scale = chart.unit === "percent" ? 100 : 1;
  const reference = chart.reference;
  return (
    <LineChart width={width} height={height} data={data} margin={{ top: 16, right: 24, bottom: 4, left: 4 }} accessibilityLayer={false}>
      <CartesianGrid stroke="#d6d6d6" vertical={false} />
      <XAxis dataKey="month" stroke="#555" tick={{ fill: "#1c1c1c", fontSize: 11 }} interval={width > 500 ? 2 : 5} />
      <YAxis
        stroke="#555"
        tick={{ fill: "#1c1c1c", fontSize: 11 }}
        tickFormatter={tickOf(chart.unit)}
        width={52}
        allowDecimals={chart.unit !== "count"}
        domain={[0, yMax ?? (chart.unit === "percent" ? 100 : "auto")]}
      />
      {reference ? (
        <ReferenceLine
          y={reference.value * scale}
          stroke="#b00020"
          strokeDasharray="6 4"
          ifOverflow="extendDomain"
          label={{ value: reference.label, position: "insideTopRight", fill: "#b00020", fontSize: 12 }}
        />
      ) : null}
      {keys.map((key) => (
        <Line
          key={key}
          type="linear"
          dataKey={key}
          stroke={CHART_COLORS.current}
          strokeWidth={2}
          dot={{ r: 3, fill: CHART_COLORS.current, stroke: CHART_COLORS.current }}
          activeDot={false}
          connectNulls={false}
          isAnimationActive={false}
        />
      ))}
    </LineChart>
  );
}

function TrendTable({ trends, chart }: { trends: PublishedTrends; chart: TrendChart }) {
  return (
    <details className="report-chart__table trends-table">
      <summary>Als Tabelle anzeigen: {chart.title}</summary>
      <div className="table-wrap">
        <table className="data">
          <caption>
            {chart.title}, {trends.label}
          </caption>
          <thead>
            <tr>
              <th scope="col">Monat</th>
              {chart.series.map((s) => (
                <th key={s.key} scope="col" className="num">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {trends.months.map((m, i) => (
              <tr key={m.key}>
                <th scope="row">{m.label}</th>
                {chart.series.map((s) => (
                  <td key={s.key} className="num">
                    {s.values[i]?.display ?? "–"}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

const WIDE = { width: 720, height: 260 };
const PANEL = { width: 340, height: 170 };

function TrendFigure({ trends, chart, suppressed }: { trends: PublishedTrends; chart: TrendChart; suppressed: boolean }) {
  const mounted = useMounted();
  const data = pointsOf(trends, chart);
  const id = `trend-${chart.key}`;
  const summary = chart.series.map((s) => seriesSummary(trends.months, s)).join(". ");
  const label = `Liniendiagramm: ${chart.title}, ${trends.label}. ${summary}.${
    chart.reference ? ` Vergleichslinie: ${chart.reference.label}.` : ""
  } Alle Werte stehen in der Tabelle zum Diagramm.`;
  // panels share one scale, so the reasons can be compared with each other and with the total
  const yMax = chart.panels
    ? Math.max(1, ...data.flatMap((p) => chart.series.map((s) => (typeof p[s.key] === "number" ? (p[s.key] as number) : 0))))
    : undefined;
  return (
    <figure className="trends-chart" aria-labelledby={`${id}-title`} aria-describedby={`${id}-definition`}>
      <figcaption id={`${id}-title`}>{chart.title}</figcaption>
      <p id={`${id}-definition`} className="trends-definition">
        <span className="visually-hidden">Definition: </span>
        {chart.definition}
      </p>
      {chart.panels ? (
        <div className="trends-panels" role="img" aria-label={label}>
          {chart.series.map((s) => (
            <div key={s.key} className="trends-panel">
              <p className="trends-panel__title" aria-hidden="true">
                {s.label}
              </p>
              <div className="trends-canvas" style={{ height: `${PANEL.height}px` }}>
                {mounted ? <Lines chart={chart} data={data} keys={[s.key]} {...PANEL} yMax={yMax} /> : null}
              </div>
            </div>
          ))}
        </div>
      ) : (
        <div className="trends-canvas" role="img" aria-label={label} style={{ height: `${WIDE.height}px` }}>
          {mounted ? <Lines chart={chart} data={data} keys={chart.series.map((s) => s.key)} {...WIDE} /> : null}
        </div>
      )}
      {suppressed ? (
        <p className="report-chart__note">Monate mit zu kleinen Zahlen („&lt;5“, „nicht ausgewiesen“) haben keinen Punkt; die Linie ist dort unterbrochen.</p>
      ) : null}
      <TrendTable trends={trends} chart={chart} />
    </figure>
  );
}

/** The section "Entwicklung (24 Monate)" of the report (and of a frozen edition that has the series). */
export function TrendSection({ trends, suppressed }: { trends: PublishedTrends; suppressed: boolean }) {
  return (
    <section className="report-section report-trends card" aria-labelledby="trends-title">
      <h2 id="trends-title">Entwicklung (24 Monate)</h2>
      <p className="muted">
        {trends.label}, je Kalendermonat; dieselben Definitionen und Filter wie im Bericht (der gewählte Zeitraum
        bestimmt nur den letzten Monat). Stand: Abruf.
      </p>
      <div className="trends-grid">
        {trends.charts.map((c) => (
          <TrendFigure key={c.key} trends={trends} chart={c} suppressed={suppressed} />
        ))}
      </div>
    </section>
  );
}
