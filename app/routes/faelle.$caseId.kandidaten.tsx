// The deputy and transfer choices of one case (colleague names), as JSON: the client file fetches them
// when one of those two forms is opened in the browser. Without JavaScript the client file's own loader
// includes them (`?schritt=cf-SET_DEPUTY` / `cf-TRANSFER`). Scoped and audited in loadCaseCandidates:
// 404 (as for a case that does not exist) when the actor may not see the case. Cache-Control: no-store
// comes with every answer of the app (server-app.ts).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { loadCaseCandidates } from "~/db.server";
import { notFound, requireUser } from "~/guards.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const candidates = await loadCaseCandidates(context.db, user, params.caseId ?? "");
  if (!candidates) notFound();
  // A Response, not a plain object: Remix answers a resource route's plain object with a deprecation warning.
  return Response.json(candidates);
}
