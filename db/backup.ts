// Backup and restore of the whole database (npm run db:backup / db:restore, db/cli/backup.ts).
// PostgreSQL: pg_dump in the custom format and pg_restore in one transaction (client tools of the server's
// major version, Debian package postgresql-client-15). Embedded PGlite: its own data-directory tarball
// (dumpDataDir / loadDataDir). A restore only goes into an empty database, so it can never mix two states;
// a failed backup or restore leaves no half-written file or data directory behind.
import { spawn } from "node:child_process";
import { chmod, open, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

/** A refusal or failure with a German message for the operator (the CLI prints it, exit status 1). */
export class BackupError extends Error {}

export type BackupTarget = { kind: "postgres"; url: string } | { kind: "pglite"; dataDir: string };

const PG_CLIENT_HINT =
  "Die PostgreSQL-Client-Programme fehlen: unter Debian `apt-get install postgresql-client-15` " +
  "(dieselbe Hauptversion wie der Server).";

/** What kind of backup file this is, from its first bytes. */
export async function backupFormatOf(file: string): Promise<"pg_dump" | "pglite" | "unknown"> {
  const handle = await open(file, "r").catch(() => {
    throw new BackupError(`Die Sicherungsdatei ${file} kann nicht gelesen werden.`);
  });
  try {
    const head = Buffer.alloc(5);
    const { bytesRead } = await handle.read(head, 0, 5, 0);
    if (bytesRead === 5 && head.toString("latin1") === "PGDMP") return "pg_dump";
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "pglite";
    return "unknown";
  } finally {
    await handle.close();
  }
}

/** Connection settings for the client tools: the password goes in the environment, never on the command line. */
function clientConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = "";
  return { dbname: parsed.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < 8_000) stderr += chunk.toString("utf8");
    });
    child.on("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "ENOENT" ? new BackupError(`${command} nicht gefunden. ${PG_CLIENT_HINT}`) : error),
    );
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new BackupError(`${command} ist fehlgeschlagen (Status ${code}):\n${stderr.trim()}`)),
    );
  });
}

/** Writes the backup to `file` (mode 0600: it holds social data); returns its size in bytes. */
export async function backupDatabase(target: BackupTarget, file: string): Promise<number> {
  const partial = `${file}.partial`;
  try {
    if (target.kind === "postgres") {
      const { dbname, env } = clientConnection(target.url);
      await run("pg_dump", ["--format=custom", `--file=${partial}`, `--dbname=${dbname}`], env);
    } else {
      await writeFile(partial, await dumpPglite(target.dataDir), { mode: 0o600 });
    }
    await chmod(partial, 0o600);
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return (await stat(file)).size;
}

async function dumpPglite(dataDir: string): Promise<Uint8Array> {
  const exists = await stat(path.join(dataDir, "PG_VERSION")).catch(() => undefined);
  if (!exists) throw new BackupError(`In ${dataDir} liegt keine eingebettete Datenbank.`);
  const { PGlite } = await import("@electric-sql/pglite");
  const pglite = new PGlite(dataDir);
  try {
    await pglite.waitReady;
    const tarball = await pglite.dumpDataDir("gzip");
    return new Uint8Array(await tarball.arrayBuffer());
  } finally {
    await pglite.close();
  }
}

/** Restores `file` into an empty database (PostgreSQL) or a new data directory (PGlite). */
export async function restoreDatabase(target: BackupTarget, file: string): Promise<void> {
  const format = await backupFormatOf(file);
  const expected = target.kind === "postgres" ? "pg_dump" : "pglite";
  if (format !== expected) {
    throw new BackupError(
      format === "unknown"
        ? `${file} ist keine Sicherung von kim-case.`
        : `${file} ist eine Sicherung ${format === "pg_dump" ? "von PostgreSQL (pg_dump)" : "der eingebetteten Datenbank"}; ` +
          `wiederhergestellt werden soll in ${target.kind === "postgres" ? "PostgreSQL (DATABASE_URL)" : "die eingebettete Datenbank"}.`,
    );
  }
  if (target.kind === "postgres") await restorePostgres(target.url, file);
  else await restorePglite(target.dataDir, file);
}

async function restorePostgres(url: string, file: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 30_000 });
  await client.connect().catch((error: Error) => {
    throw new BackupError(`Die Zieldatenbank ist nicht erreichbar (${error.message}). Legen Sie sie zuerst leer an (createdb).`);
  });
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
        WHERE s.nspname NOT IN ('pg_catalog', 'information_schema') AND s.nspname NOT LIKE 'pg_toast%'`,
    );
    if ((rows[0]?.n ?? 0) > 0) {
      throw new BackupError("Die Zieldatenbank ist nicht leer: wiederhergestellt wird nur in eine leere Datenbank (createdb).");
    }
    // The dump grants rights to the app role of migration 0014 (row-level security); roles belong to the
    // server, not to the dump, so a restore onto a new server creates it first.
    await client.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kim_app') THEN
        CREATE ROLE kim_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
      END IF;
    END $$`);
  } finally {
    await client.end();
  }
  const { dbname, env } = clientConnection(url);
  // One transaction: a failed restore leaves the database as empty as before.
  await run("pg_restore", ["--exit-on-error", "--single-transaction", "--no-owner", `--dbname=${dbname}`, file], env);
}

async function restorePglite(dataDir: string, file: string): Promise<void> {
  const entries = await readdir(dataDir).catch(() => [] as string[]);
  if (entries.length > 0) {
    throw new BackupError(
      `${dataDir} ist nicht leer: wiederhergestellt wird nur in ein leeres Verzeichnis (die alte Datenbank vorher verschieben).`,
    );
  }
  const { PGlite } = await import("@electric-sql/pglite");
  let pglite: InstanceType<typeof PGlite> | undefined;
  try {
    pglite = new PGlite(dataDir, { loadDataDir: new Blob([await readFile(file)]) });
    await pglite.waitReady;
    await pglite.query("SELECT 1 FROM kysely_migration LIMIT 1");
    await pglite.close();
  } catch (error) {
    await pglite?.close().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
    throw error instanceof BackupError
      ? error
      : new BackupError(`Die Sicherung ${file} ließ sich nicht einspielen: ${error instanceof Error ? error.message : String(error)}`);
  }
}
