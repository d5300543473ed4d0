import { mkdir } from "node:fs/promises";
import path from "node:path";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { KEEP_PLAN_MARK } from "./query-cost";
import { currentDatabaseScope } from "./request-actor";
import type { Database } from "./schema";

// DATE columns stay 'YYYY-MM-DD' strings (a JS Date would shift them by the time zone);
// int8 (bigserial ids, count(*)) become numbers: every count in this application is far below 2^53.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number.parseInt(value, 10));

export type DatabaseKind = "postgres" | "pglite";

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** Where the data lives, without credentials (for logs). */
  description: string;
  close(): Promise<void>;
}

export interface ConnectionOptions {
  /** A PostgreSQL URL; when absent the embedded PGlite database is used. */
  databaseUrl?: string | undefined;
  /** Directory of the embedded database (default ./data/pglite); "memory://" for a throw-away one. */
  pgliteDir?: string | undefined;
  /** Pool size for PostgreSQL. */
  maxConnections?: number | undefined;
  /**
   * How long to wait for a connection before failing (default 5 s: requests must not hang on a database
   * that went away). Bulk loads on a busy server (the benchmarks) may wait longer.
   */
  connectTimeoutMs?: number | undefined;
}

/** A pool that hands out connections set to the current database scope (db/request-actor.ts). */
export interface ScopedPool {
  connect(): Promise<pg.PoolClient>;
  end(): Promise<void>;
}

/** The pg pool behind a PostgreSQL handle's Kysely instance, for bulk COPY (db/seed/copy.ts). */
const postgresPools = new WeakMap<Kysely<Database>, ScopedPool>();

/** The pg pool of a Kysely instance opened here on PostgreSQL; undefined on PGlite or for a transaction. */
export function postgresPoolOf(db: Kysely<Database>): ScopedPool | undefined {
  return postgresPools.get(db);
}

/** What each connection was last set to, so an unchanged scope costs no round trip. */
const appliedScopes = new WeakMap<pg.PoolClient, string>();

/**
 * Row-level security (migration 0014): at every checkout the connection takes the scope of the async
 * context that asks for it. A request scope: role `kim_app` (no BYPASSRLS, owns nothing) with the actor
 * in `kim.actor_*`, which the policies read; the system: the login role (`role = none`), which owns the
 * tables and sees every row. Session-level settings (not SET LOCAL): kysely checks a connection out per
 * query or per transaction, and the next checkout sets them again before any statement runs.
 */
async function applyScope(client: pg.PoolClient): Promise<void> {
  const scope = currentDatabaseScope();
  const settings =
    scope === "system"
      ? ["none", "system", "", ""]
      : ["kim_app", scope.actor?.role ?? "", scope.actor?.id ?? "", scope.actor?.organisationId?.toString() ?? ""];
  const key = settings.join("|");
  if (appliedScopes.get(client) === key) return;
  await client.query(
    "SELECT set_config('role', $1, false), set_config('kim.actor_role', $2, false), set_config('kim.actor_id', $3, false), set_config('kim.actor_org', $4, false)",
    settings,
  );
  appliedScopes.set(client, key);
}

/** Checked-out clients that have their own error listener (see scopedPool). */
const listening = new WeakSet<pg.PoolClient>();

/** Prepared statements kept per connection (least recently used ones are deallocated). */
export const PREPARED_STATEMENTS_PER_CONNECTION = 200;
/** pg's record of the statements parsed on a connection (pg 8, lib/connection.js). */
interface ParsedStatements {
  parsedStatements: Record<string, string>;
}

/**
 * A query marked with keepPlan runs as a named prepared statement of its connection, so PostgreSQL parses
 * and plans it once per connection and then reuses the plan (after five custom plans it keeps a generic one
 * when that is not costlier). Under row-level security planning is expensive, as each table's policies
 * join the plan: on the client file it took about six times the execution time (pg_stat_statements,
 * 250,000 cases). Plans stay correct: PostgreSQL replans a cached statement when a table it reads changes
 * or when row security applies and the role is not the one it was planned for; the policies read the
 * actor at execution (current_setting is not folded into a plan).
 * Each connection keeps at most PREPARED_STATEMENTS_PER_CONNECTION statements; the least recently used
 * one is deallocated when a new one comes. PostgreSQL only (the embedded PGlite plans in-process).
 */
