// Once per day across all app instances: an instance claims (job, Berlin day) in job_runs with one
// INSERT … ON CONFLICT, which PostgreSQL serialises on the primary key; only the instance whose insert
// (or take-over) returned a row runs the job. A failed run gives its claim back so the next tick of any
// instance retries; a claim left by a crashed instance (no finished_at after STALE_CLAIM_MINUTES) can be
// taken over. PGlite is one process, where the same claim simply keeps a restarted server from running
// the job twice a day.
import { hostname } from "node:os";
import { type Kysely, sql } from "kysely";
import type { Database } from "../schema";

/** A claim without finished_at older than this belongs to a crashed run and may be taken over. */
export const STALE_CLAIM_MINUTES = 60;

/** This process, as it appears in job_runs.instance. */
export const INSTANCE_ID = `${hostname()}:${process.pid}`;

export type OncePerDayOutcome<T> = { ran: true; result: T } | { ran: false; claimedBy: string };

/**
 * Runs `job` unless another run (this or any instance) already claimed `day` for `name`. The job itself
 * is passed in unchanged: this wrapper knows nothing about what it does.
 */
export async function runOncePerDay<T>(
  db: Kysely<Database>,
  input: { name: string; day: string; instance?: string; now?: Date },
  job: () => Promise<T>,
): Promise<OncePerDayOutcome<T>> {
  const instance = input.instance ?? INSTANCE_ID;
  const now = input.now ?? new Date();
  const staleBefore = new Date(now.getTime() - STALE_CLAIM_MINUTES * 60_000);
  const claimed = await db
    .insertInto("job_runs")
    .values({ job: input.name, run_date: input.day, instance, started_at: now })
    .onConflict((oc) =>
      oc
        .columns(["job", "run_date"])
        .doUpdateSet({ instance, started_at: now, finished_at: null, result: null })
        .where("job_runs.finished_at", "is", null)
        .where("job_runs.started_at", "<", staleBefore),
    )
    .returning("instance")
    .executeTakeFirst();
  if (!claimed) {
    const holder = await db
      .selectFrom("job_runs")
      .select("instance")
      .where("job", "=", input.name)
      .where("run_date", "=", input.day)
      .executeTakeFirst();
    return { ran: false, claimedBy: holder?.instance ?? "?" };
  }
  let result: T;
  try {
    result = await job();
  } catch (error) {
    // Give the day back so the next tick (of any instance) tries again.
    await db
      .deleteFrom("job_runs")
      .where("job", "=", input.name)
      .where("run_date", "=", input.day)
      .where("instance", "=", instance)
      .where("finished_at", "is", null)
      .execute()
      .catch(() => {});
    throw error;
  }
  await db
    .updateTable("job_runs")
    .set({ finished_at: sql<Date>`greatest(now(), started_at)`, result: JSON.stringify(result ?? null) })
    .where("job", "=", input.name)
    .where("run_date", "=", input.day)
    .where("instance", "=", instance)
    .execute();
  return { ran: true, result };
}
