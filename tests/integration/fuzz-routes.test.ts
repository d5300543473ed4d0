// Property-based fuzzing of every route (fast-check, fixed seed, bounded runs): generated hostile values
// — invalid UTF-8, NUL and other control characters, very long strings, wrong types, impossible dates,
// foreign and unknown ids, unknown intents — go to every loader and every action of every route in
// app/routes, as a signed-in user of each role, over HTTP to the real express app. For every request:
//   - status < 500 and no stack trace or error line in the server log;
//   - a refusal (4xx) answers in German (never Express's or Remix's English defaults);
//   - a refused request writes nothing (row counts and contents of every content table unchanged);
//   - a GET never writes.
// The routes are listed from the app/routes directory (and must match the build), so a new route is
// fuzzed without anyone adding it. Field names and intents are read from the app's sources and schemas.
//
// FUZZ_RUNS (default 3) requests per route and role (GET or POST, page or `.data`); FUZZ_SEED (default 20261202) the seed. A failure
// prints the seed and path, so `FUZZ_SEED=… FUZZ_RUNS=…` replays it.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CASE_FILE_SCHEMAS } from "~/schemas/case-file";
import { CASELOAD_PARAMS } from "../../workflows/caseload-query";
import { ROLES as ROLE_LIST, type Role } from "../../workflows/vocabulary";
import { root } from "./build";
import { type DemoActors, openActiveCase, seedActors } from "./case-file-helpers";
import { type TestDatabase, createTestDatabase } from "./db";
import { type HttpAnswer, type TestServer, fingerprint, request, sessionCookie, stackTraceLines, startTestServer } from "./http";

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.FUZZ_RUNS ?? 3);
/** Every role the app knows: a new role is fuzzed without anyone adding it here. */
const ROLES: readonly Role[] = ROLE_LIST.values;

// ---------------------------------------------------------------------------
// What the app has: routes, field names, intents (read from the sources, not listed by hand)

const routesDir = path.join(root, "app", "routes");
const routeFiles = readdirSync(routesDir).filter((f) => /\.tsx?$/.test(f) && !f.includes(".test."));
const filesIn = (...dir: string[]) => readdirSync(path.join(root, ...dir)).map((f) => path.join(root, ...dir, f));
const sourceFiles = [
  ...routeFiles.map((f) => path.join(routesDir, f)),
  ...filesIn("app", "schemas"),
  ...filesIn("app", "components", "case-file"),
  ...filesIn("app", "reports"),
];
const sources = sourceFiles.map((f) => readFileSync(f, "utf8")).join("\n");

const FIELD_NAMES = [
  ...new Set([
    "intent",
    "rowVersion",
    "redirectTo",
    ...[...sources.matchAll(/^\s+(\w+): (?:z\.|requiredText|optionalText|choice|uuid\(|rowVersion|requiredDate|optionalDate|partnerId|id\(|pastDate|requiredName)/gm)].map((m) => m[1] as string),
    ...[...sources.matchAll(/name="(\w+)"/g)].map((m) => m[1] as string),
    ...[...sources.matchAll(/\.get\("(\w+)"\)/g)].map((m) => m[1] as string),
    ...Object.values(CASELOAD_PARAMS),
  ]),
].sort();

const INTENTS = [
  ...new Set([
    ...Object.keys(CASE_FILE_SCHEMAS),
    ...[...sources.matchAll(/z\.literal\("([^"]+)"\)/g)].map((m) => m[1] as string),
    ...[...sources.matchAll(/intent: z\.enum\(\[([^\]]*)\]/g)].flatMap((m) => [...(m[1] ?? "").matchAll(/"([^"]+)"/g)].map((n) => n[1] as string)),
    ...[...sources.matchAll(/get\("intent"\) === "([^"]+)"/g)].map((m) => m[1] as string),
  ]),
].sort();

// ---------------------------------------------------------------------------
// Hostile values (already %-encoded where they are bytes no browser would send)

/** Raw (already encoded) fragments for a query string or form body. */
const HOSTILE_ENCODED = [
  "%FF%FE", // not UTF-8
  "%C3%28", // broken 2-byte sequence
  "%ED%A0%80", // a UTF-16 surrogate in UTF-8
  "%C0%AF", // overlong "/"
  "%F4%90%80%80", // above U+10FFFF
  "a%00b", // NUL
  "%01%02%1B%7F", // C0 controls and DEL
  "%C2%85", // C1 control (NEL)
  "%0D%0AX-Injected:%201", // header injection
  "%", // a lone percent sign
  "%G1",
  "%E2%80%AE", // right-to-left override (allowed: a printable format character)
];

/** %-encodes like a browser; a lone surrogate (which a browser cannot send) becomes its invalid UTF-8 bytes. */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return "%ED%B0%80";
  }
}

const jsString = fc.string({ unit: "binary", maxLength: 40 });
const longString = fc.integer({ min: 1_000, max: 20_000 }).map((n) => "Ä".repeat(n));
const hugeString = fc.constant("x".repeat(300_000));

function valueArb(ids: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_ENCODED) },
    { weight: 2, arbitrary: jsString.map(encode) },
    { weight: 1, arbitrary: longString.map(encode) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom("abc", "-1", "0", "1e309", "NaN", "9007199254740993", "2147483648", "[]", "{}", "true", "null", "on", " ", "")
        .map(encode),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom("2026-02-30", "2026-13-01", "0000-00-00", "31.02.2026", "9999-12-31", "1899-12-31", "2026-1-1", "heute")
        .map(encode),
    },
    { weight: 2, arbitrary: fc.constantFrom(...ids) },
    { weight: 1, arbitrary: fc.uuid().map(String) },
    { weight: 2, arbitrary: fc.constantFrom(...INTENTS) },
    { weight: 1, arbitrary: fc.constantFrom("' OR 1=1--", "<script>alert(1)</script>", "../../etc/passwd", "%2F%2Fevil.example").map(encode) },
  );
}

