// The second factor through the browser: a coordinator's code step (wrong code, right code), the
// set-up of a new coordinator, the admin's reset; axe on every page state, error states included.
import { randomBytes } from "node:crypto";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from "../../db/seed/demo-users";
import {
  expect,
  expectNoA11yViolations,
  fillNewUserForm,
  readEnrolmentSecret,
  submitLogin,
  submitSecondFactor,
  test,
} from "./fixtures";
import { wrongCode } from "./totp-steps";

const WRONG_CODE_MESSAGE =
  "Der Code ist falsch oder abgelaufen. Bitte geben Sie den aktuellen 6-stelligen Code aus Ihrer Authenticator-App ein.";

function postTo(page: Page, path: string) {
  return page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname.startsWith(path));
}

async function newUserContext(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  return { context, page: await context.newPage() };
}

test.describe.configure({ timeout: 180_000 });

test.describe("second factor", () => {
  test("koordination: no session after the password; a wrong code shows the German error at the field; the right code lands on /team", async ({
    page,
    browser,
  }) => {
    await submitLogin(page, "koordination", DEMO_PASSWORD);
    await page.waitForURL("/anmelden/code");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sicherheitscode eingeben");
    const cookies = (await page.context().cookies()).map((c) => c.name);
    expect(cookies).toContain("kim_login");
    expect(cookies).not.toContain("kim_session");
    await expectNoA11yViolations(page, "/anmelden/code");

    const field = page.getByRole("textbox", { name: "Sicherheitscode" });
    await expect(field).toHaveAttribute("autocomplete", "one-time-code");
    await expect(field).toHaveAttribute("inputmode", "numeric");
    await field.fill(wrongCode(DEMO_TOTP_SECRET));
    const answer = postTo(page, "/anmelden/code");
    await page.getByRole("button", { name: "Anmelden", exact: true }).click();
    expect((await answer).status()).toBe(401);
    const error = page.locator(".field-error", { hasText: WRONG_CODE_MESSAGE });
    await expect(error).toBeVisible();
    await expect(field).toHaveAttribute("aria-invalid", "true");
    await expect(field).toHaveAttribute("aria-describedby", new RegExp(`\\b${await error.getAttribute("id")}\\b`));
    await expect(field).toHaveValue("");
    await expect(page).toHaveURL("/anmelden/code");
    await expectNoA11yViolations(page, "/anmelden/code (error state)");

    // Still signed out: the team overview sends back to the sign-in.
    const elsewhere = await newUserContext(browser);
    await elsewhere.context.addCookies(await page.context().cookies());
    await elsewhere.page.goto("/team");
    await expect(elsewhere.page).toHaveURL(/\/anmelden\?redirectTo=%2Fteam$/);
    await elsewhere.context.close();

    await submitSecondFactor(page, "koordination", DEMO_TOTP_SECRET);
    await expect(page).toHaveURL("/team");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Teamübersicht");
    const after = (await page.context().cookies()).map((c) => c.name);
    expect(after).toContain("kim_session");
    expect(after).not.toContain("kim_login");
  });

  test("a new coordinator sets up the factor at first sign-in; the admin sees it and resets it, which ends the session", async ({
    page,
    login,
    browser,
  }) => {
    await login(page, "admin");
    const username = `e2e.zweifaktor.${randomBytes(3).toString("hex")}`;
    const password = "Ein-gutes-Startpasswort-2026";
    const form = await fillNewUserForm(page, { name: "Zora Zweifaktor", username, password });
    await form.getByRole("button", { name: "Benutzer anlegen" }).click();
    await expect(page.getByRole("status")).toHaveText(`Benutzer „${username}“ wurde angelegt.`);
    const row = page.getByRole("row", { name: new RegExp(username.replace(/\./g, "\\.")) });
    await expect(row.getByRole("cell").last()).toHaveText("noch nicht eingerichtet");

    // The new coordinator: password, then the set-up page with QR code, grouped secret and URI.
    const user = await newUserContext(browser);
    await submitLogin(user.page, username, password);
    await user.page.waitForURL("/anmelden/zwei-faktor");
    await expect(user.page.getByRole("heading", { level: 1 })).toHaveText("Zweiten Faktor einrichten");
    const qr = user.page.getByRole("img", { name: /QR-Code zum Einrichten des zweiten Faktors/ });
    await expect(qr).toBeVisible();
    expect(await qr.getAttribute("src")).toMatch(/^data:image\/png;base64,/);
    await expect(user.page.locator("#totp-secret")).toHaveText(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    const secret = await readEnrolmentSecret(user.page);
    await user.page.getByText("Einrichtungs-Link (otpauth://) anzeigen").click();
    await expect(user.page.getByText(`otpauth://totp/KIM%20Fallmanagement:${username}?secret=${secret}`)).toBeVisible();
    await expectNoA11yViolations(user.page, "/anmelden/zwei-faktor");

    const field = user.page.getByRole("textbox", { name: "Code aus der App" });
    await field.fill("12345");
    await user.page.getByRole("button", { name: "Einrichten und anmelden" }).click();
    await expect(user.page.getByText("Der Code besteht aus 6 Ziffern, z. B. 123456.")).toBeVisible();
    await expect(field).toHaveAttribute("aria-invalid", "true");
    // Client-side validation stops the request; the page still holds the same secret.
    await expect(user.page.locator("#totp-secret")).toHaveText(/[A-Z2-7]/);
    await field.fill(wrongCode(secret));
    const answer = postTo(user.page, "/anmelden/zwei-faktor");
    await user.page.getByRole("button", { name: "Einrichten und anmelden" }).click();
    expect((await answer).status()).toBe(401);
    await expect(user.page.locator(".field-error", { hasText: WRONG_CODE_MESSAGE })).toBeVisible();
    expect(await readEnrolmentSecret(user.page)).toBe(secret);
    await expectNoA11yViolations(user.page, "/anmelden/zwei-faktor (error state)");

    await submitSecondFactor(user.page, username, secret);
    await expect(user.page).toHaveURL("/team");

    // The admin's list and user page show the factor; the reset ends the coordinator's session.
    await page.reload();
    await expect(row.getByRole("cell").last()).toHaveText("eingerichtet");
    await row.getByRole("link").click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Benutzer „${username}“ bearbeiten`);
    const section = page.getByRole("region", { name: "Zweiter Faktor" });
    await expect(section).toContainText("eingerichtet seit");
    await expectNoA11yViolations(page, "/admin/benutzer/:id");
    await section.getByRole("button", { name: "Zweiten Faktor zurücksetzen" }).click();
    await expect(section.getByRole("status")).toContainText("Der zweite Faktor wurde zurückgesetzt");
    await expect(section).toContainText("nicht eingerichtet");
    await expectNoA11yViolations(page, "/admin/benutzer/:id (after reset)");

    await user.page.goto("/team");
    await expect(user.page).toHaveURL(/\/anmelden\?redirectTo=%2Fteam$/);
    // The next sign-in sets up a new secret.
    await user.page.getByRole("textbox", { name: "Benutzername" }).fill(username);
    await user.page.getByLabel("Passwort").fill(password);
    await user.page.getByRole("button", { name: "Anmelden" }).click();
    await user.page.waitForURL("/anmelden/zwei-faktor");
    expect(await readEnrolmentSecret(user.page)).not.toBe(secret);
    await user.context.close();
  });
});
