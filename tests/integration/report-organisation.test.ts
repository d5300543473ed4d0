// The organisation (Träger) as a report dimension (migration 0013): the split "nach Träger" and the
// filter on the hand-made fixture, the steering role's suppression in the split, the URL parameter, and
// report_cases / report_case_intervals following a case that moves to another organisation.
//
// Fixture organisations: K = the Kreis's own team (case managers A, E, F active, G inactive; FTE 3),
// W = a welfare organisation (B 0.5 FTE, C, D; FTE 2.5). A case belongs to the organisation of its
// *current* case manager; an intake without one to the organisation that opened it (C6: W, others: K).
//   K: C1, C2, C3 (B → A on 1 Mar: moved from W to K), C4, C7, C9 (unassigned → A), C10, C13
//   W: C5, C6, C8, C11, C12
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadReport } from "~/reports/report.server";
import { type RawCell, type RawReport, buildReport } from "../../db/reports/report";
import { type PublishedReport, publishReport } from "../../db/reports/suppress";
import type { Database } from "../../db/schema";
import { type TestDatabase, createTestDatabase } from "./db";
import { AS_OF, Q1_2025, type ReportFixture, expectCell, figure, insertReportFixture } from "./report-fixture";

let t: TestDatabase;
let db: Kysely<Database>;
let fx: ReportFixture;
let K: string;
let W: string;

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  fx = await insertReportFixture(db);
  K = String(fx.organisations.K);
  W = String(fx.organisations.W);
});
afterAll(async () => {
  await t?.close();
});

describe("split by organisation, Q1 2025 (hand-computed)", () => {
  let report: RawReport;
  beforeAll(async () => {
    report = await buildReport(db, { ...Q1_2025 }, "organisation", { asOf: AS_OF });
  });

  test("one group per organisation, by name", () => {
    const ours = report.groups.filter((g) => g.key === K || g.key === W);
    expect(ours).toEqual([
      { key: W, label: "Caritas (Test)" },
      { key: K, label: "Kreis Mettmann (Test)" },
    ]);
  });

  // Each cell: [K, W]. Opened in Q1 (Berlin days): K C1, C2, C3, C4, C9, C13 = 6; W C5, C8 = 2 (C6 opened
  // on 1 April). First contact: K C1, C2, C3, C9 = 4 of 6; W 2 of 2. Days to first contact: K 2, 0, 10, 1
  // → median 1.5; W C5 20 (1 Jan → 21 Jan), C8 2 → median 11. Closures in Q1: K C2, C4, C7, C10 = 4;
  // W C8 = 1.
  // Caseload (90 days, case-days open at the end of each day): W C5 90, C8 5 (20–24 Jan), C11 90, C12 90
  // = 275 assigned; K C1 81, C2 64, C3 59 (all of it at K, also the days with B), C7 68, C9 22 assigned
  // + 7 unassigned, C10 39 (reopened 20 Jan – 27 Feb), C4 2 unassigned, C13 4 unassigned = 333 assigned,
  // 13 unassigned, 346 in all. Together 621 case-days, the total of report-figures.test.ts.
  // Staff (as of now): K 3 active case managers, 3 FTE; W 3 and 2.5 FTE. Standard: 20 per FTE.
  const expected: Record<string, [RawCell, RawCell]> = {
    "reach.opened": [{ value: 6 }, { value: 2 }],
    "reach.first_contact": [
      { value: 4 / 6, numerator: 4, denominator: 6 },
      { value: 1, numerator: 2, denominator: 2 },
    ],
    "reach.days_to_first_contact": [
      { value: 1.5, denominator: 4 },
      { value: 11, denominator: 2 },
    ],
    "outcomes.closed": [{ value: 4 }, { value: 1 }],
    "caseload.open_average": [
      { value: 346 / 90, numerator: 346, denominator: 90 },
      { value: 275 / 90, numerator: 275, denominator: 90 },
    ],
    "caseload.per_case_manager": [
      { value: 333 / 90 / 3, denominator: 3 },
      { value: 275 / 90 / 3, denominator: 3 },
    ],
    "caseload.per_fte": [
      { value: 333 / 90 / 3, denominator: 3 },
      { value: 275 / 90 / 2.5, denominator: 2.5 },
    ],
    "caseload.utilisation": [
      { value: 333 / 90 / 3 / 20, denominator: 60, guard: 3 },
      { value: 275 / 90 / 2.5 / 20, denominator: 50, guard: 2.5 },
    ],
    "caseload.unassigned_average": [
      { value: 13 / 90, numerator: 13, denominator: 90 },
      { value: 0, numerator: 0, denominator: 90 },
    ],
    "caseload.unassigned_end": [{ value: 1 }, { value: 0 }],
    "caseload.case_managers": [{ value: 3 }, { value: 3 }],
    "caseload.fte": [{ value: 3 }, { value: 2.5 }],
  };
  for (const [key, [k, w]] of Object.entries(expected)) {
    test(key, () => {
      const f = figure(report, key);
      expectCell(f.groups[K], k, `${key} K`);
      expectCell(f.groups[W], w, `${key} W`);
    });
  }

  test("every count figure: the organisations add up to the total (every case has one)", () => {
    for (const f of report.figures) {
      const groups = Object.values(f.groups);
      if (groups.length === 0 || f.key.startsWith("caseload.")) continue;
      const def = f.key;
      const isCount = f.total.numerator === undefined && f.total.denominator === undefined;
      if (!isCount) continue;
      const sum = groups.reduce((s, c) => s + (c.value ?? 0), 0);
      expect(sum, def).toBe(f.total.value);
    }
    expect(figure(report, "caseload.open_average").total.numerator).toBe(621);
  });

  test("structural findings carry no organisation: not split", () => {
    expect(figure(report, "findings.reported").groups).toEqual({});
    expect(figure(report, "caseload.standard").groups).toEqual({});
  });
});

