// The state of the audit viewer ("Zugriffsprotokoll") as it lives in the URL: filters by user, client
// Aktenzeichen, action, outcome and period, newest or oldest first, which page. Pure: shared by the route
// and the query in db/audit-log.ts. Unknown or malformed values are reported and never reach SQL.
import { lastParam, parsePageNumber } from "./caseload-query";
import { isUuid } from "./uuid";

/** The audit actions the app writes, with their German labels (db/*.ts and app/routes write them). */
export const AUDIT_ACTIONS = {
  "case.read": "Fallakte gelesen",
  "case.documents": "Dokumente zur Fallakte aufgerufen",
  "case.candidates": "Auswahl für Vertretung oder Übergabe abgerufen",
  "case.list": "Fallliste gelesen",
  "case.create": "Fall angelegt",
  "case.event": "Fall geändert (Prozessschritt)",
  "case.duplicate_confirmed": "Anlage trotz möglicher Dublette",
  "case.transfer_organisation": "Fall an anderen Träger übergeben",
  "client.update": "Personendaten geändert",
  "client.export": "Auskunft nach Art. 15 exportiert",
  "client.anonymise": "Anonymisiert (Löschfrist)",
  "consent.create": "Einwilligung erfasst",
  "consent.revoke": "Einwilligung widerrufen",
  "referral.plan": "Vermittlung geplant",
  "referral.send": "Vermittelt (Daten übermittelt)",
  "referral.accept": "Vermittlung angenommen",
  "referral.complete": "Vermittlung abgeschlossen",
  "referral.decline": "Vermittlung abgelehnt",
  "referral.cancel": "Vermittlung abgebrochen",
  "follow_up.create": "Wiedervorlage angelegt",
  "follow_up.done": "Wiedervorlage erledigt",
  "finding.create": "Strukturelle Hürde gemeldet",
  "finding.review": "Strukturelle Hürde bearbeitet",
  "partner.create": "Partner angelegt",
  "partner.update": "Partner geändert",
  "partner.activate": "Partner aktiviert",
  "partner.deactivate": "Partner deaktiviert",
  "target_group.version.create": "Zielgruppendefinition neu gefasst",
  "document_template.create": "Dokumentvorlage neu gefasst",
  "document_template.review": "Übersetzung als geprüft markiert",
  "settings.update": "Einstellung geändert",
  "organisation.coordination_access": "Vereinbarung mit der Koordination geändert",
  "export.csv": "Bericht exportiert (CSV)",
  "export.xlsx": "Bericht exportiert (XLSX)",
  "user.create": "Benutzer angelegt",
  "user.update": "Benutzer geändert",
  "user.deactivate": "Benutzer deaktiviert",
  "user.second_factor_reset": "Zweiter Faktor zurückgesetzt",
  login: "Anmeldung",
  login_second_factor: "Anmeldung (zweiter Faktor)",
  second_factor_enrol: "Zweiten Faktor eingerichtet",
  logout: "Abmeldung",
  permission: "Seite ohne Berechtigung aufgerufen",
  "audit.read": "Zugriffsprotokoll gelesen",
  "audit.export": "Zugriffsprotokoll exportiert",
} as const;
export type AuditAction = keyof typeof AUDIT_ACTIONS;

/** The German label of an action; an action this list does not know yet shows its code. */
export function auditActionLabel(action: string): string {
  return (AUDIT_ACTIONS as Record<string, string>)[action] ?? action;
}

/** Outcomes in the URL (German) and in the database. */
export const AUDIT_OUTCOME_PARAMS = { erlaubt: "allowed", verweigert: "denied", fehler: "error" } as const;
export type AuditOutcomeParam = keyof typeof AUDIT_OUTCOME_PARAMS;
export const AUDIT_OUTCOME_LABELS = { allowed: "erlaubt", denied: "verweigert", error: "Fehler" } as const;
export type AuditOutcomeCode = keyof typeof AUDIT_OUTCOME_LABELS;

export const AUDIT_PAGE_SIZES = [50, 100, 200] as const;
export type AuditPageSize = (typeof AUDIT_PAGE_SIZES)[number];

const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const MAX_AKTENZEICHEN_LENGTH = 40;

export interface AuditQuery {
  userId: string | null;
  /** Exact Aktenzeichen of a client (case-insensitive); "" for none. */
  aktenzeichen: string;
  action: AuditAction | null;
  outcome: AuditOutcomeCode | null;
  /** Calendar days in Europe/Berlin, both inclusive. */
  from: string | null;
  to: string | null;
  /** Newest first unless false. */
  desc: boolean;
  page: number;
  pageSize: AuditPageSize;
}

