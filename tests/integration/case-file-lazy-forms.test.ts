// The client file renders the forms behind closed disclosures only when they are needed (server time on
// every page view), and still works without JavaScript: a closed disclosure holds a link to the same page
// with `?schritt=<form id>`, which renders that one form server-side, open. Also: the files of public/
// are served only under their own paths, with the caching each kind needs.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DemoActors, openActiveCase, rowVersionOf, seedActors } from "./case-file-helpers";
import { type TestDatabase, createTestDatabase } from "./db";
import { type TestServer, form, request, sessionCookie, startTestServer } from "./http";

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

describe("client file: the deputy and transfer choices load with their form", () => {
  /** The <select> of a form, from its opening tag to its end. */
  function selectOf(html: string, name: string): string {
    const start = html.indexOf(`name="${name}"`);
    expect(start, `a select "${name}"`).toBeGreaterThan(0);
    return html.slice(html.lastIndexOf("<select", start), html.indexOf("</select>", start));
  }

  test("the page without an open deputy or transfer form carries no colleague's name", async () => {
    const html = await page(`/faelle/${caseId}`);
    expect(html).toContain(`?schritt=cf-SET_DEPUTY`);
    expect(html).not.toContain("Jonas Becker");
    expect(html).not.toContain(actors.cm2.id);
  });

  test("without JavaScript, ?schritt=cf-SET_DEPUTY renders the form with its choices", async () => {
    const html = await page(`/faelle/${caseId}?schritt=cf-SET_DEPUTY`);
    expect(formIds(html)).toContain("cf-SET_DEPUTY");
    const select = selectOf(html, "deputyId");
    expect(select).toContain(`<option value="${actors.cm2.id}">Jonas Becker</option>`);
    expect(select).toContain(`<option value="keine">Keine Vertretung</option>`);
    expect(select).not.toContain(actors.cm.id);
    expect(select).not.toContain("aria-busy");
  });

  test("a refused deputy form (stale 409, invalid 400) shows again with its choices and what was chosen", async () => {
    const stale = (await rowVersionOf(tdb.db, caseId)) - 1;
    const refused = await request(server, "POST", `/faelle/${caseId}`, {
      cookie,
      body: form({ intent: "SET_DEPUTY", rowVersion: stale, deputyId: actors.cm2.id }),
    });
    expect(refused.status).toBe(409);
    expect(formIds(refused.text)).toContain("cf-SET_DEPUTY");
    expect(selectOf(refused.text, "deputyId")).toMatch(new RegExp(`<option value="${actors.cm2.id}" selected="">Jonas Becker</option>`));

    const invalid = await request(server, "POST", `/faelle/${caseId}`, {
      cookie,
      body: form({ intent: "SET_DEPUTY", rowVersion: await rowVersionOf(tdb.db, caseId), deputyId: "niemand" }),
    });
    expect(invalid.status).toBe(400);
    expect(selectOf(invalid.text, "deputyId")).toContain(`<option value="${actors.cm2.id}">Jonas Becker</option>`);
    expect(await rowVersionOf(tdb.db, caseId)).toBe(stale + 1);
  });

  test("/faelle/:caseId/kandidaten: the choices as JSON (also as the browser's fetcher asks), 404 for a case out of sight", async () => {
    const own = await request(server, "GET", `/faelle/${caseId}/kandidaten`, { cookie });
    expect(own.status).toBe(200);
    expect(own.headers["content-type"]).toContain("application/json");
    expect(own.headers["cache-control"]).toBe("no-store");
    const body = JSON.parse(own.text) as { deputyCandidates: { id: string; name: string }[]; transferTargets: unknown[] };
    expect(body.deputyCandidates).toContainEqual({ id: actors.cm2.id, name: "Jonas Becker", otherOrganisation: null });
    expect(body.transferTargets).toEqual([]);

    const fetcher = await request(server, "GET", `/faelle/${caseId}/kandidaten.data?_routes=${encodeURIComponent("routes/faelle.$caseId.kandidaten")}`, { cookie });
    expect(fetcher.status).toBe(200);
    expect(fetcher.text).toContain("Jonas Becker");

    // casemanager2 is a colleague, but neither case manager nor deputy of this case
    const colleague = await sessionCookie(server, actors.cm2.id);
    for (const path of [`/faelle/${caseId}/kandidaten`, "/faelle/00000000-0000-4000-8000-000000000000/kandidaten"]) {
      const missing = await request(server, "GET", path, { cookie: colleague });
      expect(missing.status).toBe(404);
      expect(missing.text).toBe("Nicht gefunden");
      expect(missing.headers["cache-control"]).toBe("no-store");
    }
    expect((await request(server, "GET", `/faelle/${caseId}/kandidaten`)).status).toBe(302);
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
