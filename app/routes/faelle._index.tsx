import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { caseVisibleTo } from "~/db.server";
import { CASE_PHASES } from "../../workflows/vocabulary";
import { requirePermission } from "~/guards.server";

export const meta: MetaFunction = () => [{ title: "Meine Fälle – KIM Fallmanagement" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, ["read:case:own", "read:case:any"]);
  const cases = await context.db
    .selectFrom("cases")
    .innerJoin("clients", "clients.id", "cases.client_id")
    .select(["cases.id", "cases.state", "clients.aktenzeichen", "clients.first_name", "clients.last_name"])
    .where((eb) => caseVisibleTo(eb, user))
    .where("cases.state", "<>", "closed")
    .orderBy("clients.last_name")
    .limit(50)
    .execute();
  return { cases };
}

export default function MyCases() {
  const { cases } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Meine Fälle</h1>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Aktenzeichen</th>
            <th scope="col">Name</th>
            <th scope="col">Phase</th>
          </tr>
        </thead>
        <tbody>
          {cases.map((c) => (
            <tr key={c.id}>
              <td>
                <Link to={`/faelle/${c.id}`}>{c.aktenzeichen}</Link>
              </td>
              <td>
                {c.last_name}, {c.first_name}
              </td>
              <td>{CASE_PHASES.label[c.state]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
