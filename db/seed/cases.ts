// Demo and scale data, the database half: inserts the cases db/seed/generate.ts makes, in batches (COPY
// on PostgreSQL, multi-row INSERTs on PGlite); a bulk load into an empty PostgreSQL database generates on
// worker threads (db/seed/generate-worker.ts).
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { type Insertable, type Kysely, sql } from "kysely";
import type { TargetGroupDefinition } from "../../workflows/target-groups";
import type { TargetGroup } from "../../workflows/vocabulary";
import { postgresPoolOf } from "../connection";
import type { Database } from "../schema";
import { getSetting } from "../settings";
import { deferForeignKeys, deferIndexes, disableTriggers } from "./bulk-load";
import { copyText } from "./copy";
import { type CopyBatch, type GeneratedCase, type LoadPlan, type SeedData, batchCount, batchTables, generateBatch, toCopyBatch } from "./generate";
import { type MUNICIPALITIES, MUNICIPALITY_WEIGHTS } from "./reference-data";

const CHUNK_PARAMS = 60_000;

async function insertChunked<T extends keyof Database>(
  db: Kysely<Database>,
  table: T,
  rows: Insertable<Database[T]>[],
) {
  if (!rows.length) return;
  const columns = Object.keys(rows[0] as object).length;
  const size = Math.max(1, Math.floor(CHUNK_PARAMS / columns));
  for (let i = 0; i < rows.length; i += size) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await db.insertInto(table).values(rows.slice(i, i + size) as any).execute();
  }
}

/**
 * One transaction per batch: COPY FROM STDIN on PostgreSQL, multi-row INSERTs on PGlite. The residence
 * report facts are deferred to the end of the transaction and recomputed once for the batch's clients
 * (migration 0023): kept per statement, they cost one recomputation per client and document.
 */
async function insertBatch(db: Kysely<Database>, batch: GeneratedCase[] | CopyBatch): Promise<void> {
  const pool = postgresPoolOf(db);
  if (pool) {
    const copy = Array.isArray(batch) ? toCopyBatch(batch) : batch;
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SET LOCAL kim.defer_residence_facts = on");
      for (const { table, groups } of copy.tables) await copyText(client, table, groups);
      await client.query("SELECT report_residence_facts_refresh($1::uuid[])", [copy.clientIds]);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    return;
  }
  if (!Array.isArray(batch)) throw new Error("seed: COPY text needs PostgreSQL");
  const tables = Object.entries(batchTables(batch)) as [keyof Database, object[]][];
  const clientIds = batch.map((g) => g.client.id as string);
  await db.transaction().execute(async (trx) => {
    await sql`SET LOCAL kim.defer_residence_facts = on`.execute(trx);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    for (const [table, rows] of tables) await insertChunked(trx as unknown as Kysely<Database>, table, rows as any);
    await sql`SELECT report_residence_facts_refresh(${sql.val(clientIds)}::uuid[])`.execute(trx);
  });
}

/** Ensures enough case managers for the requested scale (about 300 cases each at most). */
async function ensureCaseManagers(db: Kysely<Database>, count: number) {
  const existing = await db
    .selectFrom("users")
    .select(["id", "fte"])
    .where("role", "=", "case_manager")
    .where("active", "=", true)
    .execute();
  const needed = Math.ceil(count / 600) - existing.length;
  if (needed > 0) {
    const org = await db.selectFrom("organisations").select("id").orderBy("id").executeTakeFirstOrThrow();
    const rows = Array.from({ length: needed }, (_, i) => ({
      username: `cm.synthetisch.${String(i + 1).padStart(4, "0")}`,
      display_name: `Casemanager*in ${i + 1}`,
      role: "case_manager" as const,
      organisation_id: org.id,
      fte: 1,
      // Not a valid argon2 hash: these accounts cannot sign in.
      password_hash: "!disabled",
    }));
    await insertChunked(db, "users", rows);
  }
  return db
    .selectFrom("users")
    .select(["id", "fte", "organisation_id"])
    .where("role", "=", "case_manager")
    .where("active", "=", true)
    .execute();
}

/**
 * Generates `count` cases opened over the last 24 months (relative to `now`) and inserts them in batches.
 * Needs reference data and users (seedReferenceData, seedDemoUsers) first.
 */
