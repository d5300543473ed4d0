// Every form of the client file that names a sub-record (goal, referral, consent, follow-up, …) acts only
// on sub-records of the case in the URL. The intents and their id fields are read from the form schemas
// (CASE_FILE_SCHEMAS), so a new form with a new id field is tested without anyone adding it here: it
// fails until its field is classified below and has a sample body.
//
// Two active cases X and Y of the SAME case manager, each with a goal, a planned referral, a consent
// and an open follow-up. For every (intent, id field): posting Y's record to /faelle/X answers 404 or
// 422 and writes nothing; posting X's own record is found (not 404), which shows the test can fail.
import { type ZodTypeAny, z } from "zod";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { CASE_FILE_SCHEMAS, type CaseFileIntent } from "~/schemas/case-file";
import { addConsent } from "../../db/consents";
import { addFollowUp } from "../../db/follow-ups";
import { planReferral } from "../../db/referral-service";
import { type DemoActors, openActiveCase, rowVersionOf, seedActors } from "./case-file-helpers";
import { type TestDatabase, createTestDatabase } from "./db";
import { type TestServer, fingerprint, form, request, sessionCookie, stackTraceLines, startTestServer } from "./http";

/** Id fields that name a sub-record of the case, and the table it lives in. */
const SUB_RECORD_FIELDS = {
  goalId: "goals",
  referralId: "referrals",
  consentId: "consents",
  followUpId: "follow_ups",
} as const;
type SubRecordField = keyof typeof SUB_RECORD_FIELDS;

/** Id fields that name something outside the case (checked by their own services). */
const REFERENCE_FIELDS = new Set([
  "toCaseManagerId",
  "deputyId",
  "partnerId",
  "municipalityId",
  // The issuing Ausländerbehörde of a residence document: recordResidence checks it is one (db/residence.ts).
  "authorityPartnerId",
  // Document templates are no case records: addConsent checks kind and language (db/documents.ts).
  "documentTemplateId",
  "documentTranslationId",
]);

interface CaseRecords {
  caseId: string;
  goalId: string;
  referralId: string;
  consentId: string;
  followUpId: string;
}

function shapeOf(schema: ZodTypeAny): Record<string, ZodTypeAny> {
  if (schema instanceof z.ZodEffects) return shapeOf(schema.innerType());
  if (schema instanceof z.ZodObject) return schema.shape as Record<string, ZodTypeAny>;
  throw new Error("a case-file schema that is neither an object nor a refined object");
}

/** (intent, sub-record field) pairs of the client file's forms. */
function subRecordIntents(): Array<{ intent: CaseFileIntent; field: SubRecordField }> {
  const pairs: Array<{ intent: CaseFileIntent; field: SubRecordField }> = [];
  for (const [intent, schema] of Object.entries(CASE_FILE_SCHEMAS) as Array<[CaseFileIntent, ZodTypeAny]>) {
    for (const field of Object.keys(shapeOf(schema))) {
      if (!field.endsWith("Id")) continue;
      if (Object.hasOwn(SUB_RECORD_FIELDS, field)) pairs.push({ intent, field: field as SubRecordField });
      else if (!REFERENCE_FIELDS.has(field)) throw new Error(`${intent}.${field}: classify it as a sub-record or a reference`);
    }
  }
  return pairs;
}

let tdb: TestDatabase;
let server: TestServer;
let actors: DemoActors;
let cookie: string;
let x: CaseRecords;
let y: CaseRecords;
let partnerId: number;

