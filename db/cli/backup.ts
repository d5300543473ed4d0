// npm run db:backup -- <file>   writes a backup of DATABASE_URL (pg_dump, custom format) or of the
//                               embedded database in KIM_DATA_DIR (default ./data; stop the app first)
// npm run db:restore -- <file>  restores it into an empty database / a new, empty data directory
// See README "Backup and restore" and docs/deployment.md.
import path from "node:path";
import { BackupError, type BackupTarget, backupDatabase, restoreDatabase } from "../backup";

const [mode, file] = process.argv.slice(2).filter((arg) => arg !== "--");
if ((mode !== "backup" && mode !== "restore") || !file) {
  console.error(`Aufruf: npm run db:${mode === "restore" ? "restore" : "backup"} -- <Datei>`);
  process.exit(2);
}

const target: BackupTarget = process.env.DATABASE_URL
  ? { kind: "postgres", url: process.env.DATABASE_URL }
  : { kind: "pglite", dataDir: path.resolve(process.env.KIM_DATA_DIR ?? "data", "pglite") };
const where = target.kind === "postgres" ? "PostgreSQL (DATABASE_URL)" : `PGlite ${target.dataDir}`;

try {
  if (mode === "backup") {
    const bytes = await backupDatabase(target, file);
    console.log(`Sicherung von ${where} geschrieben: ${file} (${(bytes / 1_048_576).toFixed(1)} MB)`);
  } else {
    await restoreDatabase(target, file);
    console.log(`${file} in ${where} wiederhergestellt.`);
  }
} catch (error) {
  if (!(error instanceof BackupError)) throw error;
  console.error(error.message);
  process.exit(1);
}
