// The data-protection officer's audit viewer through the browser: a case manager is refused another's
// case, and the Datenschutz account finds exactly that refusal by Aktenzeichen and outcome, exports it
// as CSV; axe finds nothing on the page, filtered or not.
import { readFile } from "node:fs/promises";
import { expect, expectNoA11yViolations, test } from "./fixtures";

const CASE_PATH = /^\/faelle\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test("Datenschutz finds the refused access of one case manager to another's case", async ({ browser, page, login }) => {
  // casemanager2's cases, with their Aktenzeichen (the link text of the first column)
  const owner = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const ownerPage = await owner.newPage();
  await login(ownerPage, "casemanager2");
  await ownerPage.goto("/faelle");
  const ownerCases = await ownerPage
    .locator("main table a[href^='/faelle/']")
    .evaluateAll((links) => links.map((a) => ({ path: a.getAttribute("href") ?? "", aktenzeichen: a.textContent ?? "" })));
  await owner.close();

  // casemanager is refused one of them (404, audited as denied)
  const intruder = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const intruderPage = await intruder.newPage();
  await login(intruderPage, "casemanager");
  await intruderPage.goto("/faelle");
  const mine = new Set(
    await intruderPage.locator("main table a[href^='/faelle/']").evaluateAll((links) => links.map((a) => a.getAttribute("href"))),
  );
  const target = ownerCases.find((c) => CASE_PATH.test(c.path) && !mine.has(c.path));
  expect(target, "a case of casemanager2 that casemanager may not see").toBeDefined();
  const { path, aktenzeichen } = target!;
  expect((await intruderPage.goto(path))?.status()).toBe(404);
  await intruder.close();

  await login(page, "datenschutz");
  await expect(page).toHaveURL("/protokoll");
  await expect(page.getByRole("heading", { level: 1, name: "Zugriffsprotokoll" })).toBeVisible();
  await expectNoA11yViolations(page, "audit viewer");
  await expect(page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link")).toHaveText(["Zugriffsprotokoll"]);

  const filters = page.getByRole("search", { name: "Protokoll filtern" });
  await filters.getByRole("searchbox", { name: "Aktenzeichen" }).fill(aktenzeichen);
  await filters.getByRole("combobox", { name: "Ergebnis" }).selectOption({ label: "verweigert" });
  await filters.getByRole("combobox", { name: "Aktion" }).selectOption({ label: "Fallakte gelesen" });
  await filters.getByRole("button", { name: "Filter anwenden" }).click();
  await expect(page).toHaveURL(new RegExp(`aktenzeichen=${aktenzeichen}.*ergebnis=verweigert`));
  const row = page.getByRole("row").filter({ hasText: "Anna Demir (casemanager)" });
  await expect(row.first()).toContainText(aktenzeichen);
  await expect(row.first()).toContainText("Fallakte gelesen");
  await expect(row.first()).toContainText("verweigert");
  await expect(page.getByRole("table").getByRole("row")).not.toHaveCount(1);
  await expectNoA11yViolations(page, "audit viewer, filtered");

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Als CSV exportieren" }).click();
  const csv = await readFile((await (await download).path()) ?? "", "utf8");
  const lines = csv.replace(/^\uFEFF/, "").trim().split("\r\n");
  expect(lines[0]).toContain("Zeitpunkt;Benutzer*in;Rolle");
  expect(lines.slice(1).some((l) => l.includes("Anna Demir (casemanager)") && l.includes(aktenzeichen))).toBe(true);
  expect(lines.slice(1).every((l) => l.includes("verweigert"))).toBe(true);
});
