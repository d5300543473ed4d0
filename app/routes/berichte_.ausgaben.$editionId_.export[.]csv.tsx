// GET /berichte/ausgaben/<id>/export.csv: a frozen edition's CSV, byte for byte as frozen (audited).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportEdition } from "~/reports/export-route.server";

export function loader(args: LoaderFunctionArgs) {
  return exportEdition(args, "csv");
}