export async function seedCases(
  db: Kysely<Database>,
  options: {
    count: number;
    log: (line: string) => void;
    seed: number;
    now?: Date;
    batchSize?: number;
    /** Build the indexes of the largest tables and all foreign keys after the load
     * (db/seed/bulk-load.ts); by default on PostgreSQL for 20,000 cases or more into a database without cases. */
    bulkLoad?: boolean;
  },
): Promise<{ cases: number; events: number }> {
  if (options.count <= 0) return { cases: 0, events: 0 };
  const bulk =
    options.bulkLoad ??
    (Boolean(postgresPoolOf(db)) && options.count >= 20_000 && !(await db.selectFrom("cases").select("id").limit(1).executeTakeFirst()));
  if (!bulk) return loadCases(db, { ...options, bulk: false });
  // Foreign keys go first and come back last: they need the unique indexes they reference.
  const rebuildKeys = await deferForeignKeys(db);
  let loadFailed = false;
  try {
    const rebuildIndexes = await deferIndexes(db);
    try {
      const enableTriggers = await disableTriggers(db);
      try {
        return await loadCases(db, { ...options, bulk: true });
      } catch (error) {
        loadFailed = true;
        throw error;
      } finally {
        await afterLoad("triggers enabled", enableTriggers, options.log, loadFailed);
      }
    } finally {
      await afterLoad("indexes built", rebuildIndexes, options.log, loadFailed);
    }
  } finally {
    await afterLoad("foreign keys added and checked", rebuildKeys, options.log, loadFailed);
  }
}

/** Runs a rebuild after a bulk load. When the load itself failed, a failing rebuild is logged and not
 * thrown, so that the load's own error is the one the caller sees. */
