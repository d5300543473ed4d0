// The anonymised data set for the state-wide evaluation (coordinators): one row per case, no direct
// identifiers (no names, contact data, Aktenzeichen, ids or exact dates), k-anonymous over the
// quasi-identifiers. Schema, levels and limits: db/reports/ANONYMISED-EXPORT.md (keep both in step and
// raise ANONYMISED_SCHEMA_VERSION with every change of a column).
import { type Kysely, sql } from "kysely";
import {
  CASE_PHASES,
  CLOSURE_REASONS,
  type CasePhase,
  type ClosureReason,
  REFERRAL_SOURCES,
  type ReferralSource,
  TARGET_GROUP_SHORT,
  type TargetGroup,
} from "../../workflows/vocabulary";
import { berlinDate } from "../case-service";
import type { Database } from "../schema";
import { berlinToday } from "./period";

export const ANONYMISED_SCHEMA_VERSION = "1";
/** Every combination of quasi-identifiers in the export occurs at least this often. */
export const K_ANONYMITY = 5;

/** The case as read from the database: still with exact dates, never leaves this module. */
export interface CaseRecord {
  birthDate: string | null;
  nationality: string | null;
  municipality: string;
  targetGroup: TargetGroup | null;
  referralSource: ReferralSource;
  phase: CasePhase;
  closureReason: ClosureReason | null;
  openedAt: Date;
  firstContactAt: Date | null;
  closedAt: Date | null;
  contacts: number;
  goals: Record<"vereinbart" | "erreicht" | "teilweise_erreicht" | "nicht_erreicht" | "entfallen", number>;
  referrals: Record<"geplant" | "gesendet" | "angenommen" | "abgeschlossen" | "abgelehnt" | "abgebrochen", number>;
  identityClarified: boolean;
}

/** The quasi-identifiers: what an outsider could know about a person and join on. */
export interface QuasiIdentifiers {
  altersgruppe: string;
  kommune: string;
  zielgruppe: string;
  staatsangehoerigkeit_gruppe: string;
  aufnahme_zeitraum: string;
}

export interface AnonymisedRow extends QuasiIdentifiers {
  /** 0 = finest; see COARSENING_LEVELS. */
  anonymisierungsstufe: number;
  zugangsweg: string;
  phase: string;
  abschlussgrund: string;
  abschluss_monat: string;
  tage_bis_erstkontakt: number | null;
  tage_offen: number;
  kontakte: number;
  ziele_vereinbart: number;
  ziele_erreicht: number;
  ziele_teilweise_erreicht: number;
  ziele_nicht_erreicht: number;
  ziele_entfallen: number;
  vermittlungen_geplant: number;
  vermittlungen_vermittelt: number;
  vermittlungen_angenommen: number;
  vermittlungen_abgeschlossen: number;
  vermittlungen_abgelehnt: number;
  vermittlungen_abgebrochen: number;
  identitaet_geklaert: "ja" | "nein";
}

/** Column order of both files, with the German meaning (the same text as ANONYMISED-EXPORT.md). */
export const ANONYMISED_COLUMNS: { key: keyof AnonymisedRow; meaning: string }[] = [
  { key: "anonymisierungsstufe", meaning: "Vergröberungsstufe der Zeile (0 = fein … 3 = grob), siehe Hinweise" },
  { key: "altersgruppe", meaning: "Alter bei Aufnahme als Gruppe (Stufe 0–1: 0–17, 18–26, 27–44, 45–64, 65+; ab Stufe 2: unter 18 / 18 und älter)" },
  { key: "kommune", meaning: "Wohnkommune der Person (ab Stufe 3: nur der Kreis)" },
  { key: "zielgruppe", meaning: "Zielgruppe heute (ohne = nicht zugeordnet)" },
  { key: "staatsangehoerigkeit_gruppe", meaning: "Staatsangehörigkeit als Weltregion (ab Stufe 2: alle)" },
  { key: "aufnahme_zeitraum", meaning: "Aufnahme (Tag in Europe/Berlin): Monat JJJJ-MM (Stufe 0), Quartal JJJJ-Qn (1–2), Jahr (3)" },
  { key: "zugangsweg", meaning: "Zugangsweg" },
  { key: "phase", meaning: "Phase heute" },
  { key: "abschlussgrund", meaning: "Abschlussgrund (leer, solange offen)" },
  { key: "abschluss_monat", meaning: "Monat des Abschlusses JJJJ-MM (leer, solange offen)" },
  { key: "tage_bis_erstkontakt", meaning: "Kalendertage von der Aufnahme bis zum ersten Kontakt (leer: noch keiner)" },
  { key: "tage_offen", meaning: "Kalendertage von der Aufnahme bis zum Abschluss, bei offenen Fällen bis zum Stichtag" },
  { key: "kontakte", meaning: "Anzahl dokumentierter Kontakte" },
  { key: "ziele_vereinbart", meaning: "Ziele im Status vereinbart" },
  { key: "ziele_erreicht", meaning: "Ziele erreicht" },
  { key: "ziele_teilweise_erreicht", meaning: "Ziele teilweise erreicht" },
  { key: "ziele_nicht_erreicht", meaning: "Ziele nicht erreicht" },
  { key: "ziele_entfallen", meaning: "Ziele entfallen" },
  { key: "vermittlungen_geplant", meaning: "Vermittlungen geplant" },
  { key: "vermittlungen_vermittelt", meaning: "Vermittlungen vermittelt (gesendet)" },
  { key: "vermittlungen_angenommen", meaning: "Vermittlungen angenommen" },
  { key: "vermittlungen_abgeschlossen", meaning: "Vermittlungen abgeschlossen" },
  { key: "vermittlungen_abgelehnt", meaning: "Vermittlungen abgelehnt" },
  { key: "vermittlungen_abgebrochen", meaning: "Vermittlungen abgebrochen" },
  { key: "identitaet_geklaert", meaning: "Identitätsklärung mit dem Schritt „Identität geklärt“ dokumentiert" },
];

