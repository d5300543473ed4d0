import { type SubmissionResult, getFormProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, type ShouldRevalidateFunction, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import {
  type AssignableCaseManager,
  berlinDate,
  findOpenCaseByAktenzeichen,
  findUserById,
  listAssignableCaseManagers,
  listOpenCasesOf,
  listUnassignedCases,
  transferCase,
} from "~/db.server";
import { FieldError, FormErrors } from "~/components/forms";
import { requirePermission } from "~/guards.server";
import { CASE_PHASES, REFERRAL_SOURCES } from "../../workflows/vocabulary";

export const meta: MetaFunction = () => [{ title: "Nicht zugewiesen und Fallübergabe – KIM Fallmanagement" }];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const TransferSchema = z.object({
  intent: z.literal("transfer"),
  caseId: z.string({ required_error: "Der Fall fehlt." }).regex(UUID, "Der Fall fehlt."),
  expectedRowVersion: z.number({ required_error: "Der Bearbeitungsstand fehlt." }).int().positive(),
  toCaseManagerId: z
    .string({ required_error: "Bitte wählen Sie eine Casemanager*in aus." })
    .regex(UUID, "Bitte wählen Sie eine Casemanager*in aus."),
});

function pageParam(value: string | null) {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, ["assign:case:any", "assign:case:org"]);
  const url = new URL(request.url);
  const today = berlinDate(new Date());
  const caseManagerParam = url.searchParams.get("casemanager") ?? "";
  const aktenzeichen = (url.searchParams.get("az") ?? "").trim().slice(0, 40);
  const selectedCaseManager = UUID.test(caseManagerParam) ? await findUserById(context.db, caseManagerParam) : undefined;
  const [queue, caseManagers, ofCaseManager, found] = await Promise.all([
    listUnassignedCases(context.db, user, { today, page: pageParam(url.searchParams.get("seite")) }),
    listAssignableCaseManagers(context.db, user),
    selectedCaseManager?.role === "case_manager"
      ? listOpenCasesOf(context.db, user, {
          caseManagerId: selectedCaseManager.id,
          today,
          page: pageParam(url.searchParams.get("cmseite")),
        })
      : null,
    aktenzeichen ? findOpenCaseByAktenzeichen(context.db, user, { aktenzeichen, today }) : null,
  ]);
  return {
    queue,
    caseManagers,
    selected:
      selectedCaseManager?.role === "case_manager" && ofCaseManager
        ? { id: selectedCaseManager.id, name: selectedCaseManager.display_name, active: selectedCaseManager.active, list: ofCaseManager }
        : null,
    search: aktenzeichen ? { aktenzeichen, found: found ?? null } : null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, ["assign:case:any", "assign:case:org"]);
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: TransferSchema });
  const caseId = String(formData.get("caseId") ?? "");
  if (submission.status !== "success") {
    return data({ caseId, result: submission.reply(), message: null }, { status: 400 });
  }
  const result = await transferCase(context.db, user, submission.value);
  if (!result.ok) {
    return data({ caseId, result: submission.reply({ formErrors: [result.message] }), message: null }, { status: result.status });
  }
  return {
    caseId,
    result: submission.reply({ resetForm: true }),
    message: `Der Fall ${result.aktenzeichen} ist jetzt ${result.caseManagerName} zugewiesen.`,
  };
}

