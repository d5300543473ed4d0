// Shared fixtures for the browser tests: sign-in as a demo user (with the second factor where the role
// needs one) and the axe check.
import AxeBuilder from "@axe-core/playwright";
import { type Cookie, type Page, test as base, expect } from "@playwright/test";
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS } from "../../db/seed/demo-users";
import { requiresSecondFactor } from "../../workflows/permissions";
import { tallySignIn, withFreshCode } from "./totp-steps";

export { expect };

/** The session cookie's name in the e2e server (KIM_SECURE_COOKIES=0, so without the __Host- prefix). */
const SESSION_COOKIE = "kim_session";

/** The page each demo role lands on after sign-in, with its German heading. */
export const ROLE_HOMES = {
  casemanager: { path: "/faelle", heading: "Meine Fälle" },
  koordination: { path: "/team", heading: "Teamübersicht" },
  lenkung: { path: "/berichte", heading: "Berichte für die Lenkungsgruppe" },
  admin: { path: "/admin/benutzer", heading: "Benutzer" },
  datenschutz: { path: "/protokoll", heading: "Zugriffsprotokoll" },
} as const;

/** Fills and submits the sign-in form. Does not wait for the landing page (see `login`). */
export async function submitLogin(page: Page, username: string, password: string): Promise<void> {
  await page.goto("/anmelden");
  await page.getByRole("textbox", { name: "Benutzername" }).fill(username);
  await page.getByLabel("Passwort").fill(password);
  await page.getByRole("button", { name: "Anmelden" }).click();
}

/** TOTP secrets by user: the demo secret of the demo accounts, and those set up by this worker's tests. */
const totpSecrets = new Map<string, string>(
  DEMO_USERS.filter((u) => requiresSecondFactor(u.role)).map((u) => [u.username, DEMO_TOTP_SECRET]),
);

/** The secret shown on the set-up page (/anmelden/zwei-faktor), without the spaces between groups. */
export async function readEnrolmentSecret(page: Page): Promise<string> {
  return (await page.locator("#totp-secret").innerText()).replace(/\s/g, "");
}

/**
 * On /anmelden/code or /anmelden/zwei-faktor: enters a code the server accepts (never one used before
 * for this user, see totp-steps.ts) and waits until the browser has left the sign-in pages.
 */
export async function submitSecondFactor(page: Page, username: string, secret: string): Promise<number> {
  const enrolling = new URL(page.url()).pathname === "/anmelden/zwei-faktor";
  const waited = await withFreshCode(username, secret, async (code) => {
    await page.getByRole("textbox", { name: enrolling ? "Code aus der App" : "Sicherheitscode" }).fill(code);
    await page.getByRole("button", { name: enrolling ? "Einrichten und anmelden" : "Anmelden", exact: true }).click();
    try {
      await page.waitForURL((url) => !url.pathname.startsWith("/anmelden"), { timeout: 20_000 });
    } catch (error) {
      const shown = await page.locator(".field-error, .form-error").allInnerTexts();
      throw new Error(`second factor for ${username} not accepted (${shown.join(" ") || "no message"})`, { cause: error });
    }
  });
  if (enrolling) totpSecrets.set(username, secret);
  return waited;
}

/**
 * Signs in through the sign-in pages with the demo password (or the given one) and waits until the
 * browser has left them. Coordinators and admins enter the code of their secret; a user without one yet
 * sets it up with the secret read off the page. Tests of the sign-in itself use this; the others `login`.
 */
export async function signInWithForm(page: Page, username: string, password: string = DEMO_PASSWORD): Promise<void> {
  await submitLogin(page, username, password);
  await page.waitForURL((url) => url.pathname !== "/anmelden");
  const path = new URL(page.url()).pathname;
  let waitedForCode: number | null = null;
  if (path === "/anmelden/zwei-faktor") {
    waitedForCode = await submitSecondFactor(page, username, await readEnrolmentSecret(page));
  } else if (path === "/anmelden/code") {
    const secret = totpSecrets.get(username);
    if (!secret) throw new Error(`no TOTP secret known for ${username} in this worker`);
    waitedForCode = await submitSecondFactor(page, username, secret);
  }
  tallySignIn(username, waitedForCode);
}

/** The session cookie of a demo user's earlier sign-in in this worker, and the page it landed on. */
const signedInSessions = new Map<string, { cookie: Cookie; landing: string }>();

/**
 * Puts `page` in a signed-in state of a demo user: the first call per user in a worker signs in through
 * the form (`signInWithForm`); later calls give the page's browser context that session's cookie and open
 * the landing page, so a test that is not about the sign-in does not wait for a fresh second-factor code.
 * Another password than the demo one, or a session the server no longer knows, signs in through the form.
 * A test that ends its session (logout, deactivation, factor reset of a demo user) must use
 * `signInWithForm`, or the next test of the worker would start signed out and sign in again.
 */
export async function login(page: Page, username: string, password: string = DEMO_PASSWORD): Promise<void> {
  const known = password === DEMO_PASSWORD ? signedInSessions.get(username) : undefined;
  if (known) {
    await page.context().addCookies([known.cookie]);
    await page.goto(known.landing);
    if (!new URL(page.url()).pathname.startsWith("/anmelden")) return;
    await page.context().clearCookies();
    signedInSessions.delete(username);
  }
  await signInWithForm(page, username, password);
  if (password !== DEMO_PASSWORD) return;
  const cookie = (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE);
  if (!cookie) throw new Error(`no ${SESSION_COOKIE} cookie after signing in as ${username}`);
  const url = new URL(page.url());
  signedInSessions.set(username, { cookie, landing: url.pathname + url.search });
}

/** Fills the administrators' "Benutzer anlegen" form (a coordinator of the second organisation); returns the form. */
export async function fillNewUserForm(page: Page, user: { name: string; username: string; password: string }) {
  const form = page.locator("form", { has: page.getByRole("button", { name: "Benutzer anlegen" }) });
  await form.getByRole("textbox", { name: "Name", exact: true }).fill(user.name);
  await form.getByRole("textbox", { name: "Benutzername" }).fill(user.username);
  await form.getByRole("combobox", { name: "Rolle" }).selectOption({ label: "Koordination" });
  await form.getByRole("combobox", { name: "Organisation" }).selectOption({ index: 1 });
  await form.getByLabel("Startpasswort").fill(user.password);
  return form;
}

/** Runs axe with the WCAG 2.0/2.1 A and AA rules and fails with a readable list of violations. */
export async function expectNoA11yViolations(page: Page, context = page.url()): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact ?? "?"}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
  expect(summary, `axe violations on ${context}`).toEqual([]);
}

export const test = base.extend<{ login: typeof login }>({
  // eslint-disable-next-line no-empty-pattern
  login: async ({}, provide) => {
    await provide(login);
  },
});
