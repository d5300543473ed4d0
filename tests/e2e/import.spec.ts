// Import of a case list in the browser (issue 14): a coordinator uploads an XLSX with 20 rows, 3 of them
// wrong, maps the one column whose header the app does not know by hand, sees the preview with the
// errors per cell, imports, watches the result and downloads the rejected rows; axe finds nothing.
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { expect, expectNoA11yViolations, test } from "./fixtures";

const MUNICIPALITIES = ["Erkrath", "Haan", "Heiligenhaus", "Hilden", "Mettmann", "Ratingen", "Velbert", "Wülfrath"];

/** 20 people with unusual names (no demo client is similar), opened in 2024; rows 4, 9 and 15 are wrong. */
async function caseList(file: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("Liste");
  ws.addRow(["KIM Fallliste – Übernahme"]);
  ws.mergeCells(1, 1, 1, 9);
  ws.addRow([]);
  // "Betreuung" is no header the app knows: the user maps it to "Casemanager*in".
  ws.addRow(["Nachname", "Vorname", "Geburtsdatum", "Kommune", "Aufenthaltsstatus", "Zielgruppe", "Betreuung", "Aufnahmedatum", "Erstkontakt"]);
  for (let i = 1; i <= 20; i++) {
    const day = String((i % 27) + 1).padStart(2, "0");
    ws.addRow([
      `Qxbrandt${String.fromCharCode(64 + i)}ovic`,
      `Vjorn${String.fromCharCode(96 + i)}`,
      i === 4 ? "31.02.1990" : `${day}.0${(i % 9) + 1}.19${70 + i}`,
      i === 9 ? "Ratingn" : MUNICIPALITIES[i % MUNICIPALITIES.length],
      "Duldung",
      "Geduldete",
      i === 15 ? "Niemand Unbekannt" : i % 2 ? "Anna Demir" : "Jonas Becker",
      `${day}.03.2024`,
      `${day}.04.2024`,
    ]);
  }
  await writeFile(file, Buffer.from(await wb.xlsx.writeBuffer()));
}

test.describe("Falllisten importieren", () => {
  test.describe.configure({ timeout: 180_000 });

  test("a coordinator imports 20 rows, 3 wrong, maps a column by hand and downloads the rejected rows", async ({ page, login }) => {
    const file = path.join(os.tmpdir(), `kim-import-e2e-${process.pid}.xlsx`);
    await caseList(file);
    await login(page, "koordination");
    await page.getByRole("link", { name: "Falllisten importieren" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Falllisten importieren");
    await expectNoA11yViolations(page, "/import");

    // No file: a German message tied to the field.
    await page.getByLabel("Datei (Excel .xlsx oder CSV)").setInputFiles({ name: "leer.csv", mimeType: "text/csv", buffer: Buffer.alloc(0) });
    await page.getByRole("button", { name: "Hochladen und Spalten zuordnen" }).click();
    await expect(page.getByRole("alert")).toHaveText("Die Datei ist leer.");
    await expect(page.getByLabel("Datei (Excel .xlsx oder CSV)")).toHaveAttribute("aria-describedby", /datei-fehler/);

    await page.getByLabel("Datei (Excel .xlsx oder CSV)").setInputFiles(file);
    await page.getByRole("button", { name: "Hochladen und Spalten zuordnen" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Spalten zuordnen");
    await expect(page.getByText("20 Datenzeilen")).toBeVisible();
    // The suggestion from the German headers; the unknown one is not taken.
    await expect(page.getByLabel("Spalte 1: „Nachname“")).toHaveValue("lastName");
    await expect(page.getByLabel("Spalte 3: „Geburtsdatum“")).toHaveValue("birthDate");
    const byHand = page.getByLabel("Spalte 7: „Betreuung“");
    await expect(byHand).toHaveValue("");
    await byHand.selectOption({ label: "Casemanager*in" });
    await page.getByRole("button", { name: "Zuordnung übernehmen und Vorschau aktualisieren" }).click();
    await expect(page.getByLabel("Spalte 7: „Betreuung“")).toHaveValue("caseManager");
    await expect(page.getByText("In der ganzen Datei: 17 Zeilen gültig, 3 mit Fehlern.")).toBeVisible();
    // Row 4 of the list is file row 7 (title, empty line, header above): its birth date is marked.
    const preview = page.getByRole("table");
    await expect(preview.getByText("„31.02.1990“ ist kein gültiges Datum.")).toBeVisible();
    await expect(preview.getByText(/Unbekannte Kommune „Ratingn“. Meinten Sie „Ratingen“\?/)).toBeVisible();
    await expectNoA11yViolations(page, "/import/<job> (Zuordnung und Vorschau)");

    await page.getByRole("button", { name: "17 gültige Zeilen importieren" }).click();
    await expect(page.getByRole("heading", { level: 2, name: "Ergebnis" })).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId("import-imported")).toHaveText("17");
    await expect(page.getByTestId("import-rejected")).toHaveText("3");
    await expectNoA11yViolations(page, "/import/<job> (Ergebnis)");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Abgelehnte Zeilen mit Fehlermeldungen herunterladen (Excel)" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("abgelehnte-zeilen.xlsx");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await readFile(await download.path())).buffer as ArrayBuffer);
    const sheet = wb.worksheets[0];
    const rows: string[] = [];
    sheet?.eachRow((row, n) => {
      if (n > 1) rows.push(`${String(row.getCell(1).value)}: ${String(row.getCell(2).value)}`);
    });
    expect(rows).toEqual([
      "7: Geburtsdatum: „31.02.1990“ ist kein gültiges Datum.",
      "12: Kommune / Wohnort: Unbekannte Kommune „Ratingn“. Meinten Sie „Ratingen“? Bitte in der Datei korrigieren.",
      "18: Casemanager*in: Unbekannte Casemanager*in „Niemand Unbekannt“.",
    ]);

  });
});
