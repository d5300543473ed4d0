// The print page of a case's documents: reads the choice from the URL, checks it, fills the current
// template versions (German and the translation) with the case's values. The Art. 15 document adds the
// readable annex of the export; its reads are audited like the JSON download.
import type { Kysely } from "kysely";
import {
  DOCUMENT_KIND_PARAMS,
  DOCUMENT_LANGUAGES,
  type DocumentKind,
  GERMAN,
  KIND_SIGNATURES,
  LANGUAGE_STRINGS,
  MissingPlaceholderError,
  documentDate,
  documentLanguage,
  preselectedLanguage,
  renderDocumentText,
} from "../workflows/documents";
import { type SubjectAccessDocument, buildSubjectAccessDocument } from "../workflows/subject-access-document";
import type { PrintedPart } from "./components/printed-document";
import {
  type Actor,
  type DocumentContext,
  type TemplateVersion,
  collectSubjectData,
  currentTemplate,
  loadDocumentContext,
  placeholderValues,
  writeAudit,
} from "./db.server";
import type { Database } from "../db/schema";
import { isUuid } from "../workflows/uuid";

export interface PrintChoice {
  kind: DocumentKind | null;
  language: string;
  partnerId: string;
  purpose: string;
  appointmentDate: string;
  appointmentTime: string;
  appointmentPlace: string;
}

export type PrintErrors = Partial<Record<"kind" | "language" | "partnerId" | "purpose" | "appointmentDate" | "appointmentTime" | "appointmentPlace", string>>;

export interface PrintedDocumentData {
  german: PrintedPart;
  translation: PrintedPart | null;
  signatures: readonly ("client" | "staff")[];
  date: string;
  /** Set for a consent: what the record form below the document sends along. */
  consent: { partnerId: number; partnerName: string; purpose: string; templateId: number; translationId: number | null } | null;
  subjectAccess: SubjectAccessDocument | null;
}

const MAX_TEXT = 500;

function readChoice(url: URL, context: DocumentContext): PrintChoice {
  const get = (name: string) => (url.searchParams.get(name) ?? "").trim();
  const kindParam = get("art");
  return {
    kind: Object.hasOwn(DOCUMENT_KIND_PARAMS, kindParam) ? (DOCUMENT_KIND_PARAMS[kindParam] ?? null) : null,
    language: get("sprache") || preselectedLanguage(context.clientLanguages),
    partnerId: get("partner"),
    purpose: get("zweck"),
    appointmentDate: get("termin"),
    appointmentTime: get("uhrzeit"),
    appointmentPlace: get("ort"),
  };
}

function checkChoice(url: URL, choice: PrintChoice, context: DocumentContext): PrintErrors {
  const errors: PrintErrors = {};
  const kindParam = url.searchParams.get("art");
  if (kindParam !== null && kindParam !== "" && choice.kind === null) errors.kind = "Bitte wählen Sie ein Dokument aus der Liste.";
  if (!documentLanguage(choice.language)) errors.language = "Bitte wählen Sie eine Sprache aus der Liste.";
  if (choice.kind === "consent" || choice.kind === "revocation") {
    if (!context.partners.some((p) => String(p.id) === choice.partnerId)) errors.partnerId = "Bitte wählen Sie den Partner aus, an den Daten gehen.";
  }
  if (choice.kind === "consent") {
    if (!choice.purpose) errors.purpose = "Bitte beschreiben Sie Zweck und Umfang der Weitergabe.";
    else if (choice.purpose.length > MAX_TEXT) errors.purpose = `Bitte höchstens ${MAX_TEXT} Zeichen.`;
  }
  if (choice.kind === "appointment") {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(choice.appointmentDate) || Number.isNaN(Date.parse(choice.appointmentDate))) {
      errors.appointmentDate = "Bitte geben Sie das Datum des Termins an.";
    }
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(choice.appointmentTime)) errors.appointmentTime = "Bitte geben Sie die Uhrzeit an (z. B. 09:30).";
    if (!choice.appointmentPlace) errors.appointmentPlace = "Bitte geben Sie den Ort an.";
    else if (choice.appointmentPlace.length > MAX_TEXT) errors.appointmentPlace = `Bitte höchstens ${MAX_TEXT} Zeichen.`;
  }
  return errors;
}

