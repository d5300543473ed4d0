// The access matrix of issue 8: every role × every case route and every form of the client file × a
// case of organisation A (Kreis, "voll"), of organisation B (Caritas, "pseudonymisiert") and of DRK
// ("aggregiert"), run as each role's request runs (row-level security, db/request-actor.ts).
// The expectation of each cell comes from RULE below, a small restatement of the documented rule
// (README "Organisations"), not from db/access.ts. The routes and intents are read from the code
// (app/routes, CASE_FILE_SCHEMAS): a new case route or form fails here until it has a row.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loader as caseLoader } from "../../app/routes/faelle.$caseId";
import { loader as exportLoader } from "../../app/routes/faelle.$caseId.auskunft";
import { loader as candidatesLoader } from "../../app/routes/faelle.$caseId.kandidaten";
import { loader as documentsLoader } from "../../app/routes/faelle.$caseId_.dokumente";
import { HISTORY_FILTER_PARAM } from "../../app/components/case-file/sections";
import { CASE_FILE_SCHEMAS, type CaseFileIntent } from "../../app/schemas/case-file";
import {
  CLOSURE_REASONS,
  CONSENT_GIVERS,
  CONTACT_TYPES,
  GENDERS,
  GOAL_STATUSES,
  IDENTITY_STEPS,
  NEED_DOMAINS,
  NEED_LEVELS,
  RESIDENCE_STATUSES,
  TARGET_GROUPS,
} from "../../workflows/vocabulary";
import { firstMunicipality, openActiveCase } from "./case-file-helpers";
import { type CaseKey, OWNER, type RouteResult, type Who, organisationWorld } from "./organisation-world";

const world = organisationWorld();
const { users, cases, contextFor, call, postCase, openCaseOf } = world;

const ROLES = ["cmA", "cmB", "leadA", "coordinator", "steering", "admin", "dataProtection"] as const satisfies readonly Who[];
type Role = (typeof ROLES)[number];
/** The cases each role is tried on: A and B for all, the DRK case ("aggregiert") for the coordination too. */
const CASES_OF = (who: Role): CaseKey[] => (who === "coordinator" ? ["A", "B", "Drk"] : ["A", "B"]);

// ---------------------------------------------------------------------------
// The rule, restated (README "Organisations"; ../shared/domain.md)

type Access = { read: "none" | "pseudonymised" | "full"; content: boolean; assign: boolean };
const NONE: Access = { read: "none", content: false, assign: false };
const RULE: Record<Role, Record<CaseKey, Access>> = {
  // own cases only (all test cases of A are opened by cmA, of B by cmB)
  cmA: { A: { read: "full", content: true, assign: false }, B: NONE, Drk: NONE },
  cmB: { A: NONE, B: { read: "full", content: true, assign: false }, Drk: NONE },
  // reads every case of the own organisation, assigns and transfers there, writes no content
  leadA: { A: { read: "full", content: false, assign: true }, B: NONE, Drk: NONE },
  // per agreement: A "voll" (read and write), B "pseudonymisiert" (no personal data, no content), DRK "aggregiert" (no case)
  coordinator: {
    A: { read: "full", content: true, assign: true },
    B: { read: "pseudonymised", content: false, assign: true },
    Drk: NONE,
  },
  steering: { A: NONE, B: NONE, Drk: NONE },
  admin: { A: NONE, B: NONE, Drk: NONE },
  dataProtection: { A: NONE, B: NONE, Drk: NONE },
};

/** What a form needs: case content, an assignment (TRANSFER), or either (SET_DEPUTY: the case manager names one, or an assignment). */
function mayPost(intent: CaseFileIntent, access: Access): boolean {
  if (intent === "TRANSFER") return access.assign;
  if (intent === "SET_DEPUTY") return access.content || access.assign;
  return access.content;
}

// ---------------------------------------------------------------------------
// Every case route (a GET; the client file's forms are the POSTs below)

