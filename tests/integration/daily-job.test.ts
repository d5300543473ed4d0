// The daily job as of a given day (`npm run jobs:daily -- --date YYYY-MM-DD`): a UMF who turned 18 the
// day before is flagged exactly once; running the same day again flags nothing new; future days are refused.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../db/access";
import { applyCaseEvent, berlinDate } from "../../db/case-service";
import { updateClient } from "../../db/clients";
import { DailyJobDateError, dailyJobInstant, runDailyJob } from "../../db/jobs/daily";
import { loadCaseFile } from "../../db/case-file";
import { type TestDatabase, createTestDatabase } from "./db";
import { openTestCase, rowVersionOf, seedActors } from "./case-file-helpers";

const DAY_MS = 86_400_000;
let t: TestDatabase;
let cm: Actor;

function dayOffset(day: string, days: number): string {
  return new Date(new Date(`${day}T12:00:00Z`).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

function minusYears(day: string, years: number): string {
  return `${Number(day.slice(0, 4)) - years}${day.slice(4)}`;
}

beforeAll(async () => {
  t = await createTestDatabase();
  cm = (await seedActors(t.db)).cm;
});

afterAll(async () => {
  await t?.close();
});

async function flagsOf(caseId: string) {
  return t.db
    .selectFrom("case_events")
    .select(["type", "occurred_at", "actor_id"])
    .where("case_id", "=", caseId)
    .where("type", "=", "FLAG_RECLASSIFICATION")
    .execute();
}

describe("daily job as of a given day", () => {
  it("flags a UMF who turned 18 yesterday exactly once; the same day again flags nothing new", async () => {
    const today = berlinDate(new Date());
    const day = dayOffset(today, -10);
    const birthday18 = dayOffset(day, -1); // turned 18 the day before `day`
    const openedOn = dayOffset(day, -40);
    const opened = await openTestCase(
      t.db,
      cm,
      { birthDate: minusYears(birthday18, 18), unaccompanied: true },
      { referralSource: "jugendamt", referralMunicipalityId: null, increasedNeedDocumented: false },
    );
    // the case was opened and classified (as a 17-year-old) 40 days before `day`
    await t.db.updateTable("cases").set({ opened_at: `${openedOn}T09:00:00Z` }).where("id", "=", opened.caseId).execute();
    for (const command of [
      { type: "RECORD_CONTACT" as const, contactType: "persoenlich" as const, minutes: 30 },
      { type: "CLASSIFY" as const, targetGroup: "umf" as const },
    ]) {
      const result = await applyCaseEvent(t.db, cm, {
        caseId: opened.caseId,
        expectedRowVersion: await rowVersionOf(t.db, opened.caseId),
        command,
        at: `${openedOn}T10:00:00Z`,
      });
      expect(result.ok, JSON.stringify(result)).toBe(true);
    }

    // the day before the birthday's next day: still 17, nothing to flag
    const before = await runDailyJob(t.db, { asOf: dayOffset(day, -2) });
    expect(before.flagged).toBe(0);
    expect(await flagsOf(opened.caseId)).toHaveLength(0);

    const first = await runDailyJob(t.db, { asOf: day });
    expect(first.flagged).toBe(1);
    const flags = await flagsOf(opened.caseId);
    expect(flags).toHaveLength(1);
    expect(berlinDate(flags[0]?.occurred_at ?? "")).toBe(day);
    expect(flags[0]?.actor_id).toBeNull();
    const row = await t.db.selectFrom("cases").select("reclassification_required").where("id", "=", opened.caseId).executeTakeFirstOrThrow();
    expect(row.reclassification_required).toBe("umf_volljaehrig");

    const again = await runDailyJob(t.db, { asOf: day });
    expect(again.flagged).toBe(0);
    expect(await flagsOf(opened.caseId)).toHaveLength(1);
  });

  it("runs as of now for today, noon of a past day, and refuses a future day or a malformed date", () => {
    const now = new Date("2026-11-30T15:30:00Z");
    expect(dailyJobInstant("2026-11-30", now)).toBe(now);
    expect(dailyJobInstant("2026-11-02", now).toISOString()).toBe("2026-11-02T12:00:00.000Z");
    expect(() => dailyJobInstant("2026-12-01", now)).toThrow(
      "Der 2026-12-01 liegt in der Zukunft (heute ist der 2026-11-30): der Tageslauf läuft nur für heute oder vergangene Tage.",
    );
    for (const bad of ["2026-02-30", "30.11.2026", "2026-11-3", ""]) {
      expect(() => dailyJobInstant(bad, now)).toThrow(DailyJobDateError);
    }
  });

  it("`npm run jobs:daily -- --date` with a future day exits with status 2 and a clear message, touching nothing", () => {
    const tomorrow = dayOffset(berlinDate(new Date()), 1);
    const cli = spawnSync("node_modules/.bin/tsx", ["db/cli/jobs-daily.ts", "--date", tomorrow], {
      encoding: "utf8",
      // no database is reachable here: the date is refused before the job opens one
      env: { ...process.env, DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" },
    });
    expect(cli.status).toBe(2);
    expect(cli.stderr).toContain(`Der ${tomorrow} liegt in der Zukunft`);
    const missing = spawnSync("node_modules/.bin/tsx", ["db/cli/jobs-daily.ts", "--date"], { encoding: "utf8" });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("--date braucht einen Tag im Format JJJJ-MM-TT");
  });
});

describe("a change of the personal data is noticed at once", () => {
  it("a UMF whose birth date is corrected to 18 is flagged by the save itself, once; a second save flags nothing new", async () => {
    const today = berlinDate(new Date());
    const opened = await openTestCase(
      t.db,
      cm,
      { birthDate: minusYears(today, 17), unaccompanied: true },
      { referralSource: "jugendamt", referralMunicipalityId: null, increasedNeedDocumented: false },
    );
    for (const command of [
      { type: "RECORD_CONTACT" as const, contactType: "persoenlich" as const, minutes: 30 },
      { type: "CLASSIFY" as const, targetGroup: "umf" as const },
    ]) {
      const result = await applyCaseEvent(t.db, cm, { caseId: opened.caseId, expectedRowVersion: await rowVersionOf(t.db, opened.caseId), command });
      expect(result.ok).toBe(true);
    }
    const save = async (birthDate: string) => {
      const file = await loadCaseFile(t.db, cm, opened.caseId);
      if (!file) throw new Error("case not visible");
      const c = file.client;
      const result = await updateClient(t.db, cm, {
        caseId: opened.caseId,
        expectedVersion: c.version,
        changes: {
          firstName: c.firstName ?? "",
          lastName: c.lastName ?? "",
          birthDate,
          birthDateEstimated: false,
          gender: c.gender,
          nationality: c.nationality,
          languages: c.languages,
          interpreterNeeded: c.interpreterNeeded,
          municipalityId: c.municipalityId,
          residenceStatus: c.residenceStatus,
          arrivalDate: c.arrivalDate,
          unaccompanied: c.unaccompanied,
          phone: c.phone,
          email: c.email,
          address: c.address,
        },
      });
      expect(result.ok).toBe(true);
    };
    await save(minusYears(today, 17)); // still 17: nothing to notice
    expect(await flagsOf(opened.caseId)).toHaveLength(0);
    await save(minusYears(dayOffset(today, -3), 18)); // turned 18 three days ago
    const flags = await flagsOf(opened.caseId);
    expect(flags).toHaveLength(1);
    expect(flags[0]?.actor_id).toBeNull();
    const row = await t.db.selectFrom("cases").select("reclassification_required").where("id", "=", opened.caseId).executeTakeFirstOrThrow();
    expect(row.reclassification_required).toBe("umf_volljaehrig");
    await save(minusYears(dayOffset(today, -3), 18));
    expect(await flagsOf(opened.caseId)).toHaveLength(1);
  });
});
