// GET /protokoll/export.csv?<filters of the viewer>: the filtered audit log as CSV (formula-escaped, audited).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { AUDIT_CSV_HEADER, auditCsvLine, auditViewRow } from "~/audit-view";
import { exportAuditLog } from "~/db.server";
import { notFound, requirePermission } from "~/guards.server";
import { csvDocument } from "~/reports/export.server";
import { parseAuditQuery } from "../../workflows/audit-query";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "read:audit:any");
  const { query } = parseAuditQuery(new URL(request.url).searchParams);
  const result = await exportAuditLog(context.db, user, query);
  if (!result) notFound();
  const lines = [AUDIT_CSV_HEADER, ...result.rows.map((r) => auditCsvLine(auditViewRow(r)))];
  if (result.truncated) lines.push([`Gekürzt: nur die ersten ${result.rows.length} Einträge. Bitte enger filtern.`]);
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(csvDocument(lines), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="kim-zugriffsprotokoll_${stamp}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
