// The history (Verlauf) of a case: every event that concerns it, from ONE source — the append-only
// records: case_events (every statechart step, with its payload) and the audit trail (the allowed
// referral, consent, follow-up and personal-data writes, each carrying the case id). Nothing is
// assembled from the sections' own tables; their rows only lend names (partner, due date) to an entry.
import type { Kysely } from "kysely";
import type { CaseEventType } from "../workflows/case-machine";
import {
  CLOSURE_REASONS,
  CONTACT_TYPES,
  GOAL_STATUSES,
  HISTORY_EVENTS,
  type HistoryEventType,
  type HistoryKind,
  IDENTITY_STEPS,
  NEED_DOMAINS,
  NEED_LEVELS,
  RECLASSIFICATION_REASONS,
  RESIDENCE_STATUSES,
  TARGET_GROUP_SHORT,
  type CasePhase,
} from "../workflows/vocabulary";
import type { ResidenceStatus } from "../workflows/vocabulary";
import { keepPlan } from "./query-cost";
import type { Database } from "./schema";
import { isUuid } from "../workflows/uuid";

// Compile-time check: every event of the case statechart has a history label.
const EVERY_CASE_EVENT_HAS_A_LABEL: Record<CaseEventType | "CASE_OPENED", unknown> = HISTORY_EVENTS;
void EVERY_CASE_EVENT_HAS_A_LABEL;

/** Audit actions that are history entries, and the entry type each becomes. */
export const AUDITED_HISTORY_ACTIONS: Record<string, HistoryEventType> = {
  "referral.plan": "REFERRAL_PLANNED",
  "referral.send": "REFERRAL_SENT",
  "referral.accept": "REFERRAL_ACCEPTED",
  "referral.complete": "REFERRAL_COMPLETED",
  "referral.decline": "REFERRAL_DECLINED",
  "referral.cancel": "REFERRAL_CANCELLED",
  "consent.create": "CONSENT_GIVEN",
  "consent.revoke": "CONSENT_REVOKED",
  "follow_up.create": "FOLLOW_UP_CREATED",
  "follow_up.done": "FOLLOW_UP_DONE",
  "client.update": "CLIENT_UPDATED",
  "residence.record": "RESIDENCE_RECORDED",
};

export interface HistoryEntry {
  /** "e<id>" for a case event, "a<id>" for an audit record: unique within the history. */
  id: string;
  type: HistoryEventType;
  label: string;
  /** The filter kinds the entry belongs to (a referral that passed data on is also "datenschutz"). */
  kinds: HistoryKind[];
  /** German detail (reason, partner, target group …), never an internal code. */
  detail: string | null;
  occurredAt: string;
  /** Display name, or null for the system (the daily job). */
  actorName: string | null;
  fromState: CasePhase | null;
  toState: CasePhase | null;
}

type Payload = Record<string, unknown>;

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

function label<T extends string>(map: Record<T, string>, value: unknown): string | null {
  return typeof value === "string" && Object.hasOwn(map, value) ? map[value as T] : null;
}

function germanDate(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split("-");
  return `${d}.${m}.${y}`;
}

