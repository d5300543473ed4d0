// The second factor in the database: pending sign-ins (login_challenges) between the correct password and
// the TOTP code, the user's secret and the last accepted time step. The only module that reads
// users.totp_secret; every listing of users selects totp_enabled_at at most. Secrets are stored sealed
// (AES-256-GCM, db/secret-box.ts) and bound to their user: totp_secret and pending_secret hold
// "kim1:<key id>:…", never the secret itself.
import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Role } from "../workflows/vocabulary";
import { writeAudit } from "./audit";
import type { Database, LoginChallengePurpose } from "./schema";
import { type SecretBox, isSealed } from "./secret-box";
import { generateTotpSecret } from "./totp";

/** A pending sign-in lasts five minutes. */
export const CHALLENGE_MINUTES = 5;
/** Wrong codes after which a pending sign-in is void. */
export const CHALLENGE_MAX_FAILURES = 5;

/** What a user's sealed TOTP secret is bound to: copied to another user's row it no longer opens. */
export function totpSecretContext(userId: string): string {
  return `totp:${userId}`;
}

/** SHA-256 (hex) of a challenge id: what the table stores instead of the id. */
export function hashChallengeId(id: string): string {
  return createHash("sha256").update(id, "utf8").digest("hex");
}

/**
 * Starts a pending sign-in for a user whose password was right: 256 random bits, returned once (for the
 * cookie) and stored only as a hash; "enroll" draws the new secret the user is about to set up. Other
 * pending sign-ins of the user (another browser) stay: more of them give no more guesses, since every
 * wrong code counts for the account throttle, which is checked before each code.
 */
export async function createLoginChallenge(
  db: Kysely<Database>,
  box: SecretBox,
  input: { userId: string; purpose: LoginChallengePurpose; redirectTo: string | null; now?: Date },
): Promise<{ id: string; expiresAt: Date }> {
  const id = randomBytes(32).toString("base64url");
  const now = input.now ?? new Date();
  const expiresAt = new Date(now.getTime() + CHALLENGE_MINUTES * 60_000);
  await db
    .insertInto("login_challenges")
    .values({
      id_hash: hashChallengeId(id),
      user_id: input.userId,
      purpose: input.purpose,
      pending_secret: input.purpose === "enroll" ? box.seal(generateTotpSecret(), totpSecretContext(input.userId)) : null,
      redirect_to: input.redirectTo,
      created_at: now,
      expires_at: expiresAt,
    })
    .execute();
  return { id, expiresAt };
}

export interface PendingSignIn {
  idHash: string;
  purpose: LoginChallengePurpose;
  redirectTo: string | null;
  failedAttempts: number;
  expiresAt: Date;
  userId: string;
  username: string;
  role: Role;
  /** The secret the code must match: the pending one while enrolling, else the user's. */
  secret: string;
  /** The same as stored (sealed): what completing the sign-in compares and copies. */
  sealedSecret: string;
  lastStep: number | null;
}

/** The pending sign-in of a challenge id, unless it expired, the user is inactive or the factor changed meanwhile. */
export async function findLoginChallenge(
  db: Kysely<Database>,
  box: SecretBox,
  id: string,
  now: Date = new Date(),
): Promise<PendingSignIn | null> {
  const row = await db
    .selectFrom("login_challenges")
    .innerJoin("users", "users.id", "login_challenges.user_id")
    .select([
      "login_challenges.id_hash",
      "login_challenges.purpose",
      "login_challenges.pending_secret",
      "login_challenges.redirect_to",
      "login_challenges.failed_attempts",
      "login_challenges.expires_at",
      "users.id as user_id",
      "users.username",
      "users.role",
      "users.active",
      "users.totp_secret",
      "users.totp_enabled_at",
      "users.totp_last_step",
    ])
    .where("login_challenges.id_hash", "=", hashChallengeId(id))
    .where("login_challenges.expires_at", ">", now)
    .executeTakeFirst();
  if (!row || !row.active) return null;
  const sealedSecret = row.purpose === "enroll" ? row.pending_secret : row.totp_secret;
  // Enrolled meanwhile (enroll) or reset by an administrator (verify): this sign-in no longer fits.
  if (!sealedSecret || (row.purpose === "enroll") !== (row.totp_enabled_at === null)) return null;
  // Throws when the key is missing (KIM_SECRET_KEYS_OLD after a rotation) or the value was altered.
  const secret = box.open(sealedSecret, totpSecretContext(row.user_id));
  return {
    idHash: row.id_hash,
    purpose: row.purpose,
    redirectTo: row.redirect_to,
    failedAttempts: row.failed_attempts,
    expiresAt: row.expires_at,
    userId: row.user_id,
    username: row.username,
    role: row.role,
    secret,
    sealedSecret,
    lastStep: row.totp_last_step,
  };
}

/** Counts one wrong code; at CHALLENGE_MAX_FAILURES the pending sign-in is deleted. Returns the count. */
export async function recordChallengeFailure(db: Kysely<Database>, idHash: string): Promise<number> {
  const row = await db
    .updateTable("login_challenges")
    .set((eb) => ({ failed_attempts: eb("failed_attempts", "+", 1) }))
    .where("id_hash", "=", idHash)
    .returning("failed_attempts")
    .executeTakeFirst();
  const failures = row?.failed_attempts ?? CHALLENGE_MAX_FAILURES;
  if (failures >= CHALLENGE_MAX_FAILURES) await deleteLoginChallenge(db, idHash);
  return failures;
}

export async function deleteLoginChallenge(db: Kysely<Database>, idHash: string): Promise<void> {
  await db.deleteFrom("login_challenges").where("id_hash", "=", idHash).execute();
}

