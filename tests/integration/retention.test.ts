// Art. 17 / retention: the daily job anonymises clients whose cases all closed before the retention period.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyCaseEvent, openCase } from "../../db/case-service";
import { runDailyJob } from "../../db/jobs/daily";
import { ANONYMISED } from "../../db/jobs/retention";
import { seedDemoUsers, seedReferenceData } from "../../db/seed/index";
import { type TestDatabase, createTestDatabase } from "./db";
import { intakeClient } from "./fixtures";

let t: TestDatabase;
let cm: { id: string; role: "case_manager" };
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

async function rejectedCase(firstName: string, openedDaysAgo: number) {
  const municipalityId = (await t.db.selectFrom("municipalities").select("id").executeTakeFirstOrThrow()).id;
  const client = intakeClient(municipalityId, { firstName });
  const opened = await openCase(
    t.db,
    cm,
    { client, referralSource: "sozialamt", referralMunicipalityId: null, increasedNeedDocumented: false, caseManagerId: cm.id },
    ago(openedDaysAgo),
  );
  const result = await applyCaseEvent(t.db, cm, {
    caseId: opened.caseId,
    expectedRowVersion: 1,
    command: { type: "REJECT_NOT_ELIGIBLE", reason: "Wohnt außerhalb des Kreises, Tel. 0170 1234567" },
    at: ago(openedDaysAgo - 2),
  });
  if (!result.ok) throw new Error(result.message);
  return opened;
}

beforeAll(async () => {
  t = await createTestDatabase();
  await seedReferenceData(t.db);
  await seedDemoUsers(t.db);
  const user = await t.db.selectFrom("users").select("id").where("username", "=", "casemanager").executeTakeFirstOrThrow();
  cm = { id: user.id, role: "case_manager" };
});

afterAll(async () => {
  await t?.close();
});

describe("anonymisation after the retention period", () => {
  it("anonymises only clients whose every case closed before the period, keeping what statistics need", async () => {
    const old = await rejectedCase("Alt", 4 * 365);
    const recent = await rejectedCase("Neu", 200);
    const mixed = await rejectedCase("Gemischt", 4 * 365);
    // a second, open case of the same client keeps the client's data
    await t.db
      .insertInto("cases")
      .values({
        client_id: mixed.clientId,
        referral_source: "sozialamt",
        state: "intake",
        snapshot: "{}",
        machine_version: "test",
        opened_at: new Date(),
        case_manager_id: cm.id,
      })
      .execute();

    const result = await runDailyJob(t.db);
    expect(result.anonymised).toBe(1);

    const clients = await t.db.selectFrom("clients").selectAll().execute();
    const byId = new Map(clients.map((c) => [c.id, c]));
    const anonymised = byId.get(old.clientId);
    expect(anonymised).toMatchObject({
      first_name: ANONYMISED,
      last_name: ANONYMISED,
      birth_date: "1990-07-01",
      arrival_date: "2020-05-01",
      phone: null,
      email: null,
      address: null,
    });
    expect(anonymised?.anonymised_at).not.toBeNull();
    expect(byId.get(recent.clientId)?.first_name).toBe("Neu");
    expect(byId.get(mixed.clientId)?.first_name).toBe("Gemischt");

    // the case and its events stay for the evaluation, without free texts
    const events = await t.db.selectFrom("case_events").select(["type", "payload"]).where("case_id", "=", old.caseId).orderBy("seq").execute();
    expect(events.map((e) => e.type)).toEqual(["CASE_OPENED", "REJECT_NOT_ELIGIBLE"]);
    expect(JSON.stringify(events)).not.toContain("0170");
    const theCase = await t.db.selectFrom("cases").select(["state", "closure_reason", "opened_at"]).where("id", "=", old.caseId).executeTakeFirstOrThrow();
    expect(theCase).toMatchObject({ state: "closed", closure_reason: "nicht_zustaendig" });

    const audit = await t.db.selectFrom("audit_log").select(["action", "object_id"]).where("action", "=", "client.anonymise").execute();
    expect(audit).toEqual([{ action: "client.anonymise", object_id: old.clientId }]);

    // the event log stays append-only for everyone else
    await expect(t.db.deleteFrom("case_events").where("case_id", "=", old.caseId).execute()).rejects.toThrow(/append-only/);
    expect((await runDailyJob(t.db)).anonymised).toBe(0);
  });
});
