import { parseWithZod } from "@conform-to/zod";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { FreezeForm } from "~/components/freeze-form";
import { listReportEditions } from "~/db.server";
import { can, requirePermission } from "~/guards.server";
import { freezeEdition } from "~/reports/editions.server";
import { FreezeSchema } from "~/schemas/meeting";
import { germanDate } from "../../db/reports/period";

export const meta: MetaFunction = () => [{ title: "Festgeschriebene Berichtsstände – KIM Fallmanagement" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "read:report:aggregate");
  const editions = await listReportEditions(context.db);
  const bericht = new URL(request.url).searchParams.get("bericht");
  return {
    editions: editions.map((e) => ({ ...e, created_at: new Date(e.created_at).toISOString() })),
    canFreeze: can(user, "freeze:report:any"),
    bericht: bericht && bericht.length <= 1000 ? bericht : null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "freeze:report:any");
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: FreezeSchema });
  // the report's selection, kept for the next try (the form shows it as a hidden field)
  const posted = formData.get("bericht");
  const bericht = typeof posted === "string" && posted.length <= 1000 ? posted : "";
  if (submission.status !== "success") return data({ result: submission.reply(), bericht }, { status: 422 });
  const result = await freezeEdition(context.db, user, { query: submission.value.bericht, meetingOn: submission.value.sitzung });
  if (!result.ok) {
    const reply =
      "field" in result ? submission.reply({ fieldErrors: { sitzung: [result.message] } }) : submission.reply({ formErrors: [result.message] });
    return data({ result: reply, bericht }, { status: result.status });
  }
  return redirect(`/berichte/ausgaben/${result.id}`);
}

const dateTime = new Intl.DateTimeFormat("de-DE", { timeZone: "Europe/Berlin", dateStyle: "medium", timeStyle: "short" });

export default function Editions() {
  const { editions, canFreeze, bericht } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="report">
      <p>
        <Link to="/berichte">← Zurück zum Bericht</Link>
      </p>
      <h1>Festgeschriebene Berichtsstände</h1>
      <p>
        Für jede Sitzung der Lenkungsgruppe festgeschriebene Berichte: genau so, wie sie in der Sitzung vorlagen, mit
        Prüfsumme (SHA-256). Beim Öffnen sehen Sie, wo sich die Zahlen seitdem geändert haben.
      </p>
      {canFreeze && (bericht || actionData) ? <FreezeForm bericht={actionData?.bericht ?? bericht ?? ""} lastResult={actionData?.result} /> : null}
      {editions.length === 0 ? (
        <p>Noch kein Berichtsstand festgeschrieben.</p>
      ) : (
        <div className="table-wrap" role="region" aria-label="Festgeschriebene Berichtsstände" tabIndex={0}>
          <table className="data">
            <caption className="visually-hidden">Festgeschriebene Berichtsstände</caption>
            <thead>
              <tr>
                <th scope="col">Sitzung</th>
                <th scope="col">Zeitraum</th>
                <th scope="col">Festgeschrieben</th>
                <th scope="col">Prüfsumme (SHA-256, Anfang)</th>
              </tr>
            </thead>
            <tbody>
              {editions.map((e) => (
                <tr key={e.id}>
                  <th scope="row">
                    <Link to={`/berichte/ausgaben/${e.id}`}>Sitzung am {germanDate(e.meeting_on)}</Link>
                  </th>
                  <td>
                    {germanDate(e.period_from)} – {germanDate(e.period_to)}
                  </td>
                  <td>
                    {dateTime.format(new Date(e.created_at))} Uhr von {e.created_by_name}
                  </td>
                  <td>
                    <code>{e.content_hash.slice(0, 16)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
