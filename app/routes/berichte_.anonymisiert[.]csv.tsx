// GET /berichte/anonymisiert.csv: the anonymised evaluation data set as CSV (coordinators, audited).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportAnonymised } from "~/reports/anonymised-route.server";

export function loader(args: LoaderFunctionArgs) {
  return exportAnonymised(args, "csv");
}
