// Decisions of the Lenkungsgruppe on structural findings (Beschlüsse): what was decided, who is to act
// and by when, and how far the follow-up got. Coordinators record them for findings put before the group
// (status "für die Lenkungsgruppe vorgemerkt") and keep the follow-up; every report reader reads them.
// No client data: a finding names no case, a decision refers to a finding.
import type { Kysely } from "kysely";
import { hasPermission } from "../workflows/permissions";
import type { DecisionStatus } from "../workflows/vocabulary";
import type { Actor } from "./access";
import { writeAudit } from "./audit";
import type { Database } from "./schema";

export type DecisionWrite = { ok: true; id: number } | { ok: false; status: 403 | 404 | 409 | 422; field?: string; message: string };

const FORBIDDEN = { ok: false, status: 403, message: "Beschlüsse erfasst nur die Koordination." } as const;

/** Decisions with their finding's title; open (offen, in Umsetzung) first by due date, then the rest. */
export function listDecisions(db: Kysely<Database>, options: { openOnly?: boolean } = {}) {
  return db
    .selectFrom("finding_decisions")
    .innerJoin("structural_findings", "structural_findings.id", "finding_decisions.finding_id")
    .select([
      "finding_decisions.id",
      "finding_decisions.finding_id",
      "structural_findings.title as finding_title",
      "finding_decisions.decided_on",
      "finding_decisions.decision",
      "finding_decisions.responsible_body",
      "finding_decisions.due_on",
      "finding_decisions.status",
      "finding_decisions.updated_at",
    ])
    .$if(options.openOnly === true, (q) => q.where("finding_decisions.status", "in", ["offen", "in_umsetzung"]))
    .orderBy((eb) => eb.case().when("finding_decisions.status", "in", ["offen", "in_umsetzung"]).then(0).else(1).end())
    .orderBy("finding_decisions.due_on")
    .orderBy("finding_decisions.id")
    .limit(500)
    .execute();
}

/** Findings put before the Lenkungsgruppe: the ones a decision can be recorded for. */
export function listFindingsForSteering(db: Kysely<Database>) {
  return db
    .selectFrom("structural_findings")
    .select(["id", "title", "need_domain", "affected_cases", "reported_at"])
    .where("status", "=", "fuer_lenkungsgruppe")
    .orderBy("reported_at")
    .limit(500)
    .execute();
}

export interface NewDecision {
  findingId: string;
  decidedOn: string;
  decision: string;
  responsibleBody: string;
  dueOn: string;
}

export async function recordDecision(db: Kysely<Database>, actor: Actor, d: NewDecision): Promise<DecisionWrite> {
  if (!hasPermission(actor.role, "decide:finding:any")) return FORBIDDEN;
  if (d.dueOn < d.decidedOn) {
    return { ok: false, status: 422, field: "dueOn", message: "Die Frist darf nicht vor dem Beschlussdatum liegen." };
  }
  return db.transaction().execute(async (trx): Promise<DecisionWrite> => {
    const finding = await trx
      .selectFrom("structural_findings")
      .select("status")
      .where("id", "=", d.findingId)
      .forUpdate()
      .executeTakeFirst();
    if (!finding) return { ok: false, status: 404, message: "Die Hürde wurde nicht gefunden." };
    if (finding.status !== "fuer_lenkungsgruppe") {
      return {
        ok: false,
        status: 409,
        message: "Diese Hürde ist nicht (mehr) für die Lenkungsgruppe vorgemerkt: ein Beschluss kann nicht erfasst werden.",
      };
    }
    const row = await trx
      .insertInto("finding_decisions")
      .values({
        finding_id: d.findingId,
        decided_on: d.decidedOn,
        decision: d.decision,
        responsible_body: d.responsibleBody,
        due_on: d.dueOn,
        recorded_by: actor.id,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeAudit(trx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "decision.record",
      objectType: "finding_decision",
      objectId: String(row.id),
      outcome: "allowed",
      detail: { findingId: d.findingId, dueOn: d.dueOn },
    });
    return { ok: true, id: row.id };
  });
}

/** The follow-up status of a decision; `fromStatus` is what the form showed (someone else's change → 409). */
export async function setDecisionStatus(
  db: Kysely<Database>,
  actor: Actor,
  id: number,
  change: { fromStatus: DecisionStatus; status: DecisionStatus },
): Promise<DecisionWrite> {
  if (!hasPermission(actor.role, "decide:finding:any")) return FORBIDDEN;
  return db.transaction().execute(async (trx): Promise<DecisionWrite> => {
    const current = await trx.selectFrom("finding_decisions").select("status").where("id", "=", id).forUpdate().executeTakeFirst();
    if (!current) return { ok: false, status: 404, message: "Der Beschluss wurde nicht gefunden." };
    if (current.status !== change.fromStatus) {
      return { ok: false, status: 409, message: "Der Beschluss wurde inzwischen geändert. Bitte prüfen Sie den aktuellen Stand." };
    }
    await trx
      .updateTable("finding_decisions")
      .set({ status: change.status, updated_by: actor.id, updated_at: new Date() })
      .where("id", "=", id)
      .execute();
    await writeAudit(trx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "decision.status",
      objectType: "finding_decision",
      objectId: String(id),
      outcome: "allowed",
      detail: { from: change.fromStatus, to: change.status },
    });
    return { ok: true, id };
  });
}
