import { describe, expect, it } from "vitest";

import {
  ageOnDate,
  DEFAULT_TARGET_GROUP_DEFINITIONS,
  detectReclassificationReason,
  evaluateTargetGroup,
  parseLocalDate,
  type TargetGroupDefinition,
} from "./target-groups";
import { factsFor } from "./test-fixtures";
import { REFERRAL_SOURCES, RESIDENCE_STATUSES, RESIDENCE_TITLE_STATUSES } from "./vocabulary";

const { umf, geduldete_identitaet: geduldete, neuzugewanderte_erhoeht: neu } = DEFAULT_TARGET_GROUP_DEFINITIONS;

function reasonsOf(result: ReturnType<typeof evaluateTargetGroup>): string[] {
  return result.ok ? [] : result.reasons;
}

describe("ageOnDate", () => {
  it("counts completed calendar years; the birthday itself counts as turned", () => {
    expect(ageOnDate("2007-03-03", "2025-03-02")).toBe(17);
    expect(ageOnDate("2007-03-03", "2025-03-03")).toBe(18);
    expect(ageOnDate("2007-03-03", "2025-03-04")).toBe(18);
  });
  it("uses the date part of ISO timestamps", () => {
    expect(ageOnDate("2007-03-03", "2025-03-03T23:59:00.000Z")).toBe(18);
  });
  it("lets someone born on 29 February turn a year older on 1 March in non-leap years", () => {
    expect(ageOnDate("2008-02-29", "2026-02-28")).toBe(17);
    expect(ageOnDate("2008-02-29", "2026-03-01")).toBe(18);
    expect(ageOnDate("2008-02-29", "2028-02-29")).toBe(20);
  });
  it("returns null for missing or invalid dates", () => {
    expect(ageOnDate(null, "2025-01-01")).toBeNull();
    expect(ageOnDate("2007-02-30", "2025-01-01")).toBeNull();
    expect(ageOnDate("03.03.2007", "2025-01-01")).toBeNull();
    expect(ageOnDate("2007-01-01", "gestern")).toBeNull();
  });
  it("parseLocalDate rejects impossible dates", () => {
    expect(parseLocalDate("2025-13-01")).toBeNull();
    expect(parseLocalDate("2024-02-29")).toEqual({ y: 2024, m: 2, d: 29 });
    expect(parseLocalDate(undefined)).toBeNull();
  });
});

describe("evaluateTargetGroup: UMF (under 18 at intake, unaccompanied)", () => {
  it("accepts a 17-year-old arriving without parents", () => {
    expect(evaluateTargetGroup(umf, factsFor("umf", { birthDate: "2007-03-04" }))).toEqual({ ok: true });
  });
  it("refuses on the 18th birthday (intake day = birthday)", () => {
    const result = evaluateTargetGroup(umf, factsFor("umf", { birthDate: "2007-03-03" }));
    expect(reasonsOf(result)).toEqual(["Die Person war bei Aufnahme nicht unter 18 Jahre alt (18 Jahre)."]);
  });
  it("accepts an estimated birth date like a known one, and says so when refusing", () => {
    expect(evaluateTargetGroup(umf, factsFor("umf", { birthDate: "2010-01-01", birthDateEstimated: true }))).toEqual({
      ok: true,
    });
    const result = evaluateTargetGroup(umf, factsFor("umf", { birthDate: "2005-01-01", birthDateEstimated: true }));
    expect(reasonsOf(result)).toEqual([
      "Die Person war bei Aufnahme nach dem geschätzten Geburtsdatum nicht unter 18 Jahre alt (20 Jahre).",
    ]);
  });
  it("asks for a birth date when none is recorded", () => {
    const result = evaluateTargetGroup(umf, factsFor("umf", { birthDate: null }));
    expect(reasonsOf(result)).toEqual([
      "Das Geburtsdatum fehlt oder ist ungültig; bitte (ggf. geschätztes) Geburtsdatum erfassen.",
    ]);
  });
  it("refuses an invalid intake date and a birth date after the intake", () => {
    expect(reasonsOf(evaluateTargetGroup(umf, factsFor("umf", { intakeDate: "bald" })))).toEqual([
      "Das Aufnahmedatum fehlt oder ist ungültig.",
    ]);
    expect(reasonsOf(evaluateTargetGroup(umf, factsFor("umf", { birthDate: "2025-03-04" })))).toEqual([
      "Das Geburtsdatum liegt nach dem Aufnahmedatum.",
    ]);
  });
  it("refuses an accompanied minor and lists every failing rule", () => {
    const result = evaluateTargetGroup(umf, factsFor("umf", { unaccompanied: false, birthDate: "2000-01-01" }));
    expect(reasonsOf(result)).toHaveLength(2);
    expect(reasonsOf(result)[1]).toBe(
      "Die Person ist nicht ohne Eltern bzw. Sorgeberechtigte eingereist (nicht unbegleitet).",
    );
  });
});

