// What the report page and the exports load: the validated request and the report,
// published (suppressed for the steering role) before it leaves the server.
import type { AppLoadContext } from "@remix-run/node";
import {
  type PublishedReport,
  buildReport,
  listReportMunicipalities,
  listReportOrganisations,
  publishReport,
  queryTrends,
} from "~/db.server";
import { berlinToday } from "../../db/reports/period";
import { hasPermission } from "../../workflows/permissions";
import type { Role } from "../../workflows/vocabulary";
import { type ParsedReportRequest, parseReportQuery } from "./query.server";

/** Coordinators (read:report:detail) see exact figures; everyone else with report access a suppressed report. */
export function mustSuppress(role: Role): boolean {
  return !hasPermission(role, "read:report:detail");
}

export interface ReportLoadOptions {
  /** Today (Europe/Berlin), for tests; default the real today. */
  today?: string;
  now?: Date;
  /** Publish suppressed whatever the role (a frozen edition is always what the Lenkungsgruppe sees). */
  suppress?: boolean;
}

export type ReportLoadResult =
  | {
      ok: true;
      request: ParsedReportRequest;
      report: PublishedReport;
      municipalities: { id: number; name: string }[];
      organisations: { id: number; name: string }[];
    }
  | {
      ok: false;
      submission: ReturnType<typeof parseReportQuery>["submission"];
      municipalities: { id: number; name: string }[];
      organisations: { id: number; name: string }[];
    };

export async function loadReport(
  db: AppLoadContext["db"],
  user: { role: Role },
  params: URLSearchParams,
  options: ReportLoadOptions = {},
): Promise<ReportLoadResult> {
  const [municipalities, organisations] = await Promise.all([listReportMunicipalities(db), listReportOrganisations(db)]);
  const parsed = parseReportQuery(params, {
    municipalityIds: municipalities.map((m) => m.id),
    organisationIds: organisations.map((o) => o.id),
    today: options.today,
  });
  if (!parsed.ok) return { ok: false, submission: parsed.submission, municipalities, organisations };
  const [raw, trends] = await Promise.all([
    buildReport(db, parsed.request.filter, parsed.request.split, { asOf: options.today, now: options.now }),
    queryTrends(db, parsed.request.filter, { asOf: options.today ?? berlinToday(options.now) }),
  ]);
  return {
    ok: true,
    request: parsed.request,
    report: publishReport(raw, { suppress: options.suppress ?? mustSuppress(user.role), trends }),
    municipalities,
    organisations,
  };
}
