// Document templates (versioned, edited by coordinators) and what a printed document of one case needs.
// Templates hold no client data; the values filled in come from the case the actor may read.
import type { Kysely, Transaction } from "kysely";
import {
  DOCUMENT_LANGUAGES,
  type DocumentKind,
  GERMAN,
  type PlaceholderValues,
  checkTemplateText,
  documentDate,
  documentLanguage,
} from "../workflows/documents";
import { hasPermission } from "../workflows/permissions";
import { type Actor, caseFileReadableBy } from "./access";
import { writeAudit } from "./audit";
import { berlinDate } from "./case-service";
import { activePartnerOptionsQuery } from "./partners";
import type { Database } from "./schema";
import { getSetting } from "./settings";

type Db = Kysely<Database> | Transaction<Database>;

export interface TemplateVersion {
  id: number;
  kind: DocumentKind;
  language: string;
  version: number;
  title: string;
  body: string;
  createdAt: string;
  createdByName: string | null;
  reviewedAt: string | null;
  reviewedByName: string | null;
}

function templateQuery(db: Db) {
  return db
    .selectFrom("document_templates as t")
    .leftJoin("users as c", "c.id", "t.created_by")
    .leftJoin("users as r", "r.id", "t.reviewed_by")
    .select([
      "t.id",
      "t.kind",
      "t.language",
      "t.version",
      "t.title",
      "t.body",
      "t.created_at",
      "t.reviewed_at",
      "c.display_name as created_by_name",
      "r.display_name as reviewed_by_name",
    ]);
}

type TemplateRow = Awaited<ReturnType<ReturnType<typeof templateQuery>["executeTakeFirstOrThrow"]>>;

function toVersion(row: TemplateRow): TemplateVersion {
  return {
    id: row.id,
    kind: row.kind,
    language: row.language,
    version: row.version,
    title: row.title,
    body: row.body,
    createdAt: new Date(row.created_at).toISOString(),
    createdByName: row.created_by_name,
    reviewedAt: row.reviewed_at ? new Date(row.reviewed_at).toISOString() : null,
    reviewedByName: row.reviewed_by_name,
  };
}

/** The newest version of every template (kind × language), for the overview and the print page. */
export async function listCurrentTemplates(db: Db): Promise<TemplateVersion[]> {
  const rows = await templateQuery(db)
    .where(({ eb, selectFrom }) =>
      eb(
        "t.version",
        "=",
        selectFrom("document_templates as n")
          .select(({ fn }) => fn.max("n.version").as("v"))
          .whereRef("n.kind", "=", "t.kind")
          .whereRef("n.language", "=", "t.language"),
      ),
    )
    .orderBy("t.kind")
    .orderBy("t.language")
    .execute();
  return rows.map(toVersion);
}

/** Every version of one template, newest first. */
export async function listTemplateVersions(db: Db, kind: DocumentKind, language: string): Promise<TemplateVersion[]> {
  const rows = await templateQuery(db)
    .where("t.kind", "=", kind)
    .where("t.language", "=", language)
    .orderBy("t.version", "desc")
    .execute();
  return rows.map(toVersion);
}

/** The newest version of one template, or undefined when that language has none yet. */
export async function currentTemplate(db: Db, kind: DocumentKind, language: string): Promise<TemplateVersion | undefined> {
  return (await listTemplateVersions(db, kind, language))[0];
}

export type TemplateWriteResult =
  | { ok: true; id: number; version: number }
  | { ok: false; status: 403 | 409 | 422; field?: "title" | "body"; message: string };

const NOT_ALLOWED = { ok: false, status: 403, message: "Vorlagen bearbeitet nur die Koordination." } as const;

/**
 * Saves an edited template as a new version (the old ones stay). `basedOnVersion` is the version the
 * editor showed: when someone saved in between, nothing is written (409). A new translation version
 * is unreviewed until a coordinator marks it reviewed.
 */
export async function createTemplateVersion(
  db: Kysely<Database>,
  actor: Actor,
  input: { kind: DocumentKind; language: string; title: string; body: string; basedOnVersion: number },
): Promise<TemplateWriteResult> {
  if (!hasPermission(actor.role, "manage:templates:any")) return NOT_ALLOWED;
  if (!documentLanguage(input.language)) return { ok: false, status: 422, message: "Diese Sprache ist nicht eingerichtet." };
  const title = input.title.trim();
  const body = input.body.replace(/\r\n?/g, "\n").trim();
  const problems = checkTemplateText(input.kind, `${title}\n${body}`);
  if (problems.length) return { ok: false, status: 422, field: "body", message: problems.join(" ") };
  return db.transaction().execute(async (trx): Promise<TemplateWriteResult> => {
    const latest = await trx
      .selectFrom("document_templates")
      .select(({ fn }) => fn.max("version").as("v"))
      .where("kind", "=", input.kind)
      .where("language", "=", input.language)
      .executeTakeFirst();
    const current = Number(latest?.v ?? 0);
    if (current !== input.basedOnVersion) {
      return {
        ok: false,
        status: 409,
        message: `Inzwischen wurde Version ${current} gespeichert. Bitte prüfen Sie sie und tragen Sie Ihre Änderung dort ein.`,
      };
    }
    const row = await trx
      .insertInto("document_templates")
      .values({ kind: input.kind, language: input.language, version: current + 1, title, body, created_by: actor.id })
      .onConflict((oc) => oc.columns(["kind", "language", "version"]).doNothing())
      .returning(["id", "version"])
      .executeTakeFirst();
    if (!row) return { ok: false, status: 409, message: "Inzwischen wurde eine neue Version gespeichert. Bitte laden Sie die Seite neu." };
    await writeAudit(trx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "document_template.create",
      objectType: "document_template",
      objectId: String(row.id),
      outcome: "allowed",
      detail: { kind: input.kind, language: input.language, version: row.version },
    });
    return { ok: true, id: row.id, version: row.version };
  });
}

