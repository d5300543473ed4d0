import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { completeFollowUp, listDueFollowUps } from "~/db.server";
import { invariantResponse, notFound, requirePermission } from "~/guards.server";

export const meta: MetaFunction = () => [{ title: "Heute – KIM Fallmanagement" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "read:today:own");
  return listDueFollowUps(context.db, user);
}

const DoneSchema = z.object({ intent: z.literal("erledigt"), followUpId: z.string().uuid() });

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "read:today:own");
  const parsed = DoneSchema.safeParse(Object.fromEntries(await request.formData()));
  invariantResponse(parsed.success, "Ungültige Anfrage: unbekannte Aktion oder Wiedervorlage.");
  const result = await completeFollowUp(context.db, user, { followUpId: parsed.data.followUpId, caseId: null });
  if (!result.ok) notFound();
  throw redirect(`/heute?erledigt=${encodeURIComponent(result.aktenzeichen)}`);
}

function germanDate(date: string): string {
  const [y, m, d] = date.split("-");
  return `${d}.${m}.${y}`;
}

type FollowUp = ReturnType<typeof useLoaderData<typeof loader>>["followUps"][number];

function FollowUpTable({ caption, followUps }: { caption: string; followUps: FollowUp[] }) {
  const navigation = useNavigation();
  const pending = navigation.state !== "idle" ? navigation.formData?.get("followUpId") : null;
  return (
    // One form for the whole list (not one per row): each row's button submits its own follow-up id.
    <Form method="post" className="table-wrap card">
      <input type="hidden" name="intent" value="erledigt" />
      <table className="data">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Fällig am</th>
            <th scope="col" className="num">
              Tage überfällig
            </th>
            <th scope="col">Fall</th>
            <th scope="col">Notiz</th>
            <th scope="col">Aktion</th>
          </tr>
        </thead>
        <tbody>
          {followUps.map((f) => (
            <tr key={f.id} className={f.daysOverdue > 0 ? "overdue" : undefined}>
              <td>
                {germanDate(f.dueOn)}
                {f.daysOverdue > 0 ? (
                  <>
                    {" "}
                    <span className="badge badge--red">überfällig</span>
                  </>
                ) : (
                  <>
                    {" "}
                    <span className="badge badge--amber">heute</span>
                  </>
                )}
              </td>
              <td className="num">{f.daysOverdue}</td>
              <td>
                <Link to={`/faelle/${f.caseId}`}>{f.aktenzeichen}</Link>
                <br />
                {f.lastName}, {f.firstName}
              </td>
              <td>
                {f.deadline ? (
                  <>
                    <span className="badge badge--red">Frist</span>{" "}
                  </>
                ) : null}
                {f.note}
              </td>
              <td>
                {/* The table's one form sends the id of the button pressed (its submitter). */}
                <button
                  type="submit"
                  name="followUpId"
                  value={f.id}
                  className="button button--secondary"
                  disabled={pending === f.id}
                >
                  Erledigt
                  <span className="visually-hidden">
                    : Wiedervorlage {f.aktenzeichen} vom {germanDate(f.dueOn)}
                  </span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Form>
  );
}

export default function Today() {
  const { today, followUps } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const done = searchParams.get("erledigt");
  const overdue = followUps.filter((f) => f.daysOverdue > 0);
  const dueToday = followUps.filter((f) => f.daysOverdue === 0);
  return (
    <>
      <h1>Heute</h1>
      <p className="muted">Wiedervorlagen Ihrer Fälle, Stand {germanDate(today)}.</p>
      {done ? (
        <p className="notice" role="status">
          Die Wiedervorlage zu {done} ist als erledigt markiert.
        </p>
      ) : null}
      {followUps.length === 0 ? (
        <p className="card">Für heute stehen keine Wiedervorlagen an, und es ist nichts überfällig.</p>
      ) : null}
      {overdue.length ? (
        <section aria-labelledby="heute-ueberfaellig">
          <h2 id="heute-ueberfaellig">Überfällig ({overdue.length})</h2>
          <FollowUpTable caption="Überfällige Wiedervorlagen" followUps={overdue} />
        </section>
      ) : null}
      {dueToday.length ? (
        <section aria-labelledby="heute-faellig">
          <h2 id="heute-faellig">Heute fällig ({dueToday.length})</h2>
          <FollowUpTable caption="Heute fällige Wiedervorlagen" followUps={dueToday} />
        </section>
      ) : null}
    </>
  );
}
