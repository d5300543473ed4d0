// Frozen report editions (Berichtsstand festschreiben): a coordinator freezes the published (suppressed)
// report of a period for a meeting; the edition keeps exactly what was rendered then – the canonical
// JSON the page is drawn from, the CSV text and the XLSX bytes – with its query, author, time and a
// SHA-256 of the JSON. The table is append-only (migration 0016), so every download is byte-identical,
// however many events arrive later. diffReports says, figure by figure, where today's report differs.
import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import { hasPermission } from "../../workflows/permissions";
import type { Actor } from "../access";
import { writeAudit } from "../audit";
import type { Database } from "../schema";
import type { Cell, PublishedReport } from "./suppress";

export function contentHashOf(content: string): string {
  return createHash("sha256").update(content, "utf8").digest("hex");
}

export interface NewEdition {
  meetingOn: string;
  /** The normalised search string of the report (period, filters, split). */
  query: string;
  /** The published report; must be the suppressed one (what the Lenkungsgruppe sees). */
  report: PublishedReport;
  csv: string;
  xlsx: Uint8Array;
}

/** Stores an edition; only for coordinators (freeze:report:any), only a suppressed report. Audited. */
export async function freezeReportEdition(
  db: Kysely<Database>,
  actor: Actor,
  edition: NewEdition,
): Promise<{ ok: true; id: number; contentHash: string } | { ok: false; status: 403 | 422; message: string }> {
  if (!hasPermission(actor.role, "freeze:report:any")) {
    return { ok: false, status: 403, message: "Berichtsstände festschreiben darf nur die Koordination." };
  }
  if (!edition.report.suppressed) {
    return { ok: false, status: 422, message: "Festgeschrieben wird nur der Bericht, wie ihn die Lenkungsgruppe sieht." };
  }
  const content = JSON.stringify(edition.report);
  const contentHash = contentHashOf(content);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("report_editions")
      .values({
        meeting_on: edition.meetingOn,
        period_from: edition.report.period.from,
        period_to: edition.report.period.to,
        query: edition.query,
        content,
        content_hash: contentHash,
        csv: edition.csv,
        xlsx: edition.xlsx,
        created_by: actor.id,
        created_at: edition.report.generatedAt,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeAudit(trx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "report.freeze",
      objectType: "report_edition",
      objectId: String(row.id),
      outcome: "allowed",
      detail: { meetingOn: edition.meetingOn, from: edition.report.period.from, to: edition.report.period.to },
    });
    return { ok: true as const, id: row.id, contentHash };
  });
}

/** Every edition, newest meeting first, with its author's name (for report readers). */
export function listReportEditions(db: Kysely<Database>) {
  return db
    .selectFrom("report_editions")
    .innerJoin("users", "users.id", "report_editions.created_by")
    .select([
      "report_editions.id",
      "report_editions.meeting_on",
      "report_editions.period_from",
      "report_editions.period_to",
      "report_editions.query",
      "report_editions.content_hash",
      "report_editions.created_at",
      "users.display_name as created_by_name",
    ])
    .orderBy("report_editions.meeting_on", "desc")
    .orderBy("report_editions.id", "desc")
    .limit(500)
    .execute();
}

/** One edition with its frozen report (parsed from the stored JSON), or undefined. */
export async function findReportEdition(db: Kysely<Database>, id: number) {
  const row = await db
    .selectFrom("report_editions")
    .innerJoin("users", "users.id", "report_editions.created_by")
    .select([
      "report_editions.id",
      "report_editions.meeting_on",
      "report_editions.query",
      "report_editions.content",
      "report_editions.content_hash",
      "report_editions.created_at",
      "users.display_name as created_by_name",
    ])
    .where("report_editions.id", "=", id)
    .executeTakeFirst();
  if (!row) return undefined;
  const { content, ...rest } = row;
  return { ...rest, report: JSON.parse(content) as PublishedReport };
}

/** The stored bytes of one download of an edition, exactly as frozen. */
export async function readReportEditionFile(db: Kysely<Database>, id: number, format: "csv" | "xlsx") {
  const row = await db
    .selectFrom("report_editions")
    .select(["csv", "xlsx", "period_from", "period_to", "meeting_on"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    body: format === "csv" ? new TextEncoder().encode(row.csv) : new Uint8Array(row.xlsx),
    fileName: `kim-auswertung_${row.period_from}_${row.period_to}_stand-${row.meeting_on}.${format}`,
  };
}

export interface FigureDifference {
  section: string;
  key: string;
  label: string;
  /** "Gesamt", "Vorperiode" or the group's label. */
  column: string;
  frozen: string;
  today: string;
}

/** Where two published reports of the same query differ, cell by cell as shown (display texts). */
export function diffReports(frozen: PublishedReport, today: PublishedReport): FigureDifference[] {
  const out: FigureDifference[] = [];
  const todayFigures = new Map(today.sections.flatMap((s) => s.figures).map((f) => [f.key, f]));
  const groupLabel = new Map(frozen.groups.map((g) => [g.key, g.label]));
  const show = (c: Cell | undefined) => c?.display ?? "–";
  for (const section of frozen.sections) {
    for (const f of section.figures) {
      const now = todayFigures.get(f.key);
      const columns: [string, Cell | undefined, Cell | undefined][] = [
        ["Gesamt", f.total, now?.total],
        ["Vorperiode", f.previous, now?.previous],
        ...Object.entries(f.groups).map(
          ([k, c]): [string, Cell | undefined, Cell | undefined] => [groupLabel.get(k) ?? k, c, now?.groups[k]],
        ),
      ];
      for (const [column, a, b] of columns) {
        if (show(a) !== show(b)) {
          out.push({ section: section.title, key: f.key, label: f.label, column, frozen: show(a), today: show(b) });
        }
      }
    }
  }
  return out;
}
