// Import of existing case lists (Excel/CSV of the case managers): the pure part. Finds the header row,
// suggests which column is which field, parses German cell values and validates one row against the
// site's reference data, giving one German message per cell and, for a valid row, the plan of steps the
// case service replays (db/import/). No I/O, no clock: "today" is passed in.
import { evaluateTargetGroup, parseLocalDate, type TargetGroupDefinition } from "./target-groups";
import {
  CLOSURE_REASONS,
  REFERRAL_SOURCES,
  RESIDENCE_STATUSES,
  TARGET_GROUPS,
  type ClosureReason,
  type ReferralSource,
  type ResidenceStatus,
  type TargetGroup,
} from "./vocabulary";

// ---------------------------------------------------------------------------
// Fields and the mapping suggestion

export const IMPORT_FIELDS = {
  externalId: "Externe Nummer (Nr./ID)",
  lastName: "Nachname",
  firstName: "Vorname",
  fullName: "Name (Vor- und Nachname in einer Spalte)",
  birthDate: "Geburtsdatum",
  nationality: "Staatsangehörigkeit",
  residenceStatus: "Aufenthaltsstatus",
  municipality: "Kommune / Wohnort",
  referralSource: "Zugangsweg",
  targetGroup: "Zielgruppe",
  caseManager: "Casemanager*in",
  openedOn: "Aufnahmedatum",
  firstContactOn: "Erstkontakt",
  classifiedOn: "Datum der Zielgruppenzuordnung",
  status: "Status",
  closureReason: "Abschlussgrund",
  closedOn: "Abschlussdatum",
} as const;
export type ImportField = keyof typeof IMPORT_FIELDS;
export const IMPORT_FIELD_KEYS = Object.keys(IMPORT_FIELDS) as ImportField[];

/** column index → field; a column that is not mapped is ignored. */
export type ColumnMapping = (ImportField | null)[];

/** Lower case, umlauts transliterated, only letters and digits: "Geb.-Datum" → "gebdatum". */
export function normalizeHeader(text: string): string {
  return text
    .toLowerCase()
    .replace(/ä/g, "ae")
    .replace(/ö/g, "oe")
    .replace(/ü/g, "ue")
    .replace(/ß/g, "ss")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]/g, "");
}

/** Normalised header texts per field, as case managers write them. */
const HEADER_WORDS: Record<ImportField, string[]> = {
  externalId: ["nr", "id", "lfdnr", "laufendenr", "nummer", "fallnr", "fallnummer", "externeid", "externenummer"],
  lastName: ["nachname", "familienname", "name"],
  firstName: ["vorname", "vornamen", "rufname"],
  fullName: ["vornamename", "namevorname", "vollername", "klientin", "klient", "klientinname", "person"],
  birthDate: ["gebdatum", "geburtsdatum", "geboren", "gebam", "geburtstag", "geb", "geburtsdat"],
  nationality: ["staatsangehoerigkeit", "nationalitaet", "staatsangeh", "herkunftsland", "herkunft"],
  residenceStatus: ["aufenthaltsstatus", "aufenthaltstitel", "status aufenthalt", "aufenthalt", "aufenthaltsrecht"],
  municipality: ["kommune", "wohnort", "stadt", "gemeinde", "ort", "wohnortkommune"],
  referralSource: ["zugangsweg", "zugang", "zuweisung", "zuweisendestelle", "zuweisungdurch", "vermitteltdurch"],
  targetGroup: ["zielgruppe", "zg"],
  caseManager: [
    "casemanager",
    "casemanagerin",
    "fallmanager",
    "fallmanagerin",
    "casemanagement",
    "zustaendig",
    "bearbeiter",
    "bearbeiterin",
    "fallverantwortlich",
  ],
  openedOn: ["aufnahmedatum", "aufnahme", "fallbeginn", "beginn", "eroeffnet", "eroeffnetam", "aufgenommenam", "fallaufnahme"],
  firstContactOn: ["erstkontakt", "ersterkontakt", "erstgespraech", "datumerstkontakt"],
  classifiedOn: ["zuordnung", "zuordnungsdatum", "zielgruppenzuordnung", "zugeordnetam", "klaerung"],
  status: ["status", "fallstatus", "stand", "phase"],
  closureReason: ["abschlussgrund", "grundabschluss", "beendigungsgrund", "grund"],
  closedOn: ["abschlussdatum", "abschluss", "abgeschlossenam", "fallende", "ende", "beendet", "beendetam"],
};

