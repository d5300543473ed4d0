// Shared fixtures for the browser tests: sign-in as a demo user and the axe check.
import AxeBuilder from "@axe-core/playwright";
import { type Page, test as base, expect } from "@playwright/test";
import { DEMO_PASSWORD } from "../../db/seed/demo-users";

export { expect };

/** The page each demo role lands on after sign-in, with its German heading. */
export const ROLE_HOMES = {
  casemanager: { path: "/faelle", heading: "Meine Fälle" },
  koordination: { path: "/team", heading: "Teamübersicht" },
  lenkung: { path: "/berichte", heading: "Berichte für die Lenkungsgruppe" },
  admin: { path: "/admin/benutzer", heading: "Benutzer" },
} as const;

/** Fills and submits the sign-in form. Does not wait for the landing page (see `login`). */
export async function submitLogin(page: Page, username: string, password: string): Promise<void> {
  await page.goto("/anmelden");
  await page.getByRole("textbox", { name: "Benutzername" }).fill(username);
  await page.getByLabel("Passwort").fill(password);
  await page.getByRole("button", { name: "Anmelden" }).click();
}

/** Signs in with the demo password and waits until the browser has left the sign-in page. */
export async function login(page: Page, username: string, password: string = DEMO_PASSWORD): Promise<void> {
  await submitLogin(page, username, password);
  await page.waitForURL((url) => url.pathname !== "/anmelden");
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