describe("filter by organisation", () => {
  test("only the organisation's cases and staff; findings not applicable", async () => {
    const report = await buildReport(db, { ...Q1_2025, organisationId: fx.organisations.W }, "none", { asOf: AS_OF });
    expect(report.filterLabels.organisation).toBe("Caritas (Test)");
    expectCell(figure(report, "reach.opened").total, { value: 2 }, "opened");
    expectCell(figure(report, "outcomes.closed").total, { value: 1 }, "closed");
    expectCell(figure(report, "caseload.open_average").total, { value: 275 / 90, numerator: 275, denominator: 90 }, "open");
    expectCell(figure(report, "caseload.per_fte").total, { value: 275 / 90 / 2.5, denominator: 2.5 }, "per FTE");
    expectCell(figure(report, "caseload.case_managers").total, { value: 3 }, "case managers");
    expect(figure(report, "findings.reported").total).toEqual({ value: null, notApplicable: true });
    // previous period Q4 2024 with the same filter: W had C11, C12 open all 92 days, C5 opened 1 Jan
    expectCell(figure(report, "caseload.open_average").previous, { value: 2, numerator: 184, denominator: 92 }, "previous");
  });

  test("a split by organisation under the filter shows that organisation only", async () => {
    const report = await buildReport(db, { ...Q1_2025, organisationId: fx.organisations.K }, "organisation", { asOf: AS_OF });
    expect(report.groups).toEqual([{ key: K, label: "Kreis Mettmann (Test)" }]);
    expectCell(figure(report, "reach.opened").groups[K], { value: 6 }, "opened K");
  });
});

