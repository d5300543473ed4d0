// The Lenkungsgruppe's meeting on the hand-made fixture (report-fixture.ts): frozen editions (stored as
// rendered, byte-identical downloads before and after new data, suppressed, append-only, the difference
// view) and decisions on structural findings (recorded by coordinators, read by steering, open ones in
// the report).
import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { action as decisionsAction, loader as decisionsLoader } from "~/routes/berichte_.beschluesse";
import { loader as reportLoader } from "~/routes/berichte";
import { action as freezeAction, loader as editionsLoader } from "~/routes/berichte_.ausgaben._index";
import { loader as editionLoader } from "~/routes/berichte_.ausgaben.$editionId";
import { loader as csvLoader } from "~/routes/berichte_.ausgaben.$editionId_.export[.]csv";
import { loader as xlsxLoader } from "~/routes/berichte_.ausgaben.$editionId_.export[.]xlsx";
import type { Database } from "../../db/schema";
import type { Role } from "../../workflows/vocabulary";
import { type TestDatabase, createTestDatabase } from "./db";
import { type ReportFixture, insertReportFixture, reportLoaderContext } from "./report-fixture";

let t: TestDatabase;
let db: Kysely<Database>;
let fx: ReportFixture;

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  fx = await insertReportFixture(db);
});
afterAll(async () => {
  await t?.close();
});

const Q1 = "zeitraum=quartal&jahr=2025&quartal=1&aufteilung=keine";
const ctx = (role: "coordinator" | "steering") =>
  reportLoaderContext(db, role, role === "steering" ? fx.users.steering : fx.users.coordinator);

function post(path: string, fields: Record<string, string>) {
  return new Request(`http://localhost${path}`, { method: "POST", body: new URLSearchParams(fields) });
}

async function caught(p: Promise<unknown>): Promise<Response> {
  try {
    const r = await p;
    if (r instanceof Response) return r;
    const d = r as { init?: { status?: number } };
    return new Response(null, { status: d?.init?.status ?? 200 });
  } catch (e) {
    if (e instanceof Response) return e;
    throw e;
  }
}

