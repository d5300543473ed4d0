// The case list ("Meine Fälle" / "Alle Fälle") and the "Heute" follow-ups on a real database: scoping by
// the actor in the WHERE clause, every filter, the sort whitelist, paging and the escaping of the search.
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Actor } from "../../db/access";
import { containsPattern, listCaseload } from "../../db/caseload";
import type { Database } from "../../db/schema";
import { completeFollowUp, listDueFollowUps } from "../../db/today";
import {
  CASELOAD_SORTS,
  type CaseloadQuery,
  DEFAULT_CASELOAD_QUERY,
  caseloadSearch,
  endOfWeek,
  parseCaseloadQuery,
} from "../../workflows/caseload-query";
import type { CasePhase, TargetGroup } from "../../workflows/vocabulary";
import { type TestDatabase, createTestDatabase } from "./db";
import { insertOrganisation, insertUser } from "./fixtures";

/** A Wednesday; its week ends on Sunday 2026-03-15. */
const TODAY = "2026-03-11";

let t: TestDatabase;
let db: Kysely<Database>;
const actors = {} as Record<"cm1" | "cm2" | "cm3" | "coordinator" | "steering" | "admin", Actor>;
let hilden: number;
let ratingen: number;
const definitions = new Map<TargetGroup, number>();

interface CaseSpec {
  caseManagerId: string | null;
  deputyId?: string | null;
  firstName?: string;
  lastName?: string;
  birthDate?: string | null;
  estimated?: boolean;
  municipalityId?: number;
  state?: CasePhase;
  targetGroup?: TargetGroup | null;
  openedAt?: string;
  aktenzeichen?: string;
}

