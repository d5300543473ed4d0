// The client file (Fallakte). The loader reads everything through loadCaseFile (scoped, audited);
// the one action validates the submitted form by its `intent` and hands it to performCaseFileIntent.
import { parseWithZod } from "@conform-to/zod";
import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  data,
  redirect,
} from "@remix-run/node";
import { type ShouldRevalidateFunction, useLoaderData, useSearchParams } from "@remix-run/react";
import { arrangeNextSteps } from "../../workflows/next-steps";
import { hasPermission } from "../../workflows/permissions";
import { performCaseFileIntent } from "~/case-file.server";
import { CaseEventForms } from "~/components/case-file/event-forms";
import { CaseHeader, PhaseStepper, StatusBanners } from "~/components/case-file/header";
import { OPEN_FORM_PARAM, useCaseFileActionData } from "~/components/case-file/intent-form";
import {
  AssessmentSection,
  ConsentsSection,
  ContactsSection,
  FollowUpsSection,
  ResidenceSection,
  GoalsSection,
  IdentitySection,
  PersonalDataSection,
  ReferralsSection,
  HISTORY_FILTER_PARAM,
  HistorySection,
} from "~/components/case-file/sections";
import { CANDIDATE_INTENTS, loadCaseCandidates, loadCaseFile } from "~/db.server";
import { INTAKE_CREATED_FLASH, flashRedirect, readFlash } from "~/flash.server";
import { notFound, requireUser } from "~/guards.server";
import {
  CASE_FILE_SCHEMAS,
  CONFIRMATIONS,
  type CaseFileActionData,
  type CaseFileValue,
  formIdFor,
  isCaseEventIntent,
  isCaseFileIntent,
  targetIdOf,
} from "~/schemas/case-file";

export const meta: MetaFunction<typeof loader> = ({ data: file }) => [
  { title: file ? `Fallakte ${file.client.aktenzeichen} – KIM Fallmanagement` : "Fallakte – KIM Fallmanagement" },
];

/** Is this a form that names a colleague (deputy, transfer)? Its choices are loaded only for it. */
function namesColleague(intentOrFormId: string | null): boolean {
  return CANDIDATE_INTENTS.some((intent) => intentOrFormId === intent || intentOrFormId === formIdFor(intent));
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  // The deputy and transfer choices only when the URL opens one of those forms (without JavaScript);
  // the browser fetches them from /faelle/:caseId/kandidaten when the form is opened there.
  const withCandidates = namesColleague(new URL(request.url).searchParams.get(OPEN_FORM_PARAM));
  const file = await loadCaseFile(context.db, user, params.caseId ?? "", { withCandidates });
  if (!file) notFound();
  const flash = readFlash(context.config, request);
  const confirmation = flash.key === null ? null : flash.key === INTAKE_CREATED_FLASH ? CREATED_NOTICE : confirmationFor(flash.key);
  return data({ ...file, confirmation }, flash.clear ? { headers: { "Set-Cookie": flash.clear } } : undefined);
}

const CREATED_NOTICE = "Die Aufnahme wurde angelegt. Als Nächstes: den Erstkontakt dokumentieren.";

