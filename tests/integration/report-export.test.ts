// The CSV and XLSX exports through their route loaders: suppressed for the steering role, exact for
// coordinators, formulas escaped, no personal data, every export audited.
import ExcelJS from "exceljs";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { escapeSpreadsheetText } from "~/reports/export.server";
import { loader as csvLoader } from "~/routes/berichte_.export[.]csv";
import { loader as xlsxLoader } from "~/routes/berichte_.export[.]xlsx";
import type { Database } from "../../db/schema";
import type { Role } from "../../workflows/vocabulary";
import { parseCsv } from "./csv";
import { type TestDatabase, createTestDatabase } from "./db";
import { M3_NAME, type ReportFixture, insertReportFixture, reportLoaderContext } from "./report-fixture";

let t: TestDatabase;
let db: Kysely<Database>;
let fx: ReportFixture;

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  fx = await insertReportFixture(db);
});
afterAll(async () => {
  await t?.close();
});


const Q1 = "zeitraum=quartal&jahr=2025&quartal=1";

async function download(format: "csv" | "xlsx", role: Role, query: string): Promise<Response> {
  const userId = role === "steering" ? fx.users.steering : fx.users.coordinator;
  const loader = format === "csv" ? csvLoader : xlsxLoader;
  return loader({
    request: new Request(`http://localhost/berichte/export.${format}?${query}`),
    context: reportLoaderContext(db, role, userId),
    params: {},
  });
}

async function csvRows(role: Role, query: string): Promise<{ response: Response; rows: string[][]; text: string }> {
  const response = await download("csv", role, query);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  return { response, rows: parseCsv(text.replace(/^\uFEFF/, "")), text };
}

/** Rows of the figure table: [Bereich, Kennzahl, Gruppe, Wert, Zähler / n, Nenner, Vorperiode, Definition]. */
function find(rows: string[][], label: string, group = "Gesamt"): string[] {
  const row = rows.find((r) => r[1] === label && r[2] === group);
  if (!row) throw new Error(`no row ${label} / ${group}`);
  return row;
}

async function xlsxSheet(role: Role, query: string) {
  const response = await download("xlsx", role, query);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await response.arrayBuffer());
  const sheet = workbook.getWorksheet("Auswertung");
  if (!sheet) throw new Error("no sheet");
  const rows: ExcelJS.CellValue[][] = [];
  sheet.eachRow((row) => rows.push(Array.from((row.values as ExcelJS.CellValue[]).slice(1), (v) => v ?? null)));
  return { response, sheet, rows };
}

