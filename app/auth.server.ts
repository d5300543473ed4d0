import { Cookie, Lucia, TimeSpan } from "lucia";
import type { Kysely } from "kysely";
import QRCode from "qrcode";
import { writeAudit } from "../db/audit";
import { createKyselyAuthAdapter } from "../db/auth-adapter";
import { dummyPasswordHash, verifyPassword } from "../db/password";
import type { Database, LoginChallengePurpose } from "../db/schema";
import type { SecretBox } from "../db/secret-box";
import {
  CHALLENGE_MAX_FAILURES,
  CHALLENGE_MINUTES,
  type PendingSignIn,
  completeLoginChallenge,
  createLoginChallenge,
  deleteLoginChallenge,
  enableSecondFactor,
  findLoginChallenge,
  hasSecondFactor,
  recordChallengeFailure,
  totpSecretContext,
} from "../db/second-factor";
import { secondFactorRequiredFor } from "../db/settings";
import { formatSecret, generateTotpSecret, otpauthUri, verifyTotp } from "../db/totp";
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
  | { ok: false; status: 401 | 429; message: string }
  /** Password right, but no session yet: the cookie carries the pending sign-in to the code page. */
  | { ok: "second_factor"; purpose: LoginChallengePurpose; cookie: string };

/** Why a pending sign-in sends the user back to the password (shown on /anmelden as a notice). */
export type SignInNotice = "abgelaufen" | "zu-viele-codes";

export type SecondFactorResult =
  | { ok: true; user: SessionUser; cookies: string[]; redirectTo: string | null }
  | { ok: false; status: 401 | 429; message: string }
  | { ok: false; restart: SignInNotice; cookies: string[] };

export const LOGIN_FAILED_MESSAGE = "Benutzername oder Passwort ist falsch.";
export const LOGIN_THROTTLED_MESSAGE =
  "Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie 15 Minuten und versuchen Sie es dann erneut.";
export const CODE_WRONG_MESSAGE =
  "Der Code ist falsch oder abgelaufen. Bitte geben Sie den aktuellen 6-stelligen Code aus Ihrer Authenticator-App ein.";
export const CODE_REPLAYED_MESSAGE =
  "Dieser Code wurde bereits verwendet. Bitte warten Sie auf den nächsten Code (er wechselt alle 30 Sekunden).";
export const SIGN_IN_NOTICES: Record<SignInNotice, string> = {
  abgelaufen: "Die Anmeldung ist abgelaufen oder wurde abgebrochen. Bitte melden Sie sich erneut an.",
  "zu-viele-codes":
    "Der Sicherheitscode wurde zu oft falsch eingegeben. Aus Sicherheitsgründen können Sie sich erst in 15 Minuten erneut anmelden.",
};
/** Shown in authenticator apps next to the account name. */
export const TOTP_ISSUER = "KIM Fallmanagement";

export const SELF_ENROLMENT_EXPIRED_MESSAGE =
  "Die Einrichtung ist nicht mehr gültig. Bitte scannen Sie den neuen QR-Code und geben Sie den Code erneut ein.";
export const ALREADY_ENROLLED_MESSAGE = "Für Ihr Konto ist bereits ein zweiter Faktor eingerichtet.";

/** The new secret of a self-service set-up, sealed for the form: bound to the user, useless elsewhere. */
function selfEnrolmentContext(userId: string): string {
  return `totp-enrol:${userId}`;
}

/** What a set-up page shows for a new secret: the secret in groups, the otpauth:// URI and its QR code. */
async function enrolmentView(secret: string, username: string) {
  const uri = otpauthUri({ secret, account: username, issuer: TOTP_ISSUER });
  return {
    secret: formatSecret(secret),
    otpauthUri: uri,
    qrCode: await QRCode.toDataURL(uri, { errorCorrectionLevel: "M", margin: 2, scale: 5 }),
  };
}

/** What a redirect target is checked against: the app's own origin and the paths it has. */
export interface AppPaths {
  origin: string;
  isAppPath(pathname: string): boolean;
}

/**
 * Where a `redirectTo` may lead: parsed as a URL against the app's origin (as a browser would, so tabs,
 * line breaks and backslashes cannot smuggle in another host), accepted only when the result is
 * same-origin and a page the app has. Returns path and query, or null (then: the role's home).
 */
export function appRedirectTarget(to: string | null | undefined, app: AppPaths): string | null {
  if (!to) return null;
  let url: URL;
  try {
    url = new URL(to, app.origin);
  } catch {
    return null;
  }
  if (url.origin !== new URL(app.origin).origin) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (!app.isAppPath(pathname)) return null;
  return url.pathname + url.search;
}

