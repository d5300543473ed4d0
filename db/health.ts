// Health of the database as the operations side sees it: is it reachable, are the migrations current,
// and is an error a sign that the database went away (then pages answer 503, not 500). No personal data.
import { type Kysely, sql } from "kysely";
import { migrations } from "./migrations/index";
import type { Database } from "./schema";

/** How long a readiness check waits for the database. */
export const READINESS_TIMEOUT_MS = 3_000;

export type Readiness =
  | { ready: true }
  | { ready: false; reason: "database unreachable" | "migrations pending"; pending?: string[] };

/** Reachable within READINESS_TIMEOUT_MS and every migration of this build applied. */
export async function checkReadiness(db: Kysely<Database>, timeoutMs = READINESS_TIMEOUT_MS): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  try {
    const applied = await Promise.race([
      sql<{ name: string }>`SELECT name FROM kysely_migration`
        .execute(db)
        .then((r) => new Set(r.rows.map((row) => row.name)))
        .catch((error: unknown) => (isDatabaseUnavailable(error) ? null : Promise.reject(error))),
      timeout,
    ]);
    if (!applied) return { ready: false, reason: "database unreachable" };
    const pending = Object.keys(migrations).filter((name) => !applied.has(name));
    return pending.length ? { ready: false, reason: "migrations pending", pending } : { ready: true };
  } catch {
    // e.g. no kysely_migration table yet: reachable, but nothing is migrated
    return { ready: false, reason: "migrations pending", pending: Object.keys(migrations) };
  } finally {
    clearTimeout(timer);
  }
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
/** SQLSTATEs of a server that is shutting down, starting or refusing connections (class 08: connection exception). */
const SERVER_GONE_STATES = new Set(["57P01", "57P02", "57P03", "53300"]);
const MESSAGES = ["Connection terminated", "timeout exceeded when trying to connect", "Client has encountered a connection error"];

/** True when the error says the database cannot be reached now (as opposed to a bug or a bad query). */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 4; depth++) {
    const { code, message, cause, errors } = e as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    if (typeof code === "string" && (NETWORK_CODES.has(code) || SERVER_GONE_STATES.has(code) || code.startsWith("08"))) {
      return true;
    }
    if (typeof message === "string" && MESSAGES.some((m) => message.includes(m))) return true;
    e = cause;
  }
  return false;
}
