// "Entwicklung (24 Monate)" on the hand-made fixture (report-fixture.ts): the monthly series equal the
// hand-computed values and the report's own figure for each month, small months are withheld for the
// steering role (exact for coordinators), and the organisation filter applies.
import ExcelJS from "exceljs";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { monthPeriod } from "../../db/reports/period";
import { buildReport } from "../../db/reports/report";
import { publishReport } from "../../db/reports/suppress";
import { type PublishedTrends, type RawTrends, publishTrends, queryTrends, trendWindow } from "../../db/reports/trends";
import type { Database } from "../../db/schema";
import { loader as xlsxLoader } from "~/routes/berichte_.export[.]xlsx";
import { action as freezeAction } from "~/routes/berichte_.ausgaben._index";
import { loader as editionXlsxLoader } from "~/routes/berichte_.ausgaben.$editionId_.export[.]xlsx";
import { type TestDatabase, createTestDatabase } from "./db";
import { AS_OF, Q1_2025, type ReportFixture, insertReportFixture, reportLoaderContext } from "./report-fixture";

let t: TestDatabase;
let db: Kysely<Database>;
let fx: ReportFixture;
let raw: RawTrends;
let exact: PublishedTrends;
let steering: PublishedTrends;

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  fx = await insertReportFixture(db);
  raw = await queryTrends(db, { ...Q1_2025 }, { asOf: AS_OF });
  exact = publishTrends(raw, { suppress: false });
  steering = publishTrends(raw, { suppress: true });
});
afterAll(async () => {
  await t?.close();
});

/** The published value of a series in a month, as shown. */
function shown(trends: PublishedTrends, seriesKey: string, month: string): string | undefined {
  const i = trends.months.findIndex((m) => m.key === month);
  for (const c of trends.charts) {
    const s = c.series.find((x) => x.key === seriesKey);
    if (s) return s.values[i]?.display;
  }
  return undefined;
}

const rawValue = (key: string, month: string) => raw.cells.get(key)?.[month]?.value;

describe("the window", () => {
  test("24 whole months ending with the period's last month, never after today's month", () => {
    expect(trendWindow(Q1_2025, AS_OF)).toMatchObject({ from: "2023-04-01", to: "2025-03-31" });
    expect(trendWindow({ from: "2025-01-01", to: "2025-12-31" }, "2025-06-30")).toMatchObject({
      from: "2023-07-01",
      to: "2025-06-30",
    });
    expect(raw.months).toHaveLength(24);
    expect(raw.months[0]).toEqual({ key: "2023-04", label: "April 2023" });
    expect(raw.months[23]).toEqual({ key: "2025-03", label: "März 2025" });
  });
});

