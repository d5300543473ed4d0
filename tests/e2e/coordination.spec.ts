// The coordinators' pages through the browser: team overview, assigning and transferring cases,
// target-group versions, partners, structural findings; axe on every page state, errors included.
import { randomBytes } from "node:crypto";
import type { Browser, Page, Response } from "@playwright/test";
import { expect, expectNoA11yViolations, login, test } from "./fixtures";

function postTo(page: Page, path: string): Promise<Response> {
  return page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname.startsWith(path));
}

async function signedIn(browser: Browser, username: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const page = await context.newPage();
  await login(page, username);
  return page;
}

function isoDayFromToday(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Berlin" }).format(d);
}

/** A new intake without case manager through the intake form (/faelle/neu), as a coordinator. */
async function createUnassignedIntake(page: Page): Promise<void> {
  await page.goto("/faelle/neu");
  await page.getByLabel("Vorname").fill("Warteschlange");
  await page.getByLabel("Nachname").fill(`Test ${randomBytes(3).toString("hex")}`);
  await page.getByLabel("Geschlecht").selectOption({ label: "keine Angabe" });
  await page.getByLabel("Kommune (Wohnort)").selectOption({ label: "Hilden" });
  await page.getByLabel("Aufenthaltsstatus").selectOption({ label: "ungeklärt" });
  await page.getByLabel("Zugangsweg").selectOption({ label: "Jugendamt" });
  await page.getByRole("button", { name: "Aufnahme anlegen" }).click();
  await page.waitForURL(/\/faelle\/[0-9a-f-]{36}/);
}

// Several sign-ins and axe runs per test: give the long flows room on a busy two-core machine.
test.describe.configure({ timeout: 240_000 });

test.describe("team overview", () => {
  test("koordination lands on the team overview with caseload bands, totals and the queue count", async ({ page, login }) => {
    await login(page, "koordination");
    await expect(page).toHaveURL("/team");
    await expect(page.getByRole("heading", { level: 1, name: "Teamübersicht" })).toBeVisible();
    const table = page.getByRole("table", { name: /Auslastung je Casemanager\*in/ });
    await expect(table.getByRole("rowheader", { name: /Anna Demir/ })).toBeVisible();
    await expect(table.getByRole("rowheader", { name: "Team gesamt" })).toBeVisible();
    // nine demo case managers share 8.0 FTE
    await expect(table.getByRole("row", { name: /Team gesamt/ }).getByRole("cell").first()).toHaveText("8");
    await expect(page.getByText(/„unter Soll“: unter 80 % des Solls; „im Soll“: 80 % bis 110 %; „über Soll“: über 110 %/)).toBeVisible();
    await expect(page.getByRole("link", { name: "Zur Warteschlange „Nicht zugewiesen“" })).toBeVisible();
    await expectNoA11yViolations(page, "/team");

    // the standard caseload: a bad value gives a German field error (in the browser, and a 400 from the
    // server without JavaScript), then a good one saves
    const field = page.getByLabel("Soll: offene Fälle je VZÄ");
    await field.fill("0");
    await page.getByRole("button", { name: "Soll speichern" }).click();
    await expect(page.getByText("Bitte geben Sie eine ganze Zahl zwischen 1 und 200 ein.")).toBeVisible();
    await expect(field).toHaveValue("0");
    await expect(field).toHaveAttribute("aria-invalid", "true");
    await expectNoA11yViolations(page, "/team (error state)");

    const direct = await page.request.post("/team", {
      form: { intent: "set-standard", standardCaseload: "201" },
      headers: { Origin: new URL(test.info().project.use.baseURL ?? "").origin },
    });
    expect(direct.status()).toBe(400);
    const html = await direct.text();
    expect(html).toContain("Bitte geben Sie eine ganze Zahl zwischen 1 und 200 ein.");
    expect(html).toMatch(/<input[^>]*value="201"/);

    await field.fill("35");
    await page.getByRole("button", { name: "Soll speichern" }).click();
    await expect(page.getByRole("status")).toHaveText("Das Soll wurde auf 35 offene Fälle je VZÄ gesetzt.");
  });
});