/** Nationality → world region (the evaluation's groups); anything else is "sonstige". */
const REGIONS: Record<string, string> = {};
for (const [region, countries] of Object.entries({
  "Naher und Mittlerer Osten": ["Syrien", "Irak", "Iran", "Türkei", "Libanon", "Jordanien", "Palästinensische Gebiete", "Jemen"],
  "Süd- und Zentralasien": ["Afghanistan", "Pakistan", "Indien", "Bangladesch", "Sri Lanka", "Tadschikistan"],
  "Osteuropa und Kaukasus": ["Ukraine", "Russland", "Belarus", "Moldau", "Georgien", "Armenien", "Aserbaidschan"],
  Westbalkan: ["Albanien", "Serbien", "Kosovo", "Nordmazedonien", "Bosnien und Herzegowina", "Montenegro"],
  "Nordafrika": ["Marokko", "Algerien", "Tunesien", "Libyen", "Ägypten"],
  "Afrika südlich der Sahara": [
    "Guinea", "Nigeria", "Eritrea", "Somalia", "Äthiopien", "Gambia", "Ghana", "Kamerun", "Sudan", "Elfenbeinküste",
    "Senegal", "Mali", "Sierra Leone", "Kongo", "Demokratische Republik Kongo",
  ],
})) {
  for (const country of countries) REGIONS[country] = region;
}

export function nationalityGroup(nationality: string | null): string {
  if (!nationality?.trim()) return "unbekannt";
  return REGIONS[nationality.trim()] ?? "sonstige";
}

