// Documents for the client of one case, printed by the browser: choose document and language (the
// client's recorded language first), fill in what the document needs, print the bilingual A4 layout.
// After the client signed a consent, it is recorded from here with the template versions and language.
import { type LinksFunction, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { DOCUMENT_KINDS, DOCUMENT_KIND_LABELS, DOCUMENT_KIND_PARAM, DOCUMENT_LANGUAGES, preselectedLanguage } from "../../workflows/documents";
import { hasPermission } from "../../workflows/permissions";
import { CONSENT_GIVERS } from "../../workflows/vocabulary";
import { PrintedDocument } from "~/components/printed-document";
import { SubjectAccessAnnex } from "~/components/subject-access-annex";
import { type PrintErrors, loadPrintPage } from "~/documents.server";
import { notFound, requirePermission } from "~/guards.server";
import documentStyles from "~/styles/documents.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: documentStyles }];

export const meta: MetaFunction<typeof loader> = ({ data: page }) => [
  { title: page ? `Dokumente ${page.context.fileNumber} – KIM Fallmanagement` : "Dokumente – KIM Fallmanagement" },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, ["read:case:own", "read:case:org", "read:case:any"]);
  const page = await loadPrintPage(context.db, user, params.caseId ?? "", new URL(request.url));
  if (page.status === 404) notFound();
  const canRecordConsent = hasPermission(user.role, "write:case:own") || hasPermission(user.role, "write:case:any");
  return data({ ...page, canRecordConsent }, { status: page.status });
}

function FieldMessage({ id, errors, name }: { id: string; errors: PrintErrors; name: keyof PrintErrors }) {
  const message = errors[name];
  return message ? (
    <p id={`${id}-error`} className="field-error">
      {message}
    </p>
  ) : null;
}

function describedBy(errors: PrintErrors, name: keyof PrintErrors, id: string, hint?: string) {
  return [hint, errors[name] ? `${id}-error` : undefined].filter(Boolean).join(" ") || undefined;
}

function ChoiceInput(props: {
  id: string;
  name: string;
  label: string;
  type?: "text" | "date" | "time";
  value: string;
  errors: PrintErrors;
  error: keyof PrintErrors;
}) {
  const { id, errors, error } = props;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input id={id} name={props.name} type={props.type ?? "text"} defaultValue={props.value} maxLength={500}
        aria-invalid={errors[error] ? true : undefined} aria-describedby={describedBy(errors, error, id)} />
      <FieldMessage id={id} errors={errors} name={error} />
    </div>
  );
}

function ChoiceForm() {
  const page = useLoaderData<typeof loader>();
  const { choice, errors, context } = page;
  const recorded = preselectedLanguage(context.clientLanguages);
  const kind = choice.kind;
  return (
    <Form method="get" className="stack no-print document-choice" aria-label="Dokument auswählen">
      <div className="field">
        <label htmlFor="doc-art">Dokument</label>
        <select id="doc-art" name="art" defaultValue={kind ? DOCUMENT_KIND_PARAM[kind] : ""} aria-invalid={errors.kind ? true : undefined}
          aria-describedby={describedBy(errors, "kind", "doc-art")}>
          <option value="">Bitte wählen</option>
          {DOCUMENT_KINDS.map((k) => (
            <option key={k} value={DOCUMENT_KIND_PARAM[k]}>
              {DOCUMENT_KIND_LABELS[k]}
            </option>
          ))}
        </select>
        <FieldMessage id="doc-art" errors={errors} name="kind" />
      </div>
      <div className="field">
        <label htmlFor="doc-sprache">Sprache der Übersetzung</label>
        <select id="doc-sprache" name="sprache" defaultValue={choice.language} aria-invalid={errors.language ? true : undefined}
          aria-describedby={describedBy(errors, "language", "doc-sprache", "doc-sprache-hint")}>
          {DOCUMENT_LANGUAGES.map((l) => (
            <option key={l.code} value={l.code}>
              {l.code === "de" ? "nur Deutsch" : `${l.label} (${l.native})`}
              {l.code === recorded && l.code !== "de" ? " – Sprache aus der Fallakte" : ""}
            </option>
          ))}
        </select>
        <p id="doc-sprache-hint" className="hint">
          Sprachen in der Fallakte: {context.clientLanguages.length ? context.clientLanguages.join(", ") : "keine erfasst"}. Gedruckt
          wird immer die deutsche Fassung und die Übersetzung.
        </p>
        <FieldMessage id="doc-sprache" errors={errors} name="language" />
      </div>
      {kind === "consent" || kind === "revocation" ? (
        <div className="field">
          <label htmlFor="doc-partner">Partner (Empfänger der Daten)</label>
          <select id="doc-partner" name="partner" defaultValue={choice.partnerId} aria-invalid={errors.partnerId ? true : undefined}
            aria-describedby={describedBy(errors, "partnerId", "doc-partner")}>
            <option value="">Bitte wählen</option>
            {context.partners.map((p) => (
              <option key={p.id} value={String(p.id)}>
                {p.name}
              </option>
            ))}
          </select>
          <FieldMessage id="doc-partner" errors={errors} name="partnerId" />
        </div>
      ) : null}
      {kind === "consent" ? (
        <div className="field">
          <label htmlFor="doc-zweck">Zweck und Umfang der Weitergabe</label>
          <input id="doc-zweck" name="zweck" defaultValue={choice.purpose} maxLength={500} aria-invalid={errors.purpose ? true : undefined}
            aria-describedby={describedBy(errors, "purpose", "doc-zweck", "doc-zweck-hint")} />
          <p id="doc-zweck-hint" className="hint">Wird so gedruckt, wie Sie es eingeben (auch in der Übersetzung). Bitte einfache Sprache.</p>
          <FieldMessage id="doc-zweck" errors={errors} name="purpose" />
        </div>
      ) : null}
      {kind === "appointment" ? (
        <>
          <ChoiceInput id="doc-termin" name="termin" label="Datum des Termins" type="date" value={choice.appointmentDate} errors={errors} error="appointmentDate" />
          <ChoiceInput id="doc-uhrzeit" name="uhrzeit" label="Uhrzeit" type="time" value={choice.appointmentTime} errors={errors} error="appointmentTime" />
          <ChoiceInput id="doc-ort" name="ort" label="Ort" value={choice.appointmentPlace} errors={errors} error="appointmentPlace" />
        </>
      ) : null}
      <div>
        <button type="submit" className="button">
          Dokument anzeigen
        </button>
      </div>
    </Form>
  );
}

