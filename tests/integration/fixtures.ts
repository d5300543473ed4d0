// Minimal rows for integration tests, inserted with the application's own functions where they exist
// and directly (kysely) where the domain services are not the subject of the test.
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { OpenCaseInput } from "../../db/case-service";
import { hashPassword } from "../../db/password";
import { createSecretBox, parseSecretKey } from "../../db/secret-box";
import type { Database } from "../../db/schema";
import { createUser } from "../../db/users";
import type { Role } from "../../workflows/vocabulary";

export const TEST_PASSWORD = "Richtig-langes-Testpasswort-42";

/** The secret key of test databases and test app processes (KIM_SECRET_KEY format); never use it elsewhere. */
export const TEST_SECRET_KEY = `test:${Buffer.alloc(32, 3).toString("base64")}`;
/** The box sealing second-factor secrets in tests, as the app's would with TEST_SECRET_KEY. */
export const testSecretBox = createSecretBox(parseSecretKey(TEST_SECRET_KEY));

let testPasswordHash: Promise<string> | undefined;
function hashOfTestPassword() {
  testPasswordHash ??= hashPassword(TEST_PASSWORD);
  return testPasswordHash;
}

function suffix() {
  return randomBytes(4).toString("hex");
}

export async function insertOrganisation(db: Kysely<Database>): Promise<number> {
  const row = await db
    .insertInto("organisations")
    .values({ name: `Testorganisation ${suffix()}`, kind: "kreis", municipality_id: null })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A user whose password is TEST_PASSWORD (or the one given). Returns id and username. */
export async function insertUser(
  db: Kysely<Database>,
  options: { role: Role; organisationId: number; username?: string; password?: string },
): Promise<{ id: string; username: string }> {
  const username = options.username ?? `test.${options.role.replace("_", "")}.${suffix()}`;
  const id = await createUser(db, {
    username,
    display_name: `Test ${username}`,
    email: null,
    role: options.role,
    organisation_id: options.organisationId,
    fte: options.role === "case_manager" ? 1 : null,
    password_hash: options.password ? await hashPassword(options.password) : await hashOfTestPassword(),
  });
  return { id, username };
}

async function anyMunicipality(db: Kysely<Database>): Promise<number> {
  const existing = await db.selectFrom("municipalities").select("id").orderBy("id").executeTakeFirst();
  if (existing) return existing.id;
  const row = await db
    .insertInto("municipalities")
    .values({ name: `Testgemeinde ${suffix()}`, district: "Kreis Mettmann" })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * A client with one open case in intake (no machine involved: snapshot '{}', machine_version 'test').
 * The case belongs to its case manager's organisation (trigger); without one, to `organisationId` or
 * the first organisation.
 */
export async function insertCase(
  db: Kysely<Database>,
  options: { caseManagerId: string | null; deputyId?: string | null; organisationId?: number },
): Promise<string> {
  const municipalityId = await anyMunicipality(db);
  const organisationId =
    options.organisationId ??
    (await db.selectFrom("organisations").select("id").orderBy("id").executeTakeFirst())?.id ??
    (await insertOrganisation(db));
  const client = await db
    .insertInto("clients")
    .values({
      aktenzeichen: `TEST-${suffix()}`,
      first_name: "Erika",
      last_name: "Musterfrau",
      gender: "weiblich",
      municipality_id: municipalityId,
      residence_status: "ungeklaert",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const row = await db
    .insertInto("cases")
    .values({
      client_id: client.id,
      case_manager_id: options.caseManagerId,
      deputy_id: options.deputyId ?? null,
      organisation_id: organisationId,
      referral_source: "selbstmelder",
      state: "intake",
      snapshot: "{}",
      machine_version: "test",
      opened_at: new Date(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The client of an intake through openCase (db/case-service.ts): an adult with contact data; `changes` replace fields. */
export function intakeClient(municipalityId: number, changes: Partial<OpenCaseInput["client"]> = {}): OpenCaseInput["client"] {
  return {
    firstName: "Amal",
    lastName: "Beispiel",
    birthDate: "1990-03-17",
    birthDateEstimated: false,
    gender: "maennlich",
    nationality: "Syrien",
    languages: [],
    interpreterNeeded: false,
    municipalityId,
    residenceStatus: "aufenthaltsgestattung",
    arrivalDate: "2020-05-20",
    unaccompanied: false,
    phone: "0170 1234567",
    email: "person@example.org",
    address: "Bahnhofstraße 1",
    ...changes,
  };
}

let addressCounter = 0;

/** A fresh client address per call, so address throttling of one test never leaks into another. */
export function newClientAddress(): string {
  addressCounter += 1;
  return `10.${Math.floor(addressCounter / 250) % 250}.${addressCounter % 250}.1`;
}

/** The name=value part of a Set-Cookie header, as a browser sends it back. */
export function cookiePair(setCookie: string): string {
  return setCookie.split(";")[0] ?? "";
}
