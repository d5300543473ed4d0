// npm run measure:phase-events — which steps case managers take in which phase, measured on the demo data
// (the same seed the app loads): counts of case events by the phase they happened in, plus the referral,
// consent and follow-up steps from the audit trail by the phase of their case at the time. Decides which
// steps the client file shows first in each phase (see README, "Die Fallakte").
// Uses DATABASE_URL's server for a throw-away database, or an in-memory PGlite when unset.
import { sql } from "kysely";
import { openDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import { seedDemoData } from "../../db/seed/index";

const cases = Number(process.env.KIM_DEMO_CASES ?? 200);
const server = process.env.DATABASE_URL;
const name = `kim_measure_${process.pid}`;
const url = server ? Object.assign(new URL(server), { pathname: `/${name}` }).toString() : undefined;
if (server) {
  const admin = await openDatabase({ databaseUrl: server, maxConnections: 1 });
  await sql.raw(`CREATE DATABASE ${name}`).execute(admin.db);
  await admin.close();
}
const handle = await openDatabase(url ? { databaseUrl: url } : {});
try {
  await migrateToLatest(handle.db);
  await seedDemoData(handle.db, { cases, log: () => {} });
  const rows = await sql<{ phase: string; type: string; n: string }>`
    SELECT coalesce(from_state, 'intake') AS phase, type, count(*) AS n
    FROM case_events WHERE type <> 'CASE_OPENED' GROUP BY 1, 2 ORDER BY 1, 3 DESC`.execute(handle.db);
  const byPhase = new Map<string, { type: string; n: number }[]>();
  for (const r of rows.rows) byPhase.set(r.phase, [...(byPhase.get(r.phase) ?? []), { type: r.type, n: Number(r.n) }]);
  console.log(`case events by phase on ${cases} demo cases (from_state = the phase the step was taken in):`);
  for (const [phase, list] of byPhase) {
    const total = list.reduce((s, x) => s + x.n, 0);
    console.log(`  ${phase} (${total}): ${list.map((x) => `${x.type} ${x.n} (${Math.round((100 * x.n) / total)} %)`).join(", ")}`);
  }
  // Steps kept in their own tables, by the phase their case was in at the time (the last case event before).
  const others = await sql<{ what: string; phase: string; n: string }>`
    WITH steps AS (
      SELECT 'PLAN_REFERRAL' AS what, case_id, planned_at AS at FROM referrals
      UNION ALL SELECT 'REFERRAL_SEND', case_id, sent_at FROM referrals WHERE sent_at IS NOT NULL
      UNION ALL SELECT 'REFERRAL_END', case_id, ended_at FROM referrals WHERE ended_at IS NOT NULL
      UNION ALL SELECT 'ADD_CONSENT', c.id, co.given_at::timestamptz FROM consents co JOIN cases c ON c.client_id = co.client_id
      UNION ALL SELECT 'ADD_FOLLOW_UP', case_id, created_at FROM follow_ups
    )
    SELECT s.what, coalesce(p.to_state, 'intake') AS phase, count(*) AS n
    FROM steps s
    LEFT JOIN LATERAL (
      SELECT to_state FROM case_events e WHERE e.case_id = s.case_id AND e.occurred_at <= s.at ORDER BY e.seq DESC LIMIT 1
    ) p ON true
    GROUP BY 1, 2 ORDER BY 1, 3 DESC`.execute(handle.db);
  console.log("steps in their own tables, by the phase of the case at the time:");
  for (const r of others.rows) console.log(`  ${r.what} in ${r.phase}: ${r.n}`);
} finally {
  await handle.close();
  if (server) {
    const admin = await openDatabase({ databaseUrl: server, maxConnections: 1 });
    await sql.raw(`DROP DATABASE IF EXISTS ${name}`).execute(admin.db);
    await admin.close();
  }
}
