// Regression tests for the malformed requests of issue 9 ("every request a client can send gets a clear
// answer"), one per finding, against the real express app (edge guard, CSRF, Remix) over HTTP. Each
// asserts the status, a German answer, that nothing was written and that no stack trace was logged.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { DEMO_PASSWORD } from "../../db/seed/demo-users";
import { SESSION_ABSOLUTE_HOURS } from "../../app/auth.server";
import { type DemoActors, openTestCase, rowVersionOf, seedActors } from "./case-file-helpers";
import { type TestDatabase, createTestDatabase } from "./db";
import { type TestServer, fingerprint as fingerprintOf, form, request, sessionCookie, stackTraceLines, startTestServer } from "./http";

let tdb: TestDatabase;
let server: TestServer;
let actors: DemoActors;
let cmCookie: string;
let caseX: string;
let caseY: string;
let followUpOfY: string;
let municipalityId: number;

const fingerprint = () => fingerprintOf(tdb.db);

const ENGLISH_DEFAULTS = /Bad Request|Internal Server Error|Unexpected Server Error|Cannot (GET|POST)|<pre>/;

function expectGermanRefusal(answer: { status: number; text: string }, status: number | number[]) {
  expect([status].flat()).toContain(answer.status);
  expect(answer.text).not.toMatch(ENGLISH_DEFAULTS);
  expect(answer.text).toMatch(/ungültig|Steuerzeichen|nicht|Datenformat|fehlerhaft|Bitte|Anfragemethode/);
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  actors = await seedActors(tdb.db);
  server = await startTestServer(tdb.db);
  cmCookie = await sessionCookie(server, actors.cm.id);
  caseX = (await openTestCase(tdb.db, actors.cm)).caseId;
  caseY = (await openTestCase(tdb.db, actors.cm, { firstName: "Yara" })).caseId;
  const row = await tdb.db
    .insertInto("follow_ups")
    .values({ case_id: caseY, due_on: "2026-01-10", note: "Wiedervorlage von Y", created_by: actors.cm.id })
    .returning("id")
    .executeTakeFirstOrThrow();
  followUpOfY = row.id;
  municipalityId = (await tdb.db.selectFrom("municipalities").select("id").orderBy("id").executeTakeFirstOrThrow()).id;
});

afterAll(async () => {
  await server?.close();
  await tdb?.close();
});

afterEach(() => {
  // No request of this file may write a stack trace (or any error line) to the server log.
  expect(stackTraceLines(server.errorLog)).toEqual([]);
});

const intake = (firstName: string) =>
  `firstName=${firstName}&lastName=Test&gender=weiblich&municipalityId=${municipalityId}` +
  `&residenceStatus=duldung_60a&referralSource=selbstmelder`;

describe("open redirect at sign-in", () => {
  test("redirectTo=/%09/evil.example never leads off the site", async () => {
    const answer = await request(server, "POST", "/anmelden", {
      body: `username=casemanager&password=${encodeURIComponent(DEMO_PASSWORD)}&redirectTo=/%09/evil.example`,
    });
    expect(answer.status).toBeLessThan(500);
    const location = answer.headers.location;
    if (location) expect(new URL(location, server.origin).origin).toBe(server.origin);
  });

  test("a line break in redirectTo is refused with a German page, not a 500", async () => {
    const answer = await request(server, "POST", "/anmelden", {
      body: `username=casemanager&password=${encodeURIComponent(DEMO_PASSWORD)}&redirectTo=/faelle%0D%0AX-Evil:%201`,
    });
    expectGermanRefusal(answer, 400);
    expect(answer.headers["x-evil"]).toBeUndefined();
  });

  test("a same-origin redirectTo to a page the app has is followed; anything else goes to the role's home", async () => {
    const cases: Array<[string, string]> = [
      [`/faelle/${caseX}`, `/faelle/${caseX}`],
      ["/heute?x=1", "/heute?x=1"],
      ["/gibt-es-nicht", "/faelle"],
      ["//evil.example/faelle", "/faelle"],
      ["https://evil.example/faelle", "/faelle"],
      ["/\\evil.example", "/faelle"],
      ["http://127.0.0.1:1/faelle", "/faelle"],
    ];
    for (const [redirectTo, expected] of cases) {
      const answer = await request(server, "POST", "/anmelden", {
        body: form({ username: "casemanager", password: DEMO_PASSWORD, redirectTo }),
      });
      expect(answer.status, redirectTo).toBe(302);
      expect(answer.headers.location, redirectTo).toBe(expected);
    }
  });
});

