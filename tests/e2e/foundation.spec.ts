// The foundation through the browser: sign-in per role, errors, logout, access to other people's
// cases, admin user management, accessibility (axe) and the security headers of every response.
import { randomBytes } from "node:crypto";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { ROLE_HOMES, expect, expectNoA11yViolations, fillNewUserForm, signInWithForm, submitLogin, test } from "./fixtures";

const CASE_PATH = /^\/faelle\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A second, independent browser (own cookies) with the configured base URL. */
async function newUserContext(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  return { context, page: await context.newPage() };
}

function unique(prefix: string) {
  return `${prefix}.${randomBytes(3).toString("hex")}`;
}

test.describe("sign-in", () => {
  test("the sign-in page has no axe violations", async ({ page }) => {
    await page.goto("/anmelden");
    await expect(page.getByRole("heading", { level: 1, name: "Anmelden" })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "de");
    await expectNoA11yViolations(page);
  });

  for (const [username, home] of Object.entries(ROLE_HOMES)) {
    test(`${username} lands on ${home.path} with the heading „${home.heading}“`, async ({ page }) => {
      await signInWithForm(page, username);
      await expect(page).toHaveURL(home.path);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(home.heading);
      await expectNoA11yViolations(page);
    });
  }

  test("a wrong password shows the German error next to the form and keeps the username", async ({ page }) => {
    const answer = page.waitForResponse(
      (r) => r.request().method() === "POST" && new URL(r.url()).pathname.startsWith("/anmelden"),
    );
    await submitLogin(page, "casemanager", "ganz-sicher-falsch");
    expect((await answer).status()).toBe(401);
    const form = page.locator("form", { has: page.getByRole("button", { name: "Anmelden" }) });
    await expect(form.getByRole("alert")).toHaveText("Benutzername oder Passwort ist falsch.");
    await expect(page.getByRole("textbox", { name: "Benutzername" })).toHaveValue("casemanager");
    await expect(page).toHaveURL(/\/anmelden/);
    await expectNoA11yViolations(page, "/anmelden (error state)");
  });

  test("without JavaScript the error page keeps the username and never echoes the password", async ({ request }) => {
    const response = await request.post("/anmelden", {
      form: { username: "lenkung", password: "Nicht-das-Passwort-789", redirectTo: "" },
      headers: { Origin: new URL(test.info().project.use.baseURL ?? "").origin },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(401);
    const html = await response.text();
    expect(html).toContain("Benutzername oder Passwort ist falsch.");
    expect(html).toMatch(/<input[^>]*name="username"[^>]*value="lenkung"|<input[^>]*value="lenkung"[^>]*name="username"/);
    expect(html).not.toContain("Nicht-das-Passwort-789");
  });

  test("logout ends the session on the server", async ({ page, browser }) => {
    await signInWithForm(page, "koordination");
    const cookies = await page.context().cookies();
    expect(cookies.map((c) => c.name)).toContain("kim_session");
    await page.getByRole("button", { name: "Abmelden" }).click();
    await expect(page).toHaveURL(/\/anmelden$/);
    await page.goto("/team");
    await expect(page).toHaveURL(/\/anmelden\?redirectTo=%2Fteam$/);

    // The old cookie, replayed from elsewhere, is worthless too.
    const replay = await newUserContext(browser);
    await replay.context.addCookies(cookies);
    await replay.page.goto("/team");
    await expect(replay.page).toHaveURL(/\/anmelden/);
    await replay.context.close();
  });
});

test.describe("access to cases", () => {
  /** Case file links on /faelle (the list shows the cases the signed-in user may open). */
  async function listedCasePaths(page: Page): Promise<string[]> {
    await page.goto("/faelle");
    const hrefs = await page
      .locator("main a[href^='/faelle/']")
      .evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
    return hrefs.filter((h) => CASE_PATH.test(h));
  }

  test("another case manager's case answers the same German 404 as a case that does not exist", async ({
    page,
    login,
    browser,
  }) => {
    const owner = await newUserContext(browser);
    await login(owner.page, "casemanager2");
    const ownersCases = await listedCasePaths(owner.page);
    expect(ownersCases.length, "casemanager2 has open cases in the demo data").toBeGreaterThan(0);

    await login(page, "casemanager");
    // Not one where casemanager is named deputy (those are visible to both, rightly).
    const visibleToMe = new Set(await listedCasePaths(page));
    const foreignPath = ownersCases.find((p) => !visibleToMe.has(p));
    expect(foreignPath, "a case of casemanager2 that casemanager does not share").toBeDefined();
    const path = foreignPath ?? "";

    expect((await owner.page.goto(path))?.status()).toBe(200);
    await owner.context.close();

    const foreign = await page.goto(path);
    expect(foreign?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Seite nicht gefunden");
    const foreignText = await page.locator("main").innerText();

    const missing = await page.goto("/faelle/00000000-0000-4000-8000-000000000000");
    expect(missing?.status()).toBe(404);
    expect(await page.locator("main").innerText()).toBe(foreignText);
  });
});

test.describe("user administration", () => {
  test("a too-short password is refused with a German field error, status 400, the input kept", async ({
    page,
    login,
  }) => {
    await login(page, "admin");
    const username = unique("e2e.kurz");
    const form = await fillNewUserForm(page, { name: "Erika Kurzpasswort", username, password: "kurz" });
    const answer = page.waitForResponse(
      (r) => r.request().method() === "POST" && new URL(r.url()).pathname.startsWith("/admin/benutzer"),
    );
    await form.getByRole("button", { name: "Benutzer anlegen" }).click();
    expect((await answer).status()).toBe(400);
    await expect(form.getByText("Das Passwort muss mindestens 8 Zeichen lang sein (empfohlen: 12 oder mehr).")).toBeVisible();
    await expect(form.getByLabel("Startpasswort")).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByRole("textbox", { name: "Name", exact: true })).toHaveValue("Erika Kurzpasswort");
    await expect(form.getByRole("textbox", { name: "Benutzername" })).toHaveValue(username);
    await expect(page.getByRole("cell", { name: username })).toHaveCount(0);
    await expectNoA11yViolations(page, "/admin/benutzer (error state)");
  });

  test("a deactivated user's next request lands on the sign-in page", async ({ page, login, browser }) => {
    await login(page, "admin");
    const username = unique("e2e.deaktiviert");
    const password = "Ein-gutes-Startpasswort-2026";
    const form = await fillNewUserForm(page, { name: "Dieter Deaktiviert", username, password });
    await form.getByRole("button", { name: "Benutzer anlegen" }).click();
    await expect(page.getByRole("status")).toHaveText(`Benutzer „${username}“ wurde angelegt.`);

    const other = await newUserContext(browser);
    await login(other.page, username, password);
    await expect(other.page).toHaveURL("/team");

    await page.getByRole("row", { name: new RegExp(username.replace(/\./g, "\\.")) }).getByRole("link").click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Benutzer „${username}“ bearbeiten`);
    await page.getByRole("checkbox", { name: "Konto aktiv" }).uncheck();
    await page.getByRole("button", { name: "Speichern" }).click();
    await expect(page.getByRole("status")).toContainText("Alle Sitzungen dieses Benutzers wurden beendet.");

    await other.page.goto("/team");
    await expect(other.page).toHaveURL(/\/anmelden\?redirectTo=%2Fteam$/);
    await other.context.close();
  });
});

test.describe("pages for everyone", () => {
  test("the German 404 page links to the accessibility statement in its footer", async ({ page }) => {
    const response = await page.goto("/gibt-es-nicht");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Seite nicht gefunden");
    await expectNoA11yViolations(page, "404 page");
    await page.getByRole("contentinfo").getByRole("link", { name: "Erklärung zur Barrierefreiheit" }).click();
    await expect(page).toHaveURL("/barrierefreiheit");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Erklärung zur Barrierefreiheit");
    await expectNoA11yViolations(page, "/barrierefreiheit");
  });
});

test.describe("HTTP hardening", () => {
  for (const [label, path, status] of [
    ["a page", "/anmelden", 200],
    ["the 404 page", "/gibt-es-nicht", 404],
  ] as const) {
    test(`${label} carries CSP with a per-response nonce and the other security headers`, async ({ request }) => {
      const first = await request.get(path);
      expect(first.status()).toBe(status);
      const headers = first.headers();
      const csp = headers["content-security-policy"] ?? "";
      const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
      expect(nonce, `CSP: ${csp}`).toBeTruthy();
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain("unsafe-eval");
      expect(headers["x-content-type-options"]).toBe("nosniff");
      expect(headers["referrer-policy"]).toBeTruthy();
      expect(headers["cache-control"]).toBe("no-store");
      expect(headers["x-powered-by"]).toBeUndefined();
      const html = await first.text();
      const scriptNonces = [...html.matchAll(/<script\b[^>]*\bnonce="([^"]+)"/g)].map((m) => m[1]);
      expect(scriptNonces.length).toBeGreaterThan(0);
      expect(new Set(scriptNonces)).toEqual(new Set([nonce]));
      expect(html).not.toMatch(/\bat [\w.<>]+ \(.*:\d+:\d+\)/); // no stack trace

      const second = await request.get(path);
      expect(second.headers()["content-security-policy"]).not.toBe(csp);
    });
  }

  test("a POST without our Origin is refused with 403", async ({ request }) => {
    const foreign = await request.post("/anmelden", {
      form: { username: "casemanager", password: "egal" },
      headers: { Origin: "http://evil.example" },
      maxRedirects: 0,
    });
    expect(foreign.status()).toBe(403);
    expect(await foreign.text()).toContain("ungültige Herkunft");
    expect(foreign.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");

    const missing = await request.post("/abmelden", { maxRedirects: 0 });
    expect(missing.status()).toBe(403);

    const own = await request.post("/abmelden", {
      headers: { Origin: new URL(test.info().project.use.baseURL ?? "").origin },
      maxRedirects: 0,
    });
    expect(own.status()).toBe(302);
  });
});
