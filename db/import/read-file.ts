// Reading an uploaded case list: XLSX through exceljs (streaming, first worksheet), CSV in UTF-8 (with or
// without BOM) or Windows-1252, `;`, `,` or tab as delimiter, quoted fields. The result is the header
// row and the data rows as text (dates of date cells as YYYY-MM-DD), or a German message why the file
// cannot be read. Formulas: the value Excel stored with the formula is taken; a formula without a stored
// value refuses the whole file (nothing is guessed).
import { Readable } from "node:stream";
import ExcelJS from "exceljs";
import { IMPORT_LIMITS, type RawCell, findHeaderRow } from "../../workflows/case-import";

export interface ReadTable {
  kind: "xlsx" | "csv";
  /** Description of what was detected (encoding, delimiter), German. */
  detected: string;
  headers: string[];
  /** Data rows after the header (empty rows left out), with their row number in the file (1-based). */
  rows: { rowNumber: number; cells: RawCell[] }[];
  /** Cells whose value came from a formula's stored result. */
  formulaCells: number;
}

export type ReadResult = { ok: true; table: ReadTable } | { ok: false; message: string };

export const READ_MESSAGES = {
  empty: "Die Datei ist leer.",
  notSpreadsheet:
    "Die Datei ist keine Tabelle, die gelesen werden kann. Bitte laden Sie eine Excel-Datei (.xlsx) oder eine CSV-Datei hoch.",
  xls: "Das alte Excel-Format (.xls) wird nicht unterstützt. Bitte speichern Sie die Liste in Excel als „Excel-Arbeitsmappe (.xlsx)“.",
  noHeader:
    "In den ersten 30 Zeilen wurde keine Überschriftenzeile erkannt (z. B. „Name“, „Vorname“, „Geburtsdatum“, „Kommune“). Bitte prüfen Sie die Datei.",
  noRows: "Die Tabelle enthält unter der Überschriftenzeile keine Datenzeilen.",
  tooManyRows: `Die Datei enthält mehr als ${IMPORT_LIMITS.maxRows.toLocaleString("de-DE")} Datenzeilen. Bitte teilen Sie die Liste auf mehrere Dateien auf.`,
  formulas:
    "Die Datei enthält Formeln ohne gespeicherten Ergebniswert. Bitte öffnen Sie die Datei in Excel und speichern Sie sie erneut (oder fügen Sie die Spalten „als Werte“ ein).",
  broken: "Die Excel-Datei ist beschädigt oder unvollständig und kann nicht gelesen werden.",
} as const;

class ReadRefusal extends Error {}

function clip(text: string): string {
  return text.length > IMPORT_LIMITS.maxCellLength ? text.slice(0, IMPORT_LIMITS.maxCellLength) : text;
}

/** The text of one exceljs cell value; formula cells give their stored result. */
function cellText(value: unknown, counter: { formulas: number }): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return "";
    // exceljs reads date cells as UTC midnight of the spreadsheet's local date
    return value.toISOString().slice(0, 10);
  }
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "ja" : "nein";
  if (typeof value === "string") return value;
  if (typeof value === "object") {
    const v = value as Record<string, unknown>;
    if ("formula" in v || "sharedFormula" in v) {
      if (v.result === undefined || v.result === null) throw new ReadRefusal(READ_MESSAGES.formulas);
      counter.formulas += 1;
      const result = v.result;
      if (typeof result === "object" && result !== null && "error" in result) return "";
      return cellText(result, counter);
    }
    if (Array.isArray(v.richText)) return (v.richText as { text?: string }[]).map((r) => r.text ?? "").join("");
    if ("text" in v) return cellText(v.text, counter);
    if ("error" in v) return "";
  }
  return "";
}

function trimRow(cells: string[]): string[] {
  let end = cells.length;
  while (end > 0 && (cells[end - 1] ?? "").trim() === "") end--;
  return cells.slice(0, Math.min(end, IMPORT_LIMITS.maxColumns)).map((c) => clip(c.replace(/\s+/g, " ").trim()));
}

/** Rows → header + data rows (empty rows dropped); refuses when no header or too many rows. */
function toTable(kind: ReadTable["kind"], detected: string, all: { rowNumber: number; cells: string[] }[], formulas: number): ReadResult {
  const nonEmpty = all.filter((r) => r.cells.some((c) => c !== ""));
  if (nonEmpty.length === 0) return { ok: false, message: READ_MESSAGES.empty };
  const headerIndex = findHeaderRow(nonEmpty.slice(0, 30).map((r) => r.cells));
  if (headerIndex === null) return { ok: false, message: READ_MESSAGES.noHeader };
  const headers = nonEmpty[headerIndex]?.cells ?? [];
  const rows = nonEmpty.slice(headerIndex + 1);
  if (rows.length === 0) return { ok: false, message: READ_MESSAGES.noRows };
  if (rows.length > IMPORT_LIMITS.maxRows) return { ok: false, message: READ_MESSAGES.tooManyRows };
  return { ok: true, table: { kind, detected, headers, rows, formulaCells: formulas } };
}