function findXlsx(rows: ExcelJS.CellValue[][], label: string, group = "Gesamt") {
  const row = rows.find((r) => r[1] === label && r[2] === group);
  if (!row) throw new Error(`no row ${label} / ${group}`);
  return row;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe("formula escaping", () => {
  test("texts starting with = + - @, tab or CR get an apostrophe; others stay", () => {
    expect(escapeSpreadsheetText("=1+1")).toBe("'=1+1");
    expect(escapeSpreadsheetText("+49 2104")).toBe("'+49 2104");
    expect(escapeSpreadsheetText("-3")).toBe("'-3");
    expect(escapeSpreadsheetText("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(escapeSpreadsheetText("\t=1")).toBe("'\t=1");
    expect(escapeSpreadsheetText("Haan")).toBe("Haan");
    expect(escapeSpreadsheetText("–")).toBe("–");
    expect(escapeSpreadsheetText("<5")).toBe("<5");
  });
});

describe("CSV", () => {
  test("for steering: suppressed, labelled, audited, attachment without personal data", async () => {
    const { response, rows, text } = await csvRows("steering", `${Q1}&aufteilung=kommune`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="kim-auswertung_2025-01-01_2025-03-31.csv"');
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(text.startsWith("\uFEFF")).toBe(true);
    expect(rows[0]).toEqual(["Bericht", "Auswertung für die Lenkungsgruppe – KIM Fallmanagement"]);
    expect(rows.find((r) => r[0] === "Zeitraum")).toEqual(["Zeitraum", "1. Quartal 2025 (01.01.2025 – 31.03.2025)"]);
    expect(rows.find((r) => r[0] === "Datenschutz")?.[1]).toMatch(/„<5“/);
    expect(rows).toContainEqual(["Bereich", "Kennzahl", "Gruppe", "Wert", "Zähler / n", "Nenner", "Vorperiode", "Definition"]);

    expect(find(rows, "Eröffnete Fälle").slice(0, 7)).toEqual(["Erreichbarkeit", "Eröffnete Fälle", "Gesamt", "8", "", "", "<5"]);
    expect(find(rows, "Fälle ohne Zugangsentscheidung")[3]).toBe("<5");
    expect(find(rows, "Anteil in eine Zielgruppe aufgenommen").slice(3, 7)).toEqual(["nicht ausgewiesen", "<5", "6", "nicht ausgewiesen"]);
    expect(find(rows, "Falldauer (Median, Tage)").slice(3, 5)).toEqual(["nicht ausgewiesen", "<5"]);
    expect(find(rows, "Offene Fälle (Durchschnitt pro Tag)").slice(3, 7)).toEqual(["6,9", "621", "90", "<5"]);
    expect(find(rows, "Zielerreichung im Bedarfsfeld Sprache")[3]).toBe("nicht ausgewiesen");
    expect(find(rows, "Gemeldete strukturelle Hürden")[3]).toBe("<5");
    // the definition travels with every figure
    expect(find(rows, "Zielerreichungsquote")[7]).toMatch(/„entfallen“ zählt nicht mit/);

    // the split by municipality, the formula-like name escaped
    const escaped = `'${M3_NAME}`;
    expect(find(rows, "Eröffnete Fälle", escaped)[3]).toBe("<5");
    expect(find(rows, "Eröffnete Fälle", "Hilden (Test)")[3]).toBe("<5");
    for (const row of rows) for (const field of row) expect(field, field).not.toMatch(/^[=+\-@\t\r]/);

    for (const personal of [...fx.personalData, "Testperson"]) expect(text).not.toContain(personal);
    expect(text).not.toMatch(UUID);

    const audit = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "export.csv")
      .where("actor_id", "=", fx.users.steering)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_role: "steering", object_type: "report", outcome: "allowed" });
    expect(audit[0]?.detail).toEqual({
      from: "2025-01-01",
      to: "2025-03-31",
      split: "municipality",
      targetGroup: null,
      municipalityId: null,
      referralSource: null,
      organisationId: null,
      suppressed: true,
    });
  });

  test("split by Träger: the organisations as groups, suppressed for steering, exact for coordinators, defined", async () => {
    const steering = await csvRows("steering", `${Q1}&aufteilung=traeger`);
    expect(steering.rows.find((r) => r[0] === "Aufteilung")).toEqual(["Aufteilung", "Träger"]);
    expect(steering.rows.find((r) => r[0] === "Träger (Definition)")?.[1]).toMatch(/zu dem der Fall beim Abruf gehört/);
    expect(find(steering.rows, "Eröffnete Fälle", "Kreis Mettmann (Test)")[3]).toBe("6");
    expect(find(steering.rows, "Eröffnete Fälle", "Caritas (Test)")[3]).toBe("<5");
    expect(find(steering.rows, "Offene Fälle je Vollzeitstelle (Durchschnitt)", "Caritas (Test)")[3]).toBe("nicht ausgewiesen");
    const coordinator = await csvRows("coordinator", `${Q1}&aufteilung=traeger&organisation=${fx.organisations.W}`);
    expect(coordinator.rows.find((r) => r[0] === "Träger")).toEqual(["Träger", "Caritas (Test)"]);
    expect(find(coordinator.rows, "Eröffnete Fälle", "Caritas (Test)")[3]).toBe("2");
    expect(find(coordinator.rows, "Eröffnete Fälle")[3]).toBe("2");
    expect(coordinator.rows.some((r) => r[2] === "Kreis Mettmann (Test)")).toBe(false);
    const xlsx = await xlsxSheet("coordinator", `${Q1}&aufteilung=traeger`);
    expect(findXlsx(xlsx.rows, "Eröffnete Fälle", "Caritas (Test)")[3]).toBe(2);
  });

  test("for coordinators: exact figures, filter label escaped", async () => {
    const { rows } = await csvRows("coordinator", `${Q1}&kommune=${fx.municipalities.m3}`);
    expect(rows.find((r) => r[0] === "Kommune")).toEqual(["Kommune", `'${M3_NAME}`]);
    expect(find(rows, "Eröffnete Fälle")[3]).toBe("1");
    expect(rows.find((r) => r[0] === "Datenschutz")?.[1]).toMatch(/Ungekürzte Zahlen/);
    const all = await csvRows("coordinator", Q1);
    expect(find(all.rows, "Fälle ohne Zugangsentscheidung")[3]).toBe("2");
    expect(find(all.rows, "Falldauer (Median, Tage)").slice(3, 5)).toEqual(["125", "3"]);
  });

  test("bad parameters: 400 with the German message, nothing audited", async () => {
    const before = await db.selectFrom("audit_log").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    const response = await download("csv", "steering", "zeitraum=monat&jahr=2025&monat=13");
    expect(response.status).toBe(400);
    expect(await response.text()).toBe("Der Export ist nicht möglich: Bitte wählen Sie einen Monat von Januar bis Dezember.");
    const after = await db.selectFrom("audit_log").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});

describe("XLSX", () => {
  test("for steering: numbers only where allowed, suppressed cells as text, no formulas, audited", async () => {
    const { response, sheet, rows } = await xlsxSheet("steering", `${Q1}&aufteilung=kommune`);
    expect(response.headers.get("Content-Type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="kim-auswertung_2025-01-01_2025-03-31.xlsx"');

    const opened = findXlsx(rows, "Eröffnete Fälle");
    expect(opened.slice(0, 4)).toEqual(["Erreichbarkeit", "Eröffnete Fälle", "Gesamt", 8]);
    expect(opened[6]).toBe("<5");
    expect(findXlsx(rows, "Fälle ohne Zugangsentscheidung")[3]).toBe("<5");
    const accepted = findXlsx(rows, "Anteil in eine Zielgruppe aufgenommen");
    // a share of 4 cases is hidden (its rate and denominator would give the 4 away)
    expect(accepted.slice(3, 7)).toEqual(["nicht ausgewiesen", "<5", 6, "nicht ausgewiesen"]);
    expect(findXlsx(rows, "Falldauer (Median, Tage)").slice(3, 5)).toEqual(["nicht ausgewiesen", "<5"]);
    expect(findXlsx(rows, "Offene Fälle (Durchschnitt pro Tag)").slice(3, 7)).toEqual([6.9, 621, 90, "<5"]);
    expect(findXlsx(rows, "Eröffnete Fälle", `'${M3_NAME}`)[3]).toBe("<5");

    let cells = 0;
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        cells++;
        expect(cell.type === ExcelJS.ValueType.Formula || cell.formula !== undefined, String(cell.value)).toBe(false);
        if (typeof cell.value === "string") expect(cell.value).not.toMatch(/^[=+\-@\t\r]/);
      }),
    );
    expect(cells).toBeGreaterThan(500);
    // percentages keep their number format
    const firstContactRow = sheet.getRows(1, sheet.rowCount)?.find((r) => r.getCell(2).value === "Anteil mit dokumentiertem Erstkontakt");
    expect(firstContactRow?.getCell(4).value).toBeCloseTo(6 / 8, 10);
    expect(firstContactRow?.getCell(4).numFmt).toBe("0.0%");

    const text = JSON.stringify(rows);
    for (const personal of [...fx.personalData, "Testperson"]) expect(text).not.toContain(personal);
    expect(text).not.toMatch(UUID);

    const audit = await db
      .selectFrom("audit_log")
      .select(["actor_role", "object_type", "outcome"])
      .where("action", "=", "export.xlsx")
      .where("actor_id", "=", fx.users.steering)
      .execute();
    expect(audit).toEqual([{ actor_role: "steering", object_type: "report", outcome: "allowed" }]);
  });

  test("for coordinators: exact numbers", async () => {
    const { rows } = await xlsxSheet("coordinator", Q1);
    expect(findXlsx(rows, "Fälle ohne Zugangsentscheidung")[3]).toBe(2);
    expect(findXlsx(rows, "Falldauer (Median, Tage)").slice(3, 5)).toEqual([125, 3]);
    expect(findXlsx(rows, "Geklärte Identitäten").slice(3, 7)).toEqual([1, null, null, 1]);
  });
});
