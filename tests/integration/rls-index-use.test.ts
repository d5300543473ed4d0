// Pages about one case or one person must find their rows through an index, also under row-level
// security. PostgreSQL uses an index for a query's own condition on a forced table only when that
// condition is leakproof: `detail ->> 'caseId' = $1` or `id::text = object_id` are not, and turned the
// client file's history into a scan of the whole audit log (6 s at 2,000 cases; migration 0021).
//
// This test records every SELECT the loaders of those pages run (a Kysely plugin), and plans each one as
// kim_app with the request's actor and sequential scans switched off. A scan of a case-bearing table
// that still reads it whole (a Seq Scan, or an index scan without an index condition) is a query whose
// cost grows with the whole site's data instead of the case's: it fails here on a handful of rows,
// long before a site notices it at 250,000 cases.
import {
  CompiledQuery,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loader as caseLoader } from "../../app/routes/faelle.$caseId";
import { loader as subjectAccessLoader } from "../../app/routes/faelle.$caseId.auskunft";
import { loader as candidatesLoader } from "../../app/routes/faelle.$caseId.kandidaten";
import { loader as documentsLoader } from "../../app/routes/faelle.$caseId_.dokumente";
import { loader as caseloadLoader } from "../../app/routes/faelle._index";
import { loader as todayLoader } from "../../app/routes/heute";
import { loader as auditLoader } from "../../app/routes/protokoll";
import { CASE_BEARING_TABLES } from "../support/case-bearing-tables";
import { routeContext } from "../support/load-context";
import { type Who, organisationWorld } from "./organisation-world";

/** Tables whose size grows with the site: a per-case page must never read one of them whole. */
const GROWING_TABLES = new Set<string>(CASE_BEARING_TABLES);

const world = organisationWorld();

/** Records the compiled SQL of every query run through the database it is plugged into. */
function recorder(): { plugin: KyselyPlugin; queries: CompiledQuery[] } {
  const queries: CompiledQuery[] = [];
  const plugin: KyselyPlugin = {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      queries.push(world.db.getExecutor().compileQuery(args.node, args.queryId));
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return args.result;
    },
  };
  return { plugin, queries };
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  Plans?: PlanNode[];
}