describe("hand-computed values (coordinators, exact)", () => {
  test("cases opened per month (opening day in Europe/Berlin)", () => {
    // C5 opened 2025-01-01 00:30 Berlin (31 Dec UTC): January. C6 (April 2025) lies after the window.
    const expected: Record<string, number> = { "2024-06": 2, "2024-10": 1, "2024-11": 1, "2025-01": 4, "2025-02": 2, "2025-03": 2 };
    for (const m of raw.months) expect(rawValue("reach.opened", m.key), m.key).toBe(expected[m.key] ?? 0);
  });

  test("share reached within 14 days, of the month's openings", () => {
    // Jan: C1 +2, C2 +0, C8 +2 of C1 C2 C5 C8 (C5 +20); Feb: C3 +10 of C3 C4; Mar: C9 +1 of C9 C13
    expect(raw.cells.get("reach.first_contact_14d")?.["2025-01"]).toMatchObject({ numerator: 3, denominator: 4 });
    expect(raw.cells.get("reach.first_contact_14d")?.["2025-02"]).toMatchObject({ numerator: 1, denominator: 2 });
    expect(raw.cells.get("reach.first_contact_14d")?.["2025-03"]).toMatchObject({ numerator: 1, denominator: 2 });
    expect(shown(exact, "reach.first_contact_14d", "2025-01")).toBe("75,0 %");
    // no openings: no share
    expect(shown(exact, "reach.first_contact_14d", "2024-12")).toBe("–");
  });

  test("open cases per FTE: assigned case-days of the month ÷ days ÷ 5.5 FTE, standard 20", () => {
    // case-days Jan 180, Feb 225 (2 of them unassigned: C4), Mar 216 (11 unassigned: C9, C13)
    expect(rawValue("caseload.per_fte", "2025-01")).toBeCloseTo(180 / 31 / 5.5, 10);
    expect(rawValue("caseload.per_fte", "2025-02")).toBeCloseTo(223 / 28 / 5.5, 10);
    expect(rawValue("caseload.per_fte", "2025-03")).toBeCloseTo(205 / 31 / 5.5, 10);
    const caseload = exact.charts.find((c) => c.key === "caseload");
    expect(caseload?.reference).toEqual({ value: 20, label: "Standard 20" });
    expect(shown(exact, "caseload.per_fte", "2025-01")).toBe("1,1");
  });

  test("closures by reason, in the month of the (last) closure", () => {
    // Jan: C8 keine_zielgruppe; Feb: C4 nicht_zustaendig, C10 verzogen (its December closure was reopened);
    // Mar: C2 ziele_erreicht, C7 uebergabe_regeldienst
    const expected: Record<string, number> = { "2025-01": 1, "2025-02": 2, "2025-03": 2 };
    for (const m of raw.months) expect(rawValue("outcomes.closed", m.key), m.key).toBe(expected[m.key] ?? 0);
    expect(shown(exact, "outcomes.closed.verzogen", "2025-02")).toBe("1");
    expect(shown(exact, "outcomes.closed.ziele_erreicht", "2025-03")).toBe("1");
    expect(shown(exact, "outcomes.closed.uebergabe_regeldienst", "2025-03")).toBe("1");
    expect(shown(exact, "outcomes.closed.ziele_erreicht", "2025-02")).toBe("0");
  });

  test("goal achievement in the month of the evaluation (entfallen not in the denominator)", () => {
    // Dec 2024: C7 erreicht; Feb: C1 erreicht, C1 teilweise; Mar: C2 C3 C5 erreicht, C2 C3 nicht (C1 entfallen;
    // C10's evaluation 31 Mar 22:30 UTC is 1 April in Berlin)
    expect(raw.cells.get("outcomes.goals_reached")?.["2024-12"]).toMatchObject({ numerator: 1, denominator: 1 });
    expect(raw.cells.get("outcomes.goals_reached")?.["2025-02"]).toMatchObject({ numerator: 1, denominator: 2 });
    expect(raw.cells.get("outcomes.goals_reached")?.["2025-03"]).toMatchObject({ numerator: 3, denominator: 5 });
    expect(shown(exact, "outcomes.goals_reached", "2025-03")).toBe("60,0 %");
  });

  test("every point equals the report's own figure for that month", async () => {
    for (const month of ["2024-06", "2024-10", "2024-12", "2025-01", "2025-02", "2025-03"]) {
      const [y, m] = month.split("-").map(Number) as [number, number];
      const report = await buildReport(db, monthPeriod(y, m), "none", { asOf: AS_OF });
      for (const f of report.figures) {
        const cell = raw.cells.get(f.key)?.[month];
        if (!cell) continue;
        expect(cell.value === null ? null : Number(cell.value.toFixed(10)), `${f.key} ${month}`).toEqual(
          f.total.value === null ? null : Number(f.total.value.toFixed(10)),
        );
      }
    }
  });
});

