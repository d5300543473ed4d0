// Bar charts for the report (recharts 3), each with a table alternative holding the same values.
// Recharts 3 does not render on the server (recharts/recharts#5997), so the SVG is drawn after
// hydration; the table is in the server HTML. The chart sits in role="img" with a label: the table, not
// the SVG internals, is what assistive technology reads. Suppressed values have no bar, their label
// says "<5" or "nicht ausgewiesen". No <style> elements (CSP): recharts only sets style attributes.
import { useEffect, useState } from "react";
import { Bar, BarChart, CartesianGrid, LabelList, Legend, ReferenceLine, XAxis, YAxis } from "recharts";

export interface ChartValue {
  value: number | null;
  display: string;
}

export interface ChartSeries {
  key: string;
  name: string;
  color: string;
}

export interface ChartRow {
  label: string;
  values: Record<string, ChartValue>;
}

/** Bar colours with at least 3:1 contrast on white (WCAG 1.4.11). */
export const CHART_COLORS = { current: "#00548f", previous: "#767676" } as const;

const number = new Intl.NumberFormat("de-DE", { maximumFractionDigits: 1 });

export function BarChartFigure({
  id,
  title,
  rows,
  series,
  unit,
  reference,
  note,
}: {
  id: string;
  title: string;
  rows: ChartRow[];
  series: ChartSeries[];
  unit: "count" | "percent" | "decimal";
  reference?: { value: number; label: string } | null;
  note?: string;
}) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const scale = unit === "percent" ? 100 : 1;
  const data = rows.map((r) => {
    const entry: Record<string, string | number> = { label: r.label };
    for (const s of series) {
      const v = r.values[s.key];
      entry[s.key] = v?.value == null ? 0 : v.value * scale;
      entry[`${s.key}__label`] = v?.display ?? "";
    }
    return entry;
  });
  const height = Math.max(120, rows.length * (series.length * 18 + 14) + 70 + (reference ? 14 : 0));
  const tickFormatter = (v: number) => (unit === "percent" ? `${number.format(v)} %` : number.format(v));
  return (
    <figure className="report-chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <div
        className="report-chart__canvas"
        role="img"
        aria-label={`Balkendiagramm: ${title}. Die Werte stehen in der Tabelle zum Diagramm.`}
        style={{ minHeight: `${height}px` }}
      >
        {mounted ? (
          <BarChart
            width={720}
            height={height}
            data={data}
            layout="vertical"
            margin={{ top: reference ? 22 : 8, right: 110, bottom: 8, left: 8 }}
            accessibilityLayer={false}
          >
            <CartesianGrid horizontal={false} stroke="#d6d6d6" />
            <XAxis type="number" tickFormatter={tickFormatter} stroke="#555" tick={{ fill: "#1c1c1c", fontSize: 12 }} />
            <YAxis
              type="category"
              dataKey="label"
              width={230}
              stroke="#555"
              tick={{ fill: "#1c1c1c", fontSize: 12 }}
              interval={0}
            />
            {series.length > 1 ? <Legend wrapperStyle={{ fontSize: 13, color: "#1c1c1c" }} /> : null}
            {reference ? (
              <ReferenceLine
                x={reference.value * scale}
                stroke="#b00020"
                strokeDasharray="4 3"
                ifOverflow="extendDomain"
                label={{ value: reference.label, position: "top", fill: "#b00020", fontSize: 12 }}
              />
            ) : null}
            {series.map((s) => (
              <Bar
                key={s.key}
                dataKey={s.key}
                name={s.name}
                fill={s.color}
                isAnimationActive={false}
                barSize={16}
                minPointSize={2}
              >
                <LabelList dataKey={`${s.key}__label`} position="right" fill="#1c1c1c" fontSize={12} />
              </Bar>
            ))}
          </BarChart>
        ) : null}
      </div>
      {note ? <p className="report-chart__note">{note}</p> : null}
      <details className="report-chart__table">
        <summary>Tabelle zum Diagramm „{title}“</summary>
        <table className="data">
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Kategorie</th>
              {series.map((s) => (
                <th key={s.key} scope="col" className="num">
                  {s.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.label}>
                <th scope="row">{r.label}</th>
                {series.map((s) => (
                  <td key={s.key} className="num">
                    {r.values[s.key]?.display ?? "–"}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