const HEADER_LOOKUP = new Map<string, ImportField>();
for (const field of IMPORT_FIELD_KEYS) {
  for (const word of HEADER_WORDS[field]) HEADER_LOOKUP.set(normalizeHeader(word), field);
}

/** The field a header names, or null. */
export function fieldForHeader(header: string): ImportField | null {
  const n = normalizeHeader(header);
  if (!n) return null;
  return HEADER_LOOKUP.get(n) ?? null;
}

/**
 * The suggested mapping: each header to its field, each field at most once (the first column wins).
 * "Name" beside a "Vorname" column is the last name; a lone "Name" holds the whole name.
 */
export function suggestMapping(headers: string[]): ColumnMapping {
  const found = headers.map(fieldForHeader);
  const hasFirstName = found.includes("firstName");
  const isName = (i: number) => normalizeHeader(headers[i] ?? "") === "name";
  const otherLastName = found.some((f, i) => f === "lastName" && !isName(i));
  const used = new Set<ImportField>();
  return found.map((field, i) => {
    let f = field;
    if (f === "lastName" && !hasFirstName && !otherLastName && isName(i)) f = "fullName";
    if (f === null || used.has(f)) return null;
    used.add(f);
    return f;
  });
}

/**
 * Which row is the header: the first of the first 30 rows with the most cells naming a field (at least
 * two). Title rows (merged cells), notes and empty lines above it are skipped. Null: no header found.
 */
export function findHeaderRow(rows: string[][]): number | null {
  let best = -1;
  let bestScore = 1;
  for (let i = 0; i < Math.min(rows.length, 30); i++) {
    const fields = new Set((rows[i] ?? []).map(fieldForHeader).filter((f) => f !== null));
    if (fields.size > bestScore) {
      best = i;
      bestScore = fields.size;
    }
  }
  return best < 0 ? null : best;
}

