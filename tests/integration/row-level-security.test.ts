// Row-level security (migration 0014, db/request-actor.ts, db/connection.ts): PostgreSQL enforces the
// access rule of db/access.ts a second time. Inside an actor's scope a query that forgets its WHERE still
// returns only that actor's rows, writes to other cases touch nothing, and outside any scope (migrations,
// seed, jobs) the system sees everything. Runs on the demo organisations: Kreis team (voll), Caritas
// (pseudonymisiert), DRK (aggregiert).
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Actor, caseVisibleTo } from "../../db/access";
import { listAuditLog } from "../../db/audit-log";
import { applyCaseEvent } from "../../db/case-service";
import { openDatabase } from "../../db/connection";
import { findPossibleDuplicates } from "../../db/duplicates";
import { migrateToLatest } from "../../db/migrate";
import { runAsActor, runInRequestScope } from "../../db/request-actor";
import type { Database } from "../../db/schema";
import { getTeamOverview } from "../../db/team";
import { DEFAULT_AUDIT_QUERY } from "../../workflows/audit-query";
import { openActiveCase, openTestCase, rowVersionOf } from "./case-file-helpers";
import { type TestDatabase, createTestDatabase } from "./db";
import { seedDemoUsers, seedReferenceData } from "../../db/seed/index";

/** Every table that holds case content: row-level security on, and forced (the owner is bound too). */
const CASE_BEARING_TABLES = [
  "cases",
  "clients",
  "case_events",
  "assessments",
  "goals",
  "referrals",
  "contacts",
  "follow_ups",
  "consents",
  "identity_steps",
  "organisation_transfers",
  "audit_log",
  "residence_documents",
  "report_residence_transition_facts",
  "report_residence_deadline_facts",
] as const;

/**
 * Tables with a case_id or client_id column that hold no case content: aggregates for the report (read
 * through the owner's report views) and structural findings (no client). Any other such table must be in
 * CASE_BEARING_TABLES: the test below fails for a new table that was forgotten.
 */
const CASE_KEYED_WITHOUT_CONTENT = ["report_cases", "report_case_intervals", "structural_findings"];

/** Tables whose rows belong to one case through case_id. */
const CASE_CONTENT_TABLES = ["case_events", "assessments", "goals", "contacts"] as const;

const USERS = {
  cmKreis: "casemanager",
  cmKreis2: "casemanager2",
  cmCaritas: "cm.haddad",
  cmDrk: "cm.wagner",
  leadKreis: "teamleitung",
  leadCaritas: "teamleitung.caritas",
  coordinator: "koordination",
  steering: "lenkung",
  admin: "admin",
  dataProtection: "datenschutz",
} as const;
type Who = keyof typeof USERS;

let t: TestDatabase;
let db: Kysely<Database>;
const actors = {} as Record<Who, Actor>;
const cases = {} as Record<"kreis" | "kreis2WithDeputy" | "caritas" | "drk", { caseId: string; clientId: string }>;

async function flags(on: Kysely<Database>) {
  const { rows } = await sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>`
    SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
    WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND relname IN (${sql.join([...CASE_BEARING_TABLES])})
    ORDER BY relname`.execute(on);
  return rows;
}

function expectAllForced(rows: Awaited<ReturnType<typeof flags>>) {
  expect(rows.map((r) => r.relname).sort()).toEqual([...CASE_BEARING_TABLES].sort());
  for (const row of rows) expect(row, row.relname).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
}

/** The case ids the rule of db/access.ts gives the actor (read as the system). */
async function ruleCaseIds(actor: Actor): Promise<string[]> {
  const rows = await db.selectFrom("cases").select("id").where((eb) => caseVisibleTo(eb, actor)).execute();
  return rows.map((r) => r.id).sort();
}

