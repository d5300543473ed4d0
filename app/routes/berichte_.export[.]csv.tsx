// GET /berichte/export.csv?<same parameters as the page>: the report as CSV (audited).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportReport } from "~/reports/export-route.server";

export function loader(args: LoaderFunctionArgs) {
  return exportReport(args, "csv");
}
