// The anonymised evaluation data set (db/reports/anonymised.ts) on a hand-made fixture, through its route
// loaders: k-anonymity with coarsening and suppression as computed by hand below, no direct identifiers,
// formulas escaped, coordinators only, audited.
//
// 17 cases, k = 5, as of 2025-12-31 (Berlin). Quasi-identifiers: age band at opening, municipality,
// target group, nationality group, opening month. Municipalities: MF = "=Haan (Test)" (looks like a
// formula), MH = "Hilden (Test)", both in "Kreis Mettmann".
//
// group | n | born       | opened (noon UTC)          | nationality | municipality | target group
// A     | 6 | 2000-05-01 | 2025-03-10                 | Syrien      | MF           | neuzugewanderte → 24 y, "18–26"
// B     | 3 | 1995-01-01 | 2025-01-15, 02-15, 02-16   | Ukraine     | MF           | neuzugewanderte → 30 y, "27–44"
// C     | 2 | 1975-01-01 | 2025-03-20                 | Afghanistan | MF           | neuzugewanderte → 50 y, "45–64"
// D     | 2 | 2009-01-01 | 2025-06-15                 | Guinea      | MH           | umf → 16 y
// E     | 3 | 2008-01-01 | 2025-11-05                 | Eritrea     | MF           | umf → 17 y
// F     | 1 | –          | 2024-12-05                 | –           | MF           | – (intake)
//
// Level 0 (month): A forms one class of 6 → released (6). B 1+2, C 2, D 2, E 3, F 1 are too rare.
// Level 1 (quarter): B 2025-Q1 3, C 2025-Q1 2, D 2025-Q2 2, E 2025-Q4 3, F 2024-Q4 1: none reaches 5.
// Level 2 (quarter, "18 und älter"/"unter 18", nationality "alle"): B + C = 5 in (18 und älter, MF,
//   Neuzugewanderte, alle, 2025-Q1) → released (5); D 2, E 3, F 1 still too rare.
// Level 3 (year, Kreis instead of municipality): D + E = 5 in (unter 18, Kreis Mettmann, UMF, alle, 2025)
//   → released (5); F (unbekannt, Kreis Mettmann, ohne, alle, 2024) stays alone → suppressed (1).
// One A case in detail: first contact 2025-03-12 (2 days), closed 2025-04-10 "Ziele erreicht" (31 days
// open), 2 contacts, goals erreicht 1 + entfallen 1, referrals abgeschlossen 1 + abgelehnt 1, identity
// clarified. The other open cases count their days until 2025-12-31 (A: 296).
import ExcelJS from "exceljs";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loader as csvLoader } from "~/routes/berichte_.anonymisiert[.]csv";
import { loader as xlsxLoader } from "~/routes/berichte_.anonymisiert[.]xlsx";
import { ANONYMISED_COLUMNS, type AnonymisedExport, buildAnonymisedExport } from "../../db/reports/anonymised";
import type { Database } from "../../db/schema";
import type { Role, TargetGroup } from "../../workflows/vocabulary";
import { parseCsv } from "./csv";
import { type TestDatabase, createTestDatabase } from "./db";
import { reportLoaderContext } from "./report-fixture";

const NOW = new Date("2025-12-31T12:00:00Z");
const MF = "=Haan (Test)";

let t: TestDatabase;
let db: Kysely<Database>;
let users: { coordinator: string; steering: string; cm: string };
/** Names, Aktenzeichen and ids of the fixture: none may appear in an export. */
const identifiers: string[] = [];

interface Group {
  n: number;
  born: string | null;
  opened: string[];
  nationality: string | null;
  municipality: "MF" | "MH";
  targetGroup: TargetGroup | null;
}

const GROUPS: Record<string, Group> = {
  A: { n: 6, born: "2000-05-01", opened: ["2025-03-10"], nationality: "Syrien", municipality: "MF", targetGroup: "neuzugewanderte_erhoeht" },
  B: { n: 3, born: "1995-01-01", opened: ["2025-01-15", "2025-02-15", "2025-02-16"], nationality: "Ukraine", municipality: "MF", targetGroup: "neuzugewanderte_erhoeht" },
  C: { n: 2, born: "1975-01-01", opened: ["2025-03-20"], nationality: "Afghanistan", municipality: "MF", targetGroup: "neuzugewanderte_erhoeht" },
  D: { n: 2, born: "2009-01-01", opened: ["2025-06-15"], nationality: "Guinea", municipality: "MH", targetGroup: "umf" },
  E: { n: 3, born: "2008-01-01", opened: ["2025-11-05"], nationality: "Eritrea", municipality: "MF", targetGroup: "umf" },
  F: { n: 1, born: null, opened: ["2024-12-05"], nationality: null, municipality: "MF", targetGroup: null },
};

