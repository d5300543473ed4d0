// The client file renders the forms behind closed disclosures only when they are needed (server time on
// every page view), and still works without JavaScript: a closed disclosure holds a link to the same page
// with `?schritt=<form id>`, which renders that one form server-side, open. Also: the files of public/
// are served only under their own paths, with the caching each kind needs.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DemoActors, openActiveCase, seedActors } from "./case-file-helpers";
import { type TestDatabase, createTestDatabase } from "./db";
import { type TestServer, request, sessionCookie, startTestServer } from "./http";

let tdb: TestDatabase;
let server: TestServer;
let actors: DemoActors;
let cookie: string;
let caseId: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  actors = await seedActors(tdb.db);
  caseId = (await openActiveCase(tdb.db, actors.cm)).caseId;
  server = await startTestServer(tdb.db);
  cookie = await sessionCookie(server, actors.cm.id);
});

afterAll(async () => {
  await server?.close();
  await tdb?.close();
});

/** The forms on the page, by their id (conform's form id, `cf-<INTENT>`). */
function formIds(html: string): string[] {
  return [...html.matchAll(/<form[^>]*\bid="(cf-[A-Z_]+(?:-[0-9a-f-]+)?)"/g)].map((m) => m[1]!);
}

/** The opening tag of the <details> whose <summary> starts with `summary`. */
function detailsTagOf(html: string, summary: string): string {
  const at = html.indexOf(`<summary>${summary}`);
  expect(at, `a disclosure "${summary}"`).toBeGreaterThan(0);
  const start = html.lastIndexOf("<details", at);
  return html.slice(start, html.indexOf(">", start) + 1);
}

async function page(path: string) {
  const answer = await request(server, "GET", path, { cookie });
  expect(answer.status).toBe(200);
  return answer.text;
}

describe("client file: collapsed forms", () => {
  test("an everyday step is open; a collapsed one is only a link that opens it", async () => {
    const html = await page(`/faelle/${caseId}`);
    const forms = formIds(html);
    expect(forms).toContain("cf-RECORD_CONTACT");
    for (const collapsed of ["cf-SET_DEPUTY", "cf-PAUSE", "cf-AGREE_GOAL", "cf-UPDATE_CLIENT", "cf-ADD_FOLLOW_UP", "cf-PLAN_REFERRAL"]) {
      expect(forms).not.toContain(collapsed);
      expect(html).toContain(`href="/faelle/${caseId}?schritt=${collapsed}#${collapsed}"`);
    }
    expect(detailsTagOf(html, "Weitere Schritte")).not.toContain("open");
  });

  test("?schritt= renders that one form, open, and opens 'Weitere Schritte' around it", async () => {
    const html = await page(`/faelle/${caseId}?schritt=cf-PAUSE`);
    const forms = formIds(html);
    expect(forms).toContain("cf-PAUSE");
    expect(forms).not.toContain("cf-SET_DEPUTY");
    expect(html).toContain('name="reason"');
    expect(detailsTagOf(html, "Weitere Schritte")).toContain("open");
    expect(detailsTagOf(html, "Fall ruhend stellen")).toContain("open");
  });

  test("a form of a section (not a step) opens the same way, other parameters kept", async () => {
    const html = await page(`/faelle/${caseId}?verlauf=kontakt&schritt=cf-ADD_FOLLOW_UP`);
    expect(formIds(html)).toContain("cf-ADD_FOLLOW_UP");
    expect(detailsTagOf(html, "Wiedervorlage anlegen")).toContain("open");
    expect(detailsTagOf(html, "Weitere Schritte")).not.toContain("open");
    // the links of the other disclosures keep the page's parameters
    expect(html).toContain(`href="/faelle/${caseId}?verlauf=kontakt&amp;schritt=cf-SET_DEPUTY#cf-SET_DEPUTY"`);
  });

  test("an unknown ?schritt= opens nothing", async () => {
    const plain = formIds(await page(`/faelle/${caseId}`));
    expect(formIds(await page(`/faelle/${caseId}?schritt=cf-NOPE`))).toEqual(plain);
    expect(formIds(await page(`/faelle/${caseId}?schritt=%3Cscript%3E`))).toEqual(plain);
  });
});

describe("static files", () => {
  test("public/ files under their own path, build files immutable", async () => {
    const icon = await request(server, "GET", "/favicon.svg");
    expect(icon.status).toBe(200);
    expect(icon.headers["content-type"]).toContain("image/svg+xml");
    expect(icon.headers["cache-control"]).toBe("public, max-age=3600");

    const html = await page(`/faelle/${caseId}`);
    const script = /<script[^>]*src="(\/build\/[^"]+\.js)"/.exec(html)?.[1] ?? /href="(\/build\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await request(server, "GET", script!);
    expect(asset.status).toBe(200);
    expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");

    // a page is no file: it is answered by the app, never cached
    const missing = await request(server, "GET", "/favicon.svg.bak", { cookie });
    expect(missing.status).toBe(404);
    expect(missing.headers["cache-control"]).toBe("no-store");
  });
});
