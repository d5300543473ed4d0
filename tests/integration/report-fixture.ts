// A small, hand-checkable world for the evaluation report tests, inserted row by row (no services, no
// generator). The report period of the tests is Q1 2025 (previous period Q4 2024), counted as of
// 2025-06-30. Every expected figure in report-*.test.ts is computed by hand from the tables below;
// times are UTC, the report counts calendar days in Europe/Berlin (UTC+1 in winter).
//
// case | opened (Berlin day) | municipality | source           | target group now | first contact | assigned at opening, later
// C1   | 2025-01-10          | M1           | sozialamt        | umf              | +2 days       | A
// C2   | 2025-01-15          | M1           | jugendamt        | umf              | +0            | A; closed 2025-03-20 ziele_erreicht
// C3   | 2025-02-01          | M2           | integration_point| neuzugewanderte  | +10           | B; TRANSFER → A 2025-03-01
// C4   | 2025-02-10          | M2           | sozialamt        | –                | –             | unassigned; REJECT_NOT_ELIGIBLE 2025-02-12
// C5   | 2025-01-01 (00:30!) | M3 (=…)      | selbstmelder     | geduldete        | +20           | B
// C6   | 2025-04-01 (00:30!) | M1           | sozialamt        | –                | –             | unassigned (outside Q1)
// C7   | 2024-11-05          | M1           | sozialamt        | neuzugew. (was UMF) | +1         | A; FLAG umf_volljaehrig 2025-02-20; closed 2025-03-10 uebergabe_regeldienst
// C8   | 2025-01-20          | M2           | fluechtlingsber. | –                | +2            | B; CLOSE_NOT_TARGET_GROUP 2025-01-25
// C9   | 2025-03-03          | M1           | auslaenderamt    | – (classification)| +1           | unassigned; TRANSFER → A 2025-03-10
// C10  | 2024-10-01          | M2           | sozialamt        | neuzugewanderte  | +0            | A; closed 2024-12-15, REOPEN 2025-01-20, closed 2025-02-28 verzogen
// C11  | 2024-06-01          | M2           | jugendamt        | umf              | +1            | C
// C12  | 2024-06-01          | M1           | sozialamt        | neuzugewanderte  | +2            | D
// C13  | 2025-03-28          | M2           | sozialamt        | – (intake)       | –             | unassigned
//
// Staff: active case managers A 1.0, B 0.5, C, D, E, F 1.0 each (6 people, 5.5 FTE); G 1.0 inactive.
// Standard caseload per FTE: 20 (settings).
import type { AppLoadContext } from "@remix-run/node";
import type { Kysely } from "kysely";
import { expect } from "vitest";
import type { RawCell, RawReport } from "../../db/reports/report";
import type { Database } from "../../db/schema";
import type { CasePhase, ClosureReason, ReferralSource, Role, TargetGroup } from "../../workflows/vocabulary";
import { routeContext } from "../support/load-context";

export interface ReportFixture {
  municipalities: { m1: number; m2: number; m3: number };
  /** K: the Kreis's own team (A, E, F, G); W: a welfare organisation (B, C, D). */
  organisations: { K: number; W: number };
  users: Record<"A" | "B" | "C" | "D" | "E" | "F" | "G" | "coordinator" | "steering", string>;
  cases: Record<string, string>;
  /** Client names and Aktenzeichen, which must never appear in a report or export. */
  personalData: string[];
}

/** The municipality names: one starts with "=", as a formula would, to test export escaping. */
export const M3_NAME = '=HYPERLINK("http://example.invalid","Klick")';

interface EventSpec {
  type: string;
  at: string;
  from: CasePhase | null;
  to: CasePhase;
  payload?: Record<string, unknown>;
}

