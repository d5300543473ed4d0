// Import of existing case lists for coordinators (issue 14): upload → job row (the rows as read, a
// suggested mapping) → mapping chosen by the user → preview → import. Every valid row becomes a case
// THROUGH THE CASE SERVICE (openCaseIn, then applyCaseEventIn for each historical step: first contact,
// classification, closure), in one transaction per row: a row is imported whole or not at all. Its
// external key goes into import_rows in the same transaction, so a re-import skips it.
// Progress: the job row is updated every few rows; the result page polls it.
import { createHash } from "node:crypto";
import ExcelJS from "exceljs";
import { type Insertable, type Kysely, type Transaction, sql } from "kysely";
import {
  type ColumnMapping,
  IMPORT_FIELDS,
  IMPORT_FIELD_KEYS,
  type ImportField,
  type ImportPlan,
  type ImportReference,
  type ImportStep,
  type RawCell,
  type ValidatedRow,
  cellsByField,
  checkMapping,
  externalIdentity,
  personInFileKey,
  planSteps,
  suggestMapping,
  validateRow,
} from "../../workflows/case-import";
import { hasPermission } from "../../workflows/permissions";
import type { TargetGroupRules } from "../../workflows/target-groups";
import type { Actor } from "../access";
import { writeAudit } from "../audit";
import {
  type CaseCommand,
  type HistoricalCaseInput,
  HistoricalCaseNotWritable,
  type ImportOrigin,
  type OpenCaseInput,
  applyCaseEventIn,
  berlinDate,
  openCaseIn,
  openHistoricalCasesIn,
} from "../case-service";
import {
  CLOSE_BIRTH_DATE_DAYS,
  type DuplicateCheck,
  type DuplicateCheckInput,
  birthDatesClose,
  dayNumber,
  findPossibleDuplicates,
  findPossibleDuplicatesMany,
  namesMatch,
  swappedDayMonth,
} from "../duplicates";
import { runAsSystem } from "../request-actor";
import type { Database } from "../schema";
import { getSetting } from "../settings";
import { type ReadTable, readCaseList } from "./read-file";
import { escapeSpreadsheetText } from "../../workflows/spreadsheet-text";

export { IMPORT_FIELDS, IMPORT_FIELD_KEYS };
export type { ColumnMapping, ImportField, ValidatedRow };

export const IMPORT_MESSAGES = {
  notAllowed: "Fallisten importieren darf nur die Koordination.",
  notFound: "Dieser Import wurde nicht gefunden.",
  alreadyStarted: "Dieser Import wurde bereits gestartet.",
} as const;

/**
 * Rows per batch: checked together (one duplicate query), written in one transaction with multi-row
 * INSERTs. The job's progress is updated after each batch.
 */
const BATCH_ROWS = 500;
/** Rows per transaction through the case service (a savepoint per row, so a refused row is undone alone). */
const CASE_SERVICE_BATCH_ROWS = 50;

export function mayImport(actor: Actor): boolean {
  // Opening cases for any case manager and writing their content: the coordination.
  return hasPermission(actor.role, "assign:case:any") && hasPermission(actor.role, "write:case:any");
}

type StoredRow = { rowNumber: number; cells: RawCell[] };
export interface Rejection {
  rowNumber: number;
  cells: RawCell[];
  messages: string[];
}

export interface ImportJobSummary {
  id: string;
  fileName: string;
  source: string;
  detected: string;
  headers: string[];
  mapping: ColumnMapping;
  formulaCells: number;
  status: "entwurf" | "laeuft" | "fertig" | "fehlgeschlagen";
  total: number;
  processed: number;
  imported: number;
  skipped: number;
  rejected: number;
  createdAt: Date;
  finishedAt: Date | null;
}

/** A file name without path and odd characters, for display and as the default source. */
function cleanFileName(name: string): string {
  // eslint-disable-next-line no-control-regex -- strip control characters from a client-supplied name
  const base = (name.split(/[\\/]/).pop() ?? "").replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return (base || "Fallliste").slice(0, 200);
}

export type CreateJobResult = { ok: true; jobId: string } | { ok: false; message: string };