interface CaseRoute {
  /** The personal view needs a full read (Art. 15 export, printed documents); the client file also shows a pseudonymised one. */
  needs: "full" | "any";
  /** False for a route that answers nothing of the case itself (the colleagues a form offers). */
  showsCase?: false;
  get(who: Who, caseId: string): Promise<RouteResult>;
}
type CaseLoader = typeof caseLoader | typeof exportLoader | typeof documentsLoader | typeof candidatesLoader;
const get = (who: Who, caseId: string, path: string, loader: CaseLoader) =>
  call(who, () => loader({ request: new Request(`http://localhost/faelle/${caseId}${path}`), context: contextFor(who), params: { caseId } }));
const ROUTES: Record<string, CaseRoute[]> = {
  "faelle.$caseId.tsx": [
    { needs: "any", get: (who, id) => get(who, id, "", caseLoader) },
    { needs: "any", get: (who, id) => get(who, id, `?${HISTORY_FILTER_PARAM}=kontakte`, caseLoader) },
  ],
  "faelle.$caseId.auskunft.tsx": [{ needs: "full", get: (who, id) => get(who, id, "/auskunft", exportLoader) }],
  "faelle.$caseId.kandidaten.tsx": [{ needs: "any", showsCase: false, get: (who, id) => get(who, id, "/kandidaten", candidatesLoader) }],
  "faelle.$caseId_.dokumente.tsx": [
    { needs: "full", get: (who, id) => get(who, id, "/dokumente", documentsLoader) },
    { needs: "full", get: (who, id) => get(who, id, "/dokumente?art=auskunft", documentsLoader) },
  ],
};

// ---------------------------------------------------------------------------
// A valid minimal form per intent (typed: a new intent does not compile without one)

