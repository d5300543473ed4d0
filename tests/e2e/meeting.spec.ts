// The Lenkungsgruppe's meeting in the browser: a coordinator puts a barrier before the group, freezes
// the report for the meeting and records the decision; the steering account opens the edition and the
// decision list. axe on every new page; a screenshot of "Auf einen Blick" is attached to the test.
import { randomBytes } from "node:crypto";
import type { Browser, Page } from "@playwright/test";
import { expect, expectNoA11yViolations, login, test } from "./fixtures";

async function signedIn(browser: Browser, username: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const page = await context.newPage();
  await login(page, username);
  return page;
}

test.describe("Sitzung der Lenkungsgruppe", () => {
  // the report and the edition are large pages and axe runs on both: slow on a busy 2-core machine
  test.describe.configure({ timeout: 180_000 });

  test("koordination freezes an edition and records a decision; lenkung opens both", async ({ page, browser }, testInfo) => {
    const title = `Wohnungsmarkt ${randomBytes(3).toString("hex")}`;
    await login(page, "koordination");

    // a barrier put before the steering group
    await page.goto("/huerden");
    await page.getByLabel("Titel").fill(title);
    await page.getByLabel("Beschreibung").fill("Kaum Wohnungen für Familien mit mehr als vier Kindern.");
    await page.getByLabel("Bedarfsfeld").selectOption({ label: "Wohnen" });
    await page.getByLabel("Zahl der betroffenen Fälle").fill("9");
    await page.getByRole("button", { name: "Hürde melden" }).click();
    await expect(page.getByRole("status")).toContainText("gespeichert");
    await page.getByRole("link", { name: title }).first().click();
    await page.getByRole("button", { name: "Für die Lenkungsgruppe vormerken" }).click();
    await expect(page.getByRole("status")).toContainText("für die Lenkungsgruppe vorgemerkt");

    // the report: "Auf einen Blick" first; a screenshot of it for the test artefacts
    await page.goto("/berichte");
    const glance = page.getByRole("region", { name: "Auf einen Blick" });
    await expect(glance).toBeVisible();
    await expect(glance.getByRole("listitem")).toHaveCount(8);
    await expect(glance).toContainText("Offene Fälle je Vollzeitstelle");
    const shot = testInfo.outputPath("auf-einen-blick.png");
    await glance.screenshot({ path: shot });
    await testInfo.attach("Auf einen Blick", { path: shot, contentType: "image/png" });

    // freeze the report for the meeting
    const freeze = page.getByRole("form", { name: "Berichtsstand festschreiben" });
    await freeze.getByRole("button", { name: "Berichtsstand festschreiben" }).click();
    await expect(freeze.getByText("Bitte geben Sie das Datum der Sitzung an.")).toBeVisible();
    await freeze.getByLabel("Datum der Sitzung").fill("2026-12-17");
    await freeze.getByRole("button", { name: "Berichtsstand festschreiben" }).click();
    await expect(page).toHaveURL(/\/berichte\/ausgaben\/\d+$/);
    const editionUrl = new URL(page.url()).pathname;
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Berichtsstand der Sitzung am 17.12.2026");
    await expect(page.getByText("Keine Abweichung")).toBeVisible();

    // the decision on the barrier
    await page.goto("/berichte/beschluesse");
    await page.getByLabel("Strukturelle Hürde (für die Lenkungsgruppe vorgemerkt)").selectOption({ label: title });
    await page.getByLabel("Datum des Beschlusses").fill("2026-12-17");
    await page.getByRole("textbox", { name: "Beschluss", exact: true }).fill("Runder Tisch mit der Wohnungsbaugesellschaft einberufen.");
    await page.getByLabel("Zuständig (Stelle oder Gremium)").fill("Sozialdezernat");
    await page.locator("#decision-new-dueOn").fill("2027-03-31");
    await page.getByRole("button", { name: "Beschluss speichern" }).click();
    await expect(page.getByRole("status")).toHaveText("Der Beschluss ist erfasst.");
    await expect(page.getByRole("row", { name: new RegExp(title) })).toContainText("Sozialdezernat");
    await expectNoA11yViolations(page, "/berichte/beschluesse (coordinator)");
    await page.context().close();

    // the steering group: the list of editions, the edition, the decisions
    const steering = await signedIn(browser, "lenkung");
    await steering.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Berichtsstände" }).click();
    await expect(steering.getByRole("heading", { level: 1 })).toHaveText("Festgeschriebene Berichtsstände");
    await expectNoA11yViolations(steering, "/berichte/ausgaben");
    await steering.locator(`a[href="${editionUrl}"]`).click();
    await expect(steering.getByRole("heading", { level: 1 })).toHaveText("Berichtsstand der Sitzung am 17.12.2026");
    await expect(steering.getByRole("region", { name: "Auf einen Blick" })).toBeVisible();
    await expect(steering.getByText(/Zahlen von 1 bis 4 werden als „<5“ angezeigt/)).toBeVisible();
    await expectNoA11yViolations(steering, editionUrl);
    await steering.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Beschlüsse" }).click();
    await expect(steering.getByRole("row", { name: new RegExp(title) })).toContainText("Runder Tisch");
    await expect(steering.getByRole("button", { name: "Beschluss speichern" })).toHaveCount(0);
    await expectNoA11yViolations(steering, "/berichte/beschluesse (steering)");
  });
});
