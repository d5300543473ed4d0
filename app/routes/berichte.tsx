import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/guards.server";

export const meta: MetaFunction = () => [{ title: "Berichte – KIM Fallmanagement" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "read:report:aggregate");
  const row = await context.db
    .selectFrom("cases")
    .select((eb) => eb.fn.countAll<number>().as("opened"))
    .executeTakeFirstOrThrow();
  return { opened: row.opened };
}

export default function Reports() {
  const { opened } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Berichte für die Lenkungsgruppe</h1>
      <p>Eröffnete Fälle insgesamt: {opened >= 5 ? opened : "<5"}</p>
    </>
  );
}
