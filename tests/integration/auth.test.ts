// Sign-in, throttling, session lifetime and password handling, against a real database through
// app/auth.server.ts (the same object server.ts hands to every request).
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  LOGIN_FAILED_MESSAGE,
  LOGIN_THROTTLED_MESSAGE,
  THROTTLE_MAX_PER_ACCOUNT,
  THROTTLE_MAX_PER_ADDRESS,
  createAuth,
} from "../../app/auth.server";
import { checkPasswordPolicy, hashPassword, verifyPassword } from "../../db/password";
import type { Database } from "../../db/schema";
import { updateUser } from "../../db/users";
import { type TestDatabase, createTestDatabase } from "./db";
import { TEST_PASSWORD, cookiePair, insertOrganisation, insertUser, newClientAddress, testSecretBox } from "./fixtures";

let t: TestDatabase;
let db: Kysely<Database>;
let auth: ReturnType<typeof createAuth>;
let organisationId: number;

async function sessionCount(userId: string): Promise<number> {
  const row = await db
    .selectFrom("sessions")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Signs in a user without a second factor (case managers, steering; tests/integration/second-factor.test.ts has the rest). */
async function signIn(username: string, password = TEST_PASSWORD, address = newClientAddress()) {
  const result = await auth.login({ username, password, address });
  if (result.ok === "second_factor") throw new Error("login needs a second factor");
  if (!result.ok) throw new Error(`login failed: ${result.status} ${result.message}`);
  return { ...result, cookie: cookiePair(result.cookie), setCookie: result.cookie };
}

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  auth = createAuth(db, { secureCookies: false, secrets: testSecretBox });
  organisationId = await insertOrganisation(db);
});
afterAll(async () => {
  await t?.close();
});

