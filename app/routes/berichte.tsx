import { getFormProps, useForm } from "@conform-to/react";
import { type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { FormErrors, SelectField, TextField } from "~/components/forms";
import { DecisionTable, type DecisionItem } from "~/components/decision-list";
import { FreezeForm } from "~/components/freeze-form";
import { ReportView } from "~/components/report-view";
import { listDecisions } from "~/db.server";
import { can, requirePermission } from "~/guards.server";
import { PERIOD_TYPES, SPLIT_OPTIONS } from "~/reports/options";
import type { ReportQuery } from "~/reports/query.server";
import { loadReport } from "~/reports/report.server";
import { hasPermission } from "../../workflows/permissions";
import { berlinToday } from "../../db/reports/period";
import { REFERRAL_SOURCES, TARGET_GROUPS } from "../../workflows/vocabulary";

export const meta: MetaFunction = () => [{ title: "Berichte für die Lenkungsgruppe – KIM Fallmanagement" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "read:report:aggregate");
  const [result, decisions] = await Promise.all([
    loadReport(context.db, user, new URL(request.url).searchParams),
    listDecisions(context.db, { openOnly: true }),
  ]);
  if (!result.ok) {
    return data(
      { lastResult: result.submission.reply(), canFreeze: false, decisions: [], today: berlinToday(), report: null,
        search: null,
        query: null,
        municipalities: result.municipalities,
        organisations: result.organisations,
        anonymisedExport: hasPermission(user.role, "read:report:detail"),
      },
      { status: 400 },
    );
  }
  return {
    lastResult: null,
    canFreeze: can(user, "freeze:report:any"),
    decisions,
    today: berlinToday(),
    report: result.report,
    search: result.request.search,
    query: result.request.query,
    municipalities: result.municipalities,
    organisations: result.organisations,
    anonymisedExport: hasPermission(user.role, "read:report:detail"),
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

/** The decisions still open (offen, in Umsetzung), due ones marked: what the next meeting follows up. */
function OpenDecisions({ decisions, today }: { decisions: DecisionItem[]; today: string }) {
  const due = decisions.filter((d) => d.due_on <= today).length;
  return (
    <section className="card report-decisions" aria-labelledby="open-decisions-title">
      <h2 id="open-decisions-title">Offene Beschlüsse der Lenkungsgruppe</h2>
      {decisions.length === 0 ? (
        <p>Keine offenen Beschlüsse.</p>
      ) : (
        <>
          <p>
            {decisions.length} offen, davon {due} fällig (Frist bis heute). Alle Beschlüsse:{" "}
            <Link to="/berichte/beschluesse">Beschlüsse der Lenkungsgruppe</Link>.
          </p>
          <DecisionTable decisions={decisions} today={today} caption="Offene Beschlüsse der Lenkungsgruppe" />
        </>
      )}
    </section>
  );
}

export default function Reports() {
  const { report, search, anonymisedExport, canFreeze, decisions, today } = useLoaderData<typeof loader>();
  return (
    <div className="report">
      <h1>Berichte für die Lenkungsgruppe</h1>
      <p className="no-print">
        <Link to="/berichte/ausgaben">Festgeschriebene Berichtsstände</Link> · <Link to="/berichte/beschluesse">Beschlüsse der Lenkungsgruppe</Link>
      </p>
      <FilterForm />
      {report && search && canFreeze ? <FreezeForm bericht={search} /> : null}
      {report && search ? (
        <ReportView
          report={report}
          downloads={{ csv: `/berichte/export.csv?${search}`, xlsx: `/berichte/export.xlsx?${search}` }}
        >
          <OpenDecisions decisions={decisions} today={today} />
        </ReportView>
      ) : (
        <p className="form-error" role="alert">
          Bitte korrigieren Sie die markierten Angaben. Der Bericht wird angezeigt, sobald die Auswahl gültig ist.
        </p>
      )}
      {anonymisedExport ? (
        <section className="card no-print" aria-labelledby="anonymised-export">
          <h2 id="anonymised-export">Anonymisierter Datensatz für die Evaluation</h2>
          <p>
            Eine Zeile je Fall ohne Namen, Kontaktdaten, Aktenzeichen oder Kennungen; Alter als Gruppe, Daten als
            Monat; seltene Merkmalskombinationen vergröbert oder unterdrückt (k = 5). Unabhängig von der Auswahl
            oben: alle Fälle zum heutigen Stand.
          </p>
          <div className="button-row">
            <a className="button button--secondary" href="/berichte/anonymisiert.csv" download>
              Datensatz als CSV
            </a>
            <a className="button button--secondary" href="/berichte/anonymisiert.xlsx" download>
              Datensatz als Excel-Datei (XLSX)
            </a>
          </div>
        </section>
      ) : null}
    </div>
  );
}
