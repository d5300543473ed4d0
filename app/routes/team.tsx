import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/guards.server";

export const meta: MetaFunction = () => [{ title: "Teamübersicht – KIM Fallmanagement" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "read:team:any");
  const rows = await context.db
    .selectFrom("users")
    .leftJoin("cases", (j) => j.onRef("cases.case_manager_id", "=", "users.id").on("cases.state", "<>", "closed"))
    .select((eb) => ["users.id", "users.display_name", "users.fte", eb.fn.count<number>("cases.id").as("open_cases")])
    .where("users.role", "=", "case_manager")
    .where("users.active", "=", true)
    .groupBy(["users.id", "users.display_name", "users.fte"])
    .orderBy("users.display_name")
    .execute();
  return { rows };
}

export default function Team() {
  const { rows } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Teamübersicht</h1>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Casemanager*in</th>
            <th scope="col" className="num">
              VZÄ
            </th>
            <th scope="col" className="num">
              Offene Fälle
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>{r.display_name}</td>
              <td className="num">{Number(r.fte).toLocaleString("de-DE")}</td>
              <td className="num">{r.open_cases}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
