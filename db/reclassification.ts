// Noticing that a case no longer fits its target group: the daily job asks for every open case (a UMF
// turns 18 on a day, not on a write), a change of the personal data for its one case at once. Either way
// the case gets FLAG_RECLASSIFICATION through the case service and the case manager re-classifies.
import type { Kysely } from "kysely";
import { detectReclassificationReason } from "../workflows/target-groups";
import { RESIDENCE_TITLE_STATUSES } from "../workflows/vocabulary";
import { SYSTEM_ACTOR, applyCaseEvent } from "./case-service";
import type { Database } from "./schema";

/**
 * Raises FLAG_RECLASSIFICATION (through the case service, never a silent change) on every open case that
 * no longer fits its target group as of `today` (a UMF of 18, a Geduldete with a residence title), once
 * per reason. The daily job checks every case; a change of the personal data checks that one case at once.
 */
export async function flagCasesOutOfTargetGroup(
  db: Kysely<Database>,
  options: { today: string; at: Date; caseId?: string },
): Promise<{ checked: number; flagged: number; refused: number }> {
  const { today, at: now } = options;
  const eighteenYearsAgo = `${Number(today.slice(0, 4)) - 18}${today.slice(4)}`;
  const candidates = await db
    .selectFrom("cases")
    .innerJoin("clients", "clients.id", "cases.client_id")
    .select([
      "cases.id",
      "cases.row_version",
      "cases.target_group",
      "cases.reclassification_required",
      "clients.birth_date",
      "clients.residence_status",
    ])
    .where("cases.state", "<>", "closed")
    .$if(options.caseId !== undefined, (qb) => qb.where("cases.id", "=", options.caseId as string))
    .where((eb) =>
      eb.or([
        eb.and([
          eb("cases.target_group", "=", "umf"),
          eb("clients.birth_date", "<=", eighteenYearsAgo),
          eb("cases.reclassification_required", "is distinct from", "umf_volljaehrig"),
        ]),
        eb.and([
          eb("cases.target_group", "=", "geduldete_identitaet"),
          eb("clients.residence_status", "in", [...RESIDENCE_TITLE_STATUSES]),
          eb("cases.reclassification_required", "is distinct from", "aufenthaltstitel"),
        ]),
      ]),
    )
    .execute();
  let flagged = 0;
  let refused = 0;
  for (const c of candidates) {
    const reason = detectReclassificationReason(
      { targetGroup: c.target_group, birthDate: c.birth_date, residenceStatus: c.residence_status },
      today,
    );
    if (!reason) continue;
    const result = await applyCaseEvent(db, SYSTEM_ACTOR, {
      caseId: c.id,
      expectedRowVersion: c.row_version,
      command: { type: "FLAG_RECLASSIFICATION", reason },
      at: now.toISOString(),
    });
    if (result.ok) flagged++;
    else refused++;
  }
  return { checked: candidates.length, flagged, refused };
}
