// "Aufenthaltsverfestigung" and "Fristen verpasst" on the hand-checked report fixture (Q1 2025, previous
// period Q4 2024, as of 2025-06-30), with residence histories added row by row:
//
// client of | documents (status, issued, valid until, recorded)                          | counts in Q1 2025
// C1 (umf, M1)      | Gestattung –, 2025-03-01, rec. 2025-01-10; § 104c 2025-03-05, rec. 2025-03-05 | move (§ 104c); deadline 03-01 met (contact 01-12 in the 8 weeks)
// C2 (umf, M1)      | ungeklärt; humanitär 2025-03-01, rec. 2025-03-02                 | move (humanitär); C2 closed 03-20, open on 03-01
// C5 (geduldete, M3)| Duldung 60a 2024-10-01 – 2025-02-15; § 25b 2025-02-10, rec. 2025-02-12 | move (§ 25b); deadline 02-15 met (new status 02-12)
// C7 (closed 03-10) | Duldung 60a – 2025-03-20; Niederlassungserlaubnis 2025-03-15        | nothing: closed before either day
// C11 (umf, M2)     | Gestattung – 2025-03-01, rec. 2024-07-01; § 25a 2025-04-15           | deadline 03-01 missed (no step since 2024-06); move in Q2
// C12 (neu., M1)    | Fiktion – 2024-11-15 (rec. 2024-09-01); Duldung 60b – 2025-01-20 (rec. 2024-12-01) | deadline 01-20 missed; Q4 2024: Fiktion deadline missed
//
// Q1: 3 moves (§ 25b, § 104c, humanitär; UMF 2, Geduldete 1) of 12 cases open in Q1 (UMF: C1, C2, C11);
// 4 deadlines due, 2 missed. Q4 2024: 0 moves, 1 deadline due, 1 missed.
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadReport } from "~/reports/report.server";
import { buildReport } from "../../db/reports/report";
import type { Database } from "../../db/schema";
import type { ResidenceStatus } from "../../workflows/vocabulary";
import { type TestDatabase, createTestDatabase } from "./db";
import { AS_OF, Q1_2025, type ReportFixture, expectCell, figure, insertReportFixture } from "./report-fixture";

let t: TestDatabase;
let db: Kysely<Database>;
let fx: ReportFixture;

interface Doc {
  status: ResidenceStatus;
  issued?: string;
  until?: string;
  recorded: string;
}

async function history(caseName: string, docs: Doc[]) {
  const { client_id: clientId } = await db
    .selectFrom("cases")
    .select("client_id")
    .where("id", "=", fx.cases[caseName] as string)
    .executeTakeFirstOrThrow();
  // the row the client's creation added ("ungeklärt") dates from long before
  await db.updateTable("residence_documents").set({ recorded_at: new Date("2024-01-01T00:00:00Z") }).where("client_id", "=", clientId).execute();
  for (const d of docs) {
    await db
      .insertInto("residence_documents")
      .values({
        client_id: clientId,
        status: d.status,
        issued_on: d.issued ?? null,
        valid_until: d.until ?? null,
        recorded_at: new Date(`${d.recorded}T10:00:00Z`),
      })
      .execute();
  }
}

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  fx = await insertReportFixture(db);
  await history("C1", [
    { status: "aufenthaltsgestattung", until: "2025-03-01", recorded: "2025-01-10" },
    { status: "ae_104c", issued: "2025-03-05", recorded: "2025-03-05" },
  ]);
  await history("C2", [{ status: "ae_humanitaer_22_26", issued: "2025-03-01", recorded: "2025-03-02" }]);
  await history("C5", [
    { status: "duldung_60a", issued: "2024-10-01", until: "2025-02-15", recorded: "2024-10-02" },
    { status: "ae_25b", issued: "2025-02-10", until: "2027-02-09", recorded: "2025-02-12" },
  ]);
  await history("C7", [
    { status: "duldung_60a", until: "2025-03-20", recorded: "2024-11-05" },
    { status: "niederlassungserlaubnis", issued: "2025-03-15", recorded: "2025-03-16" },
  ]);
  await history("C11", [
    { status: "aufenthaltsgestattung", until: "2025-03-01", recorded: "2024-07-01" },
    { status: "ae_25a", issued: "2025-04-15", recorded: "2025-04-16" },
  ]);
  await history("C12", [
    { status: "fiktionsbescheinigung", until: "2024-11-15", recorded: "2024-09-01" },
    { status: "duldung_60b", until: "2025-01-20", recorded: "2024-12-01" },
  ]);
});
afterAll(async () => {
  await t?.close();
});

