// Documents for the client through the browser: a case manager prints the consent for the
// Ausländerbehörde in Arabic (right-to-left) and records it as signed, then the information sheet in
// Ukrainian; both print layouts are checked under print media for both languages and attached as
// screenshots. A coordinator's template editor (with the overview above it) passes axe.
import { type Page } from "@playwright/test";
import { expect, expectNoA11yViolations, test } from "./fixtures";

async function printView(page: Page, name: string) {
  await page.emulateMedia({ media: "print" });
  // Only the document is printed: no header, navigation, choice or record form.
  await expect(page.locator(".site-header")).toBeHidden();
  await expect(page.getByRole("form", { name: "Dokument auswählen" })).toBeHidden();
  const document = page.getByRole("article", { name: "Druckansicht" });
  await expect(document).toBeVisible();
  await test.info().attach(`${name}.png`, { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
  return document;
}

test("a case manager prints the consent in Arabic and the information sheet in Ukrainian", async ({ page, login, browser }) => {
  // Two sign-ins (one with a second factor), two print layouts and axe on the editor (overview included).
  test.setTimeout(300_000);
  await login(page, "casemanager");
  await page.goto("/faelle");
  await page.locator("main table a[href^='/faelle/']").first().click();
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.getByRole("link", { name: /Dokumente drucken/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dokumente für die Klientin / den Klienten" })).toBeVisible();
  const fileNumber = (await page.locator("main").textContent())?.match(/KIM-\d{4}-\d+/)?.[0] ?? "";
  expect(fileNumber).not.toBe("");

  // Consent for the Ausländerbehörde, in Arabic.
  const choice = page.getByRole("form", { name: "Dokument auswählen" });
  await choice.getByLabel("Dokument").selectOption({ label: "Einwilligung / Schweigepflichtentbindung" });
  await choice.getByLabel("Sprache der Übersetzung").selectOption("ar");
  await choice.getByRole("button", { name: "Dokument anzeigen" }).click();
  await expect(choice.getByText("Bitte wählen Sie den Partner aus, an den Daten gehen.")).toBeVisible();
  await choice.getByLabel("Partner (Empfänger der Daten)").selectOption({ label: "Ausländerbehörde Kreis Mettmann" });
  await choice.getByLabel("Zweck und Umfang der Weitergabe").fill("Klärung des Aufenthaltsstatus");
  await choice.getByRole("button", { name: "Dokument anzeigen" }).click();
  const arabic = page.locator('section[lang="ar"]');
  await expect(arabic).toHaveAttribute("dir", "rtl");

  const consent = await printView(page, "einwilligung-arabisch");
  await expect(consent.getByRole("heading", { name: "Einwilligung in die Weitergabe von Daten (Schweigepflichtentbindung)" })).toBeVisible();
  await expect(consent.getByRole("heading", { name: "موافقة على نقل البيانات (إعفاء من واجب السرية)" })).toBeVisible();
  await expect(consent.getByText("Ausländerbehörde Kreis Mettmann").first()).toBeVisible();
  await expect(consent.getByText("Übersetzung nicht geprüft").first()).toBeVisible();
  await expect(consent.getByText("الترجمة لم تتم مراجعتها").first()).toBeVisible();
  await expect(consent.getByText("توقيع العميل / العميلة", { exact: false }).first()).toBeVisible();
  await expect(consent.getByText(fileNumber).first()).toBeVisible();
  // The Arabic text is set in the app's own Noto Sans Arabic (no CDN).
  expect(await arabic.evaluate((el) => getComputedStyle(el).fontFamily)).toContain("Noto Sans Arabic");
  expect(await page.evaluate(() => document.fonts.check('16px "Noto Sans Arabic"', "موافقة"))).toBe(true);
  await page.emulateMedia({ media: "screen" });

  // The client signed: record the consent with the printed versions and language.
  const record = page.getByRole("form", { name: "Unterschriebene Einwilligung erfassen" });
  await record.getByRole("button", { name: "Einwilligung speichern" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Einwilligung erfasst." })).toBeVisible();
  const consents = page.locator("#einwilligungen");
  await expect(consents.getByText("Unterschrieben: Vorlage v1 Deutsch + v1 Arabisch").first()).toBeVisible();

  // Information sheet in Ukrainian.
  await page.getByRole("link", { name: /Dokumente drucken/ }).click();
  const again = page.getByRole("form", { name: "Dokument auswählen" });
  await again.getByLabel("Dokument").selectOption({ label: "Informationsblatt nach Art. 13 DSGVO" });
  await again.getByLabel("Sprache der Übersetzung").selectOption("uk");
  await again.getByRole("button", { name: "Dokument anzeigen" }).click();
  await expect(page.locator('section[lang="uk"]')).toHaveAttribute("dir", "ltr");
  const info = await printView(page, "information-ukrainisch");
  await expect(info.getByRole("heading", { name: "Information zum Datenschutz (Art. 13 DSGVO)" })).toBeVisible();
  await expect(info.getByRole("heading", { name: "Інформація про захист даних (ст. 13 Загального регламенту про захист даних)" })).toBeVisible();
  await expect(info.getByText("Landesbeauftragten für Datenschutz und Informationsfreiheit", { exact: false })).toBeVisible();
  await expect(info.getByText("Переклад не перевірено").first()).toBeVisible();
  await expect(info.locator('section[lang="ar"]')).toHaveCount(0);
  await page.emulateMedia({ media: "screen" });

  // The coordinator's template editor: overview and one translation's editor, axe on both.
  const coordination = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const editor = await coordination.newPage();
  await login(editor, "koordination");
  await editor.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Vorlagen" }).click();
  await expect(editor.getByRole("heading", { level: 1, name: "Vorlagen für Dokumente" })).toBeVisible();
  await editor.getByRole("link", { name: "Einwilligung / Schweigepflichtentbindung, Arabisch bearbeiten" }).click();
  await expect(editor.getByRole("heading", { level: 2, name: "Einwilligung / Schweigepflichtentbindung – Arabisch" })).toBeVisible();
  await expect(editor.getByLabel("Text")).toHaveAttribute("dir", "rtl");
  await expectNoA11yViolations(editor, "template editor");
  await editor.getByRole("button", { name: "Version 1 als geprüft markieren" }).click();
  await expect(editor.getByRole("status").filter({ hasText: "Version 1 als geprüft markiert." })).toBeVisible();
  await coordination.close();
});