/** Problems with the mapping itself (before any row is looked at). */
export function checkMapping(mapping: ColumnMapping): string[] {
  const problems: string[] = [];
  const count = new Map<ImportField, number>();
  for (const f of mapping) if (f) count.set(f, (count.get(f) ?? 0) + 1);
  for (const [f, n] of count) if (n > 1) problems.push(`„${IMPORT_FIELDS[f]}“ ist mehreren Spalten zugeordnet.`);
  const has = (f: ImportField) => count.has(f);
  if (!has("fullName") && !(has("lastName") && has("firstName"))) {
    problems.push("Bitte ordnen Sie Nachname und Vorname zu (oder eine Spalte mit dem ganzen Namen).");
  }
  if (has("fullName") && (has("lastName") || has("firstName"))) {
    problems.push("Bitte entweder eine Spalte für den ganzen Namen oder Nachname und Vorname zuordnen, nicht beides.");
  }
  for (const f of ["openedOn", "municipality"] as const) {
    if (!has(f)) problems.push(`Bitte ordnen Sie eine Spalte „${IMPORT_FIELDS[f]}“ zu.`);
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Cell values

/** A cell as read from the file: text, or an ISO date (YYYY-MM-DD) for a date cell of a spreadsheet. */
export type RawCell = string;

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

function isoOf(y: number, m: number, d: number): string | null {
  const iso = `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  return parseLocalDate(iso) ? iso : null;
}

/**
 * A date as written in German lists: 31.12.2023, 31.12.23, 1.2.2023, 2023-12-31, an Excel date cell
 * (already ISO) or an Excel serial number. Two-digit years: up to the current year's two digits → 20xx,
 * else 19xx. Impossible dates (31.02.) are refused.
 */
export function parseGermanDate(raw: string, today: string): Parsed<string | null> {
  const text = raw.trim();
  if (text === "") return { ok: true, value: null };
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(text);
  if (m) {
    const iso = isoOf(Number(m[1]), Number(m[2]), Number(m[3]));
    return iso ? { ok: true, value: iso } : { ok: false, message: `„${text}“ ist kein gültiges Datum.` };
  }
  m = /^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{2}|\d{4})$/.exec(text);
  if (m) {
    let year = Number(m[3]);
    if (m[3]?.length === 2) {
      const pivot = Number(today.slice(2, 4));
      year += year <= pivot ? 2000 : 1900;
    }
    const iso = isoOf(year, Number(m[2]), Number(m[1]));
    return iso ? { ok: true, value: iso } : { ok: false, message: `„${text}“ ist kein gültiges Datum.` };
  }
  if (/^\d{5}(\.\d+)?$/.test(text)) {
    const serial = Math.floor(Number(text));
    if (serial >= 10_000 && serial <= 80_000) {
      return { ok: true, value: new Date(EXCEL_EPOCH + serial * 86_400_000).toISOString().slice(0, 10) };
    }
  }
  return { ok: false, message: `„${text}“ ist kein Datum (erwartet z. B. 31.12.2023).` };
}

/** Normalised text for vocabulary matching. */
function key(text: string): string {
  return normalizeHeader(text);
}

type Rule<T> = [RegExp, T];

const RESIDENCE_RULES: Rule<ResidenceStatus>[] = [
  [/60b|ungeklaerteridentitaet/, "duldung_60b"],
  [/duldung|60a|geduldet/, "duldung_60a"],
  [/gestattung|asylverfahren|bueme/, "aufenthaltsgestattung"],
  [/104c|chancen/, "ae_104c"],
  [/25a/, "ae_25a"],
  [/25b/, "ae_25b"],
  [/^(ae)?(ss|paragraph|par)?24(abs1)?(aufenthg)?$|vorlaeufigerschutz|voruebergehenderschutz|aufenthaltserlaubnis24/, "ae_24"],
  [/humanitaer|2226|^(ae)?(ss)?2[2356]/, "ae_humanitaer_22_26"],
  [/niederlassung|^ne$|daueraufenthalt/, "niederlassungserlaubnis"],
  [/freizuegig|^eu$|eubuerger/, "eu_freizuegigkeit"],
  [/fiktion/, "fiktionsbescheinigung"],
  [/aufenthaltserlaubnis|^ae$|aesonstige/, "ae_sonstige"],
  [/ungeklaert|unklar|unbekannt|^ohne$/, "ungeklaert"],
];

const TARGET_GROUP_RULES: Rule<TargetGroup>[] = [
  [/^umf$|unbegleitet|minderjaehrig/, "umf"],
  [/geduld|identitaet/, "geduldete_identitaet"],
  [/neuzugewander|erhoeht|unterstuetzungsbedarf/, "neuzugewanderte_erhoeht"],
];

const CLOSURE_RULES: Rule<ClosureReason>[] = [
  [/nichtzustaendig|unzustaendig/, "nicht_zustaendig"],
  [/keinezielgruppe|nichtzielgruppe/, "keine_zielgruppe"],
  [/zielerreicht|zieleerreicht|erfolgreich/, "ziele_erreicht"],
  [/regeldienst|uebergabe|uebergeben/, "uebergabe_regeldienst"],
  [/verzogen|umzug|weggezogen|umgezogen/, "verzogen"],
  [/kontaktabbruch|keinkontakt|nichterreichbar|abgebrochen/, "kontaktabbruch"],
  [/ausreise|abschiebung|ausgereist|abgeschoben|rueckkehr/, "ausreise_abschiebung"],
  [/sonstig|andere/, "sonstige"],
];

const REFERRAL_RULES: Rule<ReferralSource>[] = [
  [/sozialamt|sozialverwaltung/, "sozialamt"],
  [/integrationpoint|jobcenter|^ip$/, "integration_point"],
  [/auslaenderamt|auslaenderbehoerde|abh/, "auslaenderamt"],
  [/fluechtlingsberatung|fluechtlingshilfe/, "fluechtlingsberatung"],
  [/jugendamt/, "jugendamt"],
  [/selbst/, "selbstmelder"],
  [/sonstig|andere/, "sonstige"],
];

export type ImportStatus = "zugang" | "offen" | "ruhend" | "abgeschlossen";

const STATUS_RULES: Rule<ImportStatus>[] = [
  [/^(neu|zugang|aufnahme|fallaufnahme|anfrage)$/, "zugang"],
  [/ruhend|pausiert|ruht/, "ruhend"],
  [/abgeschlossen|beendet|geschlossen|erledigt|abschluss/, "abgeschlossen"],
  [/offen|laufend|aktiv|inbearbeitung|bearbeitung|assessment|hilfeplan|monitoring|klaerung/, "offen"],
];

function matchVocabulary<T extends string>(
  raw: string,
  labels: Record<T, string>,
  rules: Rule<T>[],
): T | null {
  const k = key(raw);
  if (!k) return null;
  for (const [code, label] of Object.entries(labels) as [T, string][]) {
    if (key(code) === k || key(label) === k) return code;
  }
  for (const [pattern, code] of rules) if (pattern.test(k)) return code;
  return null;
}

export function parseResidenceStatus(raw: string): ResidenceStatus | null {
  return matchVocabulary(raw, RESIDENCE_STATUSES.label, RESIDENCE_RULES);
}
export function parseTargetGroup(raw: string): TargetGroup | null {
  return matchVocabulary(raw, TARGET_GROUPS.label, TARGET_GROUP_RULES);
}
export function parseClosureReason(raw: string): ClosureReason | null {
  return matchVocabulary(raw, CLOSURE_REASONS.label, CLOSURE_RULES);
}
export function parseReferralSource(raw: string): ReferralSource | null {
  return matchVocabulary(raw, REFERRAL_SOURCES.label, REFERRAL_RULES);
}
export function parseStatus(raw: string): ImportStatus | null {
  return matchVocabulary(raw, { zugang: "Zugang", offen: "offen", ruhend: "ruhend", abgeschlossen: "abgeschlossen" }, STATUS_RULES);
}

/** Edit distance (small strings only). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** Municipality names compare without "(Rhld.)", "am Rhein", case and punctuation. */
function municipalityKey(name: string): string {
  return key(name.replace(/\(.*?\)/g, ""));
}

export type MunicipalityMatch = { ok: true; id: number } | { ok: false; message: string };

/** A known municipality by name; a typo gets the nearest known name as a suggestion, never accepted. */
export function matchMunicipality(raw: string, known: { id: number; name: string }[]): MunicipalityMatch {
  const text = raw.trim();
  if (!text) return { ok: false, message: "Die Kommune fehlt." };
  const k = municipalityKey(text);
  const exact = known.find((m) => municipalityKey(m.name) === k || key(m.name) === key(text));
  if (exact) return { ok: true, id: exact.id };
  const prefix = known.filter((m) => municipalityKey(m.name).startsWith(k) || k.startsWith(municipalityKey(m.name)));
  let nearest: { name: string; d: number } | null = null;
  for (const m of known) {
    const d = editDistance(k, municipalityKey(m.name));
    if (!nearest || d < nearest.d) nearest = { name: m.name, d };
  }
  const suggestion =
    prefix.length === 1 ? prefix[0]?.name : nearest && nearest.d <= Math.max(2, Math.floor(k.length / 3)) ? nearest.name : null;
  return {
    ok: false,
    message: suggestion
      ? `Unbekannte Kommune „${text}“. Meinten Sie „${suggestion}“? Bitte in der Datei korrigieren.`
      : `Unbekannte Kommune „${text}“.`,
  };
}

export interface KnownCaseManager {
  id: string;
  displayName: string;
  username: string;
  active: boolean;
  /** May the importing coordinator write this case manager's cases (organisation agreement "voll")? */
  writable: boolean;
  organisationName: string;
}

export type CaseManagerMatch = { ok: true; id: string } | { ok: false; message: string };

function personKey(name: string): string {
  return key(name);
}

/** A case manager by display name (either order, with or without comma) or user name. */
export function matchCaseManager(raw: string, known: KnownCaseManager[]): CaseManagerMatch {
  const text = raw.trim();
  const swapped = text.includes(",") ? text.split(",").reverse().join(" ") : text;
  const words = text.split(/[\s,]+/).filter(Boolean);
  const keys = new Set([personKey(text), personKey(swapped), personKey([...words].reverse().join(" "))]);
  const found = known.filter((cm) => keys.has(personKey(cm.displayName)) || keys.has(personKey(cm.username)));
  // Prefer an active one when names repeat.
  const hit = found.find((cm) => cm.active && cm.writable) ?? found.find((cm) => cm.active) ?? found[0];
  if (!hit) return { ok: false, message: `Unbekannte Casemanager*in „${text}“.` };
  if (!hit.active) return { ok: false, message: `Die Casemanager*in „${hit.displayName}“ ist nicht mehr aktiv.` };
  if (!hit.writable) {
    return {
      ok: false,
      message: `„${hit.displayName}“ gehört zu ${hit.organisationName}; deren Fälle darf die Koordination nach der Kooperationsvereinbarung nicht bearbeiten.`,
    };
  }
  return { ok: true, id: hit.id };
}

/** "Müller, Anna" or "Anna Müller" → first and last name (the last word is the last name). */
export function splitFullName(raw: string): { firstName: string; lastName: string } {
  const text = raw.trim().replace(/\s+/g, " ");
  if (text.includes(",")) {
    const [last = "", ...rest] = text.split(",");
    return { lastName: last.trim(), firstName: rest.join(",").trim() };
  }
  const words = text.split(" ");
  if (words.length === 1) return { firstName: "", lastName: text };
  return { lastName: words.at(-1) ?? "", firstName: words.slice(0, -1).join(" ") };
}

// ---------------------------------------------------------------------------
// One row

export interface ImportReference {
  today: string;
  municipalities: { id: number; name: string }[];
  caseManagers: KnownCaseManager[];
  /** Every version of every target-group definition, with the date it applies from. */
  definitions: (TargetGroupDefinition & { validFrom: string })[];
}

/** What a valid row becomes: the client, the case and the historical steps, in order. */
export interface ImportPlan {
  client: {
    firstName: string;
    lastName: string;
    birthDate: string | null;
    nationality: string | null;
    municipalityId: number;
    residenceStatus: ResidenceStatus;
    unaccompanied: boolean;
  };
  referralSource: ReferralSource;
  increasedNeedDocumented: boolean;
  caseManagerId: string | null;
  openedOn: string;
  firstContactOn: string | null;
  targetGroup: TargetGroup | null;
  classifiedOn: string | null;
  status: ImportStatus;
  closureReason: ClosureReason | null;
  closedOn: string | null;
}

/** The row as the preview shows it (German labels), and its errors per field. */
export interface ValidatedRow {
  rowNumber: number;
  values: Partial<Record<ImportField, string>>;
  errors: Partial<Record<ImportField | "row", string>>;
  plan: ImportPlan | null;
}

export const MAX_NAME_LENGTH = 100;

function definitionOn(ref: ImportReference, code: TargetGroup, on: string): TargetGroupDefinition | null {
  let best: (TargetGroupDefinition & { validFrom: string }) | null = null;
  for (const d of ref.definitions) {
    if (d.code === code && d.validFrom <= on && (!best || d.version > best.version)) best = d;
  }
  return best;
}

/** Validates one row (its cells by field) and returns the plan or the errors per field. */
export function validateRow(rowNumber: number, cells: Partial<Record<ImportField, RawCell>>, ref: ImportReference): ValidatedRow {
  const errors: ValidatedRow["errors"] = {};
  const values: ValidatedRow["values"] = {};
  const get = (f: ImportField) => (cells[f] ?? "").trim();
  for (const f of IMPORT_FIELD_KEYS) if (cells[f] !== undefined) values[f] = get(f);

  // name
  let firstName = get("firstName");
  let lastName = get("lastName");
  if (cells.fullName !== undefined) ({ firstName, lastName } = splitFullName(get("fullName")));
  const nameField: ImportField = cells.fullName !== undefined ? "fullName" : "lastName";
  if (!lastName) errors[nameField] = "Der Nachname fehlt.";
  else if (lastName.length > MAX_NAME_LENGTH) errors[nameField] = `Der Nachname ist länger als ${MAX_NAME_LENGTH} Zeichen.`;
  if (!firstName) errors[cells.fullName !== undefined ? "fullName" : "firstName"] ??= "Der Vorname fehlt.";
  else if (firstName.length > MAX_NAME_LENGTH) errors.firstName = `Der Vorname ist länger als ${MAX_NAME_LENGTH} Zeichen.`;

  // dates
  const date = (f: ImportField, label: string): string | null => {
    const parsed = parseGermanDate(get(f), ref.today);
    if (!parsed.ok) {
      errors[f] = parsed.message;
      return null;
    }
    if (parsed.value && parsed.value > ref.today) {
      errors[f] = `${label} ${formatGerman(parsed.value)} liegt in der Zukunft.`;
      return null;
    }
    if (parsed.value && parsed.value < "1900-01-01") {
      errors[f] = `${label} ${formatGerman(parsed.value)} ist nicht plausibel.`;
      return null;
    }
    if (parsed.value) values[f] = formatGerman(parsed.value);
    return parsed.value;
  };
  const birthDate = date("birthDate", "Das Geburtsdatum");
  const openedOn = date("openedOn", "Das Aufnahmedatum");
  const firstContactOn = date("firstContactOn", "Der Erstkontakt");
  let classifiedOn = date("classifiedOn", "Die Zuordnung");
  const closedOn = date("closedOn", "Das Abschlussdatum");
  if (!openedOn && !errors.openedOn) errors.openedOn = "Das Aufnahmedatum fehlt.";

  // vocabulary
  const residenceStatus = get("residenceStatus") ? parseResidenceStatus(get("residenceStatus")) : "ungeklaert";
  if (residenceStatus === null) errors.residenceStatus = `Unbekannter Aufenthaltsstatus „${get("residenceStatus")}“.`;
  else values.residenceStatus = RESIDENCE_STATUSES.label[residenceStatus];
  const targetGroup = get("targetGroup") ? parseTargetGroup(get("targetGroup")) : null;
  if (get("targetGroup") && targetGroup === null) errors.targetGroup = `Unbekannte Zielgruppe „${get("targetGroup")}“.`;
  else if (targetGroup) values.targetGroup = TARGET_GROUPS.label[targetGroup];
  const referralSource = get("referralSource") ? parseReferralSource(get("referralSource")) : "sonstige";
  if (referralSource === null) errors.referralSource = `Unbekannter Zugangsweg „${get("referralSource")}“.`;
  else if (cells.referralSource !== undefined) values.referralSource = REFERRAL_SOURCES.label[referralSource];
  const closureReason = get("closureReason") ? parseClosureReason(get("closureReason")) : null;
  if (get("closureReason") && closureReason === null) errors.closureReason = `Unbekannter Abschlussgrund „${get("closureReason")}“.`;
  else if (closureReason) values.closureReason = CLOSURE_REASONS.label[closureReason];
  let status = get("status") ? parseStatus(get("status")) : closedOn || closureReason ? "abgeschlossen" : "offen";
  if (status === null) errors.status = `Unbekannter Status „${get("status")}“ (erwartet: Zugang, offen, ruhend, abgeschlossen).`;
  const nationality = get("nationality") || null;
  if (nationality && nationality.length > 100) errors.nationality = "Die Staatsangehörigkeit ist zu lang.";

  // references
  let municipalityId: number | null = null;
  const municipality = matchMunicipality(get("municipality"), ref.municipalities);
  if (municipality.ok) municipalityId = municipality.id;
  else errors.municipality = municipality.message;
  let caseManagerId: string | null = null;
  if (get("caseManager")) {
    const cm = matchCaseManager(get("caseManager"), ref.caseManagers);
    if (cm.ok) caseManagerId = cm.id;
    else errors.caseManager = cm.message;
  }

  // closure and status consistency
  if (status === "ruhend" && closedOn) status = "abgeschlossen";
  if (status === "abgeschlossen") {
    if (!closedOn && !errors.closedOn) errors.closedOn = "Für einen abgeschlossenen Fall fehlt das Abschlussdatum.";
    if (!closureReason && !errors.closureReason) errors.closureReason = "Für einen abgeschlossenen Fall fehlt der Abschlussgrund.";
  } else if (status !== null && (closedOn || closureReason)) {
    errors.status = "Der Fall hat ein Abschlussdatum oder einen Abschlussgrund, aber der Status ist nicht „abgeschlossen“.";
  }
  if (status === "zugang" && (firstContactOn || targetGroup)) {
    errors.status = "Ein Fall im Zugang hat noch keinen Erstkontakt und keine Zielgruppe.";
  }

  // chronology
  if (openedOn && birthDate && birthDate > openedOn) errors.birthDate = "Das Geburtsdatum liegt nach dem Aufnahmedatum.";
  if (openedOn && firstContactOn && firstContactOn < openedOn) {
    errors.firstContactOn = `Der Erstkontakt (${formatGerman(firstContactOn)}) liegt vor dem Aufnahmedatum (${formatGerman(openedOn)}).`;
  }
  const lastBefore = firstContactOn ?? openedOn;
  if (targetGroup && !classifiedOn) classifiedOn = firstContactOn;
  if (classifiedOn && firstContactOn && classifiedOn < firstContactOn) {
    errors.classifiedOn = "Die Zielgruppenzuordnung liegt vor dem Erstkontakt.";
  }
  if (closedOn && lastBefore && closedOn < lastBefore) {
    errors.closedOn = firstContactOn
      ? `Das Abschlussdatum (${formatGerman(closedOn)}) liegt vor dem Erstkontakt (${formatGerman(firstContactOn)}).`
      : `Das Abschlussdatum (${formatGerman(closedOn)}) liegt vor dem Aufnahmedatum.`;
  }
  if (closedOn && classifiedOn && closedOn < classifiedOn && !errors.closedOn) {
    errors.closedOn = "Das Abschlussdatum liegt vor der Zielgruppenzuordnung.";
  }

  // what the statechart needs for the path the row describes
  if (targetGroup && !firstContactOn && !errors.firstContactOn) {
    errors.firstContactOn = "Für eine Zielgruppenzuordnung ist ein Erstkontakt nötig (Datum fehlt).";
  }
  if (status === "abgeschlossen" && closureReason) {
    if (closureReason === "nicht_zustaendig" && (firstContactOn || targetGroup)) {
      errors.closureReason = "„nicht zuständig“ ist nur für Fälle ohne Erstkontakt und ohne Zielgruppe möglich.";
    } else if (closureReason === "keine_zielgruppe" && targetGroup) {
      errors.closureReason = "„keine Zielgruppe“ passt nicht zu einer angegebenen Zielgruppe.";
    } else if (closureReason === "keine_zielgruppe" && !firstContactOn && !errors.firstContactOn) {
      errors.firstContactOn = "Für den Abschluss „keine Zielgruppe“ ist ein Erstkontakt nötig (Datum fehlt).";
    } else if (closureReason !== "nicht_zustaendig" && closureReason !== "keine_zielgruppe" && !targetGroup && !errors.targetGroup) {
      errors.targetGroup = `Für den Abschluss „${CLOSURE_REASONS.label[closureReason]}“ muss eine Zielgruppe angegeben sein.`;
    }
  }

  // target-group entry rules (as the statechart will check them, with the definition valid then)
  const unaccompanied = targetGroup === "umf";
  const increasedNeedDocumented = targetGroup === "neuzugewanderte_erhoeht";
  if (targetGroup && classifiedOn && openedOn && residenceStatus && referralSource && !errors.targetGroup) {
    const definition = definitionOn(ref, targetGroup, classifiedOn);
    if (!definition) {
      errors.targetGroup = `Für „${TARGET_GROUPS.label[targetGroup]}“ gab es am ${formatGerman(classifiedOn)} noch keine gültige Definition.`;
    } else {
      const result = evaluateTargetGroup(definition, {
        birthDate,
        birthDateEstimated: false,
        intakeDate: openedOn,
        residenceStatus,
        referralSource,
        increasedNeedDocumented,
        unaccompanied,
      });
      if (!result.ok) errors.targetGroup = `Voraussetzungen nicht erfüllt: ${result.reasons.join(" ")}`;
    }
  }

  const valid = Object.keys(errors).length === 0;
  const plan: ImportPlan | null =
    valid && openedOn && municipalityId !== null && residenceStatus && referralSource && status
      ? {
          client: { firstName, lastName, birthDate, nationality, municipalityId, residenceStatus, unaccompanied },
          referralSource,
          increasedNeedDocumented,
          caseManagerId,
          openedOn,
          firstContactOn,
          targetGroup,
          classifiedOn: targetGroup ? classifiedOn : null,
          status,
          closureReason,
          closedOn,
        }
      : null;
  return { rowNumber, values, errors, plan };
}

/** YYYY-MM-DD → DD.MM.YYYY */
export function formatGerman(iso: string): string {
  const [y, m, d] = iso.split("-");
  return `${d}.${m}.${y}`;
}

/** Cells of a row by field, from the mapping. */
export function cellsByField(row: RawCell[], mapping: ColumnMapping): Partial<Record<ImportField, RawCell>> {
  const cells: Partial<Record<ImportField, RawCell>> = {};
  mapping.forEach((field, i) => {
    if (field) cells[field] = row[i] ?? "";
  });
  return cells;
}

/**
 * What identifies a row for idempotency: the mapped ID column when there is one, else the normalised
 * identifying fields (name, birth date, opening date). db/import hashes the latter into the stored key.
 */
export function externalIdentity(cells: Partial<Record<ImportField, RawCell>>, plan: ImportPlan): { id: string } | { identity: string } {
  const id = (cells.externalId ?? "").trim();
  if (id) return { id: id.slice(0, 200) };
  return { identity: [key(plan.client.lastName), key(plan.client.firstName), plan.client.birthDate ?? "", plan.openedOn].join("|") };
}

/** A key for duplicates within one file: the same person (normalised name, birth date). */
export function personInFileKey(plan: ImportPlan): string {
  const names = [key(plan.client.lastName), key(plan.client.firstName)].sort();
  return `${names.join("|")}|${plan.client.birthDate ?? ""}`;
}

/** The statechart's steps for a plan: each with its historical date (YYYY-MM-DD), in order. */
export type ImportStep =
  | { type: "RECORD_CONTACT"; on: string }
  | { type: "CLASSIFY"; on: string; targetGroup: TargetGroup }
  | { type: "REJECT_NOT_ELIGIBLE"; on: string }
  | { type: "CLOSE_NOT_TARGET_GROUP"; on: string }
  | { type: "BEGIN_CLOSURE"; on: string }
  | { type: "CLOSE"; on: string; reason: Exclude<ClosureReason, "nicht_zustaendig" | "keine_zielgruppe"> }
  | { type: "PAUSE"; on: string };

export function planSteps(plan: ImportPlan): ImportStep[] {
  const steps: ImportStep[] = [];
  if (plan.status === "abgeschlossen" && plan.closureReason === "nicht_zustaendig" && plan.closedOn) {
    return [{ type: "REJECT_NOT_ELIGIBLE", on: plan.closedOn }];
  }
  if (plan.firstContactOn) steps.push({ type: "RECORD_CONTACT", on: plan.firstContactOn });
  if (plan.targetGroup && plan.classifiedOn) steps.push({ type: "CLASSIFY", on: plan.classifiedOn, targetGroup: plan.targetGroup });
  if (plan.status === "abgeschlossen" && plan.closedOn && plan.closureReason) {
    if (plan.closureReason === "keine_zielgruppe") steps.push({ type: "CLOSE_NOT_TARGET_GROUP", on: plan.closedOn });
    else if (plan.closureReason !== "nicht_zustaendig") {
      steps.push({ type: "BEGIN_CLOSURE", on: plan.closedOn }, { type: "CLOSE", on: plan.closedOn, reason: plan.closureReason });
    }
  } else if (plan.status === "ruhend") {
    steps.push({ type: "PAUSE", on: plan.classifiedOn ?? plan.firstContactOn ?? plan.openedOn });
  }
  return steps;
}

export const IMPORT_LIMITS = {
  /** Largest upload accepted (bytes). */
  maxBytes: 20 * 1024 * 1024,
  /** Most data rows in one file. */
  maxRows: 50_000,
  /** Most columns considered. */
  maxColumns: 60,
  /** Longest cell text kept. */
  maxCellLength: 1000,
} as const;