/** A client with one case, inserted directly (the case service is not the subject here). */
async function addCase(spec: CaseSpec): Promise<{ id: string; aktenzeichen: string }> {
  const aktenzeichen = spec.aktenzeichen ?? `T-${randomBytes(4).toString("hex")}`;
  const client = await db
    .insertInto("clients")
    .values({
      aktenzeichen,
      first_name: spec.firstName ?? "Erika",
      last_name: spec.lastName ?? "Musterfrau",
      birth_date: spec.birthDate === undefined ? "1990-01-01" : spec.birthDate,
      birth_date_estimated: spec.estimated ?? false,
      gender: "weiblich",
      municipality_id: spec.municipalityId ?? hilden,
      residence_status: "ungeklaert",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const state = spec.state ?? "assessment";
  const targetGroup = spec.targetGroup === undefined ? null : spec.targetGroup;
  const row = await db
    .insertInto("cases")
    .values({
      client_id: client.id,
      case_manager_id: spec.caseManagerId,
      deputy_id: spec.deputyId ?? null,
      referral_source: "selbstmelder",
      state,
      target_group: targetGroup,
      target_group_definition_id: targetGroup ? (definitions.get(targetGroup) ?? null) : null,
      snapshot: "{}",
      machine_version: "test",
      opened_at: spec.openedAt ?? "2026-01-15T10:00:00Z",
      closed_at: state === "closed" ? "2026-02-20T10:00:00Z" : null,
      closure_reason: state === "closed" ? "ziele_erreicht" : null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: row.id, aktenzeichen };
}

async function addFollowUp(caseId: string, dueOn: string, options: { done?: boolean; note?: string } = {}) {
  const row = await db
    .insertInto("follow_ups")
    .values({
      case_id: caseId,
      due_on: dueOn,
      note: options.note ?? `Wiedervorlage ${dueOn}`,
      done_at: options.done ? "2026-03-01T08:00:00Z" : null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

async function addContact(caseId: string, occurredAt: string) {
  await db
    .insertInto("contacts")
    .values({ case_id: caseId, contact_type: "telefonisch", occurred_at: occurredAt, minutes: 10, note: "Geheime Notiz" })
    .execute();
}

function query(overrides: Partial<CaseloadQuery> = {}): CaseloadQuery {
  return { ...DEFAULT_CASELOAD_QUERY, pageSize: 100, ...overrides };
}

async function list(actor: Actor, overrides: Partial<CaseloadQuery> = {}) {
  return listCaseload(db, actor, query(overrides), { today: TODAY });
}

async function ids(actor: Actor, overrides: Partial<CaseloadQuery> = {}) {
  return (await list(actor, overrides)).rows.map((r) => r.id).sort();
}

const c = {} as Record<
  | "own1"
  | "own1Closed"
  | "deputyOfCm1"
  | "own2"
  | "unassigned"
  | "umf"
  | "geduldete"
  | "ratingen"
  | "dueToday"
  | "dueSunday"
  | "dueLater"
  | "percent"
  | "underscore"
  | "underscoreLookalike",
  { id: string; aktenzeichen: string }
>;

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  const organisationId = await insertOrganisation(db);
  for (const [key, role] of [
    ["cm1", "case_manager"],
    ["cm2", "case_manager"],
    ["cm3", "case_manager"],
    ["coordinator", "coordinator"],
    ["steering", "steering"],
    ["admin", "admin"],
  ] as const) {
    actors[key] = { id: (await insertUser(db, { role, organisationId })).id, role };
  }
  const suffix = randomBytes(3).toString("hex");
  const municipalities = await db
    .insertInto("municipalities")
    .values([
      { name: `Hilden ${suffix}`, district: "Test" },
      { name: `Ratingen ${suffix}`, district: "Test" },
    ])
    .returning("id")
    .execute();
  hilden = municipalities[0]?.id ?? 0;
  ratingen = municipalities[1]?.id ?? 0;
  for (const code of ["umf", "geduldete_identitaet", "neuzugewanderte_erhoeht"] as const) {
    const def = await db
      .insertInto("target_group_definitions")
      .values({ code, version: 1, name: code, description: code, rules: "{}", valid_from: "2021-01-01" })
      .returning("id")
      .executeTakeFirstOrThrow();
    definitions.set(code, def.id);
  }

  const cm1 = actors.cm1.id;
  const cm2 = actors.cm2.id;
  c.own1 = await addCase({ caseManagerId: cm1, firstName: "Amina", lastName: "Yusuf", state: "intake" });
  c.own1Closed = await addCase({ caseManagerId: cm1, firstName: "Bashir", lastName: "Closed", state: "closed" });
  c.deputyOfCm1 = await addCase({ caseManagerId: cm2, deputyId: cm1, firstName: "Dana", lastName: "Vertretung" });
  c.own2 = await addCase({ caseManagerId: cm2, firstName: "Farid", lastName: "Fremd" });
  c.unassigned = await addCase({ caseManagerId: null, firstName: "Gül", lastName: "Queue", state: "intake" });
  c.umf = await addCase({ caseManagerId: cm1, firstName: "Hamid", lastName: "Jung", targetGroup: "umf", state: "active" });
  c.geduldete = await addCase({
    caseManagerId: cm1,
    firstName: "Ivana",
    lastName: "Duldung",
    targetGroup: "geduldete_identitaet",
    state: "planning",
  });
  c.ratingen = await addCase({ caseManagerId: cm1, firstName: "Jan", lastName: "Ratinger", municipalityId: ratingen });
  c.dueToday = await addCase({ caseManagerId: cm1, firstName: "Karim", lastName: "Heute" });
  c.dueSunday = await addCase({ caseManagerId: cm1, firstName: "Lina", lastName: "Sonntag" });
  c.dueLater = await addCase({ caseManagerId: cm1, firstName: "Mona", lastName: "Spaeter" });
  c.percent = await addCase({ caseManagerId: cm1, firstName: "Nora", lastName: "Hundert%ig" });
  c.underscore = await addCase({ caseManagerId: cm1, firstName: "Omar", lastName: "Unter_Strich" });
  c.underscoreLookalike = await addCase({ caseManagerId: cm1, firstName: "Omar", lastName: "UnterXStrich" });

  await addFollowUp(c.own1.id, "2026-03-01"); // overdue
  await addFollowUp(c.own1.id, "2026-03-20"); // later: the next one is still the overdue one
  await addFollowUp(c.dueToday.id, TODAY);
  await addFollowUp(c.dueSunday.id, "2026-03-15");
  await addFollowUp(c.dueLater.id, "2026-03-16");
  await addFollowUp(c.umf.id, "2026-02-01", { done: true }); // done: never counts
  await addFollowUp(c.own2.id, "2026-03-02"); // overdue, but another case manager's
  await addFollowUp(c.deputyOfCm1.id, "2026-03-05"); // overdue, deputy case
});

afterAll(async () => {
  await t?.close();
});

describe("scoping (the check is in the query)", () => {
  test("a case manager sees own open cases and those where they are deputy, never another's or the queue", async () => {
    const seen = await ids(actors.cm1);
    expect(seen).toContain(c.own1.id);
    expect(seen).toContain(c.deputyOfCm1.id);
    expect(seen).not.toContain(c.own2.id);
    expect(seen).not.toContain(c.unassigned.id);
    expect(seen).not.toContain(c.own1Closed.id); // closed: only on request
    const cm2 = await ids(actors.cm2);
    expect(cm2).toEqual([c.deputyOfCm1.id, c.own2.id].sort());
  });

  test("even a search for another case manager's client finds nothing", async () => {
    const page = await list(actors.cm1, { search: "Fremd" });
    expect(page.total).toBe(0);
    expect(page.rows).toEqual([]);
  });

  test("deputy cases are marked as such for the deputy only", async () => {
    const forDeputy = (await list(actors.cm1)).rows.find((r) => r.id === c.deputyOfCm1.id);
    const forOwner = (await list(actors.cm2)).rows.find((r) => r.id === c.deputyOfCm1.id);
    expect(forDeputy?.asDeputy).toBe(true);
    expect(forOwner?.asDeputy).toBe(false);
  });

  test("coordinators see every case with its case manager; each list read is audited", async () => {
    const before = await db
      .selectFrom("audit_log")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("actor_id", "=", actors.coordinator.id)
      .where("action", "=", "case.list")
      .executeTakeFirstOrThrow();
    const page = await list(actors.coordinator, { includeClosed: true });
    const seen = page.rows.map((r) => r.id);
    for (const key of Object.keys(c) as (keyof typeof c)[]) expect(seen).toContain(c[key].id);
    expect(page.rows.find((r) => r.id === c.unassigned.id)?.caseManagerName).toBeNull();
    expect(page.rows.find((r) => r.id === c.own2.id)?.caseManagerName).toMatch(/^Test /);
    const after = await db
      .selectFrom("audit_log")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("actor_id", "=", actors.coordinator.id)
      .where("action", "=", "case.list")
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n) + 1);
  });

  test("case managers get no case manager names; steering and admin see no case at all", async () => {
    expect((await list(actors.cm1)).rows.every((r) => r.caseManagerName === null)).toBe(true);
    expect((await list(actors.steering, { includeClosed: true })).total).toBe(0);
    expect((await list(actors.admin, { includeClosed: true })).total).toBe(0);
  });

  test("the list carries no note texts (of contacts or follow-ups)", async () => {
    await addContact(c.own1.id, "2026-03-10T09:00:00Z");
    const page = await list(actors.coordinator, { includeClosed: true });
    const json = JSON.stringify(page);
    expect(json).not.toContain("Geheime Notiz");
    expect(json).not.toContain("Wiedervorlage 2026");
    expect(Object.keys(page.rows[0] ?? {})).not.toContain("note");
  });

  test("a reassignment takes effect on the next read", async () => {
    const moved = await addCase({ caseManagerId: actors.cm2.id, firstName: "Paul", lastName: "Umzug" });
    expect(await ids(actors.cm3)).not.toContain(moved.id);
    await db.updateTable("cases").set({ case_manager_id: actors.cm3.id }).where("id", "=", moved.id).execute();
    expect(await ids(actors.cm3)).toContain(moved.id);
    expect(await ids(actors.cm2)).not.toContain(moved.id);
    await db.updateTable("cases").set({ case_manager_id: actors.cm2.id }).where("id", "=", moved.id).execute();
  });
});

describe("filters", () => {
  test("open cases by default; closed ones on request or by phase", async () => {
    expect(await ids(actors.cm1)).not.toContain(c.own1Closed.id);
    expect(await ids(actors.cm1, { includeClosed: true })).toContain(c.own1Closed.id);
    expect(await ids(actors.cm1, { phase: "closed" })).toEqual([c.own1Closed.id]);
  });

  test("phase", async () => {
    expect(await ids(actors.cm1, { phase: "intake" })).toEqual([c.own1.id]);
    expect(await ids(actors.cm1, { phase: "active" })).toEqual([c.umf.id]);
    expect(await ids(actors.cm1, { phase: "resting" })).toEqual([]);
  });

  test("target group, including not yet assigned", async () => {
    expect(await ids(actors.cm1, { targetGroup: "umf" })).toEqual([c.umf.id]);
    expect(await ids(actors.cm1, { targetGroup: "geduldete_identitaet" })).toEqual([c.geduldete.id]);
    expect(await ids(actors.cm1, { targetGroup: "neuzugewanderte_erhoeht" })).toEqual([]);
    const none = await ids(actors.cm1, { targetGroup: "keine" });
    expect(none).toContain(c.own1.id);
    expect(none).not.toContain(c.umf.id);
    expect(none).not.toContain(c.geduldete.id);
  });

  test("municipality", async () => {
    expect(await ids(actors.cm1, { municipalityId: ratingen })).toEqual([c.ratingen.id]);
    const inHilden = await ids(actors.cm1, { municipalityId: hilden });
    expect(inHilden).not.toContain(c.ratingen.id);
    expect(inHilden).toContain(c.own1.id);
  });

  test("follow-up due today, overdue, this week (from today to Sunday); done follow-ups never count", async () => {
    expect(await ids(actors.cm1, { followUp: "heute" })).toEqual([c.dueToday.id]);
    expect(await ids(actors.cm1, { followUp: "ueberfaellig" })).toEqual([c.own1.id, c.deputyOfCm1.id].sort());
    expect(await ids(actors.cm1, { followUp: "woche" })).toEqual([c.dueToday.id, c.dueSunday.id].sort());
    expect(await ids(actors.cm1, { followUp: "ueberfaellig", search: "Jung" })).toEqual([]);
  });

  test("the next follow-up and the overdue flag come from the earliest open follow-up", async () => {
    const rows = (await list(actors.cm1)).rows;
    const own1 = rows.find((r) => r.id === c.own1.id);
    expect(own1?.nextFollowUp).toBe("2026-03-01");
    expect(own1?.followUpOverdue).toBe(true);
    const today = rows.find((r) => r.id === c.dueToday.id);
    expect(today?.nextFollowUp).toBe(TODAY);
    expect(today?.followUpOverdue).toBe(false);
    expect(rows.find((r) => r.id === c.umf.id)?.nextFollowUp).toBeNull();
  });

  test("search by last name, first name, full name (either order) and Aktenzeichen, case-insensitive", async () => {
    expect(await ids(actors.cm1, { search: "yusuf" })).toEqual([c.own1.id]);
    expect(await ids(actors.cm1, { search: "AMINA" })).toEqual([c.own1.id]);
    expect(await ids(actors.cm1, { search: "Amina Yusuf" })).toEqual([c.own1.id]);
    expect(await ids(actors.cm1, { search: "Yusuf, Amina" })).toEqual([c.own1.id]);
    expect(await ids(actors.cm1, { search: c.ratingen.aktenzeichen.toLowerCase() })).toEqual([c.ratingen.id]);
    expect(await ids(actors.cm1, { search: "niemand-heisst-so" })).toEqual([]);
  });

  test("% and _ typed into the search are literal characters, not wildcards", async () => {
    expect(await ids(actors.cm1, { search: "%" })).toEqual([c.percent.id]);
    expect(await ids(actors.cm1, { search: "r_S" })).toEqual([c.underscore.id]);
    expect(await ids(actors.cm1, { search: "Unter_" })).toEqual([c.underscore.id]);
    expect(await ids(actors.cm1, { search: "UnterXStrich" })).toEqual([c.underscoreLookalike.id]);
    expect(await ids(actors.cm1, { search: "!" })).toEqual([]);
    expect(await ids(actors.cm1, { search: "'; DROP TABLE cases; --" })).toEqual([]);
    expect(containsPattern("a%b_c!d")).toBe("%a!%b!_c!!d%");
  });
});

describe("computed columns (Europe/Berlin)", () => {
  test("age in completed years on today's date in Germany, with the estimated marker", async () => {
    const birthday = await addCase({ caseManagerId: actors.cm3.id, birthDate: "2008-03-12", estimated: true });
    const before = (await listCaseload(db, actors.cm3, query(), { today: "2026-03-11" })).rows.find((r) => r.id === birthday.id);
    const on = (await listCaseload(db, actors.cm3, query(), { today: "2026-03-12" })).rows.find((r) => r.id === birthday.id);
    expect(before?.age).toBe(17);
    expect(on?.age).toBe(18);
    expect(on?.birthDateEstimated).toBe(true);
    const unknown = await addCase({ caseManagerId: actors.cm3.id, birthDate: null });
    expect((await list(actors.cm3)).rows.find((r) => r.id === unknown.id)?.age).toBeNull();
  });

  test("days open and last contact count Berlin calendar days", async () => {
    // 23:30 UTC on 1 March is already 2 March in Berlin.
    const late = await addCase({ caseManagerId: actors.cm3.id, openedAt: "2026-03-01T23:30:00Z" });
    await addContact(late.id, "2026-03-09T23:30:00Z");
    await addContact(late.id, "2026-03-05T10:00:00Z");
    const row = (await list(actors.cm3)).rows.find((r) => r.id === late.id);
    expect(row?.daysOpen).toBe(9);
    expect(row?.lastContactOn).toBe("2026-03-10");
  });
});

describe("sorting", () => {
  async function sortedNames(sort: CaseloadQuery["sort"], desc: boolean, search = "") {
    return (await list(actors.cm1, { sort, desc, search })).rows.map((r) => r.lastName ?? "");
  }

  test("by name, both directions", async () => {
    const asc = await sortedNames("name", false);
    expect(asc).toEqual([...asc].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase(), "en")));
    expect(asc[0]).toBe("Duldung");
    expect(await sortedNames("name", true)).toEqual([...asc].reverse());
  });

  test("by next follow-up: earliest first, cases without one last in both directions", async () => {
    const asc = (await list(actors.cm1, { sort: "wiedervorlage" })).rows;
    expect(asc.slice(0, 5).map((r) => r.id)).toEqual([
      c.own1.id,
      c.deputyOfCm1.id,
      c.dueToday.id,
      c.dueSunday.id,
      c.dueLater.id,
    ]);
    expect(asc.at(-1)?.nextFollowUp).toBeNull();
    const desc = (await list(actors.cm1, { sort: "wiedervorlage", desc: true })).rows;
    expect(desc[0]?.id).toBe(c.dueLater.id);
    expect(desc.at(-1)?.nextFollowUp).toBeNull();
    // equal dates (here: the cases without one) in Aktenzeichen order
    const withoutOne = asc.filter((r) => r.nextFollowUp === null).map((r) => r.aktenzeichen);
    expect(withoutOne.length).toBeGreaterThan(2);
    expect(withoutOne).toEqual([...withoutOne].sort());
    expect(withoutOne).not.toEqual([...withoutOne].sort().reverse());
  });

  test("by phase in process order, by target group, by Aktenzeichen, by age, days open and last contact", async () => {
    const phases = (await list(actors.cm1, { sort: "phase" })).rows.map((r) => r.phase);
    expect(phases[0]).toBe("intake");
    expect(phases.at(-1)).toBe("active");
    expect((await list(actors.cm1, { sort: "zielgruppe" })).rows.slice(0, 2).map((r) => r.targetGroup)).toEqual([
      "geduldete_identitaet",
      "umf",
    ]);
    const akz = (await list(actors.cm1, { sort: "aktenzeichen", desc: true })).rows.map((r) => r.aktenzeichen);
    expect(akz).toEqual([...akz].sort().reverse());
    const cm3Ages = (await list(actors.cm3, { sort: "alter" })).rows.map((r) => r.age);
    expect(cm3Ages.filter((a) => a !== null)).toEqual(
      cm3Ages.filter((a): a is number => a !== null).sort((a, b) => a - b),
    );
    expect(cm3Ages.at(-1)).toBeNull();
    const open = (await list(actors.cm3, { sort: "offen", desc: true })).rows.map((r) => r.daysOpen);
    expect(open).toEqual([...open].sort((a, b) => b - a));
    const contact = (await list(actors.cm3, { sort: "kontakt", desc: true })).rows;
    expect(contact[0]?.lastContactOn).toBe("2026-03-10");
  });

  test("every whitelisted sort column runs", async () => {
    for (const sort of CASELOAD_SORTS) {
      for (const desc of [false, true]) {
        expect((await list(actors.cm1, { sort, desc })).total).toBeGreaterThan(10);
      }
    }
  });

  test("only known sort columns are accepted from the URL", () => {
    const parse = (s: string) => parseCaseloadQuery(new URLSearchParams(s));
    expect(parse("sortierung=name.ab").query).toMatchObject({ sort: "name", desc: true });
    expect(parse("sortierung=alter").query).toMatchObject({ sort: "alter", desc: false });
    expect(parse("sortierung=alter.auf").query).toMatchObject({ sort: "alter", desc: false });
    for (const bad of ["first_name", "cases.id", "name.desc", "name;DROP TABLE cases", "name.ab.x", "__proto__"]) {
      const parsed = parse(`sortierung=${encodeURIComponent(bad)}`);
      expect(parsed.query.sort, bad).toBe(DEFAULT_CASELOAD_QUERY.sort);
      expect(parsed.ignored, bad).toEqual(["sortierung"]);
    }
  });
});