function caseEventDetail(type: string, p: Payload, names: Map<string, string>): string | null {
  switch (type) {
    case "CASE_OPENED": {
      // an imported case (db/import): marked in its history with the list it came from
      const imported = p.imported as { fileName?: unknown; rowNumber?: unknown } | undefined;
      if (!imported) return null;
      return `importiert aus der Fallliste „${text(imported.fileName) ?? "unbekannt"}“${typeof imported.rowNumber === "number" ? `, Zeile ${imported.rowNumber}` : ""}`;
    }
    case "RECORD_CONTACT":
      return [label(CONTACT_TYPES.label, p.contactType), typeof p.minutes === "number" ? `${p.minutes} Min.` : null]
        .filter(Boolean)
        .join(", ");
    case "CLASSIFY":
    case "RECLASSIFY":
      return label(TARGET_GROUP_SHORT, p.targetGroup);
    case "RECORD_ASSESSMENT":
      return [label(NEED_DOMAINS.label, p.domain), label(NEED_LEVELS.label, p.level)].filter(Boolean).join(": ");
    case "AGREE_GOAL":
      return label(NEED_DOMAINS.label, p.domain);
    case "EVALUATE_GOAL":
      return label(GOAL_STATUSES.label, p.result);
    case "CLOSE":
      return [label(CLOSURE_REASONS.label, p.reason), text(p.note)].filter(Boolean).join(" – ");
    case "REJECT_NOT_ELIGIBLE":
    case "PAUSE":
    case "REOPEN":
      return text(p.reason);
    case "CLOSE_NOT_TARGET_GROUP":
      return text(p.note);
    case "TRANSFER":
      return `an ${names.get(String(p.toCaseManagerId)) ?? "eine andere Casemanager*in"}`;
    case "SET_DEPUTY":
      return p.deputyId ? (names.get(String(p.deputyId)) ?? "neue Vertretung") : "keine Vertretung";
    case "FLAG_RECLASSIFICATION":
      return label(RECLASSIFICATION_REASONS.label, p.reason);
    case "RECORD_IDENTITY_STEP":
      return label(IDENTITY_STEPS.label, p.step);
    default:
      return null;
  }
}

const BASIS_TEXT: Record<string, string> = {
  einwilligung: "Daten weitergegeben mit Einwilligung",
  rechtsgrundlage: "Daten weitergegeben auf gesetzlicher Grundlage",
  keine_weitergabe: "ohne Weitergabe personenbezogener Daten",
};

interface AuditedObject {
  partner_name?: string | null;
  due_on?: string | null;
  residence_status?: ResidenceStatus | null;
  residence_valid_until?: string | null;
}

/**
 * What the history shows of the objects audit rows name (the partner of a referral or consent, a
 * follow-up's due date, a residence document's status), keyed "type:id". One query per kind by primary
 * key: joining on `id::text = object_id` could use no index, and under row-level security each join
 * read its whole table.
 */
async function auditedObjects(
  db: Kysely<Database>,
  rows: ReadonlyArray<{ object_type: string; object_id: string | null }>,
): Promise<Map<string, AuditedObject>> {
  const idsOf = (type: string) => [...new Set(rows.filter((r) => r.object_type === type && isUuid(r.object_id ?? "")).map((r) => r.object_id!))];
  const referralIds = idsOf("referral");
  const consentIds = idsOf("consent");
  const followUpIds = idsOf("follow_up");
  const residenceIds = idsOf("residence_document");
  const [referrals, consents, followUps, residence] = await Promise.all([
    referralIds.length
      ? db.selectFrom("referrals").innerJoin("partners", "partners.id", "referrals.partner_id").select(["referrals.id", "partners.name"]).where("referrals.id", "in", referralIds).execute()
      : [],
    consentIds.length
      ? db.selectFrom("consents").innerJoin("partners", "partners.id", "consents.partner_id").select(["consents.id", "partners.name"]).where("consents.id", "in", consentIds).execute()
      : [],
    followUpIds.length ? db.selectFrom("follow_ups").select(["id", "due_on"]).where("id", "in", followUpIds).execute() : [],
    residenceIds.length
      ? db.selectFrom("residence_documents").select(["id", "status", "valid_until"]).where("id", "in", residenceIds).execute()
      : [],
  ]);
  const objects = new Map<string, AuditedObject>();
  for (const r of referrals) objects.set(`referral:${r.id}`, { partner_name: r.name });
  for (const c of consents) objects.set(`consent:${c.id}`, { partner_name: c.name });
  for (const f of followUps) objects.set(`follow_up:${f.id}`, { due_on: f.due_on });
  for (const d of residence) objects.set(`residence_document:${d.id}`, { residence_status: d.status, residence_valid_until: d.valid_until });
  return objects;
}