describe("Aufenthaltsverfestigung and Fristen verpasst: hand-computed", () => {
  test("totals, paragraph groups and the previous period", async () => {
    const report = await buildReport(db, { ...Q1_2025 }, "none", { asOf: AS_OF });
    expectCell(figure(report, "outcomes.residence_secured").total, { value: 3 }, "moves");
    expectCell(figure(report, "outcomes.residence_secured").previous, { value: 0 }, "moves Q4");
    expectCell(figure(report, "outcomes.residence_secured_share").total, { value: 3 / 12, numerator: 3, denominator: 12 }, "share");
    const groups = Object.fromEntries(
      ["ae_25a", "ae_25b", "ae_104c", "humanitaer", "ae_sonstige", "niederlassungserlaubnis"].map((g) => [
        g,
        figure(report, `outcomes.residence_secured.${g}`).total.value,
      ]),
    );
    expect(groups).toEqual({ ae_25a: 0, ae_25b: 1, ae_104c: 1, humanitaer: 1, ae_sonstige: 0, niederlassungserlaubnis: 0 });
    expectCell(figure(report, "outcomes.deadlines_due").total, { value: 4 }, "deadlines");
    expectCell(figure(report, "outcomes.deadlines_missed").total, { value: 2 / 4, numerator: 2, denominator: 4 }, "missed");
    expectCell(figure(report, "outcomes.deadlines_due").previous, { value: 1 }, "deadlines Q4");
    expectCell(figure(report, "outcomes.deadlines_missed").previous, { value: 1, numerator: 1, denominator: 1 }, "missed Q4");
  });

  test("split by target group: the share of the group's open cases", async () => {
    const report = await buildReport(db, { ...Q1_2025 }, "targetGroup", { asOf: AS_OF });
    const secured = figure(report, "outcomes.residence_secured");
    expectCell(secured.groups.umf, { value: 2 }, "UMF moves");
    expectCell(secured.groups.geduldete_identitaet, { value: 1 }, "Geduldete moves");
    expectCell(figure(report, "outcomes.residence_secured_share").groups.umf, { value: 2 / 3, numerator: 2, denominator: 3 }, "UMF share");
    const missed = figure(report, "outcomes.deadlines_missed");
    expectCell(missed.groups.umf, { value: 1 / 2, numerator: 1, denominator: 2 }, "UMF missed");
    expectCell(missed.groups.neuzugewanderte_erhoeht, { value: 1, numerator: 1, denominator: 1 }, "Neuzugewanderte missed");
  });

  test("the steering group sees them suppressed (counts 1–4, shares of small bases), the coordination exactly", async () => {
    const params = new URLSearchParams({ zeitraum: "quartal", jahr: "2025", quartal: "1" });
    const cell = async (role: "steering" | "coordinator", key: string) => {
      const result = await loadReport(db, { role }, params, { today: AS_OF });
      if (!result.ok) throw new Error("invalid parameters");
      for (const s of result.report.sections) {
        const f = s.figures.find((x) => x.key === key);
        if (f) return f.total;
      }
      throw new Error(`no figure ${key}`);
    };
    expect(await cell("steering", "outcomes.residence_secured")).toMatchObject({ value: null, display: "<5" });
    expect(await cell("steering", "outcomes.residence_secured_share")).toMatchObject({ value: null, display: "nicht ausgewiesen" });
    expect(await cell("steering", "outcomes.deadlines_missed")).toMatchObject({ value: null, display: "nicht ausgewiesen" });
    expect(await cell("coordinator", "outcomes.residence_secured")).toMatchObject({ value: 3, display: "3" });
    expect(await cell("coordinator", "outcomes.deadlines_due")).toMatchObject({ value: 4, display: "4" });
  });
});
