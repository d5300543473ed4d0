// The loader of both export routes: same parameters and permission as the page, audited, no caching.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { readReportEditionFile, writeAudit } from "~/db.server";
import { notFound, requirePermission } from "~/guards.server";
import { exportFileName, reportToCsv, reportToXlsx } from "./export.server";
import { loadReport } from "./report.server";

export const CONTENT_TYPES = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
} as const;

export async function exportReport({ request, context }: LoaderFunctionArgs, format: "csv" | "xlsx"): Promise<Response> {
  const user = await requirePermission(request, context, "read:report:aggregate");
  const result = await loadReport(context.db, user, new URL(request.url).searchParams);
  if (!result.ok) {
    const { submission } = result;
    const errors = submission.status === "success" ? [] : Object.values(submission.error ?? {}).flat().filter(Boolean);
    return new Response(`Der Export ist nicht möglich: ${errors.join(" ")}`, {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  const { report } = result;
  const body = format === "csv" ? reportToCsv(report) : new Uint8Array(await reportToXlsx(report));
  await writeAudit(context.db, {
    actorId: user.id,
    actorRole: user.role,
    action: `export.${format}`,
    objectType: "report",
    objectId: null,
    outcome: "allowed",
    detail: {
      from: report.period.from,
      to: report.period.to,
      split: report.split,
      targetGroup: report.filter.targetGroup ?? null,
      municipalityId: report.filter.municipalityId ?? null,
      referralSource: report.filter.referralSource ?? null,
      organisationId: report.filter.organisationId ?? null,
      suppressed: report.suppressed,
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": CONTENT_TYPES[format],
      "Content-Disposition": `attachment; filename="${exportFileName(report, format)}"`,
      "Cache-Control": "no-store",
    },
  });
}

/** A frozen edition's download: the stored bytes as they are (audited like every export). */
export async function exportEdition({ request, context, params }: LoaderFunctionArgs, format: "csv" | "xlsx"): Promise<Response> {
  const user = await requirePermission(request, context, "read:report:aggregate");
  const id = Number(params.editionId);
  const file = await readReportEditionFile(context.db, id, format);
  if (!file) notFound();
  await writeAudit(context.db, {
    actorId: user.id,
    actorRole: user.role,
    action: `export.${format}`,
    objectType: "report_edition",
    objectId: String(id),
    outcome: "allowed",
  });
  return new Response(file.body, {
    headers: {
      "Content-Type": CONTENT_TYPES[format],
      "Content-Disposition": `attachment; filename="${file.fileName}"`,
      "Cache-Control": "no-store",
    },
  });
}
