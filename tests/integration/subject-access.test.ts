// Art. 15: everything about one person, scoped like every case query.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCaseFile } from "../../db/case-file";
import { applyCaseEvent, openCase } from "../../db/case-service";
import { seedDemoUsers, seedReferenceData } from "../../db/seed/index";
import { collectSubjectData } from "../../db/subject-access";
import { openTestCase } from "./case-file-helpers";
import { type TestDatabase, createTestDatabase } from "./db";

let t: TestDatabase;
const actors: Record<string, { id: string; role: "case_manager" | "coordinator" | "steering" }> = {};

beforeAll(async () => {
  t = await createTestDatabase();
  await seedReferenceData(t.db);
  await seedDemoUsers(t.db);
  for (const [username, role] of [
    ["casemanager", "case_manager"],
    ["casemanager2", "case_manager"],
    ["koordination", "coordinator"],
    ["lenkung", "steering"],
  ] as const) {
    const u = await t.db.selectFrom("users").select("id").where("username", "=", username).executeTakeFirstOrThrow();
    actors[username] = { id: u.id, role };
  }
});

afterAll(async () => {
  await t?.close();
});

describe("subject access export", () => {
  it("contains the person, the case history, contacts and every disclosure to a partner; only for those who may see the case", async () => {
    const cm = actors.casemanager!;
    const municipalityId = (await t.db.selectFrom("municipalities").select("id").executeTakeFirstOrThrow()).id;
    const opened = await openCase(t.db, cm, {
      client: {
        firstName: "Samira",
        lastName: "Auskunft",
        birthDate: "1988-02-02",
        birthDateEstimated: false,
        gender: "weiblich",
        nationality: "Irak",
        languages: ["Arabisch"],
        interpreterNeeded: true,
        municipalityId,
        residenceStatus: "aufenthaltsgestattung",
        arrivalDate: null,
        unaccompanied: false,
        phone: "0171 555",
        email: null,
        address: null,
      },
      referralSource: "sozialamt",
      referralMunicipalityId: null,
      increasedNeedDocumented: true,
      caseManagerId: cm.id,
    });
    const contact = await applyCaseEvent(t.db, cm, {
      caseId: opened.caseId,
      expectedRowVersion: 1,
      command: { type: "RECORD_CONTACT", contactType: "persoenlich", minutes: 40 },
      details: { note: "Erstgespräch im Rathaus" },
    });
    expect(contact.ok).toBe(true);
    const partner = await t.db.selectFrom("partners").select(["id", "name"]).executeTakeFirstOrThrow();
    await t.db
      .insertInto("referrals")
      .values({
        case_id: opened.caseId,
        partner_id: partner.id,
        need_domain: "sprache",
        status: "gesendet",
        snapshot: "{}",
        machine_version: "test",
        shares_data: true,
        planned_at: new Date(),
        sent_at: new Date(),
      })
      .execute();

    const data = await collectSubjectData(t.db, cm, opened.caseId);
    expect(data?.export.person).toMatchObject({ first_name: "Samira", last_name: "Auskunft", phone: "0171 555" });
    expect(data?.export.faelle).toHaveLength(1);
    expect(data?.export.faelle[0]?.verlauf.map((e) => e.type)).toEqual(["CASE_OPENED", "RECORD_CONTACT"]);
    expect(data?.export.faelle[0]?.kontakte[0]?.note).toBe("Erstgespräch im Rathaus");
    expect(data?.export.datenweitergaben).toEqual([
      expect.objectContaining({ empfaenger: partner.name, grundlage: "Einwilligung" }),
    ]);

    expect(await collectSubjectData(t.db, actors.koordination!, opened.caseId)).toBeDefined();
    expect(await collectSubjectData(t.db, actors.casemanager2!, opened.caseId)).toBeUndefined();
    expect(await collectSubjectData(t.db, actors.lenkung!, opened.caseId)).toBeUndefined();
  });

  it("lists who accessed the person's data: role, organisation and time, refusals included, no names", async () => {
    const cm = actors.casemanager!;
    const opened = await openTestCase(t.db, cm, { firstName: "Zugriff", lastName: "Liste" });
    const other = await openTestCase(t.db, cm, { firstName: "Andere", lastName: "Person" });
    await loadCaseFile(t.db, cm, opened.caseId);
    await loadCaseFile(t.db, actors.koordination!, opened.caseId);
    await loadCaseFile(t.db, actors.casemanager2!, opened.caseId);
    await loadCaseFile(t.db, cm, other.caseId);
    const org = await t.db
      .selectFrom("users")
      .innerJoin("organisations", "organisations.id", "users.organisation_id")
      .select("organisations.name")
      .where("users.id", "=", cm.id)
      .executeTakeFirstOrThrow();

    const data = await collectSubjectData(t.db, cm, opened.caseId);
    const accesses = data?.export.zugriffe ?? [];
    expect(accesses.map((a) => [a.aktion, a.ergebnis, a.rolle])).toEqual([
      ["Fall angelegt", "erlaubt", "Casemanager*in"],
      ["Fallakte gelesen", "erlaubt", "Casemanager*in"],
      ["Fallakte gelesen", "erlaubt", "Koordination"],
      ["Fallakte gelesen", "verweigert", "Casemanager*in"],
    ]);
    expect(accesses[0]?.organisation).toBe(org.name);
    expect(accesses.every((a) => !Number.isNaN(Date.parse(a.zeitpunkt)))).toBe(true);
    const json = JSON.stringify(accesses);
    for (const name of ["Anna Demir", "Jonas Becker", "Petra Lange", "casemanager", "Andere", "Person"]) {
      expect(json).not.toContain(name);
    }
  });
});