/** Scans in `plan` that read a growing table whole. */
function wholeTableScans(plan: PlanNode): string[] {
  const found: string[] = [];
  const walk = (node: PlanNode) => {
    const table = node["Relation Name"];
    if (table && GROWING_TABLES.has(table)) {
      const type = node["Node Type"];
      if (type === "Seq Scan") found.push(`Seq Scan on ${table}`);
      if ((type === "Index Scan" || type === "Index Only Scan") && !node["Index Cond"]) {
        found.push(`${type} on ${table} using ${node["Index Name"]} without an index condition`);
      }
    }
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(plan);
  return found;
}

/** Plans `query` as `who`'s request would run it (kim_app, the actor's settings), sequential scans off. */
async function whole(who: Who, query: CompiledQuery): Promise<string[]> {
  const actor = world.actor(who);
  return world.db.transaction().execute(async (trx) => {
    await trx.executeQuery(
      CompiledQuery.raw(
        "SELECT set_config('role', 'kim_app', true), set_config('kim.actor_role', $1, true), set_config('kim.actor_id', $2, true), set_config('kim.actor_org', $3, true), set_config('enable_seqscan', 'off', true)",
        [actor.role, actor.id, actor.organisationId === null ? "" : String(actor.organisationId)],
      ),
    );
    const result = await trx.executeQuery<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
      CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${query.sql}`, [...query.parameters]),
    );
    const found = wholeTableScans(result.rows[0]!["QUERY PLAN"][0].Plan);
    return found;
  });
}

type Loader = (args: { request: Request; context: never; params: Record<string, string> }) => Promise<unknown>;

/** Runs `loader` as `who` on `url` and returns every SELECT it ran with the whole-table scans of its plan. */
async function scansOfPage(who: Who, loader: unknown, url: string, params: Record<string, string> = {}) {
  const { plugin, queries } = recorder();
  const context = routeContext(world.db.withPlugin(plugin), world.users[who]);
  const result = await world.call(who, () =>
    (loader as Loader)({ request: new Request(`http://localhost${url}`), context: context as never, params }),
  );
  expect(result.status, `${url} as ${who}`).toBe(200);
  const selects = queries.filter((q) => /^\s*(with|select)\b/i.test(q.sql));
  expect(selects.length).toBeGreaterThan(0);
  const problems: string[] = [];
  for (const q of selects) {
    for (const scan of await whole(who, q)) problems.push(`${scan}\n    in: ${q.sql.slice(0, 400)}`);
  }
  return problems;
}

beforeAll(async () => {
  await world.setUp();
  // Some history on case A.
  const posted = await world.postCase("cmA", world.cases.A, { intent: "RECORD_CONTACT", contactType: "telefonisch", minutes: "15" });
  if (posted.status !== 302) throw new Error(`RECORD_CONTACT: ${posted.status}`);
});
afterAll(() => world.close());

describe("pages about one case or one person read no growing table whole, under row-level security", () => {
  test("the client file as its case manager, the Teamleitung and the coordination", async () => {
    for (const who of ["cmA", "leadA", "coordinator"] as const) {
      expect(await scansOfPage(who, caseLoader, `/faelle/${world.cases.A}`, { caseId: world.cases.A })).toEqual([]);
    }
  });

  test("the client file's history filtered by kind, the documents page and the Art. 15 information", async () => {
    const caseId = world.cases.A;
    expect(await scansOfPage("cmA", caseLoader, `/faelle/${caseId}?verlauf=vermittlung`, { caseId })).toEqual([]);
    expect(await scansOfPage("cmA", documentsLoader, `/faelle/${caseId}/dokumente`, { caseId })).toEqual([]);
    expect(await scansOfPage("cmA", subjectAccessLoader, `/faelle/${caseId}/auskunft`, { caseId })).toEqual([]);
  });

  test("the deputy and transfer choices: the client file with the transfer form open, and /kandidaten", async () => {
    const caseId = world.cases.A;
    for (const who of ["leadA", "coordinator"] as const) {
      expect(await scansOfPage(who, caseLoader, `/faelle/${caseId}?schritt=cf-TRANSFER`, { caseId })).toEqual([]);
    }
    expect(await scansOfPage("cmA", candidatesLoader, `/faelle/${caseId}/kandidaten`, { caseId })).toEqual([]);
  });

  test("Heute and Meine Fälle of a case manager", async () => {
    expect(await scansOfPage("cmA", todayLoader, "/heute")).toEqual([]);
    expect(await scansOfPage("cmA", caseloadLoader, "/faelle")).toEqual([]);
  });

  test("the audit viewer filtered by a client's Aktenzeichen", async () => {
    const { aktenzeichen } = await world.db
      .selectFrom("cases")
      .innerJoin("clients", "clients.id", "cases.client_id")
      .select("clients.aktenzeichen")
      .where("cases.id", "=", world.cases.A)
      .executeTakeFirstOrThrow();
    expect(await scansOfPage("dataProtection", auditLoader, `/protokoll?aktenzeichen=${encodeURIComponent(aktenzeichen)}`)).toEqual([]);
  });
});

describe("the check itself", () => {
  test("finds a condition that row-level security keeps from using its index", async () => {
    const leaky = CompiledQuery.raw("SELECT id FROM audit_log WHERE detail ->> 'caseId' = $1", [world.cases.A]);
    expect(await whole("cmA", leaky)).toEqual([expect.stringMatching(/audit_log/)]);
    const indexed = CompiledQuery.raw("SELECT id FROM audit_log WHERE case_id = $1", [world.cases.A]);
    expect(await whole("cmA", indexed)).toEqual([]);
  });
});
