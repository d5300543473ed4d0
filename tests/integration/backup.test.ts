// Backup → restore round trip (db/backup.ts, npm run db:backup / db:restore) on the embedded database and
// on PostgreSQL: the restored database has every row and sequence of the original, gives the same report
// and the same client files. A restore goes only into an empty database and refuses a foreign file.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, inject, test, vi } from "vitest";
import { BackupError, backupDatabase, restoreDatabase } from "../../db/backup";
import { loadCaseFile } from "../../db/case-file";
import { openDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import { buildReport } from "../../db/reports/report";
import type { Database } from "../../db/schema";
import { assertSafeDatabaseName, createTestDatabase, onServer, withDatabaseName } from "./db";
import { seedDemoData } from "../../db/seed/index";

// PGlite on disk (create, migrate, seed, tarball twice) is slow on a shared 2-core machine.
vi.setConfig({ testTimeout: 600_000, hookTimeout: 120_000 });

const onPostgres = inject("testDatabaseKind") === "postgres";
const NOW = new Date();
const DEMO_CASES = 8;

/** Demo data made by the statechart (real snapshots and histories), a few cases of each kind. */
async function fill(db: Kysely<Database>) {
  await migrateToLatest(db);
  await seedDemoData(db, { cases: DEMO_CASES, log: () => undefined, seed: 14 });
}

/** Every row of every table (as JSON text, sorted) and every sequence's position. */
async function contentsOf(db: Kysely<Database>): Promise<Record<string, string[]>> {
  const { rows: tables } = await sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(db);
  const contents: Record<string, string[]> = {};
  for (const { name } of tables) {
    const { rows } = await sql<{ r: string }>`SELECT row_to_json(t)::text AS r FROM ${sql.id(name)} t ORDER BY 1`.execute(db);
    contents[name] = rows.map((row) => row.r);
  }
  const { rows: sequences } = await sql<{ name: string }>`
    SELECT sequence_name AS name FROM information_schema.sequences WHERE sequence_schema = 'public'`.execute(db);
  for (const { name } of sequences) {
    const { rows } = await sql<{ v: string }>`SELECT last_value::text AS v FROM ${sql.id(name)}`.execute(db);
    contents[`sequence ${name}`] = rows.map((row) => row.v);
  }
  return contents;
}

/** The report of the last two years split by municipality, and every client file as its case manager sees it. */
async function whatUsersSee(db: Kysely<Database>) {
  const from = `${NOW.getUTCFullYear() - 2}-01-01`;
  const to = `${NOW.getUTCFullYear()}-12-31`;
  const report = await buildReport(db, { from, to }, "municipality", { now: NOW });
  const cases = await db
    .selectFrom("cases")
    .select(["id", "case_manager_id", "organisation_id"])
    .where("case_manager_id", "is not", null)
    .orderBy("id")
    .execute();
  expect(cases.length).toBeGreaterThan(2);
  const files = [];
  for (const c of cases) {
    const actor = { id: c.case_manager_id as string, role: "case_manager" as const, organisationId: c.organisation_id };
    const file = await loadCaseFile(db, actor, c.id, { now: NOW.toISOString() });
    expect(file, `client file ${c.id}`).toBeDefined();
    files.push(file);
  }
  return { report, files };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "kim-backup-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("embedded database (PGlite)", () => {
  test("backup, restore into an empty directory: same rows, report and client files", async () => {
    const original = path.join(dir, "original");
    const file = path.join(dir, "pglite.backup");
    const a = await openDatabase({ pgliteDir: original });
    let before: Record<string, string[]>;
    let seen: Awaited<ReturnType<typeof whatUsersSee>>;
    try {
      await fill(a.db);
      seen = await whatUsersSee(a.db); // (writes its "case.read" audit rows before the backup)
      before = await contentsOf(a.db);
    } finally {
      await a.close();
    }
    const bytes = await backupDatabase({ kind: "pglite", dataDir: original }, file);
    expect(bytes).toBeGreaterThan(1000);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).not.toContain("pglite.backup.partial");

    const restored = path.join(dir, "restored");
    await restoreDatabase({ kind: "pglite", dataDir: restored }, file);
    const b = await openDatabase({ pgliteDir: restored });
    try {
      expect(await contentsOf(b.db)).toEqual(before);
      expect(await whatUsersSee(b.db)).toEqual(seen);
    } finally {
      await b.close();
    }

    // Never over an existing database, never a file that is not a backup of this kind.
    await expect(restoreDatabase({ kind: "pglite", dataDir: restored }, file)).rejects.toThrow(/nicht leer/);
    const junk = path.join(dir, "junk.backup");
    await writeFile(junk, "Name;Vorname\nMuster;Max\n");
    const empty = path.join(dir, "empty");
    await mkdir(empty);
    await expect(restoreDatabase({ kind: "pglite", dataDir: empty }, junk)).rejects.toThrow(BackupError);
    await expect(restoreDatabase({ kind: "pglite", dataDir: empty }, junk)).rejects.toThrow(/keine Sicherung von kim-case/);
    expect(await readdir(empty)).toEqual([]);
    await expect(backupDatabase({ kind: "pglite", dataDir: empty }, path.join(dir, "x"))).rejects.toThrow(/keine eingebettete Datenbank/);
    expect(await readdir(dir)).not.toContain("x.partial");
  });
});

describe.runIf(onPostgres)("PostgreSQL (pg_dump / pg_restore)", () => {
  test("the client tools are installed", () => {
    const version = spawnSync("pg_dump", ["--version"], { encoding: "utf8" });
    expect(version.stdout).toMatch(/PostgreSQL\) 1[5-9]/);
  });

  test("backup, restore into an empty database: same rows, report and client files", async () => {
    const serverUrl = process.env.TEST_DATABASE_URL as string;
    const t = await createTestDatabase();
    const emptyName = assertSafeDatabaseName(`kim_test_restore_${randomBytes(3).toString("hex")}`);
    const file = path.join(dir, "postgres.backup");
    try {
      await fill(t.db);
      const seen = await whatUsersSee(t.db);
      const before = await contentsOf(t.db);
      await backupDatabase({ kind: "postgres", url: t.url as string }, file);
      expect((await stat(file)).mode & 0o777).toBe(0o600);

      // The same file refused by a database that is not empty, and by the embedded database.
      await expect(restoreDatabase({ kind: "postgres", url: t.url as string }, file)).rejects.toThrow(/nicht leer/);
      await expect(restoreDatabase({ kind: "pglite", dataDir: path.join(dir, "pg-into-pglite") }, file)).rejects.toThrow(
        /Sicherung von PostgreSQL/,
      );

      await onServer(serverUrl, (db) => sql`CREATE DATABASE ${sql.id(emptyName)}`.execute(db));
      const url = withDatabaseName(serverUrl, emptyName);
      await restoreDatabase({ kind: "postgres", url }, file);
      const b = await openDatabase({ databaseUrl: url, maxConnections: 2 });
      try {
        expect(await contentsOf(b.db)).toEqual(before);
        expect(await whatUsersSee(b.db)).toEqual(seen);
      } finally {
        await b.close();
      }
    } finally {
      await t.close();
      await onServer(serverUrl, (db) => sql`DROP DATABASE IF EXISTS ${sql.id(emptyName)} WITH (FORCE)`.execute(db));
    }
  });
});