describe("the steering role: suppressed in the split", () => {
  let published: PublishedReport;
  beforeAll(async () => {
    const raw = await buildReport(db, { ...Q1_2025 }, "organisation", { asOf: AS_OF });
    published = publishReport(raw, { suppress: true });
  });
  const cell = (key: string, grp: string) => {
    for (const s of published.sections) {
      const f = s.figures.find((x) => x.key === key);
      if (f) return f.groups[grp];
    }
    throw new Error(`no figure ${key}`);
  };

  test("counts 1–4 become <5 without a number, 5 and more are shown", () => {
    expect(cell("reach.opened", K)).toMatchObject({ value: 6, display: "6", status: "ok" });
    expect(cell("reach.opened", W)).toEqual({ value: null, display: "<5", status: "small" });
    expect(cell("outcomes.closed", K)).toMatchObject({ value: null, display: "<5", status: "small" });
    expect(cell("caseload.case_managers", W)).toMatchObject({ value: null, display: "<5" });
  });

  test("rates with a basis under 5 (or 1–4 cases) and ratios over fewer than 5 people are hidden", () => {
    expect(cell("reach.first_contact", W)).toMatchObject({ value: null, status: "hidden" });
    // 4 of 6 has a basis of 6 but names 4 cases
    expect(cell("reach.first_contact", K)).toMatchObject({ value: null, status: "hidden" });
    expect(cell("reach.days_to_first_contact", K)).toMatchObject({ value: null, status: "hidden" });
    expect(cell("caseload.per_case_manager", K)).toMatchObject({ value: null, status: "hidden" });
    expect(cell("caseload.per_fte", W)).toMatchObject({ value: null, status: "hidden" });
    // and no exact number under 5 of a suppressed cell leaves the server (the basis 6 of K may show)
    expect(cell("reach.first_contact", K)?.numerator).toEqual({ value: null, display: "<5" });
    expect(cell("reach.first_contact", K)?.denominator).toEqual({ value: 6, display: "6" });
    const json = JSON.stringify([cell("reach.first_contact", W), cell("caseload.per_fte", W), cell("reach.opened", W)]);
    expect(json).not.toMatch(/"value":\d/);
    expect(json).not.toMatch(/"display":"[0-9]/);
  });

  test("the note says what Träger means", () => {
    expect(published.organisationNote).toMatch(/Träger/);
    expect(published.splitLabel).toBe("Träger");
  });
});

describe("URL parameters", () => {
  test("aufteilung=traeger and organisation=<id> reach the report; an unknown id is a German field error", async () => {
    const params = new URLSearchParams({ zeitraum: "quartal", jahr: "2025", quartal: "1", aufteilung: "traeger", organisation: W });
    const ok = await loadReport(db, { role: "coordinator" }, params, { today: AS_OF });
    if (!ok.ok) throw new Error("rejected");
    expect(ok.request.split).toBe("organisation");
    expect(ok.request.filter.organisationId).toBe(fx.organisations.W);
    expect(ok.request.search).toContain(`organisation=${W}`);
    expect(ok.organisations.map((o) => o.name)).toContain("Caritas (Test)");
    const bad = await loadReport(
      db,
      { role: "steering" },
      new URLSearchParams({ zeitraum: "jahr", jahr: "2025", organisation: "999999" }),
      { today: AS_OF },
    );
    if (bad.ok) throw new Error("accepted");
    expect(bad.submission.reply().error).toMatchObject({ organisation: ["Dieser Träger ist nicht bekannt."] });
    const text = await loadReport(db, { role: "steering" }, new URLSearchParams({ zeitraum: "jahr", jahr: "2025", organisation: "x" }), {
      today: AS_OF,
    });
    expect(!text.ok && text.submission.reply().error).toMatchObject({ organisation: ["Bitte wählen Sie einen der angebotenen Träger."] });
  });
});

describe("a case that moves to another organisation moves in the report facts", () => {
  async function keptEqualsLive() {
    const { rows } = await sql<{ extra: number; missing: number; facts_off: number }>`
      SELECT (SELECT count(*) FROM (SELECT * FROM report_open_intervals EXCEPT SELECT * FROM report_open_intervals_live) a)::int AS extra,
        (SELECT count(*) FROM (SELECT * FROM report_open_intervals_live EXCEPT SELECT * FROM report_open_intervals) b)::int AS missing,
        (SELECT count(*) FROM (
          SELECT c.id, c.client_id, c.target_group, cl.municipality_id, c.referral_source, c.state, c.opened_at,
            c.first_contact_at, c.closed_at, c.closure_reason, c.organisation_id FROM cases c JOIN clients cl ON cl.id = c.client_id
          EXCEPT SELECT case_id, client_id, target_group, municipality_id, referral_source, state, opened_at,
            first_contact_at, closed_at, closure_reason, organisation_id FROM report_cases) d)::int AS facts_off`.execute(db);
    expect(rows[0]).toEqual({ extra: 0, missing: 0, facts_off: 0 });
  }

  test("transfer of C1 from A (K) to C (W): report_cases, the intervals and the split follow", async () => {
    await keptEqualsLive();
    const caseId = fx.cases.C1 as string;
    const organisationOf = async () =>
      (await db.selectFrom("report_cases").select("organisation_id").where("case_id", "=", caseId).executeTakeFirstOrThrow())
        .organisation_id;
    expect(await organisationOf()).toBe(fx.organisations.K);
    // as the case service does it: the event, then the case row (the organisation follows the case manager)
    const last = await db
      .selectFrom("case_events")
      .select((eb) => eb.fn.max("seq").as("seq"))
      .where("case_id", "=", caseId)
      .executeTakeFirstOrThrow();
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto("case_events")
        .values({
          case_id: caseId,
          seq: Number(last.seq) + 1,
          type: "TRANSFER",
          payload: JSON.stringify({ toCaseManagerId: fx.users.C }),
          from_state: "active",
          to_state: "active",
          actor_id: fx.users.coordinator,
          occurred_at: "2025-04-15T10:00:00Z",
        })
        .execute();
      await trx.updateTable("cases").set({ case_manager_id: fx.users.C }).where("id", "=", caseId).execute();
    });
    expect(await organisationOf()).toBe(fx.organisations.W);
    const intervals = await db
      .selectFrom("report_case_intervals")
      .select(["case_manager_id", "organisation_id", "to_on"])
      .where("case_id", "=", caseId)
      .orderBy("seq")
      .execute();
    expect(intervals.map((i) => [i.case_manager_id, i.organisation_id, i.to_on])).toEqual([
      [fx.users.A, fx.organisations.W, "2025-04-15"],
      [fx.users.C, fx.organisations.W, null],
    ]);
    await keptEqualsLive();
    // the case's Q1 now counts for W: opened 2 + 1, case-days 275 + 81 (and K loses them)
    const report = await buildReport(db, { ...Q1_2025 }, "organisation", { asOf: AS_OF });
    expectCell(figure(report, "reach.opened").groups[W], { value: 3 }, "opened W");
    expectCell(figure(report, "reach.opened").groups[K], { value: 5 }, "opened K");
    expect(figure(report, "caseload.open_average").groups[W]?.numerator).toBe(275 + 81);
    expect(figure(report, "caseload.open_average").groups[K]?.numerator).toBe(346 - 81);
  });

  test("a case row moved without an event (an intake handed to another organisation) moves too", async () => {
    const caseId = fx.cases.C13 as string;
    await db.updateTable("cases").set({ organisation_id: fx.organisations.W }).where("id", "=", caseId).execute();
    const intervals = await db.selectFrom("report_case_intervals").select("organisation_id").where("case_id", "=", caseId).execute();
    expect(intervals.length).toBeGreaterThan(0);
    for (const i of intervals) expect(i.organisation_id).toBe(fx.organisations.W);
    await keptEqualsLive();
  });
});
