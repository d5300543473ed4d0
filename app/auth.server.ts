import { Lucia, TimeSpan } from "lucia";
import type { Kysely } from "kysely";
import { writeAudit } from "../db/audit";
import { createKyselyAuthAdapter } from "../db/auth-adapter";
import { dummyPasswordHash, verifyPassword } from "../db/password";
import type { Database } from "../db/schema";
import { countRecentFailures, findUserForLogin, recordLoginAttempt } from "../db/users";
import type { Role } from "../workflows/vocabulary";

export const SESSION_IDLE_MINUTES = 30;
export const SESSION_ABSOLUTE_HOURS = 12;
/** Failed logins allowed within the window before answering 429. */
export const THROTTLE_WINDOW_MINUTES = 15;
export const THROTTLE_MAX_PER_ACCOUNT = 5;
export const THROTTLE_MAX_PER_ADDRESS = 30;

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  organisationId: number;
}

function buildLucia(db: Kysely<Database>, secureCookies: boolean) {
  return new Lucia(createKyselyAuthAdapter(db), {
    sessionExpiresIn: new TimeSpan(SESSION_IDLE_MINUTES, "m"),
    sessionCookie: {
      // "__Host-" requires Secure; over plain HTTP (local use) the prefix would make browsers drop the cookie.
      name: secureCookies ? "__Host-kim_session" : "kim_session",
      expires: false,
      attributes: { secure: secureCookies, sameSite: "lax" },
    },
    getSessionAttributes: (attributes) => ({ createdAt: attributes.created_at }),
    getUserAttributes: (attributes) => ({
      username: attributes.username,
      displayName: attributes.display_name,
      role: attributes.role,
      organisationId: attributes.organisation_id,
    }),
  });
}

declare module "lucia" {
  interface Register {
    Lucia: ReturnType<typeof buildLucia>;
    DatabaseUserAttributes: {
      username: string;
      display_name: string;
      role: Role;
      organisation_id: number;
      fte: string | null;
    };
    DatabaseSessionAttributes: { created_at: Date };
  }
}

export type LoginResult =
  | { ok: true; user: SessionUser; cookie: string }
  | { ok: false; status: 401 | 429; message: string };

export const LOGIN_FAILED_MESSAGE = "Benutzername oder Passwort ist falsch.";
export const LOGIN_THROTTLED_MESSAGE =
  "Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie 15 Minuten und versuchen Sie es dann erneut.";

export function createAuth(db: Kysely<Database>, options: { secureCookies: boolean }) {
  const lucia = buildLucia(db, options.secureCookies);

  async function login(input: { username: string; password: string; address: string }): Promise<LoginResult> {
    const username = input.username.trim().toLowerCase().slice(0, 64);
    const since = new Date(Date.now() - THROTTLE_WINDOW_MINUTES * 60_000);
    const failures = await countRecentFailures(db, { username, address: input.address, since });
    if (failures.byAccount >= THROTTLE_MAX_PER_ACCOUNT || failures.byAddress >= THROTTLE_MAX_PER_ADDRESS) {
      await writeAudit(db, {
        actorId: null,
        actorRole: null,
        action: "login",
        objectType: "session",
        outcome: "denied",
        detail: { reason: "throttled" },
      });
      return { ok: false, status: 429, message: LOGIN_THROTTLED_MESSAGE };
    }
    const user = await findUserForLogin(db, username);
    // Verify against a dummy hash for unknown users, so timing does not reveal whether an account exists.
    const valid = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), input.password);
    const success = Boolean(user && user.active && valid);
    await recordLoginAttempt(db, { username, address: input.address, success });
    await writeAudit(db, {
      actorId: success && user ? user.id : null,
      actorRole: success && user ? user.role : null,
      action: "login",
      objectType: "session",
      outcome: success ? "allowed" : "denied",
    });
    if (!success || !user) return { ok: false, status: 401, message: LOGIN_FAILED_MESSAGE };
    const session = await lucia.createSession(user.id, { created_at: new Date() });
    const validated = await lucia.validateSession(session.id);
    if (!validated.user) return { ok: false, status: 401, message: LOGIN_FAILED_MESSAGE };
    return { ok: true, user: validated.user, cookie: lucia.createSessionCookie(session.id).serialize() };
  }

  /**
   * The signed-in user for a request, or null. Ends sessions past the absolute lifetime and slides
   * the idle expiry on every request (lucia alone would only extend after half the idle time).
   */
  async function getSession(cookieHeader: string | null) {
    const sessionId = lucia.readSessionCookie(cookieHeader ?? "");
    if (!sessionId) return null;
    const { session, user } = await lucia.validateSession(sessionId);
    if (!session || !user) return null;
    const now = Date.now();
    if (now - session.createdAt.getTime() > SESSION_ABSOLUTE_HOURS * 3_600_000) {
      await lucia.invalidateSession(session.id);
      return null;
    }
    let expiresAt = session.expiresAt;
    if (expiresAt.getTime() - now < (SESSION_IDLE_MINUTES - 1) * 60_000) {
      expiresAt = new Date(now + SESSION_IDLE_MINUTES * 60_000);
      await db.updateTable("sessions").set({ expires_at: expiresAt }).where("id", "=", session.id).execute();
    }
    return { sessionId: session.id, expiresAt, user };
  }

  async function logout(cookieHeader: string | null): Promise<string> {
    const sessionId = lucia.readSessionCookie(cookieHeader ?? "");
    if (sessionId) await lucia.invalidateSession(sessionId);
    return lucia.createBlankSessionCookie().serialize();
  }

  return { lucia, login, getSession, logout };
}

export type Auth = ReturnType<typeof createAuth>;
export type AuthSession = NonNullable<Awaited<ReturnType<Auth["getSession"]>>>;
