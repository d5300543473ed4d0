// The second factor (TOTP) of a sign-in, against a real database: through app/auth.server.ts (as
// server.ts hands it to every request) and, where cookies and redirects matter, through the routes
// (/anmelden, /anmelden/code, /anmelden/zwei-faktor, the admin's user page).
import { pathToFileURL } from "node:url";
import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { action as userAction, loader as userLoader } from "~/routes/admin.benutzer.$userId";
import { action as usersAction, loader as usersLoader } from "~/routes/admin.benutzer._index";
import { action as loginAction, loader as loginLoader } from "~/routes/anmelden";
import { action as codeAction, loader as codeLoader } from "~/routes/anmelden_.code";
import { loader as enrolLoader } from "~/routes/anmelden_.zwei-faktor";
import { action as selfEnrolAction, loader as selfEnrolLoader } from "~/routes/konto.zwei-faktor";
import {
  CODE_REPLAYED_MESSAGE,
  CODE_WRONG_MESSAGE,
  LOGIN_THROTTLED_MESSAGE,
  SIGN_IN_NOTICES,
  createAuth,
} from "../../app/auth.server";
import type { Database } from "../../db/schema";
import { CHALLENGE_MAX_FAILURES, hashChallengeId, resetSecondFactor, totpSecretContext } from "../../db/second-factor";
import { getSetting, setSetting } from "../../db/settings";
import { generateTotpSecret, totpCode, totpStep } from "../../db/totp";
import { findUserById, listUsers, updateUser } from "../../db/users";
import { SECOND_FACTOR_ROLES } from "../../workflows/permissions";
import type { Role } from "../../workflows/vocabulary";
import { createRouteTable } from "~/edge-guard.server";
import { buildFile } from "./build";
import { type TestDatabase, createTestDatabase } from "./db";
import { TEST_PASSWORD, cookiePair, insertOrganisation, insertUser, newClientAddress, testSecretBox } from "./fixtures";
import { routeContext } from "../support/load-context";

let t: TestDatabase;
let db: Kysely<Database>;
let auth: ReturnType<typeof createAuth>;
let organisationId: number;

/** A code of the secret `offsetSteps` steps from now (within the ±1 tolerance). */
function codeFor(secret: string, offsetSteps = 0): string {
  return totpCode(secret, Date.now() + offsetSteps * 30_000);
}

/** A 6-digit code that is none of the three the server accepts now (nor in the next step). */
function wrongCodeFor(secret: string): string {
  const valid = new Set([-1, 0, 1, 2].map((o) => codeFor(secret, o)));
  for (let n = 0; ; n++) {
    const candidate = String((123456 + n * 7919) % 1_000_000).padStart(6, "0");
    if (!valid.has(candidate)) return candidate;
  }
}

