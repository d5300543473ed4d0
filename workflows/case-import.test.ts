import { describe, expect, test } from "vitest";
import {
  type ImportReference,
  checkMapping,
  findHeaderRow,
  matchCaseManager,
  matchMunicipality,
  normalizeHeader,
  parseClosureReason,
  parseGermanDate,
  parseResidenceStatus,
  parseStatus,
  parseTargetGroup,
  planSteps,
  splitFullName,
  suggestMapping,
  validateRow,
} from "./case-import";
import { DEFAULT_TARGET_GROUP_DEFINITIONS } from "./target-groups";

const TODAY = "2026-12-02";
const MUNICIPALITIES = [
  { id: 1, name: "Hilden" },
  { id: 2, name: "Langenfeld (Rhld.)" },
  { id: 3, name: "Mettmann" },
  { id: 4, name: "Monheim am Rhein" },
];
const CM = { displayName: "Anna Demir", username: "casemanager", active: true, writable: true, organisationName: "Kreis" };
const REF: ImportReference = {
  today: TODAY,
  municipalities: MUNICIPALITIES,
  caseManagers: [
    { id: "a", ...CM },
    { id: "b", ...CM, displayName: "Alt Former", username: "alt", active: false },
    { id: "c", ...CM, displayName: "Rami Haddad", username: "cm.haddad", writable: false, organisationName: "der Caritas" },
  ],
  definitions: Object.values(DEFAULT_TARGET_GROUP_DEFINITIONS).map((d) => ({ ...d, validFrom: "2021-01-01" })),
};

describe("headers and mapping", () => {
  test("normalised: case, umlauts, punctuation", () => {
    expect(normalizeHeader("Geb.-Datum")).toBe("gebdatum");
    expect(normalizeHeader("Staatsangehörigkeit")).toBe("staatsangehoerigkeit");
    expect(normalizeHeader(" Fallmanager(in) ")).toBe("fallmanagerin");
  });

  test("suggestion from German headers; a lone Name is the whole name; unknown headers stay unmapped", () => {
    expect(suggestMapping(["Nr.", "Name", "Vorname", "Geburtsdatum", "Wohnort", "Casemanager*in", "Bemerkung"])).toEqual([
      "externalId",
      "lastName",
      "firstName",
      "birthDate",
      "municipality",
      "caseManager",
      null,
    ]);
    expect(suggestMapping(["Name", "Geb.-Datum", "Kommune", "Aufnahme"])).toEqual(["fullName", "birthDate", "municipality", "openedOn"]);
    expect(suggestMapping(["Nachname", "Name"])).toEqual(["lastName", null]);
  });

  test("the header row below a title and empty lines", () => {
    expect(findHeaderRow([["Fallliste 2023", "Fallliste 2023"], [], ["Stand 31.12."], ["Name", "Vorname", "Kommune"], ["A", "B", "Hilden"]])).toBe(3);
    expect(findHeaderRow([["a", "b"], ["c"]])).toBeNull();
  });

  test("mapping problems", () => {
    expect(checkMapping(["lastName", "firstName", "municipality", "openedOn"])).toEqual([]);
    expect(checkMapping(["lastName", "lastName", "municipality"])).toEqual([
      "„Nachname“ ist mehreren Spalten zugeordnet.",
      "Bitte ordnen Sie Nachname und Vorname zu (oder eine Spalte mit dem ganzen Namen).",
      "Bitte ordnen Sie eine Spalte „Aufnahmedatum“ zu.",
    ]);
  });
});

