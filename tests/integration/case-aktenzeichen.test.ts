// cases.aktenzeichen (migration 0026): the client's Aktenzeichen on each of its cases, so "Meine Fälle" can
// order by it without joining every case to its client. A trigger sets it at every insert and when a case
// moves to another client (a value the writer gives is replaced), and a client's new Aktenzeichen reaches
// all its cases. An intake inserts the client before the case, when the app role cannot see the client
// yet: the trigger runs as the owner. Writing it is no step of the case: row_version stays.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openCase } from "../../db/case-service";
import { runAsActor } from "../../db/request-actor";
import { seedReferenceData } from "../../db/seed/index";
import { type TestDatabase, createTestDatabase } from "./db";
import { insertCase, insertOrganisation, insertUser, intakeClient } from "./fixtures";

let t: TestDatabase;
let cm: { id: string; role: "case_manager"; organisationId: number };

async function mismatched(): Promise<{ id: string; on_case: string; on_client: string }[]> {
  const { rows } = await sql<{ id: string; on_case: string; on_client: string }>`
    SELECT c.id, c.aktenzeichen AS on_case, cl.aktenzeichen AS on_client
    FROM cases c JOIN clients cl ON cl.id = c.client_id
    WHERE c.aktenzeichen IS DISTINCT FROM cl.aktenzeichen`.execute(t.db);
  return rows;
}

const aktenzeichenOf = async (caseId: string) =>
  (await t.db.selectFrom("cases").select(["aktenzeichen", "row_version"]).where("id", "=", caseId).executeTakeFirstOrThrow());

beforeAll(async () => {
  t = await createTestDatabase();
  await seedReferenceData(t.db);
  const organisationId = await insertOrganisation(t.db);
  const user = await insertUser(t.db, { role: "case_manager", organisationId });
  cm = { id: user.id, role: "case_manager", organisationId };
});

afterAll(async () => {
  await t?.close();
});

describe("cases.aktenzeichen", () => {
  it("is the client's after an intake by a case manager under row-level security", async () => {
    const municipalityId = (await t.db.selectFrom("municipalities").select("id").executeTakeFirstOrThrow()).id;
    const client = intakeClient(municipalityId);
    const opened = await runAsActor(cm, () =>
      openCase(t.db, cm, { client, referralSource: "sozialamt", referralMunicipalityId: null, increasedNeedDocumented: false, caseManagerId: cm.id }),
    );
    expect((await aktenzeichenOf(opened.caseId)).aktenzeichen).toBe(opened.aktenzeichen);
    expect(await mismatched()).toEqual([]);
  });

  it("replaces a value the writer gives, follows a move to another client and the client's new Aktenzeichen", async () => {
    const first = await insertCase(t.db, { caseManagerId: cm.id });
    const second = await insertCase(t.db, { caseManagerId: cm.id });
    const clientOf = async (caseId: string) =>
      (await t.db.selectFrom("cases").select("client_id").where("id", "=", caseId).executeTakeFirstOrThrow()).client_id;
    const [clientA, clientB] = [await clientOf(first), await clientOf(second)];
    const before = await aktenzeichenOf(first);

    // a second case of client A, written with a wrong Aktenzeichen
    const { rows } = await sql<{ id: string }>`
      INSERT INTO cases (client_id, case_manager_id, referral_source, state, snapshot, machine_version, opened_at, aktenzeichen)
      VALUES (${clientA}, ${cm.id}, 'selbstmelder', 'intake', '{}', 'test', now(), 'FALSCH-1') RETURNING id`.execute(t.db);
    const again = rows[0]!.id;
    expect(await mismatched()).toEqual([]);
    // written directly: the client's again
    await sql`UPDATE cases SET aktenzeichen = 'FALSCH-2' WHERE id = ${first}`.execute(t.db);
    expect(await mismatched()).toEqual([]);
    // moved to client B
    await sql`UPDATE cases SET client_id = ${clientB} WHERE id = ${again}`.execute(t.db);
    const onB = (await t.db.selectFrom("clients").select("aktenzeichen").where("id", "=", clientB).executeTakeFirstOrThrow()).aktenzeichen;
    expect((await aktenzeichenOf(again)).aktenzeichen).toBe(onB);
    // client B gets a new Aktenzeichen: both its cases follow
    await t.db.updateTable("clients").set({ aktenzeichen: "KIM-NEU-0001" }).where("id", "=", clientB).execute();
    expect((await aktenzeichenOf(second)).aktenzeichen).toBe("KIM-NEU-0001");
    expect((await aktenzeichenOf(again)).aktenzeichen).toBe("KIM-NEU-0001");
    expect(await mismatched()).toEqual([]);
    expect((await aktenzeichenOf(first)).row_version).toBe(before.row_version);
  });
});
