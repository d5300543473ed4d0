// What keeps a busy page's statements cheap (db/query-cost.ts, db/connection.ts): a query marked with
// keepPlan runs as a named prepared statement of its connection, so PostgreSQL keeps its plan; a plan kept
// for one actor answers another actor only with that actor's rows (row-level security reads the actor at
// execution); each connection keeps a bounded number of statements; onOneConnection runs a page's reads on
// one connection. PostgreSQL only: the embedded PGlite runs every statement unnamed.
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import type { Actor } from "../../db/access";
import { loadCaseFile } from "../../db/case-file";
import { PREPARED_STATEMENTS_PER_CONNECTION, openDatabase } from "../../db/connection";
import { keepPlan, onOneConnection } from "../../db/query-cost";
import { runAsActor } from "../../db/request-actor";
import type { Database } from "../../db/schema";
import { seedDemoUsers, seedReferenceData } from "../../db/seed/index";
import { openTestCase } from "./case-file-helpers";
import { type TestDatabase, createTestDatabase } from "./db";

const onPostgres = inject("testDatabaseKind") === "postgres";

let t: TestDatabase;
/** One connection: every statement of a test runs where pg_prepared_statements can see it. */
let single: Kysely<Database>;
let closeSingle: () => Promise<void>;
const actors = {} as Record<"kreis" | "kreis2" | "caritas", Actor>;
const cases = {} as Record<"kreis" | "kreis2" | "caritas", string>;

interface Prepared {
  statement: string;
  generic_plans: number;
  custom_plans: number;
}

/** The statements prepared on the (single) connection. */
async function prepared(): Promise<Prepared[]> {
  const { rows } = await sql<Prepared>`
    SELECT statement, generic_plans::int, custom_plans::int FROM pg_prepared_statements ORDER BY prepare_time`.execute(single);
  return rows;
}

/** A query that forgot its WHERE, marked to keep its plan. */
function allCaseIds(db: Kysely<Database>) {
  return db.selectFrom("cases").select("id").orderBy("id").modifyEnd(keepPlan).execute();
}

