// Duplicate check before an intake is saved: a person already known under a similar name AND with the same
// or a close birth date. Names are compared case-insensitively, tolerant of German transliteration
// (ä = ae, ß = ss), accents, spacing and hyphens, common transliteration variants of foreign names
// (Mohammed / Muhammad) and swapped first and last names. Only matches in cases the actor may see are
// returned with data; the others are only counted, so no name or date of another case leaves the server.
import { createHash } from "node:crypto";
import { type Kysely, type SqlBool, sql } from "kysely";
import { type Actor, caseFileReadableBy } from "./access";
import { runAsSystem } from "./request-actor";
import type { Database } from "./schema";

export interface DuplicateCheckInput {
  firstName: string;
  lastName: string;
  birthDate: string | null;
  birthDateEstimated: boolean;
}

export interface DuplicateMatch {
  /** The client's most recent case the actor may see. */
  caseId: string;
  aktenzeichen: string;
  firstName: string;
  lastName: string;
  birthDate: string | null;
  birthDateEstimated: boolean;
}

export interface DuplicateCheck {
  visible: DuplicateMatch[];
  /** Matches in cases the actor may not see: counted, never shown. */
  hiddenCount: number;
  /** Identifies this set of matches: a confirmation ("Trotzdem anlegen") is valid for exactly this set. */
  fingerprint: string | null;
}

/** Birth dates this many days apart still count as close (typos in day or month). */
export const CLOSE_BIRTH_DATE_DAYS = 31;
/** When either birth date is estimated, a year either way. */
export const CLOSE_ESTIMATED_BIRTH_DATE_DAYS = 366;

const GERMAN: Record<string, string> = { ä: "ae", ö: "oe", ü: "ue", ß: "ss", æ: "ae", œ: "oe", ø: "o", ł: "l", đ: "d", ı: "i" };

/** Lower case, German transliteration, accents removed, letters only: "Müller-Lüdenscheidt" → "muellerluedenscheidt". */
export function normalizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[äöüßæœøłđı]/g, (c) => GERMAN[c] ?? c)
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z]/g, "");
}

/**
 * A rough phonetic key on top of normalizeName, for transliteration variants: ph/f, dsch/dj/j, sch/sh/s,
 * kh/ch/h, ou/u, y/i, w/v, c/k/q, z/s; doubled letters collapsed. Used only together with a birth date.
 */
export function nameKey(name: string): string {
  return normalizeName(name)
    .replace(/ph/g, "f")
    .replace(/(dsch|dzh|dj|zh)/g, "j")
    .replace(/(sch|sh)/g, "s")
    .replace(/(kh|ch)/g, "h")
    .replace(/ou/g, "u")
    .replace(/y/g, "i")
    .replace(/w/g, "v")
    .replace(/(ck|c|q)/g, "k")
    .replace(/z/g, "s")
    .replace(/(.)\1+/g, "$1");
}

function levenshtein(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      row.push(value);
      best = Math.min(best, value);
    }
    if (best > max) return max + 1;
    prev = row;
  }
  return prev[b.length] ?? max + 1;
}

/** Two single names are similar: equal after normalisation, or their keys differ by at most 1 (2 for keys of 7 letters or more; none for names under 4 letters). */
export function namePartsSimilar(a: string, b: string): boolean {
  const na = normalizeName(a);
  const nb = normalizeName(b);
  if (!na || !nb) return false;
  if (na === nb) return true;
  const ka = nameKey(a);
  const kb = nameKey(b);
  if (ka === kb) return true;
  const allowed = Math.min(ka.length, kb.length) >= 7 ? 2 : Math.min(na.length, nb.length) >= 4 ? 1 : 0;
  return allowed > 0 && levenshtein(ka, kb, allowed) <= allowed;
}

/** Whole names or, for names of several words ("Mohammed Ali"), one word of each. */
function nameSimilar(a: string, b: string): boolean {
  if (namePartsSimilar(a, b)) return true;
  const wa = a.split(/[\s-]+/).filter((w) => normalizeName(w).length >= 3);
  const wb = b.split(/[\s-]+/).filter((w) => normalizeName(w).length >= 3);
  if (wa.length < 2 && wb.length < 2) return false;
  return wa.some((x) => wb.some((y) => namePartsSimilar(x, y)));
}

/** Similar first and last name, in this order or swapped. */
export function namesMatch(
  input: { firstName: string; lastName: string },
  known: { firstName: string; lastName: string },
): boolean {
  const straight = nameSimilar(input.firstName, known.firstName) && nameSimilar(input.lastName, known.lastName);
  const swapped = nameSimilar(input.firstName, known.lastName) && nameSimilar(input.lastName, known.firstName);
  const joined = normalizeName(input.firstName + input.lastName);
  const joinedKnown = [known.firstName + known.lastName, known.lastName + known.firstName].map(normalizeName);
  return straight || swapped || joinedKnown.includes(joined);
}

function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** 2001-03-04 → 2001-04-03 (day and month mixed up), when that is a date. */
export function swappedDayMonth(date: string): string | null {
  const [y, m, d] = date.split("-");
  if (!y || !m || !d || m === d || Number(d) > 12) return null;
  const swapped = `${y}-${d}-${m}`;
  return new Date(`${swapped}T00:00:00Z`).toISOString().slice(0, 10) === swapped ? swapped : null;
}