/** A query that forgot its WHERE, run as the actor. */
async function allCaseIdsAs(actor: Actor): Promise<string[]> {
  const rows = await runAsActor(actor, () => db.selectFrom("cases").selectAll().execute());
  return rows.map((r) => r.id).sort();
}

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  await seedReferenceData(db);
  await seedDemoUsers(db);
  const users = await db.selectFrom("users").select(["id", "username", "role", "organisation_id"]).execute();
  for (const [key, username] of Object.entries(USERS) as [Who, string][]) {
    const u = users.find((x) => x.username === username);
    if (!u) throw new Error(`demo user ${username} missing`);
    actors[key] = { id: u.id, role: u.role, organisationId: u.organisation_id };
  }
  cases.kreis = await openActiveCase(db, actors.cmKreis);
  cases.kreis2WithDeputy = await openTestCase(db, actors.cmKreis2, { lastName: "Vertretung" });
  await db.updateTable("cases").set({ deputy_id: actors.cmKreis.id }).where("id", "=", cases.kreis2WithDeputy.caseId).execute();
  cases.caritas = await openActiveCase(db, actors.cmCaritas);
  cases.drk = await openActiveCase(db, actors.cmDrk);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe("row-level security is on", () => {
  test(`on every case-bearing table (${CASE_BEARING_TABLES.length}) of a fresh database, PostgreSQL and PGlite: enabled and forced`, async () => {
    expectAllForced(await flags(db));
    // The test database is one of the two kinds; on a PostgreSQL run a fresh embedded database shows the other.
    if (t.kind === "pglite") return;
    const fresh = await openDatabase({ pgliteDir: "memory://" });
    try {
      await migrateToLatest(fresh.db);
      expectAllForced(await flags(fresh.db));
    } finally {
      await fresh.close();
    }
  }, 180_000);

  test("every table keyed by case or client is either case-bearing (forced) or named as holding no content", async () => {
    const { rows } = await sql<{ table_name: string }>`
      SELECT DISTINCT table_name FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name IN ('case_id', 'client_id')
        AND table_name IN (SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r')
      ORDER BY table_name`.execute(db);
    const keyed = rows.map((r) => r.table_name);
    const unaccounted = keyed.filter(
      (name) => !(CASE_BEARING_TABLES as readonly string[]).includes(name) && !CASE_KEYED_WITHOUT_CONTENT.includes(name),
    );
    expect(unaccounted).toEqual([]);
  });

  test("requests run as kim_app: no superuser, no BYPASSRLS, owns no table; the system is the login role", async () => {
    const { rows } = await sql<{ rolsuper: boolean; rolbypassrls: boolean; rolcanlogin: boolean; owned: number }>`
      SELECT rolsuper, rolbypassrls, rolcanlogin,
        (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid) AS owned
      FROM pg_roles r WHERE rolname = 'kim_app'`.execute(db);
    expect(rows).toEqual([{ rolsuper: false, rolbypassrls: false, rolcanlogin: false, owned: 0 }]);
    const asActor = await runAsActor(actors.cmKreis, () =>
      sql<{ role: string; actor: string }>`SELECT current_user AS role, current_setting('kim.actor_id') AS actor`.execute(db),
    );
    expect(asActor.rows).toEqual([{ role: "kim_app", actor: actors.cmKreis.id }]);
    const asSystem = await sql<{ role: string }>`SELECT current_user AS role`.execute(db);
    expect(asSystem.rows[0]?.role).not.toBe("kim_app");
  });
});

