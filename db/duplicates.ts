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

/**
 * Results of normalizeName and nameKey by input: the import compares each row with every client of a
 * close birth date, so the same names are normalised thousands of times. Emptied when it grows large.
 */
const NORMALIZED = new Map<string, string>();
const KEYS = new Map<string, string>();

function cached(cache: Map<string, string>, name: string, compute: (name: string) => string): string {
  let value = cache.get(name);
  if (value === undefined) {
    if (cache.size >= 100_000) cache.clear();
    value = compute(name);
    cache.set(name, value);
  }
  return value;
}

/** Lower case, German transliteration, accents removed, letters only: "Müller-Lüdenscheidt" → "muellerluedenscheidt". */
export function normalizeName(name: string): string {
  return cached(NORMALIZED, name, normalizeNameUncached);
}

function normalizeNameUncached(name: string): string {
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
  return cached(KEYS, name, nameKeyUncached);
}

function nameKeyUncached(name: string): string {
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

/** A date (YYYY-MM-DD) as days since 1970-01-01. */
export function dayNumber(date: string): number {
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

/** Every case of every client not anonymised, with what the comparison reads and whether the actor may see it. */
function candidateQuery(db: Kysely<Database>, actor: Actor) {
  return db
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
}

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

  let qb = candidateQuery(db, actor);

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
  return matchesAmong(input, rows);
}

/** A candidate row: a case of a client whose birth date is close (or unknown), newest case first. */
interface Candidate {
  client_id: string;
  aktenzeichen: string;
  first_name: string;
  last_name: string;
  birth_date: string | null;
  birth_date_estimated: boolean;
  case_id: string;
  visible: boolean;
}

/** The names and birth dates compared, one entry per person, the fingerprint of the set. */
function matchesAmong(input: DuplicateCheckInput, rows: Candidate[]): DuplicateCheck {
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

/**
 * findPossibleDuplicates for many people at once (the import: one query per batch of rows instead of one
 * per row), with the same answer for each: the candidates by birth date come from one query joining the
 * inputs' date windows, the names are compared here by the same rules. Inputs without a birth date take
 * the single check (its name search).
 */
export async function findPossibleDuplicatesMany(
  db: Kysely<Database>,
  actor: Actor,
  inputs: DuplicateCheckInput[],
): Promise<DuplicateCheck[]> {
  const dated = inputs.map((input, i) => ({ input, i })).filter((x) => x.input.birthDate && (normalizeName(x.input.firstName) || normalizeName(x.input.lastName)));
  const byInput = new Map<number, (Candidate & { opened_at: Date })[]>();
  for (let from = 0; from < dated.length; from += 1000) {
    const chunk = dated.slice(from, from + 1000);
    // The windows of findPossibleDuplicates per input: [lo, hi] for any client, [wideLo, wideHi] for clients
    // with an estimated birth date, the swapped date; as plain ranges, so that each uses the birth-date index.
    const near = CLOSE_BIRTH_DATE_DAYS;
    const wide = CLOSE_ESTIMATED_BIRTH_DATE_DAYS;
    const idx = chunk.map((x) => x.i);
    const lo = chunk.map((x) => addDays(x.input.birthDate as string, x.input.birthDateEstimated ? -wide : -near));
    const hi = chunk.map((x) => addDays(x.input.birthDate as string, x.input.birthDateEstimated ? wide : near));
    const wideLo = chunk.map((x) => (x.input.birthDateEstimated ? null : addDays(x.input.birthDate as string, -wide)));
    const wideHi = chunk.map((x) => (x.input.birthDateEstimated ? null : addDays(x.input.birthDate as string, wide)));
    const swapped = chunk.map((x) => (x.input.birthDateEstimated ? null : swappedDayMonth(x.input.birthDate as string)));
    const wanted = sql`(SELECT * FROM unnest(${idx}::int[], ${lo}::date[], ${hi}::date[], ${wideLo}::date[], ${wideHi}::date[], ${swapped}::date[])
      AS u(idx, lo, hi, wide_lo, wide_hi, swapped))`;
    // Clients without a birth date match every input: they are read once below.
    const rows = await runAsSystem(() =>
      candidateQuery(db, actor)
        .innerJoin(wanted.as("q"), (join) =>
          join.on(
            sql<SqlBool>`(clients.birth_date BETWEEN q.lo AND q.hi
              OR (clients.birth_date_estimated AND clients.birth_date BETWEEN q.wide_lo AND q.wide_hi)
              OR clients.birth_date = q.swapped)`,
          ),
        )
        .select(sql<number>`q.idx`.as("idx"))
        .execute(),
    );
    for (const r of rows) {
      const list = byInput.get(r.idx) ?? [];
      list.push(r);
      byInput.set(r.idx, list);
    }
  }
  const undated = dated.length > 0 ? await runAsSystem(() => candidateQuery(db, actor).where("clients.birth_date", "is", null).execute()) : [];
  const isDated = new Set(dated.map((x) => x.i));
  const checks: DuplicateCheck[] = [];
  for (const [i, input] of inputs.entries()) {
    if (!isDated.has(i)) {
      checks.push(await findPossibleDuplicates(db, actor, input));
      continue;
    }
    const rows = [...(byInput.get(i) ?? []), ...undated]
      .sort((a, b) => new Date(b.opened_at).getTime() - new Date(a.opened_at).getTime())
      .slice(0, MAX_CANDIDATES);
    checks.push(matchesAmong(input, rows));
  }
  return checks;
}