interface CaseSpec {
  name: string;
  openedAt: string;
  municipality: "m1" | "m2" | "m3";
  source: ReferralSource;
  targetGroup: TargetGroup | null;
  firstContactAt: string | null;
  state: CasePhase;
  caseManager: keyof ReportFixture["users"] | null;
  /** The organisation that opened an intake without a case manager (default K). */
  openedBy?: "K" | "W";
  closedAt?: string;
  closureReason?: ClosureReason;
  /** Lifecycle and other events after CASE_OPENED, in order. */
  events: EventSpec[];
}

const CASES: CaseSpec[] = [
  {
    name: "C1",
    openedAt: "2025-01-10T12:00:00Z",
    municipality: "m1",
    source: "sozialamt",
    targetGroup: "umf",
    firstContactAt: "2025-01-12T12:00:00Z",
    state: "active",
    caseManager: "A",
    events: [
      { type: "RECORD_CONTACT", at: "2025-01-12T12:00:00Z", from: "intake", to: "classification" },
      { type: "CLASSIFY", at: "2025-01-13T12:00:00Z", from: "classification", to: "assessment", payload: { targetGroup: "umf" } },
      { type: "START_WORK", at: "2025-01-30T12:00:00Z", from: "planning", to: "active" },
    ],
  },
  {
    name: "C2",
    openedAt: "2025-01-15T12:00:00Z",
    municipality: "m1",
    source: "jugendamt",
    targetGroup: "umf",
    firstContactAt: "2025-01-15T15:00:00Z",
    state: "closed",
    caseManager: "A",
    closedAt: "2025-03-20T12:00:00Z",
    closureReason: "ziele_erreicht",
    events: [
      { type: "RECORD_CONTACT", at: "2025-01-15T15:00:00Z", from: "intake", to: "classification" },
      { type: "CLASSIFY", at: "2025-01-16T12:00:00Z", from: "classification", to: "assessment" },
      { type: "BEGIN_CLOSURE", at: "2025-03-18T12:00:00Z", from: "active", to: "closure" },
      { type: "CLOSE", at: "2025-03-20T12:00:00Z", from: "closure", to: "closed", payload: { reason: "ziele_erreicht" } },
    ],
  },
  {
    name: "C3",
    openedAt: "2025-02-01T12:00:00Z",
    municipality: "m2",
    source: "integration_point",
    targetGroup: "neuzugewanderte_erhoeht",
    firstContactAt: "2025-02-11T12:00:00Z",
    state: "active",
    caseManager: "B",
    events: [
      { type: "RECORD_CONTACT", at: "2025-02-11T12:00:00Z", from: "intake", to: "classification" },
      { type: "TRANSFER", at: "2025-03-01T12:00:00Z", from: "active", to: "active", payload: { toCaseManagerId: "@A" } },
    ],
  },
  {
    name: "C4",
    openedAt: "2025-02-10T12:00:00Z",
    municipality: "m2",
    source: "sozialamt",
    targetGroup: null,
    firstContactAt: null,
    state: "closed",
    caseManager: null,
    closedAt: "2025-02-12T12:00:00Z",
    closureReason: "nicht_zustaendig",
    events: [{ type: "REJECT_NOT_ELIGIBLE", at: "2025-02-12T12:00:00Z", from: "intake", to: "closed" }],
  },
  {
    name: "C5",
    openedAt: "2024-12-31T23:30:00Z",
    municipality: "m3",
    source: "selbstmelder",
    targetGroup: "geduldete_identitaet",
    firstContactAt: "2025-01-21T12:00:00Z",
    state: "active",
    caseManager: "B",
    events: [
      { type: "RECORD_CONTACT", at: "2025-01-21T12:00:00Z", from: "intake", to: "classification" },
      { type: "RECORD_IDENTITY_STEP", at: "2025-03-05T12:00:00Z", from: "active", to: "active" },
      {
        type: "FLAG_RECLASSIFICATION",
        at: "2025-03-15T12:00:00Z",
        from: "active",
        to: "active",
        payload: { reason: "aufenthaltstitel" },
      },
    ],
  },
  {
    name: "C6",
    openedAt: "2025-03-31T22:30:00Z",
    municipality: "m1",
    source: "sozialamt",
    targetGroup: null,
    firstContactAt: null,
    state: "intake",
    caseManager: null,
    openedBy: "W",
    events: [],
  },
  {
    name: "C7",
    openedAt: "2024-11-05T12:00:00Z",
    municipality: "m1",
    source: "sozialamt",
    targetGroup: "neuzugewanderte_erhoeht",
    firstContactAt: "2024-11-06T12:00:00Z",
    state: "closed",
    caseManager: "A",
    closedAt: "2025-03-10T12:00:00Z",
    closureReason: "uebergabe_regeldienst",
    events: [
      { type: "RECORD_CONTACT", at: "2024-11-06T12:00:00Z", from: "intake", to: "classification" },
      {
        type: "FLAG_RECLASSIFICATION",
        at: "2025-02-20T12:00:00Z",
        from: "active",
        to: "active",
        payload: { reason: "umf_volljaehrig" },
      },
      { type: "RECLASSIFY", at: "2025-02-25T12:00:00Z", from: "active", to: "active" },
      { type: "BEGIN_CLOSURE", at: "2025-03-09T12:00:00Z", from: "active", to: "closure" },
      { type: "CLOSE", at: "2025-03-10T12:00:00Z", from: "closure", to: "closed", payload: { reason: "uebergabe_regeldienst" } },
    ],
  },
  {
    name: "C8",
    openedAt: "2025-01-20T12:00:00Z",
    municipality: "m2",
    source: "fluechtlingsberatung",
    targetGroup: null,
    firstContactAt: "2025-01-22T12:00:00Z",
    state: "closed",
    caseManager: "B",
    closedAt: "2025-01-25T12:00:00Z",
    closureReason: "keine_zielgruppe",
    events: [
      { type: "RECORD_CONTACT", at: "2025-01-22T12:00:00Z", from: "intake", to: "classification" },
      { type: "CLOSE_NOT_TARGET_GROUP", at: "2025-01-25T12:00:00Z", from: "classification", to: "closed" },
    ],
  },
  {
    name: "C9",
    openedAt: "2025-03-03T12:00:00Z",
    municipality: "m1",
    source: "auslaenderamt",
    targetGroup: null,
    firstContactAt: "2025-03-04T12:00:00Z",
    state: "classification",
    caseManager: null,
    events: [
      { type: "RECORD_CONTACT", at: "2025-03-04T12:00:00Z", from: "intake", to: "classification" },
      { type: "TRANSFER", at: "2025-03-10T12:00:00Z", from: "classification", to: "classification", payload: { toCaseManagerId: "@A" } },
    ],
  },
  {
    name: "C10",
    openedAt: "2024-10-01T12:00:00Z",
    municipality: "m2",
    source: "sozialamt",
    targetGroup: "neuzugewanderte_erhoeht",
    firstContactAt: "2024-10-01T14:00:00Z",
    state: "closed",
    caseManager: "A",
    closedAt: "2025-02-28T12:00:00Z",
    closureReason: "verzogen",
    events: [
      { type: "RECORD_CONTACT", at: "2024-10-01T14:00:00Z", from: "intake", to: "classification" },
      { type: "CLOSE", at: "2024-12-15T12:00:00Z", from: "closure", to: "closed", payload: { reason: "kontaktabbruch" } },
      { type: "REOPEN", at: "2025-01-20T12:00:00Z", from: "closed", to: "active" },
      { type: "PAUSE", at: "2025-02-01T12:00:00Z", from: "active", to: "resting" },
      { type: "CLOSE", at: "2025-02-28T12:00:00Z", from: "resting", to: "closed", payload: { reason: "verzogen" } },
    ],
  },
  {
    name: "C11",
    openedAt: "2024-06-01T12:00:00Z",
    municipality: "m2",
    source: "jugendamt",
    targetGroup: "umf",
    firstContactAt: "2024-06-02T12:00:00Z",
    state: "active",
    caseManager: "C",
    events: [],
  },
  {
    name: "C12",
    openedAt: "2024-06-01T12:00:00Z",
    municipality: "m1",
    source: "sozialamt",
    targetGroup: "neuzugewanderte_erhoeht",
    firstContactAt: "2024-06-03T12:00:00Z",
    state: "active",
    caseManager: "D",
    events: [],
  },
  {
    name: "C13",
    openedAt: "2025-03-28T12:00:00Z",
    municipality: "m2",
    source: "sozialamt",
    targetGroup: null,
    firstContactAt: null,
    state: "intake",
    caseManager: null,
    events: [],
  },
];

