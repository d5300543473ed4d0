// Art. 15 DSGVO: one click downloads everything stored about the person of this case (audited).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { collectSubjectData, writeAudit } from "~/db.server";
import { notFound, requirePermission } from "~/guards.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, ["read:case:own", "read:case:org", "read:case:any"]);
  const caseId = params.caseId ?? "";
  const data = UUID.test(caseId) ? await collectSubjectData(context.db, user, caseId) : undefined;
  await writeAudit(context.db, {
    actorId: user.id,
    actorRole: user.role,
    action: "client.export",
    objectType: "case",
    objectId: UUID.test(caseId) ? caseId : null,
    outcome: data ? "allowed" : "denied",
  });
  if (!data) notFound();
  const name = `auskunft-${data.export.person.aktenzeichen}.json`;
  return new Response(JSON.stringify(data.export, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": "no-store",
    },
  });
}
