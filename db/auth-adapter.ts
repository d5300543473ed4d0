import type { Adapter, DatabaseSession, DatabaseUser } from "lucia";
import type { Kysely } from "kysely";
import { keepPlan } from "./query-cost";
import type { Database } from "./schema";

/** Columns of a user that the session may carry (never the password hash). */
export const SESSION_USER_COLUMNS = [
  "users.id",
  "users.username",
  "users.display_name",
  "users.role",
  "users.organisation_id",
  "users.fte",
  "users.active",
] as const;

/** Lucia v3 adapter over kysely; works the same on PostgreSQL and PGlite. Inactive users have no sessions. */
export function createKyselyAuthAdapter(db: Kysely<Database>): Adapter {
  return {
    async getSessionAndUser(sessionId): Promise<[DatabaseSession | null, DatabaseUser | null]> {
      const row = await db
        .selectFrom("sessions")
        .innerJoin("users", "users.id", "sessions.user_id")
        .select([
          "sessions.id as session_id",
          "sessions.expires_at",
          "sessions.created_at as session_created_at",
          ...SESSION_USER_COLUMNS,
        ])
        .where("sessions.id", "=", sessionId)
        .modifyEnd(keepPlan)
        .executeTakeFirst();
      if (!row) return [null, null];
      const session: DatabaseSession = {
        id: row.session_id,
        userId: row.id,
        expiresAt: row.expires_at,
        attributes: { created_at: row.session_created_at },
      };
      if (!row.active) return [session, null];
      const user: DatabaseUser = {
        id: row.id,
        attributes: {
          username: row.username,
          display_name: row.display_name,
          role: row.role,
          organisation_id: row.organisation_id,
          fte: row.fte,
        },
      };
      return [session, user];
    },
    async getUserSessions(userId) {
      const rows = await db.selectFrom("sessions").selectAll().where("user_id", "=", userId).execute();
      return rows.map((r) => ({
        id: r.id,
        userId: r.user_id,
        expiresAt: r.expires_at,
        attributes: { created_at: r.created_at },
      }));
    },
    async setSession(session) {
      await db
        .insertInto("sessions")
        .values({ id: session.id, user_id: session.userId, expires_at: session.expiresAt })
        .execute();
    },
    async updateSessionExpiration(sessionId, expiresAt) {
      await db.updateTable("sessions").set({ expires_at: expiresAt }).where("id", "=", sessionId).execute();
    },
    async deleteSession(sessionId) {
      await db.deleteFrom("sessions").where("id", "=", sessionId).execute();
    },
    async deleteUserSessions(userId) {
      await db.deleteFrom("sessions").where("user_id", "=", userId).execute();
    },
    async deleteExpiredSessions() {
      await db.deleteFrom("sessions").where("expires_at", "<=", new Date()).execute();
    },
  };
}
