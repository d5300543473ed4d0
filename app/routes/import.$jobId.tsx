// One uploaded case list: the column mapping (a select per column, prefilled with the suggestion), the
// preview of the first rows as they will be stored with the errors per cell, the start of the import,
// and while it runs its progress (the page reloads its data every second; the job row holds the counts),
// then the result with the download of the rejected rows.
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { getImportJob,
  mayImport,
  previewImport,
  saveImportMapping,
  startImport,
} from "~/db.server";
import { notFound, requirePermission } from "~/guards.server";
import { IMPORT_FIELDS, IMPORT_FIELD_KEYS, type ImportField } from "../../workflows/case-import";

export const meta: MetaFunction = () => [{ title: "Import: Spalten zuordnen – KIM Fallmanagement" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "write:case:any");
  if (!mayImport(user)) notFound();
  const job = await getImportJob(context.db, user, String(params.jobId));
  if (!job) notFound();
  const preview = job.status === "entwurf" ? await previewImport(context.db, user, job.id) : null;
  return {
    job: { ...job, createdAt: job.createdAt.toISOString(), finishedAt: job.finishedAt?.toISOString() ?? null },
    preview: preview
      ? { mappingProblems: preview.mappingProblems, rows: preview.rows, validCount: preview.validCount, invalidCount: preview.invalidCount }
      : null,
  };
}

function isField(value: unknown): value is ImportField {
  return typeof value === "string" && (IMPORT_FIELD_KEYS as string[]).includes(value);
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "write:case:any");
  const jobId = String(params.jobId);
  const job = await getImportJob(context.db, user, jobId);
  if (!job) notFound();
  const form = await request.formData();
  const intent = form.get("intent");
  const mapping = job.headers.map((_, i) => {
    const v = form.get(`spalte-${i}`);
    return isField(v) ? v : null;
  });
  const source = String(form.get("quelle") ?? "");
  const saved = await saveImportMapping(context.db, user, jobId, { mapping, source });
  if (!saved.ok) return data({ problems: saved.problems }, { status: saved.status });
  if (intent === "start") {
    const started = await startImport(context.db, user, jobId);
    if (!started.ok) return data({ problems: [started.message] }, { status: 409 });
    // The import runs on after this answer; the page shows its progress.
    void started.done;
  }
  throw redirect(`/import/${jobId}`);
}

const FIELD_OPTIONS = IMPORT_FIELD_KEYS.map((f) => ({ value: f, label: IMPORT_FIELDS[f] }));

