// The case managers' daily screens through the browser: the case list (filters, sorting, paging driven by
// the URL, with and without JavaScript), the intake form by keyboard alone (field errors, duplicate
// warning, confirmation), "Heute" with overdue follow-ups; axe on every state.
import { randomInt } from "node:crypto";
import type { Browser, Locator, Page } from "@playwright/test";
import { DEMO_USERS } from "../../db/seed/demo-users";
import { expect, expectNoA11yViolations, login, test } from "./fixtures";

// Whole workflows with several axe scans each: more time than the default 60 s on a busy machine.
test.describe.configure({ timeout: 180_000 });

const CASE_PATH = /\/faelle\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\?t=[0-9a-f]+)?$/;
/** Column positions of the case list (the coordinators' list adds "Casemanager*in" at the end). */
const COL = { aktenzeichen: 0, name: 1, alter: 2, zielgruppe: 3, phase: 4, offen: 5, wiedervorlage: 6, frist: 7, kontakt: 8, cm: 9 };

async function signedIn(browser: Browser, username: string, options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL, ...options });
  const page = await context.newPage();
  await login(page, username);
  return page;
}

function caseRows(page: Page): Locator {
  return page.getByRole("table").locator("tbody tr");
}

async function columnTexts(page: Page, column: number): Promise<string[]> {
  return caseRows(page).evaluateAll(
    (rows, i) => rows.map((r) => (r.querySelectorAll("td")[i]?.textContent ?? "").trim()),
    column,
  );
}

/** "63 Fälle · Seite 1 von 3 · …" → 63 (0 for "Keine Fälle gefunden."). */
async function totalOf(page: Page): Promise<number> {
  const text = (await page.locator("p.caseload-summary").textContent()) ?? "";
  const match = /^([\d.]+) F/.exec(text);
  return match ? Number((match[1] ?? "0").replace(/\./g, "")) : 0;
}