async function insertFixture() {
  const municipality = async (name: string) =>
    (await db.insertInto("municipalities").values({ name, district: "Kreis Mettmann" }).returning("id").executeTakeFirstOrThrow()).id;
  const m = { MF: await municipality(MF), MH: await municipality("Hilden (Test)") };
  const org = await db.insertInto("organisations").values({ name: "Kreis (Test)", kind: "kreis", municipality_id: null }).returning("id").executeTakeFirstOrThrow();
  const user = async (username: string, role: Role) =>
    (await db.insertInto("users").values({ username, display_name: username, role, organisation_id: org.id, password_hash: "x", fte: role === "case_manager" ? 1 : null }).returning("id").executeTakeFirstOrThrow()).id;
  users = { coordinator: await user("anon.koordination", "coordinator"), steering: await user("anon.lenkung", "steering"), cm: await user("anon.cm", "case_manager") };
  const partner = await db.insertInto("partners").values({ name: "Partner (Test)", kind: "mbe", municipality_id: null }).returning("id").executeTakeFirstOrThrow();

  const definition = new Map<TargetGroup, number>();
  for (const code of ["umf", "neuzugewanderte_erhoeht"] as const) {
    const row = await db.insertInto("target_group_definitions").values({ code, version: 1, name: code, description: code, rules: "{}", valid_from: "2021-01-01" }).returning("id").executeTakeFirstOrThrow();
    definition.set(code, row.id);
  }
  let index = 0;
  for (const [name, g] of Object.entries(GROUPS)) {
    for (let i = 0; i < g.n; i++) {
      index++;
      const aktenzeichen = `KIM-ANON-${String(index).padStart(4, "0")}`;
      const client = await db
        .insertInto("clients")
        .values({
          aktenzeichen,
          first_name: `Vorname${name}${i}`,
          last_name: `Nachname${name}${i}`,
          birth_date: g.born,
          gender: "keine_angabe",
          nationality: g.nationality,
          municipality_id: m[g.municipality],
          residence_status: "ungeklaert",
          phone: `0211-55500${index}`,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const detailed = name === "A" && i === 0;
      const opened = g.opened[Math.min(i, g.opened.length - 1)] as string;
      const kase = await db
        .insertInto("cases")
        .values({
          client_id: client.id,
          case_manager_id: users.cm,
          organisation_id: org.id,
          target_group: g.targetGroup,
          target_group_definition_id: g.targetGroup ? (definition.get(g.targetGroup) ?? null) : null,
          referral_source: "sozialamt",
          state: detailed ? "closed" : g.targetGroup ? "assessment" : "intake",
          snapshot: "{}",
          machine_version: "fixture",
          opened_at: `${opened}T12:00:00Z`,
          first_contact_at: detailed ? "2025-03-12T12:00:00Z" : null,
          closed_at: detailed ? "2025-04-10T12:00:00Z" : null,
          closure_reason: detailed ? "ziele_erreicht" : null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      identifiers.push(aktenzeichen, `Vorname${name}${i}`, `Nachname${name}${i}`, client.id, kase.id, `0211-55500${index}`);
      if (!detailed) continue;
      const base = { case_id: kase.id, minutes: 30, contact_type: "persoenlich" as const };
      await db.insertInto("contacts").values([{ ...base, occurred_at: "2025-03-12T12:00:00Z" }, { ...base, occurred_at: "2025-03-20T12:00:00Z" }]).execute();
      const goal = { case_id: kase.id, need_domain: "sprache" as const, title: "Deutschkurs", agreed_at: "2025-03-15T12:00:00Z" };
      const evaluated_at = "2025-04-09T12:00:00Z";
      await db.insertInto("goals").values([{ ...goal, status: "erreicht", evaluated_at }, { ...goal, need_domain: "wohnen", status: "entfallen", evaluated_at }]).execute();
      const referral = { case_id: kase.id, partner_id: partner.id, need_domain: "sprache" as const, snapshot: "{}", machine_version: "fixture", planned_at: "2025-03-16T12:00:00Z" };
      await db.insertInto("referrals").values([{ ...referral, status: "abgeschlossen" }, { ...referral, status: "abgelehnt" }]).execute();
      await db.insertInto("identity_steps").values({ case_id: kase.id, step: "identitaet_geklaert", occurred_on: "2025-03-25" }).execute();
    }
  }
}

let data: AnonymisedExport;
beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  await insertFixture();
  data = await buildAnonymisedExport(db, { now: NOW });
});
afterAll(async () => {
  await t?.close();
});

const qiOf = (r: AnonymisedExport["rows"][number]) =>
  [r.altersgruppe, r.kommune, r.zielgruppe, r.staatsangehoerigkeit_gruppe, r.aufnahme_zeitraum].join(" | ");

describe("k-anonymity on the fixture (worked out by hand above)", () => {
  test("rows per level and the suppressed case", () => {
    expect(data.total).toBe(17);
    expect(data.perLevel.map((l) => l.rows)).toEqual([6, 0, 5, 5]);
    expect(data.suppressed).toBe(1);
    expect(data.rows).toHaveLength(16);
    expect(data.k).toBe(5);
    expect(data.version).toBe("1");
  });

  test("the released combinations, each at least k times", () => {
    const classes = new Map<string, number>();
    for (const r of data.rows) classes.set(qiOf(r), (classes.get(qiOf(r)) ?? 0) + 1);
    expect(Object.fromEntries(classes)).toEqual({
      [`18–26 | ${MF} | Neuzugewanderte (erhöhter Bedarf) | Naher und Mittlerer Osten | 2025-03`]: 6,
      [`18 und älter | ${MF} | Neuzugewanderte (erhöhter Bedarf) | alle | 2025-Q1`]: 5,
      ["unter 18 | Kreis Mettmann | UMF | alle | 2025"]: 5,
    });
  });

  test("the detailed case: durations, counts, closure, identity", () => {
    const closed = data.rows.filter((r) => r.abschlussgrund !== "");
    expect(closed).toEqual([
      expect.objectContaining({
        anonymisierungsstufe: 0,
        phase: "abgeschlossen",
        abschlussgrund: "Ziele erreicht",
        abschluss_monat: "2025-04",
        tage_bis_erstkontakt: 2,
        tage_offen: 31,
        kontakte: 2,
        ziele_erreicht: 1,
        ziele_entfallen: 1,
        ziele_vereinbart: 0,
        vermittlungen_abgeschlossen: 1,
        vermittlungen_abgelehnt: 1,
        vermittlungen_geplant: 0,
        identitaet_geklaert: "ja",
        zugangsweg: "Sozialamt",
      }),
    ]);
    const openA = data.rows.filter((r) => r.aufnahme_zeitraum === "2025-03" && r.abschlussgrund === "");
    expect(openA.map((r) => [r.tage_offen, r.tage_bis_erstkontakt, r.kontakte, r.identitaet_geklaert])).toEqual(
      Array(5).fill([296, null, 0, "nein"]),
    );
  });
});

async function download(format: "csv" | "xlsx", role: Role): Promise<Response> {
  const loader = format === "csv" ? csvLoader : xlsxLoader;
  return loader({
    request: new Request(`http://localhost/berichte/anonymisiert.${format}`),
    context: reportLoaderContext(db, role, role === "steering" ? users.steering : users.coordinator),
    params: {},
  });
}

describe("the files", () => {
  test("CSV: header block with the counts, one line per released case, formulas escaped, no identifiers", async () => {
    const response = await download("csv", "coordinator");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toMatch(/kim-auswertungsdaten_v1_\d{4}-\d{2}-\d{2}\.csv/);
    const text = (await response.text()).replace(/^\uFEFF/, "");
    for (const id of identifiers) expect(text).not.toContain(id);
    const rows = parseCsv(text);
    expect(rows).toContainEqual(["Schema-Version", "1"]);
    expect(rows).toContainEqual(["Unterdrückt", expect.stringMatching(/^1 Fälle/)]);
    expect(rows).toContainEqual(["Stufe 0", expect.stringMatching(/^6 Fälle/)]);
    const header = rows.findIndex((r) => r[0] === "anonymisierungsstufe");
    expect(rows[header]).toEqual(ANONYMISED_COLUMNS.map((c) => c.key));
    const body = rows.slice(header + 1);
    expect(body).toHaveLength(16);
    expect(body.filter((r) => r[2] === `'${MF}`)).toHaveLength(11);
    expect(text).not.toMatch(/(^|;)=/m);

    const audit = await db.selectFrom("audit_log").select(["action", "actor_id", "detail"]).where("action", "like", "export.anonymised%").execute();
    expect(audit).toContainEqual({ action: "export.anonymised.csv", actor_id: users.coordinator, detail: { version: "1", k: 5, rows: 16, suppressed: 1 } });
  });

  test("XLSX: the data sheet and the notes, plain values", async () => {
    const response = await download("xlsx", "coordinator");
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.getWorksheet("Fälle");
    expect(sheet?.rowCount).toBe(17);
    expect(sheet?.getRow(1).values).toEqual([undefined, ...ANONYMISED_COLUMNS.map((c) => c.key)]);
    const values: unknown[] = [];
    sheet?.eachRow((row) => row.eachCell((cell) => values.push(cell.value)));
    for (const value of values) expect(typeof value === "string" || typeof value === "number").toBe(true);
    expect(values).toContain(`'${MF}`);
    expect(values).toContain(31); // the closed case's days open (the others count to the real today here)
    const notes = workbook.getWorksheet("Hinweise");
    const noteTexts: string[] = [];
    notes?.eachRow((row) => noteTexts.push(String(row.getCell(1).value)));
    expect(noteTexts).toEqual(expect.arrayContaining(["Schema-Version", "k-Anonymität", "Unterdrückt", "tage_offen"]));
  });

  test("the steering group gets no case-level data", async () => {
    for (const format of ["csv", "xlsx"] as const) {
      const outcome = await download(format, "steering").catch((error: unknown) => error);
      expect(outcome).toBeInstanceOf(Response);
      expect((outcome as Response).status).toBe(403);
    }
  });
});
