import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import {
  BAND_LOWER_PERCENT,
  BAND_UPPER_PERCENT,
  CASELOAD_BANDS,
  type CaseloadBand,
  STANDARD_CASELOAD_MAX,
  STANDARD_CASELOAD_MIN,
  TEAM_OVERVIEW_PHASES,
  berlinDate,
  getTeamOverview,
  listOrganisations,
  updateStandardCaseload,
} from "~/db.server";
import { FormErrors, TextField } from "~/components/forms";
import { can, requirePermission } from "~/guards.server";
import { CASE_PHASES } from "../../workflows/vocabulary";

export const meta: MetaFunction = () => [{ title: "Teamübersicht – KIM Fallmanagement" }];

/** The bounds come from db/team.ts: on the server directly, in the browser through the loader data. */
function standardCaseloadSchema(min: number, max: number) {
  const message = `Bitte geben Sie eine ganze Zahl zwischen ${min} und ${max} ein.`;
  return z.object({
    intent: z.literal("set-standard"),
    standardCaseload: z
      .number({ required_error: "Bitte geben Sie das Soll ein.", invalid_type_error: message })
      .int(message)
      .min(min, message)
      .max(max, message),
  });
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, ["read:team:any", "read:team:org"]);
  // A Teamleitung sees their own organisation; coordinators all, or one chosen (?organisation=).
  const wholeSite = can(user, "read:team:any");
  const requested = Number(new URL(request.url).searchParams.get("organisation"));
  const organisations = wholeSite ? await listOrganisations(context.db) : [];
  const organisationId = !wholeSite
    ? user.organisationId
    : organisations.some((o) => o.id === requested)
      ? requested
      : null;
  return {
    overview: await getTeamOverview(context.db, { today: berlinDate(new Date()), organisationId }),
    organisations,
    organisationId,
    mayEditStandard: wholeSite,
    // definitions for the page (modules behind db.server never reach the browser)
    phases: TEAM_OVERVIEW_PHASES,
    bands: CASELOAD_BANDS,
    bandPercent: { lower: BAND_LOWER_PERCENT, upper: BAND_UPPER_PERCENT },
    standardBounds: { min: STANDARD_CASELOAD_MIN, max: STANDARD_CASELOAD_MAX },
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "read:team:any");
  const submission = parseWithZod(await request.formData(), {
    schema: standardCaseloadSchema(STANDARD_CASELOAD_MIN, STANDARD_CASELOAD_MAX),
  });
  if (submission.status !== "success") {
    return data({ result: submission.reply(), saved: null }, { status: 400 });
  }
  const saved = await updateStandardCaseload(context.db, user, submission.value.standardCaseload);
  if (!saved.ok) {
    return data({ result: submission.reply({ fieldErrors: { standardCaseload: [saved.message] } }), saved: null }, { status: saved.status });
  }
  return { result: submission.reply(), saved: submission.value.standardCaseload };
}

