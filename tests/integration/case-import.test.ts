// Import of existing case lists (issue 14): a messy XLSX and a Windows-1252 CSV go through the case
// service; exact cases, events and rejections; a re-import creates nothing; the report after the import
// equals the figures worked out by hand below; bad files change nothing.
import ExcelJS from "exceljs";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Actor } from "../../db/access";
import { openCase, replayCaseEvents } from "../../db/case-service";
import { loadCaseHistory } from "../../db/case-history";
import {
  type ImportOutcome,
  claimImportJob,
  createImportJob,
  getImportJob,
  previewImport,
  rejectionWorkbook,
  runImportJob,
  saveImportMapping,
} from "../../db/import/import-service";
import { READ_MESSAGES } from "../../db/import/read-file";
import { buildReport } from "../../db/reports/report";
import { runAsActor } from "../../db/request-actor";
import type { Database } from "../../db/schema";
import { seedDemoUsers, seedReferenceData } from "../../db/seed/index";
import { messyWorkbook, windows1252Csv } from "../fixtures/import-fixtures";
import { type TestDatabase, createTestDatabase } from "./db";
import { expectCell, figure } from "./report-fixture";

let t: TestDatabase;
let db: Kysely<Database>;
let coordinator: Actor;
let cm: Actor;

async function actorOf(username: string): Promise<Actor> {
  const u = await db.selectFrom("users").select(["id", "role", "organisation_id"]).where("username", "=", username).executeTakeFirstOrThrow();
  return { id: u.id, role: u.role, organisationId: u.organisation_id };
}

/** Upload → suggested mapping saved as is → run, as the coordinator (row-level security on). */
async function importFile(fileName: string, bytes: Buffer): Promise<{ jobId: string; outcome: ImportOutcome }> {
  return runAsActor(coordinator, async () => {
    const created = await createImportJob(db, coordinator, { fileName, bytes });
    if (!created.ok) throw new Error(created.message);
    const job = await getImportJob(db, coordinator, created.jobId);
    const saved = await saveImportMapping(db, coordinator, created.jobId, { mapping: job?.mapping ?? [], source: "Liste 2023" });
    expect(saved).toEqual({ ok: true });
    expect(await claimImportJob(db, coordinator, created.jobId)).toBe(true);
    const outcome = await runImportJob(db, coordinator, created.jobId);
    return { jobId: created.jobId, outcome };
  });
}

