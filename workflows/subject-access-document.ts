// The readable Art. 15 information: the same data as the JSON export (db/subject-access.ts), with
// German labels instead of column names and German words instead of internal codes. Pure: it turns the
// export object into sections of fields and tables; every key of the export must have a label here
// (a test checks it against the real export), so nothing stored is left out of the readable document.
import {
  CASE_PHASES,
  CLOSURE_REASONS,
  CONSENT_GIVERS,
  CONTACT_TYPES,
  GENDERS,
  GOAL_STATUSES,
  HISTORY_EVENTS,
  IDENTITY_STEPS,
  NEED_DOMAINS,
  NEED_LEVELS,
  REFERRAL_SOURCES,
  REFERRAL_STATUSES,
  RESIDENCE_STATUSES,
  TARGET_GROUPS,
} from "./vocabulary";
import { documentLanguage } from "./documents";

/** German label of every key of the export, top-level categories and fields alike. */
export const SUBJECT_ACCESS_LABELS: Record<string, string> = {
  erstellt: "Erstellt am",
  hinweis: "Hinweis",
  person: "Angaben zur Person",
  faelle: "Fälle",
  einwilligungen: "Einwilligungen",
  aufenthaltsstatus_verlauf: "Aufenthaltsstatus (Verlauf der Dokumente)",
  ausgestellt_am: "Ausgestellt am",
  gueltig_bis: "Gültig bis (Dokument)",
  frist: "Frist",
  auslaenderbehoerde: "Ausstellende Ausländerbehörde",
  notiz: "Notiz zum Dokument",
  erfasst_am: "Erfasst am (Dokument)",
  herkunft: "Herkunft des Eintrags",
  aktuell: "Aktueller Status",
  datenweitergaben: "Datenweitergaben",
  zugriffe: "Zugriffe auf die Daten",
  aktenzeichen: "Aktenzeichen",
  first_name: "Vorname",
  last_name: "Nachname",
  birth_date: "Geburtsdatum",
  birth_date_estimated: "Geburtsdatum geschätzt",
  gender: "Geschlecht",
  nationality: "Staatsangehörigkeit",
  languages: "Sprachen",
  interpreter_needed: "Dolmetschbedarf",
  municipality: "Kommune",
  residence_status: "Aufenthaltsstatus",
  arrival_date: "Einreisedatum",
  unaccompanied: "Unbegleitet eingereist",
  phone: "Telefon",
  email: "E-Mail",
  address: "Anschrift",
  created_at: "Erfasst am",
  updated_at: "Zuletzt geändert am",
  id: "Fall-Kennung",
  state: "Phase",
  target_group: "Zielgruppe",
  referral_source: "Zugangsweg",
  opened_at: "Eröffnet am",
  first_contact_at: "Erstkontakt am",
  closed_at: "Abgeschlossen am",
  closure_reason: "Abschlussgrund",
  case_manager: "Casemanager*in",
  verlauf: "Verlauf",
  kontakte: "Kontakte",
  bedarfe: "Bedarfe (Assessment)",
  ziele: "Ziele",
  vermittlungen: "Vermittlungen",
  identitaetsklaerung: "Identitätsklärung",
  wiedervorlagen: "Wiedervorlagen",
  type: "Art des Eintrags",
  ereignis: "Ereignis",
  angaben: "Angaben",
  zeitpunkt: "Zeitpunkt",
  durch: "Durch",
  case_id: "Fall",
  contact_type: "Kontaktart",
  with_interpreter: "Mit Dolmetschung",
  occurred_at: "Datum des Kontakts",
  minutes: "Dauer (Minuten)",
  note: "Notiz",
  need_domain: "Bedarfsfeld",
  level: "Bedarfsstufe",
  assessed_at: "Eingeschätzt am",
  title: "Ziel",
  description: "Beschreibung",
  status: "Stand",
  agreed_at: "Vereinbart am",
  target_date: "Zieldatum",
  evaluated_at: "Bewertet am",
  evaluation_note: "Bewertung",
  partner: "Partner",
  shares_data: "Mit Datenweitergabe",
  legal_basis: "Rechtsgrundlage",
  planned_at: "Geplant am",
  sent_at: "Vermittelt am",
  accepted_at: "Angenommen am",
  ended_at: "Beendet am",
  step: "Schritt",
  occurred_on: "Datum",
  due_on: "Fällig am",
  done_at: "Erledigt am",
  scope: "Zweck und Umfang",
  given_at: "Erteilt am",
  given_by: "Erteilt von",
  valid_until: "Gültig bis",
  revoked_at: "Widerrufen am",
  document_language: "Sprache des unterschriebenen Dokuments",
  empfaenger: "Empfänger",
  datum: "Datum",
  grundlage: "Rechtsgrundlage",
  aktion: "Aktion",
  ergebnis: "Ergebnis",
  rolle: "Rolle",
  organisation: "Organisation",
};