async function sessionCount(userId: string): Promise<number> {
  const row = await db
    .selectFrom("sessions")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function challengeRows(userId: string) {
  return db.selectFrom("login_challenges").selectAll().where("user_id", "=", userId).execute();
}

/** A user whose second factor is already set up with a fresh secret. */
async function userWithFactor(role: Role) {
  const user = await insertUser(db, { role, organisationId });
  const secret = generateTotpSecret();
  await db
    .updateTable("users")
    .set({ totp_secret: testSecretBox.seal(secret, totpSecretContext(user.id)), totp_enabled_at: new Date() })
    .where("id", "=", user.id)
    .execute();
  return { ...user, secret };
}

/** The password step; fails unless it asks for the second factor. Returns the challenge cookie (name=value). */
async function passwordStep(username: string, address = newClientAddress(), a = auth) {
  const result = await a.login({ username, password: TEST_PASSWORD, address });
  if (result.ok !== "second_factor") throw new Error(`expected a second factor, got ${JSON.stringify(result)}`);
  return { purpose: result.purpose, setCookie: result.cookie, cookie: cookiePair(result.cookie), address };
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

describe("who needs a second factor", () => {
  test("Teamleitung, coordinators, admins and data protection; case managers and steering only once they have set one up", () => {
    expect([...SECOND_FACTOR_ROLES].sort()).toEqual(["admin", "coordinator", "data_protection", "team_lead"]);
  });

  test("a case manager without a factor signs in with the password alone, as before", async () => {
    const user = await insertUser(db, { role: "case_manager", organisationId });
    const result = await auth.login({ username: user.username, password: TEST_PASSWORD, address: newClientAddress() });
    expect(result.ok).toBe(true);
    if (result.ok !== true) return;
    expect(result.cookie).toMatch(/^kim_session=/);
    expect(await sessionCount(user.id)).toBe(1);
    expect(await challengeRows(user.id)).toHaveLength(0);
  });

  test("a case manager who has a factor set up must enter the code (any role)", async () => {
    const user = await userWithFactor("case_manager");
    const step = await passwordStep(user.username);
    expect(step.purpose).toBe("verify");
    expect(await sessionCount(user.id)).toBe(0);
  });

  test("a wrong password never reaches the second factor", async () => {
    const user = await userWithFactor("coordinator");
    const result = await auth.login({ username: user.username, password: "Falsches-Passwort-1", address: newClientAddress() });
    expect(result).toEqual({ ok: false, status: 401, message: "Benutzername oder Passwort ist falsch." });
    expect(await challengeRows(user.id)).toHaveLength(0);
  });
});

describe("the code step", () => {
  test("a coordinator with the right password gets no session until the code, then a new one", async () => {
    const user = await userWithFactor("coordinator");
    const step = await passwordStep(user.username);
    expect(step.purpose).toBe("verify");
    expect(step.setCookie).toMatch(/^kim_login=[A-Za-z0-9_-]{43};/);
    expect(step.setCookie).toMatch(/HttpOnly/i);
    expect(step.setCookie).toMatch(/SameSite=Lax/i);
    expect(step.setCookie).toMatch(/Max-Age=300/i);
    expect(step.setCookie).toMatch(/Path=\//);
    expect(await sessionCount(user.id)).toBe(0);
    expect(await auth.getSession(step.cookie)).toBeNull();

    // Only the hash of the random id is stored, valid five minutes.
    const [row, ...more] = await challengeRows(user.id);
    expect(more).toHaveLength(0);
    const id = step.cookie.slice("kim_login=".length);
    expect(row?.id_hash).toBe(hashChallengeId(id));
    expect(JSON.stringify(row)).not.toContain(id);
    expect(row?.pending_secret).toBeNull();
    const minutes = ((row?.expires_at.getTime() ?? 0) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(4.9);
    expect(minutes).toBeLessThanOrEqual(5);

    const done = await auth.verifySecondFactor({ cookieHeader: step.cookie, code: codeFor(user.secret), address: step.address });
    expect(done.ok).toBe(true);
    if (!done.ok) return;
    expect(done.user).toMatchObject({ id: user.id, role: "coordinator" });
    const [sessionCookie, blank] = done.cookies;
    expect(sessionCookie).toMatch(/^kim_session=[^;]+;/);
    expect(blank).toMatch(/^kim_login=;/);
    expect(blank).toMatch(/Max-Age=0/i);
    expect((await auth.getSession(cookiePair(sessionCookie ?? "")))?.user.id).toBe(user.id);
    expect(await sessionCount(user.id)).toBe(1);
    expect(await challengeRows(user.id)).toHaveLength(0);
    // The stored step is the one of the code.
    const stored = await db.selectFrom("users").select("totp_last_step").where("id", "=", user.id).executeTakeFirstOrThrow();
    expect(stored.totp_last_step).toBeGreaterThanOrEqual(totpStep(Date.now()) - 1);
  });

  test("over HTTPS the pending sign-in's cookie is Secure with the __Host- prefix", async () => {
    const user = await userWithFactor("admin");
    const secureAuth = createAuth(db, { secureCookies: true, secrets: testSecretBox });
    const step = await passwordStep(user.username, newClientAddress(), secureAuth);
    expect(step.setCookie).toMatch(/^__Host-kim_login=/);
    expect(step.setCookie).toMatch(/; Secure/i);
    expect(step.setCookie).toMatch(/Path=\//);
    // The plain-HTTP name is not read when the app runs with secure cookies.
    const plain = step.cookie.replace("__Host-kim_login", "kim_login");
    expect(await secureAuth.getPendingSignIn(plain)).toBeNull();
    expect(await secureAuth.getPendingSignIn(step.cookie)).toMatchObject({ purpose: "verify" });
  });

  test("a wrong code is refused with 401, counts for the challenge and for the account throttle, and makes no session", async () => {
    const user = await userWithFactor("coordinator");
    const step = await passwordStep(user.username);
    const wrong = await auth.verifySecondFactor({ cookieHeader: step.cookie, code: wrongCodeFor(user.secret), address: step.address });
    expect(wrong).toEqual({ ok: false, status: 401, message: CODE_WRONG_MESSAGE });
    expect(CODE_WRONG_MESSAGE).toMatch(/^Der Code ist falsch/);
    expect((await challengeRows(user.id))[0]?.failed_attempts).toBe(1);
    const attempts = await db
      .selectFrom("login_attempts")
      .select(["success", "address"])
      .where("username", "=", user.username)
      .execute();
    expect(attempts).toEqual([{ success: false, address: step.address }]);
    expect(await sessionCount(user.id)).toBe(0);
    // The pending sign-in is still good for the right code.
    const done = await auth.verifySecondFactor({ cookieHeader: step.cookie, code: codeFor(user.secret), address: step.address });
    expect(done.ok).toBe(true);
  });

  test(`${CHALLENGE_MAX_FAILURES} wrong codes void the pending sign-in; the account is then throttled`, async () => {
    expect(CHALLENGE_MAX_FAILURES).toBe(5);
    const user = await userWithFactor("coordinator");
    const step = await passwordStep(user.username);
    const wrong = wrongCodeFor(user.secret);
    for (let i = 1; i < CHALLENGE_MAX_FAILURES; i++) {
      const result = await auth.verifySecondFactor({ cookieHeader: step.cookie, code: wrong, address: step.address });
      expect(result).toMatchObject({ ok: false, status: 401 });
    }
    const last = await auth.verifySecondFactor({ cookieHeader: step.cookie, code: wrong, address: step.address });
    expect(last).toMatchObject({ ok: false, restart: "zu-viele-codes" });
    if (last.ok || !("restart" in last)) return;
    expect(last.cookies[0]).toMatch(/^kim_login=;.*Max-Age=0/i);
    expect(await challengeRows(user.id)).toHaveLength(0);

    // Even the right code no longer helps: sign in again …
    const late = await auth.verifySecondFactor({ cookieHeader: step.cookie, code: codeFor(user.secret), address: step.address });
    expect(late).toMatchObject({ ok: false, restart: "abgelaufen" });
    expect(await sessionCount(user.id)).toBe(0);
    // … which the account throttle refuses for now: the wrong codes were failed sign-ins.
    const again = await auth.login({ username: user.username, password: TEST_PASSWORD, address: newClientAddress() });
    expect(again).toEqual({ ok: false, status: 429, message: LOGIN_THROTTLED_MESSAGE });
  });

  test("the code step is throttled like the password step (429) once the account has too many failures", async () => {
    const user = await userWithFactor("admin");
    const step = await passwordStep(user.username);
    // Five failures recorded elsewhere (other browsers, other addresses) after the password step.
    for (let i = 0; i < 5; i++) {
      await db.insertInto("login_attempts").values({ username: user.username, address: newClientAddress(), success: false }).execute();
    }
    const result = await auth.verifySecondFactor({ cookieHeader: step.cookie, code: codeFor(user.secret), address: step.address });
    expect(result).toEqual({ ok: false, status: 429, message: LOGIN_THROTTLED_MESSAGE });
    expect(await sessionCount(user.id)).toBe(0);
  });

  test("a code that signed in once is refused the next time, and so is an earlier one; the next step's code works", async () => {
    const user = await userWithFactor("coordinator");
    // Sign in with the code of the next step, so that the current one is "earlier" however the clock moves.
    const next = codeFor(user.secret, 1);
    const first = await passwordStep(user.username);
    expect((await auth.verifySecondFactor({ cookieHeader: first.cookie, code: next, address: first.address })).ok).toBe(true);

    const second = await passwordStep(user.username);
    const replay = await auth.verifySecondFactor({ cookieHeader: second.cookie, code: next, address: second.address });
    expect(replay).toEqual({ ok: false, status: 401, message: CODE_REPLAYED_MESSAGE });
    expect(CODE_REPLAYED_MESSAGE).toMatch(/bereits verwendet/);
    const earlier = await auth.verifySecondFactor({ cookieHeader: second.cookie, code: codeFor(user.secret), address: second.address });
    expect(earlier).toEqual({ ok: false, status: 401, message: CODE_REPLAYED_MESSAGE });
    expect((await challengeRows(user.id))[0]?.failed_attempts).toBe(2);
    expect(await sessionCount(user.id)).toBe(1);
  });

  test("the same code sent on two pending sign-ins at once signs in only one of them", async () => {
    const user = await userWithFactor("coordinator");
    const a = await passwordStep(user.username);
    const b = await passwordStep(user.username);
    expect(await challengeRows(user.id)).toHaveLength(2);
    const code = codeFor(user.secret, 1);
    const results = await Promise.all([
      auth.verifySecondFactor({ cookieHeader: a.cookie, code, address: a.address }),
      auth.verifySecondFactor({ cookieHeader: b.cookie, code, address: b.address }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, status: 401, message: CODE_REPLAYED_MESSAGE }]);
    expect(await sessionCount(user.id)).toBe(1);
  });

  test("an expired pending sign-in is refused and sends the user back to the password", async () => {
    const user = await userWithFactor("coordinator");
    const step = await passwordStep(user.username);
    await db
      .updateTable("login_challenges")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("user_id", "=", user.id)
      .execute();
    expect(await auth.getPendingSignIn(step.cookie)).toBeNull();
    const result = await auth.verifySecondFactor({ cookieHeader: step.cookie, code: codeFor(user.secret), address: step.address });
    expect(result).toMatchObject({ ok: false, restart: "abgelaufen" });
    expect(await sessionCount(user.id)).toBe(0);
    const stored = await db.selectFrom("users").select("totp_last_step").where("id", "=", user.id).executeTakeFirstOrThrow();
    expect(stored.totp_last_step).toBeNull();
  });

  test("a missing or forged cookie is no pending sign-in", async () => {
    expect(await auth.getPendingSignIn(null)).toBeNull();
    expect(await auth.getPendingSignIn("kim_login=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")).toBeNull();
    const result = await auth.verifySecondFactor({ cookieHeader: "kim_login=erfunden", code: "123456", address: newClientAddress() });
    expect(result).toMatchObject({ ok: false, restart: "abgelaufen" });
  });

  test("a user deactivated meanwhile cannot finish the sign-in", async () => {
    const user = await userWithFactor("coordinator");
    const step = await passwordStep(user.username);
    await updateUser(db, user.id, { active: false });
    const result = await auth.verifySecondFactor({ cookieHeader: step.cookie, code: codeFor(user.secret), address: step.address });
    expect(result).toMatchObject({ ok: false, restart: "abgelaufen" });
    expect(await sessionCount(user.id)).toBe(0);
  });

  test("cancelling deletes the pending sign-in", async () => {
    const user = await userWithFactor("coordinator");
    const step = await passwordStep(user.username);
    expect(await auth.cancelSecondFactor(step.cookie)).toMatch(/^kim_login=;.*Max-Age=0/i);
    expect(await challengeRows(user.id)).toHaveLength(0);
  });
});

describe("setting up the factor (enrolment)", () => {
  test("a new coordinator sets it up at first sign-in; the secret is stored only after a correct code", async () => {
    const user = await insertUser(db, { role: "coordinator", organisationId });
    const step = await passwordStep(user.username);
    expect(step.purpose).toBe("enroll");
    expect(await sessionCount(user.id)).toBe(0);

    const pending = await auth.getPendingSignIn(step.cookie);
    expect(pending?.purpose).toBe("enroll");
    if (pending?.purpose !== "enroll") return;
    expect(pending.secret).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    const secret = pending.secret.replace(/ /g, "");
    expect(pending.otpauthUri).toBe(
      `otpauth://totp/KIM%20Fallmanagement:${encodeURIComponent(user.username)}?secret=${secret}` +
        "&issuer=KIM%20Fallmanagement&algorithm=SHA1&digits=6&period=30",
    );
    expect(pending.qrCode).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    // Reloading the page shows the same secret.
    expect((await auth.getPendingSignIn(step.cookie)) as unknown).toMatchObject({ secret: pending.secret });

    const notYet = async () =>
      db.selectFrom("users").select(["totp_secret", "totp_enabled_at"]).where("id", "=", user.id).executeTakeFirstOrThrow();
    const wrong = await auth.verifySecondFactor({ cookieHeader: step.cookie, code: wrongCodeFor(secret), address: step.address });
    expect(wrong).toEqual({ ok: false, status: 401, message: CODE_WRONG_MESSAGE });
    expect(await notYet()).toEqual({ totp_secret: null, totp_enabled_at: null });

    const done = await auth.verifySecondFactor({ cookieHeader: step.cookie, code: codeFor(secret), address: step.address });
    expect(done.ok).toBe(true);
    expect(await sessionCount(user.id)).toBe(1);
    const stored = await notYet();
    expect(stored.totp_secret).not.toContain(secret);
    expect(testSecretBox.open(stored.totp_secret ?? "", totpSecretContext(user.id))).toBe(secret);
    expect(stored.totp_enabled_at).toBeInstanceOf(Date);

    // From now on the code of that secret is asked for.
    const later = await passwordStep(user.username);
    expect(later.purpose).toBe("verify");
    const again = await auth.verifySecondFactor({ cookieHeader: later.cookie, code: codeFor(secret, 1), address: later.address });
    expect(again.ok).toBe(true);
  });

  test("a code of another secret does not enrol", async () => {
    const user = await insertUser(db, { role: "admin", organisationId });
    const step = await passwordStep(user.username);
    const result = await auth.verifySecondFactor({
      cookieHeader: step.cookie,
      code: codeFor(generateTotpSecret()),
      address: step.address,
    });
    expect(result).toMatchObject({ ok: false, status: 401 });
    const row = await db.selectFrom("users").select("totp_secret").where("id", "=", user.id).executeTakeFirstOrThrow();
    expect(row.totp_secret).toBeNull();
  });

  test("two enrolments in parallel: the first one wins, the other must sign in again", async () => {
    const user = await insertUser(db, { role: "coordinator", organisationId });
    const a = await passwordStep(user.username);
    const b = await passwordStep(user.username);
    const secretOf = async (cookie: string) => {
      const p = await auth.getPendingSignIn(cookie);
      return p?.purpose === "enroll" ? p.secret.replace(/ /g, "") : "";
    };
    const [secretA, secretB] = [await secretOf(a.cookie), await secretOf(b.cookie)];
    expect(secretA).not.toBe(secretB);
    expect((await auth.verifySecondFactor({ cookieHeader: a.cookie, code: codeFor(secretA), address: a.address })).ok).toBe(true);
    const second = await auth.verifySecondFactor({ cookieHeader: b.cookie, code: codeFor(secretB), address: b.address });
    expect(second).toMatchObject({ ok: false, restart: "abgelaufen" });
    const row = await db.selectFrom("users").select("totp_secret").where("id", "=", user.id).executeTakeFirstOrThrow();
    expect(testSecretBox.open(row.totp_secret ?? "", totpSecretContext(user.id))).toBe(secretA);
  });
});

describe("the secret stays in its module", () => {
  test("user listings, the user page query and the session carry at most the set-up time", async () => {
    const user = await userWithFactor("coordinator");
    const listed = (await listUsers(db)).find((u) => u.id === user.id);
    expect(listed?.totp_enabled_at).toBeInstanceOf(Date);
    expect(JSON.stringify(listed)).not.toContain(user.secret);
    expect(Object.keys(listed ?? {})).not.toContain("totp_secret");
    const found = await findUserById(db, user.id);
    expect(Object.keys(found ?? {})).not.toContain("totp_secret");
    expect(Object.keys(found ?? {})).not.toContain("totp_last_step");

    const step = await passwordStep(user.username);
    expect(await auth.getPendingSignIn(step.cookie)).toEqual({ purpose: "verify", expiresAt: expect.any(Date) });
    const done = await auth.verifySecondFactor({ cookieHeader: step.cookie, code: codeFor(user.secret), address: step.address });
    if (!done.ok) throw new Error("sign-in failed");
    const session = await auth.getSession(cookiePair(done.cookies[0] ?? ""));
    expect(JSON.stringify(session)).not.toContain(user.secret);
  });

  test("audit rows of every step name the outcome but never a code or a secret", async () => {
    const before = await db.selectFrom("audit_log").select("id").orderBy("id", "desc").executeTakeFirst();
    const user = await userWithFactor("coordinator");
    const step = await passwordStep(user.username);
    const wrong = wrongCodeFor(user.secret);
    const right = codeFor(user.secret, 1);
    await auth.verifySecondFactor({ cookieHeader: step.cookie, code: wrong, address: step.address });
    await auth.verifySecondFactor({ cookieHeader: step.cookie, code: right, address: step.address });
    const replay = await passwordStep(user.username);
    await auth.verifySecondFactor({ cookieHeader: replay.cookie, code: right, address: replay.address });
    const enrolling = await insertUser(db, { role: "admin", organisationId });
    const enrolStep = await passwordStep(enrolling.username);
    const pending = await auth.getPendingSignIn(enrolStep.cookie);
    const pendingSecret = pending?.purpose === "enroll" ? pending.secret.replace(/ /g, "") : "";
    const enrolCode = codeFor(pendingSecret);
    await auth.verifySecondFactor({ cookieHeader: enrolStep.cookie, code: enrolCode, address: enrolStep.address });

    const rows = await db
      .selectFrom("audit_log")
      .select(["actor_id", "actor_role", "action", "outcome", "detail"])
      .where("id", ">", before?.id ?? 0)
      .orderBy("id")
      .execute();
    expect(rows.map((r) => [r.action, r.outcome, r.actor_id, r.detail])).toEqual([
      ["login", "allowed", user.id, { secondFactor: "verify" }],
      ["login_second_factor", "denied", user.id, { purpose: "verify", reason: "invalid" }],
      ["login_second_factor", "allowed", user.id, { purpose: "verify" }],
      ["login", "allowed", user.id, { secondFactor: "verify" }],
      ["login_second_factor", "denied", user.id, { purpose: "verify", reason: "replayed" }],
      ["login", "allowed", enrolling.id, { secondFactor: "enroll" }],
      ["login_second_factor", "allowed", enrolling.id, { purpose: "enroll" }],
    ]);
    const text = JSON.stringify(rows);
    for (const secretish of [wrong, right, enrolCode, user.secret, pendingSecret, step.cookie.split("=")[1] ?? "x"]) {
      expect(text).not.toContain(secretish);
    }
  });
});

// The app's pages, as the server knows them (redirect targets must be one of them).
const routeTable = createRouteTable(((await import(/* @vite-ignore */ pathToFileURL(buildFile).href)) as ServerBuild).routes);

describe("through the routes", () => {
  const origin = "http://localhost";

  function contextFor(cookieHeader: string | null): AppLoadContext {
    let session: ReturnType<typeof auth.getSession> | undefined;
    return routeContext(db, null, {
      auth,
      clientAddress: newClientAddress(),
      isAppPath: routeTable.isAppPath,
      getSession: () => (session ??= auth.getSession(cookieHeader)),
    });
  }

  function post(path: string, fields: Record<string, string>, cookieHeader: string | null = null) {
    const headers = new Headers({ Origin: origin });
    if (cookieHeader) headers.set("Cookie", cookieHeader);
    const request = new Request(`${origin}${path}`, { method: "POST", body: new URLSearchParams(fields), headers });
    return { request, context: contextFor(cookieHeader), params: {} };
  }

  function get(path: string, cookieHeader: string | null = null, params: Record<string, string> = {}) {
    const headers = new Headers();
    if (cookieHeader) headers.set("Cookie", cookieHeader);
    return { request: new Request(`${origin}${path}`, { headers }), context: contextFor(cookieHeader), params };
  }

  /** Runs a loader or action and returns the thrown or returned redirect (status, location, cookies). */
  async function redirectOf(run: () => Promise<unknown>) {
    const outcome = await run().then(
      (value) => value,
      (thrown: unknown) => thrown,
    );
    if (!(outcome instanceof Response)) throw new Error(`expected a redirect, got ${JSON.stringify(outcome)}`);
    return {
      status: outcome.status,
      location: outcome.headers.get("Location"),
      cookies: outcome.headers.getSetCookie(),
    };
  }

  test("password → /anmelden/code → role home (or the safe redirectTo), the code page keeps nothing but the error", async () => {
    const user = await userWithFactor("coordinator");
    const first = await redirectOf(() =>
      loginAction(post("/anmelden", { username: user.username, password: TEST_PASSWORD, redirectTo: "/faelle?seite=2" })),
    );
    expect(first).toMatchObject({ status: 302, location: "/anmelden/code" });
    expect(first.cookies).toHaveLength(1);
    expect(first.cookies[0]).toMatch(/^kim_login=/);
    const challenge = cookiePair(first.cookies[0] ?? "");

    // The code page: for the pending sign-in only; the enrolment page sends it back here.
    expect(await codeLoader(get("/anmelden/code", challenge))).toBeNull();
    expect(await redirectOf(() => enrolLoader(get("/anmelden/zwei-faktor", challenge)))).toMatchObject({
      location: "/anmelden/code",
    });

    const wrong = (await codeAction(post("/anmelden/code", { code: wrongCodeFor(user.secret) }, challenge))) as {
      data: { result: { error: Record<string, string[]>; initialValue?: Record<string, unknown> } };
      init: { status: number };
    };
    expect(wrong.init.status).toBe(401);
    expect(wrong.data.result.error).toEqual({ code: [CODE_WRONG_MESSAGE] });
    expect(wrong.data.result.initialValue?.code).toBeUndefined();

    const malformed = (await codeAction(post("/anmelden/code", { code: "12ab" }, challenge))) as { init: { status: number } };
    expect(malformed.init.status).toBe(400);

    const done = await redirectOf(() => codeAction(post("/anmelden/code", { code: codeFor(user.secret) }, challenge)));
    expect(done).toMatchObject({ status: 302, location: "/faelle?seite=2" });
    expect(done.cookies.map((c) => c.split("=")[0])).toEqual(["kim_session", "kim_login"]);
  });

  test("without a pending sign-in the code pages lead back to /anmelden with a German notice", async () => {
    for (const load of [() => codeLoader(get("/anmelden/code")), () => enrolLoader(get("/anmelden/zwei-faktor"))]) {
      expect(await redirectOf(load)).toMatchObject({ location: "/anmelden?hinweis=abgelaufen" });
    }
    expect(await redirectOf(() => codeAction(post("/anmelden/code", { code: "123456" }, "kim_login=alt")))).toMatchObject({
      location: "/anmelden?hinweis=abgelaufen",
    });
    expect(await loginLoader(get("/anmelden?hinweis=abgelaufen"))).toEqual({ notice: SIGN_IN_NOTICES.abgelaufen });
    expect(SIGN_IN_NOTICES.abgelaufen).toMatch(/^Die Anmeldung ist abgelaufen/);
    expect(await loginLoader(get("/anmelden?hinweis=<script>"))).toEqual({ notice: null });
    expect(await loginLoader(get("/anmelden?hinweis=toString"))).toEqual({ notice: null });
  });

  test("a coordinator without a factor is sent to /anmelden/zwei-faktor, whose loader shows the new secret", async () => {
    const user = await insertUser(db, { role: "coordinator", organisationId });
    const first = await redirectOf(() => loginAction(post("/anmelden", { username: user.username, password: TEST_PASSWORD })));
    expect(first.location).toBe("/anmelden/zwei-faktor");
    const challenge = cookiePair(first.cookies[0] ?? "");
    const page = await enrolLoader(get("/anmelden/zwei-faktor", challenge));
    expect(page.username).toBe(user.username);
    expect(page.qrCode).toMatch(/^data:image\/png;base64,/);
    const secret = page.secret.replace(/ /g, "");
    expect(page.otpauthUri).toContain(`secret=${secret}`);
    const done = await redirectOf(() => codeAction(post("/anmelden/zwei-faktor", { code: codeFor(secret) }, challenge)));
    expect(done.location).toBe("/team");
  });

  test("the admin resets a user's factor: audited, the user's sessions end, the next sign-in enrols anew", async () => {
    const admin = await userWithFactor("admin");
    const user = await userWithFactor("coordinator");
    const adminStep = await passwordStep(admin.username);
    const adminDone = await auth.verifySecondFactor({ cookieHeader: adminStep.cookie, code: codeFor(admin.secret), address: adminStep.address });
    const userStep = await passwordStep(user.username);
    const userDone = await auth.verifySecondFactor({ cookieHeader: userStep.cookie, code: codeFor(user.secret), address: userStep.address });
    if (!adminDone.ok || !userDone.ok) throw new Error("sign-in failed");
    const adminCookie = cookiePair(adminDone.cookies[0] ?? "");
    const userCookie = cookiePair(userDone.cookies[0] ?? "");
    const pendingElsewhere = await passwordStep(user.username);

    const shown = await userLoader(get(`/admin/benutzer/${user.id}`, adminCookie, { userId: user.id }));
    expect(shown.user.totp_enabled_at).toBeInstanceOf(Date);
    expect(JSON.stringify(shown)).not.toContain(user.secret);
    const list = await usersLoader(get("/admin/benutzer", adminCookie));
    expect(list.users.find((u) => u.id === user.id)?.totp_enabled_at).toBeInstanceOf(Date);
    expect(JSON.stringify(list)).not.toContain(user.secret);

    const before = await db.selectFrom("audit_log").select("id").orderBy("id", "desc").executeTakeFirst();
    const result = await userAction({
      ...post(`/admin/benutzer/${user.id}`, { intent: "reset-second-factor" }, adminCookie),
      params: { userId: user.id },
    });
    expect(result).toMatchObject({ secondFactorReset: true });

    const row = await db
      .selectFrom("users")
      .select(["totp_secret", "totp_enabled_at", "totp_last_step"])
      .where("id", "=", user.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ totp_secret: null, totp_enabled_at: null, totp_last_step: null });
    expect(await auth.getSession(userCookie)).toBeNull();
    expect(await sessionCount(user.id)).toBe(0);
    expect(await auth.getPendingSignIn(pendingElsewhere.cookie)).toBeNull();
    expect(await auth.getSession(adminCookie)).not.toBeNull();

    const audit = await db
      .selectFrom("audit_log")
      .select(["actor_id", "action", "object_id", "outcome", "detail"])
      .where("id", ">", before?.id ?? 0)
      .where("action", "=", "user.second_factor_reset")
      .execute();
    expect(audit).toEqual([
      { actor_id: admin.id, action: "user.second_factor_reset", object_id: user.id, outcome: "allowed", detail: { wasSetUp: true } },
    ]);

    const next = await passwordStep(user.username);
    expect(next.purpose).toBe("enroll");
  });

  /** A new admin with a factor, signed in with password and code: the user and the session's Cookie header. */
  async function signedInAdmin() {
    const admin = await userWithFactor("admin");
    const step = await passwordStep(admin.username);
    const done = await auth.verifySecondFactor({ cookieHeader: step.cookie, code: codeFor(admin.secret), address: step.address });
    if (!done.ok) throw new Error("sign-in failed");
    return { admin, cookie: cookiePair(done.cookies[0] ?? "") };
  }

  test("the admin turns the site setting 'second factor for every role' on and off on the user page (audited; bad value 422)", async () => {
    const { admin, cookie } = await signedInAdmin();
    const steering = await insertUser(db, { role: "steering", organisationId });
    const policyAudit = () =>
      db
        .selectFrom("audit_log")
        .select(["actor_id", "action", "object_type", "object_id", "outcome", "detail"])
        .where("action", "=", "settings.update")
        .where("object_id", "=", "second_factor_required_for_all")
        .orderBy("id")
        .execute();
    try {
      expect((await usersLoader(get("/admin/benutzer", cookie))).secondFactorForAll).toBe(false);

      const on = await redirectOf(() => usersAction(post("/admin/benutzer", { intent: "second-factor-policy", forAll: "on" }, cookie)));
      expect(on).toMatchObject({ status: 302, location: "/admin/benutzer?zweiter-faktor=alle" });
      expect(await getSetting(db, "second_factor_required_for_all")).toBe(1);
      expect((await usersLoader(get("/admin/benutzer", cookie))).secondFactorForAll).toBe(true);
      expect(await passwordStep(steering.username).then((s) => s.purpose)).toBe("enroll");

      const bad = (await usersAction(post("/admin/benutzer", { intent: "second-factor-policy", forAll: "vielleicht" }, cookie))) as {
        init: { status: number };
        data: { policy: { error: Record<string, string[]> } };
      };
      expect(bad.init.status).toBe(422);
      expect(bad.data.policy.error.forAll).toEqual(["Bitte setzen oder entfernen Sie nur das Häkchen."]);
      expect(await getSetting(db, "second_factor_required_for_all")).toBe(1);

      const off = await redirectOf(() => usersAction(post("/admin/benutzer", { intent: "second-factor-policy" }, cookie)));
      expect(off).toMatchObject({ status: 302, location: "/admin/benutzer?zweiter-faktor=rollen" });
      expect(await getSetting(db, "second_factor_required_for_all")).toBe(0);
      const login = await auth.login({ username: steering.username, password: TEST_PASSWORD, address: newClientAddress() });
      expect(login.ok).toBe(true);

      const changed = { actor_id: admin.id, action: "settings.update", object_type: "setting", object_id: "second_factor_required_for_all", outcome: "allowed" };
      expect(await policyAudit()).toEqual([
        { ...changed, detail: { from: 0, to: 1 } },
        { ...changed, detail: { from: 1, to: 0 } },
      ]);
    } finally {
      await setSetting(db, "second_factor_required_for_all", 0, null);
    }
  });

  test("an admin cannot reset their own factor through the page", async () => {
    const { admin, cookie } = await signedInAdmin();
    const result = (await userAction({
      ...post(`/admin/benutzer/${admin.id}`, { intent: "reset-second-factor" }, cookie),
      params: { userId: admin.id },
    })) as { init: { status: number }; data: { secondFactorError: string } };
    expect(result.init.status).toBe(400);
    expect(result.data.secondFactorError).toMatch(/andere Administrator/);
    const row = await db.selectFrom("users").select("totp_secret").where("id", "=", admin.id).executeTakeFirstOrThrow();
    expect(testSecretBox.open(row.totp_secret ?? "", totpSecretContext(admin.id))).toBe(admin.secret);
  });

  test("resetSecondFactor on its own also clears a case manager's voluntary factor", async () => {
    const user = await userWithFactor("case_manager");
    expect(await resetSecondFactor(db, user.id)).toBe(true);
    const result = await auth.login({ username: user.username, password: TEST_PASSWORD, address: newClientAddress() });
    expect(result.ok).toBe(true);
  });

  test("a case manager sets up a factor on /konto/zwei-faktor: a wrong code keeps the secret and writes nothing, the right one enables it", async () => {
    const user = await insertUser(db, { role: "case_manager", organisationId });
    const signedIn = await auth.login({ username: user.username, password: TEST_PASSWORD, address: newClientAddress() });
    if (signedIn.ok !== true) throw new Error("case manager should sign in with the password alone");
    const cookie = cookiePair(signedIn.cookie);
    const page = await selfEnrolLoader(get("/konto/zwei-faktor", cookie));
    if (!page.view) throw new Error("expected the set-up view");
    const secret = page.view.secret.replace(/ /g, "");
    expect(page.view.pending).toMatch(/^kim1:test:/);
    expect(page.view.pending).not.toContain(secret);
    const stored = () => db.selectFrom("users").select(["totp_secret", "totp_enabled_at"]).where("id", "=", user.id).executeTakeFirstOrThrow();

    const wrong = (await selfEnrolAction(post("/konto/zwei-faktor", { pending: page.view.pending, code: wrongCodeFor(secret) }, cookie))) as {
      init: { status: number };
      data: { result: { error: Record<string, string[]> }; view: { secret: string; pending: string } };
    };
    expect(wrong.init.status).toBe(400);
    expect(wrong.data.result.error.code?.[0]).toBe(CODE_WRONG_MESSAGE);
    expect(wrong.data.view.secret.replace(/ /g, "")).toBe(secret);
    expect(await stored()).toEqual({ totp_secret: null, totp_enabled_at: null });
    // A secret sealed for another user does not open here.
    const other = await insertUser(db, { role: "case_manager", organisationId });
    const asUser = (u: { id: string; username: string }) => ({
      id: u.id,
      role: "case_manager" as const,
      username: u.username,
      displayName: "x",
      organisationId,
    });
    const foreign = await auth.startSelfEnrolment(asUser(other));
    const forged = await auth.completeSelfEnrolment(
      asUser(user),
      { pending: foreign?.pending ?? "", code: codeFor((foreign?.secret ?? "").replace(/ /g, "")) },
    );
    expect(forged.ok).toBe(false);
    expect(await stored()).toEqual({ totp_secret: null, totp_enabled_at: null });

    const done = await redirectOf(() =>
      selfEnrolAction(post("/konto/zwei-faktor", { pending: page.view?.pending ?? "", code: codeFor(secret) }, cookie)),
    );
    expect(done.location).toBe("/konto/zwei-faktor?eingerichtet");
    const after = await stored();
    expect(after.totp_enabled_at).toBeInstanceOf(Date);
    expect(testSecretBox.open(after.totp_secret ?? "", totpSecretContext(user.id))).toBe(secret);
    expect((await selfEnrolLoader(get("/konto/zwei-faktor", cookie))).view).toBeNull();
    // From now on the password alone is not enough.
    const next = await auth.login({ username: user.username, password: TEST_PASSWORD, address: newClientAddress() });
    expect(next).toMatchObject({ ok: "second_factor", purpose: "verify" });
  });

  test("the site setting second_factor_required_for_all makes every role set one up at sign-in", async () => {
    const user = await insertUser(db, { role: "steering", organisationId });
    await setSetting(db, "second_factor_required_for_all", 1, null);
    try {
      const result = await auth.login({ username: user.username, password: TEST_PASSWORD, address: newClientAddress() });
      expect(result).toMatchObject({ ok: "second_factor", purpose: "enroll" });
    } finally {
      await setSetting(db, "second_factor_required_for_all", 0, null);
    }
    const result = await auth.login({ username: user.username, password: TEST_PASSWORD, address: newClientAddress() });
    expect(result.ok).toBe(true);
  });
});
