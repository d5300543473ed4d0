// Organisations (Träger) through the browser, one path per role: the Teamleitung sees their own
// organisation's cases and team and gets 404 for another's; the coordination sees a case of a
// "pseudonymisiert" organisation without the name; a case manager is offered only colleagues of the
// case's organisation as deputy; the admin sees each organisation's agreement.
import type { Browser, Page } from "@playwright/test";
import { expect, expectNoA11yViolations, login, test } from "./fixtures";

test.describe.configure({ timeout: 240_000 });

async function signedIn(browser: Browser, username: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const page = await context.newPage();
  await login(page, username);
  return page;
}

/** The href of the first case in the signed-in user's case list (optionally filtered, e.g. "?phase=active"). */
async function firstCaseHref(page: Page, query = ""): Promise<string> {
  await page.goto(`/faelle${query}`);
  const link = page.getByRole("table").getByRole("link", { name: /^KIM-\d{4}-\d{5,}$/ }).first();
  const href = await link.getAttribute("href");
  expect(href).toMatch(/^\/faelle\/[0-9a-f-]{36}$/);
  return href ?? "";
}

test("Teamleitung (Caritas): own organisation's team and cases, 404 for a case of the Kreis team", async ({ page, browser }) => {
  const kreisCase = await firstCaseHref(await signedIn(browser, "casemanager"));

  await login(page, "teamleitung.caritas");
  await expect(page).toHaveURL("/team");
  const team = page.getByRole("table").first();
  await expect(team.getByRole("link", { name: /Rami Haddad/ })).toBeVisible();
  await expect(team.getByRole("link", { name: /Anna Demir/ })).toHaveCount(0);
  await expectNoA11yViolations(page, "/team as Teamleitung");

  const ownCase = await firstCaseHref(page);
  expect((await page.goto(ownCase))?.status()).toBe(200);
  // reads the file, but writes nothing: no contact form offered
  await expect(page.getByRole("button", { name: "Kontakt speichern" })).toHaveCount(0);
  expect((await page.goto(kreisCase))?.status()).toBe(404);
});

test("Koordination: a case of a pseudonymised organisation shows no name", async ({ page }) => {
  await login(page, "koordination");
  await page.goto("/faelle");
  const pseudonymised = page.getByRole("row").filter({ hasText: "pseudonymisiert" }).first();
  await expect(pseudonymised).toBeVisible();
  const aktenzeichen = (await pseudonymised.getByRole("link", { name: /^KIM-/ }).first().textContent())?.trim() ?? "";
  await pseudonymised.getByRole("link", { name: aktenzeichen }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Fall ${aktenzeichen} (pseudonymisiert)` })).toBeVisible();
  await expect(page.getByText("nur eine pseudonymisierte Sicht")).toBeVisible();
  await expectNoA11yViolations(page, "pseudonymised client file");
});

test("Casemanager*in: the deputy choice offers only colleagues of the case's organisation", async ({ page }) => {
  await login(page, "casemanager");
  // an active case: every open phase offers "Vertretung festlegen"
  await page.goto(await firstCaseHref(page, "?phase=active"));
  // the form sits behind "Weitere Schritte": open it, then look at the select itself
  await page.locator("details.more-steps > summary").click();
  await page.locator("details.more-steps summary").filter({ hasText: /^Vertretung festlegen$/ }).click();
  const deputy = page.getByRole("form", { name: "Vertretung festlegen" }).locator('select[name="deputyId"]');
  await expect(deputy).toHaveCount(1);
  await expect(deputy.locator("option", { hasText: "Jonas Becker" })).toHaveCount(1);
  await expect(deputy.locator("option", { hasText: "Rami Haddad" })).toHaveCount(0);
  await expect(deputy.locator("option", { hasText: "Lena Schmitz" })).toHaveCount(0);
});

test("Administration: each organisation with its agreement", async ({ page }) => {
  await login(page, "admin");
  await page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Organisationen" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Organisationen" })).toBeVisible();
  const caritas = page.getByRole("combobox", { name: /Caritasverband/ });
  await expect(caritas).toHaveValue("pseudonymisiert");
  await expect(page.getByRole("combobox", { name: /DRK-Kreisverband/ })).toHaveValue("aggregiert");
  await expectNoA11yViolations(page, "/admin/organisationen");
});
