import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { writeAudit } from "~/db.server";
import { findCaseHeader } from "~/db.server";
import { CASE_PHASES } from "../../workflows/vocabulary";
import { notFound, requirePermission } from "~/guards.server";

export const meta: MetaFunction = () => [{ title: "Fallakte – KIM Fallmanagement" }];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, ["read:case:own", "read:case:any"]);
  const caseId = params.caseId ?? "";
  const header = UUID.test(caseId) ? await findCaseHeader(context.db, user, caseId) : undefined;
  await writeAudit(context.db, {
    actorId: user.id,
    actorRole: user.role,
    action: "case.read",
    objectType: "case",
    objectId: UUID.test(caseId) ? caseId : null,
    outcome: header ? "allowed" : "denied",
  });
  if (!header) notFound();
  return { header };
}

export default function CaseFile() {
  const { header } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>
        {header.last_name}, {header.first_name} <span className="muted">({header.aktenzeichen})</span>
      </h1>
      <p>Phase: {CASE_PHASES.label[header.state]}</p>
    </>
  );
}
