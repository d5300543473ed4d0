// One case of each target group from intake ("Neue Aufnahme") to closure, through the client file in a
// real browser: every step is a form the statechart offers right now. Also: a refused guard (UMF for an
// adult → 422, German reason next to the form, nothing changes) and a stale-version conflict (409, the
// typed input survives, the current state is shown). axe on the client file in several states.
import type { Browser, Page } from "@playwright/test";
import {
  assessAndPlan,
  classify,
  closeCase,
  intake,
  isoDaysAgo,
  openForm,
  optionLabel,
  phase,
  recordContact,
  recordContactByKeyboard,
  referWithConsent,
  submitStep,
  unique,
  yearsAgo,
} from "./case-steps";
import { expect, expectNoA11yViolations, test } from "./fixtures";

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

    await classify(page, /^Unbegleitete minderjährige Flüchtlinge \(UMF\)$/);
    await expect(page.locator(".case-facts")).toContainText("Unbegleitete minderjährige Flüchtlinge (UMF)");
    await expect(page.locator(".case-facts")).not.toContainText("Definition");
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
    await classify(page, /^Geduldete mit Unterstützungsbedarf bei der Identitätsklärung$/);
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
    const timelineBefore = await page.locator("#verlauf ol.timeline li").allInnerTexts();

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
    expect(await page.locator("#verlauf ol.timeline li").allInnerTexts()).toEqual(timelineBefore);
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
    const timelineBefore = await page.locator("#verlauf ol.timeline li").count();
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
    // no notice of an earlier step beside the refusal
    expect(badHtml).not.toContain('role="status"');

    const stale = await post({ rowVersion: String(Number(rowVersion) + 5), minutes: "20" });
    expect(stale.status()).toBe(409);
    const staleHtml = await stale.text();
    expect(staleHtml).toContain("Der Fall wurde inzwischen geändert.");
    expect(staleHtml).toContain("Notiz ohne JavaScript");

    await page.reload();
    await expect(page.locator("#kontakte tbody tr")).toHaveCount(contactsBefore);
    await expect(page.locator("#verlauf ol.timeline li")).toHaveCount(timelineBefore);
  });
});
