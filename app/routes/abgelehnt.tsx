// The page the edge guard shows for a request it refuses (server.ts rewrites the request to a GET of
// /abgelehnt?grund=…): the app's layout and a fixed German sentence for the reason, with its status.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { REFUSALS, isRefusalReason } from "~/refusals";

export const meta: MetaFunction = () => [{ title: "Anfrage abgelehnt – KIM Fallmanagement" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const reason = new URL(request.url).searchParams.get("grund");
  const refusal = isRefusalReason(reason) ? REFUSALS[reason] : REFUSALS["nicht-gefunden"];
  throw new Response(refusal.message, {
    status: refusal.status,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}

export default function Refused() {
  return <GeneralErrorBoundary />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
