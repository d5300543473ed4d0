// GET /berichte/ausgaben/<id>/export.xlsx: a frozen edition's XLSX, byte for byte as frozen (audited).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportEdition } from "~/reports/export-route.server";

export function loader(args: LoaderFunctionArgs) {
  return exportEdition(args, "xlsx");
}