/** Per-case lists, in the order the document shows them. */
export const CASE_LISTS = ["verlauf", "kontakte", "bedarfe", "ziele", "vermittlungen", "identitaetsklaerung", "wiedervorlagen"] as const;
/** Lists about the person as a whole. */
export const PERSON_LISTS = ["aufenthaltsstatus_verlauf", "einwilligungen", "datenweitergaben", "zugriffe"] as const;

const CODE_LABELS: Record<string, Record<string, string>> = {
  gender: GENDERS.label,
  residence_status: RESIDENCE_STATUSES.label,
  state: CASE_PHASES.label,
  target_group: TARGET_GROUPS.label,
  referral_source: REFERRAL_SOURCES.label,
  closure_reason: CLOSURE_REASONS.label,
  contact_type: CONTACT_TYPES.label,
  need_domain: NEED_DOMAINS.label,
  level: NEED_LEVELS.label,
  step: IDENTITY_STEPS.label,
  given_by: CONSENT_GIVERS.label,
  type: Object.fromEntries(Object.entries(HISTORY_EVENTS).map(([k, v]) => [k, v.label])),
};
const STATUS_LABELS: Record<string, Record<string, string>> = { ziele: GOAL_STATUSES.label, vermittlungen: REFERRAL_STATUSES.label };

const BERLIN_TIME = new Intl.DateTimeFormat("de-DE", {
  timeZone: "Europe/Berlin",
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

/** One value in German: dates, yes/no, codes as words, lists joined; "–" for nothing. */
export function formatSubjectValue(key: string, value: unknown, list?: string): string {
  if (value === null || value === undefined || value === "") return "–";
  if (typeof value === "boolean") return value ? "ja" : "nein";
  if (Array.isArray(value)) return value.length ? value.map((v) => formatSubjectValue(key, v, list)).join(", ") : "–";
  if (value instanceof Date) return formatSubjectValue(key, value.toISOString(), list);
  if (typeof value === "object") return JSON.stringify(value);
  const text = String(value);
  if (key === "document_language") return documentLanguage(text)?.label ?? text;
  const codes = key === "status" && list ? STATUS_LABELS[list] : CODE_LABELS[key];
  if (codes && Object.hasOwn(codes, text)) return codes[text] ?? text;
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (date) return `${date[3]}.${date[2]}.${date[1]}`;
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    const d = new Date(text);
    if (!Number.isNaN(d.getTime())) return `${BERLIN_TIME.format(d)} Uhr`;
  }
  return text;
}

export interface SubjectField {
  key: string;
  label: string;
  value: string;
}
export interface SubjectTable {
  key: string;
  title: string;
  columns: { key: string; label: string }[];
  rows: string[][];
}
export interface SubjectCase {
  title: string;
  fields: SubjectField[];
  tables: SubjectTable[];
}
export interface SubjectAccessDocument {
  created: string;
  note: string;
  person: SubjectField[];
  cases: SubjectCase[];
  lists: SubjectTable[];
}

type Row = Record<string, unknown>;

function labelOf(key: string): string {
  const label = SUBJECT_ACCESS_LABELS[key];
  if (label === undefined) throw new Error(`Art. 15 document: no German label for "${key}"`);
  return label;
}

function fieldsOf(row: Row, skip: readonly string[] = []): SubjectField[] {
  return Object.entries(row)
    .filter(([key]) => !skip.includes(key))
    .map(([key, value]) => ({ key, label: labelOf(key), value: formatSubjectValue(key, value) }));
}

function tableOf(key: string, rows: Row[]): SubjectTable {
  // The case a row belongs to is the section it stands in: its id column would repeat it.
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => k !== "case_id");
  return {
    key,
    title: labelOf(key),
    columns: keys.map((k) => ({ key: k, label: labelOf(k) })),
    rows: rows.map((r) => keys.map((k) => formatSubjectValue(k, r[k], key))),
  };
}

/** The readable document of one export (the object db/subject-access.ts returns as `export`). */
export function buildSubjectAccessDocument(data: {
  erstellt: string;
  hinweis: string;
  person: Row;
  faelle: Row[];
  einwilligungen: Row[];
  datenweitergaben: Row[];
  zugriffe: Row[];
  aufenthaltsstatus_verlauf: Row[];
}): SubjectAccessDocument {
  return {
    created: formatSubjectValue("erstellt", data.erstellt),
    note: data.hinweis,
    person: fieldsOf(data.person),
    cases: data.faelle.map((c, i) => ({
      title: `Fall ${i + 1}${c.opened_at ? ` (eröffnet ${formatSubjectValue("opened_at", c.opened_at)})` : ""}`,
      fields: fieldsOf(c, CASE_LISTS),
      tables: CASE_LISTS.map((list) => tableOf(list, (c[list] as Row[] | undefined) ?? [])),
    })),
    lists: PERSON_LISTS.map((list) => tableOf(list, data[list])),
  };
}
