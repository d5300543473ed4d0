// Steps through the client file in the browser, shared by the case specs: intake, the statechart's
// forms (everyday steps open on the page, rare ones behind "Weitere Schritte"), referrals with consent.
import { randomBytes } from "node:crypto";
import type { Locator, Page } from "@playwright/test";
import { expect } from "./fixtures";

export const CASE_URL = /\/faelle\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(\?.*)?$/;

export function unique(name: string) {
  return `${name}-${randomBytes(3).toString("hex")}`;
}

export function isoDaysAgo(days: number) {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

export function yearsAgo(years: number) {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() - 40);
  return d.toISOString().slice(0, 10);
}

export interface Person {
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
export async function intake(page: Page, person: Person): Promise<string> {
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

export function phase(page: Page): Locator {
  return page.getByTestId("case-phase");
}

/** Opens the disclosure (<details>) with this summary text, by keyboard, and returns the form inside. */
export async function openForm(page: Page, summary: string, formName = summary): Promise<Locator> {
  const form = page.getByRole("form", { name: formName });
  // An everyday step of the phase is open on the page already.
  if (await form.isVisible()) return form;
  const toggle = page.locator("summary").filter({ hasText: new RegExp(`^${escape(summary)}`) }).first();
  // A rare step sits behind "Weitere Schritte": open that first, by keyboard too.
  const more = page.locator("details.more-steps");
  if (!(await toggle.isVisible()) && (await more.count()) > 0 && !(await more.evaluate((d) => (d as HTMLDetailsElement).open))) {
    await more.locator(":scope > summary").focus();
    await page.keyboard.press("Enter");
  }
  await toggle.focus();
  await page.keyboard.press("Enter");
  await expect(form).toBeVisible();
  return form;
}

export function escape(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Submits with the given button and waits for the redirect back to the client file with its confirmation. */
export async function submitStep(page: Page, scope: Locator, button: string, confirmation: string) {
  const before = new URL(page.url()).searchParams.get("t");
  await scope.getByRole("button", { name: button, exact: true }).click();
  await page.waitForURL((url) => CASE_URL.test(url.pathname) && url.searchParams.get("t") !== before);
  await expect(page.getByRole("status").filter({ hasText: confirmation })).toHaveText(confirmation);
}

/** A step without input: its own small form with one button. */
export async function pressStep(page: Page, label: string, confirmation: string) {
  await submitStep(page, page.getByRole("form", { name: label }), label, confirmation);
}

export async function recordContact(page: Page, minutes: string, note?: string) {
  const form = await openForm(page, "Kontakt dokumentieren");
  await form.getByRole("combobox", { name: "Art des Kontakts" }).selectOption({ label: "persönlich" });
  await form.getByRole("spinbutton", { name: "Dauer in Minuten" }).fill(minutes);
  if (note) await form.getByRole("textbox", { name: "Notiz" }).fill(note);
  await submitStep(page, form, "Kontakt speichern", "Kontakt dokumentiert.");
}

/** The same step with the keyboard alone: open, move through the fields with Tab, submit with Enter. */
export async function recordContactByKeyboard(page: Page, minutes: string, note: string) {
  const form = await openForm(page, "Kontakt dokumentieren");
  const before = new URL(page.url()).searchParams.get("t");
  // The everyday form is open on the page: start at its first field, then only the keyboard.
  await form.getByRole("combobox", { name: "Art des Kontakts" }).focus();
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

export async function classify(page: Page, targetGroupLabel: RegExp) {
  const form = await openForm(page, "Zielgruppe zuordnen");
  await form.getByRole("combobox", { name: "Zielgruppe" }).selectOption({ label: await optionLabel(form, "Zielgruppe", targetGroupLabel) });
  await submitStep(page, form, "Zielgruppe zuordnen", "Zielgruppe zugeordnet.");
  await expect(phase(page)).toHaveText("Assessment");
}

export async function optionLabel(form: Locator, select: string, pattern: RegExp): Promise<string> {
  const labels = await form.getByRole("combobox", { name: select }).locator("option").allTextContents();
  const found = labels.find((l) => pattern.test(l));
  if (!found) throw new Error(`no option ${pattern} in ${select}: ${labels.join(" | ")}`);
  return found;
}

export async function assessAndPlan(page: Page, domain: string, goalTitle: string) {
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
export async function referWithConsent(page: Page, partner: string, domain: string) {
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
export async function closeCase(page: Page, goalTitle: string) {
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
  await expect(page.locator("#naechste-schritte form")).toHaveCount(1);
  await expect(page.getByRole("form", { name: "Fall wiedereröffnen" })).toBeVisible();
  await expect(page.locator("#verlauf ol.timeline li").first()).toContainText("Fall abgeschlossen");
}