describe.runIf(onPostgres)("plans kept per connection (PostgreSQL)", () => {
  beforeAll(async () => {
    t = await createTestDatabase();
    await seedReferenceData(t.db);
    await seedDemoUsers(t.db);
    const users = await t.db.selectFrom("users").select(["id", "username", "role", "organisation_id"]).execute();
    const actor = (username: string): Actor => {
      const u = users.find((x) => x.username === username);
      if (!u) throw new Error(`demo user ${username} missing`);
      return { id: u.id, role: u.role, organisationId: u.organisation_id };
    };
    actors.kreis = actor("casemanager");
    actors.kreis2 = actor("casemanager2");
    actors.caritas = actor("cm.haddad");
    for (const key of ["kreis", "kreis2", "caritas"] as const) cases[key] = (await openTestCase(t.db, actors[key])).caseId;
    const handle = await openDatabase({ databaseUrl: t.url, maxConnections: 1 });
    single = handle.db;
    closeSingle = handle.close;
  }, 120_000);
  afterAll(async () => {
    await closeSingle?.();
    await t?.close();
  });

  test("a marked query runs as a prepared statement of its connection; an unmarked one does not", async () => {
    await single.selectFrom("municipalities").select("id").orderBy("name").modifyEnd(keepPlan).execute();
    await single.selectFrom("partners").select("id").orderBy("name").execute();
    const statements = (await prepared()).map((p) => p.statement);
    expect(statements.some((s) => s.includes('from "municipalities"') && s.endsWith("/* kim:keep-plan */"))).toBe(true);
    expect(statements.some((s) => s.includes('from "partners"'))).toBe(false);
  });

  test("the plan kept for one actor answers every other actor with that actor's rows only", async () => {
    // More than five executions: PostgreSQL then reuses one generic plan.
    for (let i = 0; i < 8; i++) {
      const rows = await runAsActor(actors.kreis, () => allCaseIds(single));
      expect(rows.map((r) => r.id)).toEqual([cases.kreis]);
    }
    const kept = (await prepared()).find((p) => p.statement.startsWith('select "id" from "cases" order by "id"'));
    expect(kept?.generic_plans).toBeGreaterThan(0);
    expect((await runAsActor(actors.kreis2, () => allCaseIds(single))).map((r) => r.id)).toEqual([cases.kreis2]);
    expect((await runAsActor(actors.caritas, () => allCaseIds(single))).map((r) => r.id)).toEqual([cases.caritas]);
    // The system (login role, every row) gets a plan of its own, and the actor's plan still holds afterwards.
    expect((await allCaseIds(single)).map((r) => r.id).sort()).toEqual(Object.values(cases).sort());
    expect((await runAsActor(actors.kreis, () => allCaseIds(single))).map((r) => r.id)).toEqual([cases.kreis]);
    const after = (await prepared()).find((p) => p.statement.startsWith('select "id" from "cases" order by "id"'));
    expect(after!.generic_plans).toBeGreaterThan(kept!.generic_plans);
  });

  test("the client file reads with kept plans and shows each case manager only their own case", async () => {
    for (let i = 0; i < 7; i++) {
      expect((await loadCaseFile(single, actors.kreis, cases.kreis))?.case.id).toBe(cases.kreis);
    }
    // Another case manager's case: not found (the kept plan of the lookup does not leak it).
    expect(await loadCaseFile(single, actors.kreis2, cases.kreis)).toBeUndefined();
    expect((await loadCaseFile(single, actors.kreis2, cases.kreis2))?.case.id).toBe(cases.kreis2);
    const generic = (await prepared()).filter((p) => p.generic_plans > 0).map((p) => p.statement);
    expect(generic.some((s) => s.includes('from "cases" inner join "clients"'))).toBe(true);
  });

  test("the client file reads its sections, the residence history and its forms' reference lists in one statement", async () => {
    // Each statement costs the server and PostgreSQL more than these small reads: one JSON array per list.
    const sections = ["assessments", "goals", "referrals", "contacts", "follow_ups", "consents", "identity_steps", "residence_documents"];
    const lists = ["partners", "municipalities", "target_group_definitions"];
    // A plugin sees every query node (the subqueries too) and the result of each executed statement.
    const tablesOf = new Map<unknown, string[]>();
    const executed: string[][] = [];
    const counted = t.db.withPlugin({
      transformQuery: ({ node, queryId }) => {
        const text = JSON.stringify(node);
        tablesOf.set(queryId, [...sections, ...lists].filter((table) => text.includes(`"name":"${table}"`)));
        return node;
      },
      transformResult: async ({ result, queryId }) => {
        executed.push(tablesOf.get(queryId) ?? []);
        return result;
      },
    });
    const file = await loadCaseFile(counted, actors.kreis, cases.kreis);
    expect(file?.residence.history.length).toBeGreaterThan(0);
    expect(file?.options.municipalities.length).toBeGreaterThan(0);
    expect(file?.options.targetGroups.length).toBeGreaterThan(0);
    const readingSections = executed.filter((tables) => tables.some((table) => sections.includes(table)));
    expect(readingSections).toHaveLength(1);
    expect([...(readingSections[0] ?? [])].sort()).toEqual([...sections, ...lists].sort());
    // The case lookup also joins municipalities and definitions; no other statement reads the lists.
    expect(executed.filter((tables) => tables.some((table) => lists.includes(table)))).toHaveLength(2);
    // The case, its audit row, the lists, the history (events and audit trail): five for a new case.
    expect(executed).toHaveLength(5);
  });

  test(`each connection keeps at most ${PREPARED_STATEMENTS_PER_CONNECTION} statements: the least recently used goes`, async () => {
    await sql`DEALLOCATE ALL`.execute(single);
    // pg must forget them too, or it would bind names the server no longer has: a fresh connection instead.
    await closeSingle();
    const handle = await openDatabase({ databaseUrl: t.url, maxConnections: 1 });
    single = handle.db;
    closeSingle = handle.close;
    const numbered = (n: number) => sql<{ n: number }>`SELECT ${sql.lit(n)}::int AS n ${keepPlan}`.execute(single);
    for (let n = 0; n < PREPARED_STATEMENTS_PER_CONNECTION; n++) await numbered(n);
    await numbered(0); // now the most recently used: statement 1 is the oldest
    await numbered(PREPARED_STATEMENTS_PER_CONNECTION);
    const statements = (await prepared()).map((p) => p.statement);
    expect(statements).toHaveLength(PREPARED_STATEMENTS_PER_CONNECTION);
    expect(statements).toContain("SELECT 0::int AS n /* kim:keep-plan */");
    expect(statements).not.toContain("SELECT 1::int AS n /* kim:keep-plan */");
    expect(statements).toContain(`SELECT ${PREPARED_STATEMENTS_PER_CONNECTION}::int AS n /* kim:keep-plan */`);
    // The deallocated one is prepared again when it comes back.
    expect((await numbered(1)).rows).toEqual([{ n: 1 }]);
    expect((await prepared()).map((p) => p.statement)).toContain("SELECT 1::int AS n /* kim:keep-plan */");
  });

  test("no JIT compilation on the app's connections, for requests and for the system", async () => {
    // At 250,000 cases row-level security's subplans pushed the audit history's estimated cost past
    // jit_above_cost: compiling took ~1.5 s for a query that runs in under 5 ms.
    const jit = () => sql<{ jit: string }>`SELECT current_setting('jit') AS jit`.execute(t.db);
    expect((await runAsActor(actors.kreis, jit)).rows).toEqual([{ jit: "off" }]);
    expect((await jit()).rows).toEqual([{ jit: "off" }]);
    const plan = await runAsActor(actors.kreis, () =>
      sql<{ "QUERY PLAN": unknown }>`EXPLAIN (FORMAT JSON) SELECT id FROM audit_log WHERE case_id = ${cases.kreis}::uuid`.execute(t.db),
    );
    expect(JSON.stringify(plan.rows)).not.toContain('"JIT"');
  });

  test("onOneConnection: parallel reads share one connection; inside a transaction they run on it", async () => {
    const pid = () => sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(t.db);
    const pids = await onOneConnection(t.db, (db) =>
      Promise.all(Array.from({ length: 6 }, () => sql<{ pid: number }>`SELECT pg_backend_pid() AS pid, pg_sleep(0.01)`.execute(db))),
    );
    expect(new Set(pids.map((r) => r.rows[0]?.pid)).size).toBe(1);
    // Without it, the same parallel reads take several connections of the pool.
    const spread = await Promise.all(Array.from({ length: 6 }, () => sql`SELECT pg_backend_pid() AS pid, pg_sleep(0.05)`.execute(t.db)));
    expect(new Set(spread.map((r) => (r.rows[0] as { pid: number }).pid)).size).toBeGreaterThan(1);
    const inTransaction = await t.db.transaction().execute(async (trx) => {
      const outside = (await pid()).rows[0]?.pid;
      const inside = await onOneConnection(trx, (db) => sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db));
      const own = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
      return { outside, inside: inside.rows[0]?.pid, own: own.rows[0]?.pid };
    });
    expect(inTransaction.inside).toBe(inTransaction.own);
    expect(inTransaction.outside).not.toBe(inTransaction.own);
  });
});
