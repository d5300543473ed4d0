// Frozen: this migration never changes and never imports application code.
// A second factor (TOTP, RFC 6238) for sign-in: the user's secret, when it was set up and the last
// accepted time step (a step is never accepted twice); and pending sign-ins between the password and
// the code. A pending sign-in is known by a random id that only its cookie holds: the table keeps the
// SHA-256 hash of that id, so reading the table does not let anyone complete a sign-in.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
ALTER TABLE users
  ADD COLUMN totp_secret text,
  ADD COLUMN totp_enabled_at timestamptz,
  ADD COLUMN totp_last_step bigint CHECK (totp_last_step IS NULL OR totp_last_step >= 0),
  ADD CONSTRAINT users_totp_enabled_has_secret CHECK ((totp_enabled_at IS NULL) = (totp_secret IS NULL));

CREATE TABLE login_challenges (
  id_hash text PRIMARY KEY CHECK (id_hash ~ '^[0-9a-f]{64}$'),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose text NOT NULL CHECK (purpose IN ('verify', 'enroll')),
  pending_secret text,
  redirect_to text,
  failed_attempts integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  CHECK ((purpose = 'enroll') = (pending_secret IS NOT NULL))
);
CREATE INDEX login_challenges_user_idx ON login_challenges (user_id);
CREATE INDEX login_challenges_expires_idx ON login_challenges (expires_at);
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
DROP TABLE IF EXISTS login_challenges;
ALTER TABLE users
  DROP CONSTRAINT IF EXISTS users_totp_enabled_has_secret,
  DROP COLUMN IF EXISTS totp_last_step,
  DROP COLUMN IF EXISTS totp_enabled_at,
  DROP COLUMN IF EXISTS totp_secret;
`.execute(db);
}