export default function ImportJob() {
  const { job, preview } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const revalidator = useRevalidator();
  const running = job.status === "laeuft";
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 1000);
    return () => clearInterval(timer);
  }, [running, revalidator]);

  const problems = actionData?.problems ?? preview?.mappingProblems ?? [];
  const shownFields = IMPORT_FIELD_KEYS.filter((f) => job.mapping.includes(f));

  if (job.status !== "entwurf") {
    const percent = job.total ? Math.round((job.processed / job.total) * 100) : 100;
    return (
      <>
        <h1>Import „{job.fileName}“</h1>
        {running ? (
          <section aria-labelledby="fortschritt">
            <h2 id="fortschritt">Der Import läuft</h2>
            <label htmlFor="import-fortschritt">
              {job.processed} von {job.total} Zeilen verarbeitet
            </label>
            <progress id="import-fortschritt" max={job.total} value={job.processed}>
              {percent} %
            </progress>
            <p>Sie können diese Seite verlassen; der Import läuft weiter. Die Seite aktualisiert sich selbst.</p>
          </section>
        ) : null}
        <section aria-labelledby="ergebnis" aria-live="polite">
          <h2 id="ergebnis">{running ? "Zwischenstand" : job.status === "fertig" ? "Ergebnis" : "Der Import ist fehlgeschlagen"}</h2>
          <dl className="dl-grid card">
            <dt>Zeilen in der Datei</dt>
            <dd>{job.total}</dd>
            <dt>Importiert</dt>
            <dd data-testid="import-imported">{job.imported}</dd>
            <dt>Bereits früher importiert (übersprungen)</dt>
            <dd data-testid="import-skipped">{job.skipped}</dd>
            <dt>Abgelehnt</dt>
            <dd data-testid="import-rejected">{job.rejected}</dd>
          </dl>
          {job.status === "fehlgeschlagen" ? (
            <p className="field-error">
              Der Import wurde abgebrochen (zum Beispiel, weil der Server neu gestartet wurde). Bereits importierte Zeilen
              bleiben erhalten und werden bei einem erneuten Import derselben Datei übersprungen.
            </p>
          ) : null}
          {job.status === "fertig" && job.rejected > 0 ? (
            <p>
              <a href={`/import/${job.id}/abgelehnt.xlsx`} download>
                Abgelehnte Zeilen mit Fehlermeldungen herunterladen (Excel)
              </a>
            </p>
          ) : null}
          {job.status === "fertig" ? (
            <p>
              <Link to="/faelle">Zu den Fällen</Link> · <Link to="/import">Weitere Liste importieren</Link>
            </p>
          ) : null}
        </section>
      </>
    );
  }

  return (
    <>
      <h1>Import „{job.fileName}“: Spalten zuordnen</h1>
      <p>
        Erkannt: {job.detected}, {job.total} Datenzeilen.
        {job.formulaCells > 0 ? ` ${job.formulaCells} Zellen enthalten Formeln; übernommen wird der in der Datei gespeicherte Wert.` : ""}
      </p>
      {problems.length ? (
        <div className="form-error" role="alert" id="zuordnung-fehler">
          <p style={{ margin: 0 }}>Bitte prüfen Sie die Zuordnung:</p>
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <Form method="post" className="stack">
        <fieldset>
          <legend>Welche Spalte enthält was?</legend>
          <p className="hint">Vorgeschlagen nach den Spaltenüberschriften. Spalten ohne Zuordnung werden nicht übernommen.</p>
          <div className="import-mapping">
            {job.headers.map((header, i) => (
              <div className="field" key={`${i}-${header}`}>
                <label htmlFor={`spalte-${i}`}>
                  Spalte {i + 1}: „{header || "(ohne Überschrift)"}“
                </label>
                <select
                  id={`spalte-${i}`}
                  name={`spalte-${i}`}
                  defaultValue={job.mapping[i] ?? ""}
                  aria-describedby={problems.length ? "zuordnung-fehler" : undefined}
                >
                  <option value="">– nicht übernehmen –</option>
                  {FIELD_OPTIONS.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              </div>
            ))}
          </div>
          <div className="field">
            <label htmlFor="quelle">Quelle der Liste</label>
            <p className="hint" id="quelle-hinweis">
              Nummern aus einer Spalte „Nr.“/„ID“ gelten nur innerhalb dieser Quelle: Bei erneutem Import derselben Liste
              wird eine bereits übernommene Nummer übersprungen.
            </p>
            <input id="quelle" name="quelle" defaultValue={job.source} maxLength={100} required aria-describedby="quelle-hinweis" />
          </div>
        </fieldset>
        <div className="button-row">
          <button type="submit" className="button button--secondary" name="intent" value="mapping">
            Zuordnung übernehmen und Vorschau aktualisieren
          </button>
          {preview && preview.mappingProblems.length === 0 ? (
            <button type="submit" className="button" name="intent" value="start">
              {preview.validCount} gültige Zeilen importieren
            </button>
          ) : null}
        </div>
      </Form>
      {preview && preview.mappingProblems.length === 0 ? (
        <section aria-labelledby="vorschau">
          <h2 id="vorschau">Vorschau der ersten {preview.rows.length} Zeilen</h2>
          <p>
            In der ganzen Datei: {preview.validCount} Zeilen gültig, {preview.invalidCount} mit Fehlern. Mögliche Dubletten zu
            bereits erfassten Personen prüft der Import für jede Zeile; die Vorschau zeigt sie für die ersten Zeilen.
          </p>
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="vorschau">
            <table className="data import-preview">
              <thead>
                <tr>
                  <th scope="col">Zeile</th>
                  {shownFields.map((f) => (
                    <th scope="col" key={f}>
                      {IMPORT_FIELDS[f]}
                    </th>
                  ))}
                  <th scope="col">Ergebnis</th>
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((r) => {
                  const ok = Object.keys(r.errors).length === 0;
                  return (
                    <tr key={r.rowNumber} className={ok ? undefined : "row-invalid"}>
                      <th scope="row">{r.rowNumber}</th>
                      {shownFields.map((f) => {
                        const error = r.errors[f];
                        const id = `z${r.rowNumber}-${f}`;
                        return (
                          <td key={f} aria-describedby={error ? id : undefined}>
                            {r.values[f] ?? ""}
                            {error ? (
                              <span id={id} className="field-error cell-error">
                                {error}
                              </span>
                            ) : null}
                          </td>
                        );
                      })}
                      <td>{ok ? "wird importiert" : (r.errors.row ?? "wird nicht importiert")}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </>
  );
}