function RecordConsent() {
  const page = useLoaderData<typeof loader>();
  const consent = page.document?.consent;
  if (!consent || !page.canRecordConsent) return null;
  const language = page.document?.translation?.language ?? "de";
  return (
    <section className="card no-print" aria-labelledby="consent-record-title">
      <h2 id="consent-record-title">Unterschriebene Einwilligung erfassen</h2>
      <p>
        Partner: {consent.partnerName}. Dokument: Vorlage v{page.document?.german.version} (Deutsch)
        {page.document?.translation ? ` und v${page.document.translation.version} (${page.document.translation.languageName})` : ""}. Die
        Fallakte speichert, welche Fassung und Sprache unterschrieben wurde.
      </p>
      <Form method="post" action={`/faelle/${page.context.caseId}`} className="stack" aria-label="Unterschriebene Einwilligung erfassen">
        <input type="hidden" name="intent" value="ADD_CONSENT" />
        <input type="hidden" name="partnerId" value={String(consent.partnerId)} />
        <input type="hidden" name="scope" value={consent.purpose} />
        <input type="hidden" name="documentTemplateId" value={String(consent.templateId)} />
        {consent.translationId ? <input type="hidden" name="documentTranslationId" value={String(consent.translationId)} /> : null}
        <input type="hidden" name="documentLanguage" value={language} />
        <div className="field">
          <label htmlFor="rc-givenAt">Unterschrieben am</label>
          <input id="rc-givenAt" name="givenAt" type="date" defaultValue={page.context.today} required />
        </div>
        <div className="field">
          <label htmlFor="rc-givenBy">Erteilt von</label>
          <select id="rc-givenBy" name="givenBy" defaultValue="klient" required>
            {CONSENT_GIVERS.values.map((v) => (
              <option key={v} value={v}>
                {CONSENT_GIVERS.label[v]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="rc-givenByName">Name der erteilenden Person</label>
          <input id="rc-givenByName" name="givenByName" aria-describedby="rc-givenByName-hint" maxLength={200} />
          <p id="rc-givenByName-hint" className="hint">Bei Vormund oder gesetzlicher Vertretung</p>
        </div>
        <div className="field">
          <label htmlFor="rc-validUntil">Gültig bis</label>
          <input id="rc-validUntil" name="validUntil" type="date" aria-describedby="rc-validUntil-hint" />
          <p id="rc-validUntil-hint" className="hint">Leer lassen, wenn unbefristet.</p>
        </div>
        <div>
          <button type="submit" className="button">
            Einwilligung speichern
          </button>
        </div>
      </Form>
    </section>
  );
}

export default function CaseDocuments() {
  const page = useLoaderData<typeof loader>();
  const doc = page.document;
  return (
    <div className="documents-page">
      <div className="no-print">
        <p>
          <Link to={`/faelle/${page.context.caseId}`}>Zurück zur Fallakte {page.context.fileNumber}</Link>
        </p>
        <h1>Dokumente für die Klientin / den Klienten</h1>
        <p>
          {page.context.clientName}, Aktenzeichen {page.context.fileNumber}. Verbindlich ist die deutsche Fassung; die Übersetzung
          steht dahinter.
        </p>
        <ChoiceForm />
        {doc ? (
          <p className="print-actions">
            <button type="button" className="button" onClick={() => window.print()}>
              Drucken
            </button>{" "}
            <span className="muted">A4, zuerst die deutsche Fassung, dann die Übersetzung.</span>
          </p>
        ) : null}
      </div>
      {doc ? (
        <PrintedDocument
          organisationName={page.context.organisationName}
          fileNumber={page.context.fileNumber}
          date={doc.date}
          german={doc.german}
          translation={doc.translation}
          signatures={doc.signatures}
        >
          {doc.subjectAccess ? <SubjectAccessAnnex annex={doc.subjectAccess} caseId={page.context.caseId} /> : null}
        </PrintedDocument>
      ) : null}
      <RecordConsent />
    </div>
  );
}