export const DEFAULT_AUDIT_QUERY: AuditQuery = {
  userId: null,
  aktenzeichen: "",
  action: null,
  outcome: null,
  from: null,
  to: null,
  desc: true,
  page: 1,
  pageSize: 50,
};

export const AUDIT_PARAMS = {
  userId: "benutzer",
  aktenzeichen: "aktenzeichen",
  action: "aktion",
  outcome: "ergebnis",
  from: "von",
  to: "bis",
  sort: "sortierung",
  page: "seite",
  pageSize: "anzahl",
} as const;

function isCalendarDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** Reads the viewer state from the URL; what is malformed falls back to the default and is listed in `ignored`. */
export function parseAuditQuery(params: URLSearchParams): { query: AuditQuery; ignored: string[] } {
  const query: AuditQuery = { ...DEFAULT_AUDIT_QUERY };
  const ignored: string[] = [];
  const get = (name: string) => lastParam(params, name);
  const P = AUDIT_PARAMS;

  const user = get(P.userId);
  if (user) {
    if (isUuid(user)) query.userId = user.toLowerCase();
    else ignored.push(P.userId);
  }
  const az = get(P.aktenzeichen);
  if (az.length > MAX_AKTENZEICHEN_LENGTH) ignored.push(P.aktenzeichen);
  else query.aktenzeichen = az.toUpperCase();
  const action = get(P.action);
  if (action) {
    if (Object.hasOwn(AUDIT_ACTIONS, action)) query.action = action as AuditAction;
    else ignored.push(P.action);
  }
  const outcome = get(P.outcome);
  if (outcome) {
    if (Object.hasOwn(AUDIT_OUTCOME_PARAMS, outcome)) query.outcome = AUDIT_OUTCOME_PARAMS[outcome as AuditOutcomeParam];
    else ignored.push(P.outcome);
  }
  for (const key of ["from", "to"] as const) {
    const value = get(P[key]);
    if (!value) continue;
    if (isCalendarDate(value)) query[key] = value;
    else ignored.push(P[key]);
  }
  if (query.from && query.to && query.from > query.to) {
    ignored.push(P.to);
    query.to = null;
  }
  const sort = get(P.sort);
  if (sort) {
    if (sort === "zeit" || sort === "zeit.auf") query.desc = false;
    else if (sort !== "zeit.ab") ignored.push(P.sort);
  }
  const page = get(P.page);
  if (page) {
    const n = parsePageNumber(page);
    if (n) query.page = n;
    else ignored.push(P.page);
  }
  const size = get(P.pageSize);
  if (size) {
    if ((AUDIT_PAGE_SIZES.map(String) as string[]).includes(size)) query.pageSize = Number(size) as AuditPageSize;
    else ignored.push(P.pageSize);
  }
  return { query, ignored };
}

/** The URL value of an outcome. */
export function outcomeParam(code: AuditOutcomeCode): AuditOutcomeParam {
  return (Object.keys(AUDIT_OUTCOME_PARAMS) as AuditOutcomeParam[]).find((k) => AUDIT_OUTCOME_PARAMS[k] === code)!;
}

/** The URL search string of a query (defaults left out); `paging: false` leaves page and page size out (export). */
export function auditSearch(query: AuditQuery, overrides: Partial<AuditQuery> = {}, paging = true): string {
  const q = { ...query, ...overrides };
  const P = AUDIT_PARAMS;
  const out = new URLSearchParams();
  if (q.userId) out.set(P.userId, q.userId);
  if (q.aktenzeichen) out.set(P.aktenzeichen, q.aktenzeichen);
  if (q.action) out.set(P.action, q.action);
  if (q.outcome) out.set(P.outcome, outcomeParam(q.outcome));
  if (q.from) out.set(P.from, q.from);
  if (q.to) out.set(P.to, q.to);
  if (!q.desc) out.set(P.sort, "zeit");
  if (paging && q.pageSize !== DEFAULT_AUDIT_QUERY.pageSize) out.set(P.pageSize, String(q.pageSize));
  if (paging && q.page !== 1) out.set(P.page, String(q.page));
  const s = out.toString();
  return s ? `?${s}` : "";
}

/** What an audit row is about, in German. */
export const AUDIT_OBJECT_TYPES: Record<string, string> = {
  case: "Fall",
  client: "Person",
  referral: "Vermittlung",
  consent: "Einwilligung",
  document_template: "Dokumentvorlage",
  follow_up: "Wiedervorlage",
  finding: "Strukturelle Hürde",
  partner: "Partner",
  report: "Bericht",
  route: "Seite",
  session: "Sitzung",
  setting: "Einstellung",
  target_group_definition: "Zielgruppendefinition",
  user: "Benutzer",
  audit_log: "Zugriffsprotokoll",
};
