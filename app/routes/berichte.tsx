import { getFormProps, useForm } from "@conform-to/react";
import { type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { BarChartFigure, CHART_COLORS, type ChartRow } from "~/components/charts";
import { FormErrors, SelectField, TextField } from "~/components/forms";
import type { KeyFigure, PublishedFigure, PublishedReport, ReportCell } from "~/db.server";
import { requirePermission } from "~/guards.server";
import { PERIOD_TYPES, SPLIT_OPTIONS } from "~/reports/options";
import type { ReportQuery } from "~/reports/query.server";
import { loadReport } from "~/reports/report.server";
import { REFERRAL_SOURCES, TARGET_GROUPS } from "../../workflows/vocabulary";

export const meta: MetaFunction = () => [{ title: "Berichte für die Lenkungsgruppe – KIM Fallmanagement" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "read:report:aggregate");
  const result = await loadReport(context.db, user, new URL(request.url).searchParams);
  if (!result.ok) {
    return data(
      { lastResult: result.submission.reply(), report: null,
        search: null,
        query: null,
        municipalities: result.municipalities,
        organisations: result.organisations,
      },
      { status: 400 },
    );
  }
  return {
    lastResult: null,
    report: result.report,
    search: result.request.search,
    query: result.request.query,
    municipalities: result.municipalities,
    organisations: result.organisations,
  };
}

const MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"];

type FilterFields = Record<
  "zeitraum" | "jahr" | "quartal" | "monat" | "von" | "bis" | "aufteilung" | "zielgruppe" | "kommune" | "zugangsweg" | "organisation",
  string
>;

function defaultsOf(query: ReportQuery | null): Partial<FilterFields> {
  if (!query) return {};
  const out: Partial<FilterFields> = { zeitraum: query.zeitraum, aufteilung: query.aufteilung };
  if (query.jahr !== undefined) out.jahr = String(query.jahr);
  if (query.quartal !== undefined) out.quartal = String(query.quartal);
  if (query.monat !== undefined) out.monat = String(query.monat);
  if (query.von) out.von = query.von;
  if (query.bis) out.bis = query.bis;
  if (query.zielgruppe) out.zielgruppe = query.zielgruppe;
  if (query.kommune !== undefined) out.kommune = String(query.kommune);
  if (query.zugangsweg) out.zugangsweg = query.zugangsweg;
  if (query.organisation !== undefined) out.organisation = String(query.organisation);
  return out;
}

function FilterForm() {
  const { lastResult, query, municipalities, organisations } = useLoaderData<typeof loader>();
  const [form, fields] = useForm<FilterFields>({
    id: "report-filter",
    lastResult,
    defaultValue: defaultsOf(query),
    shouldValidate: "onSubmit",
  });
  const periodType = fields.zeitraum.value ?? "jahr";
  return (
    <Form method="get" className="report-filters card no-print" {...getFormProps(form)} aria-labelledby="report-filter-title">
      <h2 id="report-filter-title">Zeitraum und Auswahl</h2>
      <FormErrors errors={form.errors} id={form.errorId} />
      <div className="filters">
        <SelectField
          field={fields.zeitraum}
          label="Zeitraumart"
          placeholder={null}
          options={Object.entries(PERIOD_TYPES).map(([value, label]) => ({ value, label }))}
        />
        {periodType !== "frei" ? <TextField field={fields.jahr} label="Jahr" inputMode="numeric" /> : null}
        {periodType === "quartal" ? (
          <SelectField
            field={fields.quartal}
            label="Quartal"
            options={[1, 2, 3, 4].map((q) => ({ value: String(q), label: `${q}. Quartal` }))}
          />
        ) : null}
        {periodType === "monat" ? (
          <SelectField field={fields.monat} label="Monat" options={MONTHS.map((m, i) => ({ value: String(i + 1), label: m }))} />
        ) : null}
        {periodType === "frei" ? (
          <>
            <TextField field={fields.von} label="Von" type="date" />
            <TextField field={fields.bis} label="Bis (einschließlich)" type="date" />
          </>
        ) : null}
      </div>
      <div className="filters">
        <SelectField field={fields.aufteilung} label="Aufteilung" placeholder={null} options={SPLIT_OPTIONS} />
        <SelectField
          field={fields.zielgruppe}
          label="Zielgruppe"
          placeholder="alle"
          options={TARGET_GROUPS.values.map((g) => ({ value: g, label: TARGET_GROUPS.label[g] }))}
        />
        <SelectField
          field={fields.kommune}
          label="Kommune"
          placeholder="alle"
          options={municipalities.map((m) => ({ value: String(m.id), label: m.name }))}
        />
        <SelectField
          field={fields.zugangsweg}
          label="Zugangsweg"
          placeholder="alle"
          options={REFERRAL_SOURCES.values.map((s) => ({ value: s, label: REFERRAL_SOURCES.label[s] }))}
        />
        <SelectField
          field={fields.organisation}
          label="Träger"
          placeholder="alle"
          options={organisations.map((o) => ({ value: String(o.id), label: o.name }))}
        />
        <div className="field">
          <button type="submit" className="button">
            Anzeigen
          </button>
        </div>
      </div>
    </Form>
  );
}

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

const TREND_MARK = { up: "▲", down: "▼", same: "＝", none: "" } as const;

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

function ReportView({ report, search }: { report: PublishedReport; search: string }) {
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
        <a className="button button--secondary" href={`/berichte/export.csv?${search}`} download>
          Als CSV herunterladen
        </a>
        <a className="button button--secondary" href={`/berichte/export.xlsx?${search}`} download>
          Als Excel-Datei (XLSX) herunterladen
        </a>
        <button type="button" className="button button--secondary" onClick={() => window.print()}>
          Drucken
        </button>
      </div>
      <AtAGlance report={report} />
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

export default function Reports() {
  const { report, search } = useLoaderData<typeof loader>();
  return (
    <div className="report">
      <h1>Berichte für die Lenkungsgruppe</h1>
      <FilterForm />
      {report && search ? (
        <ReportView report={report} search={search} />
      ) : (
        <p className="form-error" role="alert">
          Bitte korrigieren Sie die markierten Angaben. Der Bericht wird angezeigt, sobald die Auswahl gültig ist.
        </p>
      )}
    </div>
  );
}
