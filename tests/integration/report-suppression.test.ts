// Suppression of small numbers and the privacy of the report as the loader returns it: for the steering
// role counts 1–4 become "<5" and values with a basis under 5 are hidden (and their exact numbers are
// not in the data at all); coordinators get the exact report. Also the page loader's validation.
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loader as reportLoader } from "~/routes/berichte";
import { loadReport } from "~/reports/report.server";
import { type PublishedReport, publishCell } from "../../db/reports/suppress";
import type { Database } from "../../db/schema";
import type { Role } from "../../workflows/vocabulary";
import { type TestDatabase, createTestDatabase } from "./db";
import { AS_OF, type ReportFixture, insertReportFixture, reportLoaderContext } from "./report-fixture";

let t: TestDatabase;
let db: Kysely<Database>;
let fx: ReportFixture;
const Q1 = new URLSearchParams({ zeitraum: "quartal", jahr: "2025", quartal: "1" });

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  fx = await insertReportFixture(db);
});
afterAll(async () => {
  await t?.close();
});

async function published(role: Role, params: URLSearchParams = Q1): Promise<PublishedReport> {
  const result = await loadReport(db, { role }, params, { today: AS_OF });
  if (!result.ok) throw new Error("invalid parameters");
  return result.report;
}

function cellOf(report: PublishedReport, key: string) {
  for (const s of report.sections) {
    const f = s.figures.find((x) => x.key === key);
    if (f) return f;
  }
  throw new Error(`no figure ${key}`);
}


describe("publishCell: the rule for each kind of figure", () => {
  const on = { suppress: true };
  test("counts 1–4 become <5, 0 and 5 are shown", () => {
    expect(publishCell("count", { value: 0 }, on)).toEqual({ value: 0, display: "0", status: "ok" });
    expect(publishCell("count", { value: 1 }, on)).toEqual({ value: null, display: "<5", status: "small" });
    expect(publishCell("count", { value: 4 }, on)).toEqual({ value: null, display: "<5", status: "small" });
    expect(publishCell("count", { value: 5 }, on)).toEqual({ value: 5, display: "5", status: "ok" });
    expect(publishCell("count", { value: 1234 }, on)).toMatchObject({ display: "1.234" });
    expect(publishCell("count", { value: 4 }, { suppress: false })).toEqual({ value: 4, display: "4", status: "ok" });
  });

  test("a share is hidden below a denominator of 5 or when it is a share of 1–4 cases; its small numerator shows as <5", () => {
    expect(publishCell("share", { value: 3 / 4, numerator: 3, denominator: 4 }, on)).toEqual({
      value: null,
      display: "nicht ausgewiesen",
      status: "hidden",
      numerator: { value: null, display: "<5" },
      denominator: { value: null, display: "<5" },
    });
    // 3 of 5 would give the count 3 away: a share of 1–4 cases is hidden, too
    expect(publishCell("share", { value: 3 / 5, numerator: 3, denominator: 5 }, on)).toEqual({
      value: null,
      display: "nicht ausgewiesen",
      status: "hidden",
      numerator: { value: null, display: "<5" },
      denominator: { value: 5, display: "5" },
    });
    expect(publishCell("share", { value: 4 / 82, numerator: 4, denominator: 82 }, on)).toMatchObject({
      value: null,
      status: "hidden",
    });
    expect(publishCell("share", { value: 5 / 82, numerator: 5, denominator: 82 }, on)).toMatchObject({
      value: 5 / 82,
      display: "6,1 %",
      status: "ok",
      numerator: { value: 5, display: "5" },
    });
    expect(publishCell("share", { value: 0, numerator: 0, denominator: 6 }, on)).toMatchObject({
      value: 0,
      display: "0,0 %",
      status: "ok",
    });
    expect(publishCell("share", { value: null, numerator: 0, denominator: 0 }, on)).toMatchObject({
      value: null,
      display: "–",
      status: "empty",
    });
    expect(publishCell("share", { value: 3 / 4, numerator: 3, denominator: 4 }, { suppress: false })).toMatchObject({
      value: 0.75,
      display: "75,0 %",
      numerator: { value: 3, display: "3" },
    });
  });

  test("a median is hidden below n = 5", () => {
    expect(publishCell("median", { value: 12, denominator: 4 }, on)).toMatchObject({ value: null, status: "hidden" });
    expect(publishCell("median", { value: 12.5, denominator: 5 }, on)).toMatchObject({ value: 12.5, display: "12,5" });
  });

  test("an average of open cases between 0 and 5 shows as <5; a ratio needs 5 people/FTE and 5 cases", () => {
    expect(publishCell("average", { value: 4.9, numerator: 441, denominator: 90 }, on)).toMatchObject({
      value: null,
      display: "<5",
      status: "small",
    });
    expect(publishCell("average", { value: 0, numerator: 0, denominator: 90 }, on)).toMatchObject({ value: 0, display: "0,0" });
    expect(publishCell("ratio", { value: 10 / 4.5, numerator: 10, denominator: 4.5 }, on)).toMatchObject({
      status: "hidden",
      denominator: { value: null, display: "<5" },
    });
    expect(publishCell("ratio", { value: 4 / 6, numerator: 4, denominator: 6 }, on)).toMatchObject({
      status: "hidden",
      numerator: { value: null, display: "<5" },
    });
    expect(publishCell("ratio", { value: 0.5, numerator: 10, denominator: 100, guard: 4 }, { ...on, percent: true })).toMatchObject({
      status: "hidden",
    });
    expect(publishCell("ratio", { value: 0.5, numerator: 10, denominator: 100, guard: 5 }, { ...on, percent: true })).toMatchObject({
      value: 0.5,
      display: "50,0 %",
    });
  });

  test("not applicable stays so", () => {
    expect(publishCell("count", { value: null, notApplicable: true }, on)).toEqual({
      value: null,
      display: "nicht auswertbar",
      status: "na",
    });
  });
});