/** After a refused transfer (stale row version, case gone, case manager deactivated) show the current state. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) =>
  actionStatus !== undefined && actionStatus >= 401 ? true : defaultShouldRevalidate;

type Row = ReturnType<typeof useLoaderData<typeof loader>>["queue"]["rows"][number];

function TransferForm({
  row,
  caseManagers,
  lastResult,
  buttonLabel,
}: {
  row: Row;
  caseManagers: AssignableCaseManager[];
  lastResult: SubmissionResult<string[]> | undefined;
  buttonLabel: string;
}) {
  const [form, fields] = useForm({
    id: `transfer-${row.caseId}`,
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: TransferSchema }),
    shouldValidate: "onSubmit",
  });
  const { key, ...selectProps } = getSelectProps(fields.toCaseManagerId, { ariaAttributes: true });
  return (
    <Form method="post" className="transfer-form" {...getFormProps(form)}>
      <input type="hidden" name="intent" value="transfer" />
      <input type="hidden" name="caseId" value={row.caseId} />
      <input type="hidden" name="expectedRowVersion" value={row.rowVersion} />
      <FormErrors errors={form.errors} id={form.errorId} />
      <label htmlFor={fields.toCaseManagerId.id} className="visually-hidden">
        Casemanager*in für {row.aktenzeichen}
      </label>
      <select
        key={key}
        {...selectProps}
        aria-describedby={fields.toCaseManagerId.errors?.length ? fields.toCaseManagerId.errorId : undefined}
      >
        <option value="">Casemanager*in wählen</option>
        {caseManagers
          .filter((cm) => cm.id !== row.caseManagerId && cm.organisationId === row.organisationId)
          .map((cm) => (
            <option key={cm.id} value={cm.id}>
              {cm.displayName} ({cm.openCases} offen, {cm.fte.toLocaleString("de-DE")} VZÄ)
            </option>
          ))}
      </select>
      <button type="submit" className="button button--secondary">
        {buttonLabel}
      </button>
      <FieldError field={fields.toCaseManagerId} />
    </Form>
  );
}

function CaseTable({
  caption,
  rows,
  caseManagers,
  actionData,
  buttonLabel,
  showCaseManager,
}: {
  caption: string;
  rows: Row[];
  caseManagers: AssignableCaseManager[];
  actionData: ReturnType<typeof useActionData<typeof action>>;
  buttonLabel: string;
  showCaseManager?: boolean;
}) {
  return (
    <div className="table-wrap">
      <table className="data">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Aktenzeichen</th>
            <th scope="col">Eingang</th>
            <th scope="col" className="num">
              Wartet seit (Tage)
            </th>
            <th scope="col">Wohnort</th>
            <th scope="col">Zugangsweg</th>
            <th scope="col">Phase</th>
            {showCaseManager ? <th scope="col">Casemanager*in</th> : null}
            <th scope="col">{buttonLabel}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.caseId}>
              <th scope="row">
                <Link to={`/faelle/${row.caseId}`}>{row.aktenzeichen}</Link>
              </th>
              <td>{new Date(row.openedAt).toLocaleDateString("de-DE", { timeZone: "Europe/Berlin" })}</td>
              <td className="num">{row.daysWaiting}</td>
              <td>{row.municipality}</td>
              <td>
                {REFERRAL_SOURCES.label[row.referralSource]}
                {row.referralMunicipality ? ` ${row.referralMunicipality}` : ""}
              </td>
              <td>{CASE_PHASES.label[row.state]}</td>
              {showCaseManager ? <td>{row.caseManagerName ?? "nicht zugewiesen"}</td> : null}
              <td>
                <TransferForm
                  row={row}
                  caseManagers={caseManagers}
                  lastResult={actionData?.caseId === row.caseId ? actionData.result : undefined}
                  buttonLabel={buttonLabel}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Pager({ page, pageCount, param, label }: { page: number; pageCount: number; param: string; label: string }) {
  if (pageCount <= 1) return null;
  return (
    <nav className="pager" aria-label={label}>
      {page > 1 ? <Link to={`?${param}=${page - 1}`}>Vorherige Seite</Link> : null}
      <span>
        Seite {page} von {pageCount}
      </span>
      {page < pageCount ? <Link to={`?${param}=${page + 1}`}>Nächste Seite</Link> : null}
    </nav>
  );
}

export default function Queue() {
  const { queue, caseManagers, selected, search } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <h1>Nicht zugewiesene Zugänge</h1>
      {actionData?.message ? (
        <p className="notice" role="status">
          {actionData.message}
        </p>
      ) : null}
      <p>
        Offene Fälle ohne Casemanager*in, die ältesten zuerst. Die Zuweisung gilt sofort; sie wird im Fallverlauf und
        im Protokoll festgehalten.
      </p>
      {queue.total === 0 ? (
        <p className="notice">Alle offenen Fälle sind zugewiesen.</p>
      ) : (
        <>
          <p>
            <strong>{queue.total}</strong> {queue.total === 1 ? "Fall wartet" : "Fälle warten"} auf eine Zuweisung.
          </p>
          <CaseTable
            caption="Nicht zugewiesene offene Fälle"
            rows={queue.rows}
            caseManagers={caseManagers}
            actionData={actionData}
            buttonLabel="Zuweisen"
          />
          <Pager page={queue.page} pageCount={queue.pageCount} param="seite" label="Seiten der Warteschlange" />
        </>
      )}

      <section aria-labelledby="uebergabe" className="card transfer-section">
        <h2 id="uebergabe">Fallübergabe</h2>
        <p>
          Übergeben Sie einen offenen Fall an eine andere Casemanager*in. Die bisherige Casemanager*in hat ab sofort
          keinen Zugriff mehr (außer sie ist als Vertretung eingetragen).
        </p>
        <div className="grid">
          <Form method="get" className="stack">
            <div className="field">
              <label htmlFor="az">Aktenzeichen</label>
              <span id="az-hint" className="hint">
                z. B. KIM-2026-00012
              </span>
              <input id="az" name="az" type="search" defaultValue={search?.aktenzeichen ?? ""} aria-describedby="az-hint" autoComplete="off" />
            </div>
            <div>
              <button type="submit" className="button button--secondary">
                Fall suchen
              </button>
            </div>
          </Form>
          <Form method="get" className="stack">
            <div className="field">
              <label htmlFor="casemanager">Fälle einer Casemanager*in</label>
              <select id="casemanager" name="casemanager" defaultValue={selected?.id ?? ""}>
                <option value="">Bitte wählen</option>
                {caseManagers.map((cm) => (
                  <option key={cm.id} value={cm.id}>
                    {cm.displayName}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <button type="submit" className="button button--secondary">
                Fälle anzeigen
              </button>
            </div>
          </Form>
        </div>

        {search ? (
          search.found ? (
            <>
              <h3>Fall {search.found.aktenzeichen}</h3>
              <CaseTable
                caption={`Gefundener Fall ${search.found.aktenzeichen}`}
                rows={[search.found]}
                caseManagers={caseManagers}
                actionData={actionData}
                buttonLabel="Übergeben"
                showCaseManager
              />
            </>
          ) : (
            <p className="warning" role="status">
              Es gibt keinen offenen Fall mit dem Aktenzeichen „{search.aktenzeichen}“.
            </p>
          )
        ) : null}

        {selected ? (
          <>
            <h3>
              Offene Fälle von {selected.name} ({selected.list.total}){selected.active ? "" : " – Konto deaktiviert"}
            </h3>
            {selected.list.total === 0 ? (
              <p>Keine offenen Fälle.</p>
            ) : (
              <>
                <CaseTable
                  caption={`Offene Fälle von ${selected.name}`}
                  rows={selected.list.rows}
                  caseManagers={caseManagers}
                  actionData={actionData}
                  buttonLabel="Übergeben"
                />
                <Pager
                  page={selected.list.page}
                  pageCount={selected.list.pageCount}
                  param={`casemanager=${selected.id}&cmseite`}
                  label={`Seiten der Fälle von ${selected.name}`}
                />
              </>
            )}
          </>
        ) : null}
      </section>
    </>
  );
}
