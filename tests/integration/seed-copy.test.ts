// The bulk path of the seed: on PostgreSQL rows go in with COPY FROM STDIN (text format), so every
// special character must survive exactly as the INSERT path would store it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresPoolOf } from "../../db/connection";
import { copyGroups, copyRows, copyValue } from "../../db/seed/copy";
import { sql } from "kysely";
import { BULK_DEFERRED_INDEXES, BULK_DISABLED_TRIGGERS, deferForeignKeys, deferIndexes } from "../../db/seed/bulk-load";
import { seedCases } from "../../db/seed/cases";
import { seedDemoUsers, seedReferenceData } from "../../db/seed/index";
import { type TestDatabase, createTestDatabase } from "./db";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedReferenceData(t.db);
});

afterAll(async () => {
  await t?.close();
});

describe("COPY for the seed", () => {
  it("encodes NULL, booleans, dates, arrays and JSON in COPY text format", () => {
    expect(copyValue(null)).toBe("\\N");
    expect(copyValue(undefined)).toBe("\\N");
    expect(copyValue(true)).toBe("t");
    expect(copyValue(3.5)).toBe("3.5");
    expect(copyValue(new Date("2026-01-02T03:04:05.000Z"))).toBe("2026-01-02T03:04:05.000Z");
    expect(copyValue("a\tb\nc\\d\re")).toBe("a\\tb\\nc\\\\d\\re");
    expect(copyValue(['Ar"ab', "Ku\\rd"])).toBe('{"Ar\\\\"ab","Ku\\\\\\\\rd"}');
    expect(copyValue({ a: "x\ty" })).toBe('{"a":"x\\\\ty"}');
    expect(copyGroups([{ a: 1, b: 2 }, { a: 3 }, { a: 4, b: null }]).map((g) => [g.columns, g.text])).toEqual([
      [["a", "b"], "1\t2\n4\t\\N\n"],
      [["a"], "3\n"],
    ]);
  });

  it("is used on PostgreSQL only, and stores tabs, newlines, backslashes, quotes and arrays exactly", async () => {
    const pool = postgresPoolOf(t.db);
    expect(Boolean(pool)).toBe(t.kind === "postgres");
    if (!pool) return; // PGlite keeps the multi-row INSERTs (covered by the seed replay test)
    const municipality = await t.db.selectFrom("municipalities").select("id").executeTakeFirstOrThrow();
    const tricky = {
      aktenzeichen: "KIM-2099-COPY1",
      first_name: "Tab\there",
      last_name: "Back\\slash \"quoted\"",
      gender: "divers",
      municipality_id: municipality.id,
      residence_status: "duldung_60a",
      languages: ['Ar"ab', "Ku\\rd", "Tig,ri{nya}", "Zeile\nzwei"],
      address: "Weg 1\nHaus B\r\n",
      interpreter_needed: true,
      birth_date: null,
    };
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await copyRows(client, "clients", [tricky]);
      await client.query("COMMIT");
    } finally {
      client.release();
    }
    const stored = await t.db
      .selectFrom("clients")
      .select(["first_name", "last_name", "languages", "address", "interpreter_needed", "birth_date"])
      .where("aktenzeichen", "=", "KIM-2099-COPY1")
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({
      first_name: tricky.first_name,
      last_name: tricky.last_name,
      languages: tricky.languages,
      address: tricky.address,
      interpreter_needed: true,
      birth_date: null,
    });
  });

  it("builds the deferred indexes and foreign keys of a bulk load again exactly as they were, also when the load fails", async () => {
    const indexes = async () =>
      (
        await sql<{ name: string; definition: string }>`
          SELECT indexname AS name, indexdef AS definition FROM pg_indexes
          WHERE tablename IN ('case_events', 'contacts', 'audit_log') ORDER BY indexname`.execute(t.db)
      ).rows;
    const foreignKeys = async () =>
      (
        await sql<{ table: string; name: string; definition: string; validated: boolean }>`
          SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS definition,
                 convalidated AS validated
          FROM pg_constraint WHERE contype = 'f' ORDER BY 1, 2`.execute(t.db)
      ).rows;
    const uniqueKeys = async () =>
      (
        await sql<{ table: string; name: string; definition: string }>`
          SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS definition
          FROM pg_constraint WHERE contype IN ('p', 'u') AND conrelid::regclass::text IN ('case_events', 'contacts', 'audit_log')
          ORDER BY 1, 2`.execute(t.db)
      ).rows;
    const triggers = async () =>
      (
        await sql<{ table: string; name: string; enabled: string }>`
          SELECT tgrelid::regclass::text AS table, tgname AS name, tgenabled AS enabled
          FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2`.execute(t.db)
      ).rows;
    const before = await indexes();
    const keysBefore = await foreignKeys();
    const triggersBefore = await triggers();
    expect(triggersBefore.filter((g) => g.enabled === "D")).toEqual([]);
    expect(triggersBefore.map((g) => g.name)).toEqual(expect.arrayContaining(BULK_DISABLED_TRIGGERS.map(([, name]) => name)));
    const uniqueBefore = await uniqueKeys();
    expect(uniqueBefore.map((k) => k.name)).toEqual(["audit_log_pkey", "case_events_case_id_seq_key", "case_events_pkey", "contacts_pkey"]);
    // the keys the load's rows would otherwise be checked against, one by one
    expect(keysBefore.map((k) => `${k.table}.${k.name}`)).toEqual(
      expect.arrayContaining(["case_events.case_events_case_id_fkey", "contacts.contacts_case_id_fkey", "cases.cases_client_id_fkey"]),
    );
    expect(keysBefore.find((k) => k.name === "report_cases_case_id_fkey")?.definition).toContain("ON DELETE CASCADE");
    expect(before.map((i) => i.name)).toEqual(expect.arrayContaining([...BULK_DEFERRED_INDEXES]));
    // dropped while the load runs
    const addKeysFirst = await deferForeignKeys(t.db); // the primary keys are referenced
    const rebuild = await deferIndexes(t.db);
    const during = (await indexes()).map((i) => i.name);
    for (const name of BULK_DEFERRED_INDEXES) expect(during).not.toContain(name);
    // (case_id, seq) stays: the report triggers read a batch's events by it
    expect((await uniqueKeys()).map((k) => k.name)).toEqual(["case_events_case_id_seq_key"]);
    await rebuild();
    await addKeysFirst();
    expect(await indexes()).toEqual(before);
    expect(await uniqueKeys()).toEqual(uniqueBefore);
    const addKeys = await deferForeignKeys(t.db);
    expect(await foreignKeys()).toEqual([]);
    await addKeys();
    expect(await foreignKeys()).toEqual(keysBefore);
    // a bulk load through the seed: same indexes and keys afterwards, and the rows are there
    await seedDemoUsers(t.db);
    await seedCases(t.db, { count: 30, log: () => undefined, seed: 11, bulkLoad: true });
    expect(await indexes()).toEqual(before);
    expect(await foreignKeys()).toEqual(keysBefore);
    expect(await triggers()).toEqual(triggersBefore);
    const events = await t.db.selectFrom("case_events").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(events.n)).toBeGreaterThan(30);
    // a load that fails (an invalid clock: the generator cannot write a date) still rebuilds them
    await expect(seedCases(t.db, { count: 5, log: () => undefined, seed: 12, bulkLoad: true, now: new Date(Number.NaN) })).rejects.toThrow();
    expect(await indexes()).toEqual(before);
    expect(await foreignKeys()).toEqual(keysBefore);
    expect(await uniqueKeys()).toEqual(uniqueBefore);
    expect(await triggers()).toEqual(triggersBefore);
  });

  it("checks each deferred foreign key when adding it again: a row written meanwhile that breaks one is refused", async () => {
    const addKeys = await deferForeignKeys(t.db);
    const orphanCase = "00000000-0000-4000-8000-00000000dead";
    await sql`INSERT INTO follow_ups (case_id, due_on, note) VALUES (${orphanCase}, '2026-12-01', 'ohne Fall')`.execute(t.db);
    await expect(addKeys()).rejects.toThrow(/follow_ups_case_id_fkey/);
    // every other key is back
    const keys = (await sql<{ name: string }>`SELECT conname AS name FROM pg_constraint WHERE contype = 'f'`.execute(t.db)).rows.map((k) => k.name);
    expect(keys).not.toContain("follow_ups_case_id_fkey");
    expect(keys).toEqual(expect.arrayContaining(["follow_ups_created_by_fkey", "case_events_case_id_fkey", "cases_client_id_fkey"]));
    await sql`DELETE FROM follow_ups WHERE case_id = ${orphanCase}`.execute(t.db);
    await sql`ALTER TABLE follow_ups ADD CONSTRAINT follow_ups_case_id_fkey FOREIGN KEY (case_id) REFERENCES cases(id)`.execute(t.db);
  });

  it("makes the same cases on generator threads (bulk load) as in the main thread, batch by batch", async () => {
    const load = async (bulkLoad: boolean) => {
      const d = await createTestDatabase();
      try {
        await seedReferenceData(d.db);
        await seedDemoUsers(d.db);
        // three batches: the threads make them apart, each from its own random numbers
        await seedCases(d.db, { count: 30, batchSize: 10, log: () => undefined, seed: 5, now: new Date("2026-06-01T08:00:00Z"), bulkLoad });
        return (
          await sql<Record<string, unknown>>`
            SELECT cl.aktenzeichen, cl.first_name, cl.last_name, cl.birth_date, cl.residence_status, c.state,
                   c.target_group, c.opened_at, c.closed_at, u.username AS case_manager,
                   (SELECT string_agg(e.type || '@' || e.occurred_at, ',' ORDER BY e.seq) FROM case_events e WHERE e.case_id = c.id) AS events,
                   (SELECT count(*) FROM contacts k WHERE k.case_id = c.id) AS contacts,
                   (SELECT string_agg(r.status, ',' ORDER BY r.recorded_at) FROM residence_documents r WHERE r.client_id = cl.id) AS documents,
                   c.next_follow_up_on::text AS next_follow_up, c.aktenzeichen AS case_aktenzeichen,
                   (SELECT min(f.due_on) FROM follow_ups f WHERE f.case_id = c.id AND f.done_at IS NULL)::text AS open_follow_up
            FROM cases c JOIN clients cl ON cl.id = c.client_id LEFT JOIN users u ON u.id = c.case_manager_id
            ORDER BY cl.aktenzeichen`.execute(d.db)
        ).rows;
      } finally {
        await d.close();
      }
    };
    const [onThreads, here] = [await load(true), await load(false)];
    expect(onThreads).toHaveLength(30);
    expect(onThreads).toEqual(here);
    // the bulk load goes without the triggers of migrations 0025 and 0026 (db/seed/bulk-load.ts): the generator's values are right
    expect(onThreads.filter((r) => r.next_follow_up !== r.open_follow_up)).toEqual([]);
    expect(onThreads.filter((r) => r.next_follow_up !== null).length).toBeGreaterThan(5);
    expect(onThreads.filter((r) => r.case_aktenzeichen !== r.aktenzeichen)).toEqual([]);
    // the batches are not copies of each other
    expect(new Set(onThreads.map((r) => `${String(r.first_name)} ${String(r.last_name)}`)).size).toBeGreaterThan(20);
  });
});
