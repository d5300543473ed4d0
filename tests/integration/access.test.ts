// Who sees which case: the scoped WHERE clause of db/access.ts (used by every case query) and the
// role permissions the routes check before calling it.
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Actor, caseVisibleTo } from "../../db/access";
import { findCaseHeader } from "../../db/cases";
import type { Database } from "../../db/schema";
import { PERMISSIONS, ROLE_HOME, hasPermission } from "../../workflows/permissions";
import { ROLES } from "../../workflows/vocabulary";
import { type TestDatabase, createTestDatabase } from "./db";
import { insertCase, insertOrganisation, insertUser } from "./fixtures";

let t: TestDatabase;
let db: Kysely<Database>;
const actors = {} as Record<"cm1" | "cm2" | "cm3" | "coordinator" | "steering" | "admin", Actor>;
const cases = {} as Record<"ownOfCm1" | "cm2WithDeputyCm1" | "ownOfCm2" | "unassigned" | "ownOfCm3", string>;

async function visibleCaseIds(actor: Actor): Promise<string[]> {
  const rows = await db
    .selectFrom("cases")
    .select("cases.id")
    .where((eb) => caseVisibleTo(eb, actor))
    .execute();
  return rows.map((r) => r.id).sort();
}

function ids(...keys: (keyof typeof cases)[]): string[] {
  return keys.map((k) => cases[k]).sort();
}

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  const organisationId = await insertOrganisation(db);
  for (const [key, role] of [
    ["cm1", "case_manager"],
    ["cm2", "case_manager"],
    ["cm3", "case_manager"],
    ["coordinator", "coordinator"],
    ["steering", "steering"],
    ["admin", "admin"],
  ] as const) {
    const user = await insertUser(db, { role, organisationId });
    actors[key] = { id: user.id, role };
  }
  cases.ownOfCm1 = await insertCase(db, { caseManagerId: actors.cm1.id });
  cases.cm2WithDeputyCm1 = await insertCase(db, { caseManagerId: actors.cm2.id, deputyId: actors.cm1.id });
  cases.ownOfCm2 = await insertCase(db, { caseManagerId: actors.cm2.id });
  cases.unassigned = await insertCase(db, { caseManagerId: null });
  cases.ownOfCm3 = await insertCase(db, { caseManagerId: actors.cm3.id, deputyId: actors.cm2.id });
});
afterAll(async () => {
  await t?.close();
});

describe("caseVisibleTo", () => {
  test("a case manager sees their own cases and those where they are deputy, nothing else", async () => {
    expect(await visibleCaseIds(actors.cm1)).toEqual(ids("ownOfCm1", "cm2WithDeputyCm1"));
    expect(await visibleCaseIds(actors.cm2)).toEqual(ids("cm2WithDeputyCm1", "ownOfCm2", "ownOfCm3"));
  });

  test("a coordinator sees every case, unassigned ones included", async () => {
    expect(await visibleCaseIds(actors.coordinator)).toEqual(
      ids("ownOfCm1", "cm2WithDeputyCm1", "ownOfCm2", "unassigned", "ownOfCm3"),
    );
  });

  test("steering and admin see no case", async () => {
    expect(await visibleCaseIds(actors.steering)).toEqual([]);
    expect(await visibleCaseIds(actors.admin)).toEqual([]);
  });

  test("findCaseHeader answers undefined for another case manager's case, exactly as for a missing one", async () => {
    expect((await findCaseHeader(db, actors.cm1, cases.ownOfCm1))?.id).toBe(cases.ownOfCm1);
    expect(await findCaseHeader(db, actors.cm1, cases.ownOfCm2)).toBeUndefined();
    expect(await findCaseHeader(db, actors.cm1, "00000000-0000-4000-8000-000000000000")).toBeUndefined();
    expect(await findCaseHeader(db, actors.admin, cases.ownOfCm1)).toBeUndefined();
    expect((await findCaseHeader(db, actors.coordinator, cases.ownOfCm2))?.id).toBe(cases.ownOfCm2);
  });

  test("reassignment takes effect on the next query", async () => {
    const caseId = await insertCase(db, { caseManagerId: actors.cm3.id });
    expect(await findCaseHeader(db, actors.cm1, caseId)).toBeUndefined();
    await db.updateTable("cases").set({ case_manager_id: actors.cm1.id }).where("id", "=", caseId).execute();
    expect((await findCaseHeader(db, actors.cm1, caseId))?.id).toBe(caseId);
    expect(await findCaseHeader(db, actors.cm3, caseId)).toBeUndefined();
  });
});

describe("role permissions", () => {
  test("case content is readable by case managers (own), Teamleitung (organisation) and coordinators (any) only", () => {
    const readers = ROLES.values.filter((role) =>
      PERMISSIONS.some((p) => p.startsWith("read:case:") && hasPermission(role, p)),
    );
    expect(readers.sort()).toEqual(["case_manager", "coordinator", "team_lead"]);
    expect(hasPermission("team_lead", "read:case:org")).toBe(true);
    expect(hasPermission("team_lead", "read:case:any")).toBe(false);
    expect(PERMISSIONS.filter((p) => p.startsWith("write:") && hasPermission("team_lead", p))).toEqual([]);
    expect(hasPermission("case_manager", "read:case:any")).toBe(false);
    expect(hasPermission("case_manager", "read:case:own")).toBe(true);
    expect(hasPermission("coordinator", "read:case:any")).toBe(true);
  });

  test("steering gets aggregates only, admin manages users and organisations only", () => {
    expect(PERMISSIONS.filter((p) => hasPermission("steering", p) && !p.startsWith("read:statechart"))).toEqual([
      "read:report:aggregate",
    ]);
    expect(PERMISSIONS.filter((p) => hasPermission("admin", p))).toEqual(["manage:organisations:any", "manage:users:any"]);
    expect(hasPermission("coordinator", "manage:users:any")).toBe(false);
  });

  test("each role lands on its own home page", () => {
    expect(ROLE_HOME).toEqual({
      case_manager: "/faelle",
      team_lead: "/team",
      coordinator: "/team",
      steering: "/berichte",
      admin: "/admin/benutzer",
      data_protection: "/protokoll",
    });
  });

  test("data protection reads the audit log only: no case content, and nobody else reads the audit log", () => {
    expect(PERMISSIONS.filter((p) => hasPermission("data_protection", p))).toEqual(["read:audit:any"]);
    expect(ROLES.values.filter((role) => hasPermission(role, "read:audit:any"))).toEqual(["data_protection"]);
  });
});
