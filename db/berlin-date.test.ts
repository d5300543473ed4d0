import { describe, expect, it } from "vitest";
import { berlinDate } from "./case-service";

const intl = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Berlin" });

describe("berlinDate", () => {
  it("gives Intl's Berlin date for every quarter hour around the clock changes, whatever was asked before", () => {
    // Around the switches to and from summer time (01:00 UTC) and around midnight in both, in two orders,
    // so that a date kept for one instant is never handed out for another that differs.
    const days = ["2026-03-28", "2026-03-29", "2026-03-30", "2026-10-24", "2026-10-25", "2026-10-26", "2024-02-29"];
    const instants: number[] = [];
    for (const day of days) {
      const start = Date.parse(`${day}T00:00:00Z`) - 3 * 3_600_000;
      for (let m = 0; m < 30 * 60; m += 15) instants.push(start + m * 60_000 + 59_999);
    }
    for (const order of [instants, [...instants].reverse()]) {
      for (const ms of order) {
        expect(berlinDate(new Date(ms))).toBe(intl.format(ms));
        expect(berlinDate(new Date(ms).toISOString())).toBe(intl.format(ms));
      }
    }
    expect(berlinDate("2026-03-28T22:59:59.999Z")).toBe("2026-03-28");
    expect(berlinDate("2026-03-28T23:00:00.000Z")).toBe("2026-03-29");
    expect(berlinDate("2026-10-24T21:59:59.999Z")).toBe("2026-10-24");
    expect(berlinDate("2026-10-24T22:00:00.000Z")).toBe("2026-10-25");
    expect(berlinDate("2026-10-25T22:59:59.999Z")).toBe("2026-10-25");
    expect(berlinDate("2026-10-25T23:00:00.000Z")).toBe("2026-10-26");
  });

  it("formats instants before 1970 (offsets of minutes before 1893) and refuses an invalid date", () => {
    // Berlin's local mean time was UTC+0:53:28: within the same UTC hour, 23:05 UTC on 31 Dec 1880 is
    // still that day there and 23:10 UTC is already 1 Jan 1881 (a date kept per hour would get one wrong).
    expect(berlinDate("1880-12-31T23:10:00Z")).toBe("1881-01-01");
    expect(berlinDate("1880-12-31T23:05:00Z")).toBe("1880-12-31");
    expect(berlinDate("1960-06-30T23:30:00Z")).toBe("1960-07-01"); // no summer time in 1960: UTC+1
    expect(() => berlinDate("kein Datum")).toThrow(RangeError);
  });
});
