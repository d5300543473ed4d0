// How one audit row reads in the viewer and in its CSV export (the same words in both).
import type { AuditLogRow } from "~/db.server";
import { AUDIT_OBJECT_TYPES, AUDIT_OUTCOME_LABELS, auditActionLabel } from "../workflows/audit-query";
import { ROLES } from "../workflows/vocabulary";

const berlinTime = new Intl.DateTimeFormat("de-DE", {
  timeZone: "Europe/Berlin",
  dateStyle: "medium",
  timeStyle: "medium",
});

export interface AuditViewRow {
  id: string;
  at: string;
  user: string;
  role: string;
  organisation: string;
  action: string;
  object: string;
  aktenzeichen: string;
  outcome: string;
  refused: boolean;
  detail: string;
}

export function auditViewRow(r: AuditLogRow): AuditViewRow {
  const objectLabel = AUDIT_OBJECT_TYPES[r.objectType] ?? r.objectType;
  return {
    id: r.id,
    at: berlinTime.format(new Date(r.at)),
    user: r.actorName ? `${r.actorName} (${r.actorUsername})` : "System",
    role: r.actorRole ? ROLES.label[r.actorRole] : "–",
    organisation: r.organisation ?? "–",
    action: auditActionLabel(r.action),
    object: r.objectType === "route" && r.objectId ? `${objectLabel} ${r.objectId}` : objectLabel,
    aktenzeichen: r.aktenzeichen ?? "",
    outcome: AUDIT_OUTCOME_LABELS[r.outcome],
    refused: r.outcome !== "allowed",
    detail: r.detail
      ? Object.entries(r.detail)
          .map(([k, v]) => `${k}: ${v === null ? "–" : String(v)}`)
          .join(", ")
      : "",
  };
}

export const AUDIT_CSV_HEADER = [
  "Zeitpunkt",
  "Benutzer*in",
  "Rolle",
  "Organisation",
  "Aktion",
  "Objekt",
  "Aktenzeichen",
  "Ergebnis",
  "Details",
];

export function auditCsvLine(v: AuditViewRow): string[] {
  return [v.at, v.user, v.role, v.organisation, v.action, v.object, v.aktenzeichen, v.outcome, v.detail];
}