describe("paging", () => {
  let pager: Actor;
  beforeAll(async () => {
    const organisationId = await insertOrganisation(db);
    pager = { id: (await insertUser(db, { role: "case_manager", organisationId })).id, role: "case_manager" };
    for (let i = 0; i < 60; i++) {
      await addCase({ caseManagerId: pager.id, lastName: `Seite${String(i).padStart(2, "0")}` });
    }
  });

  test("25 per page with the total count; pages do not overlap", async () => {
    const pages = [];
    for (const page of [1, 2, 3]) pages.push(await listCaseload(db, pager, query({ pageSize: 25, page, sort: "name" })));
    expect(pages.map((p) => p.rows.length)).toEqual([25, 25, 10]);
    expect(pages.every((p) => p.total === 60 && p.pageCount === 3)).toBe(true);
    const names = pages.flatMap((p) => p.rows.map((r) => r.lastName));
    expect(new Set(names).size).toBe(60);
    expect(names[0]).toBe("Seite00");
    expect(names[59]).toBe("Seite59");
  });

  test("50 and 100 per page", async () => {
    expect((await listCaseload(db, pager, query({ pageSize: 50 }))).rows).toHaveLength(50);
    const all = await listCaseload(db, pager, query({ pageSize: 100 }));
    expect(all.rows).toHaveLength(60);
    expect(all.pageCount).toBe(1);
  });

  test("a page past the end answers the last page", async () => {
    const page = await listCaseload(db, pager, query({ pageSize: 25, page: 9, sort: "name" }));
    expect(page.query.page).toBe(3);
    expect(page.rows).toHaveLength(10);
    expect(page.total).toBe(60);
  });

  test("filters and the total count go together", async () => {
    const page = await listCaseload(db, pager, query({ pageSize: 25, search: "Seite1" }));
    expect(page.total).toBe(10);
    expect(page.rows).toHaveLength(10);
  });
});