/** Whole years between two 'YYYY-MM-DD' days. */
export function ageOn(birthDate: string, day: string): number {
  const [by, bm, bd] = birthDate.split("-").map(Number) as [number, number, number];
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

function ageBand(age: number | null, coarse: boolean): string {
  if (age === null || age < 0) return "unbekannt";
  if (coarse) return age < 18 ? "unter 18" : "18 und älter";
  if (age < 18) return "0–17";
  if (age < 27) return "18–26";
  if (age < 45) return "27–44";
  if (age < 65) return "45–64";
  return "65+";
}

/** Calendar days between two 'YYYY-MM-DD' days. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * The coarsening levels, tried in order for the rows whose combination is still rarer than k: each
 * level maps the exact facts to the released quasi-identifiers. Rows rare even at the last level are
 * suppressed (left out, counted).
 */
export const COARSENING_LEVELS: { label: string; release: (facts: QiFacts) => QuasiIdentifiers }[] = [
  {
    label: "Monat, Altersgruppe, Kommune, Weltregion",
    release: (f) => ({ ...f.fine, aufnahme_zeitraum: f.month }),
  },
  {
    label: "Quartal statt Monat",
    release: (f) => ({ ...f.fine, aufnahme_zeitraum: f.quarter }),
  },
  {
    label: "Quartal, Alter nur unter/über 18, Staatsangehörigkeit nicht ausgewiesen",
    release: (f) => ({ ...f.fine, altersgruppe: f.coarseAge, staatsangehoerigkeit_gruppe: "alle", aufnahme_zeitraum: f.quarter }),
  },
  {
    label: "Jahr, nur Kreis statt Kommune, Alter nur unter/über 18, Staatsangehörigkeit nicht ausgewiesen",
    release: (f) => ({
      altersgruppe: f.coarseAge,
      kommune: f.district,
      zielgruppe: f.fine.zielgruppe,
      staatsangehoerigkeit_gruppe: "alle",
      aufnahme_zeitraum: f.year,
    }),
  },
];

/** What the levels are made from, per case. */
export interface QiFacts {
  fine: Omit<QuasiIdentifiers, "aufnahme_zeitraum">;
  coarseAge: string;
  district: string;
  month: string;
  quarter: string;
  year: string;
}

export interface KAnonymityResult<T> {
  /** Released rows with their level. */
  rows: { level: number; qi: QuasiIdentifiers; item: T }[];
  /** Rows released per level (index = level). */
  perLevel: number[];
  suppressed: number;
}

const qiKey = (qi: QuasiIdentifiers) =>
  JSON.stringify([qi.altersgruppe, qi.kommune, qi.zielgruppe, qi.staatsangehoerigkeit_gruppe, qi.aufnahme_zeitraum]);

/**
 * Local recoding: every row starts at level 0; rows whose released combination occurs fewer than k
 * times move on to the next level together, and so on; what is still rarer than k after the last level
 * is suppressed. Levels release distinct formats (month/quarter/year), so a combination never mixes
 * levels and each released combination occurs at least k times.
 */
export function kAnonymise<T>(items: { facts: QiFacts; item: T }[], k: number = K_ANONYMITY): KAnonymityResult<T> {
  const rows: KAnonymityResult<T>["rows"] = [];
  const perLevel = COARSENING_LEVELS.map(() => 0);
  let pending = items;
  COARSENING_LEVELS.forEach((level, index) => {
    const classes = new Map<string, { qi: QuasiIdentifiers; item: T }[]>();
    for (const { facts, item } of pending) {
      const qi = level.release(facts);
      const key = qiKey(qi);
      const members = classes.get(key) ?? [];
      members.push({ qi, item });
      classes.set(key, members);
    }
    const next: typeof pending = [];
    const byItem = new Map(pending.map((p) => [p.item, p.facts]));
    for (const members of classes.values()) {
      if (members.length >= k) {
        for (const m of members) rows.push({ level: index, ...m });
        perLevel[index] = (perLevel[index] ?? 0) + members.length;
      } else {
        for (const m of members) next.push({ facts: byItem.get(m.item) as QiFacts, item: m.item });
      }
    }
    pending = next;
  });
  return { rows, perLevel, suppressed: pending.length };
}

export interface AnonymisedExport {
  version: string;
  k: number;
  generatedAt: string;
  asOf: string;
  total: number;
  rows: AnonymisedRow[];
  perLevel: { level: number; label: string; rows: number }[];
  suppressed: number;
}

const dash = (value: string | null) => value ?? "";

/** Every case, read with exact dates and counts (kept inside this module). */
export async function loadCaseRecords(db: Kysely<Database>): Promise<(CaseRecord & { district: string })[]> {
  const count = (table: "contacts" | "goals" | "referrals", where = sql`TRUE`) =>
    sql<number>`(SELECT count(*)::int FROM ${sql.table(table)} x WHERE x.case_id = cases.id AND ${where})`;
  const byStatus = (table: "goals" | "referrals", status: string) => count(table, sql`x.status = ${status}`);
  const rows = await db
    .selectFrom("cases")
    .innerJoin("clients", "clients.id", "cases.client_id")
    .innerJoin("municipalities", "municipalities.id", "clients.municipality_id")
    .select([
      "clients.birth_date",
      "clients.nationality",
      "municipalities.name as municipality",
      "municipalities.district",
      "cases.target_group",
      "cases.referral_source",
      "cases.state",
      "cases.closure_reason",
      "cases.opened_at",
      "cases.first_contact_at",
      "cases.closed_at",
      count("contacts").as("contacts"),
      byStatus("goals", "vereinbart").as("g_vereinbart"),
      byStatus("goals", "erreicht").as("g_erreicht"),
      byStatus("goals", "teilweise_erreicht").as("g_teilweise_erreicht"),
      byStatus("goals", "nicht_erreicht").as("g_nicht_erreicht"),
      byStatus("goals", "entfallen").as("g_entfallen"),
      byStatus("referrals", "geplant").as("r_geplant"),
      byStatus("referrals", "gesendet").as("r_gesendet"),
      byStatus("referrals", "angenommen").as("r_angenommen"),
      byStatus("referrals", "abgeschlossen").as("r_abgeschlossen"),
      byStatus("referrals", "abgelehnt").as("r_abgelehnt"),
      byStatus("referrals", "abgebrochen").as("r_abgebrochen"),
      sql<boolean>`EXISTS (SELECT 1 FROM identity_steps s WHERE s.case_id = cases.id AND s.step = 'identitaet_geklaert')`.as(
        "identity_clarified",
      ),
    ])
    .execute();
  return rows.map((r) => ({
    birthDate: r.birth_date,
    nationality: r.nationality,
    municipality: r.municipality,
    district: r.district,
    targetGroup: r.target_group,
    referralSource: r.referral_source,
    phase: r.state,
    closureReason: r.closure_reason,
    openedAt: r.opened_at,
    firstContactAt: r.first_contact_at,
    closedAt: r.closed_at,
    contacts: r.contacts,
    goals: {
      vereinbart: r.g_vereinbart,
      erreicht: r.g_erreicht,
      teilweise_erreicht: r.g_teilweise_erreicht,
      nicht_erreicht: r.g_nicht_erreicht,
      entfallen: r.g_entfallen,
    },
    referrals: {
      geplant: r.r_geplant,
      gesendet: r.r_gesendet,
      angenommen: r.r_angenommen,
      abgeschlossen: r.r_abgeschlossen,
      abgelehnt: r.r_abgelehnt,
      abgebrochen: r.r_abgebrochen,
    },
    identityClarified: r.identity_clarified,
  }));
}

function factsOf(c: CaseRecord & { district: string }): QiFacts {
  const opened = berlinDate(c.openedAt);
  const age = c.birthDate ? ageOn(c.birthDate, opened) : null;
  const month = opened.slice(0, 7);
  const year = opened.slice(0, 4);
  return {
    fine: {
      altersgruppe: ageBand(age, false),
      kommune: c.municipality,
      zielgruppe: c.targetGroup ? TARGET_GROUP_SHORT[c.targetGroup] : "ohne",
      staatsangehoerigkeit_gruppe: nationalityGroup(c.nationality),
    },
    coarseAge: ageBand(age, true),
    district: c.district,
    month,
    quarter: `${year}-Q${Math.ceil(Number(opened.slice(5, 7)) / 3)}`,
    year,
  };
}

function rowOf(c: CaseRecord, level: number, qi: QuasiIdentifiers, asOf: string): AnonymisedRow {
  const opened = berlinDate(c.openedAt);
  const closed = c.closedAt ? berlinDate(c.closedAt) : null;
  return {
    anonymisierungsstufe: level,
    ...qi,
    zugangsweg: REFERRAL_SOURCES.label[c.referralSource],
    phase: CASE_PHASES.label[c.phase],
    abschlussgrund: c.closureReason ? CLOSURE_REASONS.label[c.closureReason] : "",
    abschluss_monat: dash(closed ? closed.slice(0, 7) : null),
    tage_bis_erstkontakt: c.firstContactAt ? daysBetween(opened, berlinDate(c.firstContactAt)) : null,
    tage_offen: daysBetween(opened, closed ?? asOf),
    kontakte: c.contacts,
    ziele_vereinbart: c.goals.vereinbart,
    ziele_erreicht: c.goals.erreicht,
    ziele_teilweise_erreicht: c.goals.teilweise_erreicht,
    ziele_nicht_erreicht: c.goals.nicht_erreicht,
    ziele_entfallen: c.goals.entfallen,
    vermittlungen_geplant: c.referrals.geplant,
    vermittlungen_vermittelt: c.referrals.gesendet,
    vermittlungen_angenommen: c.referrals.angenommen,
    vermittlungen_abgeschlossen: c.referrals.abgeschlossen,
    vermittlungen_abgelehnt: c.referrals.abgelehnt,
    vermittlungen_abgebrochen: c.referrals.abgebrochen,
    identitaet_geklaert: c.identityClarified ? "ja" : "nein",
  };
}

/** Sorted by every column, so that the order reveals nothing about when a case was stored. */
function compareRows(a: AnonymisedRow, b: AnonymisedRow): number {
  for (const { key } of ANONYMISED_COLUMNS) {
    const x = a[key];
    const y = b[key];
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    return typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "de");
  }
  return 0;
}

/** The whole anonymised data set as of now. */
export async function buildAnonymisedExport(
  db: Kysely<Database>,
  options: { now?: Date; k?: number } = {},
): Promise<AnonymisedExport> {
  const now = options.now ?? new Date();
  const asOf = berlinToday(now);
  const k = options.k ?? K_ANONYMITY;
  const cases = await loadCaseRecords(db);
  const result = kAnonymise(cases.map((c) => ({ facts: factsOf(c), item: c })), k);
  return {
    version: ANONYMISED_SCHEMA_VERSION,
    k,
    generatedAt: now.toISOString(),
    asOf,
    total: cases.length,
    rows: result.rows.map((r) => rowOf(r.item, r.level, r.qi, asOf)).sort(compareRows),
    perLevel: COARSENING_LEVELS.map((l, level) => ({ level, label: l.label, rows: result.perLevel[level] ?? 0 })),
    suppressed: result.suppressed,
  };
}
