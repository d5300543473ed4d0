// CSV and XLSX exports of the published report (already suppressed for the steering role): the same
// rows, labels and definitions as the page. Text cells that a spreadsheet would read as a formula
// (starting with = + - @, tab or carriage return) get a leading apostrophe; XLSX cells are written as
// plain strings or numbers, never as formulas.
import ExcelJS from "exceljs";
import type { PublishedReport, ReportCell } from "~/db.server";
import { escapeSpreadsheetText } from "../../workflows/spreadsheet-text";

export { escapeSpreadsheetText };

type NumberFormat = "count" | "percent" | "decimal";

interface ExportValue {
  /** A number when the value may be shown exactly (never for suppressed cells). */
  number: number | null;
  text: string;
  format: NumberFormat;
}

export interface ExportRow {
  section: string;
  label: string;
  group: string;
  value: ExportValue;
  numerator: ExportValue | null;
  denominator: ExportValue | null;
  previous: ExportValue | null;
  definition: string;
}

const HEADER = ["Bereich", "Kennzahl", "Gruppe", "Wert", "Zähler / n", "Nenner", "Vorperiode", "Definition"];

function valueFormat(kind: string, percent: boolean): NumberFormat {
  if (kind === "share" || percent) return "percent";
  if (kind === "count") return "count";
  return "decimal";
}

function exportValue(cell: ReportCell, format: NumberFormat): ExportValue {
  return { number: cell.value, text: cell.display, format };
}

function partValue(part: ReportCell["numerator"], format: NumberFormat): ExportValue | null {
  return part ? { number: part.value, text: part.display, format } : null;
}

/** The report as rows: per figure the total, then one row per group of the split. */
export function exportRows(report: PublishedReport): ExportRow[] {
  const rows: ExportRow[] = [];
  for (const section of report.sections) {
    for (const f of section.figures) {
      const format = valueFormat(f.kind, f.percent);
      // share, average: numerator and denominator are counts (cases, case-days, days); median: n is a
      // count; ratio: an average number of cases per staff number (both decimals)
      const partFormat: NumberFormat = f.kind === "ratio" ? "decimal" : "count";
      const row = (group: string, cell: ReportCell, previous: ReportCell | null): ExportRow => ({
        section: section.title,
        label: f.label,
        group,
        value: exportValue(cell, format),
        numerator: f.kind === "median" ? partValue(cell.denominator, "count") : partValue(cell.numerator, partFormat),
        denominator: f.kind === "median" ? null : partValue(cell.denominator, partFormat),
        previous: previous ? exportValue(previous, format) : null,
        definition: f.definition,
      });
      rows.push(row("Gesamt", f.total, f.previous));
      for (const g of report.groups) {
        const cell = f.groups[g.key];
        if (cell) rows.push(row(g.label, cell, null));
      }
    }
  }
  return rows;
}

const dateTime = new Intl.DateTimeFormat("de-DE", { timeZone: "Europe/Berlin", dateStyle: "medium", timeStyle: "short" });

function germanDate(d: string): string {
  const [y, m, day] = d.split("-");
  return `${day}.${m}.${y}`;
}

/** The header block: what, when, which filters, how suppressed. */
export function exportMetadata(report: PublishedReport): [string, string][] {
  return [
    ["Bericht", "Auswertung für die Lenkungsgruppe – KIM Fallmanagement"],
    ["Zeitraum", `${report.period.label} (${germanDate(report.period.from)} – ${germanDate(report.period.to)})`],
    [
      "Vergleichszeitraum",
      `${report.previous.label} (${germanDate(report.previous.from)} – ${germanDate(report.previous.to)})`,
    ],
    ["Zielgruppe", report.filterLabels.targetGroup ?? "alle"],
    ["Kommune", report.filterLabels.municipality ?? "alle"],
    ["Zugangsweg", report.filterLabels.referralSource ?? "alle"],
    ["Träger", report.filterLabels.organisation ?? "alle"],
    ["Aufteilung", report.splitLabel],
    ["Erstellt", dateTime.format(new Date(report.generatedAt))],
    ...(report.organisationNote ? [["Träger (Definition)", report.organisationNote] as [string, string]] : []),
    ["Datenschutz", report.suppressionNote ?? "Ungekürzte Zahlen (Koordination): nicht zur Weitergabe an die Lenkungsgruppe."],
  ];
}