test.describe("queue and transfer", () => {
  test("koordination assigns an unassigned intake, then transfers it; the former case manager gets 404", async ({
    page,
    login,
    browser,
  }) => {
    await login(page, "koordination");
    await page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Nicht zugewiesen", exact: true }).click();
    await expect(page).toHaveURL("/warteschlange");
    await expect(page.getByRole("heading", { level: 1, name: "Nicht zugewiesene Zugänge" })).toBeVisible();
    const queue = page.getByRole("table", { name: "Nicht zugewiesene offene Fälle" });
    if ((await queue.count()) === 0) {
      // The demo data draws unassigned intakes at random among the last three weeks: make one when there is none.
      await createUnassignedIntake(page);
      await page.goto("/warteschlange");
    }
    const firstRow = queue.getByRole("row").nth(1);
    const aktenzeichen = (await firstRow.getByRole("rowheader").textContent())?.trim() ?? "";
    expect(aktenzeichen).toMatch(/^KIM-\d{4}-\d{5,}$/);
    const caseHref = await firstRow.getByRole("link", { name: aktenzeichen }).getAttribute("href");
    await expectNoA11yViolations(page, "/warteschlange");

    // no case manager chosen: a German error next to the select
    await firstRow.getByRole("button", { name: "Zuweisen" }).click();
    await expect(firstRow.getByText("Bitte wählen Sie eine Casemanager*in aus.")).toBeVisible();
    await expectNoA11yViolations(page, "/warteschlange (error state)");

    const select = firstRow.getByLabel(`Casemanager*in für ${aktenzeichen}`);
    const becker = await select.locator("option", { hasText: "Jonas Becker" }).getAttribute("value");
    await select.selectOption(becker ?? "");
    const assigned = postTo(page, "/warteschlange");
    await firstRow.getByRole("button", { name: "Zuweisen" }).click();
    expect((await assigned).status()).toBe(200);
    await expect(page.getByRole("status")).toHaveText(`Der Fall ${aktenzeichen} ist jetzt Jonas Becker zugewiesen.`);
    await expect(queue.getByRole("rowheader", { name: aktenzeichen })).toHaveCount(0);

    // Jonas Becker can open the case now …
    const becker2 = await signedIn(browser, "casemanager2");
    const opened = await becker2.goto(caseHref ?? "");
    expect(opened?.status()).toBe(200);

    // … until koordination transfers it to Anna Demir by Aktenzeichen
    await page.getByLabel("Aktenzeichen").fill(aktenzeichen.toLowerCase());
    await page.getByRole("button", { name: "Fall suchen" }).click();
    const found = page.getByRole("table", { name: `Gefundener Fall ${aktenzeichen}` });
    await expect(found.getByRole("cell", { name: "Jonas Becker" })).toBeVisible();
    await expectNoA11yViolations(page, "/warteschlange?az=…");
    const transferSelect = found.getByLabel(`Casemanager*in für ${aktenzeichen}`);
    await expect(transferSelect.locator("option", { hasText: "Jonas Becker" })).toHaveCount(0);
    const demir = await transferSelect.locator("option", { hasText: "Anna Demir" }).getAttribute("value");
    await transferSelect.selectOption(demir ?? "");
    await found.getByRole("button", { name: "Übergeben" }).click();
    await expect(page.getByRole("status")).toHaveText(`Der Fall ${aktenzeichen} ist jetzt Anna Demir zugewiesen.`);

    const again = await becker2.goto(caseHref ?? "");
    expect(again?.status()).toBe(404);
    await becker2.context().close();

    // a case manager cannot open the queue at all
    const anna = await signedIn(browser, "casemanager");
    const denied = await anna.goto("/warteschlange");
    expect(denied?.status()).toBe(403);
    await anna.context().close();
  });

  test("the team overview links to a case manager's open cases for transfer", async ({ page, login }) => {
    await login(page, "koordination");
    await page.getByRole("link", { name: /^Marta Nowak: offene Fälle/ }).click();
    await expect(page).toHaveURL(/\/warteschlange\?casemanager=[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { level: 3, name: /^Offene Fälle von Marta Nowak \(\d+\)$/ })).toBeVisible();
    await expect(page.getByRole("table", { name: "Offene Fälle von Marta Nowak" })).toBeVisible();
    await expectNoA11yViolations(page, "/warteschlange?casemanager=…");
  });
});