describe("URL parameters", () => {
  const parse = (s: string) => parseCaseloadQuery(new URLSearchParams(s));

  test("valid parameters become the query", () => {
    const { query: q, ignored } = parse(
      "phase=active&zielgruppe=umf&kommune=3&wiedervorlage=woche&suche=%20Anna%20%20M%20&abgeschlossene=1&seite=2&anzahl=50",
    );
    expect(ignored).toEqual([]);
    expect(q).toMatchObject({
      phase: "active",
      targetGroup: "umf",
      municipalityId: 3,
      followUp: "woche",
      search: "Anna M",
      includeClosed: true,
      page: 2,
      pageSize: 50,
    });
  });

  test("invalid values are ignored and reported, never passed on", () => {
    const { query: q, ignored } = parse(
      `phase=offen&zielgruppe=alle&kommune=1%20OR%201=1&wiedervorlage=morgen&abgeschlossene=vielleicht&seite=0&anzahl=30&suche=${"x".repeat(101)}`,
    );
    expect(q).toEqual(DEFAULT_CASELOAD_QUERY);
    expect(ignored.sort()).toEqual(
      ["abgeschlossene", "anzahl", "kommune", "phase", "seite", "suche", "wiedervorlage", "zielgruppe"].sort(),
    );
    expect(parse("seite=-1").ignored).toEqual(["seite"]);
    expect(parse("seite=abc").ignored).toEqual(["seite"]);
    expect(parse("seite=").ignored).toEqual([]);
  });

  test("the search string round-trips and leaves defaults out", () => {
    expect(caseloadSearch(DEFAULT_CASELOAD_QUERY)).toBe("");
    const q: CaseloadQuery = { ...DEFAULT_CASELOAD_QUERY, search: "50% _x", sort: "name", desc: true, page: 3 };
    expect(parse(caseloadSearch(q).slice(1)).query).toEqual(q);
  });

  test("the week ends on Sunday", () => {
    expect(endOfWeek("2026-03-11")).toBe("2026-03-15");
    expect(endOfWeek("2026-03-15")).toBe("2026-03-15");
    expect(endOfWeek("2026-03-16")).toBe("2026-03-22");
    expect(endOfWeek("2026-12-28")).toBe("2027-01-03");
  });
});

