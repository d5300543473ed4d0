// The daily job: notices cases that stopped fitting their target group and raises
// FLAG_RECLASSIFICATION through the case service (never a silent change); creates the follow-ups of the
// residence deadlines reached today (8/4/1 weeks ahead, overdue; never twice); tidies sessions, pending sign-ins and login attempts.
import type { Kysely } from "kysely";
import { berlinDate } from "../case-service";
import { flagCasesOutOfTargetGroup } from "../reclassification";
import { createDeadlineFollowUps } from "../residence";
import type { Database } from "../schema";
import { pruneLoginChallenges } from "../second-factor";
import { pruneLoginAttempts } from "../users";
import { runOncePerDay } from "./once-per-day";
import { anonymiseExpiredClients } from "./retention";

export interface DailyJobResult {
  checked: number;
  flagged: number;
  refused: number;
  /** Deadline reminders (follow-ups) created. */
  reminders: number;
  anonymised: number;
}

/** A `--date` the job cannot run for (not a calendar day, or in the future). */
export class DailyJobDateError extends Error {}

/**
 * The instant the job runs "as of" for the day `asOf` (YYYY-MM-DD, Berlin calendar): now when it is
 * today, noon UTC of that day when it lies in the past (same Berlin date all year). Future days are refused.
 */
export function dailyJobInstant(asOf: string, now: Date = new Date()): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(asOf);
  const noon = match ? new Date(`${asOf}T12:00:00Z`) : null;
  if (!noon || Number.isNaN(noon.getTime()) || noon.toISOString().slice(0, 10) !== asOf) {
    throw new DailyJobDateError(`Ungültiges Datum „${asOf}“: bitte im Format JJJJ-MM-TT angeben (z. B. 2026-11-30).`);
  }
  const today = berlinDate(now);
  if (asOf > today) {
    throw new DailyJobDateError(`Der ${asOf} liegt in der Zukunft (heute ist der ${today}): der Tageslauf läuft nur für heute oder vergangene Tage.`);
  }
  return asOf === today ? now : noon;
}

export async function runDailyJob(
  db: Kysely<Database>,
  options: { now?: Date; asOf?: string; log?: (line: string) => void } = {},
): Promise<DailyJobResult> {
  const now = options.asOf !== undefined ? dailyJobInstant(options.asOf, options.now) : (options.now ?? new Date());
  const today = berlinDate(now);
  const { checked, flagged, refused } = await flagCasesOutOfTargetGroup(db, { today, at: now });
  const { created: reminders } = await createDeadlineFollowUps(db, { today });
  await db.deleteFrom("sessions").where("expires_at", "<", now).execute();
  await pruneLoginChallenges(db, now);
  await pruneLoginAttempts(db, new Date(now.getTime() - 24 * 3_600_000));
  const anonymised = await anonymiseExpiredClients(db, { now });
  const result = { checked, flagged, refused, reminders, anonymised };
  options.log?.(
    `daily job ${today}: ${checked} candidates, ${flagged} flagged for re-classification, ${refused} refused, ${reminders} deadline reminders, ${anonymised} clients anonymised`,
  );
  return result;
}

/** How often each instance checks whether today's run is still to do. */
export const DAILY_JOB_TICK_MS = 3_600_000;

/**
 * Shortly after start and then every hour, runs the daily job unless some instance already ran it for
 * today (Berlin day; claimed in job_runs, see once-per-day.ts). Returns a stop function.
 */
export function startDailyJobScheduler(
  db: Kysely<Database>,
  log: (line: string) => void,
  options: { firstRunMs?: number; tickMs?: number } = {},
): () => void {
  let toldDay = "";
  const run = () => {
    const now = new Date();
    const day = berlinDate(now);
    runOncePerDay(db, { name: "daily", day, now }, () => runDailyJob(db, { now, log }))
      .then((outcome) => {
        if (outcome.ran || toldDay === day) return;
        toldDay = day;
        log(`daily job ${day}: already done by ${outcome.claimedBy}`);
      })
      .catch((error: unknown) => log(`daily job failed: ${error instanceof Error ? error.message : String(error)}`));
  };
  const first = setTimeout(run, options.firstRunMs ?? 15_000);
  const every = setInterval(run, options.tickMs ?? DAILY_JOB_TICK_MS);
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}