test.describe("target groups", () => {
  test("a new version with a bad date is refused in German and keeps the input; a good one is saved", async ({
    page,
    login,
  }) => {
    await login(page, "koordination");
    await page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Zielgruppen" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Zielgruppen" })).toBeVisible();
    await expect(page.getByRole("table", { name: "Versionen der Zielgruppe UMF" }).getByRole("row")).toHaveCount(2);
    await expectNoA11yViolations(page, "/zielgruppen");

    const section = page.locator("section", { has: page.getByRole("heading", { name: /Unbegleitete minderjährige/ }) });
    await section.getByText("Neue Version für „UMF“ anlegen").click();
    const form = section.locator("form");
    await form.getByLabel("Gültig ab").fill("2020-01-01");
    await form.getByLabel("Höchstalter bei Aufnahme (vollendete Jahre)").fill("20");
    await form.getByRole("checkbox", { name: "Duldung (§ 60a AufenthG)" }).check();
    const refused = postTo(page, "/zielgruppen");
    await form.getByRole("button", { name: "Version 2 speichern" }).click();
    expect((await refused).status()).toBe(400);
    await expect(form.getByText(/„Gültig ab“ darf nicht in der Vergangenheit liegen/)).toBeVisible();
    await expect(form.getByLabel("Gültig ab")).toHaveValue("2020-01-01");
    await expect(form.getByLabel("Gültig ab")).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByLabel("Höchstalter bei Aufnahme (vollendete Jahre)")).toHaveValue("20");
    await expect(form.getByRole("checkbox", { name: "Duldung (§ 60a AufenthG)" })).toBeChecked();
    await expect(form.getByRole("checkbox", { name: /Nur unbegleitet eingereiste/ })).toBeChecked();
    await expectNoA11yViolations(page, "/zielgruppen (error state)");

    const validFrom = isoDayFromToday(30);
    await form.getByLabel("Gültig ab").fill(validFrom);
    const saved = postTo(page, "/zielgruppen");
    await form.getByRole("button", { name: "Version 2 speichern" }).click();
    expect((await saved).status()).toBe(200);
    const [y, m, d] = validFrom.split("-");
    await expect(page.getByRole("status")).toContainText(
      `„Unbegleitete minderjährige Flüchtlinge (UMF)“ (Definition v2) gespeichert; gilt ab ${d}.${m}.${y}.`,
    );
    const versions = page.getByRole("table", { name: "Versionen der Zielgruppe UMF" });
    await expect(versions.getByRole("rowheader", { name: "v2 geplant" })).toBeVisible();
    await expect(versions.getByRole("rowheader", { name: "v1 gilt aktuell" })).toBeVisible();
    await expect(versions.getByText("Bei Aufnahme höchstens 20 Jahre alt (unter 21 Jahren).")).toBeVisible();
    await expectNoA11yViolations(page, "/zielgruppen (saved)");
  });
});

test.describe("partners", () => {
  test("a duplicate name is a German field error; a new partner is created and can be deactivated", async ({
    page,
    login,
  }) => {
    await login(page, "koordination");
    await page.goto("/partner");
    await expect(page.getByRole("heading", { level: 1, name: "Partner" })).toBeVisible();
    await expectNoA11yViolations(page, "/partner");
    await page.getByRole("link", { name: "Neuen Partner anlegen" }).click();
    await page.getByLabel("Name").fill("jugendamt kreis mettmann");
    await page.getByLabel("Art").selectOption({ label: "Beratungsstelle" });
    await page.getByLabel("Ansprechperson").fill("Frau Weber");
    const refused = postTo(page, "/partner/neu");
    await page.getByRole("button", { name: "Partner anlegen" }).click();
    expect((await refused).status()).toBe(400);
    await expect(page.getByText("Ein Partner mit diesem Namen ist bereits erfasst.")).toBeVisible();
    await expect(page.getByLabel("Ansprechperson")).toHaveValue("Frau Weber");
    await expectNoA11yViolations(page, "/partner/neu (error state)");

    const name = `Beratungsstelle Test ${randomBytes(3).toString("hex")}`;
    await page.getByLabel("Name").fill(name);
    await page.getByRole("button", { name: "Partner anlegen" }).click();
    await expect(page).toHaveURL(/\/partner\?ok=angelegt/);
    await expect(page.getByRole("status")).toHaveText(`„${name}“: Der Partner wurde angelegt.`);
    await page.getByRole("link", { name }).click();
    await page.getByRole("button", { name: "Deaktivieren" }).click();
    await expect(page.getByRole("status")).toContainText("Der Partner wurde deaktiviert.");
    await expect(page.getByRole("row", { name: new RegExp(name) })).toContainText("deaktiviert");
  });
});

