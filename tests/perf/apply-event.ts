// Measures applyCaseEvent on PostgreSQL: the median (and p95) of 1,000 RECORD_CONTACT events, each a full
// transaction (lock, permission, pure transition, snapshot, event row, contact row, audit row).
// Usage: npm run bench:apply  (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres)
import { applyCaseEvent, openCase } from "../../db/case-service";
import { asRequestActor, benchRlsLabel, createBenchDatabase, dropBenchDatabase } from "./harness";

const runs = Number(process.argv[2] ?? 1000);
const dbName = "kim_bench_apply";

const handle = await createBenchDatabase(dbName, 4);
try {
  const cm = await handle.db
    .selectFrom("users")
    .select(["id", "organisation_id"])
    .where("username", "=", "casemanager")
    .executeTakeFirstOrThrow();
  const actor = { id: cm.id, role: "case_manager" as const, organisationId: cm.organisation_id };
  const municipality = await handle.db.selectFrom("municipalities").select("id").executeTakeFirstOrThrow();
  const { caseId } = await openCase(handle.db, actor, {
    client: {
      firstName: "Bench",
      lastName: "Mark",
      birthDate: "1990-01-01",
      birthDateEstimated: false,
      gender: "keine_angabe",
      nationality: null,
      languages: [],
      interpreterNeeded: false,
      municipalityId: municipality.id,
      residenceStatus: "aufenthaltsgestattung",
      arrivalDate: null,
      unaccompanied: false,
      phone: null,
      email: null,
      address: null,
    },
    referralSource: "sozialamt",
    referralMunicipalityId: null,
    increasedNeedDocumented: true,
    caseManagerId: cm.id,
  });
  const apply = asRequestActor(actor, (version: number) =>
    applyCaseEvent(handle.db, actor, {
      caseId,
      expectedRowVersion: version,
      command: { type: "RECORD_CONTACT", contactType: "telefonisch", minutes: 5 },
    }),
  );
  let version = 1;
  const times: number[] = [];
  for (let i = 0; i < runs + 50; i++) {
    const t0 = process.hrtime.bigint();
    const result = await apply(version);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (!result.ok) throw new Error(result.message);
    version = result.rowVersion;
    if (i >= 50) times.push(ms); // the first 50 warm up connections and JIT
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? Number.NaN;
  console.log(`applyCaseEvent on PostgreSQL (${benchRlsLabel}), ${times.length} events: median ${q(0.5).toFixed(2)} ms, p95 ${q(0.95).toFixed(2)} ms, max ${q(1).toFixed(2)} ms`);
} finally {
  await handle.close();
  await dropBenchDatabase(dbName);
}