async function activeCaseWithRecords(label: string): Promise<CaseRecords> {
  const opened = await openActiveCase(tdb.db, actors.cm);
  const referral = await planReferral(tdb.db, actors.cm, {
    caseId: opened.caseId,
    partnerId,
    needDomain: "sprache",
    goalId: opened.goalId,
    note: `Vermittlung ${label}`,
  });
  const consent = await addConsent(tdb.db, actors.cm, {
    caseId: opened.caseId,
    partnerId,
    scope: `Einwilligung ${label}`,
    givenAt: "2026-01-05",
    givenBy: "klient",
  });
  const followUp = await addFollowUp(tdb.db, actors.cm, { caseId: opened.caseId, dueOn: "2026-02-01", note: `Wiedervorlage ${label}` });
  if (!referral.ok || !consent.ok || !followUp.ok) throw new Error("setting up the sub-records failed");
  return {
    caseId: opened.caseId,
    goalId: opened.goalId,
    referralId: referral.referralId,
    consentId: consent.consentId,
    followUpId: followUp.followUpId,
  };
}

async function referralVersion(referralId: string): Promise<number> {
  return (await tdb.db.selectFrom("referrals").select("row_version").where("id", "=", referralId).executeTakeFirstOrThrow())
    .row_version;
}

/** A body that would succeed (or at least reach the record) for `intent` on case `on`, naming `recordId`. */
async function bodyFor(intent: CaseFileIntent, field: SubRecordField, recordId: string, on: CaseRecords): Promise<string> {
  const version = await rowVersionOf(tdb.db, on.caseId);
  switch (intent) {
    case "EVALUATE_GOAL":
      return form({ intent, rowVersion: version, [field]: recordId, result: "erreicht" });
    case "PLAN_REFERRAL":
      return form({ intent, partnerId, needDomain: "sprache", [field]: recordId });
    case "REFERRAL_SEND":
    case "REFERRAL_ACCEPT":
    case "REFERRAL_COMPLETE":
    case "REFERRAL_DECLINE":
    case "REFERRAL_CANCEL":
      // The version of the named referral: a stale version must not be why it is refused.
      return form({ intent, [field]: recordId, referralVersion: await referralVersion(recordId), reason: "Kein Platz frei" });
    case "REVOKE_CONSENT":
    case "COMPLETE_FOLLOW_UP":
      return form({ intent, [field]: recordId });
    default:
      throw new Error(`no sample body for ${intent}.${field}: add one to bodyFor`);
  }
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  actors = await seedActors(tdb.db);
  partnerId = (await tdb.db.selectFrom("partners").select("id").where("active", "=", true).orderBy("id").executeTakeFirstOrThrow()).id;
  x = await activeCaseWithRecords("X");
  y = await activeCaseWithRecords("Y");
  server = await startTestServer(tdb.db);
  cookie = await sessionCookie(server, actors.cm.id);
});

afterAll(async () => {
  await server?.close();
  await tdb?.close();
});

afterEach(() => {
  expect(stackTraceLines(server.errorLog)).toEqual([]);
});

describe("sub-record ids on the client file are looked up within the case in the URL", () => {
  const pairs = subRecordIntents();

  test("the forms name goals, referrals, consents and follow-ups", () => {
    const fields = new Set(pairs.map((p) => p.field));
    expect([...fields].sort()).toEqual(Object.keys(SUB_RECORD_FIELDS).sort());
    expect(pairs.length).toBeGreaterThanOrEqual(8);
  });

  test.each(subRecordIntents())("$intent with $field of another case of the same user: 404/422, nothing written", async ({ intent, field }) => {
    const before = await fingerprint(tdb.db);
    const foreign = await request(server, "POST", `/faelle/${x.caseId}`, { cookie, body: await bodyFor(intent, field, y[field], x) });
    expect([404, 422]).toContain(foreign.status);
    expect(foreign.text).toMatch(/nicht gefunden|gehört nicht|existiert nicht|nicht/);
    expect(await fingerprint(tdb.db)).toEqual(before);
  });

  test.each(subRecordIntents())("$intent with $field of the case itself is found (the control)", async ({ intent, field }) => {
    const own = await request(server, "POST", `/faelle/${x.caseId}`, { cookie, body: await bodyFor(intent, field, x[field], x) });
    expect(own.status).not.toBe(404);
    expect(own.status).toBeLessThan(500);
  });
});
