// The residence status as a dated history (migration 0015): the migration keeps every existing status;
// recording a new status is an audited case step in the history that asks for re-classification at once;
// deadlines become follow-ups on "Heute" 8, 4 and 1 week ahead and when overdue, never twice; the caseload
// table shows and filters the next deadline; the Art. 15 export carries the history.
import { randomBytes } from "node:crypto";
import { type Kysely, Migrator, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCaseFile } from "../../db/case-file";
import { berlinDate } from "../../db/case-service";
import { listCaseload } from "../../db/caseload";
import { openDatabase } from "../../db/connection";
import { runDailyJob } from "../../db/jobs/daily";
import { migrations } from "../../db/migrations/index";
import { createDeadlineFollowUps, listResidenceHistory, recordResidenceDocument } from "../../db/residence";
import type { Database } from "../../db/schema";
import { collectSubjectData } from "../../db/subject-access";
import { listDueFollowUps } from "../../db/today";
import { DEFAULT_CASELOAD_QUERY } from "../../workflows/caseload-query";
import { addDays, documentDeadline } from "../../workflows/residence-deadlines";
import { RESIDENCE_STATUSES, type ResidenceStatus } from "../../workflows/vocabulary";
import { type DemoActors, openTestCase, runCommands, seedActors } from "./case-file-helpers";
import { type TestDatabase, createTestDatabase, onServer, withDatabaseName } from "./db";
import { insertOrganisation, insertUser } from "./fixtures";

let t: TestDatabase;
let a: DemoActors;

beforeAll(async () => {
  t = await createTestDatabase();
  a = await seedActors(t.db);
});

afterAll(async () => {
  await t?.close();
});

/** A blank database (PostgreSQL when TEST_DATABASE_URL is set, else PGlite) migrated up to `last`. */
async function databaseMigratedTo(last: string): Promise<{ db: Kysely<Database>; close: () => Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  let handle: { db: Kysely<Database>; close: () => Promise<void> };
  let drop = async () => {};
  if (t.kind === "postgres" && serverUrl) {
    const name = `kim_mig_${randomBytes(4).toString("hex")}`;
    await onServer(serverUrl, (db) => sql`CREATE DATABASE ${sql.id(name)}`.execute(db));
    handle = await openDatabase({ databaseUrl: withDatabaseName(serverUrl, name), maxConnections: 2 });
    drop = () => onServer(serverUrl, (db) => sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(db)).then(() => {});
  } else {
    handle = await openDatabase({ pgliteDir: "memory://" });
  }
  const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateTo(last);
  if (result.error) throw result.error;
  return {
    db: handle.db,
    close: async () => {
      await handle.close();
      await drop();
    },
  };
}