/** Same or close birth date; an unknown birth date on either side cannot rule a match out. */
export function birthDatesClose(
  a: { birthDate: string | null; birthDateEstimated: boolean },
  b: { birthDate: string | null; birthDateEstimated: boolean },
): boolean {
  if (!a.birthDate || !b.birthDate) return true;
  const diff = Math.abs(dayNumber(a.birthDate) - dayNumber(b.birthDate));
  if (a.birthDateEstimated || b.birthDateEstimated) return diff <= CLOSE_ESTIMATED_BIRTH_DATE_DAYS;
  return diff <= CLOSE_BIRTH_DATE_DAYS || swappedDayMonth(a.birthDate) === b.birthDate;
}

/** normalizeName in SQL (for the rare check without a birth date, which cannot use the birth-date index). */
function normalizedSql(column: "clients.first_name" | "clients.last_name") {
  const ref = sql.ref(column);
  return sql<string>`regexp_replace(translate(replace(replace(replace(replace(lower(${ref}), 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'ß', 'ss'), 'áàâãåāăąçćčďéèêëēėęěğíìîïīįıľłńňñóòôõøōőřśšşťúùûūůűųýÿźžż', 'aaaaaaaacccdeeeeeeeegiiiiiiillnnnooooooorsssttuuuuuuuyyzzz'), '[^a-z]', '', 'g')`;
}

const MAX_CANDIDATES = 2000;
const MAX_SHOWN = 20;

/**
 * Possible duplicates of a person about to be taken in. Candidates come from the database by birth date
 * (index on clients.birth_date; records without a birth date included); names are compared here. Without a
 * birth date in the input only names equal after normalisation (either order) are searched for.
 */
export async function findPossibleDuplicates(
  db: Kysely<Database>,
  actor: Actor,
  input: DuplicateCheckInput,
): Promise<DuplicateCheck> {
  const first = normalizeName(input.firstName);
  const last = normalizeName(input.lastName);
  if (!first && !last) return { visible: [], hiddenCount: 0, fingerprint: null };

  let qb = db
    .selectFrom("clients")
    .innerJoin("cases", "cases.client_id", "clients.id")
    .select((eb) => [
      "clients.id as client_id",
      "clients.aktenzeichen",
      "clients.first_name",
      "clients.last_name",
      "clients.birth_date",
      "clients.birth_date_estimated",
      "cases.id as case_id",
      "cases.opened_at",
      sql<boolean>`${caseFileReadableBy(eb, actor)}`.as("visible"),
    ])
    .where("clients.anonymised_at", "is", null);

  const d = input.birthDate;
  if (d) {
    const wide = CLOSE_ESTIMATED_BIRTH_DATE_DAYS;
    const near = CLOSE_BIRTH_DATE_DAYS;
    const swapped = swappedDayMonth(d);
    qb = qb.where((eb) =>
      eb.or([
        eb("clients.birth_date", "is", null),
        input.birthDateEstimated
          ? eb.between("clients.birth_date", addDays(d, -wide), addDays(d, wide))
          : eb.or([
              eb.between("clients.birth_date", addDays(d, -near), addDays(d, near)),
              eb.and([
                eb("clients.birth_date_estimated", "=", true),
                eb.between("clients.birth_date", addDays(d, -wide), addDays(d, wide)),
              ]),
              ...(swapped ? [eb("clients.birth_date", "=", swapped)] : []),
            ]),
      ]),
    );
  } else {
    const names = [first, last].filter(Boolean);
    qb = qb
      .where(sql<SqlBool>`${normalizedSql("clients.first_name")} IN (${sql.join(names)})`)
      .where(sql<SqlBool>`${normalizedSql("clients.last_name")} IN (${sql.join(names)})`);
  }

  // Read as the system: matches in cases the actor may not see are counted (never shown, see above), which
  // row-level security would hide. The `visible` column carries the access rule into the result.
  const rows = await runAsSystem(() => qb.orderBy("cases.opened_at", "desc").limit(MAX_CANDIDATES).execute());

  // One entry per person: visible when any of their cases is visible (the newest visible case is linked).
  const byClient = new Map<string, { visible: DuplicateMatch | null; hidden: boolean }>();
  for (const r of rows) {
    const known = { firstName: r.first_name, lastName: r.last_name };
    if (!namesMatch(input, known)) continue;
    if (!birthDatesClose(input, { birthDate: r.birth_date, birthDateEstimated: r.birth_date_estimated })) continue;
    const entry = byClient.get(r.client_id) ?? { visible: null, hidden: false };
    if (r.visible && !entry.visible) {
      entry.visible = {
        caseId: r.case_id,
        aktenzeichen: r.aktenzeichen,
        firstName: r.first_name,
        lastName: r.last_name,
        birthDate: r.birth_date,
        birthDateEstimated: r.birth_date_estimated,
      };
    }
    if (!r.visible) entry.hidden = true;
    byClient.set(r.client_id, entry);
  }
  const visible: DuplicateMatch[] = [];
  let hiddenCount = 0;
  for (const entry of byClient.values()) {
    if (entry.visible) visible.push(entry.visible);
    else hiddenCount += 1;
  }
  visible.sort((a, b) => a.aktenzeichen.localeCompare(b.aktenzeichen));
  const fingerprint = byClient.size
    ? createHash("sha256").update([...byClient.keys()].sort().join(",")).digest("hex").slice(0, 32)
    : null;
  return { visible: visible.slice(0, MAX_SHOWN), hiddenCount, fingerprint };
}