/** Presses Tab until the locator has the focus (keyboard-only navigation, no clicks). */
async function tabTo(page: Page, target: Locator, maxPresses = 60): Promise<void> {
  for (let i = 0; i < maxPresses; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${target.toString()}`);
}

function letters(n: number): string {
  return Array.from({ length: n }, () => "abcdefghijklmnopqrstuvwxyz"[randomInt(26)]).join("");
}

function originHeader() {
  return { Origin: new URL(test.info().project.use.baseURL ?? "").origin };
}

test.describe("case list", () => {
  test("filters by phase, follow-up, target group and closed cases through the form; the URL carries them", async ({
    page,
    login,
  }) => {
    await login(page, "koordination");
    await page.goto("/faelle");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Alle Fälle");
    await expect(page.getByRole("columnheader", { name: "Casemanager*in" })).toBeVisible();
    const openTotal = await totalOf(page);
    expect(openTotal, "demo data has open cases").toBeGreaterThan(25);
    const filters = page.getByRole("search", { name: "Fälle filtern" });

    await filters.getByRole("combobox", { name: "Phase" }).selectOption({ label: "Assessment" });
    await filters.getByRole("button", { name: "Filter anwenden" }).click();
    await expect(page).toHaveURL(/[?&]phase=assessment/);
    await expect.poll(async () => [...new Set(await columnTexts(page, COL.phase))]).toEqual(["Assessment"]);
    await expect(filters.getByRole("combobox", { name: "Phase" })).toHaveValue("assessment");
    await expectNoA11yViolations(page, "/faelle (phase filter)");

    await filters.getByRole("combobox", { name: "Phase" }).selectOption({ label: "Alle Phasen" });
    await filters.getByRole("combobox", { name: "Wiedervorlage" }).selectOption({ label: "überfällig" });
    await filters.getByRole("button", { name: "Filter anwenden" }).click();
    await expect(page).toHaveURL(/[?&]wiedervorlage=ueberfaellig/);
    await expect
      .poll(async () => (await columnTexts(page, COL.wiedervorlage)).map((t) => /^überfällig seit \d\d\.\d\d\.\d{4}$/.test(t)))
      .toContainEqual(true);
    const due = await columnTexts(page, COL.wiedervorlage);
    for (const text of due) expect(text).toMatch(/^überfällig seit \d\d\.\d\d\.\d{4}$/);
    // not by colour alone: the word, a red badge and the row class
    await expect(caseRows(page).first()).toHaveClass(/overdue/);
    await expect(caseRows(page).first().locator(".badge--red")).toHaveText("überfällig");
    await expectNoA11yViolations(page, "/faelle (overdue filter)");

    await filters.getByRole("combobox", { name: "Wiedervorlage" }).selectOption({ label: "alle" });
    await filters.getByRole("combobox", { name: "Zielgruppe" }).selectOption({ label: "UMF" });
    await filters.getByRole("button", { name: "Filter anwenden" }).click();
    await expect(page).toHaveURL(/[?&]zielgruppe=umf/);
    await expect.poll(async () => [...new Set(await columnTexts(page, COL.zielgruppe))]).toEqual(["UMF"]);

    await filters.getByRole("combobox", { name: "Zielgruppe" }).selectOption({ label: "Alle Zielgruppen" });
    await filters.getByRole("combobox", { name: "Kommune" }).selectOption({ label: "Hilden" });
    await filters.getByRole("button", { name: "Filter anwenden" }).click();
    await expect(page).toHaveURL(/[?&]kommune=\d+/);
    await expect.poll(() => totalOf(page)).toBeLessThan(openTotal);

    await page.getByRole("link", { name: "Filter zurücksetzen" }).click();
    await expect(page).toHaveURL(/\/faelle$/);
    await expect(filters.getByRole("combobox", { name: "Kommune" })).toHaveValue("");
    await filters.getByRole("checkbox", { name: "Abgeschlossene Fälle einbeziehen" }).check();
    await filters.getByRole("combobox", { name: "Phase" }).selectOption({ label: "abgeschlossen" });
    await filters.getByRole("button", { name: "Filter anwenden" }).click();
    await expect(page).toHaveURL(/[?&]abgeschlossene=1/);
    await expect.poll(async () => [...new Set(await columnTexts(page, COL.phase))]).toEqual(["abgeschlossen"]);
    await filters.getByRole("combobox", { name: "Phase" }).selectOption({ label: "Alle Phasen" });
    await filters.getByRole("button", { name: "Filter anwenden" }).click();
    await expect.poll(() => totalOf(page)).toBeGreaterThan(openTotal);
  });

  test("sorts with the header buttons, by mouse and by keyboard, with aria-sort and the URL in step", async ({
    page,
    login,
  }) => {
    await login(page, "koordination");
    await page.goto("/faelle");
    const header = page.getByRole("columnheader", { name: "Tage offen" });
    await expect(page.getByRole("columnheader", { name: "Nächste Wiedervorlage" })).toHaveAttribute("aria-sort", "ascending");
    await expect(header).toHaveAttribute("aria-sort", "none");

    await header.getByRole("button", { name: "Tage offen" }).click();
    await expect(page).toHaveURL(/[?&]sortierung=offen(&|$)/);
    await expect(header).toHaveAttribute("aria-sort", "ascending");
    const ascending = (await columnTexts(page, COL.offen)).map(Number);
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));

    await header.getByRole("button", { name: "Tage offen" }).focus();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/[?&]sortierung=offen\.ab/);
    await expect(header).toHaveAttribute("aria-sort", "descending");
    const descending = (await columnTexts(page, COL.offen)).map(Number);
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    expect(descending[0]).toBeGreaterThanOrEqual(ascending.at(-1) ?? 0);
    await expect(page.getByRole("columnheader", { name: "Nächste Wiedervorlage" })).toHaveAttribute("aria-sort", "none");
    await expectNoA11yViolations(page, "/faelle (sorted)");

    // the sort order survives a filter change
    const filters = page.getByRole("search", { name: "Fälle filtern" });
    await filters.getByRole("combobox", { name: "Phase" }).selectOption({ label: "Vermittlung & Monitoring" });
    await filters.getByRole("button", { name: "Filter anwenden" }).click();
    await expect(page).toHaveURL(/sortierung=offen\.ab/);
    await expect(page).toHaveURL(/phase=active/);
  });

  test("pages with 25, 50 or 100 rows and the total count; links and URL agree", async ({ page, login }) => {
    await login(page, "koordination");
    await page.goto("/faelle?abgeschlossene=1");
    const total = await totalOf(page);
    expect(total, "demo data: 400 cases").toBeGreaterThan(100);
    const pages = Math.ceil(total / 25);
    await expect(caseRows(page)).toHaveCount(25);
    await expect(page.getByRole("status").filter({ hasText: "Seite 1 von" })).toContainText(`Seite 1 von ${pages}`);
    const pager = page.getByRole("navigation", { name: "Seiten" });
    await expect(pager.getByRole("link", { name: "Vorherige Seite" })).toHaveCount(0);
    const firstPage = await columnTexts(page, COL.aktenzeichen);

    await pager.getByRole("link", { name: "Nächste Seite" }).click();
    await expect(page).toHaveURL(/[?&]seite=2/);
    await expect(pager).toContainText(`Seite 2 von ${pages}`);
    const secondPage = await columnTexts(page, COL.aktenzeichen);
    expect(secondPage.filter((a) => firstPage.includes(a))).toEqual([]);
    await pager.getByRole("link", { name: "Vorherige Seite" }).click();
    await expect(page).not.toHaveURL(/seite=/);
    await expect.poll(() => columnTexts(page, COL.aktenzeichen)).toEqual(firstPage);

    const filters = page.getByRole("search", { name: "Fälle filtern" });
    await filters.getByRole("combobox", { name: "Fälle pro Seite" }).selectOption("50");
    await filters.getByRole("button", { name: "Filter anwenden" }).click();
    await expect(page).toHaveURL(/[?&]anzahl=50/);
    await expect(caseRows(page)).toHaveCount(50);
    await filters.getByRole("combobox", { name: "Fälle pro Seite" }).selectOption("100");
    await filters.getByRole("button", { name: "Filter anwenden" }).click();
    await expect(caseRows(page)).toHaveCount(100);

    // a page past the end shows the last page
    await page.goto("/faelle?abgeschlossene=1&seite=999");
    await expect(page.getByRole("navigation", { name: "Seiten" })).toContainText(`Seite ${pages} von ${pages}`);
    await expect(caseRows(page)).toHaveCount(total - (pages - 1) * 25);
  });

  test("a deep link restores filters and sort; bad parameters are ignored with a German notice, never an error", async ({
    page,
    login,
  }) => {
    await login(page, "koordination");
    await page.goto("/faelle?phase=intake&sortierung=name.ab&anzahl=50&suche=a");
    const filters = page.getByRole("search", { name: "Fälle filtern" });
    await expect(filters.getByRole("combobox", { name: "Phase" })).toHaveValue("intake");
    await expect(filters.getByRole("combobox", { name: "Fälle pro Seite" })).toHaveValue("50");
    await expect(filters.getByRole("searchbox", { name: "Name oder Aktenzeichen" })).toHaveValue("a");
    await expect(page.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "descending");

    const response = await page.goto("/faelle?sortierung=cases.id%3BDROP&seite=abc&phase=alles&anzahl=7&kommune=x");
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("status").filter({ hasText: "ignoriert" })).toHaveText(
      "Ungültige Angaben in der Adresse wurden ignoriert: Phase, Kommune, Sortierung, Seite, Fälle pro Seite.",
    );
    await expect(page.getByRole("columnheader", { name: "Nächste Wiedervorlage" })).toHaveAttribute("aria-sort", "ascending");
    await expectNoA11yViolations(page, "/faelle (ignored parameters)");
  });

  test("searches by Aktenzeichen or name with Enter; % and _ are plain characters", async ({ page, login }) => {
    await login(page, "casemanager2");
    await page.goto("/faelle");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Meine Fälle");
    await expect(page.getByRole("columnheader", { name: "Casemanager*in" })).toHaveCount(0);
    const [aktenzeichen] = await columnTexts(page, COL.aktenzeichen);
    const [name] = await columnTexts(page, COL.name);
    expect(aktenzeichen).toMatch(/^KIM-\d{4}-\d{5}$/);

    const search = page.getByRole("searchbox", { name: "Name oder Aktenzeichen" });
    await search.fill(aktenzeichen ?? "");
    await search.press("Enter");
    await expect(page).toHaveURL(new RegExp(`suche=${aktenzeichen}`));
    await expect.poll(() => columnTexts(page, COL.aktenzeichen)).toEqual([aktenzeichen]);

    const lastName = (name ?? "").split(",")[0] ?? "";
    await page.getByRole("searchbox", { name: "Name oder Aktenzeichen" }).fill(lastName.toUpperCase());
    await page.getByRole("searchbox", { name: "Name oder Aktenzeichen" }).press("Enter");
    // the Aktenzeichen's row matches the name too: wait for this search's own URL before judging the rows
    await expect.poll(() => new URL(page.url()).searchParams.get("suche")).toBe(lastName.toUpperCase());
    await expect
      .poll(async () => (await columnTexts(page, COL.name)).every((n) => n.toUpperCase().includes(lastName.toUpperCase())))
      .toBe(true);
    expect((await columnTexts(page, COL.name)).length).toBeGreaterThan(0);

    for (const wildcard of ["%", "_"]) {
      await page.getByRole("searchbox", { name: "Name oder Aktenzeichen" }).fill(wildcard);
      await page.getByRole("searchbox", { name: "Name oder Aktenzeichen" }).press("Enter");
      await expect.poll(() => new URL(page.url()).searchParams.get("suche")).toBe(wildcard);
      await expect(page.getByRole("status").filter({ hasText: "Keine Fälle gefunden." })).toBeVisible();
      await expect(page.getByRole("table")).toHaveCount(0);
    }
    await expectNoA11yViolations(page, "/faelle (no result)");
  });

  test("without JavaScript the filter form and the sort buttons still work", async ({ browser }) => {
    const page = await signedIn(browser, "koordination", { javaScriptEnabled: false });
    await page.goto("/faelle");
    const filters = page.getByRole("search", { name: "Fälle filtern" });
    await filters.getByRole("combobox", { name: "Phase" }).selectOption("active");
    await filters.getByRole("button", { name: "Filter anwenden" }).click();
    await expect(page).toHaveURL(/phase=active/);
    expect(new Set(await columnTexts(page, COL.phase))).toEqual(new Set(["Vermittlung & Monitoring"]));
    await page.getByRole("columnheader", { name: "Name" }).getByRole("button").click();
    await expect(page).toHaveURL(/sortierung=name(&|$)/);
    await expect(page).toHaveURL(/phase=active/);
    await expect(page.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "ascending");
    await page.getByRole("columnheader", { name: "Name" }).getByRole("button").click();
    await expect(page).toHaveURL(/sortierung=name\.ab/);
    await page.context().close();
  });

  test("the list's loader data carries no note texts, not even for coordinators", async ({ page, login }) => {
    await login(page, "koordination");
    const response = await page.request.get("/faelle.data?abgeschlossene=1&anzahl=100");
    expect(response.status()).toBe(200);
    const body = await response.text();
    expect(body).toContain("aktenzeichen");
    for (const note of ["Rückmeldung Ausländerbehörde abfragen", "Termin Jobcenter nachhalten", "Unterlagen prüfen", "Gesprächstermin vereinbaren"]) {
      expect(body).not.toContain(note);
    }
  });
});

test.describe("intake", () => {
  /** Fills the intake form by keyboard only, starting from the skip link. Leaves the last name empty when asked. */
  async function fillIntakeByKeyboard(
    page: Page,
    person: { firstName: string; lastName: string | null; birthDate: string; email: string },
  ) {
    await page.goto("/faelle/neu");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Neue Aufnahme");
    await page.keyboard.press("Tab"); // skip link
    await expect(page.getByRole("link", { name: "Zum Inhalt springen" })).toBeFocused();
    await page.keyboard.press("Enter");
    const form = page.locator("form#intake");
    await tabTo(page, form.getByRole("textbox", { name: "Vorname" }));
    await page.keyboard.type(person.firstName);
    await page.keyboard.press("Tab");
    await expect(form.getByRole("textbox", { name: "Nachname" })).toBeFocused();
    if (person.lastName) await page.keyboard.type(person.lastName);
    await page.keyboard.press("Tab");
    await expect(form.getByRole("textbox", { name: "Geburtsdatum", exact: true })).toBeFocused();
    await page.keyboard.type(person.birthDate);
    await page.keyboard.press("Tab");
    await expect(form.getByRole("checkbox", { name: "Geburtsdatum ist geschätzt" })).toBeFocused();
    await tabTo(page, form.getByRole("combobox", { name: "Geschlecht" }));
    await page.keyboard.type("m"); // type-ahead: "männlich"
    await tabTo(page, form.getByRole("textbox", { name: "Staatsangehörigkeit" }));
    await page.keyboard.type("Eritrea");
    await page.keyboard.press("Tab");
    await page.keyboard.type("Tigrinya, Arabisch");
    await page.keyboard.press("Tab");
    await expect(form.getByRole("checkbox", { name: "Dolmetschung erforderlich" })).toBeFocused();
    await page.keyboard.press("Space");
    await page.keyboard.press("Tab");
    await expect(form.getByRole("combobox", { name: "Kommune (Wohnort)" })).toBeFocused();
    await page.keyboard.type("Hilden");
    await page.keyboard.press("Tab");
    await page.keyboard.type("Duldung (");
    await tabTo(page, form.getByRole("textbox", { name: "E-Mail" }));
    await page.keyboard.type(person.email);
    await tabTo(page, form.getByRole("combobox", { name: "Zugangsweg" }));
    await page.keyboard.type("Sozialamt");
    await page.keyboard.press("Tab");
    await expect(form.getByRole("combobox", { name: "Sozialamt der Kommune" })).toBeFocused();
    await page.keyboard.type("Hilden");
    await page.keyboard.press("Tab");
    await expect(form.getByRole("checkbox", { name: "Erhöhter Unterstützungsbedarf dokumentiert" })).toBeFocused();
    await page.keyboard.press("Space");
    await tabTo(page, form.getByRole("button", { name: "Aufnahme anlegen" }));
    return form;
  }

  test("keyboard only: German field errors keep the input; a duplicate is flagged and can be confirmed", async ({
    page,
    login,
  }) => {
    await login(page, "casemanager");
    const family = letters(8);
    const form = await fillIntakeByKeyboard(page, {
      firstName: "Jürgen",
      lastName: null,
      birthDate: "15.03.2001",
      email: "keine-adresse",
    });
    await expectNoA11yViolations(page, "/faelle/neu (filled)");
    await page.keyboard.press("Enter");

    // errors next to the fields, focus on the first one, everything typed still there
    const lastName = form.getByRole("textbox", { name: "Nachname" });
    await expect(form.getByText("Bitte geben Sie den Nachnamen ein.")).toBeVisible();
    await expect(form.getByText("Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de.")).toBeVisible();
    await expect(lastName).toHaveAttribute("aria-invalid", "true");
    await expect(lastName).toBeFocused();
    await expect(form.getByRole("textbox", { name: "Vorname" })).toHaveValue("Jürgen");
    await expect(form.getByRole("textbox", { name: "Geburtsdatum", exact: true })).toHaveValue("15.03.2001");
    await expect(form.getByRole("combobox", { name: "Geschlecht" })).toHaveValue("maennlich");
    await expect(form.getByRole("combobox", { name: "Aufenthaltsstatus" })).toHaveValue("duldung_60a");
    await expect(form.getByRole("combobox", { name: "Zugangsweg" })).toHaveValue("sozialamt");
    await expect(form.getByRole("checkbox", { name: "Dolmetschung erforderlich" })).toBeChecked();
    await expect(form.getByRole("textbox", { name: "E-Mail" })).toHaveValue("keine-adresse");
    await expectNoA11yViolations(page, "/faelle/neu (error state)");

    await page.keyboard.type(`Müller${family}`);
    await tabTo(page, form.getByRole("textbox", { name: "E-Mail" }));
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.type("juergen@example.org");
    await tabTo(page, form.getByRole("button", { name: "Aufnahme anlegen" }));
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(CASE_PATH);
    const firstCase = new URL(page.url()).pathname;

    // the same person again, spelt with ae/ue and first and last name swapped
    const again = await fillIntakeByKeyboard(page, {
      firstName: `Mueller${family}`,
      lastName: "Juergen",
      birthDate: "15.03.2001",
      email: "",
    });
    const answer = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname.startsWith("/faelle/neu"));
    await page.keyboard.press("Enter");
    expect((await answer).status()).toBe(409);
    const warning = page.getByRole("region", { name: "Mögliche Doppelanlage" });
    await expect(warning).toBeFocused();
    await expect(warning.getByRole("cell", { name: `Müller${family}, Jürgen` })).toBeVisible();
    await expect(warning.getByRole("cell", { name: "15.03.2001" })).toBeVisible();
    await expect(warning.getByRole("link", { name: /^KIM-\d{4}-\d{5}/ })).toHaveAttribute("href", firstCase);
    await expect(again.getByRole("textbox", { name: "Vorname" })).toHaveValue(`Mueller${family}`);
    await expectNoA11yViolations(page, "/faelle/neu (duplicate warning)");

    await page.keyboard.press("Tab");
    await expect(warning.getByRole("link")).toBeFocused();
    await tabTo(page, warning.getByRole("button", { name: "Trotzdem anlegen" }));
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(CASE_PATH);
    expect(new URL(page.url()).pathname).not.toBe(firstCase);

    await page.goto(`/faelle?suche=${family}`);
    await expect(caseRows(page)).toHaveCount(2);
    expect(new Set(await columnTexts(page, COL.phase))).toEqual(new Set(["Zugang"]));
  });

  test("another case manager's possible duplicate is announced without any of its data", async ({ page, browser }) => {
    const family = letters(8);
    const other = await signedIn(browser, "casemanager2");
    await other.goto("/faelle/neu");
    const otherForm = other.locator("form#intake");
    await otherForm.getByRole("textbox", { name: "Vorname" }).fill("Selam");
    await otherForm.getByRole("textbox", { name: "Nachname" }).fill(`Tesfay${family}`);
    await otherForm.getByRole("textbox", { name: "Geburtsdatum", exact: true }).fill("01.07.1999");
    await otherForm.getByRole("combobox", { name: "Geschlecht" }).selectOption("weiblich");
    await otherForm.getByRole("combobox", { name: "Kommune (Wohnort)" }).selectOption({ label: "Velbert" });
    await otherForm.getByRole("combobox", { name: "Aufenthaltsstatus" }).selectOption("aufenthaltsgestattung");
    await otherForm.getByRole("combobox", { name: "Zugangsweg" }).selectOption("fluechtlingsberatung");
    await otherForm.getByRole("button", { name: "Aufnahme anlegen" }).click();
    await expect(other).toHaveURL(CASE_PATH);
    await other.context().close();

    await login(page, "casemanager");
    await page.goto("/faelle/neu");
    const form = page.locator("form#intake");
    await form.getByRole("textbox", { name: "Vorname" }).fill(`Tesfay${family}`);
    await form.getByRole("textbox", { name: "Nachname" }).fill("Selam");
    await form.getByRole("textbox", { name: "Geburtsdatum", exact: true }).fill("20.07.1999");
    await form.getByRole("combobox", { name: "Geschlecht" }).selectOption("weiblich");
    await form.getByRole("combobox", { name: "Kommune (Wohnort)" }).selectOption({ label: "Velbert" });
    await form.getByRole("combobox", { name: "Aufenthaltsstatus" }).selectOption("aufenthaltsgestattung");
    await form.getByRole("combobox", { name: "Zugangsweg" }).selectOption("fluechtlingsberatung");
    await form.getByRole("button", { name: "Aufnahme anlegen" }).click();
    const warning = page.getByRole("region", { name: "Mögliche Doppelanlage" });
    await expect(warning).toContainText(
      "Außerdem gibt es einen möglichen Treffer in einem anderen Fall, den Sie nicht einsehen können.",
    );
    await expect(warning.getByRole("table")).toHaveCount(0);
    await expect(warning.getByRole("link")).toHaveCount(0);
    expect(await page.locator("main").innerText()).not.toContain(`Tesfay${family}, Selam`);
    await expectNoA11yViolations(page, "/faelle/neu (hidden duplicate)");
  });

  test("without JavaScript: 400 with German errors and the input kept; duplicates answer 409, confirmation saves", async ({
    page,
    login,
  }) => {
    await login(page, "casemanager2");
    const family = letters(8);
    const bad = await page.request.post("/faelle/neu", {
      form: { firstName: "Erika", lastName: "", email: "kaputt", birthDate: "2999-01-01", gender: "weiblich" },
      headers: originHeader(),
      maxRedirects: 0,
    });
    expect(bad.status()).toBe(400);
    const html = await bad.text();
    for (const message of [
      "Bitte geben Sie den Nachnamen ein.",
      "Das Geburtsdatum darf nicht in der Zukunft liegen.",
      "Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de.",
      "Bitte wählen Sie die Kommune.",
      "Bitte wählen Sie den Aufenthaltsstatus.",
      "Bitte wählen Sie den Zugangsweg.",
    ]) {
      expect(html).toContain(message);
    }
    expect(html).toMatch(/<input[^>]*value="Erika"/);
    expect(html).toMatch(/<input[^>]*value="kaputt"/);

    const municipality = await page.goto("/faelle/neu").then(() =>
      page.getByRole("combobox", { name: "Kommune (Wohnort)" }).locator("option", { hasText: "Mettmann" }).getAttribute("value"),
    );
    const person = {
      firstName: "Dawit",
      lastName: `Haile${family}`,
      birthDate: "1988-11-30",
      gender: "maennlich",
      municipalityId: municipality ?? "",
      residenceStatus: "duldung_60b",
      referralSource: "auslaenderamt",
    };
    const first = await page.request.post("/faelle/neu", { form: person, headers: originHeader(), maxRedirects: 0 });
    expect(first.status()).toBe(302);
    expect(first.headers().location).toMatch(CASE_PATH);

    const duplicate = await page.request.post("/faelle/neu", {
      form: { ...person, lastName: `HAILE${family}`, birthDate: "1988-12-03" },
      headers: originHeader(),
      maxRedirects: 0,
    });
    expect(duplicate.status()).toBe(409);
    const warningHtml = await duplicate.text();
    expect(warningHtml).toContain("Mögliche Doppelanlage");
    const fingerprint = /name="confirmDuplicates" value="([0-9a-f]{32})"/.exec(warningHtml)?.[1];
    expect(fingerprint).toBeDefined();

    const confirmed = await page.request.post("/faelle/neu", {
      form: { ...person, lastName: `HAILE${family}`, birthDate: "1988-12-03", confirmDuplicates: fingerprint ?? "" },
      headers: originHeader(),
      maxRedirects: 0,
    });
    expect(confirmed.status()).toBe(302);
    expect(confirmed.headers().location).toMatch(CASE_PATH);
    expect(confirmed.headers().location).not.toBe(first.headers().location);
  });

  test("coordinators may choose a case manager or leave the intake unassigned; the empty form has no axe violations", async ({
    page,
    login,
    browser,
  }) => {
    await login(page, "koordination");
    await page.goto("/faelle/neu");
    const caseManager = page.getByRole("combobox", { name: "Casemanager*in" });
    await expect(caseManager.locator("option").first()).toHaveText("Noch nicht zuweisen (Warteschlange)");
    await expect(caseManager.locator("option", { hasText: "Anna Demir" })).toHaveCount(1);
    await expectNoA11yViolations(page, "/faelle/neu (empty, coordinator)");

    const cm = await signedIn(browser, "casemanager");
    await cm.goto("/faelle/neu");
    await expect(cm.getByRole("combobox", { name: "Casemanager*in" })).toHaveCount(0);
    await expectNoA11yViolations(cm, "/faelle/neu (empty)");
    await cm.context().close();
  });
});

test.describe("Heute", () => {
  test("shows a case manager's overdue follow-ups, and one is marked done by keyboard", async ({ page, login, browser }) => {
    // Find a case manager with an overdue follow-up through the coordinators' list.
    await login(page, "koordination");
    await page.goto("/faelle?wiedervorlage=ueberfaellig&anzahl=100");
    const managers = await columnTexts(page, COL.cm);
    const aktenzeichen = await columnTexts(page, COL.aktenzeichen);
    const index = managers.findIndex((name) => DEMO_USERS.some((u) => u.displayName === name));
    expect(index, "demo data: an overdue follow-up of a demo case manager").toBeGreaterThanOrEqual(0);
    const user = DEMO_USERS.find((u) => u.displayName === managers[index]);
    const caseNumber = aktenzeichen[index] ?? "";

    const cm = await signedIn(browser, user?.username ?? "");
    await cm.goto("/heute");
    await expect(cm.getByRole("heading", { level: 1 })).toHaveText("Heute");
    const overdue = cm.getByRole("region", { name: /^Überfällig \(\d+\)$/ });
    const row = overdue.getByRole("row").filter({ has: cm.getByRole("link", { name: caseNumber }) });
    await expect(row).toHaveCount(1);
    await expect(row).toHaveClass(/overdue/);
    await expect(row.locator(".badge--red")).toHaveText("überfällig");
    expect(Number(await row.getByRole("cell").nth(1).textContent())).toBeGreaterThan(0);
    await expectNoA11yViolations(cm, "/heute");

    const button = row.getByRole("button", { name: /^Erledigt/ });
    await expect(button).toHaveAccessibleName(new RegExp(`^Erledigt.*Wiedervorlage ${caseNumber} vom \\d\\d\\.\\d\\d\\.\\d{4}$`));
    await button.focus();
    await cm.keyboard.press("Enter");
    await expect(cm.getByRole("status")).toHaveText(`Die Wiedervorlage zu ${caseNumber} ist als erledigt markiert.`);
    await expect(cm.getByRole("row").filter({ has: cm.getByRole("link", { name: caseNumber }) })).toHaveCount(0);
    await expectNoA11yViolations(cm, "/heute (after marking done)");

    const missing = await cm.request.post("/heute", {
      form: { intent: "erledigt", followUpId: "00000000-0000-4000-8000-000000000000" },
      headers: originHeader(),
      maxRedirects: 0,
    });
    expect(missing.status()).toBe(404);
    const malformed = await cm.request.post("/heute", {
      form: { intent: "loeschen", followUpId: "x" },
      headers: originHeader(),
      maxRedirects: 0,
    });
    expect(malformed.status()).toBe(400);
    await cm.context().close();
  });

  test("coordinators have no Heute page", async ({ page, login }) => {
    await login(page, "koordination");
    const response = await page.goto("/heute");
    expect(response?.status()).toBe(403);
  });
});