function confirmationFor(key: string): string | null {
  return isCaseFileIntent(key) ? CONFIRMATIONS[key] : null;
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const caseId = params.caseId ?? "";
  const formData = await request.formData();
  const intent = formData.get("intent");
  if (!isCaseFileIntent(intent)) {
    throw new Response("Unbekannter Schritt.", { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const formId = formIdFor(intent, targetIdOf(formData));
  // A refused deputy or transfer form shows again with its choices (the page's loader has none of them
  // unless the URL asks for the form): without JavaScript, and without waiting for the browser's fetch.
  const candidates = async () =>
    namesColleague(intent) ? { candidates: (await loadCaseCandidates(context.db, user, caseId)) ?? null } : {};
  const submission = parseWithZod(formData, { schema: CASE_FILE_SCHEMAS[intent] });
  if (submission.status !== "success") {
    return data<CaseFileActionData>({ formId, result: submission.reply(), ...(await candidates()) }, { status: 400 });
  }
  const outcome = await performCaseFileIntent(context.db, user, caseId, submission.value as CaseFileValue);
  if (outcome.ok) {
    if (!outcome.stillVisible) throw redirect(`/faelle?ok=${intent}`);
    const flash = flashRedirect(context.config, `/faelle/${caseId}`, intent);
    throw redirect(flash.location, { headers: { "Set-Cookie": flash.setCookie } });
  }
  if (outcome.status === 404) notFound();
  return data<CaseFileActionData>(
    {
      formId,
      result: submission.reply({ formErrors: [outcome.message] }),
      stale: outcome.stale,
      ...(outcome.currentPhase ? { currentPhase: outcome.currentPhase } : {}),
      ...(await candidates()),
    },
    { status: outcome.status },
  );
}

/** After a refused submit (403/409/422) the page shows the case as it is now: reload the loader data. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) =>
  actionStatus === 403 || actionStatus === 409 || actionStatus === 422 ? true : defaultShouldRevalidate;

export default function CaseFilePage() {
  const file = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const actionData = useCaseFileActionData();
  // The notice belongs to the request that caused it: a later refused submit hides it.
  const confirmation = actionData ? null : file.confirmation;
  // A new token after every successful submit remounts the forms, so they start empty again.
  const resetKey = searchParams.get("t") ?? "";
  const failedIntent = actionData?.formId.replace(/^cf-([A-Z_]+).*$/, "$1") ?? null;
  const canWrite = file.viewer.mayWrite;
  const steps = arrangeNextSteps(file.case.state, file.allowedEvents, file.case.reclassificationRequired !== null);
  const showIdentity = file.case.targetGroup === "geduldete_identitaet" || file.identitySteps.length > 0;
  return (
    <div key={resetKey} className="case-file">
      <CaseHeader file={file} />
      <PhaseStepper file={file} />
      {confirmation ? (
        <p className="notice" role="status">
          {confirmation}
        </p>
      ) : null}
      <StatusBanners file={file} offered={file.allowedEvents} />
      <nav className="case-toc" aria-label="Abschnitte der Fallakte">
        <ul>
          <li><a href="#naechste-schritte">Nächste Schritte</a></li>
          <li><a href="#persoenliche-daten">Persönliche Daten</a></li>
          <li><a href="#aufenthalt">Aufenthalt und Fristen</a></li>
          <li><a href="#assessment">Assessment</a></li>
          <li><a href="#ziele">Ziele</a></li>
          <li><a href="#vermittlungen">Vermittlungen</a></li>
          <li><a href="#einwilligungen">Einwilligungen</a></li>
          <li><a href="#kontakte">Kontakte</a></li>
          <li><a href="#wiedervorlagen">Wiedervorlagen</a></li>
          {showIdentity ? <li><a href="#identitaetsklaerung">Identitätsklärung</a></li> : null}
          <li><a href="#verlauf">Verlauf</a></li>
          <li>
            <a href={`/faelle/${file.case.id}/dokumente`}>Dokumente drucken (Einwilligung, Information, Termin …)</a>
          </li>
          <li>
            <a href={`/faelle/${file.case.id}/dokumente?art=auskunft`}>Auskunft nach Art. 15 DSGVO (lesbar)</a>
          </li>
          <li>
            <a href={`/faelle/${file.case.id}/auskunft`} download>
              Auskunft nach Art. 15 DSGVO herunterladen (JSON)
            </a>
          </li>
        </ul>
      </nav>
      <section id="naechste-schritte" className="card case-section" aria-labelledby="naechste-schritte-title">
        <h2 id="naechste-schritte-title">Nächste Schritte</h2>
        <CaseEventForms
          file={file}
          steps={steps}
          failedIntent={failedIntent}
          extra={
            failedIntent && isCaseEventIntent(failedIntent) && !file.allowedEvents.includes(failedIntent) ? failedIntent : null
          }
        />
        {file.case.state === "active" && canWrite ? (
          <p className="step-links">
            Ebenfalls häufig in dieser Phase: <a href="#vermittlungen">Vermittlung planen</a> ·{" "}
            <a href="#wiedervorlagen">Wiedervorlage anlegen</a>
          </p>
        ) : null}
      </section>
      <PersonalDataSection file={file} canWrite={canWrite} />
      <ResidenceSection file={file} canWrite={canWrite} />
      <AssessmentSection file={file} />
      <GoalsSection file={file} />
      <ReferralsSection
        file={file}
        canWrite={canWrite}
        canDocumentLegalBasis={hasPermission(file.viewer.role, "write:case:any")}
        failedFormId={actionData?.formId ?? null}
      />
      <ConsentsSection file={file} canWrite={canWrite} />
      <ContactsSection file={file} />
      <FollowUpsSection file={file} canWrite={canWrite} />
      {showIdentity ? <IdentitySection file={file} /> : null}
      <HistorySection file={file} kind={searchParams.get(HISTORY_FILTER_PARAM)} />
    </div>
  );
}
