// The data-protection officer's audit viewer: filters on the server, no case content in what leaves it,
// refused for every other role, its own use audited; the CSV export formula-escaped.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../db/access";
import { exportAuditLog, listAuditLog } from "../../db/audit-log";
import { loadCaseFile } from "../../db/case-file";
import { addFollowUp } from "../../db/follow-ups";
import { loader as viewerLoader } from "../../app/routes/protokoll";
import { loader as exportLoader } from "../../app/routes/protokoll_.export[.]csv";
import { DEFAULT_AUDIT_QUERY, parseAuditQuery } from "../../workflows/audit-query";
import { ROLES, type Role } from "../../workflows/vocabulary";
import { type DemoActors, auditRows, openTestCase, seedActors } from "./case-file-helpers";
import { type TestDatabase, createTestDatabase } from "./db";
import { insertOrganisation, insertUser } from "./fixtures";
import { reportLoaderContext } from "./report-fixture";

let t: TestDatabase;
let actors: DemoActors;
let dp: Actor;
let caseId: string;
let aktenzeichen: string;

const query = (search: string) => parseAuditQuery(new URLSearchParams(search)).query;

function loaderArgs(path: string, role: Role, userId: string): LoaderFunctionArgs {
  return {
    request: new Request(`http://127.0.0.1${path}`),
    context: reportLoaderContext(t.db, role, userId),
    params: {},
  } as LoaderFunctionArgs;
}

beforeAll(async () => {
  t = await createTestDatabase();
  actors = await seedActors(t.db);
  const u = await t.db.selectFrom("users").select(["id", "role"]).where("username", "=", "datenschutz").executeTakeFirstOrThrow();
  dp = { id: u.id, role: u.role };
  const opened = await openTestCase(t.db, actors.cm, { firstName: "Vertraulich", lastName: "Geheimname", phone: "0171 999888" });
  caseId = opened.caseId;
  aktenzeichen = (await t.db.selectFrom("clients").select("aktenzeichen").where("id", "=", opened.clientId).executeTakeFirstOrThrow())
    .aktenzeichen;
  // The owner reads the file and adds a follow-up (audit row naming the case in detail.caseId);
  // a colleague of the same team, neither owner nor deputy, is refused.
  expect(await loadCaseFile(t.db, actors.cm, caseId)).toBeDefined();
  expect((await addFollowUp(t.db, actors.cm, { caseId, dueOn: "2030-01-02", note: "Geheime Notiz" })).ok).toBe(true);
  expect(await loadCaseFile(t.db, actors.cm2, caseId)).toBeUndefined();
});

afterAll(async () => {
  await t?.close();
});

