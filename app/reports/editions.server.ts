// Freezing a report edition: the report of a query, published suppressed (as the Lenkungsgruppe sees it),
// rendered once to CSV and XLSX; db/reports/editions.ts stores the JSON and the bytes as they are.
import type { AppLoadContext } from "@remix-run/node";
import { type PublishedReport, diffReports, findReportEdition, freezeReportEdition } from "~/db.server";
import type { SessionUser } from "~/auth.server";
import { reportToCsv, reportToXlsx } from "./export.server";
import { type ReportLoadOptions, loadReport } from "./report.server";

export async function freezeEdition(
  db: AppLoadContext["db"],
  user: SessionUser,
  input: { query: string; meetingOn: string },
  options: ReportLoadOptions = {},
) {
  const result = await loadReport(db, user, new URLSearchParams(input.query), { ...options, suppress: true });
  if (!result.ok) {
    return { ok: false as const, status: 422 as const, field: "bericht", message: "Die Auswahl des Berichts ist ungültig." };
  }
  const { report, request } = result;
  const xlsx = new Uint8Array(await reportToXlsx(report));
  return freezeReportEdition(db, user, {
    meetingOn: input.meetingOn,
    query: request.search,
    report,
    csv: reportToCsv(report),
    xlsx,
  });
}

/** An edition, today's report of the same query (suppressed) and where they differ. */
export async function loadEditionWithDifferences(
  db: AppLoadContext["db"],
  user: SessionUser,
  id: number,
  options: ReportLoadOptions = {},
) {
  const edition = await findReportEdition(db, id);
  if (!edition) return undefined;
  const today = await loadReport(db, user, new URLSearchParams(edition.query), { ...options, suppress: true });
  const current: PublishedReport | null = today.ok ? today.report : null;
  return { edition, differences: current ? diffReports(edition.report, current) : null, todayGeneratedAt: current?.generatedAt ?? null };
}