/** The whole history of one case, newest first. The caller has checked that the actor may see the case. */
export async function loadCaseHistory(db: Kysely<Database>, caseId: string): Promise<HistoryEntry[]> {
  const [events, audited] = await Promise.all([
    db
      .selectFrom("case_events")
      .leftJoin("users", "users.id", "case_events.actor_id")
      .select([
        "case_events.id",
        "case_events.type",
        "case_events.payload",
        "case_events.from_state",
        "case_events.to_state",
        "case_events.occurred_at",
        "users.display_name as actor_name",
      ])
      .where("case_events.case_id", "=", caseId)
      .orderBy("case_events.seq", "desc")
      .modifyEnd(keepPlan)
      .execute(),
    // audit_log.case_id (migration 0021): a uuid condition, which row-level security lets use its index
    db
      .selectFrom("audit_log")
      .leftJoin("users", "users.id", "audit_log.actor_id")
      .select([
        "audit_log.id",
        "audit_log.action",
        "audit_log.object_type",
        "audit_log.object_id",
        "audit_log.detail",
        "audit_log.at",
        "users.display_name as actor_name",
      ])
      .where("audit_log.case_id", "=", caseId)
      .where("audit_log.outcome", "=", "allowed")
      .where("audit_log.action", "in", Object.keys(AUDITED_HISTORY_ACTIONS))
      .execute(),
  ]);

  const objects = await auditedObjects(db, audited);

  const userIds = new Set<string>();
  for (const e of events) {
    const p = (e.payload ?? {}) as Payload;
    for (const key of ["toCaseManagerId", "deputyId"]) if (typeof p[key] === "string") userIds.add(p[key] as string);
  }
  const names = new Map<string, string>(
    userIds.size
      ? (await db.selectFrom("users").select(["id", "display_name"]).where("id", "in", [...userIds]).execute()).map((u) => [
          u.id,
          u.display_name,
        ])
      : [],
  );

  const fromEvents: HistoryEntry[] = events.flatMap((e) => {
    if (!Object.hasOwn(HISTORY_EVENTS, e.type)) return [];
    const type = e.type as HistoryEventType;
    return [
      {
        id: `e${e.id}`,
        type,
        label: HISTORY_EVENTS[type].label,
        kinds: [HISTORY_EVENTS[type].kind],
        detail: caseEventDetail(e.type, (e.payload ?? {}) as Payload, names) || null,
        occurredAt: new Date(e.occurred_at).toISOString(),
        actorName: e.actor_name,
        fromState: e.from_state,
        toState: e.to_state,
      },
    ];
  });

  const fromAudit: HistoryEntry[] = audited.flatMap((row) => {
    const a = { ...row, ...objects.get(`${row.object_type}:${row.object_id}`) };
    const type = AUDITED_HISTORY_ACTIONS[a.action];
    const detail = (a.detail ?? {}) as Payload;
    if (!type || detail.alreadyDone === true) return [];
    const kinds: HistoryKind[] = [HISTORY_EVENTS[type].kind];
    let extra: string | null = null;
    if (type === "REFERRAL_SENT") {
      const basis = typeof detail.basis === "string" ? detail.basis : null;
      if (basis === "einwilligung" || basis === "rechtsgrundlage") kinds.push("datenschutz");
      extra = basis ? (BASIS_TEXT[basis] ?? null) : null;
    } else if (type === "FOLLOW_UP_CREATED" && a.due_on) {
      extra = `fällig am ${germanDate(a.due_on)}`;
      if (detail.deadline === true) {
        kinds.push("aufenthalt");
        extra = `Fristerinnerung, ${extra}`;
      }
    } else if (type === "RESIDENCE_RECORDED" && a.residence_status) {
      extra = [
        RESIDENCE_STATUSES.label[a.residence_status],
        a.residence_valid_until ? `gültig bis ${germanDate(a.residence_valid_until)}` : null,
      ]
        .filter(Boolean)
        .join(", ");
    } else if (type === "CLIENT_UPDATED" && detail.residenceStatusChanged === true) {
      extra = "Aufenthaltsstatus geändert";
    }
    return [
      {
        id: `a${a.id}`,
        type,
        label: HISTORY_EVENTS[type].label,
        kinds,
        detail: [a.partner_name, extra].filter(Boolean).join(" · ") || null,
        occurredAt: new Date(a.at).toISOString(),
        actorName: a.actor_name,
        fromState: null,
        toState: null,
      },
    ];
  });

  return [...fromEvents, ...fromAudit].sort((x, y) => (x.occurredAt < y.occurredAt ? 1 : x.occurredAt > y.occurredAt ? -1 : y.id.localeCompare(x.id)));
}