describe("suppression", () => {
  test("steering: a month with 1–4 openings shows <5 and no number; coordinators see it exactly", () => {
    const i = steering.months.findIndex((m) => m.key === "2025-01");
    const opened = steering.charts.find((c) => c.key === "opened")?.series[0];
    expect(opened?.values[i]).toEqual({ value: null, display: "<5", status: "small" });
    expect(shown(exact, "reach.opened", "2025-01")).toBe("4");
    // shares with a basis under 5 and counts of 1–4 closures by reason are withheld
    expect(shown(steering, "reach.first_contact_14d", "2025-01")).toBe("nicht ausgewiesen");
    expect(shown(steering, "outcomes.closed.verzogen", "2025-02")).toBe("<5");
    expect(shown(steering, "outcomes.goals_reached", "2025-03")).toBe("nicht ausgewiesen");
    // a per-FTE value of fewer than 5 open cases is hidden (the report's rule for ratios): December 2024
    // has C7, C11, C12 all month and C10 to the 15th, January 5.8 cases on average
    expect(raw.cells.get("caseload.per_fte")?.["2024-12"]?.numerator).toBeCloseTo((3 * 31 + 14) / 31, 10);
    expect(shown(steering, "caseload.per_fte", "2024-12")).toBe("nicht ausgewiesen");
    expect(shown(exact, "caseload.per_fte", "2024-12")).toBe("0,6");
    expect(shown(steering, "caseload.per_fte", "2025-01")).toBe("1,1");
    // zero stays zero
    expect(shown(steering, "reach.opened", "2024-12")).toBe("0");
  });

  test("steering: no withheld cell carries a number anywhere in the series", () => {
    for (const c of steering.charts) {
      for (const s of c.series) {
        for (const v of s.values) {
          if (v.status !== "ok") expect(v.value, `${s.key}`).toBeNull();
          if (v.status === "ok" && c.unit === "count") expect(v.value === 0 || (v.value ?? 0) >= 5, `${s.key} ${v.display}`).toBe(true);
        }
      }
    }
    const json = JSON.stringify(steering);
    expect(json).not.toMatch(/"numerator":\{"value":[1-4],/);
  });
});

describe("organisation filter", () => {
  test("the series of each organisation add up to the total, and equal the report filtered by it", async () => {
    const [k, w] = await Promise.all([
      queryTrends(db, { ...Q1_2025, organisationId: fx.organisations.K }, { asOf: AS_OF }),
      queryTrends(db, { ...Q1_2025, organisationId: fx.organisations.W }, { asOf: AS_OF }),
    ]);
    for (const m of raw.months) {
      for (const key of ["reach.opened", "outcomes.closed"]) {
        expect((k.cells.get(key)?.[m.key]?.value ?? 0) + (w.cells.get(key)?.[m.key]?.value ?? 0), `${key} ${m.key}`).toBe(
          raw.cells.get(key)?.[m.key]?.value,
        );
      }
    }
    // the filter reaches the series: the Welfare organisation has fewer openings in January than all
    expect(w.cells.get("reach.opened")?.["2025-01"]?.value).toBeLessThan(4);
    const report = await buildReport(db, { ...monthPeriod(2025, 1), organisationId: fx.organisations.W }, "none", { asOf: AS_OF });
    for (const key of ["reach.opened", "caseload.per_fte", "outcomes.goals_reached"]) {
      const f = report.figures.find((x) => x.key === key);
      expect(w.cells.get(key)?.["2025-01"]?.value ?? null, key).toBe(f?.total.value ?? null);
    }
  });
});

describe("in the report and its XLSX", () => {
  test("publishReport carries the series; the XLSX has a sheet Entwicklung with every month", async () => {
    const report = publishReport(await buildReport(db, { ...Q1_2025 }, "none", { asOf: AS_OF }), { suppress: true, trends: raw });
    expect(report.trends?.months).toHaveLength(24);
    const response = (await xlsxLoader({
      request: new Request("http://localhost/berichte/export.xlsx?zeitraum=quartal&jahr=2025&quartal=1&aufteilung=keine"),
      params: {},
      context: reportLoaderContext(db, "steering", fx.users.steering),
    } as never)) as Response;
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.getWorksheet("Entwicklung");
    expect(sheet).toBeDefined();
    const text: string[] = [];
    sheet?.eachRow((row) => text.push((row.values as unknown[]).slice(1).map(String).join("|")));
    const all = text.join("\n");
    expect(all).toContain("Januar 2025");
    expect(all).toContain("März 2025");
    expect(all).toContain("Offene Fälle je Vollzeitstelle");
    // suppressed months are text, never the exact number
    const jan = text.find((l) => l.startsWith("Januar 2025"));
    expect(jan?.split("|")[1]).toBe("<5");
  });
});

describe("a frozen edition", () => {
  test("stores the series as the steering group saw them; its XLSX keeps the sheet Entwicklung byte for byte", async () => {
    const response = (await freezeAction({
      request: new Request("http://localhost/berichte/ausgaben", {
        method: "POST",
        body: new URLSearchParams({ intent: "freeze", bericht: "zeitraum=quartal&jahr=2025&quartal=1&aufteilung=keine", sitzung: "2025-04-15" }),
      }),
      context: reportLoaderContext(db, "coordinator", fx.users.coordinator),
      params: {},
    } as never)) as Response;
    const id = Number((response.headers.get("Location") ?? "").split("/").pop());
    const row = await db.selectFrom("report_editions").select("content").where("id", "=", id).executeTakeFirstOrThrow();
    const frozen = JSON.parse(row.content) as { trends: PublishedTrends | null };
    expect(frozen.trends?.months).toHaveLength(24);
    // suppressed although a coordinator froze it
    const opened = frozen.trends?.charts.find((c) => c.key === "opened")?.series[0];
    expect(opened?.values[frozen.trends?.months.findIndex((m) => m.key === "2025-01") ?? -1]?.display).toBe("<5");
    const download = async () =>
      new Uint8Array(
        await (
          (await editionXlsxLoader({
            request: new Request(`http://localhost/berichte/ausgaben/${id}/export.xlsx`),
            context: reportLoaderContext(db, "steering", fx.users.steering),
            params: { editionId: String(id) },
          } as never)) as Response
        ).arrayBuffer(),
      );
    const first = await download();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(first.buffer as ArrayBuffer);
    expect(workbook.getWorksheet("Entwicklung")).toBeDefined();
    expect(Buffer.from(await download()).equals(Buffer.from(first))).toBe(true);
  });
});
