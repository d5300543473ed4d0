// Databases for integration tests: a real PostgreSQL when TEST_DATABASE_URL is set (one database per
// test file, copied from a migrated template that global-setup.ts creates), otherwise an in-memory PGlite.
// Never a mock: every test runs the real SQL, triggers and constraints.
import { randomBytes } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { inject } from "vitest";
import { openDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import type { Database } from "../../db/schema";

declare module "vitest" {
  export interface ProvidedContext {
    /** Which database the integration tests use ("postgres" only when TEST_DATABASE_URL is set). */
    testDatabaseKind: "postgres" | "pglite";
    /** Name of the migrated template database (PostgreSQL only; "" for PGlite). */
    testTemplateDatabase: string;
  }
}

export interface TestDatabase {
  db: Kysely<Database>;
  kind: "postgres" | "pglite";
  /** The database's URL (PostgreSQL only), e.g. for app processes a test starts. */
  url?: string;
  /** Closes the connection and drops the database (PostgreSQL) or frees the memory (PGlite). */
  close(): Promise<void>;
}

/** PostgreSQL identifiers made by this module: lower-case letters, digits and underscores only. */
const SAFE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

export function assertSafeDatabaseName(name: string): string {
  if (!SAFE_NAME.test(name)) throw new Error(`unsafe database name: ${JSON.stringify(name)}`);
  return name;
}

/** The same server URL with another database name. */
export function withDatabaseName(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs one statement on the server's maintenance database (from TEST_DATABASE_URL). */
export async function onServer<T>(serverUrl: string, run: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const admin = await openDatabase({ databaseUrl: serverUrl, maxConnections: 1 });
  try {
    return await run(admin.db);
  } finally {
    await admin.close();
  }
}

/**
 * A fresh, migrated database for one test file. Call in beforeAll and close in afterAll.
 * On PostgreSQL it is `CREATE DATABASE <template>_<random> TEMPLATE <template>` (fast, isolated);
 * on PGlite a new in-memory instance, migrated here.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  const kind = inject("testDatabaseKind");
  if (kind === "postgres") {
    if (!serverUrl) throw new Error("global setup chose PostgreSQL but TEST_DATABASE_URL is not set in the worker");
    const template = assertSafeDatabaseName(inject("testTemplateDatabase"));
    const name = assertSafeDatabaseName(`${template}_${randomBytes(3).toString("hex")}`);
    await onServer(serverUrl, (db) => sql`CREATE DATABASE ${sql.id(name)} TEMPLATE ${sql.id(template)}`.execute(db));
    const url = withDatabaseName(serverUrl, name);
    const handle = await openDatabase({ databaseUrl: url, maxConnections: 4 });
    return {
      db: handle.db,
      kind: "postgres",
      url,
      close: async () => {
        await handle.close();
        await onServer(serverUrl, (db) => sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(db));
      },
    };
  }
  const handle = await openDatabase({ pgliteDir: "memory://" });
  await migrateToLatest(handle.db);
  return { db: handle.db, kind: "pglite", close: () => handle.close() };
}
