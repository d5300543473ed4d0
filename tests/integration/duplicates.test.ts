// The duplicate check of "Neue Aufnahme" on a real database: name similarity (umlauts, transliteration,
// swapped names), birth-date closeness, scoping (other cases are only counted), and saving an intake only
// after the shown matches were confirmed.
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Actor } from "../../db/access";
import {
  birthDatesClose,
  findPossibleDuplicates,
  namePartsSimilar,
  namesMatch,
  normalizeName,
  swappedDayMonth,
} from "../../db/duplicates";
import { type IntakeInput, loadIntakeOptions, submitIntake } from "../../db/intake";
import type { Database } from "../../db/schema";
import { seedReferenceData } from "../../db/seed/index";
import { type TestDatabase, createTestDatabase } from "./db";
import { insertOrganisation, insertUser } from "./fixtures";

let t: TestDatabase;
let db: Kysely<Database>;
const actors = {} as Record<"cm1" | "cm2" | "coordinator" | "inactiveCm", Actor>;
let municipalityId: number;

async function addPerson(options: {
  caseManagerId: string | null;
  firstName: string;
  lastName: string;
  birthDate: string | null;
  estimated?: boolean;
  anonymised?: boolean;
}): Promise<{ caseId: string; aktenzeichen: string }> {
  const aktenzeichen = `D-${randomBytes(4).toString("hex")}`;
  const client = await db
    .insertInto("clients")
    .values({
      aktenzeichen,
      first_name: options.firstName,
      last_name: options.lastName,
      birth_date: options.birthDate,
      birth_date_estimated: options.estimated ?? false,
      gender: "maennlich",
      municipality_id: municipalityId,
      residence_status: "duldung_60a",
      anonymised_at: options.anonymised ? new Date() : null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const row = await db
    .insertInto("cases")
    .values({
      client_id: client.id,
      case_manager_id: options.caseManagerId,
      referral_source: "auslaenderamt",
      state: "intake",
      snapshot: "{}",
      machine_version: "test",
      opened_at: new Date(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { caseId: row.id, aktenzeichen };
}

function check(actor: Actor, firstName: string, lastName: string, birthDate: string | null, estimated = false) {
  return findPossibleDuplicates(db, actor, { firstName, lastName, birthDate, birthDateEstimated: estimated });
}

let juergen: { caseId: string; aktenzeichen: string };
let juergenOfCm2: { caseId: string; aktenzeichen: string };

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  await seedReferenceData(db);
  municipalityId = (await db.selectFrom("municipalities").select("id").orderBy("id").executeTakeFirstOrThrow()).id;
  const organisationId = await insertOrganisation(db);
  for (const [key, role] of [
    ["cm1", "case_manager"],
    ["cm2", "case_manager"],
    ["coordinator", "coordinator"],
    ["inactiveCm", "case_manager"],
  ] as const) {
    actors[key] = { id: (await insertUser(db, { role, organisationId })).id, role };
  }
  await db.updateTable("users").set({ active: false }).where("id", "=", actors.inactiveCm.id).execute();

  juergen = await addPerson({ caseManagerId: actors.cm1.id, firstName: "Jürgen", lastName: "Müller", birthDate: "1990-04-05" });
  juergenOfCm2 = await addPerson({
    caseManagerId: actors.cm2.id,
    firstName: "Juergen",
    lastName: "Mueller",
    birthDate: "1990-04-07",
  });
});

afterAll(async () => {
  await t?.close();
});

describe("name comparison", () => {
  test("normalisation: case, umlauts, ß, accents, hyphens and spaces", () => {
    expect(normalizeName("Müller-Lüdenscheidt")).toBe("muellerluedenscheidt");
    expect(normalizeName("MUELLER")).toBe(normalizeName("Müller"));
    expect(normalizeName("Strauß")).toBe("strauss");
    expect(normalizeName("José Núñez")).toBe("josenunez");
    expect(normalizeName("Øre Łukasz")).toBe("orelukasz");
    expect(normalizeName("Al Hassan")).toBe(normalizeName("Al-Hassan"));
  });

  test("transliteration variants are similar, different names are not", () => {
    expect(namePartsSimilar("Mohammed", "Muhammad")).toBe(true);
    expect(namePartsSimilar("Mohamed", "Mohammed")).toBe(true);
    expect(namePartsSimilar("Yusuf", "Jusuf")).toBe(true);
    expect(namePartsSimilar("Iwanow", "Ivanov")).toBe(true);
    expect(namePartsSimilar("Schmidt", "Schmitz")).toBe(false);
    expect(namePartsSimilar("Anna", "Hanna")).toBe(true);
    expect(namePartsSimilar("Ali", "Eli")).toBe(false);
    expect(namePartsSimilar("Meier", "Müller")).toBe(false);
  });

  test("first and last name in either order", () => {
    const known = { firstName: "Jürgen", lastName: "Müller" };
    expect(namesMatch({ firstName: "juergen", lastName: "MUELLER" }, known)).toBe(true);
    expect(namesMatch({ firstName: "Müller", lastName: "Jürgen" }, known)).toBe(true);
    expect(namesMatch({ firstName: "Jürgen", lastName: "Meier" }, known)).toBe(false);
    expect(namesMatch({ firstName: "Mohammed Ali", lastName: "Hassan" }, { firstName: "Mohamed", lastName: "Hasan" })).toBe(
      true,
    );
  });
});

describe("birth-date closeness", () => {
  const d = (birthDate: string | null, birthDateEstimated = false) => ({ birthDate, birthDateEstimated });
  test("same, a few weeks apart, day and month swapped; far apart is not close", () => {
    expect(birthDatesClose(d("1990-04-05"), d("1990-04-05"))).toBe(true);
    expect(birthDatesClose(d("1990-04-05"), d("1990-05-05"))).toBe(true); // 30 days
    expect(birthDatesClose(d("1990-04-05"), d("1990-05-07"))).toBe(false); // 32 days
    expect(birthDatesClose(d("1990-01-10"), d("1990-10-01"))).toBe(true); // 1 October vs 10 January
    expect(birthDatesClose(d("1990-01-10"), d("1990-10-02"))).toBe(false);
    expect(birthDatesClose(d("1990-04-05"), d("1991-04-05"))).toBe(false);
    expect(swappedDayMonth("1990-04-05")).toBe("1990-05-04");
    expect(swappedDayMonth("1990-04-25")).toBeNull();
    expect(swappedDayMonth("1990-04-04")).toBeNull();
  });

  test("estimated birth dates allow a year either way; unknown ones cannot rule a match out", () => {
    expect(birthDatesClose(d("2008-01-01", true), d("2008-12-20"))).toBe(true);
    expect(birthDatesClose(d("2008-01-01"), d("2008-12-20", true))).toBe(true);
    expect(birthDatesClose(d("2008-01-01", true), d("2009-06-01"))).toBe(false);
    expect(birthDatesClose(d(null), d("2008-01-01"))).toBe(true);
  });
});

describe("findPossibleDuplicates", () => {
  test("finds the own case under another spelling; another case manager's match is only counted", async () => {
    const result = await check(actors.cm1, "Juergen", "Mueller", "1990-04-05");
    expect(result.visible.map((m) => m.caseId)).toEqual([juergen.caseId]);
    expect(result.visible[0]).toMatchObject({ aktenzeichen: juergen.aktenzeichen, birthDate: "1990-04-05" });
    expect(result.hiddenCount).toBe(1);
    expect(JSON.stringify(result)).not.toContain(juergenOfCm2.aktenzeichen);
    expect(JSON.stringify(result)).not.toContain(juergenOfCm2.caseId);
    expect(result.fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });

  test("coordinators see both matches", async () => {
    const result = await check(actors.coordinator, "Jürgen", "Müller", "1990-04-06");
    expect(result.visible.map((m) => m.caseId).sort()).toEqual([juergen.caseId, juergenOfCm2.caseId].sort());
    expect(result.hiddenCount).toBe(0);
  });

  test("swapped names, a close or day-month-swapped birth date match; a distant one does not", async () => {
    expect((await check(actors.cm1, "Müller", "Jürgen", "1990-04-05")).visible).toHaveLength(1);
    expect((await check(actors.cm1, "Jürgen", "Müller", "1990-04-25")).visible).toHaveLength(1);
    const swappedDate = await addPerson({ caseManagerId: actors.cm1.id, firstName: "Rania", lastName: "Aziz", birthDate: "1985-02-11" });
    expect((await check(actors.cm1, "Rania", "Aziz", "1985-11-02")).visible.map((m) => m.caseId)).toEqual([swappedDate.caseId]);
    expect((await check(actors.cm1, "Rania", "Aziz", "1985-11-03")).fingerprint).toBeNull();
    const far = await check(actors.cm1, "Jürgen", "Müller", "1990-07-05");
    expect(far).toEqual({ visible: [], hiddenCount: 0, fingerprint: null });
    expect((await check(actors.cm1, "Jürgen", "Meier", "1990-04-05")).fingerprint).toBeNull();
  });

  test("an estimated birth date widens the window to a year", async () => {
    expect((await check(actors.cm1, "Jürgen", "Müller", "1990-12-01")).fingerprint).toBeNull();
    expect((await check(actors.cm1, "Jürgen", "Müller", "1990-12-01", true)).visible).toHaveLength(1);
    const estimated = await addPerson({
      caseManagerId: actors.cm1.id,
      firstName: "Samir",
      lastName: "Haddad",
      birthDate: "2008-01-01",
      estimated: true,
    });
    expect((await check(actors.cm1, "Samir", "Haddad", "2008-09-30")).visible.map((m) => m.caseId)).toEqual([
      estimated.caseId,
    ]);
  });

  test("a known person without birth date matches by name; an input without birth date finds equal names", async () => {
    const noDate = await addPerson({ caseManagerId: actors.cm1.id, firstName: "Tesfay", lastName: "Gebre", birthDate: null });
    expect((await check(actors.cm1, "Tesfay", "Gebre", "1985-02-02")).visible.map((m) => m.caseId)).toEqual([
      noDate.caseId,
    ]);
    expect((await check(actors.cm1, "Jürgen", "Müller", null)).visible.map((m) => m.caseId)).toEqual([juergen.caseId]);
    expect((await check(actors.cm1, "mueller", "JUERGEN", null)).visible.map((m) => m.caseId)).toEqual([juergen.caseId]);
    expect((await check(actors.cm1, "Jürgen", "Meier", null)).fingerprint).toBeNull();
  });

  test("anonymised clients are never matched", async () => {
    await addPerson({
      caseManagerId: actors.cm1.id,
      firstName: "Anonym",
      lastName: "Geloescht",
      birthDate: "1970-01-01",
      anonymised: true,
    });
    expect((await check(actors.coordinator, "Anonym", "Geloescht", "1970-01-01")).fingerprint).toBeNull();
  });

  test("the fingerprint names the set of matches", async () => {
    const a = await check(actors.cm1, "Jürgen", "Müller", "1990-04-05");
    const b = await check(actors.cm1, "Juergen", "Mueller", "1990-04-06");
    const other = await check(actors.cm1, "Samir", "Haddad", "2008-01-01");
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(other.fingerprint).not.toBe(a.fingerprint);
  });
});

describe("submitIntake", () => {
  function intake(overrides: Partial<IntakeInput> & { firstName?: string; lastName?: string; birthDate?: string | null } = {}) {
    const { firstName, lastName, birthDate, ...rest } = overrides;
    return {
      client: {
        firstName: firstName ?? "Jürgen",
        lastName: lastName ?? "Müller",
        birthDate: birthDate === undefined ? "1990-04-05" : birthDate,
        birthDateEstimated: false,
        gender: "maennlich",
        nationality: "Syrien",
        languages: ["Arabisch", "Deutsch"],
        interpreterNeeded: true,
        municipalityId,
        residenceStatus: "duldung_60b",
        arrivalDate: "2019-06-01",
        unaccompanied: false,
        phone: "0170 1234567",
        email: null,
        address: "Musterweg 1",
      },
      referralSource: "sozialamt",
      referralMunicipalityId: municipalityId,
      increasedNeedDocumented: true,
      caseManagerId: null,
      confirmedDuplicates: null,
      ...rest,
    } satisfies IntakeInput;
  }

  async function clientCount() {
    const row = await db.selectFrom("clients").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  test("possible duplicates stop the save until exactly these matches are confirmed", async () => {
    const before = await clientCount();
    const first = await submitIntake(db, actors.cm1, intake());
    expect(first.status).toBe("duplicates");
    expect(await clientCount()).toBe(before);
    const fingerprint = first.status === "duplicates" ? first.duplicates.fingerprint : null;

    const wrong = await submitIntake(db, actors.cm1, intake({ confirmedDuplicates: "0".repeat(32) }));
    expect(wrong.status).toBe("duplicates");
    expect(await clientCount()).toBe(before);

    const confirmed = await submitIntake(db, actors.cm1, intake({ confirmedDuplicates: fingerprint }));
    expect(confirmed.status).toBe("created");
    expect(await clientCount()).toBe(before + 1);
    if (confirmed.status !== "created") return;
    const saved = await db
      .selectFrom("cases")
      .innerJoin("clients", "clients.id", "cases.client_id")
      .select([
        "cases.case_manager_id",
        "cases.state",
        "cases.referral_source",
        "cases.referral_municipality_id",
        "cases.increased_need_documented",
        "clients.languages",
        "clients.aktenzeichen",
      ])
      .where("cases.id", "=", confirmed.caseId)
      .executeTakeFirstOrThrow();
    expect(saved).toMatchObject({
      case_manager_id: actors.cm1.id,
      state: "intake",
      referral_source: "sozialamt",
      referral_municipality_id: municipalityId,
      increased_need_documented: true,
      languages: ["Arabisch", "Deutsch"],
      aktenzeichen: confirmed.aktenzeichen,
    });
    const audit = await db
      .selectFrom("audit_log")
      .select("action")
      .where("object_id", "=", confirmed.caseId)
      .orderBy("id")
      .execute();
    expect(audit.map((a) => a.action)).toEqual(["case.create", "case.duplicate_confirmed"]);
  });

  test("without matches the intake is saved at once; a case manager always gets the case", async () => {
    const created = await submitIntake(
      db,
      actors.cm2,
      intake({ firstName: "Einzig", lastName: "Artig", caseManagerId: actors.cm1.id }),
    );
    expect(created.status).toBe("created");
    if (created.status !== "created") return;
    const row = await db.selectFrom("cases").select("case_manager_id").where("id", "=", created.caseId).executeTakeFirstOrThrow();
    expect(row.case_manager_id).toBe(actors.cm2.id);
  });

  test("coordinators assign an active case manager or leave the case in the queue", async () => {
    const queued = await submitIntake(db, actors.coordinator, intake({ firstName: "Warte", lastName: "Schlange" }));
    const assigned = await submitIntake(
      db,
      actors.coordinator,
      intake({ firstName: "Zu", lastName: "Gewiesen", caseManagerId: actors.cm2.id }),
    );
    expect(queued.status).toBe("created");
    expect(assigned.status).toBe("created");
    const managerOf = async (r: typeof queued) =>
      r.status === "created"
        ? (await db.selectFrom("cases").select("case_manager_id").where("id", "=", r.caseId).executeTakeFirstOrThrow())
            .case_manager_id
        : "missing";
    expect(await managerOf(queued)).toBeNull();
    expect(await managerOf(assigned)).toBe(actors.cm2.id);

    for (const caseManagerId of [actors.inactiveCm.id, actors.coordinator.id, "00000000-0000-4000-8000-000000000000"]) {
      const refused = await submitIntake(db, actors.coordinator, intake({ firstName: "Nie", lastName: "Gespeichert", caseManagerId }));
      expect(refused).toEqual({
        status: "invalid",
        fieldErrors: { caseManagerId: ["Bitte wählen Sie eine aktive Casemanager*in oder „Noch nicht zuweisen“."] },
      });
    }
  });

  test("unknown municipalities are field errors and nothing is written", async () => {
    const before = await clientCount();
    const result = await submitIntake(
      db,
      actors.cm1,
      intake({
        firstName: "Keine",
        lastName: "Kommune",
        client: { ...intake().client, firstName: "Keine", lastName: "Kommune", municipalityId: 999_999 },
        referralMunicipalityId: 999_998,
      }),
    );
    expect(result).toEqual({
      status: "invalid",
      fieldErrors: {
        municipalityId: ["Bitte wählen Sie eine Kommune aus der Liste."],
        referralMunicipalityId: ["Bitte wählen Sie eine Kommune aus der Liste."],
      },
    });
    expect(await clientCount()).toBe(before);
  });

  test("the form offers case managers only to coordinators", async () => {
    const forCm = await loadIntakeOptions(db, actors.cm1);
    const forCoordinator = await loadIntakeOptions(db, actors.coordinator);
    expect(forCm.caseManagers).toEqual([]);
    expect(forCm.municipalities.length).toBeGreaterThanOrEqual(10);
    const offered = forCoordinator.caseManagers.map((c) => c.id);
    expect(offered).toContain(actors.cm1.id);
    expect(offered).not.toContain(actors.inactiveCm.id);
    expect(offered).not.toContain(actors.coordinator.id);
  });
});
