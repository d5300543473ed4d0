// The Lenkungsgruppe report in the browser, signed in as steering on the demo data: the page with its
// charts (drawn under the strict CSP), the German validation state, both exports without personal data,
// and no axe violations.
import { readFile } from "node:fs/promises";
import ExcelJS from "exceljs";
import type { Page } from "@playwright/test";
import { DEMO_USERS } from "../../db/seed/demo-users";
import { ORIGINS } from "../../db/seed/names";
import { expect, expectNoA11yViolations, test } from "./fixtures";

/** Every person name the demo generator and the demo accounts use. */
const PERSON_NAMES = [
  ...new Set([
    ...ORIGINS.flatMap((o) => [...o.female, ...o.male, ...o.last]),
    ...DEMO_USERS.filter((u) => u.role !== "admin").flatMap((u) => u.displayName.split(" ")).filter((w) => w.length > 3),
  ]),
];
const AKTENZEICHEN = /KIM-\d{4}-\d+/;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

function personalDataIn(text: string): string[] {
  const found = PERSON_NAMES.filter((name) => new RegExp(`(^|[^\\p{L}])${name}($|[^\\p{L}])`, "u").test(text));
  if (AKTENZEICHEN.test(text)) found.push("Aktenzeichen");
  if (UUID.test(text)) found.push("UUID");
  return found;
}

/** Fails the test on any CSP report in the console (charts must render without inline <style>). */
function watchCsp(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(m.text())) violations.push(m.text());
  });
  return violations;
}

async function downloadFrom(page: Page, linkName: string): Promise<{ name: string; body: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: linkName }).click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), body: await readFile(path) };
}

