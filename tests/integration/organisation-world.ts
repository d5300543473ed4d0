// The demo organisations and accounts, a case of each organisation, and the calls that run a route's
// loader or action as a role's request would (row-level security: role kim_app with that actor,
// db/request-actor.ts). Shared by organisations.test.ts and organisation-matrix.test.ts.
import type { AppLoadContext } from "@remix-run/node";
import type { Kysely } from "kysely";
import type { Actor } from "../../db/access";
import { runAsActor } from "../../db/request-actor";
import type { Database } from "../../db/schema";
import { seedDemoUsers, seedReferenceData } from "../../db/seed/index";
import type { SessionUser } from "../../app/auth.server";
import { action as caseAction, loader as caseLoader } from "../../app/routes/faelle.$caseId";
import { openTestCase, rowVersionOf } from "./case-file-helpers";
import { type TestDatabase, createTestDatabase } from "./db";
import { routeContext } from "../support/load-context";

export type Who = "cmA" | "cmA2" | "cmB" | "leadA" | "leadB" | "coordinator" | "steering" | "admin" | "dataProtection" | "cmDrk";
export const USERNAMES: Record<Who, string> = {
  cmA: "casemanager", // Kreis (agreement "voll")
  cmA2: "casemanager2",
  cmB: "cm.haddad", // Caritas ("pseudonymisiert")
  leadA: "teamleitung",
  leadB: "teamleitung.caritas",
  coordinator: "koordination",
  steering: "lenkung",
  admin: "admin",
  dataProtection: "datenschutz",
  cmDrk: "cm.wagner", // DRK ("aggregiert")
};
export type CaseKey = "A" | "B" | "Drk";
/** Who opens the cases of each organisation (their case manager). */
export const OWNER: Record<CaseKey, Who> = { A: "cmA", B: "cmB", Drk: "cmDrk" };
export const CLIENT_B = { firstName: "Geheimname", lastName: "Pseudonymova", phone: "0151 7654321", birthDate: "1991-03-04" };

export interface RouteResult {
  status: number;
  body: unknown;
}

/** Call at module level; `setUp()` in beforeAll fills `users` and `cases`, `close()` in afterAll. */
export function organisationWorld() {
  let t: TestDatabase | undefined;
  const users = {} as Record<Who, SessionUser>;
  const cases = {} as Record<CaseKey, string>;
  const db = (): Kysely<Database> => {
    if (!t) throw new Error("organisationWorld: setUp() first");
    return t.db;
  };

  function actor(who: Who): Actor {
    const u = users[who];
    return { id: u.id, role: u.role, organisationId: u.organisationId };
  }

  function contextFor(who: Who): AppLoadContext {
    return routeContext(db(), users[who]);
  }

  /** Runs a loader or action as `who`'s request would; a thrown Response (404, 403, redirect) comes back as that Response. */
  async function call(who: Who, fn: () => Promise<unknown>): Promise<RouteResult> {
    try {
      const result = await runAsActor(actor(who), fn);
      if (result instanceof Response) return { status: result.status, body: await result.text() };
      // single-fetch `data()` results carry their status in `init`
      const wrapped = result as { type?: string; data?: unknown; init?: { status?: number } | null };
      if (wrapped && wrapped.type === "DataWithResponseInit") return { status: wrapped.init?.status ?? 200, body: wrapped.data };
      return { status: 200, body: result };
    } catch (thrown) {
      if (thrown instanceof Response) return { status: thrown.status, body: await thrown.text() };
      throw thrown;
    }
  }

  function openFile(who: Who, caseId: string) {
    return call(who, () => caseLoader({ request: new Request(`http://localhost/faelle/${caseId}`), context: contextFor(who), params: { caseId } }));
  }

  async function postCase(who: Who, caseId: string, fields: Record<string, string>) {
    const body = new URLSearchParams({ rowVersion: String(await rowVersionOf(db(), caseId)), ...fields });
    return call(who, () =>
      caseAction({
        request: new Request(`http://localhost/faelle/${caseId}`, { method: "POST", body }),
        context: contextFor(who),
        params: { caseId },
      }),
    );
  }

  async function caseRow(caseId: string) {
    return db()
      .selectFrom("cases")
      .select(["case_manager_id", "deputy_id", "organisation_id", "row_version"])
      .where("id", "=", caseId)
      .executeTakeFirstOrThrow();
  }

  /** A fresh case of `key`'s organisation, opened by its case manager. */
  async function openCaseOf(key: CaseKey, client: Parameters<typeof openTestCase>[2] = {}) {
    return (await openTestCase(db(), actor(OWNER[key]), client)).caseId;
  }

  async function setUp() {
    t = await createTestDatabase();
    await seedReferenceData(t.db);
    await seedDemoUsers(t.db);
    const rows = await t.db.selectFrom("users").select(["id", "username", "display_name", "role", "organisation_id"]).execute();
    for (const [who, username] of Object.entries(USERNAMES) as [Who, string][]) {
      const u = rows.find((r) => r.username === username);
      if (!u) throw new Error(`demo user ${username} missing`);
      users[who] = { id: u.id, username, displayName: u.display_name, role: u.role, organisationId: u.organisation_id };
    }
    cases.A = await openCaseOf("A");
    cases.B = await openCaseOf("B", { ...CLIENT_B });
    cases.Drk = await openCaseOf("Drk");
  }

  return {
    users,
    cases,
    get db() {
      return db();
    },
    actor,
    contextFor,
    call,
    openFile,
    postCase,
    caseRow,
    openCaseOf,
    setUp,
    close: async () => {
      await t?.close();
    },
  };
}