describe("a query that forgets its WHERE returns only the actor's rows", () => {
  test.each(Object.keys(USERS) as Who[])("cases, as %s: exactly what db/access.ts allows", async (who) => {
    const actor = actors[who];
    expect(await allCaseIdsAs(actor)).toEqual(await ruleCaseIds(actor));
  });

  test("which is: own and deputy cases; the Teamleitung's organisation; the coordination without 'aggregiert'; no case for the others", async () => {
    const ids = (...keys: (keyof typeof cases)[]) => keys.map((k) => cases[k].caseId).sort();
    expect(await allCaseIdsAs(actors.cmKreis)).toEqual(ids("kreis", "kreis2WithDeputy"));
    expect(await allCaseIdsAs(actors.cmKreis2)).toEqual(ids("kreis2WithDeputy"));
    expect(await allCaseIdsAs(actors.cmCaritas)).toEqual(ids("caritas"));
    expect(await allCaseIdsAs(actors.leadKreis)).toEqual(ids("kreis", "kreis2WithDeputy"));
    expect(await allCaseIdsAs(actors.leadCaritas)).toEqual(ids("caritas"));
    expect(await allCaseIdsAs(actors.coordinator)).toEqual(ids("kreis", "kreis2WithDeputy", "caritas"));
    for (const who of ["steering", "admin", "dataProtection"] as const) expect(await allCaseIdsAs(actors[who])).toEqual([]);
  });

  test.each(CASE_CONTENT_TABLES)("%s: only rows of the actor's cases", async (table) => {
    for (const who of ["cmKreis", "cmCaritas", "coordinator", "steering"] as const) {
      const visible = await ruleCaseIds(actors[who]);
      const seen = await runAsActor(actors[who], () => db.selectFrom(table).select("case_id").execute());
      const all = await db.selectFrom(table).select("case_id").execute();
      expect(seen.map((r) => r.case_id).sort(), `${table} as ${who}`).toEqual(
        all.map((r) => r.case_id).filter((id) => visible.includes(id)).sort(),
      );
    }
    // the system sees every row (at least those of the three active cases)
    expect((await db.selectFrom(table).select("case_id").distinct().execute()).length).toBeGreaterThanOrEqual(3);
  });

  test("clients and consents: only those with a case the actor sees", async () => {
    const clientIds = await runAsActor(actors.cmCaritas, () => db.selectFrom("clients").select("id").execute());
    expect(clientIds.map((r) => r.id)).toEqual([cases.caritas.clientId]);
    const coordinatorClients = await runAsActor(actors.coordinator, () => db.selectFrom("clients").select("id").execute());
    expect(coordinatorClients.map((r) => r.id)).not.toContain(cases.drk.clientId);
    expect(await runAsActor(actors.steering, () => db.selectFrom("clients").select("id").execute())).toEqual([]);
    const consents = await runAsActor(actors.cmKreis, () => db.selectFrom("consents").select("client_id").execute());
    for (const c of consents) expect([cases.kreis.clientId, cases.kreis2WithDeputy.clientId]).toContain(c.client_id);
  });

  test("audit rows: the data-protection officer reads all; a case manager only those about their cases", async () => {
    const total = Number((await db.selectFrom("audit_log").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
    const asDp = await runAsActor(actors.dataProtection, () => db.selectFrom("audit_log").select("id").execute());
    expect(asDp.length).toBe(total);
    const asCm = await runAsActor(actors.cmCaritas, () => db.selectFrom("audit_log").select(["object_id", "detail"]).execute());
    expect(asCm.length).toBeGreaterThan(0);
    for (const row of asCm) {
      const about = row.object_id === cases.caritas.caseId || row.object_id === cases.caritas.clientId || JSON.stringify(row.detail ?? {}).includes(cases.caritas.caseId);
      expect(about, JSON.stringify(row)).toBe(true);
    }
  });

  test("a request before its session is known (no actor) sees no case-bearing row at all", async () => {
    await runInRequestScope({ actor: null }, async () => {
      for (const table of CASE_BEARING_TABLES) {
        expect(await db.selectFrom(table).select(sql`1`.as("x")).execute(), table).toEqual([]);
      }
    });
  });

  test("the system (outside any request: migrations, seed, jobs) sees every row", async () => {
    expect((await db.selectFrom("cases").select("id").execute()).length).toBe(4);
    expect((await db.selectFrom("clients").select("id").execute()).length).toBe(4);
  });
});

describe("writes to a case the actor does not see affect no row", () => {
  test("update and delete of cases, clients and case content by a case manager of another organisation", async () => {
    const { caseId, clientId } = await openActiveCase(db, actors.cmCaritas);
    const contactsBefore = await db.selectFrom("contacts").select("id").where("case_id", "=", caseId).execute();
    await runAsActor(actors.cmKreis, async () => {
      const updated = await db.updateTable("cases").set({ deputy_id: actors.cmKreis.id }).where("id", "=", caseId).executeTakeFirst();
      expect(updated.numUpdatedRows).toBe(0n);
      const everyCase = await db.updateTable("cases").set({ updated_at: new Date() }).executeTakeFirst();
      expect(everyCase.numUpdatedRows).toBe(2n); // the forgotten WHERE again: only the actor's own two
      const client = await db.updateTable("clients").set({ first_name: "Geändert" }).where("id", "=", clientId).executeTakeFirst();
      expect(client.numUpdatedRows).toBe(0n);
      const deleted = await db.deleteFrom("contacts").where("case_id", "=", caseId).executeTakeFirst();
      expect(deleted.numDeletedRows).toBe(0n);
      const goals = await db.updateTable("goals").set({ status: "erreicht" }).where("case_id", "=", caseId).executeTakeFirst();
      expect(goals.numUpdatedRows).toBe(0n);
    });
    expect(await db.selectFrom("cases").select("deputy_id").where("id", "=", caseId).executeTakeFirstOrThrow()).toEqual({ deputy_id: null });
    expect((await db.selectFrom("clients").select("first_name").where("id", "=", clientId).executeTakeFirstOrThrow()).first_name).not.toBe("Geändert");
    expect(await db.selectFrom("contacts").select("id").where("case_id", "=", caseId).execute()).toEqual(contactsBefore);
    expect(await db.selectFrom("goals").select("status").where("case_id", "=", caseId).execute()).not.toContainEqual({ status: "erreicht" });
  });

  test("the steering group and the admin change no case row", async () => {
    for (const who of ["steering", "admin", "dataProtection"] as const) {
      const result = await runAsActor(actors[who], () => db.updateTable("cases").set({ updated_at: new Date() }).executeTakeFirst());
      expect(result.numUpdatedRows, who).toBe(0n);
    }
  });
});

describe("the app's own paths work under row-level security", () => {
  test("an intake by a case manager (client before case), and a handover that takes the case out of sight", async () => {
    const opened = await runAsActor(actors.cmKreis, () => openTestCase(db, actors.cmKreis, { lastName: "Aufnahme" }));
    expect(await allCaseIdsAs(actors.cmKreis)).toContain(opened.caseId);
    const transfer = await runAsActor(actors.coordinator, async () =>
      applyCaseEvent(db, actors.coordinator, {
        caseId: opened.caseId,
        expectedRowVersion: await rowVersionOf(db, opened.caseId),
        command: { type: "TRANSFER", toCaseManagerId: actors.cmDrk.id },
        organisationTransfer: { consentGivenOn: "2026-11-30", consentGivenBy: "klient" },
      }),
    );
    expect(transfer.ok).toBe(true);
    // DRK's agreement is "aggregiert": the coordination loses the case, its report facts follow (trigger).
    expect(await allCaseIdsAs(actors.coordinator)).not.toContain(opened.caseId);
    expect(await allCaseIdsAs(actors.cmDrk)).toContain(opened.caseId);
    const fact = await db.selectFrom("report_cases").select("organisation_id").where("case_id", "=", opened.caseId).executeTakeFirstOrThrow();
    expect(fact.organisation_id).toBe(actors.cmDrk.organisationId);
  });

  test("team figures count every organisation's cases, the duplicate check counts matches it may not show", async () => {
    const overview = await runAsActor(actors.coordinator, () => getTeamOverview(db, { today: "2026-12-01" }));
    const drk = overview.members.find((m) => m.userId === actors.cmDrk.id);
    expect(drk?.openCases).toBeGreaterThanOrEqual(1);
    const duplicates = await runAsActor(actors.cmKreis, () =>
      findPossibleDuplicates(db, actors.cmKreis, { firstName: "Testa", lastName: "Fallakte", birthDate: null, birthDateEstimated: false }),
    );
    expect(duplicates.hiddenCount).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(duplicates.visible)).not.toContain(cases.caritas.caseId);
  });

  test("the audit viewer names the Aktenzeichen for the data-protection officer (SECURITY DEFINER lookup), nobody else", async () => {
    const aktenzeichen = (await db.selectFrom("clients").select("aktenzeichen").where("id", "=", cases.caritas.clientId).executeTakeFirstOrThrow()).aktenzeichen;
    const page = await runAsActor(actors.dataProtection, () =>
      listAuditLog(db, actors.dataProtection, { ...DEFAULT_AUDIT_QUERY, aktenzeichen }),
    );
    expect(page?.rows.length).toBeGreaterThan(0);
    expect(new Set(page?.rows.map((r) => r.aktenzeichen))).toEqual(new Set([aktenzeichen]));
    const lookup = (who: Actor) =>
      runAsActor(who, () =>
        sql<{ a: string | null }>`SELECT kim_audit_aktenzeichen('case', ${cases.caritas.caseId}, NULL) AS a`.execute(db),
      );
    expect((await lookup(actors.dataProtection)).rows[0]?.a).toBe(aktenzeichen);
    expect((await lookup(actors.coordinator)).rows[0]?.a).toBeNull();
  });
});
