// "Auf einen Blick" on the hand-made fixture (report-fixture.ts): the eight key figures with their
// previous period and the change in words, exact for coordinators and suppressed for the steering role,
// and as the first worksheet of the XLSX export.
import ExcelJS from "exceljs";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { KEY_FIGURES, trendOf } from "../../db/reports/key-figures";
import { buildReport } from "../../db/reports/report";
import { type PublishedReport, publishReport } from "../../db/reports/suppress";
import type { Database } from "../../db/schema";
import { loader as xlsxLoader } from "~/routes/berichte_.export[.]xlsx";
import { type TestDatabase, createTestDatabase } from "./db";
import { AS_OF, Q1_2025, type ReportFixture, insertReportFixture, reportLoaderContext } from "./report-fixture";

let t: TestDatabase;
let db: Kysely<Database>;
let fx: ReportFixture;
let exact: PublishedReport;
let steering: PublishedReport;

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  fx = await insertReportFixture(db);
  const raw = await buildReport(db, { ...Q1_2025 }, "none", { asOf: AS_OF });
  exact = publishReport(raw, { suppress: false });
  steering = publishReport(raw, { suppress: true });
});
afterAll(async () => {
  await t?.close();
});

const byKey = (report: PublishedReport) => new Map(report.atAGlance.map((k) => [k.key, k]));

describe("key figures, Q1 2025 against Q4 2024", () => {
  test("eight figures in the agreed order", () => {
    expect(exact.atAGlance.map((k) => k.key)).toEqual(KEY_FIGURES.map((k) => k.key));
    expect(exact.atAGlance).toHaveLength(8);
  });

  // Values from report-figures.test.ts: opened 8 / 2; within 14 days 5/8 / 2/2; per FTE 608/90/5.5 ≈ 1,2 /
  // 316/92/5.5 ≈ 0,6; closures with goals reached 1/5 / none; goals reached 4/7 / 1/1; referrals completed
  // 3/5 / 0/1; identities 1 / 1; open findings 2 / 1.
  test("coordinators: exact values, previous period and the change in words", () => {
    const k = byKey(exact);
    const pick = (key: string) => {
      const f = k.get(key);
      return [f?.value.display, f?.previous.display, f?.trend, f?.direction];
    };
    expect(pick("reach.opened")).toEqual(["8", "2", "gestiegen um 6 (Vorperiode: 2)", "up"]);
    expect(pick("reach.first_contact_14d")).toEqual(["62,5 %", "100,0 %", "gesunken um 37,5 Prozentpunkte (Vorperiode: 100,0 %)", "down"]);
    expect(pick("caseload.per_fte")).toEqual(["1,2", "0,6", "gestiegen um 0,6 (Vorperiode: 0,6)", "up"]);
    expect(k.get("caseload.per_fte")?.note).toBe("Standard: 20 offene Fälle je Vollzeitstelle");
    expect(pick("outcomes.closed.ziele_erreicht")).toEqual(["20,0 %", "–", "kein Vergleich: keine Werte in einem der Zeiträume", "none"]);
    expect(pick("outcomes.goals_reached")).toEqual(["57,1 %", "100,0 %", "gesunken um 42,9 Prozentpunkte (Vorperiode: 100,0 %)", "down"]);
    expect(pick("outcomes.referrals_completed")).toEqual(["60,0 %", "0,0 %", "gestiegen um 60,0 Prozentpunkte (Vorperiode: 0,0 %)", "up"]);
    expect(pick("outcomes.identities_clarified")).toEqual(["1", "1", "unverändert (Vorperiode: 1)", "same"]);
    expect(pick("findings.open")).toEqual(["2", "1", "gestiegen um 1 (Vorperiode: 1)", "up"]);
  });

  test("steering: small numbers withheld, no change put in words where a value is withheld", () => {
    const k = byKey(steering);
    for (const f of steering.atAGlance) {
      if (f.value.status !== "ok" || f.previous.status !== "ok") {
        expect(f.direction, f.key).toBe("none");
        expect(f.trend, f.key).toMatch(/^kein Vergleich/);
      }
      // a withheld value carries no number, neither in the cell nor in the words
      if (f.value.status === "small" || f.value.status === "hidden") expect(f.value.value, f.key).toBeNull();
      if (f.previous.status === "small" || f.previous.status === "hidden") expect(f.previous.value, f.key).toBeNull();
    }
    expect(k.get("reach.opened")?.value.display).toBe("8");
    expect(k.get("reach.opened")?.previous.display).toBe("<5");
    expect(k.get("reach.opened")?.trend).toBe("kein Vergleich: zu kleine Zahlen");
    // 2/2 within 14 days in Q4: the basis is under 5
    expect(k.get("reach.first_contact_14d")?.previous.display).toBe("nicht ausgewiesen");
    expect(k.get("outcomes.identities_clarified")?.value.display).toBe("<5");
    expect(k.get("findings.open")?.trend).toBe("kein Vergleich: zu kleine Zahlen");
    // the trend text of a withheld figure never names the exact previous value
    expect(steering.atAGlance.map((f) => f.trend).join(" ")).not.toMatch(/Vorperiode: [1-4]\)/);
  });

  test("the change is computed on the shown values (rounding) and is unchanged when they agree", () => {
    const cell = (value: number, display: string) => ({ value, display, status: "ok" as const });
    expect(trendOf("ratio", false, cell(1.24, "1,2"), cell(1.16, "1,2"))).toEqual({
      direction: "same",
      trend: "unverändert (Vorperiode: 1,2)",
    });
    expect(trendOf("share", false, cell(0.5004, "50,0 %"), cell(0.4996, "50,0 %")).direction).toBe("same");
  });
});

describe("XLSX", () => {
  test("the first worksheet is 'Auf einen Blick' with the key figures (steering: suppressed)", async () => {
    const response = await xlsxLoader({
      request: new Request("http://localhost/berichte/export.xlsx?zeitraum=quartal&jahr=2025&quartal=1"),
      context: reportLoaderContext(db, "steering", fx.users.steering),
      params: {},
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    expect(workbook.worksheets.map((w) => w.name)).toEqual(["Auf einen Blick", "Auswertung", "Entwicklung"]);
    const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
    const rows: ExcelJS.CellValue[][] = [];
    sheet.eachRow((row) => rows.push((row.values as ExcelJS.CellValue[]).slice(1)));
    const opened = rows.find((r) => r[0] === "Eröffnete Fälle");
    expect(opened?.slice(0, 4)).toEqual(["Eröffnete Fälle", 8, "<5", "kein Vergleich: zu kleine Zahlen"]);
    expect(rows.find((r) => r[0] === "Erreicht innerhalb von 14 Tagen")?.[1]).toBeCloseTo(5 / 8, 6);
    // 4 of 7 goals reached: a share of 1–4 is withheld for the steering role
    expect(rows.find((r) => r[0] === "Zielerreichung")?.[1]).toBe("nicht ausgewiesen");
  });
});
