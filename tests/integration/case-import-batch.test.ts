// The import's batch path (issue 14, 10,000 rows in under a minute) against the case service it replaces:
// the same file imported both ways into two fresh databases writes the same rows, table by table (ids
// mapped to what they stand for), and the same report; a step the statechart refuses is refused with the
// case service's message; similar people within one batch are caught; abandoned jobs are marked failed.
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Actor } from "../../db/access";
import {
  type HistoricalCaseInput,
  type OpenCaseInput,
  applyCaseEventIn,
  openCase,
  openCaseIn,
  openHistoricalCasesIn,
} from "../../db/case-service";
import {
  type ImportOutcome,
  type ImportWriter,
  ABANDONED_AFTER_MINUTES,
  claimImportJob,
  createImportJob,
  failAbandonedImportJobs,
  getImportJob,
  runImportJob,
  saveImportMapping,
  startImport,
} from "../../db/import/import-service";
import { findPossibleDuplicates, findPossibleDuplicatesMany } from "../../db/duplicates";
import { buildReport } from "../../db/reports/report";
import { runAsActor } from "../../db/request-actor";
import type { Database } from "../../db/schema";
import { seedDemoUsers, seedReferenceData } from "../../db/seed/index";
import { messyWorkbook, windows1252Csv } from "../fixtures/import-fixtures";
import { type TestDatabase, createTestDatabase } from "./db";

interface Site {
  t: TestDatabase;
  db: Kysely<Database>;
  coordinator: Actor;
  /** The case opened by hand before the import (its person is in the list: a duplicate). */
  knownCaseId: string;
}

async function actorOf(db: Kysely<Database>, username: string): Promise<Actor> {
  const u = await db.selectFrom("users").select(["id", "role", "organisation_id"]).where("username", "=", username).executeTakeFirstOrThrow();
  return { id: u.id, role: u.role, organisationId: u.organisation_id };
}

/** An intake of a person with only what the list knows. */
function intakeOf(person: { firstName: string; lastName: string; birthDate: string }, municipalityId: number, caseManagerId: string | null): OpenCaseInput {
  return {
    client: {
      ...person,
      birthDateEstimated: false,
      gender: "keine_angabe",
      nationality: null,
      languages: [],
      interpreterNeeded: false,
      municipalityId,
      residenceStatus: "duldung_60a",
      arrivalDate: null,
      unaccompanied: false,
      phone: null,
      email: null,
      address: null,
    },
    referralSource: "auslaenderamt",
    referralMunicipalityId: null,
    increasedNeedDocumented: false,
    caseManagerId,
  };
}

async function newSite(): Promise<Site> {
  const t = await createTestDatabase();
  await seedReferenceData(t.db);
  await seedDemoUsers(t.db);
  const coordinator = await actorOf(t.db, "koordination");
  const cm = await actorOf(t.db, "casemanager");
  const velbert = await t.db.selectFrom("municipalities").select("id").where("name", "=", "Velbert").executeTakeFirstOrThrow();
  const known = await openCase(t.db, cm, intakeOf({ firstName: "Arben", lastName: "Berisha", birthDate: "1992-07-04" }, velbert.id, cm.id), "2022-06-01T08:00:00.000Z");
  return { t, db: t.db, coordinator, knownCaseId: known.caseId };
}

