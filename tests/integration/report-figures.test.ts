// Every figure of the evaluation report on the hand-made fixture (report-fixture.ts), totals, previous
// period, every split and the filters. Expected values are worked out by hand in the comments.
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { bucketsOf, periodLabel, previousPeriod } from "../../db/reports/period";
import { queryCaseload } from "../../db/reports/queries";
import { type RawCell, type RawReport, buildReport } from "../../db/reports/report";
import type { Database } from "../../db/schema";
import { type TestDatabase, createTestDatabase } from "./db";
import { AS_OF, Q1_2025, type ReportFixture, expectCell, figure, insertReportFixture } from "./report-fixture";

let t: TestDatabase;
let db: Kysely<Database>;
let fx: ReportFixture;

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  fx = await insertReportFixture(db);
});
afterAll(async () => {
  await t?.close();
});

const share = (numerator: number, denominator: number): RawCell => ({
  value: denominator ? numerator / denominator : null,
  numerator,
  denominator,
});

describe("totals, Q1 2025 against Q4 2024", () => {
  let report: RawReport;
  beforeAll(async () => {
    report = await buildReport(db, { ...Q1_2025 }, "none", { asOf: AS_OF });
  });

  test("the periods and labels", () => {
    expect(report.period).toEqual({ from: "2025-01-01", to: "2025-03-31", label: "1. Quartal 2025" });
    expect(report.previous).toEqual({ from: "2024-10-01", to: "2024-12-31", label: "4. Quartal 2024" });
    expect(report.groups).toEqual([]);
  });

  // Q1 openings (Berlin days): C1, C2, C3, C4, C5 (00:30 on 1 Jan), C8, C9, C13 = 8; C6 opened 00:30 on
  // 1 April is Q2. First contact: all but C4, C13 = 6; days 2, 0, 10, 20, 2, 1 → median (2+2)/2 = 2.
  // Decisions: accepted C1 C2 C3 C5 = 4, not eligible C4, not target group C8, undecided C9 C13.
  // Q4 2024: C7 and C10 opened, both with first contact (1 and 0 days → 0.5), both accepted.
  const expected: Record<string, [RawCell, RawCell]> = {
    "reach.opened": [{ value: 8 }, { value: 2 }],
    "reach.first_contact": [share(6, 8), share(2, 2)],
    // Within 14 days: all with first contact but C5 (20 days) = 5 of 8; Q4: C7 (1) and C10 (0).
    "reach.first_contact_14d": [share(5, 8), share(2, 2)],
    "reach.days_to_first_contact": [
      { value: 2, denominator: 6 },
      { value: 0.5, denominator: 2 },
    ],
    "reach.accepted": [share(4, 6), share(2, 2)],
    "reach.not_eligible": [share(1, 6), share(0, 2)],
    "reach.not_target_group": [share(1, 6), share(0, 2)],
    "reach.undecided": [{ value: 2 }, { value: 0 }],
    // Case-days in Q1 (90 days): C1 81, C2 64, C3 28 (B) + 31 (A), C4 2 (unassigned), C5 90, C7 68, C8 5,
    // C9 7 (unassigned) + 22, C10 39 (after REOPEN), C11 90, C12 90, C13 4 (unassigned) = 621, of which
    // 13 unassigned. Q4 2024 (92 days): C7 57, C10 75, C11 92, C12 92 = 316.
    "caseload.open_average": [
      { value: 621 / 90, numerator: 621, denominator: 90 },
      { value: 316 / 92, numerator: 316, denominator: 92 },
    ],
    // 6 active case managers (G is inactive) with 5.5 FTE; standard 20 per FTE.
    "caseload.per_case_manager": [
      { value: 608 / 90 / 6, numerator: 608 / 90, denominator: 6 },
      { value: 316 / 92 / 6, numerator: 316 / 92, denominator: 6 },
    ],
    "caseload.per_fte": [
      { value: 608 / 90 / 5.5, numerator: 608 / 90, denominator: 5.5 },
      { value: 316 / 92 / 5.5, numerator: 316 / 92, denominator: 5.5 },
    ],
    "caseload.utilisation": [
      { value: 608 / 90 / 110, numerator: 608 / 90, denominator: 110, guard: 5.5 },
      { value: 316 / 92 / 110, numerator: 316 / 92, denominator: 110, guard: 5.5 },
    ],
    "caseload.unassigned_average": [
      { value: 13 / 90, numerator: 13, denominator: 90 },
      { value: 0, numerator: 0, denominator: 92 },
    ],
    // At the end of 31 March only C13 is open and unassigned (C6 opens on 1 April).
    "caseload.unassigned_end": [{ value: 1 }, { value: 0 }],
    "caseload.case_managers": [{ value: 6 }, { value: null }],
    "caseload.fte": [{ value: 5.5 }, { value: null }],
    "caseload.standard": [{ value: 20 }, { value: null }],
    // Closed in Q1: C2 ziele_erreicht, C4 nicht_zustaendig, C7 uebergabe_regeldienst, C8 keine_zielgruppe,
    // C10 verzogen (its first closure in December no longer counts). Nothing closed in Q4 (C10 reopened).
    "outcomes.closed": [{ value: 5 }, { value: 0 }],
    "outcomes.closed.ziele_erreicht": [share(1, 5), share(0, 0)],
    "outcomes.closed.uebergabe_regeldienst": [share(1, 5), share(0, 0)],
    "outcomes.closed.verzogen": [share(1, 5), share(0, 0)],
    "outcomes.closed.kontaktabbruch": [share(0, 5), share(0, 0)],
    "outcomes.closed.ausreise_abschiebung": [share(0, 5), share(0, 0)],
    "outcomes.closed.keine_zielgruppe": [share(1, 5), share(0, 0)],
    "outcomes.closed.nicht_zustaendig": [share(1, 5), share(0, 0)],
    "outcomes.closed.sonstige": [share(0, 5), share(0, 0)],
    // Durations of closed cases with a target group: C2 64, C7 125, C10 150 days → median 125.
    "outcomes.duration": [
      { value: 125, denominator: 3 },
      { value: null, denominator: 0 },
    ],
    // Goals evaluated in Q1: erreicht G1 G4 G7 G8, teilweise G2, nicht G5 G6, entfallen G3 (not in the
    // denominator); G11 is evaluated 00:30 on 1 April. Q4: G9 erreicht.
    "outcomes.goals_evaluated": [{ value: 7 }, { value: 1 }],
    "outcomes.goals_reached": [share(4, 7), share(1, 1)],
    "outcomes.goals_partly": [share(1, 7), share(0, 1)],
    "outcomes.goals_not_reached": [share(2, 7), share(0, 1)],
    "outcomes.goals_dropped": [{ value: 1 }, { value: 0 }],
    "outcomes.goals_reached.sprache": [share(2, 3), share(0, 0)],
    "outcomes.goals_reached.wohnen": [share(1, 2), share(0, 0)],
    "outcomes.goals_reached.bildung_schule": [share(0, 1), share(0, 0)],
    "outcomes.goals_reached.aufenthalt_identitaet": [share(1, 1), share(0, 0)],
    "outcomes.goals_reached.ausbildung_arbeit": [share(0, 0), share(1, 1)],
    "outcomes.goals_reached.gesundheit": [share(0, 0), share(0, 0)],
    "outcomes.goals_reached.familie": [share(0, 0), share(0, 0)],
    "outcomes.goals_reached.finanzielle_sicherung": [share(0, 0), share(0, 0)],
    "outcomes.goals_reached.soziale_teilhabe": [share(0, 0), share(0, 0)],
    // Referrals ended in Q1: R1 R3 R5 abgeschlossen, R2 abgelehnt, R4 abgebrochen; Q4: R7 abgelehnt.
    "outcomes.referrals_ended": [{ value: 5 }, { value: 1 }],
    "outcomes.referrals_completed": [share(3, 5), share(0, 1)],
    "outcomes.referrals_declined": [share(1, 5), share(1, 1)],
    "outcomes.referrals_cancelled": [share(1, 5), share(0, 1)],
    // C5 clarified twice (5 and 7 March) counts once; C10 on 1 December.
    "outcomes.identities_clarified": [{ value: 1 }, { value: 1 }],
    // C7 turned 18 on 20 February; C5's flag is a residence permit, not counted.
    "outcomes.umf_transitions": [{ value: 1 }, { value: 0 }],
    // Findings reported in Q1: F1 (für Lenkungsgruppe, 3 cases), F2 (gemeldet, 7), F3 (erledigt, 2);
    // Q4: F4 (für Lenkungsgruppe, 4).
    "findings.reported": [{ value: 3 }, { value: 1 }],
    "findings.status.gemeldet": [{ value: 1 }, { value: 0 }],
    "findings.status.in_pruefung": [{ value: 0 }, { value: 0 }],
    "findings.status.fuer_lenkungsgruppe": [{ value: 1 }, { value: 1 }],
    "findings.status.erledigt": [{ value: 1 }, { value: 0 }],
    "findings.status.verworfen": [{ value: 0 }, { value: 0 }],
    "findings.affected_cases": [{ value: 12 }, { value: 4 }],
    // no residence history in this fixture (report-residence.test.ts adds one): no moves, no deadlines;
    // cases open in Q1: all but C6 (12); in Q4 2024: C7, C10, C11, C12 (4)
    "outcomes.residence_secured": [{ value: 0 }, { value: 0 }],
    "outcomes.residence_secured_share": [
      { value: 0, numerator: 0, denominator: 12 },
      { value: 0, numerator: 0, denominator: 4 },
    ],
    "outcomes.residence_secured.ae_25a": [{ value: 0 }, { value: 0 }],
    "outcomes.residence_secured.ae_25b": [{ value: 0 }, { value: 0 }],
    "outcomes.residence_secured.ae_104c": [{ value: 0 }, { value: 0 }],
    "outcomes.residence_secured.humanitaer": [{ value: 0 }, { value: 0 }],
    "outcomes.residence_secured.ae_sonstige": [{ value: 0 }, { value: 0 }],
    "outcomes.residence_secured.niederlassungserlaubnis": [{ value: 0 }, { value: 0 }],
    "outcomes.deadlines_due": [{ value: 0 }, { value: 0 }],
    "outcomes.deadlines_missed": [{ value: null, numerator: 0, denominator: 0 }, { value: null, numerator: 0, denominator: 0 }],
    // Open (not erledigt, not verworfen): F1 and F2 in Q1, F4 in Q4.
    "findings.open": [{ value: 2 }, { value: 1 }],
  };

  test("every figure has an expected value here", () => {
    expect(report.figures.map((f) => f.key).sort()).toEqual(Object.keys(expected).sort());
  });

  test.each(Object.entries(expected))("%s", (key, [current, previous]) => {
    const f = figure(report, key);
    expectCell(f.total, current, `${key} current`);
    expectCell(f.previous, previous, `${key} previous`);
    expect(f.groups).toEqual({});
  });
});

