// Cases for the client-file tests, built with the application's own services (openCase, applyCaseEvent)
// on the demo reference data and accounts, so every state is one the statechart allows.
import type { Kysely } from "kysely";
import type { Actor } from "../../db/access";
import { type CaseCommand, type OpenCaseInput, applyCaseEvent, openCase } from "../../db/case-service";
import type { Database } from "../../db/schema";
import { seedDemoUsers, seedReferenceData } from "../../db/seed/index";

export type DemoActors = Record<
  "cm" | "cm2" | "otherOrgCm" | "coordinator" | "steering" | "admin",
  Actor
>;

/** Reference data and demo accounts; returns the actors tests act as. */
export async function seedActors(db: Kysely<Database>): Promise<DemoActors> {
  await seedReferenceData(db);
  await seedDemoUsers(db);
  const users = await db.selectFrom("users").select(["id", "username", "role", "organisation_id"]).execute();
  const actor = (username: string): Actor => {
    const u = users.find((x) => x.username === username);
    if (!u) throw new Error(`demo user ${username} missing`);
    return { id: u.id, role: u.role, organisationId: u.organisation_id };
  };
  return {
    cm: actor("casemanager"),
    cm2: actor("casemanager2"),
    otherOrgCm: actor("cm.haddad"),
    coordinator: actor("koordination"),
    steering: actor("lenkung"),
    admin: actor("admin"),
  };
}

export function yearsAgo(years: number, extraDays = 0): string {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() - extraDays);
  return d.toISOString().slice(0, 10);
}

export async function firstMunicipality(db: Kysely<Database>): Promise<number> {
  return (await db.selectFrom("municipalities").select("id").orderBy("id").executeTakeFirstOrThrow()).id;
}

/** Opens a Neuzugewanderte-type case (Sozialamt, increased need) for the given case manager. */
export async function openTestCase(
  db: Kysely<Database>,
  owner: Actor,
  client: Partial<OpenCaseInput["client"]> = {},
  extra: Partial<Omit<OpenCaseInput, "client">> = {},
): Promise<{ caseId: string; clientId: string }> {
  const municipalityId = await firstMunicipality(db);
  return openCase(db, owner, {
    client: {
      firstName: "Testa",
      lastName: "Fallakte",
      birthDate: yearsAgo(34),
      birthDateEstimated: false,
      gender: "weiblich",
      nationality: "Syrien",
      languages: ["Arabisch"],
      interpreterNeeded: true,
      municipalityId,
      residenceStatus: "aufenthaltsgestattung",
      arrivalDate: null,
      unaccompanied: false,
      phone: null,
      email: null,
      address: null,
      ...client,
    },
    referralSource: "sozialamt",
    referralMunicipalityId: municipalityId,
    increasedNeedDocumented: true,
    caseManagerId: owner.id,
    ...extra,
  });
}

export async function rowVersionOf(db: Kysely<Database>, caseId: string): Promise<number> {
  return (await db.selectFrom("cases").select("row_version").where("id", "=", caseId).executeTakeFirstOrThrow())
    .row_version;
}

/** Applies commands in order with the current row version; fails the test on any refusal. */
export async function runCommands(db: Kysely<Database>, actor: Actor, caseId: string, commands: CaseCommand[]) {
  for (const command of commands) {
    const details = command.type === "AGREE_GOAL" ? { goalTitle: "Deutschkurs beginnen" } : {};
    const result = await applyCaseEvent(db, actor, {
      caseId,
      expectedRowVersion: await rowVersionOf(db, caseId),
      command,
      details,
    });
    if (!result.ok) throw new Error(`${command.type}: ${result.status} ${result.message}`);
  }
}

/** A case in the active phase (classified as Neuzugewanderte, one goal agreed). Returns its goal id too. */
export async function openActiveCase(db: Kysely<Database>, owner: Actor) {
  const opened = await openTestCase(db, owner);
  const goalId = crypto.randomUUID();
  await runCommands(db, owner, opened.caseId, [
    { type: "RECORD_CONTACT", contactType: "persoenlich", minutes: 30 },
    { type: "CLASSIFY", targetGroup: "neuzugewanderte_erhoeht" },
    { type: "RECORD_ASSESSMENT", domain: "sprache", level: "hoch" },
    { type: "COMPLETE_ASSESSMENT" },
    { type: "AGREE_GOAL", goalId, domain: "sprache" },
    { type: "START_WORK" },
  ]);
  return { ...opened, goalId };
}

export async function auditRows(db: Kysely<Database>, filter: { action: string; actorId?: string; objectId?: string | null }) {
  let q = db.selectFrom("audit_log").select(["actor_id", "action", "object_id", "outcome", "detail"]).where("action", "=", filter.action);
  if (filter.actorId !== undefined) q = q.where("actor_id", "=", filter.actorId);
  if (filter.objectId !== undefined) {
    q = filter.objectId === null ? q.where("object_id", "is", null) : q.where("object_id", "=", filter.objectId);
  }
  return q.orderBy("id").execute();
}