describe("migration 0015", () => {
  it("keeps every existing residence status as the first history row of its client", async () => {
    const old = await databaseMigratedTo("0013-report-organisation");
    try {
      const organisationId = await insertOrganisation(old.db);
      const { id: cmId } = await insertUser(old.db, { role: "case_manager", organisationId });
      const municipality = await old.db
        .insertInto("municipalities")
        .values({ name: "Altstadt", district: "Kreis Mettmann" })
        .returning("id")
        .executeTakeFirstOrThrow();
      // one client per status, and one with two cases; inserted under the old schema (no history table)
      const created: { id: string; status: ResidenceStatus; createdAt: Date }[] = [];
      for (const [i, status] of RESIDENCE_STATUSES.values.entries()) {
        const createdAt = new Date(Date.UTC(2024, 0, 1 + i, 9));
        const client = await old.db
          .insertInto("clients")
          .values({
            aktenzeichen: `ALT-${i}`,
            first_name: "Alt",
            last_name: `Bestand ${i}`,
            gender: "keine_angabe",
            municipality_id: municipality.id,
            residence_status: status,
            created_at: createdAt,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        created.push({ id: client.id, status, createdAt });
        for (let k = 0; k < (i === 0 ? 2 : 1); k++) {
          await old.db
            .insertInto("cases")
            .values({
              client_id: client.id,
              case_manager_id: cmId,
              referral_source: "selbstmelder",
              state: "intake",
              snapshot: "{}",
              machine_version: "test",
              opened_at: new Date(createdAt.getTime() + k * 86_400_000),
            })
            .execute();
        }
      }
      const before = await old.db.selectFrom("clients").select(["id", "residence_status", "updated_at"]).orderBy("id").execute();

      const migrator = new Migrator({ db: old.db, provider: { getMigrations: async () => migrations } });
      const result = await migrator.migrateTo("0015-residence-documents");
      expect(result.error).toBeUndefined();

      const after = await old.db.selectFrom("clients").select(["id", "residence_status", "updated_at"]).orderBy("id").execute();
      expect(after).toEqual(before);
      const rows = await old.db
        .selectFrom("residence_documents")
        .select(["client_id", "status", "source", "recorded_at", "superseded_at", "previous_status", "valid_until", "case_id"])
        .execute();
      expect(rows).toHaveLength(created.length);
      for (const c of created) {
        const row = rows.find((r) => r.client_id === c.id);
        expect(row).toMatchObject({
          status: c.status,
          source: "migration",
          superseded_at: null,
          previous_status: null,
          valid_until: null,
        });
        expect(new Date(row?.recorded_at as Date).toISOString()).toBe(c.createdAt.toISOString());
        expect(row?.case_id).not.toBeNull();
      }
      // the client with two cases points at its latest one
      const latest = await old.db
        .selectFrom("cases")
        .select("id")
        .where("client_id", "=", created[0]?.id as string)
        .orderBy("opened_at", "desc")
        .executeTakeFirstOrThrow();
      expect(rows.find((r) => r.client_id === created[0]?.id)?.case_id).toBe(latest.id);
    } finally {
      await old.close();
    }
  });
});

describe("recording a residence status", () => {
  it("is an audited step in the history, becomes the current status and asks for re-classification at once", async () => {
    const { caseId, clientId } = await openTestCase(
      t.db,
      a.cm,
      { residenceStatus: "duldung_60a" },
      { referralSource: "auslaenderamt", residenceDocument: { issuedOn: "2026-01-10", validUntil: "2026-07-09" } },
    );
    await runCommands(t.db, a.cm, caseId, [
      { type: "RECORD_CONTACT", contactType: "persoenlich", minutes: 30 },
      { type: "CLASSIFY", targetGroup: "geduldete_identitaet" },
    ]);
    const intake = await listResidenceHistory(t.db, clientId);
    expect(intake).toEqual([
      expect.objectContaining({ status: "duldung_60a", issuedOn: "2026-01-10", validUntil: "2026-07-09", source: "aufnahme", current: true }),
    ]);

    const authority = await t.db
      .selectFrom("partners")
      .select("id")
      .where("kind", "=", "auslaenderbehoerde")
      .executeTakeFirstOrThrow();
    const notAuthority = await t.db.selectFrom("partners").select("id").where("kind", "=", "jobcenter").executeTakeFirstOrThrow();
    const refused = await recordResidenceDocument(t.db, a.cm, {
      caseId,
      status: "ae_25b",
      issuedOn: "2026-02-01",
      validUntil: "2028-01-31",
      authorityPartnerId: notAuthority.id,
      note: null,
    });
    expect(refused).toMatchObject({ ok: false, status: 422, field: "authorityPartnerId" });
    expect(await listResidenceHistory(t.db, clientId)).toHaveLength(1);
    expect(
      await recordResidenceDocument(t.db, a.cm2, { caseId, status: "ae_25b", issuedOn: null, validUntil: null, authorityPartnerId: null, note: null }),
    ).toMatchObject({ ok: false, status: 404 });

    const recorded = await recordResidenceDocument(t.db, a.cm, {
      caseId,
      status: "ae_25b",
      issuedOn: "2026-02-01",
      validUntil: "2028-01-31",
      authorityPartnerId: authority.id,
      note: "Karte liegt vor",
    });
    expect(recorded.ok).toBe(true);
    const history = await listResidenceHistory(t.db, clientId);
    expect(history.map((d) => [d.status, d.current, d.deadlineOn])).toEqual([
      ["ae_25b", true, "2028-01-31"],
      ["duldung_60a", false, "2026-07-09"],
    ]);
    const client = await t.db.selectFrom("clients").select("residence_status").where("id", "=", clientId).executeTakeFirstOrThrow();
    expect(client.residence_status).toBe("ae_25b");
    const prev = await t.db
      .selectFrom("residence_documents")
      .select("previous_status")
      .where("client_id", "=", clientId)
      .where("superseded_at", "is", null)
      .executeTakeFirstOrThrow();
    expect(prev.previous_status).toBe("duldung_60a");

    const file = await loadCaseFile(t.db, a.cm, caseId);
    expect(file?.case.reclassificationRequired).toBe("aufenthaltstitel");
    expect(file?.history.find((e) => e.type === "RESIDENCE_RECORDED")).toMatchObject({
      label: "Aufenthaltsstatus erfasst",
      kinds: ["aufenthalt"],
      detail: "Aufenthaltserlaubnis § 25b AufenthG, gültig bis 31.01.2028",
    });
    const audit = await t.db
      .selectFrom("audit_log")
      .select(["outcome"])
      .where("action", "=", "residence.record")
      .where((eb) => eb.or([eb(sql`detail->>'caseId'`, "=", caseId), eb("object_id", "=", caseId)]))
      .execute();
    expect(audit.map((r) => r.outcome).sort()).toEqual(["allowed", "denied", "denied"]);

    // the Art. 15 export carries the history, oldest first
    const exported = await collectSubjectData(t.db, a.cm, caseId);
    expect(exported?.export.aufenthaltsstatus_verlauf.map((d) => [d.status, d.gueltig_bis, d.aktuell])).toEqual([
      [RESIDENCE_STATUSES.label.duldung_60a, "2026-07-09", false],
      [RESIDENCE_STATUSES.label.ae_25b, "2028-01-31", true],
    ]);
  });

  it("the document's deadline column agrees with documentDeadline (expiry; 18 months of § 104c)", async () => {
    const { caseId, clientId } = await openTestCase(t.db, a.cm);
    const samples = [
      { status: "ae_104c" as const, issuedOn: "2025-08-31", validUntil: "2027-12-31" },
      { status: "ae_104c" as const, issuedOn: null, validUntil: "2027-03-01" },
      { status: "fiktionsbescheinigung" as const, issuedOn: "2026-01-01", validUntil: "2026-04-01" },
      { status: "niederlassungserlaubnis" as const, issuedOn: "2026-01-01", validUntil: null },
    ];
    for (const s of samples) {
      const r = await recordResidenceDocument(t.db, a.cm, { caseId, ...s, authorityPartnerId: null, note: null });
      expect(r.ok).toBe(true);
      const current = (await listResidenceHistory(t.db, clientId))[0];
      expect(current?.deadlineOn ?? null).toBe(documentDeadline(s)?.on ?? null);
    }
  });
});

describe("deadline reminders", () => {
  it("appear at 8, 4 and 1 week ahead and when overdue, once each; the daily job run twice creates nothing new", async () => {
    const today = berlinDate(new Date());
    const validUntil = addDays(today, 42); // a Duldung valid for 6 weeks
    const { caseId } = await openTestCase(
      t.db,
      a.cm,
      { residenceStatus: "duldung_60b" },
      { referralSource: "auslaenderamt", residenceDocument: { issuedOn: null, validUntil } },
    );
    const keys = async () =>
      (
        await t.db.selectFrom("follow_ups").select("deadline_key").where("case_id", "=", caseId).orderBy("deadline_key").execute()
      ).map((r) => r.deadline_key);
    expect(await keys()).toEqual([]);
    // the daily job creates the 8-week reminder (6 weeks < 8 weeks); run twice, it creates nothing new
    const first = await runDailyJob(t.db);
    const afterFirst = await keys();
    const second = await runDailyJob(t.db);
    expect(first.reminders).toBeGreaterThanOrEqual(1);
    expect(second.reminders).toBe(0);
    expect(afterFirst).toEqual([`frist:ablauf:${validUntil}:8w`]);
    expect(await keys()).toEqual(afterFirst);
    // it is on "Heute", marked as a deadline
    const due = await listDueFollowUps(t.db, a.cm, { today });
    expect(due.followUps.find((f) => f.caseId === caseId)).toMatchObject({ deadline: true, daysOverdue: 0 });
    expect(due.followUps.find((f) => f.caseId === caseId)?.note).toContain("in 8 Wochen");

    // later days (a fixed "today" per call): each stage once, twice asked still once
    for (const day of [addDays(validUntil, -28), addDays(validUntil, -28), addDays(validUntil, -7), addDays(validUntil, 1)]) {
      await createDeadlineFollowUps(t.db, { today: day, caseId });
    }
    expect(await keys()).toEqual([
      `frist:ablauf:${validUntil}:1w`,
      `frist:ablauf:${validUntil}:4w`,
      `frist:ablauf:${validUntil}:8w`,
      `frist:ablauf:${validUntil}:ueberfaellig`,
    ]);
    // a new status settles the old document's reminders
    const renewed = await recordResidenceDocument(t.db, a.cm, {
      caseId,
      status: "duldung_60b",
      issuedOn: today,
      validUntil: addDays(today, 180),
      authorityPartnerId: null,
      note: null,
    });
    expect(renewed.ok).toBe(true);
    const open = await t.db.selectFrom("follow_ups").select("id").where("case_id", "=", caseId).where("done_at", "is", null).execute();
    expect(open).toHaveLength(0);
  });

  it("a UMF's 18th birthday is a deadline too", async () => {
    const today = berlinDate(new Date());
    const birthday18 = addDays(today, 20);
    const birthDate = `${Number(birthday18.slice(0, 4)) - 18}${birthday18.slice(4)}`;
    const { caseId } = await openTestCase(
      t.db,
      a.cm,
      { birthDate, unaccompanied: true },
      { referralSource: "jugendamt", referralMunicipalityId: null, increasedNeedDocumented: false },
    );
    await runCommands(t.db, a.cm, caseId, [
      { type: "RECORD_CONTACT", contactType: "persoenlich", minutes: 30 },
      { type: "CLASSIFY", targetGroup: "umf" },
    ]);
    await createDeadlineFollowUps(t.db, { today, caseId });
    const rows = await t.db.selectFrom("follow_ups").select("deadline_key").where("case_id", "=", caseId).execute();
    expect(rows.map((r) => r.deadline_key)).toEqual([`frist:volljaehrigkeit:${birthday18}:4w`]);
  });
});

describe("caseload table: Nächste Frist", () => {
  it("shows the next deadline, sorts by it and filters the next 4 weeks (overdue included)", async () => {
    const { id: owner } = await insertUser(t.db, { role: "case_manager", organisationId: a.cm.organisationId as number });
    const cm = { id: owner, role: "case_manager" as const, organisationId: a.cm.organisationId };
    const today = "2026-03-02";
    const soon = await openTestCase(t.db, cm, { residenceStatus: "duldung_60a" }, { residenceDocument: { issuedOn: null, validUntil: "2026-03-20" } });
    const inSevenWeeks = await openTestCase(t.db, cm, { residenceStatus: "duldung_60a" }, { residenceDocument: { issuedOn: null, validUntil: "2026-04-20" } });
    const later = await openTestCase(t.db, cm, { residenceStatus: "duldung_60a" }, { residenceDocument: { issuedOn: null, validUntil: "2026-06-01" } });
    const passed = await openTestCase(t.db, cm, { residenceStatus: "aufenthaltsgestattung" }, { residenceDocument: { issuedOn: null, validUntil: "2026-02-01" } });
    const none = await openTestCase(t.db, cm, { residenceStatus: "ungeklaert" });
    const sorted = await listCaseload(t.db, cm, { ...DEFAULT_CASELOAD_QUERY, sort: "frist" }, { today });
    expect(sorted.rows.map((r) => [r.id, r.nextDeadline])).toEqual([
      [passed.caseId, "2026-02-01"],
      [soon.caseId, "2026-03-20"],
      [inSevenWeeks.caseId, "2026-04-20"],
      [later.caseId, "2026-06-01"],
      [none.caseId, null],
    ]);
    const filtered = await listCaseload(t.db, cm, { ...DEFAULT_CASELOAD_QUERY, sort: "frist", deadline: "4wochen" }, { today });
    expect(filtered.rows.map((r) => r.id)).toEqual([passed.caseId, soon.caseId]);
    const eightWeeks = await listCaseload(t.db, cm, { ...DEFAULT_CASELOAD_QUERY, sort: "frist", deadline: "8wochen" }, { today });
    expect(eightWeeks.rows.map((r) => r.id)).toEqual([passed.caseId, soon.caseId, inSevenWeeks.caseId]);
  });
});
