// The anonymised evaluation data set on generated data: how many cases each coarsening level releases,
// how many are suppressed, and how long building it takes.
// Usage: npm run measure:anonymised [-- --cases N] (default 5,000; BENCH_DATABASE_URL's server, own
// database kim_bench_anonymised, dropped afterwards unless BENCH_KEEP=1; --reuse keeps a loaded one).
// --database NAME measures an existing database on that server instead (e.g. kim_bench of `npm run bench`
// at NRW scale): only read, never seeded, migrated or dropped.
import { buildAnonymisedExport } from "../../db/reports/anonymised";
import { seedCases } from "../../db/seed/cases";
import { parseFlags } from "../../db/cli/args";
import { benchDatabaseUrl, createBenchDatabase, dropBenchDatabase } from "./harness";
import { openDatabase } from "../../db/connection";

const flags = parseFlags(process.argv.slice(2));
const cases = Number(flags.get("cases") ?? 5000);
const name = "kim_bench_anonymised";
const existing = typeof flags.get("database") === "string" ? (flags.get("database") as string) : null;
if (existing !== null && !/^[a-z0-9_]+$/.test(existing)) throw new Error("--database: lower-case letters, digits and underscores only");
const existingUrl = () => {
  const url = new URL(benchDatabaseUrl(name));
  url.pathname = `/${existing}`;
  return url.toString();
};
const handle =
  existing !== null
    ? await openDatabase({ databaseUrl: existingUrl(), maxConnections: 4 })
    : flags.has("reuse")
      ? await openDatabase({ databaseUrl: benchDatabaseUrl(name), maxConnections: 4 })
      : await createBenchDatabase(name, 4);
try {
  if (existing !== null) console.log(`database ${existing} (read only)`);
  else if (!flags.has("reuse")) await seedCases(handle.db, { count: cases, log: () => undefined, seed: 20210208 });
  const started = performance.now();
  const data = await buildAnonymisedExport(handle.db);
  const ms = performance.now() - started;
  console.log(`${data.total} cases, k = ${data.k}, built in ${Math.round(ms)} ms`);
  for (const level of data.perLevel) {
    console.log(`  level ${level.level}: ${level.rows} (${((100 * level.rows) / data.total).toFixed(1)} %) – ${level.label}`);
  }
  console.log(`  suppressed: ${data.suppressed} (${((100 * data.suppressed) / data.total).toFixed(1)} %)`);
} finally {
  await handle.close();
  if (existing === null) await dropBenchDatabase(name);
}
