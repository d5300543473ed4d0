import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { listPartners } from "~/db.server";
import { requirePermission } from "~/guards.server";
import { PARTNER_KINDS } from "../../workflows/vocabulary";

export const meta: MetaFunction = () => [{ title: "Partner – KIM Fallmanagement" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "manage:partners:any");
  return { partners: await listPartners(context.db) };
}

const CONFIRMATIONS: Record<string, string> = {
  angelegt: "Der Partner wurde angelegt.",
  gespeichert: "Die Änderungen wurden gespeichert.",
  deaktiviert: "Der Partner wurde deaktiviert. Bestehende Vermittlungen und Einwilligungen bleiben erhalten.",
  aktiviert: "Der Partner wurde wieder aktiviert.",
};

export default function Partners() {
  const { partners } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const confirmation = CONFIRMATIONS[params.get("ok") ?? ""];
  const name = params.get("name");
  return (
    <>
      <h1>Partner</h1>
      {confirmation ? (
        <p className="notice" role="status">
          {name ? `„${name}“: ` : ""}
          {confirmation}
        </p>
      ) : null}
      <p>
        Stellen, an die Fälle vermittelt werden. Deaktivierte Partner werden für neue Vermittlungen nicht mehr
        angeboten; bestehende Vermittlungen und Einwilligungen bleiben erhalten.
      </p>
      <p>
        <Link to="/partner/neu" className="button">
          Neuen Partner anlegen
        </Link>
      </p>
      <div className="table-wrap">
        <table className="data">
          <caption className="visually-hidden">Alle Partner</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Art</th>
              <th scope="col">Kommune</th>
              <th scope="col">Ansprechperson</th>
              <th scope="col">Telefon</th>
              <th scope="col">E-Mail</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {partners.map((p) => (
              <tr key={p.id}>
                <th scope="row">
                  <Link to={`/partner/${p.id}`}>{p.name}</Link>
                </th>
                <td>{PARTNER_KINDS.label[p.kind]}</td>
                <td>{p.municipality ?? "–"}</td>
                <td>{p.contact_person ?? "–"}</td>
                <td>{p.phone ?? "–"}</td>
                <td>{p.email ?? "–"}</td>
                <td>
                  {p.active ? <span className="badge badge--green">aktiv</span> : <span className="badge">deaktiviert</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