interface HostileRequest {
  pairs: Array<[string, string]>;
  /** A body that is not a form, a form too large, or none. */
  shape: "form" | "json" | "multipart" | "none" | "huge";
  dataRequest: boolean;
}

function requestArb(ids: string[]): fc.Arbitrary<HostileRequest> {
  const name = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...FIELD_NAMES) }, { weight: 1, arbitrary: fc.constantFrom("_data", "%00", "%FF", "a%0Ab") });
  const pair = fc.tuple(name, valueArb(ids));
  return fc.record({
    pairs: fc
      .tuple(fc.constantFrom(...INTENTS), fc.array(pair, { minLength: 0, maxLength: 8 }))
      .map(([intent, rest]) => [["intent", intent] as [string, string], ...rest]),
    shape: fc.oneof(
      { weight: 12, arbitrary: fc.constant("form" as const) },
      { weight: 1, arbitrary: fc.constantFrom("json" as const, "multipart" as const, "none" as const) },
      { weight: 1, arbitrary: hugeString.map(() => "huge" as const) },
    ),
    dataRequest: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  });
}

function paramArb(name: string, ids: Record<string, string[]>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...(ids[name] ?? ["x"])) },
    { weight: 1, arbitrary: fc.uuid().map(String) },
    { weight: 1, arbitrary: fc.constantFrom("abc", "%FF", "a%00b", "neu", "0", "-1", "99999999999", "%2E%2E", "1%0A2") },
  );
}

// ---------------------------------------------------------------------------

const ENGLISH_DEFAULTS = /Bad Request|Internal Server Error|Unexpected Server Error|Cannot (GET|POST)|Method Not Allowed|Payload Too Large|Unsupported Media Type/;
const GERMAN = /Bitte|nicht|ungültig|Steuerzeichen|Berechtigung|Fehler|Anfrage|Daten|gefunden|Zeichen|angemeldet|Anmelden/;

let tdb: TestDatabase;
let server: TestServer;
let actors: DemoActors;
let ids: Record<string, string[]> = {};
let valueIds: string[] = [];
let userOf: Record<Role, string>;

beforeAll(async () => {
  tdb = await createTestDatabase();
  actors = await seedActors(tdb.db);
  const own = await openActiveCase(tdb.db, actors.cm);
  const foreign = await openActiveCase(tdb.db, actors.cm2);
  const users = await tdb.db.selectFrom("users").select("id").limit(3).execute();
  const partners = await tdb.db.selectFrom("partners").select("id").limit(3).execute();
  ids = {
    caseId: [own.caseId, foreign.caseId],
    userId: users.map((u) => u.id),
    findingId: ["00000000-0000-4000-8000-000000000000"],
    partnerId: [...partners.map((p) => String(p.id)), "neu"],
    "*": ["gibt/es/nicht", "faelle/x/y"],
  };
  valueIds = [own.caseId, foreign.caseId, own.goalId, foreign.goalId, ...users.map((u) => u.id), ...partners.map((p) => String(p.id))];
  // One demo account per role (the first by user name), for every role in the vocabulary.
  const accounts = await tdb.db.selectFrom("users").select(["id", "role"]).where("active", "=", true).orderBy("username").execute();
  userOf = Object.fromEntries(
    ROLES.map((role) => {
      const account = accounts.find((a) => a.role === role);
      if (!account) throw new Error(`no demo account with role ${role}`);
      return [role, account.id];
    }),
  ) as Record<Role, string>;
  server = await startTestServer(tdb.db);
});

