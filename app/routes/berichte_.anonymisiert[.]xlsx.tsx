// GET /berichte/anonymisiert.xlsx: the anonymised evaluation data set as an Excel workbook (coordinators, audited).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportAnonymised } from "~/reports/anonymised-route.server";

export function loader(args: LoaderFunctionArgs) {
  return exportAnonymised(args, "xlsx");
}