function prepareStatementsOn(client: pg.PoolClient): void {
  const connection = (client as unknown as { connection?: Partial<ParsedStatements> }).connection;
  if (!connection?.parsedStatements) return; // not pg's own connection: leave its queries unnamed
  const parsed = connection as ParsedStatements;
  const query = client.query.bind(client) as (config: unknown, values?: unknown, callback?: unknown) => unknown;
  /** Statement text → name, least recently used first. */
  const names = new Map<string, string>();
  let counter = 0;
  const named = (text: string): string => {
    const known = names.get(text);
    if (known !== undefined) {
      names.delete(text);
      names.set(text, known);
      return known;
    }
    const name = `kim_${(++counter).toString(36)}`;
    names.set(text, name);
    if (names.size > PREPARED_STATEMENTS_PER_CONNECTION) {
      const [oldText, oldName] = names.entries().next().value as [string, string];
      names.delete(oldText);
      // Queued after any statement still waiting to use it; pg forgets it once it is gone, so the name
      // is never bound after the deallocation.
      void (query(`DEALLOCATE ${oldName}`) as Promise<unknown>).then(
        () => delete parsed.parsedStatements[oldName],
        () => undefined,
      );
    }
    return name;
  };
  const prepared = (config: unknown, values?: unknown, callback?: unknown) => {
    if (typeof config === "string" && Array.isArray(values) && callback === undefined && config.endsWith(KEEP_PLAN_MARK)) {
      return query({ name: named(config), text: config, values });
    }
    return query(config, values, callback);
  };
  client.query = prepared as typeof client.query;
}

function scopedPool(pool: pg.Pool, options: { prepareStatements: boolean }): ScopedPool {
  return {
    async connect() {
      const client = await pool.connect();
      // pg's pool listens for errors only on idle clients. A connection that dies while it is checked out
      // but between two statements (inside a transaction, or held for a session lock) emits 'error' on the
      // client, and without a listener that ends the process. Listen once per client: the next statement
      // on it fails, the request answers 503, and the release discards the broken client.
      if (!listening.has(client)) {
        client.on("error", (error) => console.error("[db] connection lost while in use:", error.message));
        listening.add(client);
        if (options.prepareStatements) prepareStatementsOn(client);
      }
      try {
        await applyScope(client);
      } catch (error) {
        appliedScopes.delete(client);
        client.release(error instanceof Error ? error : true);
        throw error;
      }
      return client;
    },
    end: () => pool.end(),
  };
}

export async function openDatabase(options: ConnectionOptions = {}): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.maxConnections ?? 10,
      application_name: "kim-case",
      // A database that went away must not hang requests: they fail fast and the page answers 503.
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      // No JIT compilation: row-level security adds subplans over every case to a query's estimated cost
      // (which are never run when the row's own case is visible), and at 250,000 cases that cost passes
      // jit_above_cost. Compiling then took ~1.5 s for the client file's audit history, which runs in
      // under 5 ms; no query of this application is long enough to gain from JIT.
      options: "-c jit=off",
    });
    // A broken idle connection must not crash the process.
    pool.on("error", (error) => console.error("[db] idle client error:", error.message));
    const scoped = scopedPool(pool, { prepareStatements: true });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: scoped }) });
    postgresPools.set(db, scoped);
    const url = new URL(options.databaseUrl);
    return {
      db,
      kind: "postgres",
      description: `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}`,
      close: () => db.destroy(),
    };
  }

  const dataDir = options.pgliteDir ?? path.resolve("data", "pglite");
  // Loaded lazily: PGlite is only needed when no PostgreSQL URL is given.
  const { PGlite } = await import("@electric-sql/pglite");
  const { createPgConfig } = await import("@electric-sql/pglite/node-postgres");
  if (!dataDir.startsWith("memory://")) await mkdir(dataDir, { recursive: true });
  const pglite = new PGlite(dataDir);
  await pglite.waitReady;
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 } as unknown as pg.PoolConfig);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: scopedPool(pool, { prepareStatements: false }) }) });
  return {
    db,
    kind: "pglite",
    description: `PGlite ${dataDir}`,
    close: async () => {
      await db.destroy();
      await pglite.close();
    },
  };
}