function part(template: TemplateVersion, values: ReturnType<typeof placeholderValues>): PrintedPart {
  const language = documentLanguage(template.language) ?? DOCUMENT_LANGUAGES[0]!;
  const strings = LANGUAGE_STRINGS[template.language] ?? LANGUAGE_STRINGS[GERMAN]!;
  const [title] = renderDocumentText(template.title, values);
  return {
    language: template.language,
    dir: language.dir,
    languageName: language.label,
    title: title && title.type !== "list" ? title.text : template.title,
    blocks: renderDocumentText(template.body, values),
    version: template.version,
    reviewed: template.language === GERMAN || template.reviewedAt !== null,
    strings,
  };
}

export type PrintPage =
  | { status: 404 }
  | {
      status: 200 | 422;
      context: DocumentContext;
      choice: PrintChoice;
      errors: PrintErrors;
      document: PrintedDocumentData | null;
    };

/** Everything the print page shows for one request; 404 when the actor may not read the case file. */
export async function loadPrintPage(db: Kysely<Database>, actor: Actor, caseId: string, url: URL): Promise<PrintPage> {
  const context = isUuid(caseId) ? await loadDocumentContext(db, actor, caseId) : undefined;
  const kindParam = url.searchParams.get("art");
  if (!context) {
    // every refusal is audited: the Art. 15 document as an export, any other document as the print page
    if (kindParam === "auskunft") await auditExport(db, actor, caseId, "denied", null);
    else {
      await writeAudit(db, {
        actorId: actor.id,
        actorRole: actor.role,
        action: "case.documents",
        objectType: "case",
        objectId: isUuid(caseId) ? caseId : null,
        outcome: "denied",
      });
    }
    return { status: 404 };
  }
  const choice = readChoice(url, context);
  const errors = checkChoice(url, choice, context);
  if (Object.keys(errors).length || choice.kind === null) {
    return { status: Object.keys(errors).length ? 422 : 200, context, choice, errors, document: null };
  }
  const kind = choice.kind;
  const [german, translated] = await Promise.all([
    currentTemplate(db, kind, GERMAN),
    choice.language === GERMAN ? Promise.resolve(undefined) : currentTemplate(db, kind, choice.language),
  ]);
  if (!german || (choice.language !== GERMAN && !translated)) {
    return {
      status: 422,
      context,
      choice,
      errors: { language: "Für dieses Dokument gibt es in dieser Sprache noch keine Vorlage. Die Koordination legt sie unter „Vorlagen“ an." },
      document: null,
    };
  }
  const partner = context.partners.find((p) => String(p.id) === choice.partnerId);
  const values = placeholderValues(context, {
    partnerName: partner?.name,
    purpose: choice.purpose,
    appointmentDate: choice.appointmentDate,
    appointmentTime: choice.appointmentTime,
    appointmentPlace: choice.appointmentPlace,
  });
  let germanPart: PrintedPart;
  let translationPart: PrintedPart | null;
  try {
    germanPart = part(german, values);
    translationPart = translated ? part(translated, values) : null;
  } catch (error) {
    if (!(error instanceof MissingPlaceholderError)) throw error;
    return {
      status: 422,
      context,
      choice,
      errors: { kind: `In der Vorlage fehlt ein Wert für: ${error.names.join(", ")}. Bitte die Koordination informieren.` },
      document: null,
    };
  }
  let subjectAccess: SubjectAccessDocument | null = null;
  if (kind === "subject_access") {
    const data = await collectSubjectData(db, actor, caseId);
    await auditExport(db, actor, caseId, data ? "allowed" : "denied", choice.language);
    if (!data) return { status: 404 };
    subjectAccess = buildSubjectAccessDocument(data.export);
  }
  return {
    status: 200,
    context,
    choice,
    errors,
    document: {
      german: germanPart,
      translation: translationPart,
      signatures: KIND_SIGNATURES[kind],
      date: documentDate(context.today),
      consent:
        kind === "consent" && partner
          ? { partnerId: partner.id, partnerName: partner.name, purpose: choice.purpose, templateId: german.id, translationId: translated?.id ?? null }
          : null,
      subjectAccess,
    },
  };
}

/** The readable Art. 15 document is audited like the JSON download (action client.export). */
async function auditExport(db: Kysely<Database>, actor: Actor, caseId: string, outcome: "allowed" | "denied", language: string | null) {
  await writeAudit(db, {
    actorId: actor.id,
    actorRole: actor.role,
    action: "client.export",
    objectType: "case",
    objectId: isUuid(caseId) ? caseId : null,
    outcome,
    detail: { format: "document", language },
  });
}