describe("splits", () => {
  test("by municipality (client's municipality; findings without one in 'ohne')", async () => {
    const report = await buildReport(db, { ...Q1_2025 }, "municipality", { asOf: AS_OF });
    const { m1, m2, m3 } = fx.municipalities;
    const [k1, k2, k3] = [String(m1), String(m2), String(m3)];
    expect(report.groups.map((g) => g.key)).toEqual(expect.arrayContaining([k1, k2, k3, "ohne"]));
    const g = (key: string) => figure(report, key).groups;
    // Openings: M1 C1 C2 C9; M2 C3 C4 C8 C13; M3 C5.
    expect(g("reach.opened")).toMatchObject({ [k1]: { value: 3 }, [k2]: { value: 4 }, [k3]: { value: 1 }, ohne: { value: 0 } });
    expectCell(g("reach.first_contact")[k2], share(2, 4), "M2 first contact");
    expectCell(g("reach.days_to_first_contact")[k1], { value: 1, denominator: 3 }, "M1 median (2, 0, 1)");
    expectCell(g("reach.days_to_first_contact")[k2], { value: 6, denominator: 2 }, "M2 median (10, 2)");
    expectCell(g("reach.accepted")[k1], share(2, 2), "M1 accepted");
    expectCell(g("reach.accepted")[k2], share(1, 3), "M2 accepted");
    expectCell(g("reach.undecided")[k2], { value: 1 }, "M2 undecided");
    // Case-days: M1 C1 81 + C2 64 + C7 68 + C9 29 + C12 90 = 332 (7 unassigned); M2 C3 59 + C4 2 + C8 5 +
    // C10 39 + C11 90 + C13 4 = 199 (6 unassigned); M3 C5 90.
    expectCell(g("caseload.open_average")[k1], { value: 332 / 90, numerator: 332, denominator: 90 }, "M1 open");
    expectCell(g("caseload.open_average")[k2], { value: 199 / 90, numerator: 199, denominator: 90 }, "M2 open");
    expectCell(g("caseload.open_average")[k3], { value: 1, numerator: 90, denominator: 90 }, "M3 open");
    expectCell(g("caseload.per_fte")[k1], { value: 325 / 90 / 5.5, numerator: 325 / 90, denominator: 5.5 }, "M1 per FTE");
    expectCell(g("caseload.unassigned_average")[k2], { value: 6 / 90, numerator: 6, denominator: 90 }, "M2 unassigned");
    expect(g("caseload.unassigned_end")).toMatchObject({ [k1]: { value: 0 }, [k2]: { value: 1 }, [k3]: { value: 0 } });
    // Staff figures are not split.
    expect(g("caseload.case_managers")).toEqual({});
    expect(g("outcomes.closed")).toMatchObject({ [k1]: { value: 2 }, [k2]: { value: 3 }, [k3]: { value: 0 } });
    expectCell(g("outcomes.duration")[k1], { value: (64 + 125) / 2, denominator: 2 }, "M1 duration (C2, C7)");
    expectCell(g("outcomes.duration")[k2], { value: 150, denominator: 1 }, "M2 duration (C10)");
    expectCell(g("outcomes.goals_reached")[k1], share(2, 4), "M1 goals");
    expectCell(g("outcomes.goals_reached")[k2], share(1, 2), "M2 goals");
    expectCell(g("outcomes.goals_reached")[k3], share(1, 1), "M3 goals");
    expectCell(g("outcomes.goals_reached.sprache")[k1], share(2, 2), "M1 Sprache: G1, G4 erreicht (G3 entfallen)");
    expectCell(g("outcomes.goals_reached.sprache")[k2], share(0, 1), "M2 Sprache: G6 nicht erreicht");
    expect(g("outcomes.referrals_ended")).toMatchObject({ [k1]: { value: 3 }, [k2]: { value: 1 }, [k3]: { value: 1 } });
    expect(g("outcomes.identities_clarified")).toMatchObject({ [k3]: { value: 1 }, [k1]: { value: 0 } });
    expect(g("outcomes.umf_transitions")).toMatchObject({ [k1]: { value: 1 }, [k2]: { value: 0 } });
    expect(g("findings.reported")).toMatchObject({ [k1]: { value: 1 }, [k2]: { value: 1 }, [k3]: { value: 0 }, ohne: { value: 1 } });
    expect(g("findings.affected_cases")).toMatchObject({ [k1]: { value: 3 }, [k2]: { value: 7 }, ohne: { value: 2 } });
  });

  test("by month: counts by the month of their date, case-days per month", async () => {
    const report = await buildReport(db, { ...Q1_2025 }, "month", { asOf: AS_OF });
    expect(report.groups).toEqual([
      { key: "2025-01", label: "Januar 2025" },
      { key: "2025-02", label: "Februar 2025" },
      { key: "2025-03", label: "März 2025" },
    ]);
    const g = (key: string) => figure(report, key).groups;
    expect(g("reach.opened")).toMatchObject({ "2025-01": { value: 4 }, "2025-02": { value: 2 }, "2025-03": { value: 2 } });
    // January: C1 22, C2 17, C5 31, C7 31, C8 5, C10 12, C11 31, C12 31 = 180 in 31 days;
    // February: C1 C2 C3 C5 C7 C11 C12 28 each, C4 2, C10 27 = 225 in 28; March: 216 in 31.
    expectCell(g("caseload.open_average")["2025-01"], { value: 180 / 31, numerator: 180, denominator: 31 }, "Jan");
    expectCell(g("caseload.open_average")["2025-02"], { value: 225 / 28, numerator: 225, denominator: 28 }, "Feb");
    expectCell(g("caseload.open_average")["2025-03"], { value: 216 / 31, numerator: 216, denominator: 31 }, "Mar");
    expectCell(g("caseload.unassigned_average")["2025-03"], { value: 11 / 31, numerator: 11, denominator: 31 }, "Mar");
    expect(g("caseload.unassigned_end")).toMatchObject({ "2025-01": { value: 0 }, "2025-02": { value: 0 }, "2025-03": { value: 1 } });
    // The total of a time split is the whole period.
    expectCell(figure(report, "caseload.open_average").total, { value: 621 / 90 }, "total");
    expectCell(figure(report, "caseload.unassigned_end").total, { value: 1 }, "total at 31 March");
    expect(g("outcomes.closed")).toMatchObject({ "2025-01": { value: 1 }, "2025-02": { value: 2 }, "2025-03": { value: 2 } });
    expectCell(g("outcomes.goals_reached")["2025-03"], share(3, 5), "March goals: G4 G7 G8 of G4 G5 G6 G7 G8");
    expect(g("outcomes.umf_transitions")).toMatchObject({ "2025-02": { value: 1 }, "2025-03": { value: 0 } });
    expect(g("outcomes.identities_clarified")).toMatchObject({ "2025-03": { value: 1 } });
    expect(g("findings.reported")).toMatchObject({ "2025-01": { value: 1 }, "2025-02": { value: 1 }, "2025-03": { value: 1 } });
  });

  test("by quarter over a year, with days after asOf not counted", async () => {
    const report = await buildReport(db, { from: "2025-01-01", to: "2025-12-31" }, "quarter", { asOf: "2025-03-31" });
    expect(report.groups.map((g) => g.key)).toEqual(["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]);
    const open = figure(report, "caseload.open_average");
    expectCell(open.groups["2025-Q1"], { value: 621 / 90, numerator: 621, denominator: 90 }, "Q1");
    expectCell(open.groups["2025-Q2"], { value: null }, "Q2 lies after asOf");
    expect(figure(report, "caseload.unassigned_end").groups["2025-Q2"]).toEqual({ value: null });
    // The year counts 90 days up to asOf.
    expectCell(open.total, { value: 621 / 90, numerator: 621, denominator: 90 }, "year");
    // C6 (1 April) and G11 are in Q2.
    expect(figure(report, "reach.opened").groups).toMatchObject({ "2025-Q1": { value: 8 }, "2025-Q2": { value: 1 } });
    expectCell(figure(report, "outcomes.goals_reached").groups["2025-Q2"], share(1, 1), "Q2 goals (G11)");
  });

  test("by target group: unclassified cases in 'ohne', UMF transitions always UMF", async () => {
    const report = await buildReport(db, { ...Q1_2025 }, "targetGroup", { asOf: AS_OF });
    expect(report.groups.map((g) => g.key)).toEqual(["umf", "geduldete_identitaet", "neuzugewanderte_erhoeht", "ohne"]);
    const g = (key: string) => figure(report, key).groups;
    expect(g("reach.opened")).toMatchObject({
      umf: { value: 2 },
      neuzugewanderte_erhoeht: { value: 1 },
      geduldete_identitaet: { value: 1 },
      ohne: { value: 4 },
    });
    expectCell(g("reach.accepted").ohne, share(0, 2), "ohne: C4 not eligible, C8 not target group");
    // umf: C1 81 + C2 64 + C11 90 = 235; neuzugewandert: C3 59 + C7 68 + C10 39 + C12 90 = 256;
    // geduldet: C5 90; ohne: C4 2 + C8 5 + C9 29 + C13 4 = 40.
    expectCell(g("caseload.open_average").umf, { value: 235 / 90, numerator: 235 }, "umf");
    expectCell(g("caseload.open_average").neuzugewanderte_erhoeht, { value: 256 / 90, numerator: 256 }, "neu");
    expectCell(g("caseload.open_average").ohne, { value: 40 / 90, numerator: 40 }, "ohne");
    expect(g("outcomes.umf_transitions")).toMatchObject({ umf: { value: 1 }, neuzugewanderte_erhoeht: { value: 0 } });
    expect(g("findings.reported")).toMatchObject({
      umf: { value: 1 },
      neuzugewanderte_erhoeht: { value: 1 },
      ohne: { value: 1 },
      geduldete_identitaet: { value: 0 },
    });
  });

  test("by referral source; findings cannot be split that way", async () => {
    const report = await buildReport(db, { ...Q1_2025 }, "referralSource", { asOf: AS_OF });
    expect(report.groups.map((g) => g.key)).toEqual([
      "sozialamt",
      "integration_point",
      "auslaenderamt",
      "fluechtlingsberatung",
      "jugendamt",
      "selbstmelder",
      "sonstige",
    ]);
    const g = (key: string) => figure(report, key).groups;
    expect(g("reach.opened")).toMatchObject({
      sozialamt: { value: 3 },
      jugendamt: { value: 1 },
      integration_point: { value: 1 },
      selbstmelder: { value: 1 },
      fluechtlingsberatung: { value: 1 },
      auslaenderamt: { value: 1 },
      sonstige: { value: 0 },
    });
    // sozialamt: C1 81, C4 2, C7 68, C10 39, C12 90, C13 4 = 284.
    expectCell(g("caseload.open_average").sozialamt, { value: 284 / 90, numerator: 284 }, "sozialamt");
    expect(g("outcomes.closed")).toMatchObject({ sozialamt: { value: 3 }, jugendamt: { value: 1 }, fluechtlingsberatung: { value: 1 } });
    expect(g("findings.reported")).toEqual({});
    expectCell(figure(report, "findings.reported").total, { value: 3 }, "findings total stays");
  });
});

describe("filters", () => {
  test("referral source sozialamt", async () => {
    const report = await buildReport(db, { ...Q1_2025, referralSource: "sozialamt" }, "none", { asOf: AS_OF });
    const total = (key: string) => figure(report, key).total;
    expectCell(total("reach.opened"), { value: 3 }, "C1 C4 C13");
    expectCell(total("reach.first_contact"), share(1, 3), "only C1");
    expectCell(total("reach.accepted"), share(1, 2), "C1 of C1, C4");
    expectCell(total("outcomes.closed"), { value: 3 }, "C4 C7 C10");
    expectCell(total("outcomes.duration"), { value: 137.5, denominator: 2 }, "C7 125, C10 150");
    expectCell(total("outcomes.goals_reached"), share(1, 2), "C1: G1 erreicht, G2 teilweise");
    expectCell(total("outcomes.goals_dropped"), { value: 1 }, "G3");
    expectCell(total("outcomes.referrals_ended"), { value: 2 }, "R1 R2");
    expectCell(total("outcomes.umf_transitions"), { value: 1 }, "C7");
    expectCell(total("caseload.open_average"), { value: 284 / 90 }, "284 case-days");
    expectCell(total("caseload.unassigned_end"), { value: 1 }, "C13");
    expect(total("findings.reported")).toEqual({ value: null, notApplicable: true });
    expect(report.filterLabels).toEqual({ targetGroup: null, municipality: null, referralSource: "Sozialamt", organisation: null });
  });

  test("target group UMF counts the UMF transition of a case re-classified since", async () => {
    const report = await buildReport(db, { ...Q1_2025, targetGroup: "umf" }, "none", { asOf: AS_OF });
    const total = (key: string) => figure(report, key).total;
    expectCell(total("reach.opened"), { value: 2 }, "C1 C2");
    expectCell(total("caseload.open_average"), { value: 235 / 90 }, "C1 C2 C11");
    expectCell(total("outcomes.closed"), { value: 1 }, "C2");
    expectCell(total("outcomes.umf_transitions"), { value: 1 }, "C7, now neuzugewandert");
    expectCell(total("findings.reported"), { value: 1 }, "F1");
  });

  test("municipality M3", async () => {
    const report = await buildReport(db, { ...Q1_2025, municipalityId: fx.municipalities.m3 }, "municipality", { asOf: AS_OF });
    expect(report.groups.map((g) => g.key)).toEqual([String(fx.municipalities.m3)]);
    expectCell(figure(report, "reach.opened").total, { value: 1 }, "C5");
    expectCell(figure(report, "outcomes.identities_clarified").total, { value: 1 }, "C5");
    expect(report.filterLabels.municipality).toBe('=HYPERLINK("http://example.invalid","Klick")');
  });

  test("a period after asOf has no caseload days", async () => {
    const report = await buildReport(db, { from: "2025-07-01", to: "2025-07-31" }, "none", { asOf: AS_OF });
    expect(figure(report, "caseload.open_average").total).toEqual({ value: null, numerator: 0, denominator: 0 });
    expect(figure(report, "caseload.per_fte").total.value).toBeNull();
    expect(figure(report, "caseload.unassigned_end").total).toEqual({ value: null });
  });
});

describe("the open intervals kept by trigger (report_case_intervals)", () => {
  test("equal the intervals computed live from the event log", async () => {
    const rows = (view: "report_open_intervals" | "report_open_intervals_live") =>
      sql<Record<string, unknown>>`SELECT case_id, case_manager_id, from_on, to_on, target_group, municipality_id,
        referral_source FROM ${sql.table(view)} ORDER BY case_id, from_on`.execute(db);
    const [kept, live] = await Promise.all([rows("report_open_intervals"), rows("report_open_intervals_live")]);
    expect(live.rows.length).toBeGreaterThan(10);
    expect(kept.rows).toEqual(live.rows);
    // C10: open until its first closure, closed until the REOPEN, open again until 28 February.
    expect(live.rows.filter((r) => r.case_id === fx.cases.C10)).toEqual([
      expect.objectContaining({ case_manager_id: fx.users.A, from_on: "2024-10-01", to_on: "2024-12-15" }),
      expect.objectContaining({ case_manager_id: fx.users.A, from_on: "2025-01-20", to_on: "2025-02-28" }),
    ]);
    // C9: unassigned until the TRANSFER, then A, still open.
    expect(live.rows.filter((r) => r.case_id === fx.cases.C9)).toEqual([
      expect.objectContaining({ case_manager_id: null, from_on: "2025-03-03", to_on: "2025-03-10" }),
      expect.objectContaining({ case_manager_id: fx.users.A, from_on: "2025-03-10", to_on: null }),
    ]);
  });

  test("the caseload query gives the same answer on both", async () => {
    const filter = { ...Q1_2025 };
    const [kept, live] = await Promise.all([
      queryCaseload(db, filter, "municipality", { asOf: AS_OF }),
      queryCaseload(db, filter, "municipality", { asOf: AS_OF, source: "live" }),
    ]);
    const sort = (r: typeof live.rows) => [...r].sort((a, b) => String(a.grp).localeCompare(String(b.grp)));
    expect(sort(kept.rows)).toEqual(sort(live.rows));
  });
});

describe("kept in step by triggers: every change counts at once", () => {
  const keptEqualsLive = async () => {
    const { rows } = await sql<{ extra: number; missing: number }>`
      SELECT (SELECT count(*) FROM (SELECT * FROM report_open_intervals EXCEPT SELECT * FROM report_open_intervals_live) a)::int AS extra,
        (SELECT count(*) FROM (SELECT * FROM report_open_intervals_live EXCEPT SELECT * FROM report_open_intervals) b)::int AS missing`.execute(db);
    expect(rows[0]).toEqual({ extra: 0, missing: 0 });
  };

  test("a new lifecycle event changes the caseload in the next report", async () => {
    const before = await buildReport(db, { ...Q1_2025 }, "none", { asOf: AS_OF });
    expectCell(figure(before, "caseload.unassigned_average").total, { value: 13 / 90, numerator: 13 }, "before transfer");
    // C13 is assigned to B on 2025-03-30: a new lifecycle event.
    await db
      .insertInto("case_events")
      .values({
        case_id: fx.cases.C13 as string,
        seq: 2,
        type: "TRANSFER",
        payload: JSON.stringify({ toCaseManagerId: fx.users.B }),
        from_state: "intake",
        to_state: "intake",
        actor_id: fx.users.coordinator,
        occurred_at: "2025-03-30T12:00:00Z",
      })
      .execute();
    const report = await buildReport(db, { ...Q1_2025 }, "none", { asOf: AS_OF });
    // C13 was unassigned 28–29 March (2 days) and is assigned from 30 March: 11 unassigned days instead of 13.
    expectCell(figure(report, "caseload.unassigned_average").total, { value: 11 / 90, numerator: 11 }, "after transfer");
    expectCell(figure(report, "caseload.unassigned_end").total, { value: 0 }, "C13 assigned");
    await keptEqualsLive();
  });

  test("events that are no lifecycle step leave the intervals alone; out-of-order lifecycle rows still give the definition", async () => {
    const before = await db.selectFrom("report_case_intervals").selectAll().where("case_id", "=", fx.cases.C13 as string).execute();
    await db
      .insertInto("case_events")
      .values({
        case_id: fx.cases.C13 as string,
        seq: 4,
        type: "RECORD_CONTACT",
        payload: "{}",
        from_state: "intake",
        to_state: "classification",
        actor_id: fx.users.B,
        occurred_at: "2025-03-31T12:00:00Z",
      })
      .execute();
    expect(await db.selectFrom("report_case_intervals").selectAll().where("case_id", "=", fx.cases.C13 as string).execute()).toEqual(
      before,
    );
    // A transfer to A, inserted after the contact although its seq is lower: the whole case is recomputed.
    await db
      .insertInto("case_events")
      .values({
        case_id: fx.cases.C13 as string,
        seq: 3,
        type: "TRANSFER",
        payload: JSON.stringify({ toCaseManagerId: fx.users.A }),
        from_state: "intake",
        to_state: "intake",
        actor_id: fx.users.coordinator,
        occurred_at: "2025-03-31T08:00:00Z",
      })
      .execute();
    const after = await db
      .selectFrom("report_case_intervals")
      .select(["seq", "case_manager_id", "from_on", "to_on"])
      .where("case_id", "=", fx.cases.C13 as string)
      .orderBy("seq")
      .execute();
    expect(after.map((r) => [r.case_manager_id, r.to_on])).toEqual([
      [null, "2025-03-30"],
      [fx.users.B, "2025-03-31"],
      [fx.users.A, null],
    ]);
    await keptEqualsLive();
  });

  test("a closure and a move of the client reach report_cases and the intervals", async () => {
    const caseId = fx.cases.C13 as string;
    const client = await db.selectFrom("cases").select("client_id").where("id", "=", caseId).executeTakeFirstOrThrow();
    const facts = () => db.selectFrom("report_cases").selectAll().where("case_id", "=", caseId).executeTakeFirstOrThrow();
    const before = await facts();
    const otherMunicipality = before.municipality_id === fx.municipalities.m1 ? fx.municipalities.m2 : fx.municipalities.m1;
    await db.updateTable("clients").set({ municipality_id: otherMunicipality }).where("id", "=", client.client_id).execute();
    await db
      .updateTable("cases")
      .set({ state: "closed", closed_at: new Date("2025-04-02T10:00:00Z"), closure_reason: "nicht_zustaendig" })
      .where("id", "=", caseId)
      .execute();
    expect(await facts()).toMatchObject({
      municipality_id: otherMunicipality,
      state: "closed",
      closure_reason: "nicht_zustaendig",
      closed_at: new Date("2025-04-02T10:00:00Z"),
    });
    // and report_cases holds exactly what the cases and clients tables say, for every case
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM (
        SELECT c.id, c.client_id, c.target_group, cl.municipality_id, c.referral_source, c.state, c.opened_at,
          c.first_contact_at, c.closed_at, c.closure_reason, c.organisation_id FROM cases c JOIN clients cl ON cl.id = c.client_id
        EXCEPT SELECT case_id, client_id, target_group, municipality_id, referral_source, state, opened_at,
            first_contact_at, closed_at, closure_reason, organisation_id FROM report_cases) d`.execute(db);
    expect(rows[0]?.n).toBe(0);
    const counts = await sql<{ cases: number; facts: number }>`
      SELECT (SELECT count(*) FROM cases)::int AS cases, (SELECT count(*) FROM report_cases)::int AS facts`.execute(db);
    expect(counts.rows[0]?.facts).toBe(counts.rows[0]?.cases);
    // the intervals carry the new municipality too
    const intervals = await db.selectFrom("report_case_intervals").select("municipality_id").where("case_id", "=", caseId).execute();
    expect(intervals.length).toBeGreaterThan(0);
    for (const i of intervals) expect(i.municipality_id).toBe(otherMunicipality);
    await keptEqualsLive();
  });
});

describe("periods", () => {
  test("previous period: month, quarter, year, whole months, and a custom range of days", () => {
    expect(previousPeriod({ from: "2025-03-01", to: "2025-03-31" })).toEqual({ from: "2025-02-01", to: "2025-02-28" });
    expect(previousPeriod({ from: "2025-01-01", to: "2025-01-31" })).toEqual({ from: "2024-12-01", to: "2024-12-31" });
    expect(previousPeriod({ from: "2025-01-01", to: "2025-03-31" })).toEqual({ from: "2024-10-01", to: "2024-12-31" });
    expect(previousPeriod({ from: "2024-01-01", to: "2024-12-31" })).toEqual({ from: "2023-01-01", to: "2023-12-31" });
    expect(previousPeriod({ from: "2025-02-01", to: "2025-05-31" })).toEqual({ from: "2024-10-01", to: "2025-01-31" });
    expect(previousPeriod({ from: "2025-03-10", to: "2025-03-19" })).toEqual({ from: "2025-02-28", to: "2025-03-09" });
  });

  test("buckets are clipped to the period and labelled in German", () => {
    expect(bucketsOf({ from: "2025-02-15", to: "2025-04-10" }, "month")).toEqual([
      { key: "2025-02", from: "2025-02-15", to: "2025-02-28" },
      { key: "2025-03", from: "2025-03-01", to: "2025-03-31" },
      { key: "2025-04", from: "2025-04-01", to: "2025-04-10" },
    ]);
    expect(bucketsOf({ from: "2024-11-15", to: "2025-02-10" }, "quarter")).toEqual([
      { key: "2024-Q4", from: "2024-11-15", to: "2024-12-31" },
      { key: "2025-Q1", from: "2025-01-01", to: "2025-02-10" },
    ]);
    expect(periodLabel({ from: "2025-03-01", to: "2025-03-31" })).toBe("März 2025");
    expect(periodLabel({ from: "2025-01-01", to: "2025-12-31" })).toBe("Jahr 2025");
    expect(periodLabel({ from: "2025-03-10", to: "2025-03-19" })).toBe("10.03.2025 – 19.03.2025");
  });
});
