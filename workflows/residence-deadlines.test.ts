import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  addMonths,
  caseDeadlines,
  documentDeadline,
  reminderFollowUp,
  reminderStage,
} from "./residence-deadlines";

// A fixed clock: every "today" below is derived from it, never from the machine's date.
const NOW = new Date("2026-03-02T09:00:00Z");
const today = () => new Date().toISOString().slice(0, 10);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

describe("documentDeadline", () => {
  it("is the expiry of a Duldung, Gestattung, Fiktionsbescheinigung or permit", () => {
    for (const status of ["duldung_60a", "duldung_60b", "aufenthaltsgestattung", "fiktionsbescheinigung", "ae_25b"] as const) {
      expect(documentDeadline({ status, issuedOn: "2026-01-01", validUntil: "2026-04-13" })).toMatchObject({
        kind: "ablauf",
        on: "2026-04-13",
      });
    }
  });
  it("is the end of the 18 months of a § 104c Chancen-Aufenthaltsrecht, from its issue date", () => {
    expect(documentDeadline({ status: "ae_104c", issuedOn: "2025-08-31", validUntil: "2027-12-31" })).toEqual({
      kind: "chancen_ende",
      on: "2027-02-28",
      label: "Chancen-Aufenthaltsrecht § 104c AufenthG: 18 Monate enden am 28.02.2027",
    });
  });
  it("is none without a validity (Niederlassungserlaubnis, unknown)", () => {
    expect(documentDeadline({ status: "niederlassungserlaubnis", issuedOn: "2020-01-01", validUntil: null })).toBeNull();
    expect(documentDeadline({ status: "duldung_60a", issuedOn: null, validUntil: null })).toBeNull();
  });
});

describe("caseDeadlines", () => {
  it("adds a UMF's 18th birthday, sorted with the document's deadline", () => {
    expect(
      caseDeadlines({
        current: { status: "aufenthaltsgestattung", issuedOn: null, validUntil: "2026-09-01" },
        targetGroup: "umf",
        birthDate: "2008-05-10",
      }).map((d) => [d.kind, d.on]),
    ).toEqual([
      ["volljaehrigkeit", "2026-05-10"],
      ["ablauf", "2026-09-01"],
    ]);
  });
  it("has no birthday deadline outside the UMF group", () => {
    expect(caseDeadlines({ current: null, targetGroup: "geduldete_identitaet", birthDate: "2008-05-10" })).toEqual([]);
  });
});

describe("reminderStage (fixed clock 2026-03-02)", () => {
  const at = (days: number) => addDaysFromToday(days);
  function addDaysFromToday(days: number): string {
    const d = new Date(`${today()}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }
  it.each([
    [57, null],
    [56, "8w"],
    [29, "8w"],
    [28, "4w"],
    [8, "4w"],
    [7, "1w"],
    [1, "1w"],
    [0, "1w"],
    [-1, "ueberfaellig"],
    [-400, "ueberfaellig"],
  ] as const)("a deadline %i days ahead is at stage %s", (days, stage) => {
    expect(reminderStage(at(days), today())).toBe(stage);
  });
  it("a Duldung valid for 6 weeks is already in its 8-week reminder, and reaches 4 weeks two weeks later", () => {
    const validUntil = at(42);
    expect(reminderStage(validUntil, today())).toBe("8w");
    expect(reminderStage(validUntil, at(13))).toBe("8w");
    expect(reminderStage(validUntil, at(14))).toBe("4w");
    expect(reminderStage(validUntil, at(35))).toBe("1w");
    expect(reminderStage(validUntil, at(43))).toBe("ueberfaellig");
  });
  it("names each reminder once per deadline and stage", () => {
    const deadline = documentDeadline({ status: "duldung_60a", issuedOn: null, validUntil: "2026-04-13" });
    expect(deadline).not.toBeNull();
    const r = reminderFollowUp(deadline!, "4w");
    expect(r.key).toBe("frist:ablauf:2026-04-13:4w");
    expect(r.note).toContain("Duldung (§ 60a AufenthG) gültig bis 13.04.2026");
  });
});

describe("addMonths", () => {
  it("clamps to the month's last day like PostgreSQL", () => {
    expect(addMonths("2024-02-29", 12)).toBe("2025-02-28");
    expect(addMonths("2025-01-31", 1)).toBe("2025-02-28");
    expect(addMonths("2025-11-15", 3)).toBe("2026-02-15");
  });
});