describe("Heute: due and overdue follow-ups", () => {
  test("lists open follow-ups due today or earlier across own and deputy cases, oldest first", async () => {
    const { followUps } = await listDueFollowUps(db, actors.cm1, { today: TODAY });
    expect(followUps.map((f) => [f.caseId, f.dueOn, f.daysOverdue])).toEqual([
      [c.own1.id, "2026-03-01", 10],
      [c.deputyOfCm1.id, "2026-03-05", 6],
      [c.dueToday.id, TODAY, 0],
    ]);
    expect(followUps[0]?.note).toBe("Wiedervorlage 2026-03-01");
    expect(followUps[0]?.aktenzeichen).toBe(c.own1.aktenzeichen);
  });

  test("another case manager's follow-ups never appear", async () => {
    const { followUps } = await listDueFollowUps(db, actors.cm1, { today: TODAY });
    expect(followUps.map((f) => f.caseId)).not.toContain(c.own2.id);
    const { followUps: forCm2 } = await listDueFollowUps(db, actors.cm2, { today: TODAY });
    expect(forCm2.map((f) => f.caseId).sort()).toEqual([c.deputyOfCm1.id, c.own2.id].sort());
  });

  test("marking done: 404 and an audit row 'denied' for another's follow-up, nothing changed", async () => {
    const foreign = await addFollowUp(c.own2.id, "2026-03-03");
    const result = await completeFollowUp(db, actors.cm1, { followUpId: foreign, caseId: null });
    expect(result).toEqual({ ok: false, status: 404, message: "Die Wiedervorlage wurde nicht gefunden." });
    const row = await db.selectFrom("follow_ups").select("done_at").where("id", "=", foreign).executeTakeFirstOrThrow();
    expect(row.done_at).toBeNull();
    const audit = await db
      .selectFrom("audit_log")
      .select(["outcome", "actor_id"])
      .where("object_type", "=", "follow_up")
      .where("object_id", "=", foreign)
      .execute();
    expect(audit).toEqual([{ outcome: "denied", actor_id: actors.cm1.id }]);
    const missing = await completeFollowUp(db, actors.cm1, { followUpId: "00000000-0000-4000-8000-000000000000", caseId: null });
    expect(missing).toEqual(result);
  });

  test("marking done removes it from Heute and from the overdue filter, audited; again is harmless", async () => {
    const id = await addFollowUp(c.ratingen.id, "2026-03-04");
    expect((await listDueFollowUps(db, actors.cm1, { today: TODAY })).followUps.map((f) => f.id)).toContain(id);
    expect(await ids(actors.cm1, { followUp: "ueberfaellig" })).toContain(c.ratingen.id);
    const done = await completeFollowUp(db, actors.cm1, { followUpId: id, caseId: null }, new Date("2026-03-11T09:00:00Z"));
    expect(done).toEqual({ ok: true, caseId: c.ratingen.id, aktenzeichen: c.ratingen.aktenzeichen, alreadyDone: false });
    expect((await listDueFollowUps(db, actors.cm1, { today: TODAY })).followUps.map((f) => f.id)).not.toContain(id);
    expect(await ids(actors.cm1, { followUp: "ueberfaellig" })).not.toContain(c.ratingen.id);
    const again = await completeFollowUp(db, actors.cm1, { followUpId: id, caseId: null });
    expect(again).toMatchObject({ ok: true, alreadyDone: true });
    const row = await db.selectFrom("follow_ups").select("done_at").where("id", "=", id).executeTakeFirstOrThrow();
    expect(row.done_at?.toISOString()).toBe("2026-03-11T09:00:00.000Z");
    const audit = await db
      .selectFrom("audit_log")
      .select("outcome")
      .where("object_type", "=", "follow_up")
      .where("object_id", "=", id)
      .execute();
    expect(audit.map((a) => a.outcome)).toEqual(["allowed", "allowed"]);
  });

  test("a deputy may mark a follow-up of the case they stand in for", async () => {
    const id = await addFollowUp(c.deputyOfCm1.id, "2026-03-10");
    expect(await completeFollowUp(db, actors.cm1, { followUpId: id, caseId: null })).toMatchObject({ ok: true, caseId: c.deputyOfCm1.id });
  });
});