/** Reads the upload and stores it as a draft job with the suggested mapping. Nothing else is written. */
export async function createImportJob(
  db: Kysely<Database>,
  actor: Actor,
  upload: { fileName: string; bytes: Buffer },
): Promise<CreateJobResult> {
  if (!mayImport(actor)) return { ok: false, message: IMPORT_MESSAGES.notAllowed };
  const read = await readCaseList(upload.bytes);
  if (!read.ok) return read;
  const table: ReadTable = read.table;
  const fileName = cleanFileName(upload.fileName);
  const source = fileName.replace(/\.(xlsx|csv|txt)$/i, "").slice(0, 100) || "Fallliste";
  const job = await db
    .insertInto("import_jobs")
    .values({
      created_by: actor.id,
      file_name: fileName,
      source,
      detected: table.detected,
      headers: JSON.stringify(table.headers),
      rows: JSON.stringify(table.rows),
      mapping: JSON.stringify(suggestMapping(table.headers)),
      formula_cells: table.formulaCells,
      total: table.rows.length,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { ok: true, jobId: job.id };
}

function summaryOf(row: {
  id: string;
  file_name: string;
  source: string;
  detected: string;
  headers: unknown;
  mapping: unknown;
  formula_cells: number;
  status: ImportJobSummary["status"];
  total: number;
  processed: number;
  imported: number;
  skipped: number;
  rejected: number;
  created_at: Date;
  finished_at: Date | null;
}): ImportJobSummary {
  const headers = row.headers as string[];
  const mapping = (row.mapping as ColumnMapping | null) ?? headers.map(() => null);
  return {
    id: row.id,
    fileName: row.file_name,
    source: row.source,
    detected: row.detected,
    headers,
    mapping: headers.map((_, i) => mapping[i] ?? null),
    formulaCells: row.formula_cells,
    status: row.status,
    total: row.total,
    processed: row.processed,
    imported: row.imported,
    skipped: row.skipped,
    rejected: row.rejected,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

const SUMMARY_COLUMNS = [
  "id",
  "file_name",
  "source",
  "detected",
  "headers",
  "mapping",
  "formula_cells",
  "status",
  "total",
  "processed",
  "imported",
  "skipped",
  "rejected",
  "created_at",
  "finished_at",
] as const;

/** The actor's own job (a job is only ever seen by the coordinator who uploaded it). */
export async function getImportJob(db: Kysely<Database>, actor: Actor, jobId: string): Promise<ImportJobSummary | null> {
  if (!mayImport(actor)) return null;
  const row = await db
    .selectFrom("import_jobs")
    .select([...SUMMARY_COLUMNS])
    .where("id", "=", jobId)
    .where("created_by", "=", actor.id)
    .executeTakeFirst();
  return row ? summaryOf(row) : null;
}

/** The actor's recent jobs, newest first. */
export async function listImportJobs(db: Kysely<Database>, actor: Actor): Promise<ImportJobSummary[]> {
  if (!mayImport(actor)) return [];
  const rows = await db
    .selectFrom("import_jobs")
    .select([...SUMMARY_COLUMNS])
    .where("created_by", "=", actor.id)
    .orderBy("created_at", "desc")
    .limit(10)
    .execute();
  return rows.map(summaryOf);
}

export type SaveMappingResult = { ok: true } | { ok: false; status: 404 | 409 | 422; problems: string[] };

/** Stores the user's mapping (and the source name that scopes ID keys) on a draft job. */
export async function saveImportMapping(
  db: Kysely<Database>,
  actor: Actor,
  jobId: string,
  input: { mapping: ColumnMapping; source: string },
): Promise<SaveMappingResult> {
  const job = await getImportJob(db, actor, jobId);
  if (!job) return { ok: false, status: 404, problems: [IMPORT_MESSAGES.notFound] };
  if (job.status !== "entwurf") return { ok: false, status: 409, problems: [IMPORT_MESSAGES.alreadyStarted] };
  const mapping = job.headers.map((_, i) => input.mapping[i] ?? null);
  const problems = checkMapping(mapping);
  const source = input.source.trim();
  if (!source) problems.push("Bitte geben Sie eine Quelle an (z. B. den Namen der Liste).");
  if (source.length > 100) problems.push("Die Quelle darf höchstens 100 Zeichen lang sein.");
  // Saved even with problems, so the form shows what the user chose.
  await db
    .updateTable("import_jobs")
    .set({ mapping: JSON.stringify(mapping), source: source.slice(0, 100) || job.source, updated_at: new Date() })
    .where("id", "=", jobId)
    .where("created_by", "=", actor.id)
    .execute();
  return problems.length ? { ok: false, status: 422, problems } : { ok: true };
}

/** The site's municipalities, case managers (with the coordination's write right) and definitions. */
export async function loadImportReference(db: Kysely<Database>, today: string): Promise<ImportReference> {
  const [municipalities, caseManagers, definitions] = await Promise.all([
    db.selectFrom("municipalities").select(["id", "name"]).orderBy("name").execute(),
    db
      .selectFrom("users")
      .innerJoin("organisations", "organisations.id", "users.organisation_id")
      .select(["users.id", "users.display_name", "users.username", "users.active", "organisations.name as org_name", "organisations.coordination_access"])
      .where("users.role", "=", "case_manager")
      .execute(),
    db.selectFrom("target_group_definitions").select(["code", "version", "rules", "valid_from"]).execute(),
  ]);
  return {
    today,
    municipalities,
    caseManagers: caseManagers.map((u) => ({
      id: u.id,
      displayName: u.display_name,
      username: u.username,
      active: u.active,
      writable: u.coordination_access === "voll",
      organisationName: u.org_name,
    })),
    definitions: definitions.map((d) => ({
      code: d.code,
      version: d.version,
      rules: d.rules as TargetGroupRules,
      validFrom: String(d.valid_from).slice(0, 10),
    })),
  };
}

async function loadRows(db: Kysely<Database>, actor: Actor, jobId: string): Promise<StoredRow[]> {
  const row = await db
    .selectFrom("import_jobs")
    .select("rows")
    .where("id", "=", jobId)
    .where("created_by", "=", actor.id)
    .executeTakeFirst();
  return (row?.rows as StoredRow[] | null) ?? [];
}

/** Validates rows (pure checks plus duplicates within the file); `firstMatch` maps person key → first row. */
function validateAll(rows: StoredRow[], mapping: ColumnMapping, ref: ImportReference): ValidatedRow[] {
  const seen = new Map<string, number>();
  return rows.map((r) => {
    const v = validateRow(r.rowNumber, cellsByField(r.cells, mapping), ref);
    if (v.plan) {
      const k = personInFileKey(v.plan);
      const first = seen.get(k);
      if (first !== undefined) {
        v.errors.row = `Dieselbe Person steht schon in Zeile ${first} der Datei.`;
        v.plan = null;
      } else seen.set(k, r.rowNumber);
    }
    return v;
  });
}

export interface ImportPreview {
  job: ImportJobSummary;
  mappingProblems: string[];
  /** The first rows as they will be stored, with errors per field. */
  rows: ValidatedRow[];
  /** Over the whole file (without the duplicate check against the database, done at import). */
  validCount: number;
  invalidCount: number;
}

export const PREVIEW_ROWS = 10;

export async function previewImport(
  db: Kysely<Database>,
  actor: Actor,
  jobId: string,
  now: Date = new Date(),
): Promise<ImportPreview | null> {
  const job = await getImportJob(db, actor, jobId);
  if (!job) return null;
  const mappingProblems = checkMapping(job.mapping);
  if (mappingProblems.length) return { job, mappingProblems, rows: [], validCount: 0, invalidCount: 0 };
  const [rows, ref] = await Promise.all([loadRows(db, actor, jobId), loadImportReference(db, berlinDate(now))]);
  const validated = validateAll(rows, job.mapping, ref);
  const shown = validated.slice(0, PREVIEW_ROWS);
  // The preview rows also get the duplicate check against the database, as the import will do.
  for (const v of shown) {
    if (v.plan) {
      const message = await duplicateMessage(db, actor, v.plan);
      if (message) v.errors.row = message;
    }
  }
  const validCount = validated.filter((v) => v.plan).length;
  return { job, mappingProblems, rows: shown, validCount, invalidCount: validated.length - validCount };
}

/** The person of a row as the duplicate check compares them (a list's birth dates count as exact). */
function personOf(plan: ImportPlan): DuplicateCheckInput {
  return { firstName: plan.client.firstName, lastName: plan.client.lastName, birthDate: plan.client.birthDate, birthDateEstimated: false };
}

/** The duplicate check against the database for many rows at once (one query per batch). */
async function duplicateMessages(db: Kysely<Database>, actor: Actor, plans: ImportPlan[]): Promise<(string | null)[]> {
  if (plans.length === 0) return [];
  const found = await findPossibleDuplicatesMany(db, actor, plans.map(personOf));
  return found.map(duplicateText);
}

async function duplicateMessage(db: Kysely<Database>, actor: Actor, plan: ImportPlan): Promise<string | null> {
  return duplicateText(await findPossibleDuplicates(db, actor, personOf(plan)));
}

function duplicateText(found: DuplicateCheck): string | null {
  if (found.visible.length > 0) {
    const names = found.visible.slice(0, 3).map((m) => m.aktenzeichen).join(", ");
    return `Möglicherweise bereits erfasst (${names}). Bitte prüfen; die Zeile wird nicht importiert.`;
  }
  if (found.hiddenCount > 0) {
    return "Eine ähnliche Person ist bereits in einem Fall erfasst, den Sie nicht sehen dürfen. Die Zeile wird nicht importiert.";
  }
  return null;
}

/**
 * A running job whose progress has not moved for this long has lost its worker (the server process
 * stopped or was restarted mid-way: the import runs inside it). The worker updates the job after every
 * batch, which takes seconds.
 */
export const ABANDONED_AFTER_MINUTES = 10;

/**
 * Marks running jobs without progress for ABANDONED_AFTER_MINUTES as failed (the page then says the import
 * was interrupted, that imported rows stay and a re-import skips them). Runs at start-up and whenever a
 * job starts; as the system, since a job is visible only to the coordinator who uploaded it. Returns the
 * number of jobs marked. A worker that was only slow notices at its next progress update and stops.
 */
export async function failAbandonedImportJobs(db: Kysely<Database>, now: Date = new Date()): Promise<number> {
  const marked = await runAsSystem(() =>
    db
      .updateTable("import_jobs")
      .set({ status: "fehlgeschlagen", updated_at: now, finished_at: now })
      .where("status", "=", "laeuft")
      .where("updated_at", "<", new Date(now.getTime() - ABANDONED_AFTER_MINUTES * 60_000))
      .executeTakeFirst(),
  );
  return Number(marked.numUpdatedRows);
}

/** Marks the draft as running; false when it is not a draft of this actor (already started). */
export async function claimImportJob(db: Kysely<Database>, actor: Actor, jobId: string): Promise<boolean> {
  const claimed = await db
    .updateTable("import_jobs")
    .set({ status: "laeuft", started_at: new Date(), updated_at: new Date(), processed: 0 })
    .where("id", "=", jobId)
    .where("created_by", "=", actor.id)
    .where("status", "=", "entwurf")
    .returning("id")
    .executeTakeFirst();
  return claimed !== undefined;
}

class StepRefused extends Error {}

/** The timestamp of a historical step: the date at 10:00 UTC (same day in Berlin), minutes keep the order. */
function stepAt(on: string, index: number): string {
  return new Date(Date.parse(`${on}T10:00:00Z`) + index * 60_000).toISOString();
}

function commandOf(step: ImportStep): { command: CaseCommand; note?: string } {
  switch (step.type) {
    case "RECORD_CONTACT":
      return {
        command: { type: "RECORD_CONTACT", contactType: "persoenlich", minutes: 1 },
        note: "Erstkontakt aus der Fallliste übernommen (Art und Dauer nicht erfasst).",
      };
    case "CLASSIFY":
      return { command: { type: "CLASSIFY", targetGroup: step.targetGroup } };
    case "REJECT_NOT_ELIGIBLE":
      return { command: { type: "REJECT_NOT_ELIGIBLE", reason: "Laut übernommener Fallliste nicht zuständig." } };
    case "CLOSE_NOT_TARGET_GROUP":
      return { command: { type: "CLOSE_NOT_TARGET_GROUP", note: "Aus der Fallliste übernommen." } };
    case "BEGIN_CLOSURE":
      return { command: { type: "BEGIN_CLOSURE" } };
    case "CLOSE":
      return { command: { type: "CLOSE", reason: step.reason, note: "Aus der Fallliste übernommen." } };
    case "PAUSE":
      return { command: { type: "PAUSE", reason: "Laut übernommener Fallliste ruhend." } };
  }
}

/** The intake a row describes: the person as the list has them, nothing the list does not say. */
function openInputOf(plan: ImportPlan): OpenCaseInput {
  return {
    client: {
      firstName: plan.client.firstName,
      lastName: plan.client.lastName,
      birthDate: plan.client.birthDate,
      birthDateEstimated: false,
      gender: "keine_angabe",
      nationality: plan.client.nationality,
      languages: [],
      interpreterNeeded: false,
      municipalityId: plan.client.municipalityId,
      residenceStatus: plan.client.residenceStatus,
      arrivalDate: null,
      unaccompanied: plan.client.unaccompanied,
      phone: null,
      email: null,
      address: null,
    },
    referralSource: plan.referralSource,
    referralMunicipalityId: null,
    increasedNeedDocumented: plan.increasedNeedDocumented,
    caseManagerId: plan.caseManagerId,
  };
}

/** One row as one case, in the caller's transaction; throws StepRefused (German) when a step is refused. */
async function importRow(
  trx: Transaction<Database>,
  actor: Actor,
  plan: ImportPlan,
  origin: { jobId: string; fileName: string; rowNumber: number; key: string },
  reopenPeriodDays: number,
): Promise<string> {
  const opened = await openCaseIn(
    trx,
    actor,
    openInputOf(plan),
    stepAt(plan.openedOn, -60),
    reopenPeriodDays,
    { jobId: origin.jobId, fileName: origin.fileName, rowNumber: origin.rowNumber },
  );
  let rowVersion = 1;
  const steps = planSteps(plan);
  for (const [i, step] of steps.entries()) {
    const { command, note } = commandOf(step);
    const result = await applyCaseEventIn(trx, actor, {
      caseId: opened.caseId,
      expectedRowVersion: rowVersion,
      command,
      details: note ? { note } : {},
      at: stepAt(step.on, i),
    });
    if (!result.ok) throw new StepRefused(result.message);
    rowVersion = result.rowVersion;
  }
  await trx
    .insertInto("import_rows")
    .values({ external_key: origin.key, case_id: opened.caseId, job_id: origin.jobId, row_number: origin.rowNumber })
    .execute();
  return opened.caseId;
}

/** Keys already imported (read as the system: a key of a case the actor no longer sees still counts). */
async function knownKeys(db: Kysely<Database>, keys: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < keys.length; i += 1000) {
    const chunk = keys.slice(i, i + 1000);
    if (chunk.length === 0) continue;
    const rows = await runAsSystem(() =>
      db.selectFrom("import_rows").select("external_key").where("external_key", "in", chunk).execute(),
    );
    for (const r of rows) found.add(r.external_key);
  }
  return found;
}

export interface ImportOutcome {
  imported: number;
  skipped: number;
  rejected: number;
  caseIds: string[];
  rejections: Rejection[];
}

/**
 * How the valid rows are written. "batch" (the default): each row's history is run through the pure
 * statechart in memory and a batch of rows is written with multi-row INSERTs (openHistoricalCasesIn).
 * "case-service": each row through openCaseIn and applyCaseEventIn, step by step, a savepoint per row:
 * the reference the batch path is tested against (tests/integration/case-import-batch.test.ts), and its
 * fallback for a batch it cannot write (a key another import took meanwhile, a case not writable).
 */
export type ImportWriter = "batch" | "case-service";

type RowToImport = { i: number; plan: ImportPlan; key: string; rowNumber: number };
type WrittenBatch = { created: string[]; refused: { i: number; message: string }[] };

/** The "message" of a row whose key another import took meanwhile: counted as skipped, not rejected. */
const KEY_TAKEN = "";

async function writeThroughCaseService(
  db: Kysely<Database>,
  actor: Actor,
  rows: RowToImport[],
  job: { id: string; fileName: string },
  reopenPeriodDays: number,
): Promise<WrittenBatch> {
  const refused: WrittenBatch["refused"] = [];
  const created = await db.transaction().execute(async (trx) => {
    const ids: string[] = [];
    for (const r of rows) {
      await sql`SAVEPOINT import_row`.execute(trx);
      try {
        ids.push(await importRow(trx, actor, r.plan, { jobId: job.id, fileName: job.fileName, rowNumber: r.rowNumber, key: r.key }, reopenPeriodDays));
        await sql`RELEASE SAVEPOINT import_row`.execute(trx);
      } catch (error) {
        await sql`ROLLBACK TO SAVEPOINT import_row`.execute(trx);
        if (error instanceof StepRefused) refused.push({ i: r.i, message: `Vom Fallablauf abgelehnt: ${error.message}` });
        else if (isUniqueViolation(error)) refused.push({ i: r.i, message: KEY_TAKEN });
        else throw error;
      }
    }
    return ids;
  });
  return { created, refused };
}

/** The historical case a row describes: the intake and the steps planSteps gives, with their times. */
function historicalCaseOf(plan: ImportPlan, origin: ImportOrigin): HistoricalCaseInput {
  return {
    open: openInputOf(plan),
    openedAt: stepAt(plan.openedOn, -60),
    steps: planSteps(plan).map((step, i) => {
      const { command, note } = commandOf(step);
      return { command, details: note ? { note } : {}, at: stepAt(step.on, i) };
    }),
    imported: origin,
  };
}

/**
 * The batch path: one transaction, one multi-row INSERT per table. A batch it cannot write as a whole (a
 * key another import took meanwhile, a case the actor may not write) goes through the case service row by
 * row instead, which gives those rows the case service's own answer.
 */
async function writeBatch(
  db: Kysely<Database>,
  actor: Actor,
  rows: RowToImport[],
  job: { id: string; fileName: string },
  reopenPeriodDays: number,
): Promise<WrittenBatch> {
  try {
    return await db.transaction().execute(async (trx) => {
      const results = await openHistoricalCasesIn(
        trx,
        actor,
        rows.map((r) => historicalCaseOf(r.plan, { jobId: job.id, fileName: job.fileName, rowNumber: r.rowNumber })),
        reopenPeriodDays,
      );
      const written: WrittenBatch = { created: [], refused: [] };
      const keys: Insertable<Database["import_rows"]>[] = [];
      results.forEach((result, k) => {
        const r = rows[k] as RowToImport;
        if (!result.ok) written.refused.push({ i: r.i, message: `Vom Fallablauf abgelehnt: ${result.message}` });
        else {
          written.created.push(result.caseId);
          keys.push({ external_key: r.key, case_id: result.caseId, job_id: job.id, row_number: r.rowNumber });
        }
      });
      for (let i = 0; i < keys.length; i += 1000) await trx.insertInto("import_rows").values(keys.slice(i, i + 1000)).execute();
      return written;
    });
  } catch (error) {
    if (error instanceof HistoricalCaseNotWritable || isUniqueViolation(error)) {
      return writeThroughCaseService(db, actor, rows, job, reopenPeriodDays);
    }
    throw error;
  }
}

/**
 * A person in the file similar to one of its earlier rows that will be imported (the intake's name and
 * birth-date rules of db/duplicates.ts, within the file): rows of one batch are written together, so they
 * cannot find each other in the database. Exact repeats are found earlier by validateAll.
 */
class RowsOfThisFile {
  /** By birth date as a day number (days since 1970), for the ±31-day window. */
  private byBirthDay = new Map<number, { plan: ImportPlan; rowNumber: number }[]>();
  private undated: { plan: ImportPlan; rowNumber: number }[] = [];

  similarTo(plan: ImportPlan): number | null {
    const person = personOf(plan);
    const candidates = [...this.undated];
    const d = plan.client.birthDate;
    if (d) {
      const day = dayNumber(d);
      for (let k = day - CLOSE_BIRTH_DATE_DAYS; k <= day + CLOSE_BIRTH_DATE_DAYS; k++) candidates.push(...(this.byBirthDay.get(k) ?? []));
      const swapped = swappedDayMonth(d);
      if (swapped) candidates.push(...(this.byBirthDay.get(dayNumber(swapped)) ?? []));
    } else {
      for (const list of this.byBirthDay.values()) candidates.push(...list);
    }
    let first: number | null = null;
    for (const c of candidates) {
      const known = personOf(c.plan);
      if (namesMatch(person, known) && birthDatesClose(person, known) && (first === null || c.rowNumber < first)) first = c.rowNumber;
    }
    return first;
  }

  add(plan: ImportPlan, rowNumber: number): void {
    const d = plan.client.birthDate;
    if (!d) this.undated.push({ plan, rowNumber });
    else {
      const day = dayNumber(d);
      const list = this.byBirthDay.get(day);
      if (list) list.push({ plan, rowNumber });
      else this.byBirthDay.set(day, [{ plan, rowNumber }]);
    }
  }
}

/** The tables an import grows, whose planner statistics the report triggers' and checks' plans rely on. */
const GROWN_TABLES = ["clients", "cases", "case_events", "residence_documents", "report_cases", "report_case_intervals", "contacts", "audit_log", "import_rows"];

/**
 * Refreshes the planner's statistics (ANALYZE, as the system: the tables' owner) when an import has grown
 * the case tables by half since they were last counted. A site's first import fills near-empty tables:
 * without it, PostgreSQL keeps planning the per-row report triggers (migrations 0006, 0019) and the
 * duplicate check for the empty tables they were, with sequential scans that make each row slower than
 * the last (PostgreSQL's advice for bulk loads: "run ANALYZE afterwards").
 */
class PlannerStatistics {
  private constructor(
    private readonly db: Kysely<Database>,
    private counted: number,
    private added = 0,
  ) {}

  static async of(db: Kysely<Database>): Promise<PlannerStatistics> {
    const { rows } = await runAsSystem(() => sql<{ n: number }>`SELECT reltuples::int AS n FROM pg_class WHERE oid = 'cases'::regclass`.execute(db));
    return new PlannerStatistics(db, Math.max(Number(rows[0]?.n ?? 0), 0));
  }

  async grew(rows: number): Promise<void> {
    this.added += rows;
    if (this.added < Math.max(this.counted / 2, 200)) return;
    await runAsSystem(() => sql`ANALYZE ${sql.join(GROWN_TABLES.map((t) => sql.id(t)))}`.execute(this.db));
    this.counted += this.added;
    this.added = 0;
  }
}

/**
 * Runs a claimed job to the end (claimImportJob first). Rows are validated again here (the site may have
 * changed since the preview), checked for an existing external key (skipped), for duplicates against the
 * database and within the file (every row), and written in batches (see ImportWriter).
 */
export async function runImportJob(
  db: Kysely<Database>,
  actor: Actor,
  jobId: string,
  now: Date = new Date(),
  writer: ImportWriter = "batch",
): Promise<ImportOutcome> {
  const job = await getImportJob(db, actor, jobId);
  if (!job || job.status !== "laeuft") throw new Error("import job not claimed");
  try {
    const [rows, ref, reopenPeriodDays] = await Promise.all([
      loadRows(db, actor, jobId),
      loadImportReference(db, berlinDate(now)),
      getSetting(db, "reopen_period_days"),
    ]);
    const validated = validateAll(rows, job.mapping, ref);
    const keyOf = (v: ValidatedRow, i: number): string | null => {
      if (!v.plan) return null;
      const found = externalIdentity(cellsByField(rows[i]?.cells ?? [], job.mapping), v.plan);
      // ID keys belong to their source list: "Nr. 17" of one list is not "Nr. 17" of another.
      if ("id" in found) return `id:${job.source.toLowerCase()}:${found.id}`;
      return `hash:${createHash("sha256").update(found.identity).digest("hex").slice(0, 40)}`;
    };
    const keys = validated.map(keyOf);
    const already = await knownKeys(db, keys.filter((k): k is string => k !== null));
    const outcome: ImportOutcome = { imported: 0, skipped: 0, rejected: 0, caseIds: [], rejections: [] };
    const seenKeys = new Set<string>();
    const inFile = new RowsOfThisFile();
    const reject = (i: number, messages: string[]) => {
      outcome.rejected += 1;
      outcome.rejections.push({ rowNumber: rows[i]?.rowNumber ?? 0, cells: rows[i]?.cells ?? [], messages });
    };
    const batchRows = writer === "batch" ? BATCH_ROWS : CASE_SERVICE_BATCH_ROWS;
    const statistics = await PlannerStatistics.of(db);
    for (let from = 0; from < validated.length; from += batchRows) {
      // 1. checks outside the transaction (the duplicate check reads as the system, see db/duplicates.ts)
      const candidates: RowToImport[] = [];
      for (let i = from; i < Math.min(from + batchRows, validated.length); i++) {
        const v = validated[i] as ValidatedRow;
        const key = keys[i];
        if (!v.plan || !key) reject(i, messagesOf(v));
        else if (already.has(key)) outcome.skipped += 1;
        else if (seenKeys.has(key)) reject(i, ["Die Kennung dieser Zeile kommt in der Datei mehrfach vor."]);
        else {
          seenKeys.add(key);
          candidates.push({ i, plan: v.plan, key, rowNumber: v.rowNumber });
        }
      }
      const duplicates = await duplicateMessages(db, actor, candidates.map((c) => c.plan));
      const toImport: RowToImport[] = [];
      candidates.forEach((c, k) => {
        const duplicate = duplicates[k];
        const earlier = duplicate ? null : inFile.similarTo(c.plan);
        if (duplicate) reject(c.i, [duplicate]);
        else if (earlier !== null) reject(c.i, [`Möglicherweise dieselbe Person wie in Zeile ${earlier} der Datei. Bitte prüfen; die Zeile wird nicht importiert.`]);
        else {
          inFile.add(c.plan, c.rowNumber);
          toImport.push(c);
        }
      });
      // 2. write the batch
      const { created, refused } =
        writer === "batch"
          ? await writeBatch(db, actor, toImport, { id: jobId, fileName: job.fileName }, reopenPeriodDays)
          : await writeThroughCaseService(db, actor, toImport, { id: jobId, fileName: job.fileName }, reopenPeriodDays);
      outcome.imported += created.length;
      outcome.caseIds.push(...created);
      for (const r of refused) {
        // a key another import took meanwhile: skipped like a known key
        if (r.message === KEY_TAKEN) outcome.skipped += 1;
        else reject(r.i, [r.message]);
      }
      if (created.length > 0) await statistics.grew(created.length);
      const processed = Math.min(from + batchRows, validated.length);
      const progress = await db
        .updateTable("import_jobs")
        .set({ processed, imported: outcome.imported, skipped: outcome.skipped, rejected: outcome.rejected, updated_at: new Date() })
        .where("id", "=", jobId)
        .where("status", "=", "laeuft")
        .executeTakeFirst();
      // Marked as abandoned meanwhile (failAbandonedImportJobs): stop; the rows written so far stay.
      if (Number(progress.numUpdatedRows) === 0) throw new Error(`import job ${jobId} was marked as abandoned`);
    }
    outcome.rejections.sort((a, b) => a.rowNumber - b.rowNumber);
    await db
      .updateTable("import_jobs")
      .set({
        status: "fertig",
        processed: validated.length,
        imported: outcome.imported,
        skipped: outcome.skipped,
        rejected: outcome.rejected,
        rejections: JSON.stringify(outcome.rejections),
        updated_at: new Date(),
        finished_at: new Date(),
      })
      .where("id", "=", jobId)
      .execute();
    await writeAudit(db, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "import.run",
      objectType: "import",
      objectId: jobId,
      outcome: "allowed",
      detail: { imported: outcome.imported, skipped: outcome.skipped, rejected: outcome.rejected },
    });
    return outcome;
  } catch (error) {
    await db
      .updateTable("import_jobs")
      .set({ status: "fehlgeschlagen", updated_at: new Date(), finished_at: new Date() })
      .where("id", "=", jobId)
      .execute();
    throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "23505";
}

/** The German messages of a rejected row, each with the field's name. */
export function messagesOf(v: ValidatedRow): string[] {
  return Object.entries(v.errors).map(([field, message]) =>
    field === "row" ? String(message) : `${IMPORT_FIELDS[field as ImportField]}: ${String(message)}`,
  );
}

/** Claims and runs a job; the returned promise settles when it is done (the route does not wait). */
export async function startImport(
  db: Kysely<Database>,
  actor: Actor,
  jobId: string,
): Promise<{ ok: true; done: Promise<ImportOutcome | null> } | { ok: false; message: string }> {
  const preview = await previewImport(db, actor, jobId);
  if (!preview) return { ok: false, message: IMPORT_MESSAGES.notFound };
  if (preview.mappingProblems.length) return { ok: false, message: preview.mappingProblems.join(" ") };
  await failAbandonedImportJobs(db);
  if (!(await claimImportJob(db, actor, jobId))) return { ok: false, message: IMPORT_MESSAGES.alreadyStarted };
  const done = runImportJob(db, actor, jobId).catch((error: unknown) => {
    console.error(`[kim] import ${jobId} failed: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  });
  return { ok: true, done };
}

/** The rejected rows of a finished job as a workbook: the original columns, the row number and the messages. */
export async function rejectionWorkbook(db: Kysely<Database>, actor: Actor, jobId: string): Promise<Buffer | null> {
  const job = await getImportJob(db, actor, jobId);
  if (!job || job.status !== "fertig") return null;
  const row = await db
    .selectFrom("import_jobs")
    .select("rejections")
    .where("id", "=", jobId)
    .where("created_by", "=", actor.id)
    .executeTakeFirst();
  const rejections = (row?.rejections as Rejection[] | null) ?? [];
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("Abgelehnte Zeilen");
  sheet.addRow(["Zeile in der Datei", "Fehler", ...job.headers]);
  sheet.getRow(1).font = { bold: true };
  for (const r of rejections) {
    // Cells are written as plain strings (never formulas); a leading = + - @ gets an apostrophe.
    sheet.addRow([r.rowNumber, r.messages.join("\n"), ...r.cells.map(escapeSpreadsheetText)]);
  }
  sheet.getColumn(2).width = 80;
  sheet.getColumn(2).alignment = { wrapText: true, vertical: "top" };
  await writeAudit(db, {
    actorId: actor.id,
    actorRole: actor.role,
    action: "import.rejections_export",
    objectType: "import",
    objectId: jobId,
    outcome: "allowed",
    detail: { rows: rejections.length },
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Deletes the raw rows of the actor's finished jobs older than 30 days (the rejections stay downloadable until then). */
export async function purgeOldImportJobs(db: Kysely<Database>, actor: Actor, now: Date = new Date()): Promise<void> {
  await db
    .deleteFrom("import_jobs")
    .where("created_by", "=", actor.id)
    .where("created_at", "<", new Date(now.getTime() - 30 * 86_400_000))
    .where("status", "in", ["fertig", "fehlgeschlagen", "entwurf"])
    .execute();
}
