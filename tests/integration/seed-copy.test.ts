// The bulk path of the seed: on PostgreSQL rows go in with COPY FROM STDIN (text format), so every
// special character must survive exactly as the INSERT path would store it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresPoolOf } from "../../db/connection";
import { copyGroups, copyRows, copyValue } from "../../db/seed/copy";
import { sql } from "kysely";
import { BULK_DEFERRED_INDEXES, deferIndexes } from "../../db/seed/bulk-indexes";
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

  it("builds the deferred indexes of a bulk load again exactly as they were, also when the load fails", async () => {
    const indexes = async () =>
      (
        await sql<{ name: string; definition: string }>`
          SELECT indexname AS name, indexdef AS definition FROM pg_indexes
          WHERE tablename IN ('case_events', 'contacts', 'audit_log') ORDER BY indexname`.execute(t.db)
      ).rows;
    const before = await indexes();
    expect(before.map((i) => i.name)).toEqual(expect.arrayContaining([...BULK_DEFERRED_INDEXES]));
    // dropped while the load runs
    const rebuild = await deferIndexes(t.db);
    const during = (await indexes()).map((i) => i.name);
    for (const name of BULK_DEFERRED_INDEXES) expect(during).not.toContain(name);
    await rebuild();
    expect(await indexes()).toEqual(before);
    // a bulk load through the seed: same indexes afterwards, and the rows are there
    await seedDemoUsers(t.db);
    await seedCases(t.db, { count: 30, log: () => undefined, seed: 11, deferIndexes: true });
    expect(await indexes()).toEqual(before);
    const events = await t.db.selectFrom("case_events").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(events.n)).toBeGreaterThan(30);
    // a load that fails (an invalid clock: the generator cannot write a date) still rebuilds them
    await expect(seedCases(t.db, { count: 5, log: () => undefined, seed: 12, deferIndexes: true, now: new Date(Number.NaN) })).rejects.toThrow();
    expect(await indexes()).toEqual(before);
  });
});