test.describe("Berichte für die Lenkungsgruppe", () => {
  // a large page (every figure with its definition) and axe on it: slow on a busy 2-core machine
  test.describe.configure({ timeout: 120_000 });

  test("steering sees the report with charts and table alternatives, no personal data, no axe violations", async ({
    page,
    login,
  }) => {
    const csp = watchCsp(page);
    await login(page, "lenkung");
    await expect(page).toHaveURL("/berichte");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Berichte für die Lenkungsgruppe");
    for (const section of ["Erreichbarkeit", "Auslastung", "Beratungserfolge", "Strukturelle Hürden"]) {
      await expect(page.getByRole("heading", { level: 2, name: section })).toBeVisible();
    }
    await expect(page.getByText(/Zahlen von 1 bis 4 werden als „<5“ angezeigt/)).toBeVisible();
    // every figure with its definition and the previous period
    const reach = page.getByRole("region", { name: "Erreichbarkeit: Kennzahlen" });
    await expect(reach.getByRole("rowheader", { name: /Eröffnete Fälle/ })).toContainText("Fallaufnahme (Eröffnung) im Zeitraum");
    await expect(reach.getByRole("columnheader", { name: /Vorperiode/ })).toBeVisible();
    // recharts draws after hydration; each chart has its table
    await expect(page.locator(".report-chart svg.recharts-surface").first()).toBeVisible();
    expect(await page.locator(".report-chart").count()).toBe(await page.locator(".report-chart__canvas > .recharts-wrapper > svg").count());
    await page.getByText("Tabelle zum Diagramm „Abschlüsse nach Abschlussgrund“").click();
    await expect(page.getByRole("table", { name: "Abschlüsse nach Abschlussgrund" })).toBeVisible();

    expect(personalDataIn(await page.locator("main").innerText())).toEqual([]);
    await expectNoA11yViolations(page, "/berichte (Lenkungsgruppe)");
    expect(csp).toEqual([]);
  });

  test("Entwicklung (24 Monate): line charts with definitions, a table alternative per chart, no axe violations", async ({
    page,
    login,
  }) => {
    const csp = watchCsp(page);
    await login(page, "lenkung");
    const trends = page.getByRole("region", { name: "Entwicklung (24 Monate)" });
    await expect(trends).toBeVisible();
    // five charts, each drawn after hydration inside a box with a text alternative, with its definition
    await expect(trends.locator(".trends-chart")).toHaveCount(5);
    await expect(trends.getByRole("img", { name: /Liniendiagramm: Offene Fälle je Vollzeitstelle/ })).toBeVisible();
    // drawn after hydration: a large page on a busy machine may take a while
    await expect(trends.locator(".trends-canvas svg.recharts-surface").first()).toBeVisible({ timeout: 45_000 });
    expect(await trends.locator(".trends-canvas").count()).toBe(await trends.locator(".trends-canvas svg.recharts-surface").count());
    await expect(trends.getByText(/Summe der Vollzeitäquivalente/)).toBeVisible();
    // the standard caseload is drawn as a labelled reference line
    await expect(trends.getByRole("img", { name: /Offene Fälle je Vollzeitstelle/ }).getByText(/^Standard/)).toBeVisible();
    await trends.getByText("Als Tabelle anzeigen: Offene Fälle je Vollzeitstelle").click();
    const table = trends.getByRole("table", { name: /Offene Fälle je Vollzeitstelle/ });
    await expect(table).toBeVisible();
    await expect(table.getByRole("row")).toHaveCount(25);
    await expect(table.getByRole("columnheader", { name: "Monat" })).toBeVisible();
    await trends.getByText("Als Tabelle anzeigen: Abschlüsse nach Abschlussgrund").click();
    await expect(trends.getByRole("table", { name: /Abschlüsse nach Abschlussgrund/ }).getByRole("columnheader", { name: "Alle Abschlüsse" })).toBeVisible();
    expect(personalDataIn(await trends.innerText())).toEqual([]);
    await expectNoA11yViolations(page, "/berichte, Entwicklung mit geöffneten Tabellen");
    expect(csp).toEqual([]);
  });

  test("the filters travel in the URL; a split shows one column per group", async ({ page, login }) => {
    await login(page, "lenkung");
    await page.getByLabel("Aufteilung").selectOption("kommune");
    await page.getByRole("button", { name: "Anzeigen" }).click();
    await expect(page).toHaveURL(/aufteilung=kommune/);
    await expect(page.getByRole("region", { name: "Erreichbarkeit: Kennzahlen" }).getByRole("columnheader", { name: "Velbert" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Als CSV herunterladen" })).toHaveAttribute("href", /aufteilung=kommune/);
    await expectNoA11yViolations(page, "/berichte nach Kommune");
  });

  test("bad input answers 400 with German messages and keeps the values", async ({ page, login }) => {
    await login(page, "lenkung");
    const response = await page.goto("/berichte?zeitraum=frei&von=2025-03-10&bis=2025-03-01");
    expect(response?.status()).toBe(400);
    await expect(page.getByText("Das Ende darf nicht vor dem Beginn liegen.")).toBeVisible();
    await expect(page.getByLabel("Von")).toHaveValue("2025-03-10");
    await expect(page.getByLabel("Bis (einschließlich)")).toHaveAttribute("aria-invalid", "true");
    await expectNoA11yViolations(page, "/berichte mit Fehlern");
  });

  test("CSV and XLSX exports contain the report and no personal data", async ({ page, login }) => {
    await login(page, "lenkung");
    await expect(page.getByRole("heading", { level: 2, name: "Erreichbarkeit" })).toBeVisible();

    const csv = await downloadFrom(page, "Als CSV herunterladen");
    expect(csv.name).toMatch(/^kim-auswertung_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/);
    const csvText = csv.body.toString("utf8");
    expect(csvText).toContain("Eröffnete Fälle");
    expect(csvText).toContain("Datenschutz");
    expect(personalDataIn(csvText)).toEqual([]);

    const xlsx = await downloadFrom(page, "Als Excel-Datei (XLSX) herunterladen");
    expect(xlsx.name).toMatch(/\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const texts: string[] = [];
    workbook.eachSheet((sheet) =>
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          expect(cell.formula).toBeUndefined();
          texts.push(String(cell.value));
        }),
      ),
    );
    const xlsxText = texts.join("\n");
    expect(xlsxText).toContain("Zielerreichungsquote");
    expect(workbook.worksheets.map((w) => w.name)).toEqual(["Auf einen Blick", "Auswertung", "Entwicklung"]);
    expect(xlsxText).toContain("Entwicklung (24 Monate)");
    expect(personalDataIn(xlsxText)).toEqual([]);
  });
});