/**
 * Ends a pending sign-in after a correct code for `step`: stores the step as the user's last one (and,
 * when enrolling, the secret with its set-up time) and deletes the challenge, in one transaction. False
 * when the step is not newer than the stored one (a replay, also one racing in parallel), the factor
 * changed meanwhile or the challenge was used already: then nothing is written.
 */
export async function completeLoginChallenge(
  db: Kysely<Database>,
  pending: Pick<PendingSignIn, "idHash" | "purpose" | "userId" | "sealedSecret">,
  step: number,
): Promise<boolean> {
  return db
    .transaction()
    .execute(async (trx) => {
      let update = trx
        .updateTable("users")
        .where("id", "=", pending.userId)
        .where((eb) => eb.or([eb("totp_last_step", "is", null), eb("totp_last_step", "<", step)]));
      update =
        pending.purpose === "enroll"
          ? update
              .set({ totp_secret: pending.sealedSecret, totp_enabled_at: new Date(), totp_last_step: step, updated_at: new Date() })
              .where("totp_enabled_at", "is", null)
          : update
              .set({ totp_last_step: step })
              .where("totp_enabled_at", "is not", null)
              .where("totp_secret", "=", pending.sealedSecret);
      const updated = await update.executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw new StaleChallenge();
      const deleted = await trx.deleteFrom("login_challenges").where("id_hash", "=", pending.idHash).executeTakeFirst();
      if (Number(deleted.numDeletedRows) !== 1) throw new StaleChallenge();
      return true;
    })
    .catch((error: unknown) => {
      if (error instanceof StaleChallenge) return false;
      throw error;
    });
}

class StaleChallenge extends Error {}

/** Whether the user has a second factor set up. */
export async function hasSecondFactor(db: Kysely<Database>, userId: string): Promise<boolean> {
  const row = await db.selectFrom("users").select("totp_enabled_at").where("id", "=", userId).executeTakeFirst();
  return Boolean(row?.totp_enabled_at);
}

/**
 * Self-service set-up by a signed-in user (after a correct code for `step`): stores the sealed secret,
 * the set-up time and the step, unless a factor is set up already. Audited. False when nothing changed.
 */
export async function enableSecondFactor(
  db: Kysely<Database>,
  input: { userId: string; role: Role; sealedSecret: string; step: number },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable("users")
      .set({ totp_secret: input.sealedSecret, totp_enabled_at: new Date(), totp_last_step: input.step, updated_at: new Date() })
      .where("id", "=", input.userId)
      .where("totp_enabled_at", "is", null)
      .executeTakeFirst();
    const ok = Number(updated.numUpdatedRows) === 1;
    await writeAudit(trx, {
      actorId: input.userId,
      actorRole: input.role,
      action: "second_factor_enrol",
      objectType: "user",
      objectId: input.userId,
      outcome: ok ? "allowed" : "denied",
    });
    return ok;
  });
}

/**
 * Clears a user's second factor (an administrator's action): secret, set-up time and last step; ends the
 * user's sessions and pending sign-ins. A role that requires the factor sets it up anew at next sign-in.
 */
export async function resetSecondFactor(db: Kysely<Database>, userId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable("users")
      .set({ totp_secret: null, totp_enabled_at: null, totp_last_step: null, updated_at: new Date() })
      .where("id", "=", userId)
      .executeTakeFirst();
    await trx.deleteFrom("sessions").where("user_id", "=", userId).execute();
    await trx.deleteFrom("login_challenges").where("user_id", "=", userId).execute();
    return Number(result.numUpdatedRows) === 1;
  });
}

export async function pruneLoginChallenges(db: Kysely<Database>, now: Date = new Date()): Promise<void> {
  await db.deleteFrom("login_challenges").where("expires_at", "<=", now).execute();
}

export interface ResealResult {
  users: number;
  challenges: number;
}

/**
 * Seals second-factor secrets under the box's current key, in one transaction: "plain" seals values
 * stored unsealed (secrets from before encryption, demo accounts just seeded) and is run at every start;
 * "rotate" also re-seals values under an older key (`npm run secrets:rotate`). Throws, writing nothing,
 * when a value names a key the box does not hold or does not open.
 */
export async function resealSecrets(db: Kysely<Database>, box: SecretBox, mode: "plain" | "rotate"): Promise<ResealResult> {
  return db.transaction().execute(async (trx) => {
    const needsWork = (value: string) =>
      !isSealed(value) || (mode === "rotate" && !value.startsWith(`kim1:${box.currentKeyId}:`));
    const reseal = (value: string, userId: string) => {
      const context = totpSecretContext(userId);
      return box.seal(isSealed(value) ? box.open(value, context) : value, context);
    };
    const users = await trx
      .selectFrom("users")
      .select(["id", "totp_secret"])
      .where("totp_secret", "is not", null)
      .forUpdate()
      .execute();
    let changedUsers = 0;
    for (const u of users) {
      if (!u.totp_secret || !needsWork(u.totp_secret)) continue;
      await trx.updateTable("users").set({ totp_secret: reseal(u.totp_secret, u.id) }).where("id", "=", u.id).execute();
      changedUsers++;
    }
    const challenges = await trx
      .selectFrom("login_challenges")
      .select(["id_hash", "user_id", "pending_secret"])
      .where("pending_secret", "is not", null)
      .forUpdate()
      .execute();
    let changedChallenges = 0;
    for (const c of challenges) {
      if (!c.pending_secret || !needsWork(c.pending_secret)) continue;
      await trx
        .updateTable("login_challenges")
        .set({ pending_secret: reseal(c.pending_secret, c.user_id) })
        .where("id_hash", "=", c.id_hash)
        .execute();
      changedChallenges++;
    }
    return { users: changedUsers, challenges: changedChallenges };
  });
}