async function afterLoad(what: string, rebuild: () => Promise<void>, log: (line: string) => void, loadFailed: boolean): Promise<void> {
  const t0 = Date.now();
  try {
    await rebuild();
  } catch (error) {
    log(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    if (!loadFailed) throw error;
    return;
  }
  log(`${what} after the load in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

/** How many cases the generator makes before it lets I/O run (a few milliseconds of work). */
const YIELD_EVERY_CASES = 4;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** After which batches (0-based) a load on PostgreSQL gathers statistics: the tables grow fourfold between. */
const ANALYZE_AFTER_BATCHES = new Set([1, 7, 31, 127]);

/** Where a load's batches come from, in order: `take(b)` for b = 0, 1, 2 … */
interface BatchSource {
  take(batch: number): Promise<GeneratedCase[] | CopyBatch>;
  close(): Promise<void>;
}

/**
 * Batches made here, one case at a time, letting I/O run in between: the batches in flight wait for this
 * event loop for each of their statements (a table's COPY, the commit).
 */
function generateHere(data: SeedData, plan: LoadPlan): BatchSource {
  return {
    take: (batch) => generateBatch(data, plan, batch, (i) => (i % YIELD_EVERY_CASES === 0 ? yieldToEventLoop() : undefined)),
    close: async () => undefined,
  };
}

/** Generator threads of a bulk load: one per core, at most two. */
export const GENERATOR_THREADS = Math.max(1, Math.min(2, availableParallelism()));

/**
 * Batches made on generator threads (db/seed/generate-worker.ts) as COPY text, a few ahead of the one
 * being inserted: generating is most of a bulk load's CPU time, and the main thread is left to copy.
 * Needs the TypeScript sources (the threads load them through tsx): for db:seed, benchmarks and tests.
 */
function generateOnWorkers(data: SeedData, plan: LoadPlan, threads: number): BatchSource {
  const total = batchCount(plan);
  const workers = Array.from(
    { length: threads },
    () => new Worker(new URL("./generate-worker.mjs", import.meta.url), { workerData: { data, plan } }),
  );
  const waiting = new Map<number, { resolve: (batch: CopyBatch) => void; reject: (error: Error) => void }>();
  let failure: Error | null = null;
  let closing = false;
  const fail = (error: Error) => {
    failure ??= error;
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  for (const worker of workers) {
    worker.on("message", ({ batch, result }: { batch: number; result: CopyBatch }) => {
      waiting.get(batch)?.resolve(result);
      waiting.delete(batch);
    });
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (!closing) fail(new Error(`seed: a generator thread ended (exit code ${code})`));
    });
  }
  const asked = new Map<number, Promise<CopyBatch>>();
  const ask = (batch: number) => {
    if (batch >= total || asked.has(batch)) return;
    const promise = new Promise<CopyBatch>((resolve, reject) => {
      if (failure) return reject(failure);
      waiting.set(batch, { resolve, reject });
      workers[batch % threads]?.postMessage(batch);
    });
    promise.catch(() => undefined); // taken (and rethrown) in order
    asked.set(batch, promise);
  };
  return {
    take(batch) {
      for (let ahead = batch; ahead <= batch + threads; ahead++) ask(ahead);
      const promise = asked.get(batch) as Promise<CopyBatch>;
      asked.delete(batch);
      return promise;
    },
    async close() {
      closing = true;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

async function loadCases(
  db: Kysely<Database>,
  options: { count: number; log: (line: string) => void; seed: number; now?: Date; batchSize?: number; bulk: boolean },
): Promise<{ cases: number; events: number }> {
  const now = (options.now ?? new Date()).getTime();
  const caseManagers = await ensureCaseManagers(db, options.count);
  if (!caseManagers.length) throw new Error("seed: no case managers");
  const coordinator = await db
    .selectFrom("users")
    .select(["id", "organisation_id"])
    .where("role", "=", "coordinator")
    .executeTakeFirst();
  const firstOrganisation = await db.selectFrom("organisations").select("id").orderBy("id").executeTakeFirstOrThrow();
  const municipalities = await db.selectFrom("municipalities").select(["id", "name"]).execute();
  const partners = await db.selectFrom("partners").select(["id", "kind"]).where("active", "=", true).execute();
  const defs = await db.selectFrom("target_group_definitions").select(["id", "code", "version", "rules"]).execute();
  const definitions = new Map<TargetGroup, { id: number; definition: TargetGroupDefinition }>();
  for (const d of defs) {
    const known = definitions.get(d.code);
    if (!known || known.definition.version < d.version) {
      definitions.set(d.code, { id: d.id, definition: { code: d.code, version: d.version, rules: d.rules as TargetGroupDefinition["rules"] } });
    }
  }
  const data: SeedData = {
    now,
    caseManagers: caseManagers.map((c) => ({ id: c.id, weight: Number(c.fte ?? 1), organisationId: c.organisation_id })),
    coordinatorId: coordinator?.id ?? null,
    openerOrganisationId: coordinator?.organisation_id ?? firstOrganisation.id,
    municipalities: municipalities.map((m) => ({
      id: m.id,
      weight: MUNICIPALITY_WEIGHTS[m.name as (typeof MUNICIPALITIES)[number]] ?? 30,
    })),
    partners,
    definitions,
    reopenPeriodDays: await getSetting(db, "reopen_period_days"),
  };
  const { rows } = await sql<{ n: number }>`SELECT nextval('aktenzeichen_seq') AS n`.execute(db);
  const firstNumber = Number(rows[0]?.n);
  await sql`SELECT setval('aktenzeichen_seq', ${firstNumber + options.count})`.execute(db);
  const plan: LoadPlan = { seed: options.seed, count: options.count, firstNumber, batchSize: options.batchSize ?? 1000, now };

  const pool = postgresPoolOf(db);
  const source = pool && options.bulk ? generateOnWorkers(data, plan, GENERATOR_THREADS) : generateHere(data, plan);
  let events = 0;
  let done = 0;
  // On PostgreSQL two batches go in at once on two connections (the server's work per row, indexes and
  // the report triggers, is the larger part); PGlite has one connection.
  const inFlight = pool ? 2 : 1;
  const pending: Promise<void>[] = [];
  const started = Date.now();
  /** Time spent waiting for the database and for the generator threads. */
  let waitedForDatabase = 0;
  let waitedForGenerator = 0;
  try {
    for (let b = 0; b < batchCount(plan); b++) {
      const generatorStart = Date.now();
      const batch = await source.take(b);
      waitedForGenerator += Date.now() - generatorStart;
      const databaseStart = Date.now();
      if (pending.length >= inFlight) await pending.shift();
      waitedForDatabase += Date.now() - databaseStart;
      const inserting = insertBatch(db, batch);
      inserting.catch(() => undefined); // awaited (and rethrown) below
      pending.push(inserting);
      if (pool && ANALYZE_AFTER_BATCHES.has(b)) {
        // Statistics for the growing tables: the report triggers' per-batch queries are planned with them.
        // Without any (autovacuum had analysed none of them 180 of 250 batches into the load), the planner
        // read all of report_cases and residence_documents for every batch, and the load slowed as they grew.
        await Promise.all(pending);
        await sql`ANALYZE`.execute(db);
      }
      done += Array.isArray(batch) ? batch.length : batch.cases;
      events += Array.isArray(batch) ? batch.reduce((s, g) => s + g.events.length, 0) : batch.events;
      if (options.count >= 5000 || done === options.count) {
        const secs = (Date.now() - started) / 1000;
        const generator = options.bulk && pool ? `, for the generator threads ${(waitedForGenerator / 1000).toFixed(0)} s` : "";
        options.log(
          `cases ${done.toLocaleString("de-DE")}/${options.count.toLocaleString("de-DE")} · events ${events.toLocaleString("de-DE")} · ${secs.toFixed(0)} s (waiting for the database ${(waitedForDatabase / 1000).toFixed(0)} s${generator})`,
        );
      }
    }
    await Promise.all(pending);
  } catch (error) {
    // No batch may still be writing when the caller rebuilds indexes and keys (or closes the pool).
    await Promise.allSettled(pending);
    throw error;
  } finally {
    await source.close();
  }
  // Statistics for the planner, and the visibility map for index-only scans (the team overview and the
  // report read covering indexes): what autovacuum would do some time after a bulk load.
  await sql`VACUUM (ANALYZE)`.execute(db);
  return { cases: options.count, events };
}
