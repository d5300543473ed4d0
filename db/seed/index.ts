import type { Kysely } from "kysely";
import { requiresSecondFactor } from "../../workflows/permissions";
import { DEFAULT_TARGET_GROUP_DEFINITIONS, describeDefinition } from "../../workflows/target-groups";
import { TARGET_GROUPS } from "../../workflows/vocabulary";
import { hashPassword } from "../password";
import type { Database } from "../schema";
import { DEFAULT_SETTINGS } from "../settings";
import { seedCases } from "./cases";
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS } from "./demo-users";
import { DISTRICT, MUNICIPALITIES, ORGANISATIONS, PARTNERS } from "./reference-data";


/** Municipalities, organisations, partners, target-group definitions v1 and settings. Idempotent. */
export async function seedReferenceData(db: Kysely<Database>): Promise<void> {
  await db
    .insertInto("municipalities")
    .values(MUNICIPALITIES.map((name) => ({ name, district: DISTRICT })))
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  const municipalityIds = new Map(
    (await db.selectFrom("municipalities").select(["id", "name"]).execute()).map((m) => [m.name, m.id]),
  );
  await db
    .insertInto("organisations")
    .values(
      ORGANISATIONS.map((o) => ({
        name: o.name,
        kind: o.kind,
        municipality_id: o.municipality ? (municipalityIds.get(o.municipality) ?? null) : null,
        coordination_access: o.coordinationAccess,
      })),
    )
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  await db
    .insertInto("partners")
    .values(
      PARTNERS.map((p) => ({
        name: p.name,
        kind: p.kind,
        municipality_id: p.municipality ? (municipalityIds.get(p.municipality) ?? null) : null,
      })),
    )
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  await db
    .insertInto("target_group_definitions")
    .values(
      Object.values(DEFAULT_TARGET_GROUP_DEFINITIONS).map((d) => ({
        code: d.code,
        version: d.version,
        name: TARGET_GROUPS.label[d.code],
        description: describeDefinition(d),
        rules: JSON.stringify(d.rules),
        valid_from: "2021-01-01",
      })),
    )
    .onConflict((oc) => oc.columns(["code", "version"]).doNothing())
    .execute();
  await db
    .insertInto("settings")
    .values(Object.entries(DEFAULT_SETTINGS).map(([key, value]) => ({ key, value: JSON.stringify(value) })))
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
}

/** The demo accounts of README.md (all with DEMO_PASSWORD; coordinators and admin with DEMO_TOTP_SECRET set up). */
export async function seedDemoUsers(db: Kysely<Database>): Promise<void> {
  const organisations = await db.selectFrom("organisations").select(["id", "name"]).execute();
  const orgId = (index: number) => {
    const name = ORGANISATIONS[index]?.name;
    const found = organisations.find((o) => o.name === name);
    if (!found) throw new Error(`organisation ${index} missing`);
    return found.id;
  };
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db
    .insertInto("users")
    .values(
      DEMO_USERS.map((u) => ({
        username: u.username,
        display_name: u.displayName,
        role: u.role,
        organisation_id: orgId(u.organisation),
        fte: u.fte,
        password_hash: passwordHash,
        ...(requiresSecondFactor(u.role) ? { totp_secret: DEMO_TOTP_SECRET, totp_enabled_at: new Date() } : {}),
      })),
    )
    .onConflict((oc) => oc.column("username").doNothing())
    .execute();
}

export async function seedDemoData(
  db: Kysely<Database>,
  options: { cases: number; log: (line: string) => void; seed?: number },
): Promise<void> {
  await seedReferenceData(db);
  await seedDemoUsers(db);
  await seedCases(db, { count: options.cases, log: options.log, seed: options.seed ?? 20210208 });
}
