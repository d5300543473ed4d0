import { type Kysely, sql } from "kysely";
import type { Role } from "../workflows/vocabulary";
import type { Database } from "./schema";

export function findUserForLogin(db: Kysely<Database>, username: string) {
  return db
    .selectFrom("users")
    .select(["id", "password_hash", "active", "role", "totp_enabled_at"])
    .where("username", "=", username.trim().toLowerCase())
    .executeTakeFirst();
}

export async function recordLoginAttempt(
  db: Kysely<Database>,
  attempt: { username: string; address: string; success: boolean },
): Promise<void> {
  await db.insertInto("login_attempts").values(attempt).execute();
}

/** Failed logins within the window, per account and per address (only failures since the last success count for the account). */
export async function countRecentFailures(
  db: Kysely<Database>,
  { username, address, since }: { username: string; address: string; since: Date },
): Promise<{ byAccount: number; byAddress: number }> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom("login_attempts")
        .select((e) => e.fn.countAll<number>().as("n"))
        .where("username", "=", username)
        .where("success", "=", false)
        .where("attempted_at", ">", since)
        .where(
          "attempted_at",
          ">",
          eb
            .selectFrom("login_attempts")
            .select(sql<Date>`coalesce(max(attempted_at), '-infinity'::timestamptz)`.as("t"))
            .where("username", "=", username)
            .where("success", "=", true),
        )
        .as("by_account"),
      eb
        .selectFrom("login_attempts")
        .select((e) => e.fn.countAll<number>().as("n"))
        .where("address", "=", address)
        .where("success", "=", false)
        .where("attempted_at", ">", since)
        .as("by_address"),
    ])
    .executeTakeFirstOrThrow();
  return { byAccount: Number(row.by_account ?? 0), byAddress: Number(row.by_address ?? 0) };
}

export async function pruneLoginAttempts(db: Kysely<Database>, before: Date): Promise<void> {
  await db.deleteFrom("login_attempts").where("attempted_at", "<", before).execute();
}

export function listUsers(db: Kysely<Database>) {
  return db
    .selectFrom("users")
    .innerJoin("organisations", "organisations.id", "users.organisation_id")
    .select([
      "users.id",
      "users.username",
      "users.display_name",
      "users.email",
      "users.role",
      "users.fte",
      "users.active",
      "users.organisation_id",
      "users.totp_enabled_at",
      "organisations.name as organisation_name",
    ])
    .orderBy("users.active", "desc")
    .orderBy("users.display_name")
    .execute();
}

export function findUserById(db: Kysely<Database>, id: string) {
  return db
    .selectFrom("users")
    .select(["id", "username", "display_name", "email", "role", "organisation_id", "fte", "active", "totp_enabled_at"])
    .where("id", "=", id)
    .executeTakeFirst();
}

export function usernameExists(db: Kysely<Database>, username: string) {
  return db
    .selectFrom("users")
    .select("id")
    .where("username", "=", username)
    .executeTakeFirst()
    .then((r) => r !== undefined);
}

export interface UserInput {
  username: string;
  display_name: string;
  email: string | null;
  role: Role;
  organisation_id: number;
  fte: number | null;
}

export async function createUser(
  db: Kysely<Database>,
  input: UserInput & { password_hash: string },
): Promise<string> {
  const row = await db
    .insertInto("users")
    .values({ ...input, fte: input.role === "case_manager" ? (input.fte ?? 1) : input.fte })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Updates role, organisation, FTE, name; deactivating also ends every session of the user. */
export async function updateUser(
  db: Kysely<Database>,
  id: string,
  changes: Partial<Omit<UserInput, "username">> & { active?: boolean; password_hash?: string },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable("users")
      .set({ ...changes, updated_at: new Date() })
      .where("id", "=", id)
      .executeTakeFirst();
    if (changes.active === false || changes.password_hash !== undefined || changes.role !== undefined) {
      await trx.deleteFrom("sessions").where("user_id", "=", id).execute();
    }
    return Number(result.numUpdatedRows) === 1;
  });
}

export function listOrganisations(db: Kysely<Database>) {
  return db.selectFrom("organisations").select(["id", "name", "kind"]).orderBy("name").execute();
}
