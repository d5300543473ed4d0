// Structural findings (strukturelle Hürden): case managers report a systemic barrier seen in their cases,
// coordinators review and prioritise it and put it before the Lenkungsgruppe. No client data: a
// finding names a need domain and a number of affected cases, never a person or an Aktenzeichen.
import type { Expression, ExpressionBuilder, Kysely, SqlBool } from "kysely";
import { hasPermission } from "../workflows/permissions";
import type { FindingPriority, FindingStatus, NeedDomain, TargetGroup } from "../workflows/vocabulary";
import type { Actor } from "./access";
import { writeAudit } from "./audit";
import type { Database } from "./schema";
import { isUuid } from "../workflows/uuid";

/** Which status may follow which (a coordinator may reopen a closed finding for review). */
export const FINDING_TRANSITIONS: Record<FindingStatus, readonly FindingStatus[]> = {
  gemeldet: ["in_pruefung", "fuer_lenkungsgruppe", "verworfen"],
  in_pruefung: ["fuer_lenkungsgruppe", "erledigt", "verworfen"],
  fuer_lenkungsgruppe: ["in_pruefung", "erledigt", "verworfen"],
  erledigt: ["in_pruefung"],
  verworfen: ["in_pruefung"],
};

/** Something that looks like an Aktenzeichen (KIM-2026-00012): findings must not point at a case. */
const CASE_REFERENCE = /\bKIM-\d{4}-\d{3,}\b/i;

export function containsCaseReference(text: string): boolean {
  return CASE_REFERENCE.test(text);
}

export const CASE_REFERENCE_MESSAGE =
  "Bitte nennen Sie kein Aktenzeichen: Hürden werden ohne Bezug zu einzelnen Fällen gemeldet.";

/** Coordinators see every finding; everyone else who may report sees their own; others none. */
export function findingVisibleTo(
  eb: ExpressionBuilder<Database, "structural_findings">,
  actor: Actor,
): Expression<SqlBool> {
  if (hasPermission(actor.role, "manage:finding:any")) return eb.lit(true);
  if (hasPermission(actor.role, "create:finding:own")) return eb("structural_findings.reported_by", "=", actor.id);
  return eb.lit(false);
}

function baseQuery(db: Kysely<Database>, actor: Actor) {
  return db
    .selectFrom("structural_findings")
    .leftJoin("municipalities", "municipalities.id", "structural_findings.municipality_id")
    .leftJoin("users as reporter", "reporter.id", "structural_findings.reported_by")
    .select([
      "structural_findings.id",
      "structural_findings.title",
      "structural_findings.description",
      "structural_findings.need_domain",
      "structural_findings.affected_cases",
      "structural_findings.municipality_id",
      "municipalities.name as municipality",
      "structural_findings.target_group",
      "structural_findings.status",
      "structural_findings.priority",
      "structural_findings.reported_by",
      "reporter.display_name as reported_by_name",
      "structural_findings.reported_at",
      "structural_findings.updated_at",
    ])
    .where((eb) => findingVisibleTo(eb, actor));
}

const PRIORITY_ORDER = { hoch: 0, mittel: 1, niedrig: 2 } as const;

/** Findings visible to the actor, optionally of one status; most urgent and newest first. */
export async function listFindings(db: Kysely<Database>, actor: Actor, { status }: { status?: FindingStatus } = {}) {
  const rows = await baseQuery(db, actor)
    .$if(status !== undefined, (qb) => qb.where("structural_findings.status", "=", status as FindingStatus))
    .orderBy("structural_findings.reported_at", "desc")
    .limit(500)
    .execute();
  return rows.sort((a, b) => (a.priority ? PRIORITY_ORDER[a.priority] : 3) - (b.priority ? PRIORITY_ORDER[b.priority] : 3));
}

export function findFinding(db: Kysely<Database>, actor: Actor, id: string) {
  if (!isUuid(id)) return Promise.resolve(undefined);
  return baseQuery(db, actor).where("structural_findings.id", "=", id).executeTakeFirst();
}