describe("login", () => {
  test("correct credentials create a server-side session and an HttpOnly, SameSite=Lax cookie", async () => {
    const user = await insertUser(db, { role: "case_manager", organisationId });
    const result = await auth.login({ username: user.username, password: TEST_PASSWORD, address: newClientAddress() });
    expect(result.ok).toBe(true);
    if (result.ok !== true) return;
    expect(result.user).toMatchObject({ id: user.id, username: user.username, role: "case_manager" });
    expect(result.cookie).toMatch(/^kim_session=[^;]+;/);
    expect(result.cookie).toMatch(/HttpOnly/i);
    expect(result.cookie).toMatch(/SameSite=Lax/i);
    expect(await sessionCount(user.id)).toBe(1);
    const session = await auth.getSession(cookiePair(result.cookie));
    expect(session?.user.id).toBe(user.id);
  });

  test("the username is matched case-insensitively and trimmed", async () => {
    const user = await insertUser(db, { role: "steering", organisationId });
    const result = await auth.login({ username: `  ${user.username.toUpperCase()} `, password: TEST_PASSWORD, address: newClientAddress() });
    expect(result.ok).toBe(true);
  });

  test("every login gets a new session id", async () => {
    const user = await insertUser(db, { role: "steering", organisationId });
    const first = await signIn(user.username);
    const second = await signIn(user.username);
    expect(first.cookie).not.toBe(second.cookie);
    expect(await sessionCount(user.id)).toBe(2);
  });

  test("over HTTPS the cookie is Secure with the __Host- prefix", async () => {
    const user = await insertUser(db, { role: "case_manager", organisationId });
    const secureAuth = createAuth(db, { secureCookies: true, secrets: testSecretBox });
    const result = await secureAuth.login({ username: user.username, password: TEST_PASSWORD, address: newClientAddress() });
    expect(result.ok).toBe(true);
    if (result.ok !== true) return;
    expect(result.cookie).toMatch(/^__Host-kim_session=/);
    expect(result.cookie).toMatch(/; Secure/i);
    expect(result.cookie).toMatch(/Path=\//);
  });

  test("a wrong password and an unknown user get the same 401 answer", async () => {
    const user = await insertUser(db, { role: "case_manager", organisationId });
    const wrongPassword = await auth.login({ username: user.username, password: "falsches-Passwort-123", address: newClientAddress() });
    const unknownUser = await auth.login({ username: "gibt.es.nicht", password: "falsches-Passwort-123", address: newClientAddress() });
    expect(wrongPassword).toEqual({ ok: false, status: 401, message: "Benutzername oder Passwort ist falsch." });
    expect(unknownUser).toEqual(wrongPassword);
    expect(LOGIN_FAILED_MESSAGE).toBe("Benutzername oder Passwort ist falsch.");
    expect(await sessionCount(user.id)).toBe(0);
  });

  test("failed and successful logins are audited without the password", async () => {
    const user = await insertUser(db, { role: "case_manager", organisationId });
    const before = await db.selectFrom("audit_log").select("id").orderBy("id", "desc").executeTakeFirst();
    await auth.login({ username: user.username, password: "Geheimes-Falsches-77", address: newClientAddress() });
    await signIn(user.username);
    const rows = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("id", ">", before?.id ?? 0)
      .where("action", "=", "login")
      .orderBy("id")
      .execute();
    expect(rows.map((r) => [r.outcome, r.actor_id])).toEqual([
      ["denied", null],
      ["allowed", user.id],
    ]);
    expect(JSON.stringify(rows)).not.toContain("Geheimes-Falsches-77");
    expect(JSON.stringify(rows)).not.toContain(TEST_PASSWORD);
  });
});

describe("throttling", () => {
  test(`the ${THROTTLE_MAX_PER_ACCOUNT + 1}th attempt after ${THROTTLE_MAX_PER_ACCOUNT} failures for one account answers 429 in German, even with the right password`, async () => {
    expect(THROTTLE_MAX_PER_ACCOUNT).toBe(5);
    const user = await insertUser(db, { role: "case_manager", organisationId });
    for (let i = 0; i < THROTTLE_MAX_PER_ACCOUNT; i++) {
      // A different address each time: the account limit must hold on its own.
      const result = await auth.login({ username: user.username, password: `falsch-${i}-xxxxx`, address: newClientAddress() });
      expect(result).toMatchObject({ ok: false, status: 401 });
    }
    const sixth = await auth.login({ username: user.username, password: TEST_PASSWORD, address: newClientAddress() });
    expect(sixth).toEqual({ ok: false, status: 429, message: LOGIN_THROTTLED_MESSAGE });
    expect(LOGIN_THROTTLED_MESSAGE).toMatch(/^Zu viele fehlgeschlagene Anmeldeversuche\./);
    expect(await sessionCount(user.id)).toBe(0);

    // Another account is not affected.
    const other = await insertUser(db, { role: "case_manager", organisationId });
    expect((await auth.login({ username: other.username, password: TEST_PASSWORD, address: newClientAddress() })).ok).toBe(true);
  });

  test("failures older than the window do not count", async () => {
    const user = await insertUser(db, { role: "case_manager", organisationId });
    for (let i = 0; i < THROTTLE_MAX_PER_ACCOUNT; i++) {
      await auth.login({ username: user.username, password: `falsch-${i}-xxxxx`, address: newClientAddress() });
    }
    await db
      .updateTable("login_attempts")
      .set({ attempted_at: new Date(Date.now() - 16 * 60_000) })
      .where("username", "=", user.username)
      .execute();
    expect((await auth.login({ username: user.username, password: TEST_PASSWORD, address: newClientAddress() })).ok).toBe(true);
  });

  test(`one address is throttled after ${THROTTLE_MAX_PER_ADDRESS} failures across accounts; other addresses are not`, async () => {
    expect(THROTTLE_MAX_PER_ADDRESS).toBe(30);
    const address = newClientAddress();
    // Spread over many unknown usernames, so that no single account reaches its own limit.
    for (let i = 0; i < THROTTLE_MAX_PER_ADDRESS; i++) {
      const result = await auth.login({ username: `unbekannt.${i % 10}.${i}`, password: "falsch-xxxxxx", address });
      expect(result).toMatchObject({ ok: false, status: 401 });
    }
    const user = await insertUser(db, { role: "steering", organisationId });
    const throttled = await auth.login({ username: user.username, password: TEST_PASSWORD, address });
    expect(throttled).toEqual({ ok: false, status: 429, message: LOGIN_THROTTLED_MESSAGE });
    const elsewhere = await auth.login({ username: user.username, password: TEST_PASSWORD, address: newClientAddress() });
    expect(elsewhere.ok).toBe(true);
  });
});

describe("inactive users", () => {
  test("an inactive user cannot log in and gets the same answer as a wrong password", async () => {
    const user = await insertUser(db, { role: "case_manager", organisationId });
    await updateUser(db, user.id, { active: false });
    const result = await auth.login({ username: user.username, password: TEST_PASSWORD, address: newClientAddress() });
    expect(result).toEqual({ ok: false, status: 401, message: LOGIN_FAILED_MESSAGE });
    expect(await sessionCount(user.id)).toBe(0);
  });

  test("deactivating a user ends the sessions they already have", async () => {
    const user = await insertUser(db, { role: "case_manager", organisationId });
    const first = await signIn(user.username);
    const second = await signIn(user.username);
    expect(await auth.getSession(first.cookie)).not.toBeNull();
    expect(await updateUser(db, user.id, { active: false })).toBe(true);
    expect(await auth.getSession(first.cookie)).toBeNull();
    expect(await auth.getSession(second.cookie)).toBeNull();
    expect(await sessionCount(user.id)).toBe(0);
  });

  test("changing role or password also ends the sessions", async () => {
    const user = await insertUser(db, { role: "case_manager", organisationId });
    const before = await signIn(user.username);
    await updateUser(db, user.id, { role: "steering", fte: null });
    expect(await auth.getSession(before.cookie)).toBeNull();
    const again = await signIn(user.username);
    await updateUser(db, user.id, { password_hash: await hashPassword("Ein-neues-Passwort-2026") });
    expect(await auth.getSession(again.cookie)).toBeNull();
  });
});

describe("session lifetime", () => {
  test("logout deletes the session server-side and blanks the cookie", async () => {
    const user = await insertUser(db, { role: "steering", organisationId });
    const { cookie } = await signIn(user.username);
    const blank = await auth.logout(cookie);
    expect(blank).toMatch(/^kim_session=;/);
    expect(blank).toMatch(/Max-Age=0/i);
    expect(await auth.getSession(cookie)).toBeNull();
    expect(await sessionCount(user.id)).toBe(0);
  });

  test("a session idle past its expiry is gone", async () => {
    const user = await insertUser(db, { role: "case_manager", organisationId });
    const { cookie } = await signIn(user.username);
    await db
      .updateTable("sessions")
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where("user_id", "=", user.id)
      .execute();
    expect(await auth.getSession(cookie)).toBeNull();
    expect(await sessionCount(user.id)).toBe(0);
  });

  test("every request slides the idle expiry to 30 minutes ahead", async () => {
    const user = await insertUser(db, { role: "case_manager", organisationId });
    const { cookie } = await signIn(user.username);
    await db
      .updateTable("sessions")
      .set({ expires_at: new Date(Date.now() + 5 * 60_000) })
      .where("user_id", "=", user.id)
      .execute();
    const session = await auth.getSession(cookie);
    expect(session).not.toBeNull();
    const row = await db.selectFrom("sessions").select("expires_at").where("user_id", "=", user.id).executeTakeFirstOrThrow();
    const minutesAhead = (row.expires_at.getTime() - Date.now()) / 60_000;
    expect(minutesAhead).toBeGreaterThan(29);
    expect(minutesAhead).toBeLessThanOrEqual(30);
  });

  test("a session older than 12 hours ends even when it was active, and is deleted", async () => {
    const user = await insertUser(db, { role: "case_manager", organisationId });
    const { cookie } = await signIn(user.username);
    await db
      .updateTable("sessions")
      .set({ created_at: new Date(Date.now() - 13 * 3_600_000), expires_at: new Date(Date.now() + 20 * 60_000) })
      .where("user_id", "=", user.id)
      .execute();
    expect(await auth.getSession(cookie)).toBeNull();
    expect(await sessionCount(user.id)).toBe(0);
  });

  test("a session younger than 12 hours stays valid", async () => {
    const user = await insertUser(db, { role: "case_manager", organisationId });
    const { cookie } = await signIn(user.username);
    await db
      .updateTable("sessions")
      .set({ created_at: new Date(Date.now() - 11 * 3_600_000) })
      .where("user_id", "=", user.id)
      .execute();
    expect((await auth.getSession(cookie))?.user.id).toBe(user.id);
  });

  test("a forged or missing cookie yields no session", async () => {
    expect(await auth.getSession(null)).toBeNull();
    expect(await auth.getSession("kim_session=abcdefghijklmnopqrstuvwxyz")).toBeNull();
  });
});

describe("passwords", () => {
  test("the policy refuses short and common passwords, and the username inside the password", () => {
    expect(checkPasswordPolicy("kurz")).toMatch(/mindestens 8 Zeichen/);
    expect(checkPasswordPolicy("1234567")).toMatch(/mindestens 8 Zeichen/);
    expect(checkPasswordPolicy("passwort123")).toMatch(/zu verbreitet/);
    expect(checkPasswordPolicy("Password1")).toMatch(/zu verbreitet/);
    expect(checkPasswordPolicy("aaaaaaaaaaaa")).toMatch(/zu verbreitet/);
    expect(checkPasswordPolicy("anna.demir-2026", "anna.demir")).toMatch(/Benutzernamen/);
  });

  test("the policy accepts 8 characters without composition rules, and 64 or more", () => {
    expect(checkPasswordPolicy("grünerbaum")).toBeNull();
    expect(checkPasswordPolicy("x".repeat(7) + "y")).toBeNull();
    expect(checkPasswordPolicy("ein langer satz als passphrase ".repeat(3).slice(0, 64))).toBeNull();
    expect(checkPasswordPolicy("Zeichenkette-mit-Umlauten-äöü-".repeat(4))).toBeNull(); // 120 characters
  });

  test("hashes are argon2id with m=19456, t=2, p=1 and verify only the right password", async () => {
    const hash = await hashPassword("Korrektes Pferd Batterie Heftklammer");
    expect(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$")).toBe(true);
    expect(await verifyPassword(hash, "Korrektes Pferd Batterie Heftklammer")).toBe(true);
    expect(await verifyPassword(hash, "korrektes Pferd Batterie Heftklammer")).toBe(false);
    expect(await verifyPassword("kein-hash", "egal")).toBe(false);
  });

  test("the stored hash of a new user is argon2id, never the password", async () => {
    const user = await insertUser(db, { role: "admin", organisationId, password: "Ein-eigenes-Passwort-99" });
    const row = await db.selectFrom("users").select("password_hash").where("id", "=", user.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.password_hash).not.toContain("Ein-eigenes-Passwort-99");
  });
});
