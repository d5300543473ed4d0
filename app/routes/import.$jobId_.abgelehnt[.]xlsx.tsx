// GET /import/<job>/abgelehnt.xlsx: the rejected rows of a finished import with their messages (audited).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { rejectionWorkbook } from "~/db.server";
import { notFound, requirePermission } from "~/guards.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "write:case:any");
  const bytes = await rejectionWorkbook(context.db, user, String(params.jobId));
  if (!bytes) notFound();
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": 'attachment; filename="abgelehnte-zeilen.xlsx"',
      "Cache-Control": "no-store",
    },
  });
}