export interface FindingInput {
  title: string;
  description: string;
  needDomain: NeedDomain;
  affectedCases: number;
  municipalityId: number | null;
  targetGroup: TargetGroup | null;
}

export type FindingWriteResult =
  | { ok: true; id: string }
  | { ok: false; status: 400 | 403 | 404 | 409; field?: keyof FindingInput | "status"; message: string };

/** A case manager (or coordinator) reports a barrier; it starts as "gemeldet". */
export async function reportFinding(db: Kysely<Database>, actor: Actor, input: FindingInput): Promise<FindingWriteResult> {
  if (!hasPermission(actor.role, "create:finding:own")) {
    return { ok: false, status: 403, message: "Sie dürfen keine strukturellen Hürden melden." };
  }
  if (!Number.isInteger(input.affectedCases) || input.affectedCases < 1) {
    return { ok: false, status: 400, field: "affectedCases", message: "Bitte geben Sie mindestens einen betroffenen Fall an." };
  }
  for (const field of ["title", "description"] as const) {
    if (containsCaseReference(input[field])) return { ok: false, status: 400, field, message: CASE_REFERENCE_MESSAGE };
  }
  return db.transaction().execute(async (trx): Promise<FindingWriteResult> => {
    const row = await trx
      .insertInto("structural_findings")
      .values({
        title: input.title.trim(),
        description: input.description.trim(),
        need_domain: input.needDomain,
        affected_cases: input.affectedCases,
        municipality_id: input.municipalityId,
        target_group: input.targetGroup,
        reported_by: actor.id,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeAudit(trx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "finding.create",
      objectType: "finding",
      objectId: row.id,
      outcome: "allowed",
      detail: { needDomain: input.needDomain, affectedCases: input.affectedCases },
    });
    return { ok: true, id: row.id };
  });
}

export interface FindingReview {
  /** The status the coordinator saw; if it changed meanwhile the update is refused (409). */
  fromStatus: FindingStatus;
  status: FindingStatus;
  priority: FindingPriority | null;
}

export const FINDING_STALE_MESSAGE =
  "Die Meldung wurde inzwischen von jemand anderem bearbeitet. Bitte prüfen Sie den aktuellen Stand.";

/** Coordinators set priority and status along FINDING_TRANSITIONS; audited, denials too. */
export async function reviewFinding(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  review: FindingReview,
): Promise<FindingWriteResult> {
  if (!hasPermission(actor.role, "manage:finding:any")) {
    await writeAudit(db, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "finding.review",
      objectType: "finding",
      objectId: isUuid(id) ? id : null,
      outcome: "denied",
    });
    return { ok: false, status: 403, message: "Nur die Koordination kann Status und Priorität festlegen." };
  }
  if (!isUuid(id)) return { ok: false, status: 404, message: "Die Meldung wurde nicht gefunden." };
  if (review.status !== review.fromStatus && !FINDING_TRANSITIONS[review.fromStatus].includes(review.status)) {
    return {
      ok: false,
      status: 400,
      field: "status",
      message: "Dieser Statuswechsel ist nicht vorgesehen.",
    };
  }
  return db.transaction().execute(async (trx): Promise<FindingWriteResult> => {
    const current = await trx
      .selectFrom("structural_findings")
      .select(["status", "priority"])
      .where("id", "=", id)
      .forUpdate()
      .executeTakeFirst();
    if (!current) return { ok: false, status: 404, message: "Die Meldung wurde nicht gefunden." };
    if (current.status !== review.fromStatus) return { ok: false, status: 409, message: FINDING_STALE_MESSAGE };
    await trx
      .updateTable("structural_findings")
      .set({ status: review.status, priority: review.priority, updated_at: new Date() })
      .where("id", "=", id)
      .execute();
    await writeAudit(trx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "finding.review",
      objectType: "finding",
      objectId: id,
      outcome: "allowed",
      detail: { from: current.status, to: review.status, priority: review.priority },
    });
    return { ok: true, id };
  });
}
