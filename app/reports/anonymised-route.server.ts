// The loader of both anonymised-export routes: coordinators only (exact report figures), audited, no caching.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { buildAnonymisedExport, writeAudit } from "~/db.server";
import { requirePermission } from "~/guards.server";
import { anonymisedToCsv, anonymisedToXlsx } from "./anonymised-export.server";
import { CONTENT_TYPES } from "./export-route.server";

export async function exportAnonymised({ request, context }: LoaderFunctionArgs, format: "csv" | "xlsx"): Promise<Response> {
  const user = await requirePermission(request, context, "read:report:detail");
  const data = await buildAnonymisedExport(context.db);
  const body = format === "csv" ? anonymisedToCsv(data) : new Uint8Array(await anonymisedToXlsx(data));
  await writeAudit(context.db, {
    actorId: user.id,
    actorRole: user.role,
    action: `export.anonymised.${format}`,
    objectType: "report",
    objectId: null,
    outcome: "allowed",
    detail: { version: data.version, k: data.k, rows: data.rows.length, suppressed: data.suppressed },
  });
  return new Response(body, {
    headers: {
      "Content-Type": CONTENT_TYPES[format],
      "Content-Disposition": `attachment; filename="kim-auswertungsdaten_v${data.version}_${data.asOf}.${format}"`,
      "Cache-Control": "no-store",
    },
  });
}