describe("invalid UTF-8", () => {
  test("firstName=%FF%FEAm at intake: 400, nothing stored", async () => {
    const before = await fingerprint();
    const answer = await request(server, "POST", "/faelle/neu", { cookie: cmCookie, body: intake("%FF%FEAm") });
    expectGermanRefusal(answer, 400);
    expect(answer.text).toContain('lang="de"');
    expect(await fingerprint()).toEqual(before);
  });

  test("raw bytes \\xff\\xfe in a contact note: 400, nothing stored", async () => {
    const version = await rowVersionOf(tdb.db, caseX);
    const before = await fingerprint();
    const body = Buffer.concat([
      Buffer.from(`intent=RECORD_CONTACT&rowVersion=${version}&contactType=telefonisch&minutes=5&note=`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from("Notiz"),
    ]);
    const answer = await request(server, "POST", `/faelle/${caseX}`, { cookie: cmCookie, body });
    expectGermanRefusal(answer, 400);
    expect(await fingerprint()).toEqual(before);
  });

  test("/faelle/%FF answers a German page in the app's layout, not Express's 'Bad Request'", async () => {
    const answer = await request(server, "GET", "/faelle/%FF", { cookie: cmCookie });
    expectGermanRefusal(answer, [400, 404]);
    expect(answer.text).toContain('lang="de"');
    expect(answer.text).toContain("Hauptnavigation");
  });
});

describe("NUL bytes", () => {
  test("firstName=Ami%00na at intake: 400, nothing stored", async () => {
    const before = await fingerprint();
    const answer = await request(server, "POST", "/faelle/neu", { cookie: cmCookie, body: intake("Ami%00na") });
    expectGermanRefusal(answer, 400);
    expect(await fingerprint()).toEqual(before);
  });

  test("GET /faelle?suche=a%00b: 400", async () => {
    const answer = await request(server, "GET", "/faelle?suche=a%00b", { cookie: cmCookie });
    expectGermanRefusal(answer, 400);
  });

  test("a tab or line break is fine in a free-text note, not in a single-line field", async () => {
    const note = await request(server, "POST", "/faelle/neu", { cookie: cmCookie, body: `${intake("Tabea")}&address=Weg%201%0D%0A40822%09Mettmann` });
    expect(note.status).toBe(302);
    const name = await request(server, "POST", "/faelle/neu", { cookie: cmCookie, body: intake("Ta%0Abea") });
    expectGermanRefusal(name, 400);
  });
});

describe("request targets", () => {
  test("an absolute-form request target (meant for proxies) answers 400, not 500", async () => {
    const answer = await request(server, "GET", "http://evil.example/faelle", { cookie: cmCookie });
    expectGermanRefusal(answer, 400);
  });

  test("methods other than GET, HEAD and POST, and POSTs to pages without an action: 405", async () => {
    const put = await request(server, "PUT", `/faelle/${caseX}`, { cookie: cmCookie, body: "intent=RESUME" });
    expectGermanRefusal(put, 405);
    const post = await request(server, "POST", "/prozess", { cookie: cmCookie, body: "intent=x" });
    expectGermanRefusal(post, 405);
  });
});

describe("route ids", () => {
  test("POST /faelle/abc with a valid event: 404, not 500", async () => {
    const before = await fingerprint();
    const answer = await request(server, "POST", "/faelle/abc", {
      cookie: cmCookie,
      body: "intent=RECORD_CONTACT&rowVersion=1&contactType=telefonisch&minutes=5",
    });
    expectGermanRefusal(answer, 404);
    expect(await fingerprint()).toEqual(before);
  });

  test("malformed ids of every parameterised route answer 404", async () => {
    for (const path of ["/faelle/abc/auskunft", "/faelle/a%2Fb", "/faelle/a%2Fb.data", "/huerden/1", "/admin/benutzer/x", "/partner/abc", "/partner/99999999999"]) {
      const answer = await request(server, "GET", path, { cookie: cmCookie });
      expect(answer.status, path).toBe(404);
    }
  });
});

describe("bodies that are not forms", () => {
  test("JSON posted to a case: 415, nothing written", async () => {
    const before = await fingerprint();
    const answer = await request(server, "POST", `/faelle/${caseX}`, {
      cookie: cmCookie,
      contentType: "application/json",
      body: JSON.stringify({ intent: "RECORD_CONTACT", rowVersion: 1, contactType: "telefonisch", minutes: 5 }),
    });
    expectGermanRefusal(answer, 415);
    expect(await fingerprint()).toEqual(before);
  });

  test("multipart/form-data without a boundary posted to /faelle/neu: 415", async () => {
    const answer = await request(server, "POST", "/faelle/neu", {
      cookie: cmCookie,
      contentType: "multipart/form-data",
      body: "firstName=Anna",
    });
    expectGermanRefusal(answer, 415);
  });

  test("a POST without a body is an empty form (German field errors), a body without a content type 415", async () => {
    const before = await fingerprint();
    const empty = await request(server, "POST", "/faelle/neu", { cookie: cmCookie, body: "", contentType: null });
    expectGermanRefusal(empty, 400);
    expect(empty.text).toContain("Bitte geben Sie den Vornamen ein.");
    const untyped = await request(server, "POST", "/faelle/neu", { cookie: cmCookie, body: intake("Anna"), contentType: null });
    expectGermanRefusal(untyped, 415);
    expect(await fingerprint()).toEqual(before);
  });
});

describe("file uploads (the case-list import, /import only)", () => {
  const BOUNDARY = "----kimtest7MA4YWxkTrZu0gW";
  const multipart = (file: Buffer, name = "liste.csv") =>
    Buffer.concat([
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="datei"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n`),
      file,
      Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
    ]);
  const contentType = `multipart/form-data; boundary=${BOUNDARY}`;
  let coordinatorCookie: string;
  beforeAll(async () => {
    coordinatorCookie = await sessionCookie(server, actors.coordinator.id);
  });

  test("a CSV posted to /import becomes a draft import (303/302 to its mapping page)", async () => {
    const csv = Buffer.from("Nachname;Vorname;Kommune;Aufnahmedatum\r\nTest;Anna;Hilden;01.02.2023\r\n");
    const answer = await request(server, "POST", "/import?index", { cookie: coordinatorCookie, contentType, body: multipart(csv) });
    expect(answer.status).toBe(302);
    expect(answer.headers.location).toMatch(/^\/import\/[0-9a-f-]{36}$/);
  });

  test("50 MB posted to /import: 413 with a German message before the body is read, nothing written", async () => {
    const before = await fingerprint();
    const answer = await request(server, "POST", "/import?index", {
      cookie: coordinatorCookie,
      contentType,
      body: multipart(Buffer.alloc(50 * 1024 * 1024, 0x41)),
    });
    expect(answer.status).toBe(413);
    expect(answer.text).toContain("Die Datei ist zu groß. Es werden Dateien bis 20 MB angenommen.");
    expect(await fingerprint()).toEqual(before);
  });

  test("multipart anywhere else stays refused (415), also with a boundary", async () => {
    const answer = await request(server, "POST", "/faelle/neu", { cookie: cmCookie, contentType, body: multipart(Buffer.from("x")) });
    expectGermanRefusal(answer, 415);
  });
});

describe("legacy ?_data= requests", () => {
  test("GET /huerden?_data=routes/huerden._index: 4xx with a German message", async () => {
    const answer = await request(server, "GET", "/huerden?_data=routes/huerden._index", { cookie: cmCookie });
    expectGermanRefusal(answer, 400);
  });

  test("other loaders and posts with _data are refused as well, and nothing is written", async () => {
    const other = await request(server, "GET", `/faelle/${caseX}?_data=routes/faelle.$caseId`, { cookie: cmCookie });
    expectGermanRefusal(other, 400);
    const before = await fingerprint();
    const post = await request(server, "POST", `/faelle/${caseX}?_data=routes/faelle.$caseId`, {
      cookie: cmCookie,
      body: `intent=RECORD_CONTACT&rowVersion=${await rowVersionOf(tdb.db, caseX)}&contactType=telefonisch&minutes=5`,
    });
    expectGermanRefusal(post, 400);
    expect(await fingerprint()).toEqual(before);
  });
});

describe("sub-records of another case", () => {
  test("COMPLETE_FOLLOW_UP on case X with a follow-up of case Y: 404, the follow-up stays open", async () => {
    const before = await fingerprint();
    const answer = await request(server, "POST", `/faelle/${caseX}`, {
      cookie: cmCookie,
      body: form({ intent: "COMPLETE_FOLLOW_UP", followUpId: followUpOfY }),
    });
    expect(answer.status).toBe(404);
    expect(answer.text).toContain("nicht");
    expect(await fingerprint()).toEqual(before);
    const row = await tdb.db.selectFrom("follow_ups").select("done_at").where("id", "=", followUpOfY).executeTakeFirstOrThrow();
    expect(row.done_at).toBeNull();
    // On its own case it works.
    const own = await request(server, "POST", `/faelle/${caseY}`, {
      cookie: cmCookie,
      body: form({ intent: "COMPLETE_FOLLOW_UP", followUpId: followUpOfY }),
    });
    expect(own.status).toBe(302);
  });
});

describe("session cookie", () => {
  test("lives no longer than the absolute session lifetime", async () => {
    const answer = await request(server, "POST", "/anmelden", {
      body: form({ username: "casemanager", password: DEMO_PASSWORD, redirectTo: "" }),
    });
    expect(answer.status).toBe(302);
    const setCookie = [answer.headers["set-cookie"] ?? []].flat().find((c) => c.startsWith("kim_session="));
    expect(setCookie).toBeDefined();
    const maxAge = /Max-Age=(\d+)/i.exec(setCookie ?? "")?.[1];
    // Either a session cookie (no Max-Age/Expires) or at most the absolute lifetime.
    if (maxAge !== undefined) expect(Number(maxAge)).toBeLessThanOrEqual(SESSION_ABSOLUTE_HOURS * 3600);
    else expect(setCookie).not.toMatch(/Expires=/i);
  });
});