describe("evaluateTargetGroup: Geduldete (Duldung § 60a or § 60b)", () => {
  it.each(["duldung_60a", "duldung_60b"] as const)("accepts %s", (residenceStatus) => {
    expect(evaluateTargetGroup(geduldete, factsFor("geduldete_identitaet", { residenceStatus }))).toEqual({ ok: true });
  });
  it.each(RESIDENCE_STATUSES.values.filter((s) => !s.startsWith("duldung")))("refuses %s", (residenceStatus) => {
    const result = evaluateTargetGroup(geduldete, factsFor("geduldete_identitaet", { residenceStatus }));
    expect(reasonsOf(result)).toEqual([
      `Der Aufenthaltsstatus „${RESIDENCE_STATUSES.label[residenceStatus]}“ gehört nicht zur Zielgruppe (erforderlich: „Duldung (§ 60a AufenthG)“, „Duldung für Personen mit ungeklärter Identität (§ 60b AufenthG)“).`,
    ]);
  });
});

describe("evaluateTargetGroup: Neuzugewanderte (listed referral source + documented increased need)", () => {
  it.each(["sozialamt", "integration_point", "auslaenderamt", "fluechtlingsberatung"] as const)(
    "accepts a referral by %s",
    (referralSource) => {
      expect(evaluateTargetGroup(neu, factsFor("neuzugewanderte_erhoeht", { referralSource }))).toEqual({ ok: true });
    },
  );
  it.each(["jugendamt", "selbstmelder", "sonstige"] as const)("refuses a referral by %s", (referralSource) => {
    const reasons = reasonsOf(evaluateTargetGroup(neu, factsFor("neuzugewanderte_erhoeht", { referralSource })));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain(`Der Zugangsweg „${REFERRAL_SOURCES.label[referralSource]}“ gehört nicht zur Zielgruppe`);
  });
  it("refuses when the increased need is not documented", () => {
    const result = evaluateTargetGroup(neu, factsFor("neuzugewanderte_erhoeht", { increasedNeedDocumented: false }));
    expect(reasonsOf(result)).toEqual([
      "Ein erhöhter Unterstützungsbedarf ist von der zuweisenden Stelle nicht dokumentiert.",
    ]);
  });
});

describe("definitions are data", () => {
  it("an empty rule set admits everyone", () => {
    const open: TargetGroupDefinition = { code: "umf", version: 7, rules: {} };
    expect(evaluateTargetGroup(open, factsFor("geduldete_identitaet"))).toEqual({ ok: true });
  });
  it("a changed definition (e.g. under 21) changes the outcome without code changes", () => {
    const v2: TargetGroupDefinition = { code: "umf", version: 2, rules: { ...umf.rules, maxAgeAtIntake: 20 } };
    const facts = factsFor("umf", { birthDate: "2005-01-01" });
    expect(evaluateTargetGroup(umf, facts).ok).toBe(false);
    expect(evaluateTargetGroup(v2, facts)).toEqual({ ok: true });
  });
  it("the default definitions are version 1 of the three groups and JSON-serialisable", () => {
    expect(Object.values(DEFAULT_TARGET_GROUP_DEFINITIONS).map((d) => [d.code, d.version])).toEqual([
      ["umf", 1],
      ["geduldete_identitaet", 1],
      ["neuzugewanderte_erhoeht", 1],
    ]);
    expect(JSON.parse(JSON.stringify(DEFAULT_TARGET_GROUP_DEFINITIONS))).toEqual(DEFAULT_TARGET_GROUP_DEFINITIONS);
  });
});

describe("detectReclassificationReason (daily job)", () => {
  it("flags a UMF from the 18th birthday on", () => {
    const person = { targetGroup: "umf" as const, birthDate: "2007-03-03", residenceStatus: "aufenthaltsgestattung" as const };
    expect(detectReclassificationReason(person, "2025-03-02")).toBeNull();
    expect(detectReclassificationReason(person, "2025-03-03")).toBe("umf_volljaehrig");
    expect(detectReclassificationReason({ ...person, birthDate: null }, "2025-03-03")).toBeNull();
  });
  it.each(RESIDENCE_TITLE_STATUSES)("flags a Geduldete*r who received %s", (residenceStatus) => {
    expect(
      detectReclassificationReason({ targetGroup: "geduldete_identitaet", birthDate: null, residenceStatus }, "2025-01-01"),
    ).toBe("aufenthaltstitel");
  });
  it("does not flag a Geduldete*r still holding a Duldung, nor other groups", () => {
    expect(
      detectReclassificationReason(
        { targetGroup: "geduldete_identitaet", birthDate: null, residenceStatus: "duldung_60b" },
        "2025-01-01",
      ),
    ).toBeNull();
    expect(
      detectReclassificationReason(
        { targetGroup: "neuzugewanderte_erhoeht", birthDate: "2000-01-01", residenceStatus: "ae_sonstige" },
        "2025-01-01",
      ),
    ).toBeNull();
    expect(
      detectReclassificationReason({ targetGroup: null, birthDate: "2000-01-01", residenceStatus: "ae_sonstige" }, "2025-01-01"),
    ).toBeNull();
  });
});