describe("the report for the steering role (suppressed)", () => {
  let report: PublishedReport;
  beforeAll(async () => {
    report = await published("steering");
  });

  test("is marked suppressed and says how", () => {
    expect(report.suppressed).toBe(true);
    expect(report.suppressionNote).toMatch(/„<5“/);
    expect(report.period.label).toBe("1. Quartal 2025");
  });

  test("shows counts of 5 and more, and shares with a denominator of 5 or more", () => {
    expect(cellOf(report, "reach.opened").total).toMatchObject({ value: 8, display: "8", status: "ok" });
    expect(cellOf(report, "reach.first_contact").total).toMatchObject({
      value: 0.75,
      display: "75,0 %",
      numerator: { value: 6, display: "6" },
      denominator: { value: 8, display: "8" },
    });
    expect(cellOf(report, "reach.days_to_first_contact").total).toMatchObject({ value: 2, display: "2" });
    expect(cellOf(report, "caseload.open_average").total).toMatchObject({ display: "6,9", status: "ok" });
    expect(cellOf(report, "caseload.per_case_manager").total).toMatchObject({ display: "1,1", status: "ok" });
    expect(cellOf(report, "caseload.per_fte").total).toMatchObject({ display: "1,2", status: "ok" });
    expect(cellOf(report, "caseload.utilisation").total).toMatchObject({ display: "6,1 %", status: "ok" });
    expect(cellOf(report, "caseload.case_managers").total).toMatchObject({ value: 6 });
    expect(cellOf(report, "findings.affected_cases").total).toMatchObject({ value: 12 });
  });

  test("shows counts from 1 to 4 as <5 without the number", () => {
    for (const key of [
      "reach.undecided",
      "caseload.unassigned_end",
      "outcomes.identities_clarified",
      "outcomes.umf_transitions",
      "outcomes.goals_dropped",
      "findings.reported",
      "findings.status.gemeldet",
    ]) {
      expect(cellOf(report, key).total, key).toEqual({ value: null, display: "<5", status: "small" });
    }
    // shares of 1–4 cases are hidden, their numerators shown as <5
    expect(cellOf(report, "reach.accepted").total).toMatchObject({
      value: null,
      display: "nicht ausgewiesen",
      status: "hidden",
      numerator: { value: null, display: "<5" },
      denominator: { value: 6, display: "6" },
    });
    expect(cellOf(report, "outcomes.closed.ziele_erreicht").total.numerator).toEqual({ value: null, display: "<5" });
    // 4 of 7 evaluated goals reached: 57,1 % would give the 4 away
    expect(cellOf(report, "outcomes.goals_reached").total).toMatchObject({
      value: null,
      status: "hidden",
      numerator: { value: null, display: "<5" },
      denominator: { value: 7, display: "7" },
    });
    // the previous period too: two openings
    expect(cellOf(report, "reach.opened").previous).toEqual({ value: null, display: "<5", status: "small" });
  });

  test("hides rates, medians and per-person averages whose basis is under 5", () => {
    expect(cellOf(report, "outcomes.duration").total).toMatchObject({
      value: null,
      display: "nicht ausgewiesen",
      status: "hidden",
      denominator: { value: null, display: "<5" },
    });
    expect(cellOf(report, "outcomes.goals_reached.sprache").total).toMatchObject({ value: null, status: "hidden" });
    expect(cellOf(report, "caseload.unassigned_average").total).toMatchObject({ value: null, display: "<5" });
    // previous quarter: 3.4 open cases on average → <5, so per FTE is hidden
    expect(cellOf(report, "caseload.open_average").previous).toMatchObject({ value: null, display: "<5" });
    expect(cellOf(report, "caseload.per_fte").previous).toMatchObject({ value: null, status: "hidden" });
  });

  test("suppresses every split group the same way", async () => {
    const split = await published("steering", new URLSearchParams({ zeitraum: "quartal", jahr: "2025", quartal: "1", aufteilung: "kommune" }));
    const m1 = String(fx.municipalities.m1);
    const m3 = String(fx.municipalities.m3);
    expect(cellOf(split, "reach.opened").groups[m1]).toEqual({ value: null, display: "<5", status: "small" });
    expect(cellOf(split, "reach.first_contact").groups[m1]).toMatchObject({ value: null, status: "hidden" });
    expect(cellOf(split, "caseload.per_fte").groups[m1]).toMatchObject({ value: null, status: "hidden" });
    expect(cellOf(split, "caseload.open_average").groups[m3]).toMatchObject({ value: null, display: "<5" });
    expect(cellOf(split, "reach.opened").groups[m3]).toMatchObject({ display: "<5" });
  });

  test("no cell that is small or hidden carries its exact value", async () => {
    for (const params of [Q1, new URLSearchParams({ zeitraum: "quartal", jahr: "2025", quartal: "1", aufteilung: "monat" })]) {
      const r = await published("steering", params);
      for (const f of r.sections.flatMap((s) => s.figures)) {
        for (const cell of [f.total, f.previous, ...Object.values(f.groups)]) {
          if (cell.status !== "ok") expect(cell.value, f.key).toBeNull();
          for (const part of [cell.numerator, cell.denominator]) {
            if (part?.display === "<5") expect(part.value, f.key).toBeNull();
            if (part?.value != null && f.kind !== "ratio" && f.kind !== "average") {
              expect(part.value === 0 || part.value >= 5, `${f.key}: ${part.value}`).toBe(true);
            }
          }
        }
      }
    }
  });

  test("the loader data hold no names, Aktenzeichen or ids of clients, cases or staff", async () => {
    const response = await reportLoader({
      request: new Request("http://localhost/berichte?zeitraum=quartal&jahr=2025&quartal=1&aufteilung=kommune"),
      context: reportLoaderContext(db, "steering", fx.users.steering),
      params: {},
    });
    const json = JSON.stringify(response);
    for (const text of [...fx.personalData, ...Object.values(fx.cases), ...Object.values(fx.users)]) {
      expect(json).not.toContain(text);
    }
    expect(json).not.toContain("Testperson"); // the case managers' display names
    expect(json).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
    expect(json).toContain('"display":"<5"');
  });
});