async function countRows() {
  const [cases, events, clients, keys] = await Promise.all(
    (["cases", "case_events", "clients", "import_rows"] as const).map((table) =>
      db.selectFrom(table).select(db.fn.countAll<string>().as("n")).executeTakeFirstOrThrow(),
    ),
  );
  return { cases: Number(cases?.n), events: Number(events?.n), clients: Number(clients?.n), keys: Number(keys?.n) };
}

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  await seedReferenceData(db);
  await seedDemoUsers(db);
  coordinator = await actorOf("koordination");
  cm = await actorOf("casemanager");
  // A person already known: the list's row 19 must be refused as a duplicate.
  const velbert = await db.selectFrom("municipalities").select("id").where("name", "=", "Velbert").executeTakeFirstOrThrow();
  await openCase(db, cm, {
    client: {
      firstName: "Arben",
      lastName: "Berisha",
      birthDate: "1992-07-04",
      birthDateEstimated: false,
      gender: "maennlich",
      nationality: null,
      languages: [],
      interpreterNeeded: false,
      municipalityId: velbert.id,
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
    caseManagerId: cm.id,
  });
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe("the messy XLSX", () => {
  let first: { jobId: string; outcome: ImportOutcome };
  let before: Awaited<ReturnType<typeof countRows>>;

  beforeAll(async () => {
    before = await countRows();
    first = await importFile("Fallliste 2023.xlsx", await messyWorkbook());
  }, 120_000);

  test("header found below title, note and empty line; mapping suggested from the German headers", async () => {
    const job = await runAsActor(coordinator, () => getImportJob(db, coordinator, first.jobId));
    expect(job?.headers[0]).toBe("Nr.");
    expect(job?.mapping).toEqual([
      "externalId",
      "lastName",
      "firstName",
      "birthDate",
      "nationality",
      "residenceStatus",
      "municipality",
      "referralSource",
      "targetGroup",
      "caseManager",
      "openedOn",
      "firstContactOn",
      "status",
      "closureReason",
      "closedOn",
    ]);
    expect(job?.formulaCells).toBe(1);
    expect(job).toMatchObject({ status: "fertig", total: 16, processed: 16, imported: 7, skipped: 0, rejected: 9 });
  });

  test("exactly the expected rejections, with German messages per cell", () => {
    const byRow = Object.fromEntries(first.outcome.rejections.map((r) => [r.rowNumber, r.messages.join(" | ")]));
    expect(Object.keys(byRow).map(Number)).toEqual([8, 10, 11, 12, 13, 15, 16, 19, 20]);
    expect(byRow[8]).toBe("Geburtsdatum: „31.02.1990“ ist kein gültiges Datum.");
    expect(byRow[10]).toBe("Kommune / Wohnort: Unbekannte Kommune „Hildn“. Meinten Sie „Hilden“? Bitte in der Datei korrigieren.");
    expect(byRow[11]).toBe("Casemanager*in: Unbekannte Casemanager*in „Peter Unbekannt“.");
    expect(byRow[12]).toBe("Kommune / Wohnort: Unbekannte Kommune „Mettman“. Meinten Sie „Mettmann“? Bitte in der Datei korrigieren.");
    expect(byRow[13]).toBe("Dieselbe Person steht schon in Zeile 6 der Datei.");
    expect(byRow[15]).toBe("Erstkontakt: Der Erstkontakt (01.08.2023) liegt vor dem Aufnahmedatum (10.08.2023).");
    expect(byRow[16]).toBe("Abschlussdatum: Das Abschlussdatum (10.02.2023) liegt vor dem Erstkontakt (15.02.2023).");
    expect(byRow[19]).toMatch(/^Möglicherweise bereits erfasst \(KIM-\d{4}-\d{5}\)/);
    expect(byRow[20]).toMatch(/^Casemanager\*in: „Rami Haddad“ gehört zu Caritasverband .*Kooperationsvereinbarung nicht bearbeiten\.$/);
  });

  test("exactly the expected cases, through the statechart, with their historical dates", async () => {
    const rows = await db
      .selectFrom("import_rows")
      .innerJoin("cases", "cases.id", "import_rows.case_id")
      .innerJoin("clients", "clients.id", "cases.client_id")
      .leftJoin("users", "users.id", "cases.case_manager_id")
      .select([
        "import_rows.row_number",
        "import_rows.external_key",
        "cases.id",
        "cases.state",
        "cases.target_group",
        "cases.opened_at",
        "cases.first_contact_at",
        "cases.closed_at",
        "cases.closure_reason",
        "cases.snapshot",
        "clients.last_name",
        "clients.birth_date",
        "users.display_name",
      ])
      .where("import_rows.job_id", "=", first.jobId)
      .orderBy("import_rows.row_number")
      .execute();
    const day = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString().slice(0, 10));
    expect(
      rows.map((r) => [r.row_number, r.last_name, r.state, r.target_group, day(r.opened_at), day(r.first_contact_at), day(r.closed_at), r.closure_reason, r.display_name]),
    ).toEqual([
      [5, "Al-Sayed", "assessment", "umf", "2023-02-01", "2023-02-03", null, null, "Anna Demir"],
      [6, "Tesfay", "closed", "geduldete_identitaet", "2023-01-10", "2023-01-17", "2023-11-30", "ziele_erreicht", "Jonas Becker"],
      [7, "Popova", "resting", "neuzugewanderte_erhoeht", "2023-03-01", "2023-03-06", null, null, "Anna Demir"],
      [14, "Bakr", "intake", null, "2023-11-20", null, null, null, null],
      [17, "Ivanova", "closed", null, "2023-09-01", "2023-09-05", "2023-09-20", "keine_zielgruppe", "Anna Demir"],
      [18, "Sahin", "closed", null, "2023-10-12", null, "2023-10-13", "nicht_zustaendig", "Jonas Becker"],
      [22, "Wolde", "assessment", "geduldete_identitaet", "2023-04-01", "2023-04-11", null, null, "Anna Demir"],
    ]);
    expect(rows[0]?.birth_date).toBe("2007-03-15");
    expect(rows[0]?.external_key).toBe("id:liste 2023:1");

    const events = await db
      .selectFrom("case_events")
      .select(["case_id", "type", "seq", "payload"])
      .where("case_id", "in", rows.map((r) => r.id))
      .orderBy("case_id")
      .orderBy("seq")
      .execute();
    const typesOf = (caseId: string) => events.filter((e) => e.case_id === caseId).map((e) => e.type);
    expect(rows.map((r) => typesOf(r.id))).toEqual([
      ["CASE_OPENED", "RECORD_CONTACT", "CLASSIFY"],
      ["CASE_OPENED", "RECORD_CONTACT", "CLASSIFY", "BEGIN_CLOSURE", "CLOSE"],
      ["CASE_OPENED", "RECORD_CONTACT", "CLASSIFY", "PAUSE"],
      ["CASE_OPENED"],
      ["CASE_OPENED", "RECORD_CONTACT", "CLOSE_NOT_TARGET_GROUP"],
      ["CASE_OPENED", "REJECT_NOT_ELIGIBLE"],
      ["CASE_OPENED", "RECORD_CONTACT", "CLASSIFY"],
    ]);
    // The stored snapshot is exactly what the machine makes of the stored log.
    for (const r of rows) {
      const replayed = replayCaseEvents(r.id, events.filter((e) => e.case_id === r.id));
      expect(replayed.context.closureReason).toBe(r.closure_reason);
      expect(replayed.context.targetGroup).toBe(r.target_group);
    }
  });

  test("the history marks each imported case as imported", async () => {
    const wolde = await db
      .selectFrom("import_rows")
      .select("case_id")
      .where("job_id", "=", first.jobId)
      .where("row_number", "=", 22)
      .executeTakeFirstOrThrow();
    const history = await loadCaseHistory(db, wolde.case_id);
    const opened = history.find((h) => h.type === "CASE_OPENED");
    expect(opened?.detail).toBe("importiert aus der Fallliste „Fallliste 2023.xlsx“, Zeile 22");
  });

  test("nothing else was written than the imported cases", async () => {
    const after = await countRows();
    // events: 3 + 5 + 4 + 1 + 3 + 2 + 3 = 21
    expect(after).toEqual({ cases: before.cases + 7, clients: before.clients + 7, events: before.events + 21, keys: 7 });
  });

  test("the report after the import equals the hand-computed figures", async () => {
    const report = await buildReport(db, { from: "2023-01-01", to: "2023-12-31" }, "none");
    // Opened in 2023: the 7 imported cases. First contact: Al-Sayed 2 days, Tesfay 7, Popova 5, Ivanova 4,
    // Wolde 10 → 5 of 7, median 5, all within 14 days. Decisions: classified 4 (Al-Sayed, Tesfay, Popova,
    // Wolde), not eligible 1 (Sahin), not target group 1 (Ivanova); Bakr undecided. Closed: Tesfay (Ziele
    // erreicht), Ivanova (keine Zielgruppe), Sahin (nicht zuständig); duration only for the classified
    // Tesfay: 10.01. → 30.11.2023 = 324 days.
    expectCell(figure(report, "reach.opened").total, { value: 7 }, "opened");
    expectCell(figure(report, "reach.first_contact").total, { value: 5 / 7, numerator: 5, denominator: 7 }, "first contact");
    expectCell(figure(report, "reach.first_contact_14d").total, { value: 5 / 7, numerator: 5, denominator: 7 }, "14 days");
    expectCell(figure(report, "reach.days_to_first_contact").total, { value: 5, denominator: 5 }, "median days");
    expectCell(figure(report, "reach.accepted").total, { value: 4 / 6, numerator: 4, denominator: 6 }, "accepted");
    expectCell(figure(report, "reach.not_eligible").total, { value: 1 / 6, numerator: 1, denominator: 6 }, "not eligible");
    expectCell(figure(report, "reach.not_target_group").total, { value: 1 / 6, numerator: 1, denominator: 6 }, "no group");
    expectCell(figure(report, "reach.undecided").total, { value: 1 }, "undecided");
    expectCell(figure(report, "outcomes.closed").total, { value: 3 }, "closed");
    expectCell(figure(report, "outcomes.closed.ziele_erreicht").total, { value: 1 / 3, numerator: 1, denominator: 3 }, "goals");
    expectCell(figure(report, "outcomes.closed.nicht_zustaendig").total, { value: 1 / 3, numerator: 1, denominator: 3 }, "ne");
    expectCell(figure(report, "outcomes.duration").total, { value: 324, denominator: 1 }, "duration");
  });

  test("the rejection list downloads as XLSX with the messages beside the original cells", async () => {
    const bytes = await runAsActor(coordinator, () => rejectionWorkbook(db, coordinator, first.jobId));
    expect(bytes).not.toBeNull();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((bytes as Buffer).buffer as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws?.getRow(1).getCell(1).value).toBe("Zeile in der Datei");
    expect(ws?.getRow(1).getCell(3).value).toBe("Nr.");
    expect(ws?.rowCount).toBe(10);
    expect(ws?.getRow(2).getCell(1).value).toBe(8);
    expect(ws?.getRow(2).getCell(2).value).toBe("Geburtsdatum: „31.02.1990“ ist kein gültiges Datum.");
    expect(ws?.getRow(2).getCell(4).value).toBe("Rahimi");
  });

  test("re-importing the same file creates nothing twice", async () => {
    const beforeAgain = await countRows();
    const again = await importFile("Fallliste 2023 (Kopie).xlsx", await messyWorkbook());
    expect(again.outcome.imported).toBe(0);
    expect(again.outcome.skipped).toBe(7);
    expect(again.outcome.rejected).toBe(9);
    expect(await countRows()).toEqual(beforeAgain);
  }, 60_000);
});