/** A cookie's raw value (challenge ids are base64url, nothing to decode). */
export function readCookie(header: string | null, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

export function createAuth(db: Kysely<Database>, options: { secureCookies: boolean; secrets: SecretBox }) {
  const lucia = buildLucia(db, options.secureCookies);
  // The pending sign-in between password and code: as strict as the session cookie, and short-lived.
  const challengeCookieName = options.secureCookies ? "__Host-kim_login" : "kim_login";
  const challengeCookie = (value: string, maxAge: number) =>
    new Cookie(challengeCookieName, value, {
      httpOnly: true,
      sameSite: "lax",
      secure: options.secureCookies,
      path: "/",
      maxAge,
    }).serialize();
  const blankChallengeCookie = () => challengeCookie("", 0);
  // Lucia's own cookie would live 400 days; the browser keeps ours no longer than the session can live.
  const sessionCookie = (sessionId: string) => {
    const cookie = lucia.createSessionCookie(sessionId);
    return new Cookie(cookie.name, cookie.value, { ...cookie.attributes, maxAge: SESSION_ABSOLUTE_HOURS * 3600 }).serialize();
  };

  async function isThrottled(username: string, address: string): Promise<boolean> {
    const since = new Date(Date.now() - THROTTLE_WINDOW_MINUTES * 60_000);
    const failures = await countRecentFailures(db, { username, address, since });
    return failures.byAccount >= THROTTLE_MAX_PER_ACCOUNT || failures.byAddress >= THROTTLE_MAX_PER_ADDRESS;
  }

  async function startSession(userId: string): Promise<{ user: SessionUser; cookie: string } | null> {
    const session = await lucia.createSession(userId, { created_at: new Date() });
    const validated = await lucia.validateSession(session.id);
    if (!validated.user) return null;
    return { user: validated.user, cookie: sessionCookie(session.id) };
  }

  async function login(input: {
    username: string;
    password: string;
    address: string;
    /** Where to go after sign-in, already checked with appRedirectTarget (kept across the second factor). */
    redirectTo?: string | null;
  }): Promise<LoginResult> {
    const username = input.username.trim().toLowerCase().slice(0, 64);
    if (await isThrottled(username, input.address)) {
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
    const secondFactor: LoginChallengePurpose | null =
      !success || !user
        ? null
        : user.totp_enabled_at
          ? "verify"
          : (await secondFactorRequiredFor(db, user.role))
            ? "enroll"
            : null;
    // A pending second factor is not a successful sign-in yet: the attempt is recorded after the code.
    if (!secondFactor) await recordLoginAttempt(db, { username, address: input.address, success });
    await writeAudit(db, {
      actorId: success && user ? user.id : null,
      actorRole: success && user ? user.role : null,
      action: "login",
      objectType: "session",
      outcome: success ? "allowed" : "denied",
      ...(secondFactor ? { detail: { secondFactor } } : {}),
    });
    if (!success || !user) return { ok: false, status: 401, message: LOGIN_FAILED_MESSAGE };
    if (secondFactor) {
      const challenge = await createLoginChallenge(db, options.secrets, {
        userId: user.id,
        purpose: secondFactor,
        redirectTo: input.redirectTo ?? null,
      });
      return { ok: "second_factor", purpose: secondFactor, cookie: challengeCookie(challenge.id, CHALLENGE_MINUTES * 60) };
    }
    const started = await startSession(user.id);
    if (!started) return { ok: false, status: 401, message: LOGIN_FAILED_MESSAGE };
    return { ok: true, ...started };
  }

  /** The pending sign-in of this request's cookie, or null (missing, expired, used or void). */
  async function findPendingSignIn(cookieHeader: string | null): Promise<PendingSignIn | null> {
    const id = readCookie(cookieHeader, challengeCookieName);
    return id ? findLoginChallenge(db, options.secrets, id) : null;
  }

  /** What the code pages show: the purpose and, while enrolling, the new secret as text, URI and QR code. */
  async function getPendingSignIn(cookieHeader: string | null) {
    const pending = await findPendingSignIn(cookieHeader);
    if (!pending) return null;
    if (pending.purpose === "verify") return { purpose: "verify" as const, expiresAt: pending.expiresAt };
    return {
      purpose: "enroll" as const,
      expiresAt: pending.expiresAt,
      username: pending.username,
      ...(await enrolmentView(pending.secret, pending.username)),
    };
  }

  /**
   * The second step of a sign-in: checks the code against the pending sign-in (the pending secret while
   * enrolling), with the same throttling and audit as the password. A right code creates the session (a
   * new id) and ends the pending sign-in; a wrong one counts for the account throttle and, the
   * CHALLENGE_MAX_FAILURES-th time, voids the pending sign-in.
   */
  async function verifySecondFactor(input: {
    cookieHeader: string | null;
    code: string;
    address: string;
  }): Promise<SecondFactorResult> {
    const pending = await findPendingSignIn(input.cookieHeader);
    if (!pending) {
      await writeAudit(db, {
        actorId: null,
        actorRole: null,
        action: "login_second_factor",
        objectType: "session",
        outcome: "denied",
        detail: { reason: "expired" },
      });
      return { ok: false, restart: "abgelaufen", cookies: [blankChallengeCookie()] };
    }
    const audit = (outcome: "allowed" | "denied", reason?: string) =>
      writeAudit(db, {
        actorId: pending.userId,
        actorRole: pending.role,
        action: "login_second_factor",
        objectType: "session",
        outcome,
        detail: reason ? { purpose: pending.purpose, reason } : { purpose: pending.purpose },
      });
    if (await isThrottled(pending.username, input.address)) {
      await audit("denied", "throttled");
      return { ok: false, status: 429, message: LOGIN_THROTTLED_MESSAGE };
    }
    const check = verifyTotp(pending.secret, input.code, { lastStep: pending.lastStep });
    const completed = check.ok && (await completeLoginChallenge(db, pending, check.step));
    if (!completed) {
      const reason = check.ok || check.reason === "replayed" ? "replayed" : "invalid";
      await recordLoginAttempt(db, { username: pending.username, address: input.address, success: false });
      const failures = await recordChallengeFailure(db, pending.idHash);
      await audit("denied", reason);
      if (failures >= CHALLENGE_MAX_FAILURES) {
        return { ok: false, restart: "zu-viele-codes", cookies: [blankChallengeCookie()] };
      }
      return { ok: false, status: 401, message: reason === "replayed" ? CODE_REPLAYED_MESSAGE : CODE_WRONG_MESSAGE };
    }
    await recordLoginAttempt(db, { username: pending.username, address: input.address, success: true });
    await audit("allowed");
    const started = await startSession(pending.userId);
    if (!started) return { ok: false, restart: "abgelaufen", cookies: [blankChallengeCookie()] };
    return {
      ok: true,
      user: started.user,
      cookies: [started.cookie, blankChallengeCookie()],
      redirectTo: pending.redirectTo,
    };
  }

  /** Abandons the pending sign-in of this request (the "Abbrechen" button). */
  async function cancelSecondFactor(cookieHeader: string | null): Promise<string> {
    const pending = await findPendingSignIn(cookieHeader);
    if (pending) await deleteLoginChallenge(db, pending.idHash);
    return blankChallengeCookie();
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

  /** Self-service: the set-up page of a signed-in user without a factor; the new secret travels sealed in the form. */
  async function startSelfEnrolment(user: SessionUser) {
    if (await hasSecondFactor(db, user.id)) return null;
    const secret = generateTotpSecret();
    return { pending: options.secrets.seal(secret, selfEnrolmentContext(user.id)), ...(await enrolmentView(secret, user.username)) };
  }

  /**
   * Self-service: checks the code against the secret of the form (sealed for this user only) and sets the
   * factor up. A wrong code leaves everything as it was and shows the same secret again.
   */
  async function completeSelfEnrolment(user: SessionUser, input: { pending: string; code: string }) {
    let secret: string;
    try {
      secret = options.secrets.open(input.pending, selfEnrolmentContext(user.id));
    } catch {
      return { ok: false as const, status: 400, message: SELF_ENROLMENT_EXPIRED_MESSAGE, view: await startSelfEnrolment(user) };
    }
    const check = verifyTotp(secret, input.code, { lastStep: null });
    if (!check.ok) {
      const view = { pending: input.pending, ...(await enrolmentView(secret, user.username)) };
      return { ok: false as const, status: 400, message: CODE_WRONG_MESSAGE, view };
    }
    const sealedSecret = options.secrets.seal(secret, totpSecretContext(user.id));
    const enabled = await enableSecondFactor(db, { userId: user.id, role: user.role, sealedSecret, step: check.step });
    return enabled ? { ok: true as const } : { ok: false as const, status: 409, message: ALREADY_ENROLLED_MESSAGE, view: null };
  }

  async function logout(cookieHeader: string | null): Promise<string> {
    const sessionId = lucia.readSessionCookie(cookieHeader ?? "");
    if (sessionId) await lucia.invalidateSession(sessionId);
    return lucia.createBlankSessionCookie().serialize();
  }

  return {
    lucia,
    login,
    getPendingSignIn,
    verifySecondFactor,
    cancelSecondFactor,
    getSession,
    logout,
    startSelfEnrolment,
    completeSelfEnrolment,
  };
}

export type Auth = ReturnType<typeof createAuth>;
export type AuthSession = NonNullable<Awaited<ReturnType<Auth["getSession"]>>>;