describe("the report for coordinators (exact)", () => {
  test("shows the same figures unsuppressed", async () => {
    const report = await published("coordinator");
    expect(report.suppressed).toBe(false);
    expect(report.suppressionNote).toBeNull();
    expect(cellOf(report, "reach.undecided").total).toEqual({ value: 2, display: "2", status: "ok" });
    expect(cellOf(report, "outcomes.duration").total).toMatchObject({ value: 125, display: "125" });
    expect(cellOf(report, "outcomes.goals_reached.sprache").total).toMatchObject({ display: "66,7 %" });
    expect(cellOf(report, "reach.accepted").total.numerator).toEqual({ value: 4, display: "4" });
    expect(cellOf(report, "caseload.open_average").previous).toMatchObject({ display: "3,4" });
  });

  test("a case manager may not open the report (403)", async () => {
    const thrown = await reportLoader({
      request: new Request("http://localhost/berichte"),
      context: reportLoaderContext(db, "case_manager", fx.users.A),
      params: {},
    }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(403);
  });
});

describe("parameters", () => {
  async function errorsOf(query: string) {
    const result = await loadReport(db, { role: "steering" }, new URLSearchParams(query), { today: AS_OF });
    if (result.ok) throw new Error(`accepted: ${query}`);
    return result.submission.reply();
  }

  test("without parameters the report shows the current year", async () => {
    const result = await loadReport(db, { role: "steering" }, new URLSearchParams(), { today: AS_OF });
    expect(result.ok && result.report.period).toEqual({ from: "2025-01-01", to: "2025-12-31", label: "Jahr 2025" });
    expect(result.ok && result.request.search).toBe("zeitraum=jahr&jahr=2025&aufteilung=keine");
  });

  test("month, custom range and filters", async () => {
    const month = await published("coordinator", new URLSearchParams({ zeitraum: "monat", jahr: "2025", monat: "2" }));
    expect(month.period).toMatchObject({ from: "2025-02-01", to: "2025-02-28", label: "Februar 2025" });
    expect(month.previous).toMatchObject({ from: "2025-01-01", to: "2025-01-31" });
    const custom = await published(
      "coordinator",
      new URLSearchParams({ zeitraum: "frei", von: "2025-01-10", bis: "2025-01-20", zielgruppe: "umf", zugangsweg: "jugendamt" }),
    );
    expect(custom.period).toMatchObject({ from: "2025-01-10", to: "2025-01-20", label: "10.01.2025 – 20.01.2025" });
    expect(custom.filter).toMatchObject({ targetGroup: "umf", referralSource: "jugendamt" });
    expect(cellOf(custom, "reach.opened").total.value).toBe(1); // C2
  });

  test("bad input gives German messages per field and keeps the values", async () => {
    const reply = await errorsOf("zeitraum=quartal&jahr=20x5&quartal=2&kommune=3&zielgruppe=alle_menschen");
    expect(reply.error).toMatchObject({
      jahr: ["Bitte geben Sie das Jahr als Zahl an, z. B. 2025."],
      zielgruppe: ["Bitte wählen Sie eine der angebotenen Zielgruppen."],
    });
    expect(reply.initialValue).toMatchObject({ zeitraum: "quartal", jahr: "20x5", quartal: "2", kommune: "3" });
    expect((await errorsOf("zeitraum=quartal&jahr=2025")).error).toMatchObject({ quartal: ["Bitte wählen Sie ein Quartal."] });
    expect((await errorsOf("zeitraum=jahr&jahr=2025&kommune=99999")).error).toMatchObject({
      kommune: ["Diese Kommune ist nicht bekannt."],
    });
    expect((await errorsOf("zeitraum=frei&von=2025-03-10&bis=2025-03-01")).error).toMatchObject({
      bis: ["Das Ende darf nicht vor dem Beginn liegen."],
    });
    expect((await errorsOf("zeitraum=frei&von=2025-02-30&bis=2025-03-01")).error).toMatchObject({
      von: ["Dieses Datum gibt es nicht."],
    });
    expect((await errorsOf("zeitraum=frei&von=2010-01-01&bis=2025-03-01")).error).toMatchObject({
      bis: ["Der Zeitraum darf höchstens zehn Jahre umfassen."],
    });
    expect((await errorsOf("zeitraum=frei&von=2020-01-01&bis=2024-12-31&aufteilung=monat")).error).toMatchObject({
      aufteilung: ["Die Aufteilung nach Monat ist für höchstens 36 Monate möglich."],
    });
    expect((await errorsOf("zeitraum=woche&jahr=2025")).error).toMatchObject({
      zeitraum: ["Bitte wählen Sie Jahr, Quartal, Monat oder einen freien Zeitraum."],
    });
  });

  test("the page answers 400 with the messages and no report", async () => {
    const result = (await reportLoader({
      request: new Request("http://localhost/berichte?zeitraum=monat&jahr=2025&monat=13"),
      context: reportLoaderContext(db, "steering", fx.users.steering),
      params: {},
    })) as unknown as { init: ResponseInit; data: { report: unknown; lastResult: { error: Record<string, string[]> } } };
    expect(result.init.status).toBe(400);
    expect(result.data.report).toBeNull();
    expect(result.data.lastResult.error).toMatchObject({ monat: ["Bitte wählen Sie einen Monat von Januar bis Dezember."] });
  });
});
