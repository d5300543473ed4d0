// CSV and XLSX of the anonymised evaluation data set (db/reports/anonymised.ts, schema in
// db/reports/ANONYMISED-EXPORT.md). Text cells are formula-escaped; XLSX cells are plain strings or
// numbers, never formulas. The data sheet holds only the header and the rows; what was coarsened and
// suppressed is said in the CSV's header block and on the XLSX sheet "Hinweise".
import ExcelJS from "exceljs";
import { ANONYMISED_COLUMNS, type AnonymisedExport } from "~/db.server";
import { csvDocument, escapeSpreadsheetText } from "./export.server";

/** What the file is, how it was anonymised and how many rows each level holds. */
export function anonymisedMetadata(data: AnonymisedExport): [string, string][] {
  return [
    ["Datensatz", "KIM Fallmanagement – anonymisierter Auswertungsdatensatz (eine Zeile je Fall)"],
    ["Schema-Version", data.version],
    ["Stichtag", data.asOf],
    ["Fälle insgesamt", String(data.total)],
    [
      "k-Anonymität",
      `k = ${data.k}: jede Kombination aus Altersgruppe, Kommune, Zielgruppe, Staatsangehörigkeitsgruppe und Aufnahmezeitraum kommt mindestens ${data.k}-mal vor`,
    ],
    ...data.perLevel.map(({ level, label, rows }): [string, string] => [`Stufe ${level}`, `${rows} Fälle (${label})`]),
    ["Unterdrückt", `${data.suppressed} Fälle (auch in Stufe ${data.perLevel.length - 1} seltener als ${data.k}-mal; nicht enthalten)`],
  ];
}

const cellText = (value: string | number | null) => (value === null ? "" : String(value));

export function anonymisedToCsv(data: AnonymisedExport): string {
  return csvDocument([
    ...anonymisedMetadata(data),
    [],
    ANONYMISED_COLUMNS.map((c) => c.key),
    ...data.rows.map((row) => ANONYMISED_COLUMNS.map((c) => cellText(row[c.key]))),
  ]);
}

export async function anonymisedToXlsx(data: AnonymisedExport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "KIM Fallmanagement";
  workbook.created = new Date(data.generatedAt);
  const sheet = workbook.addWorksheet("Fälle");
  sheet.columns = ANONYMISED_COLUMNS.map((c) => ({ header: c.key, key: c.key, width: Math.max(12, c.key.length + 2) }));
  sheet.getRow(1).font = { bold: true };
  for (const row of data.rows) {
    sheet.addRow(
      ANONYMISED_COLUMNS.map(({ key }) => {
        const value = row[key];
        return typeof value === "string" ? escapeSpreadsheetText(value) : value;
      }),
    );
  }
  const notes = workbook.addWorksheet("Hinweise");
  notes.columns = [{ width: 30 }, { width: 110 }];
  for (const [key, value] of anonymisedMetadata(data)) notes.addRow([key, escapeSpreadsheetText(value)]).getCell(1).font = { bold: true };
  notes.addRow([]);
  notes.addRow(["Spalte", "Bedeutung"]).font = { bold: true };
  for (const c of ANONYMISED_COLUMNS) notes.addRow([c.key, c.meaning]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