describe("the Windows-1252 CSV with ;", () => {
  test("decoded, split and imported; a re-import skips every row", async () => {
    const { jobId, outcome } = await importFile("export.csv", windows1252Csv());
    const job = await runAsActor(coordinator, () => getImportJob(db, coordinator, jobId));
    expect(job?.detected).toBe("CSV, Windows-1252, Trennzeichen „;“");
    expect(outcome.rejections).toEqual([]);
    expect(outcome.imported).toBe(3);
    const names = await db
      .selectFrom("clients")
      .innerJoin("cases", "cases.client_id", "clients.id")
      .select(["clients.last_name", "clients.first_name", "cases.state"])
      .where("cases.id", "in", outcome.caseIds)
      .orderBy("clients.last_name")
      .execute();
    expect(names).toEqual([
      { last_name: "A?ao?lu", first_name: "?eyma", state: "assessment" },
      { last_name: "Schäfer; geb. Brandt", first_name: "Jürgen", state: "intake" },
      { last_name: "Özdemir", first_name: "Gül", state: "assessment" },
    ]);
    const again = await importFile("export.csv", windows1252Csv());
    expect(again.outcome).toMatchObject({ imported: 0, skipped: 3, rejected: 0 });
  }, 60_000);
});

describe("bad files change nothing", () => {
  const cases: [string, Buffer, string][] = [
    ["empty", Buffer.alloc(0), READ_MESSAGES.empty],
    ["a PDF", Buffer.from("%PDF-1.4\n%âãÏÓ\n1 0 obj"), READ_MESSAGES.notSpreadsheet],
    ["an old .xls", Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), READ_MESSAGES.xls],
    ["a broken xlsx", Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100, 7)]), READ_MESSAGES.broken],
    ["text without a header", Buffer.from("Hallo,\nwelt"), READ_MESSAGES.noHeader],
    ["a header without rows", Buffer.from("Name;Vorname;Kommune\n\n"), READ_MESSAGES.noRows],
    [
      "too many rows",
      Buffer.from(["Name;Vorname;Kommune;Aufnahmedatum", ...Array.from({ length: 50_001 }, (_, i) => `N${i};V;Hilden;01.01.2023`)].join("\n")),
      READ_MESSAGES.tooManyRows,
    ],
  ];
  for (const [what, bytes, message] of cases) {
    test(what, async () => {
      const before = await countRows();
      const jobs = await db.selectFrom("import_jobs").select(db.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
      const result = await runAsActor(coordinator, () => createImportJob(db, coordinator, { fileName: "x", bytes }));
      expect(result).toEqual({ ok: false, message });
      expect(await countRows()).toEqual(before);
      const jobsAfter = await db.selectFrom("import_jobs").select(db.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
      expect(jobsAfter.n).toBe(jobs.n);
    });
  }

  test("a formula without a stored value", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("x");
    ws.addRow(["Name", "Vorname", "Kommune", "Aufnahmedatum"]);
    ws.addRow(["A", "B", "Hilden", { formula: "TODAY()" }]);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const result = await runAsActor(coordinator, () => createImportJob(db, coordinator, { fileName: "f.xlsx", bytes }));
    expect(result).toEqual({ ok: false, message: READ_MESSAGES.formulas });
  });

  test("a case manager may not import", async () => {
    const result = await runAsActor(cm, () => createImportJob(db, cm, { fileName: "x.csv", bytes: windows1252Csv() }));
    expect(result.ok).toBe(false);
  });

  test("the preview shows the first rows with errors per cell and counts the whole file", async () => {
    const preview = await runAsActor(coordinator, async () => {
      const created = await createImportJob(db, coordinator, { fileName: "p.xlsx", bytes: await messyWorkbook() });
      if (!created.ok) throw new Error(created.message);
      return previewImport(db, coordinator, created.jobId);
    });
    expect(preview?.rows).toHaveLength(10);
    expect(preview?.rows[3]?.errors.birthDate).toBe("„31.02.1990“ ist kein gültiges Datum.");
    expect(preview?.rows[0]?.values.residenceStatus).toBe("Aufenthaltsgestattung");
    // the first rows were imported above: the preview warns about them as known persons
    expect(preview?.rows[0]?.errors.row).toMatch(/^Möglicherweise bereits erfasst/);
  });
});
