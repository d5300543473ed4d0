// "Falllisten importieren" (coordinators): upload of an Excel or CSV case list. The file comes as
// multipart/form-data (the edge guard takes it on this route only, up to 20 MB); it is read and stored
// as a draft job, then the mapping page (/import/<job>) takes over.
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { createImportJob, listImportJobs, mayImport, purgeOldImportJobs } from "~/db.server";
import { requirePermission } from "~/guards.server";
import { IMPORT_LIMITS } from "../../workflows/case-import";
import { IMPORT_JOB_STATUSES } from "../../workflows/vocabulary";

export const meta: MetaFunction = () => [{ title: "Falllisten importieren – KIM Fallmanagement" }];


export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "write:case:any");
  if (!mayImport(user)) throw new Response("Für diese Seite fehlt Ihnen die Berechtigung.", { status: 403 });
  const jobs = await listImportJobs(context.db, user);
  return {
    jobs: jobs.map((j) => ({
      id: j.id,
      fileName: j.fileName,
      status: j.status,
      total: j.total,
      imported: j.imported,
      rejected: j.rejected,
      createdAt: j.createdAt.toISOString(),
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "write:case:any");
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return data({ error: "Die Datei konnte nicht empfangen werden. Bitte versuchen Sie es erneut." }, { status: 400 });
  }
  const file = form.get("datei");
  if (!file || typeof file === "string" || file.size === 0) {
    return data({ error: file && typeof file !== "string" ? "Die Datei ist leer." : "Bitte wählen Sie eine Datei aus." }, { status: 400 });
  }
  if (file.size > IMPORT_LIMITS.maxBytes) {
    return data({ error: "Die Datei ist größer als 20 MB. Bitte teilen Sie die Liste auf mehrere Dateien auf." }, { status: 413 });
  }
  await purgeOldImportJobs(context.db, user);
  const created = await createImportJob(context.db, user, { fileName: file.name, bytes: Buffer.from(await file.arrayBuffer()) });
  if (!created.ok) return data({ error: created.message }, { status: 422 });
  throw redirect(`/import/${created.jobId}`);
}

const dateTime = new Intl.DateTimeFormat("de-DE", { timeZone: "Europe/Berlin", dateStyle: "medium", timeStyle: "short" });

export default function ImportUpload() {
  const { jobs } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const error = actionData?.error;
  return (
    <>
      <h1>Falllisten importieren</h1>
      <p>
        Übernehmen Sie bestehende Falllisten (Excel oder CSV) in die Fallverwaltung. Nach dem Hochladen ordnen Sie die
        Spalten zu, sehen eine Vorschau mit allen Fehlern je Zelle und starten dann den Import. Zeilen mit Fehlern werden
        nicht übernommen; Sie können sie als Excel-Liste mit den Fehlermeldungen herunterladen.
      </p>
      <Form method="post" encType="multipart/form-data" className="stack">
        <div className="field">
          <label htmlFor="datei">Datei (Excel .xlsx oder CSV)</label>
          <p id="datei-hinweis" className="hint">
            Höchstens 20 MB und {IMPORT_LIMITS.maxRows.toLocaleString("de-DE")} Zeilen. CSV in UTF-8 oder Windows-1252,
            getrennt durch Semikolon oder Komma. Formeln: übernommen wird der in Excel gespeicherte Wert.
          </p>
          <input
            id="datei"
            name="datei"
            type="file"
            accept=".xlsx,.csv,.txt,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
            required
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "datei-hinweis datei-fehler" : "datei-hinweis"}
          />
          {error ? (
            <p id="datei-fehler" className="field-error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
        <div className="button-row">
          <button type="submit" className="button" disabled={navigation.state === "submitting"}>
            {navigation.state === "submitting" ? "Wird hochgeladen …" : "Hochladen und Spalten zuordnen"}
          </button>
        </div>
      </Form>
      {jobs.length ? (
        <section aria-labelledby="letzte-importe">
          <h2 id="letzte-importe">Ihre letzten Importe</h2>
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Datei</th>
                <th scope="col">Hochgeladen</th>
                <th scope="col">Stand</th>
                <th scope="col">Zeilen</th>
                <th scope="col">Importiert</th>
                <th scope="col">Abgelehnt</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <tr key={j.id}>
                  <td>
                    <Link to={`/import/${j.id}`}>{j.fileName}</Link>
                  </td>
                  <td>{dateTime.format(new Date(j.createdAt))}</td>
                  <td>{IMPORT_JOB_STATUSES.label[j.status]}</td>
                  <td>{j.total}</td>
                  <td>{j.imported}</td>
                  <td>{j.rejected}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </>
  );
}
