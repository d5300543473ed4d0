// Reference data and demo accounts: idempotent (the server runs them at every start on an empty
// database, the CLI may run them again) and true to Kreis Mettmann.
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { verifyPassword } from "../../db/password";
import type { Database } from "../../db/schema";
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS } from "../../db/seed/demo-users";
import { base32Decode } from "../../db/totp";
import { seedDemoUsers, seedReferenceData } from "../../db/seed/index";
import { type TestDatabase, createTestDatabase } from "./db";

const SEEDED_TABLES = [
  "municipalities",
  "organisations",
  "partners",
  "target_group_definitions",
  "settings",
  "users",
] as const;

let t: TestDatabase;
let db: Kysely<Database>;

async function counts(): Promise<Record<(typeof SEEDED_TABLES)[number], number>> {
  const result = {} as Record<(typeof SEEDED_TABLES)[number], number>;
  for (const table of SEEDED_TABLES) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    result[table] = Number(row.n);
  }
  return result;
}

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
});
afterAll(async () => {
  await t?.close();
});

describe("seed", () => {
  test("reference data and demo users can be loaded twice without duplicates or changes", async () => {
    await seedReferenceData(db);
    await seedDemoUsers(db);
    const first = await counts();
    const firstHashes = await db.selectFrom("users").select(["username", "password_hash"]).orderBy("username").execute();
    for (const table of SEEDED_TABLES) expect(first[table], table).toBeGreaterThan(0);
    expect(first.users).toBe(DEMO_USERS.length);

    await seedReferenceData(db);
    await seedDemoUsers(db);
    expect(await counts()).toEqual(first);
    const secondHashes = await db.selectFrom("users").select(["username", "password_hash"]).orderBy("username").execute();
    expect(secondHashes).toEqual(firstHashes);
  });

  test("the ten municipalities of Kreis Mettmann", async () => {
    await seedReferenceData(db);
    const rows = await db.selectFrom("municipalities").select(["name", "district"]).orderBy("name").execute();
    expect(rows.map((r) => r.name)).toEqual([
      "Erkrath",
      "Haan",
      "Heiligenhaus",
      "Hilden",
      "Langenfeld (Rhld.)",
      "Mettmann",
      "Monheim am Rhein",
      "Ratingen",
      "Velbert",
      "Wülfrath",
    ]);
    expect(new Set(rows.map((r) => r.district))).toEqual(new Set(["Kreis Mettmann"]));
  });

  test("one demo account per role at least, all active, all with the documented demo password", async () => {
    await seedReferenceData(db);
    await seedDemoUsers(db);
    const users = await db.selectFrom("users").select(["username", "role", "active", "password_hash"]).execute();
    const byName = new Map(users.map((u) => [u.username, u]));
    expect(byName.get("casemanager")?.role).toBe("case_manager");
    expect(byName.get("casemanager2")?.role).toBe("case_manager");
    expect(byName.get("koordination")?.role).toBe("coordinator");
    expect(byName.get("lenkung")?.role).toBe("steering");
    expect(byName.get("admin")?.role).toBe("admin");
    expect(users.every((u) => u.active)).toBe(true);
    // One argon2 hash for all demo users: checking one checks all.
    expect(new Set(users.map((u) => u.password_hash)).size).toBe(1);
    expect(await verifyPassword(users[0]?.password_hash ?? "", DEMO_PASSWORD)).toBe(true);
  });

  test("koordination, koordination2, the Teamleitung accounts, admin and datenschutz have the documented demo second factor set up; nobody else has one", async () => {
    await seedReferenceData(db);
    await seedDemoUsers(db);
    const rows = await db
      .selectFrom("users")
      .select(["username", "totp_secret", "totp_enabled_at", "totp_last_step"])
      .orderBy("username")
      .execute();
    const withFactor = rows.filter((r) => r.totp_enabled_at !== null);
    expect(withFactor.map((r) => r.username)).toEqual([
      "admin",
      "datenschutz",
      "koordination",
      "koordination2",
      "teamleitung",
      "teamleitung.caritas",
      "teamleitung.diakonie",
      "teamleitung.drk",
    ]);
    expect(new Set(withFactor.map((r) => r.totp_secret))).toEqual(new Set([DEMO_TOTP_SECRET]));
    expect(rows.filter((r) => r.totp_enabled_at === null).every((r) => r.totp_secret === null)).toBe(true);
    expect(rows.every((r) => r.totp_last_step === null)).toBe(true);
    // 160 bit, like the secrets the enrolment generates.
    expect(base32Decode(DEMO_TOTP_SECRET)).toHaveLength(20);
  });

  test("case managers' FTE add up to the funded 8.0", async () => {
    await seedReferenceData(db);
    await seedDemoUsers(db);
    const rows = await db.selectFrom("users").select("fte").where("role", "=", "case_manager").execute();
    const total = rows.reduce((sum, r) => sum + Number(r.fte), 0);
    expect(total).toBeCloseTo(8, 5);
  });
});