async function download(format: "csv" | "xlsx", role: Role & ("coordinator" | "steering"), id: number): Promise<Uint8Array> {
  const loader = format === "csv" ? csvLoader : xlsxLoader;
  const response = await loader({
    request: new Request(`http://localhost/berichte/ausgaben/${id}/export.${format}`),
    context: ctx(role),
    params: { editionId: String(id) },
  });
  expect(response.status).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("frozen editions", () => {
  let id: number;
  let csv: Uint8Array;
  let xlsx: Uint8Array;

  beforeAll(async () => {
    const response = await freezeAction({
      request: post("/berichte/ausgaben", { intent: "freeze", bericht: Q1, sitzung: "2025-04-15" }),
      context: ctx("coordinator"),
      params: {},
    });
    expect(response).toBeInstanceOf(Response);
    const location = (response as Response).headers.get("Location") ?? "";
    expect(location).toMatch(/^\/berichte\/ausgaben\/\d+$/);
    id = Number(location.split("/").pop());
    csv = await download("csv", "coordinator", id);
    xlsx = await download("xlsx", "steering", id);
  });

  test("stored with query, meeting date, author, time and the SHA-256 of its JSON; suppressed although a coordinator froze it", async () => {
    const row = await db.selectFrom("report_editions").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(row.query).toBe(Q1);
    expect(row.meeting_on).toBe("2025-04-15");
    expect(row.created_by).toBe(fx.users.coordinator);
    expect(row.content_hash).toBe(createHash("sha256").update(row.content, "utf8").digest("hex"));
    const report = JSON.parse(row.content);
    expect(report.suppressed).toBe(true);
    expect(new TextDecoder().decode(csv)).toContain("<5");
    const audit = await db.selectFrom("audit_log").select("action").where("object_type", "=", "report_edition").execute();
    expect(audit.map((a) => a.action)).toContain("report.freeze");
  });

  test("the steering group lists and opens it; no difference while nothing changed", async () => {
    const list = await editionsLoader({ request: new Request("http://localhost/berichte/ausgaben"), context: ctx("steering"), params: {} });
    expect(list.canFreeze).toBe(false);
    expect(list.editions.map((e) => e.id)).toContain(id);
    const page = await editionLoader({
      request: new Request(`http://localhost/berichte/ausgaben/${id}`),
      context: ctx("steering"),
      params: { editionId: String(id) },
    });
    expect(page.edition.report.atAGlance).toHaveLength(8);
    expect(page.differences).toEqual([]);
  });

  test("downloads are byte-identical on every download and after new data; the difference view lists exactly the changed figures", async () => {
    expect(sha(await download("csv", "steering", id))).toBe(sha(csv));
    expect(sha(await download("xlsx", "coordinator", id))).toBe(sha(xlsx));
    // After the freeze: the finding reported in February (gemeldet) is closed as erledigt.
    await db
      .updateTable("structural_findings")
      .set({ status: "erledigt" })
      .where("status", "=", "gemeldet")
      .where("reported_at", ">=", new Date("2025-01-01T00:00:00Z"))
      .execute();
    expect(sha(await download("csv", "steering", id))).toBe(sha(csv));
    expect(sha(await download("xlsx", "steering", id))).toBe(sha(xlsx));
    const page = await editionLoader({
      request: new Request(`http://localhost/berichte/ausgaben/${id}`),
      context: ctx("steering"),
      params: { editionId: String(id) },
    });
    // gemeldet 1 → 0 shows ("<5" → "0"); erledigt 1 → 2 and open 2 → 1 stay "<5" under suppression.
    expect(page.differences).toEqual([
      {
        section: "Strukturelle Hürden",
        key: "findings.status.gemeldet",
        label: "Status „gemeldet“",
        column: "Gesamt",
        frozen: "<5",
        today: "0",
      },
    ]);
    expect(page.edition.report.sections.flatMap((s) => s.figures).find((f) => f.key === "findings.status.gemeldet")?.total.display).toBe("<5");
  });

  test("append-only: the database refuses UPDATE and DELETE", async () => {
    await expect(db.updateTable("report_editions").set({ meeting_on: "2025-05-01" }).where("id", "=", id).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom("report_editions").where("id", "=", id).execute()).rejects.toThrow(/append-only/);
  });

  test("steering may not freeze; a missing date is a German field error (422), nothing written", async () => {
    const before = await db.selectFrom("report_editions").select(db.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    const refused = await caught(
      freezeAction({ request: post("/berichte/ausgaben", { intent: "freeze", bericht: Q1, sitzung: "2025-04-15" }), context: ctx("steering"), params: {} }),
    );
    expect(refused.status).toBe(403);
    const bad = (await freezeAction({
      request: post("/berichte/ausgaben", { intent: "freeze", bericht: Q1, sitzung: "15.04." }),
      context: ctx("coordinator"),
      params: {},
    })) as unknown as { init: { status: number }; data: { result: { error: Record<string, string[]> } } };
    expect(bad.init.status).toBe(422);
    expect(bad.data.result.error.sitzung?.[0]).toMatch(/Datum der Sitzung/);
    const after = await db.selectFrom("report_editions").select(db.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});

describe("decisions on structural findings", () => {
  test("a coordinator records a decision on a finding put to the Lenkungsgruppe and its follow-up; steering reads; the report lists it while open", async () => {
    const page = await decisionsLoader({ request: new Request("http://localhost/berichte/beschluesse"), context: ctx("coordinator"), params: {} });
    const finding = page.findings[0];
    expect(finding).toBeDefined();
    // A due date before the decision is a field error.
    const bad = (await decisionsAction({
      request: post("/berichte/beschluesse", {
        intent: "decide",
        findingId: finding?.id ?? "",
        decidedOn: "2025-04-15",
        note: "Gespräch mit dem Wohnungsamt",
        body: "Sozialdezernat",
        dueOn: "2025-04-01",
      }),
      context: ctx("coordinator"),
      params: {},
    })) as unknown as { init: { status: number }; data: { result: { error: Record<string, string[]> } } };
    expect(bad.init.status).toBe(422);
    expect(bad.data.result.error.dueOn?.[0]).toMatch(/Frist/);
    expect(await db.selectFrom("finding_decisions").selectAll().execute()).toEqual([]);

    const ok = await decisionsAction({
      request: post("/berichte/beschluesse", {
        intent: "decide",
        findingId: finding?.id ?? "",
        decidedOn: "2025-04-15",
        note: "Gespräch mit dem Wohnungsamt",
        body: "Sozialdezernat",
        dueOn: "2025-06-30",
      }),
      context: ctx("coordinator"),
      params: {},
    });
    expect(ok).toMatchObject({ kind: "decide", saved: "Der Beschluss ist erfasst." });
    const steering = await decisionsLoader({ request: new Request("http://localhost/berichte/beschluesse"), context: ctx("steering"), params: {} });
    expect(steering.canDecide).toBe(false);
    expect(steering.findings).toEqual([]);
    expect(steering.decisions).toHaveLength(1);
    expect(steering.decisions[0]).toMatchObject({ finding_title: finding?.title, responsible_body: "Sozialdezernat", due_on: "2025-06-30", status: "offen" });

    const report = (await reportLoader({ request: new Request(`http://localhost/berichte?${Q1}`), context: ctx("steering"), params: {} })) as {
      decisions: { id: number }[];
    };
    expect(report.decisions).toHaveLength(1);

    const refused = await caught(
      decisionsAction({
        request: post("/berichte/beschluesse", { intent: "status", decisionId: String(steering.decisions[0]?.id), fromStatus: "offen", status: "umgesetzt" }),
        context: ctx("steering"),
        params: {},
      }),
    );
    expect(refused.status).toBe(403);
    const done = await decisionsAction({
      request: post("/berichte/beschluesse", { intent: "status", decisionId: String(steering.decisions[0]?.id), fromStatus: "offen", status: "umgesetzt" }),
      context: ctx("coordinator"),
      params: {},
    });
    expect(done).toMatchObject({ kind: "status", saved: "Der Stand des Beschlusses ist gespeichert." });
    const stale = (await decisionsAction({
      request: post("/berichte/beschluesse", { intent: "status", decisionId: String(steering.decisions[0]?.id), fromStatus: "offen", status: "verworfen" }),
      context: ctx("coordinator"),
      params: {},
    })) as unknown as { init: { status: number } };
    expect(stale.init.status).toBe(409);
    const after = (await reportLoader({ request: new Request(`http://localhost/berichte?${Q1}`), context: ctx("steering"), params: {} })) as {
      decisions: unknown[];
    };
    expect(after.decisions).toEqual([]);
    const audit = await db.selectFrom("audit_log").select("action").where("object_type", "=", "finding_decision").execute();
    expect(audit.map((a) => a.action).sort()).toEqual(["decision.record", "decision.status"]);
  });
});