describe("cell values", () => {
  test("German dates, two-digit years, Excel serials; impossible dates refused", () => {
    expect(parseGermanDate("31.12.2023", TODAY)).toEqual({ ok: true, value: "2023-12-31" });
    expect(parseGermanDate("1.2.23", TODAY)).toEqual({ ok: true, value: "2023-02-01" });
    expect(parseGermanDate("1.2.85", TODAY)).toEqual({ ok: true, value: "1985-02-01" });
    expect(parseGermanDate("2023-04-01", TODAY)).toEqual({ ok: true, value: "2023-04-01" });
    expect(parseGermanDate("45027", TODAY)).toEqual({ ok: true, value: "2023-04-11" });
    expect(parseGermanDate("", TODAY)).toEqual({ ok: true, value: null });
    expect(parseGermanDate("31.02.2023", TODAY)).toEqual({ ok: false, message: "„31.02.2023“ ist kein gültiges Datum." });
    expect(parseGermanDate("29.02.2023", TODAY).ok).toBe(false);
    expect(parseGermanDate("29.02.2024", TODAY)).toEqual({ ok: true, value: "2024-02-29" });
    expect(parseGermanDate("gestern", TODAY).ok).toBe(false);
  });

  test("vocabulary as caseworkers write it", () => {
    expect(parseResidenceStatus("Duldung § 60a")).toBe("duldung_60a");
    expect(parseResidenceStatus("Duldung 60b")).toBe("duldung_60b");
    expect(parseResidenceStatus("Gestattung")).toBe("aufenthaltsgestattung");
    expect(parseResidenceStatus("§ 24")).toBe("ae_24");
    expect(parseResidenceStatus("Chancen-Aufenthaltsrecht")).toBe("ae_104c");
    expect(parseResidenceStatus("NE")).toBe("niederlassungserlaubnis");
    expect(parseResidenceStatus("Visum")).toBeNull();
    expect(parseTargetGroup("UMF")).toBe("umf");
    expect(parseTargetGroup("Geduldete")).toBe("geduldete_identitaet");
    expect(parseTargetGroup("Neuzugewanderte")).toBe("neuzugewanderte_erhoeht");
    expect(parseTargetGroup("Senioren")).toBeNull();
    expect(parseClosureReason("Übergabe an Regeldienst")).toBe("uebergabe_regeldienst");
    expect(parseClosureReason("abgeschoben")).toBe("ausreise_abschiebung");
    expect(parseClosureReason("nicht zuständig")).toBe("nicht_zustaendig");
    expect(parseStatus("in Bearbeitung")).toBe("offen");
    expect(parseStatus("Ruhend")).toBe("ruhend");
    expect(parseStatus("beendet")).toBe("abgeschlossen");
  });

  test("municipalities: exact, without suffix, typos only suggested", () => {
    expect(matchMunicipality("hilden", MUNICIPALITIES)).toEqual({ ok: true, id: 1 });
    expect(matchMunicipality("Langenfeld", MUNICIPALITIES)).toEqual({ ok: true, id: 2 });
    expect(matchMunicipality("Monheim a. Rhein", MUNICIPALITIES).ok).toBe(false);
    expect(matchMunicipality("Hildn", MUNICIPALITIES)).toEqual({
      ok: false,
      message: "Unbekannte Kommune „Hildn“. Meinten Sie „Hilden“? Bitte in der Datei korrigieren.",
    });
    expect(matchMunicipality("Düsseldorf", MUNICIPALITIES)).toEqual({ ok: false, message: "Unbekannte Kommune „Düsseldorf“." });
  });

  test("case managers: either order, user name; inactive and other organisations refused", () => {
    expect(matchCaseManager("Demir, Anna", REF.caseManagers)).toEqual({ ok: true, id: "a" });
    expect(matchCaseManager("anna demir", REF.caseManagers)).toEqual({ ok: true, id: "a" });
    expect(matchCaseManager("casemanager", REF.caseManagers)).toEqual({ ok: true, id: "a" });
    expect(matchCaseManager("Alt Former", REF.caseManagers)).toEqual({ ok: false, message: "Die Casemanager*in „Alt Former“ ist nicht mehr aktiv." });
    expect(matchCaseManager("Rami Haddad", REF.caseManagers).ok).toBe(false);
    expect(matchCaseManager("X Y", REF.caseManagers)).toEqual({ ok: false, message: "Unbekannte Casemanager*in „X Y“." });
  });

  test("full names", () => {
    expect(splitFullName("Müller, Anna Lena")).toEqual({ lastName: "Müller", firstName: "Anna Lena" });
    expect(splitFullName("Anna Lena Müller")).toEqual({ lastName: "Müller", firstName: "Anna Lena" });
  });
});

describe("rows", () => {
  const base = {
    lastName: "Tesfay",
    firstName: "Selam",
    birthDate: "12.05.1995",
    municipality: "Hilden",
    residenceStatus: "Duldung",
    targetGroup: "Geduldete",
    caseManager: "Anna Demir",
    openedOn: "10.01.2023",
    firstContactOn: "17.01.2023",
  };

  test("a closed case: plan and steps with their dates", () => {
    const v = validateRow(6, { ...base, status: "abgeschlossen", closureReason: "Ziele erreicht", closedOn: "30.11.2023" }, REF);
    expect(v.errors).toEqual({});
    expect(v.plan && planSteps(v.plan)).toEqual([
      { type: "RECORD_CONTACT", on: "2023-01-17" },
      { type: "CLASSIFY", on: "2023-01-17", targetGroup: "geduldete_identitaet" },
      { type: "BEGIN_CLOSURE", on: "2023-11-30" },
      { type: "CLOSE", on: "2023-11-30", reason: "ziele_erreicht" },
    ]);
  });

  test("chronology, future dates, entry rules of the target group, status consistency", () => {
    expect(validateRow(1, { ...base, firstContactOn: "01.01.2023" }, REF).errors.firstContactOn).toBe(
      "Der Erstkontakt (01.01.2023) liegt vor dem Aufnahmedatum (10.01.2023).",
    );
    expect(validateRow(1, { ...base, openedOn: "01.01.2027", firstContactOn: "" }, REF).errors.openedOn).toBe(
      "Das Aufnahmedatum 01.01.2027 liegt in der Zukunft.",
    );
    expect(validateRow(1, { ...base, residenceStatus: "Gestattung" }, REF).errors.targetGroup).toMatch(/^Voraussetzungen nicht erfüllt: Der Aufenthaltsstatus/);
    expect(validateRow(1, { ...base, targetGroup: "UMF" }, REF).errors.targetGroup).toMatch(/nicht unter 18 Jahre alt/);
    expect(validateRow(1, { ...base, firstContactOn: "" }, REF).errors.firstContactOn).toBe(
      "Für eine Zielgruppenzuordnung ist ein Erstkontakt nötig (Datum fehlt).",
    );
    expect(validateRow(1, { ...base, status: "abgeschlossen" }, REF).errors).toMatchObject({
      closedOn: "Für einen abgeschlossenen Fall fehlt das Abschlussdatum.",
      closureReason: "Für einen abgeschlossenen Fall fehlt der Abschlussgrund.",
    });
    expect(validateRow(1, { ...base, status: "offen", closedOn: "01.12.2023" }, REF).errors.status).toMatch(/nicht „abgeschlossen“/);
    expect(validateRow(1, { ...base, openedOn: "" }, REF).errors.openedOn).toBe("Das Aufnahmedatum fehlt.");
  });
});