const TODAY = "2026-01-05";
function first(values: readonly string[]): string {
  const value = values[0];
  if (value === undefined) throw new Error("empty vocabulary");
  return value;
}
type Fields = Record<string, string>;
interface Prepared {
  caseKey: CaseKey;
  caseId: string;
  /** The agreed goal of an active case (ACTIVE_INTENTS), else none. */
  goalId: string | null;
}
/** The forms tried on an active case (classified, assessed, one goal agreed): they need one to succeed. */
const ACTIVE_INTENTS = new Set<CaseFileIntent>([
  "EVALUATE_GOAL",
  "BEGIN_CLOSURE",
  "PAUSE",
  "PLAN_REFERRAL",
  "REFERRAL_SEND",
  "REFERRAL_ACCEPT",
  "REFERRAL_COMPLETE",
  "REFERRAL_DECLINE",
  "REFERRAL_CANCEL",
]);
const PAYLOADS: Record<CaseFileIntent, (p: Prepared) => Promise<Fields> | Fields> = {
  RECORD_CONTACT: () => ({ contactType: first(CONTACT_TYPES.values), minutes: "15" }),
  REJECT_NOT_ELIGIBLE: () => ({ reason: "Wohnort außerhalb des Kreises" }),
  CLASSIFY: () => ({ targetGroup: first(TARGET_GROUPS.values) }),
  CLOSE_NOT_TARGET_GROUP: () => ({}),
  RECORD_ASSESSMENT: () => ({ domain: first(NEED_DOMAINS.values), level: first(NEED_LEVELS.values) }),
  COMPLETE_ASSESSMENT: () => ({}),
  AGREE_GOAL: () => ({ title: "Deutschkurs beginnen", domain: first(NEED_DOMAINS.values) }),
  START_WORK: () => ({}),
  EVALUATE_GOAL: ({ goalId }) => ({ goalId: goalId ?? "", result: GOAL_STATUSES.values.find((s) => s !== "vereinbart") ?? "" }),
  BEGIN_CLOSURE: () => ({}),
  CANCEL_CLOSURE: () => ({}),
  CLOSE: () => ({ reason: CLOSURE_REASONS.values.find((r) => r !== "nicht_zustaendig") ?? "" }),
  TRANSFER: ({ caseKey }) => ({ toCaseManagerId: colleagueOf(caseKey) }),
  SET_DEPUTY: ({ caseKey }) => ({ deputyId: colleagueOf(caseKey) }),
  PAUSE: () => ({ reason: "Krankenhausaufenthalt" }),
  RESUME: () => ({}),
  RECLASSIFY: () => ({ targetGroup: TARGET_GROUPS.values.at(-1) ?? "" }),
  RECORD_IDENTITY_STEP: () => ({ step: first(IDENTITY_STEPS.values), occurredOn: TODAY }),
  REOPEN: () => ({ reason: "Neue Lage" }),
  UPDATE_CLIENT: async ({ caseId }) => {
    const client = await world.db
      .selectFrom("cases")
      .innerJoin("clients", "clients.id", "cases.client_id")
      .select([sql<string>`clients.updated_at::text`.as("version"), "clients.first_name", "clients.last_name"])
      .where("cases.id", "=", caseId)
      .executeTakeFirstOrThrow();
    return {
      clientVersion: client.version,
      firstName: client.first_name,
      lastName: `${client.last_name}-Neu`,
      gender: first(GENDERS.values),
      municipalityId: String(await firstMunicipality(world.db)),
      residenceStatus: first(RESIDENCE_STATUSES.values),
    };
  },
  PLAN_REFERRAL: async () => ({ partnerId: String(await partnerId()), needDomain: first(NEED_DOMAINS.values) }),
  REFERRAL_SEND: (p) => referralOf(p),
  REFERRAL_ACCEPT: (p) => referralOf(p),
  REFERRAL_COMPLETE: (p) => referralOf(p),
  REFERRAL_DECLINE: async (p) => ({ ...(await referralOf(p)), reason: "Keine Plätze frei" }),
  REFERRAL_CANCEL: (p) => referralOf(p),
  ADD_CONSENT: async () => ({ partnerId: String(await partnerId()), scope: "Weitergabe an die Beratungsstelle", givenAt: TODAY, givenBy: first(CONSENT_GIVERS.values) }),
  REVOKE_CONSENT: async (p) => ({ consentId: await preparedRow(p, "ADD_CONSENT", "consents") }),
  ADD_FOLLOW_UP: () => ({ dueOn: TODAY, note: "Nachfragen" }),
  COMPLETE_FOLLOW_UP: async (p) => ({ followUpId: await preparedRow(p, "ADD_FOLLOW_UP", "follow_ups") }),
  RECORD_RESIDENCE: () => ({ status: first(RESIDENCE_STATUSES.values) }),
};

/** The active colleague a TRANSFER / SET_DEPUTY names: a case manager of the case's organisation (DRK: never reached). */
function colleagueOf(caseKey: CaseKey): string {
  return caseKey === "B" ? colleagueB : users.cmA2.id;
}
let colleagueB = "";

async function partnerId(): Promise<number> {
  return (await world.db.selectFrom("partners").select("id").orderBy("id").executeTakeFirstOrThrow()).id;
}

/** A row the form acts on, created beforehand by the case's own case manager through the same action. */
async function preparedRow(p: Prepared, creating: "ADD_CONSENT" | "ADD_FOLLOW_UP" | "PLAN_REFERRAL", table: "consents" | "follow_ups" | "referrals") {
  const owner = OWNER[p.caseKey];
  // consents belong to the client, follow-ups and referrals to the case
  const ids = async () =>
    table === "consents"
      ? (
          await world.db
            .selectFrom("consents")
            .select("id")
            .where("client_id", "=", world.db.selectFrom("cases").select("client_id").where("id", "=", p.caseId))
            .execute()
        ).map((r) => r.id)
      : (await world.db.selectFrom(table).select("id").where("case_id", "=", p.caseId).execute()).map((r) => r.id);
  const before = await ids();
  const created = await postCase(owner, p.caseId, { intent: creating, ...(await PAYLOADS[creating](p)) });
  expect([302, 303], `${creating} as ${owner}: ${JSON.stringify(created.body)}`).toContain(created.status);
  const id = (await ids()).find((i) => !before.includes(i));
  if (!id) throw new Error(`${creating} wrote no row`);
  return id;
}