test.describe("structural findings", () => {
  test("a case manager reports a barrier; koordination marks it for the steering group", async ({ page, login, browser }) => {
    const title = `Keine Termine Botschaft ${randomBytes(3).toString("hex")}`;
    await login(page, "casemanager");
    await page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Strukturelle Hürden" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Strukturelle Hürden" })).toBeVisible();
    await expect(page.getByText(/Bitte keine Daten von Klient\*innen/)).toBeVisible();
    await expectNoA11yViolations(page, "/huerden (case manager)");

    await page.getByLabel("Titel").fill(title);
    await page.getByLabel("Beschreibung").fill("Fall KIM-2026-00012: seit fünf Monaten kein Termin bei der Botschaft.");
    await page.getByLabel("Bedarfsfeld").selectOption({ label: "Aufenthalt/Identität" });
    await page.getByLabel("Zahl der betroffenen Fälle").fill("6");
    const refused = postTo(page, "/huerden");
    await page.getByRole("button", { name: "Hürde melden" }).click();
    expect((await refused).status()).toBe(400);
    await expect(page.getByText("Bitte nennen Sie kein Aktenzeichen")).toBeVisible();
    await expect(page.getByLabel("Titel")).toHaveValue(title);
    await expectNoA11yViolations(page, "/huerden (error state)");

    await page.getByLabel("Beschreibung").fill("Seit fünf Monaten keine Termine bei der Botschaft für die Passbeschaffung.");
    await page.getByRole("button", { name: "Hürde melden" }).click();
    await expect(page.getByRole("status")).toContainText("Ihre Meldung wurde gespeichert");
    const mine = page.getByRole("table", { name: "Meine gemeldeten Hürden" });
    await expect(mine.getByRole("row", { name: new RegExp(title) })).toContainText("gemeldet");

    // the case manager may not change the status, not even by posting directly
    await mine.getByRole("link", { name: title }).click();
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expect(page).toHaveURL(/\/huerden\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("button", { name: "Für die Lenkungsgruppe vormerken" })).toHaveCount(0);
    const direct = await page.request.post(page.url(), {
      form: { intent: "review", fromStatus: "gemeldet", status: "erledigt" },
      headers: { Origin: new URL(test.info().project.use.baseURL ?? "").origin },
    });
    expect(direct.status()).toBe(403);

    const coordinator = await signedIn(browser, "koordination");
    await coordinator.goto("/huerden");
    await expectNoA11yViolations(coordinator, "/huerden (coordinator)");
    await coordinator.getByRole("link", { name: title }).click();
    await expect(coordinator.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expectNoA11yViolations(coordinator, "/huerden/:id");
    await coordinator.getByLabel("Priorität").selectOption({ label: "hoch" });
    await coordinator.getByRole("button", { name: "Status und Priorität speichern" }).click();
    await expect(coordinator.getByRole("status")).toHaveText("Gespeichert. Status: „gemeldet“.");
    await coordinator.getByRole("button", { name: "Für die Lenkungsgruppe vormerken" }).click();
    await expect(coordinator.getByRole("status")).toHaveText("Gespeichert. Status: „für die Lenkungsgruppe vorgemerkt“.");
    await expectNoA11yViolations(coordinator, "/huerden/:id (saved)");
    await coordinator.context().close();

    await page.goto("/huerden");
    await expect(
      page.getByRole("table", { name: "Meine gemeldeten Hürden" }).getByRole("row", { name: new RegExp(title) }),
    ).toContainText("für die Lenkungsgruppe vorgemerkt");
  });
});