/** A coordinator confirms that a translation version says what the German text says (who, when). */
export async function markTemplateReviewed(
  db: Kysely<Database>,
  actor: Actor,
  templateId: number,
  at: Date = new Date(),
): Promise<TemplateWriteResult> {
  if (!hasPermission(actor.role, "manage:templates:any")) return NOT_ALLOWED;
  return db.transaction().execute(async (trx): Promise<TemplateWriteResult> => {
    const row = await trx
      .selectFrom("document_templates")
      .select(["id", "language", "version", "reviewed_at"])
      .where("id", "=", templateId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return { ok: false, status: 422, message: "Diese Vorlage gibt es nicht." };
    if (row.language === GERMAN) return { ok: false, status: 422, message: "Die deutsche Fassung ist das Original und wird nicht geprüft." };
    if (row.reviewed_at) return { ok: false, status: 409, message: "Diese Übersetzung ist bereits als geprüft markiert." };
    await trx.updateTable("document_templates").set({ reviewed_by: actor.id, reviewed_at: at }).where("id", "=", row.id).execute();
    await writeAudit(trx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "document_template.review",
      objectType: "document_template",
      objectId: String(row.id),
      outcome: "allowed",
      detail: { language: row.language, version: row.version },
    });
    return { ok: true, id: row.id, version: row.version };
  });
}

export interface DocumentContext {
  caseId: string;
  clientId: string;
  fileNumber: string;
  clientName: string;
  clientLanguages: string[];
  caseManagerName: string;
  organisationName: string;
  retentionYears: string;
  today: string;
  partners: { id: number; name: string }[];
}

/**
 * What a printed document of one case needs: undefined when the actor may not read the case file
 * (including coordinators of a pseudonymised organisation: a document names the client).
 */
export async function loadDocumentContext(db: Db, actor: Actor, caseId: string, now: Date = new Date()): Promise<DocumentContext | undefined> {
  const row = await db
    .selectFrom("cases")
    .innerJoin("clients", "clients.id", "cases.client_id")
    .innerJoin("organisations", "organisations.id", "cases.organisation_id")
    .leftJoin("users", "users.id", "cases.case_manager_id")
    .select([
      "cases.id",
      "clients.id as client_id",
      "clients.aktenzeichen",
      "clients.first_name",
      "clients.last_name",
      "clients.languages",
      "organisations.name as organisation",
      "users.display_name as case_manager",
    ])
    .where("cases.id", "=", caseId)
    .where((eb) => caseFileReadableBy(eb, actor))
    .executeTakeFirst();
  if (!row) return undefined;
  const [partners, retentionDays] = await Promise.all([
    activePartnerOptionsQuery(db).execute(),
    getSetting(db, "retention_days_after_closure"),
  ]);
  return {
    caseId: row.id,
    clientId: row.client_id,
    fileNumber: row.aktenzeichen,
    clientName: `${row.first_name} ${row.last_name}`.trim(),
    clientLanguages: row.languages,
    caseManagerName: row.case_manager ?? row.organisation,
    organisationName: row.organisation,
    retentionYears: String(Math.max(1, Math.round(retentionDays / 365))),
    today: berlinDate(now),
    partners,
  };
}

/** The placeholder values of one case; partner, purpose and appointment come from the print form. */
export function placeholderValues(
  context: DocumentContext,
  extra: { partnerName?: string; purpose?: string; appointmentDate?: string; appointmentTime?: string; appointmentPlace?: string },
): PlaceholderValues {
  return {
    "client.name": context.clientName,
    "client.file_number": context.fileNumber,
    "case_manager.name": context.caseManagerName,
    "organisation.name": context.organisationName,
    today: documentDate(context.today),
    "retention.years": context.retentionYears,
    "partner.name": extra.partnerName,
    "consent.purpose": extra.purpose,
    "appointment.date": extra.appointmentDate ? documentDate(extra.appointmentDate) : undefined,
    "appointment.time": extra.appointmentTime,
    "appointment.place": extra.appointmentPlace,
  };
}

/** Checks the template versions a consent form names: German `consent`, and the translation of `language`. */
export async function checkSignedDocument(
  db: Db,
  input: { templateId: number; translationId: number | null; language: string },
): Promise<string | null> {
  const wrong = "Das unterschriebene Dokument passt nicht zu einer Einwilligungsvorlage. Bitte drucken Sie es neu.";
  if (!DOCUMENT_LANGUAGES.some((l) => l.code === input.language)) return wrong;
  const ids = [input.templateId, ...(input.translationId === null ? [] : [input.translationId])];
  const rows = await db.selectFrom("document_templates").select(["id", "kind", "language"]).where("id", "in", ids).execute();
  const german = rows.find((r) => r.id === input.templateId);
  if (!german || german.kind !== "consent" || german.language !== GERMAN) return wrong;
  if (input.language === GERMAN) return input.translationId === null ? null : wrong;
  const translation = rows.find((r) => r.id === input.translationId);
  return translation && translation.kind === "consent" && translation.language === input.language ? null : wrong;
}