async function referralOf(p: Prepared): Promise<Fields> {
  const referralId = await preparedRow(p, "PLAN_REFERRAL", "referrals");
  const row = await world.db.selectFrom("referrals").select("row_version").where("id", "=", referralId).executeTakeFirstOrThrow();
  return { referralId, referralVersion: String(row.row_version) };
}

// ---------------------------------------------------------------------------
// What a refusal must leave untouched, and what it must not show

/** Every row keyed by the case (a digest of each table with a case_id column), the case's and the client's rows. */
async function footprint(caseId: string): Promise<string> {
  const { client_id: clientId } = await world.db.selectFrom("cases").select("client_id").where("id", "=", caseId).executeTakeFirstOrThrow();
  const tables = await sql<{ table_name: string; column_name: "case_id" | "client_id" }>`
    SELECT table_name, column_name FROM information_schema.columns
    WHERE column_name IN ('case_id', 'client_id') AND table_schema = current_schema()
      AND table_name NOT IN ('audit_log', 'cases') AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE')
    ORDER BY table_name, column_name`.execute(world.db);
  const counts: Record<string, unknown> = {};
  for (const { table_name, column_name } of tables.rows) {
    const key = column_name === "case_id" ? caseId : clientId;
    const got = await sql<{ n: string }>`
      SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') AS n
      FROM ${sql.table(table_name)} t WHERE ${sql.ref(`t.${column_name}`)} = ${key}`.execute(world.db);
    counts[`${table_name}.${column_name}`] = got.rows[0]?.n;
  }
  const own = await sql`
    SELECT cases::text AS case_row, clients::text AS client_row
    FROM cases JOIN clients ON clients.id = cases.client_id WHERE cases.id = ${caseId}`.execute(world.db);
  return JSON.stringify({ counts, own: own.rows });
}

/** The identifying texts of a case: what no refusal (and no pseudonymised view) may contain. */
async function secretsOf(caseId: string): Promise<string[]> {
  const c = await world.db
    .selectFrom("cases")
    .innerJoin("clients", "clients.id", "cases.client_id")
    .select(["clients.first_name", "clients.last_name", "clients.aktenzeichen"])
    .where("cases.id", "=", caseId)
    .executeTakeFirstOrThrow();
  return [c.first_name, c.last_name, c.aktenzeichen];
}