function csvField(text: string): string {
  const safe = escapeSpreadsheetText(text);
  return /[;"\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Semicolon-separated UTF-8 with BOM and CRLF, as German Excel opens it; every text formula-escaped. */
export function csvDocument(lines: string[][]): string {
  return `\uFEFF${lines.map((l) => l.map(csvField).join(";")).join("\r\n")}\r\n`;
}

/** The report as CSV (see csvDocument); numbers as shown on the page. */
export function reportToCsv(report: PublishedReport): string {
  const lines: string[][] = [
    ...exportMetadata(report).map(([k, v]) => [k, v]),
    [],
    HEADER,
    ...exportRows(report).map((r) => [
      r.section,
      r.label,
      r.group,
      r.value.text,
      r.numerator?.text ?? "",
      r.denominator?.text ?? "",
      r.previous?.text ?? "",
      r.definition,
    ]),
  ];
  return csvDocument(lines);
}

const NUMBER_FORMATS: Record<NumberFormat, string> = { count: "#,##0", percent: "0.0%", decimal: "#,##0.0" };

function setCell(cell: ExcelJS.Cell, v: ExportValue | string | null) {
  if (v === null) return;
  if (typeof v === "string") {
    cell.value = escapeSpreadsheetText(v);
    return;
  }
  if (v.number !== null) {
    cell.value = v.number;
    cell.numFmt = NUMBER_FORMATS[v.format];
  } else {
    cell.value = escapeSpreadsheetText(v.text);
  }
}

const GLANCE_HEADER = ["Kennzahl", "Wert", "Vorperiode", "Entwicklung", "Hinweis", "Definition"];

/** "Auf einen Blick" as rows: the key figures with previous period and trend in words. */
export function glanceRows(report: PublishedReport) {
  return report.atAGlance.map((k) => {
    const format = valueFormat(k.kind, k.percent);
    return {
      label: k.label,
      value: exportValue(k.value, format),
      previous: exportValue(k.previous, format),
      trend: k.trend,
      note: k.note ?? "",
      definition: k.definition,
    };
  });
}

/** The first worksheet: period, filters and the key figures. */
function addGlanceSheet(workbook: ExcelJS.Workbook, report: PublishedReport) {
  const sheet = workbook.addWorksheet("Auf einen Blick");
  sheet.columns = [{ width: 40 }, { width: 14 }, { width: 14 }, { width: 44 }, { width: 40 }, { width: 90 }];
  const title = sheet.addRow([]);
  setCell(title.getCell(1), "Auf einen Blick");
  title.font = { bold: true, size: 14 };
  for (const [key, value] of exportMetadata(report)) {
    const row = sheet.addRow([]);
    setCell(row.getCell(1), key);
    setCell(row.getCell(2), value);
    row.getCell(1).font = { bold: true };
  }
  sheet.addRow([]);
  sheet.addRow(GLANCE_HEADER).font = { bold: true };
  for (const r of glanceRows(report)) {
    const row = sheet.addRow([]);
    setCell(row.getCell(1), r.label);
    setCell(row.getCell(2), r.value);
    setCell(row.getCell(3), r.previous);
    setCell(row.getCell(4), r.trend);
    setCell(row.getCell(5), r.note);
    setCell(row.getCell(6), r.definition);
  }
}

/** "Entwicklung (24 Monate)" as a table: one row per month, one column per series (all charts). */
export function trendTable(report: PublishedReport): { header: string[]; rows: { month: string; values: ExportValue[] }[] } | null {
  const trends = report.trends;
  if (!trends) return null;
  const columns = trends.charts.flatMap((c) =>
    c.series.map((s) => ({ name: c.series.length > 1 ? `${c.title}: ${s.label}` : s.label, unit: c.unit, values: s.values })),
  );
  return {
    header: ["Monat", ...columns.map((c) => c.name)],
    rows: trends.months.map((m, i) => ({
      month: m.label,
      values: columns.map((c) => {
        const cell = c.values[i];
        return cell ? exportValue(cell, c.unit) : { number: null, text: "–", format: c.unit };
      }),
    })),
  };
}

/** The worksheet "Entwicklung": the monthly series with numbers as numbers, then the definitions. */
function addTrendSheet(workbook: ExcelJS.Workbook, report: PublishedReport) {
  const table = trendTable(report);
  if (!report.trends || !table) return;
  const sheet = workbook.addWorksheet("Entwicklung");
  sheet.columns = [{ width: 18 }, ...table.header.slice(1).map(() => ({ width: 16 }))];
  const title = sheet.addRow([]);
  setCell(title.getCell(1), `Entwicklung (24 Monate): ${report.trends.label}`);
  title.font = { bold: true, size: 14 };
  for (const [key, value] of exportMetadata(report)) {
    const row = sheet.addRow([]);
    setCell(row.getCell(1), key);
    setCell(row.getCell(2), value);
    row.getCell(1).font = { bold: true };
  }
  sheet.addRow([]);
  const header = sheet.addRow([]);
  table.header.forEach((h, i) => setCell(header.getCell(i + 1), h));
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: "top" };
  for (const r of table.rows) {
    const row = sheet.addRow([]);
    setCell(row.getCell(1), r.month);
    r.values.forEach((v, i) => setCell(row.getCell(i + 2), v));
  }
  sheet.addRow([]);
  sheet.addRow(["Definitionen"]).font = { bold: true };
  for (const c of report.trends.charts) {
    const row = sheet.addRow([]);
    setCell(row.getCell(1), c.title);
    setCell(row.getCell(2), c.definition);
  }
}

/**
 * Three worksheets: "Auf einen Blick", then the header block and the figures with numbers as numbers
 * (suppressed cells as text), then "Entwicklung" (the 24-month series, when the report has them).
 * Deterministic for the same report: the workbook's dates are the report's.
 */
export async function reportToXlsx(report: PublishedReport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "KIM Fallmanagement";
  workbook.created = new Date(report.generatedAt);
  workbook.modified = new Date(report.generatedAt);
  addGlanceSheet(workbook, report);
  const sheet = workbook.addWorksheet("Auswertung");
  sheet.columns = [
    { width: 22 },
    { width: 48 },
    { width: 30 },
    { width: 14 },
    { width: 12 },
    { width: 12 },
    { width: 14 },
    { width: 90 },
  ];
  for (const [key, value] of exportMetadata(report)) {
    const row = sheet.addRow([]);
    setCell(row.getCell(1), key);
    setCell(row.getCell(2), value);
    row.getCell(1).font = { bold: true };
  }
  sheet.addRow([]);
  const header = sheet.addRow(HEADER);
  header.font = { bold: true };
  for (const r of exportRows(report)) {
    const row = sheet.addRow([]);
    setCell(row.getCell(1), r.section);
    setCell(row.getCell(2), r.label);
    setCell(row.getCell(3), r.group);
    setCell(row.getCell(4), r.value);
    setCell(row.getCell(5), r.numerator);
    setCell(row.getCell(6), r.denominator);
    setCell(row.getCell(7), r.previous);
    setCell(row.getCell(8), r.definition);
    row.getCell(8).alignment = { wrapText: false };
  }
  addTrendSheet(workbook, report);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A file name without personal data: the period and the export time. */
export function exportFileName(report: PublishedReport, extension: "csv" | "xlsx"): string {
  return `kim-auswertung_${report.period.from}_${report.period.to}.${extension}`;
}