const numberFormat = new Intl.NumberFormat("de-DE", { maximumFractionDigits: 2 });
const oneDecimal = new Intl.NumberFormat("de-DE", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

function fmt(n: number | null, format: Intl.NumberFormat = numberFormat) {
  return n === null ? "–" : format.format(n);
}

const BAND_CLASS: Record<CaseloadBand, string> = {
  unter_soll: "badge",
  im_soll: "badge badge--green",
  ueber_soll: "badge badge--red",
};

function Band({ band, labels }: { band: CaseloadBand | null; labels: Record<CaseloadBand, { label: string }> }) {
  if (!band) return <span>–</span>;
  return <span className={BAND_CLASS[band]}>{labels[band].label}</span>;
}

export default function Team() {
  const { overview, phases, bands, bandPercent, standardBounds, organisations, organisationId, mayEditStandard } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "standard-caseload",
    lastResult: actionData?.result,
    defaultValue: { standardCaseload: String(overview.standardCaseloadPerFte) },
    onValidate: ({ formData }) =>
      parseWithZod(formData, { schema: standardCaseloadSchema(standardBounds.min, standardBounds.max) }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const t = overview.totals;
  const standard = overview.standardCaseloadPerFte;

  return (
    <>
      <h1>Teamübersicht</h1>
      <p className="muted">
        Stand: {new Date(`${overview.today}T12:00:00Z`).toLocaleDateString("de-DE", { dateStyle: "long" })} · Soll:{" "}
        {fmt(standard)} offene Fälle je Vollzeitstelle (VZÄ)
      </p>

      {organisations.length > 0 ? (
        <Form method="get" className="filters">
          <label htmlFor="team-organisation">Organisation</label>
          <select id="team-organisation" name="organisation" defaultValue={organisationId ?? ""}>
            <option value="">Alle Organisationen</option>
            {organisations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
          <button type="submit" className="button secondary">
            Anzeigen
          </button>
        </Form>
      ) : null}

      <div className={overview.unassignedOpenCases > 0 ? "warning" : "notice"}>
        {overview.unassignedOpenCases === 1
          ? "1 offener Zugang ist noch keiner Casemanager*in zugewiesen. "
          : `${overview.unassignedOpenCases} offene Zugänge sind noch keiner Casemanager*in zugewiesen. `}
        <Link to="/warteschlange">Zur Warteschlange „Nicht zugewiesen“</Link>
      </div>
      {overview.openCasesOfInactiveUsers > 0 ? (
        <p className="warning">
          {overview.openCasesOfInactiveUsers} offene Fälle sind noch deaktivierten Konten zugeordnet. Bitte übergeben Sie
          diese Fälle über die <Link to="/warteschlange#uebergabe">Fallübergabe</Link> (Aktenzeichen).
        </p>
      ) : null}

      <div className="table-wrap">
        <table className="data team-table">
          <caption className="visually-hidden">
            Auslastung je Casemanager*in: offene Fälle, Fälle je VZÄ, Band, Fälle je Phase und überfällige
            Wiedervorlagen
          </caption>
          <thead>
            <tr>
              <th scope="col">Casemanager*in</th>
              <th scope="col" className="num">
                VZÄ
              </th>
              <th scope="col" className="num">
                Offene Fälle
              </th>
              <th scope="col" className="num">
                Fälle je VZÄ
              </th>
              <th scope="col" className="num">
                Auslastung
              </th>
              <th scope="col">Band</th>
              {phases.map((p) => (
                <th key={p} scope="col" className="num">
                  {CASE_PHASES.label[p]}
                </th>
              ))}
              <th scope="col" className="num">
                Überfällige Wiedervorlagen
              </th>
            </tr>
          </thead>
          <tbody>
            {overview.members.map((m) => (
              <tr key={m.userId}>
                <th scope="row">
                  <Link to={`/warteschlange?casemanager=${m.userId}`} aria-label={`${m.displayName}: offene Fälle anzeigen und übergeben`}>
                    {m.displayName}
                  </Link>
                  <br />
                  <span className="muted">{m.organisationName}</span>
                </th>
                <td className="num">{fmt(m.fte)}</td>
                <td className="num">{m.openCases}</td>
                <td className="num">{fmt(m.casesPerFte, oneDecimal)}</td>
                <td className="num">{m.utilisationPercent === null ? "–" : `${fmt(Math.round(m.utilisationPercent))} %`}</td>
                <td>
                  <Band band={m.band} labels={bands} />
                </td>
                {phases.map((p) => (
                  <td key={p} className="num">
                    {m.byPhase[p]}
                  </td>
                ))}
                <td className={m.overdueFollowUps > 0 ? "num overdue-count" : "num"}>{m.overdueFollowUps}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Team gesamt</th>
              <td className="num">{fmt(t.fte)}</td>
              <td className="num">{t.openCases}</td>
              <td className="num">{fmt(t.casesPerFte, oneDecimal)}</td>
              <td className="num">{t.utilisationPercent === null ? "–" : `${fmt(Math.round(t.utilisationPercent))} %`}</td>
              <td>
                <Band band={t.band} labels={bands} />
              </td>
              {phases.map((p) => (
                <td key={p} className="num">
                  {t.byPhase[p]}
                </td>
              ))}
              <td className="num">{t.overdueFollowUps}</td>
            </tr>
          </tfoot>
        </table>
      </div>
      {overview.members.length === 0 ? <p>Es sind keine aktiven Casemanager*innen erfasst.</p> : null}

      <section className="card" aria-labelledby="definitions">
        <h2 id="definitions">So werden die Zahlen berechnet</h2>
        <dl className="dl-grid">
          <dt>Offene Fälle</dt>
          <dd>Fälle, die der Casemanager*in zugeordnet und nicht abgeschlossen sind (auch ruhende Fälle).</dd>
          <dt>Fälle je VZÄ</dt>
          <dd>Offene Fälle geteilt durch den Stellenanteil (Vollzeitäquivalent, VZÄ).</dd>
          <dt>Auslastung</dt>
          <dd>Fälle je VZÄ im Verhältnis zum Soll von {fmt(standard)} Fällen je VZÄ.</dd>
          <dt>Band</dt>
          <dd>
            „{bands.unter_soll.label}“: unter {bandPercent.lower} % des Solls; „{bands.im_soll.label}“:{" "}
            {bandPercent.lower} % bis {bandPercent.upper} %; „{bands.ueber_soll.label}“: über {bandPercent.upper} %.
            Bei {fmt(standard)} Fällen Soll und 1,0 VZÄ ist „im Soll“ also von{" "}
            {fmt(Math.ceil((standard * bandPercent.lower) / 100))} bis {fmt(Math.floor((standard * bandPercent.upper) / 100))}{" "}
            offenen Fällen.
          </dd>
          <dt>Überfällige Wiedervorlagen</dt>
          <dd>Nicht erledigte Wiedervorlagen offener Fälle, deren Datum vor dem heutigen Tag liegt.</dd>
          <dt>Team gesamt</dt>
          <dd>Summe der aktiven Casemanager*innen; Fälle je VZÄ und Band aus den Summen berechnet.</dd>
        </dl>
      </section>

      {mayEditStandard ? (
      <section className="card" aria-labelledby="standard-heading">
        <h2 id="standard-heading">Soll-Fallzahl je Vollzeitstelle</h2>
        {actionData?.saved ? (
          <p className="notice" role="status">
            Das Soll wurde auf {fmt(actionData.saved)} offene Fälle je VZÄ gesetzt.
          </p>
        ) : null}
        <Form method="post" className="stack" {...getFormProps(form)}>
          <input type="hidden" name="intent" value="set-standard" />
          <FormErrors errors={form.errors} id={form.errorId} />
          <TextField
            field={fields.standardCaseload}
            label="Soll: offene Fälle je VZÄ"
            hint={`Ganze Zahl von ${standardBounds.min} bis ${standardBounds.max}. Gilt für Teamübersicht und Bericht.`}
            type="number"
            inputMode="numeric"
            required
          />
          <div>
            <button type="submit" className="button">
              Soll speichern
            </button>
          </div>
        </Form>
      </section>
      ) : null}
    </>
  );
}