const CLIENT_NAMES: Record<string, [string, string]> = {
  C1: ["Amira", "Haddou"],
  C2: ["Bashir", "Rahimi"],
  C3: ["Chiara", "Lombardi"],
  C4: ["Dawit", "Tesfaye"],
  C5: ["Elif", "Yildirim"],
  C6: ["Farid", "Nasser"],
  C7: ["Goran", "Petrovic"],
  C8: ["Hana", "Sulejmani"],
  C9: ["Idris", "Kamara"],
  C10: ["Jana", "Horvath"],
  C11: ["Karim", "Mansour"],
  C12: ["Leyla", "Aziz"],
  C13: ["Milan", "Novak"],
};

export async function insertReportFixture(db: Kysely<Database>): Promise<ReportFixture> {
  const [m1, m2, m3] = await Promise.all(
    ["Haan (Test)", "Hilden (Test)", M3_NAME].map(async (name) => {
      const row = await db
        .insertInto("municipalities")
        .values({ name, district: "Kreis Mettmann" })
        .returning("id")
        .executeTakeFirstOrThrow();
      return row.id;
    }),
  );
  const municipalities = { m1: m1 as number, m2: m2 as number, m3: m3 as number };
  const org = await db
    .insertInto("organisations")
    .values({ name: "Kreis Mettmann (Test)", kind: "kreis", municipality_id: null })
    .returning("id")
    .executeTakeFirstOrThrow();
  const welfare = await db
    .insertInto("organisations")
    .values({ name: "Caritas (Test)", kind: "traeger", municipality_id: null })
    .returning("id")
    .executeTakeFirstOrThrow();
  const organisations = { K: org.id, W: welfare.id };
  const WELFARE_STAFF = new Set(["B", "C", "D"]);

  const staff: [keyof ReportFixture["users"], "case_manager" | "coordinator" | "steering", number | null, boolean][] = [
    ["A", "case_manager", 1, true],
    ["B", "case_manager", 0.5, true],
    ["C", "case_manager", 1, true],
    ["D", "case_manager", 1, true],
    ["E", "case_manager", 1, true],
    ["F", "case_manager", 1, true],
    ["G", "case_manager", 1, false],
    ["coordinator", "coordinator", null, true],
    ["steering", "steering", null, true],
  ];
  const users = {} as ReportFixture["users"];
  for (const [key, role, fte, active] of staff) {
    const row = await db
      .insertInto("users")
      .values({
        username: `report.${key.toLowerCase()}`,
        display_name: `Casemanagerin ${key} Testperson`,
        role,
        organisation_id: WELFARE_STAFF.has(key) ? welfare.id : org.id,
        fte,
        active,
        password_hash: "not-a-hash",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    users[key] = row.id;
  }
  await db
    .insertInto("settings")
    .values({ key: "standard_caseload_per_fte", value: JSON.stringify(20) })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: JSON.stringify(20) }))
    .execute();
  const definitions = new Map<TargetGroup, number>();
  for (const code of ["umf", "geduldete_identitaet", "neuzugewanderte_erhoeht"] as const) {
    const row = await db
      .insertInto("target_group_definitions")
      .values({ code, version: 1, name: code, description: code, rules: "{}", valid_from: "2021-01-01" })
      .returning("id")
      .executeTakeFirstOrThrow();
    definitions.set(code, row.id);
  }

  const cases: Record<string, string> = {};
  const personalData: string[] = [];
  const resolve = (value: unknown) =>
    typeof value === "string" && value.startsWith("@") ? users[value.slice(1) as keyof typeof users] : value;
  for (const [index, spec] of CASES.entries()) {
    const [first, last] = CLIENT_NAMES[spec.name] ?? ["X", "Y"];
    const aktenzeichen = `KIM-TEST-${String(index + 1).padStart(4, "0")}`;
    personalData.push(first, last, aktenzeichen);
    const client = await db
      .insertInto("clients")
      .values({
        aktenzeichen,
        first_name: first,
        last_name: last,
        gender: "keine_angabe",
        municipality_id: municipalities[spec.municipality],
        residence_status: "ungeklaert",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const caseManagerId = spec.caseManager ? users[spec.caseManager] : null;
    const transfers = spec.events.filter((e) => e.type === "TRANSFER");
    const lastTransfer = transfers[transfers.length - 1];
    const currentManager = lastTransfer ? (resolve(lastTransfer.payload?.toCaseManagerId) as string) : caseManagerId;
    const row = await db
      .insertInto("cases")
      .values({
        client_id: client.id,
        case_manager_id: currentManager,
        // without a case manager the case belongs to the organisation that opened it
        organisation_id: organisations[spec.openedBy ?? "K"],
        target_group: spec.targetGroup,
        target_group_definition_id: spec.targetGroup ? (definitions.get(spec.targetGroup) ?? null) : null,
        referral_source: spec.source,
        state: spec.state,
        snapshot: "{}",
        machine_version: "fixture",
        opened_at: spec.openedAt,
        first_contact_at: spec.firstContactAt,
        closed_at: spec.closedAt ?? null,
        closure_reason: spec.closureReason ?? null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    cases[spec.name] = row.id;
    const events = [
      { type: "CASE_OPENED", at: spec.openedAt, from: null, to: "intake" as CasePhase, payload: { caseManagerId } },
      ...spec.events,
    ];
    await db
      .insertInto("case_events")
      .values(
        events.map((e, i) => ({
          case_id: row.id,
          seq: i + 1,
          type: e.type,
          payload: JSON.stringify(Object.fromEntries(Object.entries(e.payload ?? {}).map(([k, v]) => [k, resolve(v)]))),
          from_state: e.from,
          to_state: e.to,
          actor_id: users.A,
          occurred_at: e.at,
        })),
      )
      .execute();
  }

  const goal = (caseName: string, need_domain: string, status: string, evaluated_at: string | null) => ({
    case_id: cases[caseName] as string,
    need_domain: need_domain as never,
    title: `Ziel von ${caseName}`,
    status: status as never,
    agreed_at: "2024-09-01T12:00:00Z",
    evaluated_at,
  });
  await db
    .insertInto("goals")
    .values([
      goal("C1", "sprache", "erreicht", "2025-02-01T12:00:00Z"),
      goal("C1", "wohnen", "teilweise_erreicht", "2025-02-15T12:00:00Z"),
      goal("C1", "sprache", "entfallen", "2025-03-01T12:00:00Z"),
      goal("C2", "sprache", "erreicht", "2025-03-15T12:00:00Z"),
      goal("C2", "bildung_schule", "nicht_erreicht", "2025-03-18T12:00:00Z"),
      goal("C3", "sprache", "nicht_erreicht", "2025-03-20T12:00:00Z"),
      goal("C3", "wohnen", "erreicht", "2025-03-25T12:00:00Z"),
      goal("C5", "aufenthalt_identitaet", "erreicht", "2025-03-06T12:00:00Z"),
      goal("C7", "ausbildung_arbeit", "erreicht", "2024-12-10T12:00:00Z"),
      goal("C1", "sprache", "vereinbart", null),
      goal("C10", "wohnen", "erreicht", "2025-03-31T22:30:00Z"),
    ])
    .execute();

  const partner = await db
    .insertInto("partners")
    .values({ name: "Testpartner Jugendmigrationsdienst", kind: "jmd" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const referral = (caseName: string, status: string, ended_at: string | null) => ({
    case_id: cases[caseName] as string,
    partner_id: partner.id,
    need_domain: "sprache" as const,
    status: status as never,
    snapshot: "{}",
    machine_version: "fixture",
    planned_at: "2024-09-01T12:00:00Z",
    ended_at,
  });
  await db
    .insertInto("referrals")
    .values([
      referral("C1", "abgeschlossen", "2025-02-20T12:00:00Z"),
      referral("C1", "abgelehnt", "2025-03-01T12:00:00Z"),
      referral("C2", "abgeschlossen", "2025-03-10T12:00:00Z"),
      referral("C3", "abgebrochen", "2025-03-12T12:00:00Z"),
      referral("C5", "abgeschlossen", "2025-01-30T12:00:00Z"),
      referral("C5", "angenommen", null),
      referral("C3", "abgelehnt", "2024-12-20T12:00:00Z"),
    ])
    .execute();

  await db
    .insertInto("identity_steps")
    .values([
      { case_id: cases.C5 as string, step: "identitaet_geklaert", occurred_on: "2025-03-05" },
      { case_id: cases.C5 as string, step: "identitaet_geklaert", occurred_on: "2025-03-07" },
      { case_id: cases.C3 as string, step: "pass_beantragt", occurred_on: "2025-02-01" },
      { case_id: cases.C10 as string, step: "identitaet_geklaert", occurred_on: "2024-12-01" },
    ])
    .execute();

  const finding = (
    need_domain: string,
    affected_cases: number,
    municipality_id: number | null,
    target_group: TargetGroup | null,
    status: string,
    reported_at: string,
  ) => ({
    title: `Wartezeit ${need_domain}`,
    description: "Monatelange Wartezeit auf einen Termin.",
    need_domain: need_domain as never,
    affected_cases,
    municipality_id,
    target_group,
    status: status as never,
    reported_by: users.A,
    reported_at,
  });
  await db
    .insertInto("structural_findings")
    .values([
      finding("sprache", 3, municipalities.m1, "umf", "fuer_lenkungsgruppe", "2025-01-15T12:00:00Z"),
      finding("wohnen", 7, municipalities.m2, null, "gemeldet", "2025-02-10T12:00:00Z"),
      finding("gesundheit", 2, null, "neuzugewanderte_erhoeht", "erledigt", "2025-03-01T12:00:00Z"),
      finding("wohnen", 4, municipalities.m1, "geduldete_identitaet", "fuer_lenkungsgruppe", "2024-12-01T12:00:00Z"),
    ])
    .execute();

  return { municipalities, organisations, users, cases, personalData };
}

/** The period of the tests and the day the caseload is counted to. */
export const Q1_2025 = { from: "2025-01-01", to: "2025-03-31" } as const;
export const AS_OF = "2025-06-30";

/** The request context the express server hands loaders, for a signed-in user of the fixture. */
export function reportLoaderContext(db: Kysely<Database>, role: Role, userId: string): AppLoadContext {
  return routeContext(db, { id: userId, username: `report.${role}`, displayName: "Test", role, organisationId: 1 });
}

/** A figure of a raw report by key. */
export function figure(report: RawReport, key: string) {
  const f = report.figures.find((x) => x.key === key);
  if (!f) throw new Error(`no figure ${key}`);
  return f;
}

/** Compares a cell, floats to 6 digits. */
export function expectCell(actual: RawCell | undefined, expected: RawCell, what: string) {
  expect(actual, what).toBeDefined();
  const a = actual as RawCell;
  if (expected.value === null) expect(a.value, `${what}: value`).toBeNull();
  else expect(a.value, `${what}: value`).toBeCloseTo(expected.value, 6);
  for (const part of ["numerator", "denominator", "guard"] as const) {
    if (expected[part] !== undefined) expect(a[part], `${what}: ${part}`).toBeCloseTo(expected[part] as number, 6);
  }
}