/** Stops reading once this many rows are seen (the header may lie up to 30 rows down). */
const ROW_CAP = IMPORT_LIMITS.maxRows + 40;

async function readXlsx(buffer: Buffer): Promise<ReadResult> {
  const counter = { formulas: 0 };
  const all: { rowNumber: number; cells: string[] }[] = [];
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(buffer), {
    worksheets: "emit",
    sharedStrings: "cache",
    styles: "cache",
    hyperlinks: "ignore",
    entries: "ignore",
  });
  try {
    let tooMany = false;
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = Array.isArray(row.values) ? (row.values as unknown[]).slice(1) : [];
        all.push({ rowNumber: row.number, cells: trimRow(values.map((v) => cellText(v, counter))) });
        if (all.length > ROW_CAP) {
          tooMany = true;
          break;
        }
      }
      break; // the first worksheet only
    }
    if (tooMany) return { ok: false, message: READ_MESSAGES.tooManyRows };
  } catch (error) {
    if (error instanceof ReadRefusal) return { ok: false, message: error.message };
    return { ok: false, message: READ_MESSAGES.broken };
  }
  return toTable("xlsx", "Excel-Arbeitsmappe (erstes Tabellenblatt)", all, counter.formulas);
}

/** Decodes CSV bytes: UTF-8 (BOM or valid UTF-8), else Windows-1252. */
export function decodeText(buffer: Buffer): { text: string; encoding: string } {
  if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) {
    return { text: new TextDecoder("utf-8").decode(buffer.subarray(3)), encoding: "UTF-8 (mit BOM)" };
  }
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(buffer), encoding: "UTF-8" };
  } catch {
    return { text: new TextDecoder("windows-1252").decode(buffer), encoding: "Windows-1252" };
  }
}

/** The delimiter used most (outside quotes) in the first lines: `;`, `,` or tab. */
export function detectDelimiter(text: string): string {
  const sample = text.slice(0, 20_000);
  const counts: Record<string, number> = { ";": 0, ",": 0, "\t": 0 };
  let quoted = false;
  for (const ch of sample) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch] = (counts[ch] ?? 0) + 1;
  }
  return Object.entries(counts).sort((a, b) => b[1] - a[1])[0]?.[0] ?? ";";
}

/** RFC 4180 parsing with a given delimiter: quoted fields may hold delimiters, quotes ("") and line breaks. */
export function parseCsv(text: string, delimiter: string, maxRows = Number.POSITIVE_INFINITY): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
      continue;
    }
    if (ch === '"' && field === "") quoted = true;
    else if (ch === delimiter) {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      if (rows.length >= maxRows) return rows;
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function readCsv(buffer: Buffer): ReadResult {
  const { text, encoding } = decodeText(buffer);
  // Binary data (images, PDFs, archives) is no CSV.
  // eslint-disable-next-line no-control-regex -- binary detection
  if (/[\u0000-\u0008\u000e-\u001a]/.test(text.slice(0, 4096))) return { ok: false, message: READ_MESSAGES.notSpreadsheet };
  const delimiter = detectDelimiter(text);
  const parsed = parseCsv(text, delimiter, ROW_CAP + 1);
  if (parsed.length > ROW_CAP) return { ok: false, message: READ_MESSAGES.tooManyRows };
  const all = parsed.map((cells, i) => ({ rowNumber: i + 1, cells: trimRow(cells) }));
  const name = delimiter === "\t" ? "Tabulator" : `„${delimiter}“`;
  const result = toTable("csv", `CSV, ${encoding}, Trennzeichen ${name}`, all, 0);
  // A text file with no delimiter at all and no header is not a list.
  if (!result.ok && result.message === READ_MESSAGES.noHeader && !/[;,\t]/.test(text.slice(0, 4096))) {
    return { ok: false, message: READ_MESSAGES.notSpreadsheet };
  }
  return result;
}

/** Reads an uploaded file by its content (the name's extension is only a hint). */
export async function readCaseList(buffer: Buffer): Promise<ReadResult> {
  if (buffer.length === 0) return { ok: false, message: READ_MESSAGES.empty };
  if (buffer.length > IMPORT_LIMITS.maxBytes) {
    return { ok: false, message: `Die Datei ist größer als ${IMPORT_LIMITS.maxBytes / 1024 / 1024} MB.` };
  }
  const magic = buffer.subarray(0, 4).toString("hex");
  if (magic === "504b0304") return readXlsx(buffer);
  if (magic === "d0cf11e0") return { ok: false, message: READ_MESSAGES.xls };
  if (magic === "25504446" || magic.startsWith("ffd8") || magic === "89504e47" || magic === "1f8b0800") {
    return { ok: false, message: READ_MESSAGES.notSpreadsheet };
  }
  return readCsv(buffer);
}
