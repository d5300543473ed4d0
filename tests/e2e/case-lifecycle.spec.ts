// One case of each target group from intake ("Neue Aufnahme") to closure, through the client file in a
// real browser: every step is a form the statechart offers right now. Also: a refused guard (UMF for an
// adult → 422, German reason next to the form, nothing changes) and a stale-version conflict (409, the
// typed input survives, the current state is shown). axe on the client file in several states.
import { randomBytes } from "node:crypto";
import type { Browser, Locator, Page } from "@playwright/test";
import { expect, expectNoA11yViolations, test } from "./fixtures";

const CASE_URL = /\/faelle\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(\?.*)?$/;

function unique(name: string) {
  return `${name}-${randomBytes(3).toString("hex")}`;
}

function isoDaysAgo(days: number) {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

function yearsAgo(years: number) {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() - 40);
  return d.toISOString().slice(0, 10);
}

interface Person {
  firstName: string;
  lastName: string;
  birthDate: string;
  birthDateEstimated?: boolean;
  gender: string;
  residenceStatus: string;
  unaccompanied?: boolean;
  referralSource: string;
  sozialamtOf?: string;
  increasedNeed?: boolean;
}

/** "Neue Aufnahme": fills the intake form and lands on the new client file. Returns its path. */
async function intake(page: Page, person: Person): Promise<string> {
  await page.goto("/faelle/neu");
  await expect(page.getByRole("heading", { level: 1, name: "Neue Aufnahme" })).toBeVisible();
  const form = page.locator("form.intake-form");
  await form.getByRole("textbox", { name: "Vorname" }).fill(person.firstName);
  await form.getByRole("textbox", { name: "Nachname" }).fill(person.lastName);
  await form.getByLabel("Geburtsdatum", { exact: true }).fill(person.birthDate);
  if (person.birthDateEstimated) await form.getByRole("checkbox", { name: "Geburtsdatum ist geschätzt" }).check();
  await form.getByRole("combobox", { name: "Geschlecht" }).selectOption({ label: person.gender });
  await form.getByRole("combobox", { name: "Kommune (Wohnort)" }).selectOption({ label: "Mettmann" });
  await form.getByRole("combobox", { name: "Aufenthaltsstatus" }).selectOption({ label: person.residenceStatus });
  if (person.unaccompanied) await form.getByRole("checkbox", { name: "Unbegleitet eingereist (ohne Eltern)" }).check();
  await form.getByRole("combobox", { name: "Zugangsweg" }).selectOption({ label: person.referralSource });
  if (person.sozialamtOf) {
    await form.getByRole("combobox", { name: "Sozialamt der Kommune" }).selectOption({ label: person.sozialamtOf });
  }
  if (person.increasedNeed) {
    await form.getByRole("checkbox", { name: "Erhöhter Unterstützungsbedarf dokumentiert" }).check();
  }
  await form.getByRole("button", { name: "Aufnahme anlegen" }).click();
  // The intake may warn about a similar person (demo data or earlier runs): this one is new.
  const duplicate = page.getByRole("button", { name: "Trotzdem anlegen" });
  await expect(duplicate.or(page.getByTestId("case-phase"))).toBeVisible();
  if (await duplicate.isVisible()) await duplicate.click();
  await page.waitForURL(CASE_URL);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${person.lastName}, ${person.firstName}`);
  await expect(phase(page)).toHaveText("Zugang");
  return new URL(page.url()).pathname;
}

function phase(page: Page): Locator {
  return page.getByTestId("case-phase");
}

/** Opens the disclosure (<details>) with this summary text, by keyboard, and returns the form inside. */
async function openForm(page: Page, summary: string, formName = summary): Promise<Locator> {
  const toggle = page.locator("summary").filter({ hasText: new RegExp(`^${escape(summary)}`) }).first();
  await toggle.focus();
  await page.keyboard.press("Enter");
  const form = page.getByRole("form", { name: formName });
  await expect(form).toBeVisible();
  return form;
}

function escape(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Submits with the given button and waits for the redirect back to the client file with its confirmation. */
async function submitStep(page: Page, scope: Locator, button: string, confirmation: string) {
  const before = new URL(page.url()).searchParams.get("t");
  await scope.getByRole("button", { name: button, exact: true }).click();
  await page.waitForURL((url) => CASE_URL.test(url.pathname) && url.searchParams.get("t") !== before);
  await expect(page.getByRole("status").filter({ hasText: confirmation })).toHaveText(confirmation);
}

/** A step without input: its own small form with one button. */
async function pressStep(page: Page, label: string, confirmation: string) {
  await submitStep(page, page.getByRole("form", { name: label }), label, confirmation);
}

async function recordContact(page: Page, minutes: string, note?: string) {
  const form = await openForm(page, "Kontakt dokumentieren");
  await form.getByRole("combobox", { name: "Art des Kontakts" }).selectOption({ label: "persönlich" });
  await form.getByRole("spinbutton", { name: "Dauer in Minuten" }).fill(minutes);
  if (note) await form.getByRole("textbox", { name: "Notiz" }).fill(note);
  await submitStep(page, form, "Kontakt speichern", "Kontakt dokumentiert.");
}

/** The same step with the keyboard alone: open, move through the fields with Tab, submit with Enter. */
async function recordContactByKeyboard(page: Page, minutes: string, note: string) {
  const form = await openForm(page, "Kontakt dokumentieren");
  const before = new URL(page.url()).searchParams.get("t");
  await page.keyboard.press("Tab");
  await expect(form.getByRole("combobox", { name: "Art des Kontakts" })).toBeFocused();
  await page.keyboard.type("pers");
  await page.keyboard.press("Tab");
  await expect(form.getByRole("spinbutton", { name: "Dauer in Minuten" })).toBeFocused();
  await page.keyboard.type(minutes);
  await page.keyboard.press("Tab");
  await expect(form.getByRole("checkbox", { name: "mit Dolmetscher*in" })).toBeFocused();
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  await page.keyboard.type(note);
  await page.keyboard.press("Tab");
  await expect(form.getByRole("button", { name: "Kontakt speichern" })).toBeFocused();
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => CASE_URL.test(url.pathname) && url.searchParams.get("t") !== before);
  await expect(page.getByRole("status")).toHaveText("Kontakt dokumentiert.");
  await expect(page.locator("#kontakte").getByRole("row", { name: new RegExp(escape(note)) })).toContainText("persönlich");
  await expect(page.locator("#kontakte").getByRole("row", { name: new RegExp(escape(note)) })).toContainText(minutes);
}

async function classify(page: Page, targetGroupLabel: RegExp) {
  const form = await openForm(page, "Zielgruppe zuordnen");
  await form.getByRole("combobox", { name: "Zielgruppe" }).selectOption({ label: await optionLabel(form, "Zielgruppe", targetGroupLabel) });
  await submitStep(page, form, "Zielgruppe zuordnen", "Zielgruppe zugeordnet.");
  await expect(phase(page)).toHaveText("Assessment");
}

async function optionLabel(form: Locator, select: string, pattern: RegExp): Promise<string> {
  const labels = await form.getByRole("combobox", { name: select }).locator("option").allTextContents();
  const found = labels.find((l) => pattern.test(l));
  if (!found) throw new Error(`no option ${pattern} in ${select}: ${labels.join(" | ")}`);
  return found;
}

async function assessAndPlan(page: Page, domain: string, goalTitle: string) {
  const assessment = await openForm(page, "Bedarf einschätzen");
  await assessment.getByRole("combobox", { name: "Bedarfsfeld" }).selectOption({ label: domain });
  await assessment.getByRole("combobox", { name: "Bedarf", exact: true }).selectOption({ label: "hoher Bedarf" });
  await submitStep(page, assessment, "Einschätzung speichern", "Bedarf eingeschätzt.");
  await expect(page.getByRole("row", { name: new RegExp(`^${escape(domain)} hoher Bedarf`) })).toBeVisible();

  await pressStep(page, "Assessment abschließen", "Assessment abgeschlossen.");
  await expect(phase(page)).toHaveText("Hilfeplanung");

  const goal = await openForm(page, "Ziel vereinbaren");
  await goal.getByRole("textbox", { name: "Ziel", exact: true }).fill(goalTitle);
  await goal.getByRole("combobox", { name: "Bedarfsfeld" }).selectOption({ label: domain });
  await goal.getByLabel("Zieldatum").fill(isoDaysAgo(-90));
  await submitStep(page, goal, "Ziel vereinbaren", "Ziel vereinbart.");
  await expect(page.locator("#ziele").getByRole("row", { name: new RegExp(escape(goalTitle)) })).toContainText("vereinbart");

  await pressStep(page, "Hilfeplan umsetzen", "Der Hilfeplan wird umgesetzt.");
  await expect(phase(page)).toHaveText("Vermittlung & Monitoring");
}

/** Consent for the partner, a planned referral to it, then sending it with data shared. */
async function referWithConsent(page: Page, partner: string, domain: string) {
  const consent = await openForm(page, "Einwilligung erfassen");
  await consent.getByRole("combobox", { name: "Partner (Empfänger der Daten)" }).selectOption({ label: partner });
  await consent.getByRole("textbox", { name: "Umfang" }).fill("Kontaktdaten und Anliegen");
  await consent.getByRole("combobox", { name: "Erteilt von" }).selectOption({ index: 1 });
  await submitStep(page, consent, "Einwilligung speichern", "Einwilligung erfasst.");
  const consents = page.locator("#einwilligungen");
  await expect(consents.getByRole("row", { name: new RegExp(escape(partner)) })).toContainText("gültig");

  const plan = await openForm(page, "Vermittlung planen");
  await plan.getByRole("combobox", { name: "Partner" }).selectOption({ label: partner });
  await plan.getByRole("combobox", { name: "Bedarfsfeld" }).selectOption({ label: domain });
  await plan.getByRole("combobox", { name: "Zu Ziel" }).selectOption({ index: 1 });
  await submitStep(page, plan, "Vermittlung planen", "Vermittlung geplant.");
  const row = page.locator("#vermittlungen").getByRole("row", { name: new RegExp(escape(partner)) });
  await expect(row).toContainText("geplant");

  const send = await openForm(page, "Vermitteln", `Vermitteln (${partner})`);
  await expect(send.getByRole("checkbox", { name: "Personenbezogene Daten werden an den Partner weitergegeben" })).toBeChecked();
  await submitStep(page, send, `Vermitteln – geplant: ${partner}`, "Vermittlung versendet.");
  await expect(row).toContainText("vermittelt");
  await expect(row).toContainText("mit Einwilligung");
}

/** Begin closure, evaluate the one goal, close with a reason. */
async function closeCase(page: Page, goalTitle: string) {
  await pressStep(page, "Abschluss einleiten", "Abschluss eingeleitet.");
  await expect(phase(page)).toHaveText("Evaluation & Abschluss");

  const evaluate = await openForm(page, "Ziel bewerten");
  await evaluate.getByRole("combobox", { name: "Ziel", exact: true }).selectOption({ label: `${goalTitle} (vereinbart)` });
  await evaluate.getByRole("combobox", { name: "Bewertung" }).selectOption({ label: "erreicht" });
  await submitStep(page, evaluate, "Bewertung speichern", "Ziel bewertet.");
  await expect(page.locator("#ziele").getByRole("row", { name: new RegExp(escape(goalTitle)) })).toContainText("erreicht");

  const close = await openForm(page, "Fall abschließen");
  const reasons = await close.getByRole("combobox", { name: "Abschlussgrund" }).locator("option").allTextContents();
  expect(reasons).not.toContain("nicht zuständig");
  await close.getByRole("combobox", { name: "Abschlussgrund" }).selectOption({ label: "Ziele erreicht" });
  await submitStep(page, close, "Fall abschließen", "Fall abgeschlossen.");
  await expect(phase(page)).toHaveText("abgeschlossen");
  await expect(page.getByRole("note").filter({ hasText: "Der Fall ist abgeschlossen" })).toContainText("Ziele erreicht");
  await expect(page.locator("ol.stepper li[aria-current='step']")).toContainText("abgeschlossen");
  // A closed case offers only what the statechart allows now (reopening within the period).
  await expect(page.locator("#naechste-schritte summary")).toHaveText(["Fall wiedereröffnen"]);
  await expect(page.locator("#verlauf li").first()).toContainText("Fall abschließen");
}

test.describe("client file: one case of each target group from intake to closure", () => {
  test.setTimeout(240_000);

  test("UMF: estimated birth date, unaccompanied, referred to the JMD with the guardian's consent", async ({ page, login }) => {
    await login(page, "casemanager");
    const lastName = unique("Umf");
    await intake(page, {
      firstName: "Yonas",
      lastName,
      birthDate: yearsAgo(16),
      birthDateEstimated: true,
      gender: "männlich",
      residenceStatus: "Aufenthaltsgestattung",
      unaccompanied: true,
      referralSource: "Jugendamt",
    });
    await expect(page.getByRole("status")).toContainText("Die Aufnahme wurde angelegt.");
    await expect(page.locator(".case-facts")).toContainText("16 Jahre (geschätzt)");
    await expect(page.locator("ol.stepper li[aria-current='step']")).toContainText("Zugang");
    await expectNoA11yViolations(page, "client file in intake");

    await recordContactByKeyboard(page, "45", "Erstgespräch mit Vormund");
    await expect(phase(page)).toHaveText("Klärung & Zielgruppenzuordnung");
    await expect(page.locator("#kontakte")).toContainText("Erstgespräch mit Vormund");

    await classify(page, /^Unbegleitete minderjährige Flüchtlinge \(UMF\) \(Definition v\d+\)$/);
    await expect(page.locator(".case-facts")).toContainText(/Unbegleitete minderjährige Flüchtlinge \(UMF\)\s*\(Definition v\d+\)/);
    await assessAndPlan(page, "Bildung/Schule", "Schulplatz in Internationaler Förderklasse");
    await referWithConsent(page, "Jugendmigrationsdienst (JMD) Velbert", "Bildung/Schule");
    await expectNoA11yViolations(page, "client file in active work");
    await closeCase(page, "Schulplatz in Internationaler Förderklasse");
    await expectNoA11yViolations(page, "closed client file");
  });

  test("Geduldete: identity clarification steps, referral to the Ausländerbehörde", async ({ page, login }) => {
    await login(page, "casemanager");
    const lastName = unique("Geduldet");
    await intake(page, {
      firstName: "Ibrahima",
      lastName,
      birthDate: yearsAgo(29),
      gender: "männlich",
      residenceStatus: "Duldung (§ 60a AufenthG)",
      referralSource: "Ausländeramt",
    });
    await recordContact(page, "60");
    await classify(page, /^Geduldete mit Unterstützungsbedarf bei der Identitätsklärung \(Definition v\d+\)$/);
    await assessAndPlan(page, "Aufenthalt/Identität", "Pass bei der Botschaft beantragen");

    const step = await openForm(page, "Schritt zur Identitätsklärung dokumentieren");
    await step.getByRole("combobox", { name: "Schritt" }).selectOption({ label: "Pass beantragt" });
    await step.getByLabel("Datum").fill(isoDaysAgo(2));
    await step.getByRole("textbox", { name: "Notiz" }).fill("Termin bei der Botschaft in Berlin");
    await submitStep(page, step, "Schritt speichern", "Schritt zur Identitätsklärung dokumentiert.");
    await expect(page.locator("#identitaetsklaerung")).toContainText("Pass beantragt");
    await expect(page.locator("#identitaetsklaerung")).toContainText("Termin bei der Botschaft in Berlin");

    await referWithConsent(page, "Ausländerbehörde Kreis Mettmann", "Aufenthalt/Identität");
    await closeCase(page, "Pass bei der Botschaft beantragen");
  });

  test("Neuzugewanderte: a refused UMF classification first (422, nothing changes), then the right group", async ({
    page,
    login,
  }) => {
    await login(page, "casemanager");
    const lastName = unique("Neu");
    const path = await intake(page, {
      firstName: "Olena",
      lastName,
      birthDate: yearsAgo(31),
      gender: "weiblich",
      residenceStatus: "Aufenthaltserlaubnis § 24 AufenthG (vorübergehender Schutz)",
      referralSource: "Sozialamt",
      sozialamtOf: "Mettmann",
      increasedNeed: true,
    });
    await recordContact(page, "30");
    const timelineBefore = await page.locator("#verlauf li").allInnerTexts();

    // The refused guard: UMF for an adult.
    const form = await openForm(page, "Zielgruppe zuordnen");
    const umf = await optionLabel(form, "Zielgruppe", /^Unbegleitete minderjährige/);
    await form.getByRole("combobox", { name: "Zielgruppe" }).selectOption({ label: umf });
    const answer = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname.startsWith(path));
    await form.getByRole("button", { name: "Zielgruppe zuordnen" }).click();
    expect((await answer).status()).toBe(422);
    const alert = form.getByRole("alert");
    await expect(alert).toContainText("sind nicht erfüllt");
    await expect(alert).toContainText("Die Person war bei Aufnahme nicht unter 18 Jahre alt (31 Jahre).");
    await expect(form).toHaveAttribute("aria-describedby", (await alert.getAttribute("id")) ?? "missing-id");
    await expect(form.getByRole("combobox", { name: "Zielgruppe" })).toHaveValue("umf");
    await expect(phase(page)).toHaveText("Klärung & Zielgruppenzuordnung");
    await expect(page.locator(".case-facts")).toContainText("noch nicht zugeordnet");
    expect(await page.locator("#verlauf li").allInnerTexts()).toEqual(timelineBefore);
    await expectNoA11yViolations(page, "client file after a refused classification (422)");

    // The right group, from the same form.
    const neu = await optionLabel(form, "Zielgruppe", /^Neuzugewanderte mit erhöhtem Unterstützungsbedarf/);
    await form.getByRole("combobox", { name: "Zielgruppe" }).selectOption({ label: neu });
    await submitStep(page, form, "Zielgruppe zuordnen", "Zielgruppe zugeordnet.");
    await expect(phase(page)).toHaveText("Assessment");
    await assessAndPlan(page, "Sprache", "Integrationskurs B1 abschließen");
    await referWithConsent(page, "VHS Integrationskurse Langenfeld", "Sprache");
    await closeCase(page, "Integrationskurs B1 abschließen");
  });
});

async function signedInPage(browser: Browser, login: (page: Page, username: string) => Promise<void>, username: string) {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const page = await context.newPage();
  await login(page, username);
  return { context, page };
}

test.describe("client file: concurrent edits", () => {
  test.setTimeout(120_000);

  test("a stale version answers 409; the typed input survives, the current state is shown, a deliberate resubmit works", async ({
    page,
    login,
    browser,
  }) => {
    await login(page, "casemanager");
    const path = await intake(page, {
      firstName: "Samir",
      lastName: unique("Konflikt"),
      birthDate: yearsAgo(40),
      gender: "männlich",
      residenceStatus: "Duldung (§ 60a AufenthG)",
      referralSource: "Flüchtlingsberatung",
    });

    // A second browser (the deputy's view would be the same; here the same user in another window).
    const other = await signedInPage(browser, login, "casemanager");
    await other.page.goto(path);
    const stale = await openForm(other.page, "Kontakt dokumentieren");
    await stale.getByRole("combobox", { name: "Art des Kontakts" }).selectOption({ label: "telefonisch" });
    await stale.getByRole("spinbutton", { name: "Dauer in Minuten" }).fill("25");
    await stale.getByRole("textbox", { name: "Notiz" }).fill("Rückruf wegen Terminen – aus dem zweiten Fenster");

    // Meanwhile the first window moves the case on.
    await recordContact(page, "50", "Erstgespräch");
    await expect(phase(page)).toHaveText("Klärung & Zielgruppenzuordnung");

    const answer = other.page.waitForResponse(
      (r) => r.request().method() === "POST" && new URL(r.url()).pathname.startsWith(path),
    );
    await stale.getByRole("button", { name: "Kontakt speichern" }).click();
    expect((await answer).status()).toBe(409);
    await expect(stale.getByRole("alert")).toContainText("Der Fall wurde inzwischen geändert.");
    await expect(stale.getByRole("alert")).toContainText("Ihre Eingaben sind erhalten geblieben.");
    await expect(stale).toContainText("Aktueller Stand: Phase „Klärung & Zielgruppenzuordnung“.");
    // what was typed is still there
    await expect(stale.getByRole("combobox", { name: "Art des Kontakts" })).toHaveValue("telefonisch");
    await expect(stale.getByRole("spinbutton", { name: "Dauer in Minuten" })).toHaveValue("25");
    await expect(stale.getByRole("textbox", { name: "Notiz" })).toHaveValue("Rückruf wegen Terminen – aus dem zweiten Fenster");
    // and the page shows the case as it is now
    await expect(phase(other.page)).toHaveText("Klärung & Zielgruppenzuordnung");
    await expect(other.page.locator("#kontakte")).toContainText("Erstgespräch");
    await expect(other.page.locator("#kontakte")).not.toContainText("aus dem zweiten Fenster");
    await expectNoA11yViolations(other.page, "client file after a stale-version conflict (409)");

    // Submitting again, deliberately, records it on top of the current version.
    await submitStep(other.page, stale, "Kontakt speichern", "Kontakt dokumentiert.");
    await expect(other.page.locator("#kontakte")).toContainText("aus dem zweiten Fenster");
    await expect(other.page.locator("#kontakte")).toContainText("Erstgespräch");
    await expect(phase(other.page)).toHaveText("Klärung & Zielgruppenzuordnung");
    await other.context.close();
  });
});

test.describe("client file without JavaScript", () => {
  test("bad input answers 400 with the German field error, a stale version 409; the typed note stays, nothing is written", async ({
    page,
    login,
  }) => {
    await login(page, "casemanager");
    await page.goto("/faelle");
    const path = (await page.locator("main a[href^='/faelle/']").evaluateAll((links) =>
      links.map((a) => a.getAttribute("href") ?? "").find((h) => /^\/faelle\/[0-9a-f-]{36}$/.test(h)),
    )) as string | undefined;
    expect(path, "casemanager has an open case in the demo data").toBeDefined();
    await page.goto(path ?? "");
    const rowVersion = await page.locator("form[aria-label='Kontakt dokumentieren'] input[name='rowVersion']").inputValue();
    const contactsBefore = await page.locator("#kontakte tbody tr").count();
    const timelineBefore = await page.locator("#verlauf li").count();
    const post = (fields: Record<string, string>) =>
      page.request.post(path ?? "", {
        form: { intent: "RECORD_CONTACT", contactType: "persoenlich", note: "Notiz ohne JavaScript", ...fields },
        headers: { Origin: new URL(page.url()).origin },
        maxRedirects: 0,
      });

    const bad = await post({ rowVersion, minutes: "0" });
    expect(bad.status()).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain("Die Dauer muss zwischen 1 und 1440 Minuten liegen.");
    expect(badHtml).toContain("Notiz ohne JavaScript");
    expect(badHtml).toMatch(/<details[^>]*open/);

    const stale = await post({ rowVersion: String(Number(rowVersion) + 5), minutes: "20" });
    expect(stale.status()).toBe(409);
    const staleHtml = await stale.text();
    expect(staleHtml).toContain("Der Fall wurde inzwischen geändert.");
    expect(staleHtml).toContain("Notiz ohne JavaScript");

    await page.reload();
    await expect(page.locator("#kontakte tbody tr")).toHaveCount(contactsBefore);
    await expect(page.locator("#verlauf li")).toHaveCount(timelineBefore);
  });
});
