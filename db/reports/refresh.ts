// Freshness of the materialised report views (migration 0002: report_open_intervals, report_refresh_state).
import { type Kysely, sql } from "kysely";
import type { Database } from "../schema";
import { reportDb } from "./queries";

export interface ReportFreshness {
  /** When the materialised views were last refreshed (ISO). */
  refreshedAt: string;
  /** Case events written since then (not yet in the caseload figures). */
  pendingEvents: number;
}

export async function getReportFreshness(db: Kysely<Database>): Promise<ReportFreshness> {
  const row = await reportDb(db)
    .selectFrom("report_refresh_state")
    .select((eb) => [
      "refreshed_at",
      "last_event_id",
      eb.selectFrom("case_events").select((e) => e.fn.max("id").as("m")).as("current_event_id"),
    ])
    .executeTakeFirstOrThrow();
  return {
    refreshedAt: new Date(row.refreshed_at).toISOString(),
    pendingEvents: Math.max(0, Number(row.current_event_id ?? 0) - Number(row.last_event_id)),
  };
}

/** Refreshes the materialised report views now; false when another session is refreshing them. */
export async function refreshReportViews(db: Kysely<Database>): Promise<boolean> {
  const { rows } = await sql<{ ok: boolean }>`SELECT refresh_report_views() AS ok`.execute(db);
  return rows[0]?.ok === true;
}

export interface FreshnessPolicy {
  /** Refresh when events are pending and the snapshot is older than this (default 5 minutes). */
  maxAgeMs?: number;
  /** Refresh at once when more events than this share of the snapshot are pending (default 1 %). */
  maxPendingShare?: number;
  now?: Date;
}

/**
 * Refreshes the materialised views when the event log moved on and the snapshot is either older than
 * maxAgeMs or far behind (e.g. right after demo data were loaded); otherwise serves the snapshot, whose
 * time the page states. At NRW scale a refresh takes seconds (tests/perf/bench.ts), so at most one per
 * maxAgeMs runs during ordinary work.
 */
export async function ensureReportViewsFresh(
  db: Kysely<Database>,
  policy: FreshnessPolicy = {},
): Promise<ReportFreshness & { refreshed: boolean }> {
  const state = await reportDb(db)
    .selectFrom("report_refresh_state")
    .select((eb) => [
      "refreshed_at",
      "last_event_id",
      eb.selectFrom("case_events").select((e) => e.fn.max("id").as("m")).as("current_event_id"),
    ])
    .executeTakeFirstOrThrow();
  const pending = Math.max(0, Number(state.current_event_id ?? 0) - Number(state.last_event_id));
  const age = (policy.now ?? new Date()).getTime() - new Date(state.refreshed_at).getTime();
  const farBehind = pending > Number(state.last_event_id) * (policy.maxPendingShare ?? 0.01);
  if (pending > 0 && (farBehind || age > (policy.maxAgeMs ?? 5 * 60_000))) {
    const refreshed = await refreshReportViews(db);
    return { ...(await getReportFreshness(db)), refreshed };
  }
  return { refreshedAt: new Date(state.refreshed_at).toISOString(), pendingEvents: pending, refreshed: false };
}
