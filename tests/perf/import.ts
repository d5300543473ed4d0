// Measures the import of a case list of N rows (default 10,000) on PostgreSQL, as the app runs it: the
// coordinator under row-level security, reading the XLSX with exceljs, validating every row, the duplicate
// check against the database, and the batch path (the statechart run in memory per row, 500 rows per
// transaction with multi-row INSERTs: open, first contact, classification, closure for a third of them).
// Usage: npm run bench:import [-- rows]  (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres;
// BENCH_IMPORT_WRITER=case-service measures the row-by-row path through the case service instead of the batch path)
// Besides wall time it prints the CPU the import phase used: this process (validation, statechart, duplicate
// comparison) and the PostgreSQL backends of the benchmark database (read from /proc, so only on Linux with the
// server on this machine): on a shared machine the wall time depends on the others' load, the CPU less so.
import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import { sql } from "kysely";
import { type ImportWriter, claimImportJob, createImportJob, getImportJob, runImportJob, saveImportMapping } from "../../db/import/import-service";
import { runAsSystem } from "../../db/request-actor";
import { asRequestActor, benchRlsLabel, createBenchDatabase, dropBenchDatabase } from "./harness";

const rows = Number(process.argv[2] ?? 10_000);
const dbName = "kim_bench_import";
const MUNICIPALITIES = ["Erkrath", "Haan", "Heiligenhaus", "Hilden", "Langenfeld", "Mettmann", "Monheim am Rhein", "Ratingen", "Velbert", "Wülfrath"];
const SYLLABLES = ["ka", "lo", "mi", "ra", "te", "su", "no", "be", "di", "fa", "go", "hu", "ji", "ke", "lu", "ma"];

/** A distinct, unusual name per row (so the duplicate check finds nothing, as in a clean list). */
function nameOf(i: number, multiplier: number): string {
  let n = (i * multiplier) % 65_536;
  let s = "";
  for (let k = 0; k < 4; k++) {
    s += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  }
  return s.charAt(0).toUpperCase() + s.slice(1);
}

async function workbook(count: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("Fälle");
  ws.addRow(["Nr.", "Nachname", "Vorname", "Geb.-Datum", "Kommune", "Aufenthaltsstatus", "Zielgruppe", "Casemanager", "Aufnahmedatum", "Erstkontakt", "Status", "Abschlussgrund", "Abschlussdatum"]);
  for (let i = 0; i < count; i++) {
    const month = String((i % 12) + 1).padStart(2, "0");
    const day = String((i % 27) + 1).padStart(2, "0");
    const closed = i % 3 === 0;
    ws.addRow([
      String(i + 1),
      nameOf(i, 40_503),
      nameOf(i, 7_919),
      `${day}.${month}.${1960 + (i % 40)}`,
      MUNICIPALITIES[i % MUNICIPALITIES.length],
      "Duldung",
      "Geduldete",
      i % 2 ? "Anna Demir" : "Jonas Becker",
      `${day}.${month}.2023`,
      `${String((i % 27) + 2).padStart(2, "0")}.${month}.2023`,
      closed ? "abgeschlossen" : "offen",
      closed ? "Ziele erreicht" : "",
      closed ? `28.12.2023` : "",
    ]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const writer: ImportWriter = process.env.BENCH_IMPORT_WRITER === "case-service" ? "case-service" : "batch";

/** CPU ticks (user + system) per server process serving the benchmark database; null when /proc is unreadable. */
async function backendTicks(db: typeof handle.db): Promise<Map<number, number> | null> {
  const { rows } = await runAsSystem(() => sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(db));
  const ticks = new Map<number, number>();
  try {
    for (const { pid } of rows) {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      ticks.set(pid, Number(fields[11]) + Number(fields[12]));
    }
  } catch {
    return null;
  }
  return ticks;
}

/** CPU seconds the backends used between two readings (a backend that ended in between is not counted). */
function backendSeconds(before: Map<number, number> | null, after: Map<number, number> | null): number | null {
  if (!before || !after) return null;
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return ticks / 100;
}

const handle = await createBenchDatabase(dbName, 4);
try {
  const u = await handle.db.selectFrom("users").select(["id", "organisation_id"]).where("username", "=", "koordination").executeTakeFirstOrThrow();
  const actor = { id: u.id, role: "coordinator" as const, organisationId: u.organisation_id };
  const bytes = await workbook(rows);
  console.log(`[bench:import] ${rows} rows, XLSX ${(bytes.length / 1024 / 1024).toFixed(2)} MB, ${benchRlsLabel}`);
  const t0 = Date.now();
  const jobId = await asRequestActor(actor, async () => {
    const created = await createImportJob(handle.db, actor, { fileName: "bench.xlsx", bytes });
    if (!created.ok) throw new Error(created.message);
    const job = await getImportJob(handle.db, actor, created.jobId);
    const saved = await saveImportMapping(handle.db, actor, created.jobId, { mapping: job?.mapping ?? [], source: "bench" });
    if (!saved.ok) throw new Error(saved.problems.join(" "));
    return created.jobId;
  })();
  const tRead = Date.now();
  const cpu0 = process.cpuUsage();
  const ticks0 = await backendTicks(handle.db);
  const outcome = await asRequestActor(actor, async () => {
    if (!(await claimImportJob(handle.db, actor, jobId))) throw new Error("not claimed");
    return runImportJob(handle.db, actor, jobId, new Date(), writer);
  })();
  const tDone = Date.now();
  const cpu = process.cpuUsage(cpu0);
  const backendCpu = backendSeconds(ticks0, await backendTicks(handle.db));
  console.log(`[bench:import] read + store upload: ${((tRead - t0) / 1000).toFixed(1)} s`);
  console.log(
    `[bench:import] import: ${((tDone - tRead) / 1000).toFixed(1)} s (${outcome.imported} imported, ${outcome.skipped} skipped, ${outcome.rejected} rejected)`,
  );
  console.log(`[bench:import] total: ${((tDone - t0) / 1000).toFixed(1)} s for ${rows} rows (writer: ${writer})`);
  console.log(
    `[bench:import] import phase: ${((tDone - tRead) / rows).toFixed(2)} ms per row; CPU: node ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, ` +
      `PostgreSQL backends of this database ${backendCpu === null ? "n/a" : `${backendCpu.toFixed(1)} s`}`,
  );
  if (outcome.rejected > 0) console.log(outcome.rejections.slice(0, 3));
} finally {
  await handle.close();
  await dropBenchDatabase(dbName);
}