afterAll(async () => {
  await server?.close();
  await tdb?.close();
});

/** The route ids of the files in app/routes, as the Remix compiler names them. */
function routeIdsFromFiles(): string[] {
  return routeFiles.map((f) => `routes/${f.replace(/\.tsx?$/, "")}`).sort();
}

function urlPathOf(routeId: string, params: Record<string, string>): string {
  const route = server.routes.patterns.find((p) => p.id === routeId);
  if (!route) throw new Error(`no pattern for ${routeId}`);
  const parts = route.segments.map((s) => (s.kind === "static" ? s.text : s.kind === "param" ? (params[s.name] ?? "x") : (params["*"] ?? "")));
  return `/${parts.join("/")}`;
}

function bodyOf(req: HostileRequest): { body?: string | Buffer; contentType?: string | null } {
  const text = req.pairs.map(([k, v]) => `${k}=${v}`).join("&");
  switch (req.shape) {
    case "form":
      return { body: text };
    case "json":
      return { body: JSON.stringify(Object.fromEntries(req.pairs)), contentType: "application/json" };
    case "multipart":
      return { body: text, contentType: "multipart/form-data" };
    case "none":
      return { body: "", contentType: null };
    case "huge":
      return { body: `intent=x&note=${"x".repeat(300_000)}` };
  }
}

function check(answer: HttpAnswer, log: string[], what: string) {
  expect(answer.status, what).toBeLessThan(500);
  // Nothing at all on stderr: no stack trace, no "[error]" line.
  expect(stackTraceLines(log), what).toEqual([]);
  expect(log, what).toEqual([]);
  if (answer.status >= 400) {
    expect(answer.text, what).not.toMatch(ENGLISH_DEFAULTS);
    // Data requests answer Remix's encoded data; pages and plain refusals answer a German sentence.
    if (!what.includes(".data")) expect(answer.text, what).toMatch(GERMAN);
  }
}

describe("fuzzing every route", () => {
  test("the routes in app/routes are the routes of the build (a stale build would skip new routes)", () => {
    const built = Object.keys(server.build.routes).filter((id) => id !== "root").sort();
    expect(built).toEqual(routeIdsFromFiles());
    expect(FIELD_NAMES.length).toBeGreaterThan(30);
    expect(INTENTS.length).toBeGreaterThan(30);
  });

  test.each(routeIdsFromFiles())("%s: hostile loader and action requests of every role", async (routeId) => {
    const module = server.build.routes[routeId]?.module;
    expect(module, routeId).toBeDefined();
    const pattern = server.routes.patterns.find((p) => p.id === routeId);
    const paramNames = (pattern?.segments ?? []).flatMap((s) => (s.kind === "param" ? [s.name] : s.kind === "splat" ? ["*"] : []));
    const paramsArb = fc.record(Object.fromEntries(paramNames.map((n) => [n, paramArb(n, ids)])) as Record<string, fc.Arbitrary<string>>);
    for (const role of ROLES) {
      // Every request is followed by a fingerprint of the content tables: a GET or a refused request
      // must leave it as it was; a successful POST (a hostile value can still be a valid one) moves it on.
      let baseline = await fingerprint(tdb.db);
      const property = fc.asyncProperty(
        paramsArb,
        requestArb(valueIds),
        fc.constantFrom("GET" as const, "POST" as const),
        async (params, hostile, method) => {
          const cookie = await sessionCookie(server, userOf[role]);
          const routePath = urlPathOf(routeId, params);
          const dataPath = routePath === "/" ? "/_root.data" : `${routePath}.data`;
          const target = hostile.dataRequest ? dataPath : routePath;
          const query = method === "GET" ? hostile.pairs.map(([k, v]) => `${k}=${v.slice(0, 2000)}`).join("&") : "";
          const url = query ? `${target}?${query}` : target;
          const logged = server.errorLog.length;
          const answer = await request(server, method, url, { cookie, ...(method === "POST" ? bodyOf(hostile) : {}) });
          const what = `${role} ${method} ${url.slice(0, 300)} (${hostile.shape}) → ${answer.status}`;
          check(answer, server.errorLog.slice(logged), what);
          const after = await fingerprint(tdb.db);
          if (method === "GET" || answer.status >= 400) expect(after, `${what}: nothing written`).toEqual(baseline);
          baseline = after;
        },
      );
      await fc.assert(property, { seed: SEED, numRuns: RUNS, endOnFailure: true });
    }
  });
});