async function lastAuditId(): Promise<number> {
  const row = await world.db.selectFrom("audit_log").select((eb) => eb.fn.max("id").as("id")).executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** The audit rows written for `who` since `after`. */
async function auditSince(after: number, who: Who) {
  return world.db
    .selectFrom("audit_log")
    .select(["action", "object_id", "outcome"])
    .where("id", ">", after)
    .where("actor_id", "=", users[who].id)
    .execute();
}

/** A refusal: the status, nothing of the case in the answer, nothing written, one denied audit row. */
async function expectRefused(who: Who, caseId: string, statuses: number[], run: () => Promise<RouteResult>) {
  const [before, auditBefore, secrets] = [await footprint(caseId), await lastAuditId(), await secretsOf(caseId)];
  const got = await run();
  expect(statuses, JSON.stringify(got.body).slice(0, 300)).toContain(got.status);
  const text = JSON.stringify(got.body);
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(await footprint(caseId)).toBe(before);
  const audited = await auditSince(auditBefore, who);
  expect(audited.filter((a) => a.outcome === "denied"), JSON.stringify(audited)).not.toHaveLength(0);
}

// ---------------------------------------------------------------------------

beforeAll(async () => {
  await world.setUp();
  colleagueB = (await world.db.selectFrom("users").select("id").where("username", "=", "cm.hoffmann").executeTakeFirstOrThrow()).id;
  // pseudonymised views must not show a name that happens to be a common word
  await world.db.updateTable("clients").set({ first_name: "Vertraulia", last_name: "Geheimova" }).where("id", "=", world.db.selectFrom("cases").select("client_id").where("id", "=", cases.B)).execute();
});
afterAll(async () => {
  await world.close();
});

describe("the matrix covers what the code offers", () => {
  test("every route with a case id has rows here", () => {
    const routes = readdirSync(join(__dirname, "../../app/routes")).filter((f) => f.includes("$caseId"));
    expect(routes.sort()).toEqual(Object.keys(ROUTES).sort());
  });
});

describe.each(Object.keys(ROUTES))("GET %s", (route) => {
  const cells = ROLES.flatMap((who) => CASES_OF(who).flatMap((caseKey) => ROUTES[route]!.map((r, variant) => ({ who, caseKey, variant, r }))));
  test.each(cells.map((c) => [c.who, c.caseKey, c.variant, c] as const))("%s on case %s (variant %i)", async (who, caseKey, _v, { r }) => {
    const access = RULE[who][caseKey];
    const caseId = cases[caseKey];
    const allowed = r.needs === "full" ? access.read === "full" : access.read !== "none";
    if (!allowed) {
      await expectRefused(who, caseId, [403, 404], () => r.get(who, caseId));
      return;
    }
    const got = await r.get(who, caseId);
    expect(got.status).toBe(200);
    const text = typeof got.body === "string" ? got.body : JSON.stringify(got.body);
    const [firstName = "", lastName = "", aktenzeichen = ""] = await secretsOf(caseId);
    if (r.showsCase === false) {
      for (const secret of [firstName, lastName, aktenzeichen]) expect(text).not.toContain(secret);
      expect(text).toContain("deputyCandidates");
      return;
    }
    expect(text).toContain(aktenzeichen);
    if (access.read === "pseudonymised") {
      expect(text).not.toContain(firstName);
      expect(text).not.toContain(lastName);
    } else {
      expect(text).toContain(lastName);
    }
  });
});

describe.each(Object.keys(CASE_FILE_SCHEMAS) as CaseFileIntent[])("POST the client file, intent %s", (intent) => {
  // fresh cases per intent, so a step that closes or transfers a case does not bear on the next form
  const fresh = {} as Record<CaseKey, { caseId: string; goalId: string | null }>;
  beforeAll(async () => {
    for (const key of ["A", "B", "Drk"] as const) {
      fresh[key] = ACTIVE_INTENTS.has(intent)
        ? await openActiveCase(world.db, world.actor(OWNER[key]))
        : { caseId: await openCaseOf(key), goalId: null };
    }
  });
  const cells = ROLES.flatMap((who) => CASES_OF(who).map((caseKey) => ({ who, caseKey, allowed: mayPost(intent, RULE[who][caseKey]) })));
  // refusals first: an allowed step (a transfer) may change the case the later cells see
  cells.sort((a, b) => Number(a.allowed) - Number(b.allowed));
  test.each(cells.map((c) => [c.who, c.caseKey, c.allowed ? "allowed" : "refused", c] as const))(
    "%s on case %s: %s",
    async (who, caseKey, _label, { allowed }) => {
      const { caseId, goalId } = fresh[caseKey];
      const fields = { intent, ...(await PAYLOADS[intent]({ caseKey, caseId, goalId })) };
      const access = RULE[who][caseKey];
      if (!allowed) {
        // not visible: 404; visible but not theirs to change: 403 (the services of referrals, consents,
        // follow-ups and residence answer 404 for a case the actor may not write, also fine: nothing shown)
        await expectRefused(who, caseId, access.read === "none" ? [404] : [403, 404], () => postCase(who, caseId, fields));
        return;
      }
      const before = await footprint(caseId);
      const got = await postCase(who, caseId, fields);
      // allowed: never refused for access; a step the case's phase does not offer yet is 409/422 (not
      // every form can succeed on a fresh intake), bad input would be 400 (none here: the forms are valid)
      expect([302, 303, 409, 422], JSON.stringify(got.body).slice(0, 300)).toContain(got.status);
      if (got.status < 400) expect(await footprint(caseId)).not.toBe(before);
    },
  );
});