describe("audit viewer (Zugriffsprotokoll)", () => {
  it("is a role of its own with the data-protection permission only", () => {
    expect(dp.role).toBe("data_protection");
    expect(ROLES.label.data_protection).toBe("Datenschutz");
  });

  it("finds the refused read of one case manager on another's case by Aktenzeichen and outcome", async () => {
    const page = await listAuditLog(t.db, dp, query(`aktenzeichen=${aktenzeichen.toLowerCase()}&ergebnis=verweigert`));
    expect(page?.total).toBe(1);
    expect(page?.rows[0]).toMatchObject({
      actorId: actors.cm2.id,
      actorRole: "case_manager",
      action: "case.read",
      objectId: caseId,
      aktenzeichen,
      outcome: "denied",
    });
  });

  it("lists every row about the client, also those naming the case in their detail, and filters by user and action", async () => {
    const all = await listAuditLog(t.db, dp, query(`aktenzeichen=${aktenzeichen}`));
    expect(all?.rows.map((r) => r.action).sort()).toEqual(["case.create", "case.read", "case.read", "follow_up.create"]);
    expect(all?.rows.every((r) => r.aktenzeichen === aktenzeichen)).toBe(true);
    const own = await listAuditLog(t.db, dp, query(`aktenzeichen=${aktenzeichen}&benutzer=${actors.cm.id}&aktion=case.read`));
    expect(own?.rows.map((r) => [r.actorId, r.action, r.outcome])).toEqual([[actors.cm.id, "case.read", "allowed"]]);
    const followUps = await listAuditLog(t.db, dp, query(`aktion=follow_up.create&benutzer=${actors.cm.id}`));
    expect(followUps?.rows.map((r) => r.aktenzeichen)).toEqual([aktenzeichen]);
    expect((await listAuditLog(t.db, dp, query("aktenzeichen=KIM-1999-000001")))?.total).toBe(0);
  });

  it("filters by period in Europe/Berlin days", async () => {
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(new Date());
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const within = await listAuditLog(t.db, dp, query(`aktenzeichen=${aktenzeichen}&von=${today}&bis=${today}`));
    expect(within?.total).toBe(4);
    expect((await listAuditLog(t.db, dp, query(`aktenzeichen=${aktenzeichen}&von=${tomorrow}`)))?.total).toBe(0);
    expect((await listAuditLog(t.db, dp, query(`aktenzeichen=${aktenzeichen}&bis=2000-01-01`)))?.total).toBe(0);
  });

  it("pages on the server, newest first by default, and clamps a page past the end", async () => {
    const org = await insertOrganisation(t.db);
    const prober = await insertUser(t.db, { role: "case_manager", organisationId: org });
    const probe: Actor = { id: prober.id, role: "case_manager" };
    for (let i = 0; i < 55; i++) await loadCaseFile(t.db, probe, crypto.randomUUID());
    const first = await listAuditLog(t.db, dp, query(`benutzer=${prober.id}`));
    expect(first).toMatchObject({ total: 55, pageCount: 2 });
    expect(first?.rows).toHaveLength(50);
    const ats = first!.rows.map((r) => r.at);
    expect([...ats].sort().reverse()).toEqual(ats);
    const last = await listAuditLog(t.db, dp, query(`benutzer=${prober.id}&seite=9`));
    expect(last?.query.page).toBe(2);
    expect(last?.rows).toHaveLength(5);
    const oldest = await listAuditLog(t.db, dp, query(`benutzer=${prober.id}&sortierung=zeit&anzahl=100`));
    expect(oldest?.rows[0]?.id).toBe(last?.rows.at(-1)?.id);
  });

  it("reports malformed URL values instead of passing them on", () => {
    const { query: q, ignored } = parseAuditQuery(
      new URLSearchParams("benutzer=1;drop&aktion=case.delete&ergebnis=vielleicht&von=2025-02-30&seite=0&anzahl=7&sortierung=name"),
    );
    expect(q).toEqual(DEFAULT_AUDIT_QUERY);
    expect(ignored.sort()).toEqual(["aktion", "anzahl", "benutzer", "ergebnis", "seite", "sortierung", "von"]);
  });

  it("answers nothing to other roles: the query is empty and the route refuses with 403 (audited)", async () => {
    for (const other of [actors.cm, actors.coordinator, actors.steering, actors.admin]) {
      expect(await listAuditLog(t.db, other, DEFAULT_AUDIT_QUERY)).toBeUndefined();
      expect(await exportAuditLog(t.db, other, DEFAULT_AUDIT_QUERY)).toBeUndefined();
      for (const path of ["/protokoll", "/protokoll/export.csv"]) {
        const load = path === "/protokoll" ? viewerLoader : exportLoader;
        const refused = await load(loaderArgs(path, other.role, other.id)).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(refused).toBeInstanceOf(Response);
        expect((refused as Response).status).toBe(403);
      }
    }
    const denied = await auditRows(t.db, { action: "permission", actorId: actors.admin.id, objectId: "/protokoll" });
    expect(denied.map((r) => r.outcome)).toEqual(["denied"]);
  });

  it("sends no case content to the browser and audits its own use", async () => {
    const data = await viewerLoader(loaderArgs(`/protokoll?aktenzeichen=${aktenzeichen}`, "data_protection", dp.id));
    const json = JSON.stringify(data);
    expect(data.rows.length).toBe(4);
    expect(json).toContain(aktenzeichen);
    for (const secret of ["Vertraulich", "Geheimname", "0171 999888", "Geheime Notiz", "2030-01-02"]) {
      expect(json).not.toContain(secret);
    }
    const own = await auditRows(t.db, { action: "audit.read", actorId: dp.id });
    expect(own.at(-1)).toMatchObject({ outcome: "allowed", detail: expect.objectContaining({ aktenzeichen, total: 4 }) });
  });

  it("exports the filtered rows as CSV with formulas neutralised, and audits the export", async () => {
    const org = await insertOrganisation(t.db);
    const sly = await insertUser(t.db, { role: "case_manager", organisationId: org });
    await t.db.updateTable("users").set({ display_name: "=HYPERLINK(\"x\")" }).where("id", "=", sly.id).execute();
    await loadCaseFile(t.db, { id: sly.id, role: "case_manager" }, caseId);
    const response = await exportLoader(
      loaderArgs(`/protokoll/export.csv?aktenzeichen=${aktenzeichen}&ergebnis=verweigert`, "data_protection", dp.id),
    );
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const lines = (await response.text()).replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines[0]).toBe("Zeitpunkt;Benutzer*in;Rolle;Organisation;Aktion;Objekt;Aktenzeichen;Ergebnis;Details");
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => l.includes(`"'=HYPERLINK(""x"") (${sly.username})"`))).toBe(true);
    expect(lines.every((l, i) => i === 0 || (l.includes(aktenzeichen) && l.includes("verweigert")))).toBe(true);
    const own = await auditRows(t.db, { action: "audit.export", actorId: dp.id });
    expect(own.at(-1)).toMatchObject({ outcome: "allowed", detail: expect.objectContaining({ rows: 2 }) });
  });
});
