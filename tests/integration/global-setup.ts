// Runs once per `vitest run`, before any test file. With TEST_DATABASE_URL (a PostgreSQL server URL) it
// creates and migrates a template database that every test file copies; without it the tests use an
// in-memory PGlite each. Either way it says so once, so the CI log shows what was tested. On PostgreSQL
// it also builds the app once for the tests that start server processes.
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import { ensureFreshBuild } from "./build";
import { assertSafeDatabaseName, onServer, withDatabaseName } from "./db";

const PREFIX = "kim_test_";
/** Databases of runs older than this are leftovers of crashed runs and are dropped at start. */
const STALE_AFTER_HOURS = 24;

function timestamp(date: Date): string {
  return date.toISOString().replace(/[^0-9]/g, "").slice(0, 14); // yyyymmddhhmmss, UTC
}

async function dropDatabases(serverUrl: string, names: string[]): Promise<void> {
  if (names.length === 0) return;
  await onServer(serverUrl, async (db) => {
    for (const name of names) {
      await sql`DROP DATABASE IF EXISTS ${sql.id(assertSafeDatabaseName(name))} WITH (FORCE)`.execute(db);
    }
  });
}

async function listDatabases(serverUrl: string, prefix: string): Promise<string[]> {
  return onServer(serverUrl, async (db) => {
    const { rows } = await sql<{ datname: string }>`
      SELECT datname FROM pg_database WHERE starts_with(datname, ${prefix}) ORDER BY datname`.execute(db);
    return rows.map((r) => r.datname);
  });
}

export default async function setup(project: TestProject) {
  ensureFreshBuild();
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    project.provide("testDatabaseKind", "pglite");
    project.provide("testTemplateDatabase", "");
    console.log("[integration] database: PGlite in memory, one per test file (set TEST_DATABASE_URL for PostgreSQL)");
    return;
  }

  const now = new Date();
  const runPrefix = `${PREFIX}${timestamp(now)}_${randomBytes(3).toString("hex")}`;
  const template = assertSafeDatabaseName(runPrefix);

  // Leftovers of runs that crashed long ago (never those of a parallel run: they are younger).
  const staleBefore = timestamp(new Date(now.getTime() - STALE_AFTER_HOURS * 3_600_000));
  const stale = (await listDatabases(serverUrl, PREFIX)).filter((name) => {
    const stamp = /^kim_test_(\d{14})_/.exec(name)?.[1];
    return stamp !== undefined && stamp < staleBefore;
  });
  await dropDatabases(serverUrl, stale);

  const version = await onServer(serverUrl, async (db) => {
    await sql`CREATE DATABASE ${sql.id(template)}`.execute(db);
    const { rows } = await sql<{ v: string }>`SELECT current_setting('server_version') AS v`.execute(db);
    return rows[0]?.v ?? "?";
  });
  try {
    const handle = await openDatabase({ databaseUrl: withDatabaseName(serverUrl, template), maxConnections: 1 });
    try {
      await migrateToLatest(handle.db);
    } finally {
      await handle.close(); // a template must have no open connections while it is copied
    }
  } catch (error) {
    await dropDatabases(serverUrl, [template]);
    throw error;
  }

  project.provide("testDatabaseKind", "postgres");
  project.provide("testTemplateDatabase", template);
  const where = new URL(serverUrl);
  console.log(
    `[integration] database: PostgreSQL ${version} at ${where.hostname}:${where.port || 5432}, ` +
      `one database per test file copied from template ${template}`,
  );

  return async () => {
    // The template and any per-file database a crashed worker left behind.
    const leftovers = await listDatabases(serverUrl, runPrefix);
    await dropDatabases(serverUrl, leftovers);
    console.log(`[integration] dropped ${leftovers.length} test database(s) of this run (${template}*)`);
  };
}