async function importFile(site: Site, fileName: string, bytes: Buffer, writer: ImportWriter): Promise<ImportOutcome> {
  const { db, coordinator } = site;
  return runAsActor(coordinator, async () => {
    const created = await createImportJob(db, coordinator, { fileName, bytes });
    if (!created.ok) throw new Error(created.message);
    const job = await getImportJob(db, coordinator, created.jobId);
    const saved = await saveImportMapping(db, coordinator, created.jobId, { mapping: job?.mapping ?? [], source: "Liste 2023" });
    expect(saved).toEqual({ ok: true });
    expect(await claimImportJob(db, coordinator, created.jobId)).toBe(true);
    return runImportJob(db, coordinator, created.jobId, new Date(), writer);
  });
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** What each id of a site stands for: users by name, imported cases and clients by external key, jobs by file. */
async function idLabels(site: Site): Promise<Map<string, string>> {
  const { db } = site;
  const labels = new Map<string, string>();
  for (const u of await db.selectFrom("users").select(["id", "username"]).execute()) labels.set(u.id, `user:${u.username}`);
  for (const j of await db.selectFrom("import_jobs").select(["id", "file_name", "created_at"]).orderBy("created_at").execute()) {
    labels.set(j.id, `job:${j.file_name}:${labels.size}`);
  }
  const imported = await db
    .selectFrom("import_rows")
    .innerJoin("cases", "cases.id", "import_rows.case_id")
    .select(["import_rows.external_key", "cases.id", "cases.client_id"])
    .execute();
  for (const r of imported) {
    labels.set(r.id, `case:${r.external_key}`);
    labels.set(r.client_id, `client:${r.external_key}`);
  }
  const known = await db.selectFrom("cases").select(["id", "client_id"]).where("id", "=", site.knownCaseId).executeTakeFirstOrThrow();
  labels.set(known.id, "case:known");
  labels.set(known.client_id, "client:known");
  return labels;
}

/** Columns that differ between any two runs (serial and random ids of their own, clock times). */
const VOLATILE = new Set(["created_at", "updated_at", "at", "recorded_at", "started_at", "finished_at", "document_id"]);
const OWN_ID = new Set(["case_events", "contacts", "audit_log", "residence_documents"]);

/** Every row of a table as text, ids replaced by their labels, volatile columns left out, sorted. */
async function rowsOf(db: Kysely<Database>, table: string, labels: Map<string, string>): Promise<string[]> {
  const { rows } = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)}`.execute(db);
  return rows
    .map((row) => {
      const kept = Object.fromEntries(
        Object.entries(row).filter(([column]) => !VOLATILE.has(column) && !(column === "id" && OWN_ID.has(table))),
      );
      return JSON.stringify(kept).replace(UUID, (id) => {
        const label = labels.get(id);
        if (!label) throw new Error(`${table}: id ${id} stands for nothing known`);
        return label;
      });
    })
    .sort();
}

const COMPARED_TABLES = [
  "clients",
  "cases",
  "case_events",
  "contacts",
  "audit_log",
  "residence_documents",
  "import_rows",
  "report_cases",
  "report_case_intervals",
  "report_residence_transition_facts",
  "report_residence_deadline_facts",
] as const;

let viaCaseService: Site;
let viaBatch: Site;
const outcomes: Record<ImportWriter, ImportOutcome[]> = { batch: [], "case-service": [] };

beforeAll(async () => {
  viaCaseService = await newSite();
  viaBatch = await newSite();
  for (const [site, writer] of [
    [viaCaseService, "case-service"],
    [viaBatch, "batch"],
  ] as const) {
    outcomes[writer].push(await importFile(site, "Fallliste 2023.xlsx", await messyWorkbook(), writer));
    outcomes[writer].push(await importFile(site, "export.csv", windows1252Csv(), writer));
    // the same list again: every row skipped or rejected as before
    outcomes[writer].push(await importFile(site, "Fallliste 2023 (Kopie).xlsx", await messyWorkbook(), writer));
  }
}, 180_000);
afterAll(async () => {
  await viaCaseService?.t.close();
  await viaBatch?.t.close();
});

describe("the batch path writes what the case service writes", () => {
  test("the same outcome: imported, skipped, rejected rows with the same messages", () => {
    const strip = (o: ImportOutcome) => ({ ...o, caseIds: o.caseIds.length });
    expect(outcomes.batch.map(strip)).toEqual(outcomes["case-service"].map(strip));
    expect(outcomes.batch.map((o) => [o.imported, o.skipped])).toEqual([
      [7, 0],
      [3, 0],
      [0, 7],
    ]);
  });

  for (const table of COMPARED_TABLES) {
    test(`the same rows in ${table}`, async () => {
      const [reference, batch] = await Promise.all([
        idLabels(viaCaseService).then((labels) => rowsOf(viaCaseService.db, table, labels)),
        idLabels(viaBatch).then((labels) => rowsOf(viaBatch.db, table, labels)),
      ]);
      expect(batch).toEqual(reference);
      // never vacuous: every compared table holds rows of the imported cases (facts of residence: none here)
      if (!table.startsWith("report_residence")) expect(reference.some((r) => r.includes("liste 2023") || r.includes("hash:"))).toBe(true);
    });
  }

  test("the same report", async () => {
    const period = { from: "2023-01-01", to: "2023-12-31" };
    const [reference, batch] = await Promise.all([
      buildReport(viaCaseService.db, period, "municipality"),
      buildReport(viaBatch.db, period, "municipality"),
    ]);
    expect({ ...batch, generatedAt: null }).toEqual({ ...reference, generatedAt: null });
    expect(batch.figures.find((f) => f.key === "reach.opened")?.total).toEqual({ value: 10 });
  });
});

describe("the statechart decides in the batch path too", () => {
  test("a history the machine refuses is refused with the case service's message, the others are written", async () => {
    const { db, coordinator } = viaBatch;
    const hilden = await db.selectFrom("municipalities").select("id").where("name", "=", "Hilden").executeTakeFirstOrThrow();
    const caseOf = (lastName: string, steps: HistoricalCaseInput["steps"]): HistoricalCaseInput => ({
      open: intakeOf({ firstName: "Test", lastName, birthDate: "1990-01-01" }, hilden.id, null),
      openedAt: "2023-05-02T09:00:00.000Z",
      steps,
      imported: { jobId: "00000000-0000-4000-8000-000000000000", fileName: "t.xlsx", rowNumber: 2 },
    });
    // closing an intake without a closure phase: the machine has no such step
    const refusedSteps: HistoricalCaseInput["steps"] = [
      { command: { type: "CLOSE", reason: "ziele_erreicht", note: "x" }, at: "2023-05-03T10:00:00.000Z" },
    ];
    const okSteps: HistoricalCaseInput["steps"] = [
      { command: { type: "RECORD_CONTACT", contactType: "persoenlich", minutes: 1 }, at: "2023-05-03T10:00:00.000Z" },
    ];
    const fromService = await runAsActor(coordinator, () =>
      db
        .transaction()
        .execute(async (trx) => {
          const opened = await openCaseIn(trx, coordinator, caseOf("Referenz", []).open, "2023-05-02T09:00:00.000Z", 180);
          const result = await applyCaseEventIn(trx, coordinator, { caseId: opened.caseId, expectedRowVersion: 1, command: refusedSteps[0]!.command, at: refusedSteps[0]!.at });
          throw Object.assign(new Error("roll back"), { result });
        })
        .catch((error: { result?: unknown }) => error.result),
    );
    expect(fromService).toMatchObject({ ok: false, message: expect.stringContaining("Fall abschließen") });

    const results = await runAsActor(coordinator, () =>
      db.transaction().execute((trx) => openHistoricalCasesIn(trx, coordinator, [caseOf("Verweigert", refusedSteps), caseOf("Erlaubt", okSteps)], 180)),
    );
    expect(results[0]).toEqual({ ok: false, message: (fromService as { message: string }).message });
    expect(results[1]).toMatchObject({ ok: true });
    const written = await db.selectFrom("clients").select("last_name").where("last_name", "in", ["Verweigert", "Erlaubt", "Referenz"]).execute();
    expect(written.map((c) => c.last_name)).toEqual(["Erlaubt"]);
    const erlaubt = await db
      .selectFrom("cases")
      .innerJoin("clients", "clients.id", "cases.client_id")
      .select(["cases.state", "cases.row_version", "cases.first_contact_at"])
      .where("clients.last_name", "=", "Erlaubt")
      .executeTakeFirstOrThrow();
    expect(erlaubt).toMatchObject({ state: "classification", row_version: 2 });
  });
});

describe("duplicates at import", () => {
  test("two similar people in one batch: the second is refused, naming the first row", async () => {
    const csv = [
      "Nachname;Vorname;Geburtsdatum;Wohnort;Aufenthaltsstatus;Aufnahmedatum;Status",
      "Hassan;Mohammed;05.05.1985;Hilden;Duldung;02.02.2023;Zugang",
      "Hassan;Muhammad;05.05.1985;Hilden;Duldung;03.02.2023;Zugang",
      "Hassan;Leyla;05.05.1985;Hilden;Duldung;03.02.2023;Zugang",
    ].join("\n");
    const outcome = await importFile(viaBatch, "familie.csv", Buffer.from(csv), "batch");
    expect(outcome.imported).toBe(2);
    expect(outcome.rejections.map((r) => [r.rowNumber, r.messages])).toEqual([
      [3, ["Möglicherweise dieselbe Person wie in Zeile 2 der Datei. Bitte prüfen; die Zeile wird nicht importiert."]],
    ]);
  }, 60_000);
});

describe("two imports of the same list at once", () => {
  test("each row is imported once: a batch whose keys the other import took is written row by row and skipped", async () => {
    const { db, coordinator } = viaBatch;
    const letters = "bcdfghklmnprstvz";
    const name = (i: number) => `${letters[i % 16]}a${letters[Math.floor(i / 16) % 16]}o${letters[(i * 7) % 16]}i`;
    const csv = [
      "Nr.;Nachname;Vorname;Geburtsdatum;Wohnort;Aufenthaltsstatus;Aufnahmedatum;Status",
      ...Array.from({ length: 30 }, (_, i) => `${i + 1};${name(i)};${name(i + 101)};${String((i % 28) + 1).padStart(2, "0")}.0${(i % 9) + 1}.19${60 + i};Haan;Duldung;02.02.2023;Zugang`),
    ].join("\n");
    const before = await db.selectFrom("cases").select(db.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    const claimed = await runAsActor(coordinator, async () => {
      const ids: string[] = [];
      for (const fileName of ["parallel-1.csv", "parallel-2.csv"]) {
        const created = await createImportJob(db, coordinator, { fileName, bytes: Buffer.from(csv) });
        if (!created.ok) throw new Error(created.message);
        const job = await getImportJob(db, coordinator, created.jobId);
        await saveImportMapping(db, coordinator, created.jobId, { mapping: job?.mapping ?? [], source: "Parallel" });
        expect(await claimImportJob(db, coordinator, created.jobId)).toBe(true);
        ids.push(created.jobId);
      }
      return ids;
    });
    const both = await Promise.all(claimed.map((jobId) => runAsActor(coordinator, () => runImportJob(db, coordinator, jobId))));
    const after = await db.selectFrom("cases").select(db.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    expect(Number(after.n) - Number(before.n)).toBe(30);
    expect(both.reduce((n, o) => n + o.imported, 0)).toBe(30);
    // the other import's rows: skipped (key taken) or refused as already known, never imported twice
    for (const o of both) expect(o.imported + o.skipped + o.rejected).toBe(30);
  }, 60_000);
});

describe("the duplicate check for a batch", () => {
  test("answers for each person what the single check answers", async () => {
    const { db, coordinator } = viaBatch;
    const inputs = [
      { firstName: "Arben", lastName: "Berisha", birthDate: "1992-07-04", birthDateEstimated: false },
      { firstName: "Arben", lastName: "Berischa", birthDate: "1992-04-07", birthDateEstimated: false },
      { firstName: "Berisha", lastName: "Arben", birthDate: "1993-01-10", birthDateEstimated: true },
      { firstName: "Omar", lastName: "Al Sayed", birthDate: "2007-03-20", birthDateEstimated: false },
      { firstName: "Selam", lastName: "Tesfay", birthDate: null, birthDateEstimated: false },
      { firstName: "Niemand", lastName: "Bekannt", birthDate: "1992-07-04", birthDateEstimated: false },
    ];
    const [many, single] = await runAsActor(coordinator, async () => [
      await findPossibleDuplicatesMany(db, coordinator, inputs),
      await Promise.all(inputs.map((input) => findPossibleDuplicates(db, coordinator, input))),
    ]);
    expect(many).toEqual(single);
    // not vacuous: known people found, the stranger not
    expect(single.map((c) => c.visible.length > 0)).toEqual([true, true, true, true, true, false]);
  });
});

describe("abandoned jobs", () => {
  async function runningJob(site: Site, minutesAgo: number): Promise<string> {
    const { db, coordinator } = site;
    const jobId = await runAsActor(coordinator, async () => {
      const created = await createImportJob(db, coordinator, { fileName: "x.csv", bytes: windows1252Csv() });
      if (!created.ok) throw new Error(created.message);
      expect(await claimImportJob(db, coordinator, created.jobId)).toBe(true);
      return created.jobId;
    });
    await db
      .updateTable("import_jobs")
      .set({ updated_at: new Date(Date.now() - minutesAgo * 60_000) })
      .where("id", "=", jobId)
      .execute();
    return jobId;
  }
  const statusOf = async (site: Site, jobId: string) =>
    (await site.db.selectFrom("import_jobs").select(["status", "finished_at"]).where("id", "=", jobId).executeTakeFirstOrThrow());

  test("a running job without progress for too long is marked failed; a live one is left alone", async () => {
    const stale = await runningJob(viaCaseService, ABANDONED_AFTER_MINUTES + 1);
    const live = await runningJob(viaCaseService, 1);
    expect(await failAbandonedImportJobs(viaCaseService.db)).toBe(1);
    expect(await statusOf(viaCaseService, stale)).toMatchObject({ status: "fehlgeschlagen", finished_at: expect.any(Date) });
    expect(await statusOf(viaCaseService, live)).toMatchObject({ status: "laeuft", finished_at: null });
  });

  test("starting a new job marks the abandoned ones first", async () => {
    const stale = await runningJob(viaCaseService, ABANDONED_AFTER_MINUTES + 5);
    const { db, coordinator } = viaCaseService;
    const started = await runAsActor(coordinator, async () => {
      const created = await createImportJob(db, coordinator, { fileName: "y.csv", bytes: windows1252Csv() });
      if (!created.ok) throw new Error(created.message);
      const job = await getImportJob(db, coordinator, created.jobId);
      await saveImportMapping(db, coordinator, created.jobId, { mapping: job?.mapping ?? [], source: "y" });
      return startImport(db, coordinator, created.jobId);
    });
    if (!started.ok) throw new Error(started.message);
    await started.done;
    expect((await statusOf(viaCaseService, stale)).status).toBe("fehlgeschlagen");
  }, 60_000);
});
