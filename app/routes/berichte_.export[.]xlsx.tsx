// GET /berichte/export.xlsx?<same parameters as the page>: the report as an Excel workbook (audited).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportReport } from "~/reports/export-route.server";

export function loader(args: LoaderFunctionArgs) {
  return exportReport(args, "xlsx");
}
