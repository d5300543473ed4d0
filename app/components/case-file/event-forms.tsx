// The lifecycle steps of a case as forms: exactly the events the statechart allows now (the loader's
// `allowedEvents`), each posting `intent=<EVENT_TYPE>` and the case's current `rowVersion`.
import { useFetcher, useSearchParams } from "@remix-run/react";
import { type ReactNode, useEffect } from "react";
import { CASE_EVENT_LABELS, RESTING_CLOSURE_REASONS } from "../../../workflows/case-machine";
import type { NextSteps } from "../../../workflows/next-steps";
import {
  CLOSURE_REASONS,
  CONSENT_GIVERS,
  CONTACT_TYPES,
  GOAL_STATUSES,
  IDENTITY_STEPS,
  NEED_DOMAINS,
  NEED_LEVELS,
  TARGET_GROUPS,
} from "../../../workflows/vocabulary";
import { CheckboxField, SelectField, TextField, TextareaField, optionsOf } from "~/components/forms";
import type { CaseCandidates, CaseFile } from "~/db.server";
import { CASE_EVENT_SCHEMAS, type CaseEventIntent, formIdFor } from "~/schemas/case-file";
import { Disclosure, IntentForm, OPEN_FORM_PARAM, useLastResultFor } from "./intent-form";

/** Steps without input: one button each. */
const BUTTON_ONLY = new Set<CaseEventIntent>([
  "COMPLETE_ASSESSMENT",
  "START_WORK",
  "BEGIN_CLOSURE",
  "CANCEL_CLOSURE",
  "RESUME",
]);

const HINTS: Partial<Record<CaseEventIntent, string>> = {
  CLASSIFY: "Die Voraussetzungen werden beim Speichern anhand der gültigen Zielgruppendefinition geprüft.",
  RECLASSIFY: "Die Voraussetzungen werden beim Speichern anhand der gültigen Zielgruppendefinition geprüft.",
  CLOSE: "Alle Ziele müssen bewertet sein, bevor der Fall abgeschlossen werden kann.",
  PAUSE: "Zum Beispiel: Klient*in ist nicht erreichbar.",
};

/** A resting case closes directly: the client is out of reach, so open goals stay unevaluated. */
const HINT_CLOSE_RESTING =
  "Der Fall ruht: Er kann direkt abgeschlossen werden, wenn der Kontakt abgebrochen ist, die Person verzogen oder ausgereist ist. Offene Ziele bleiben unbewertet.";

function targetGroupOptions(file: CaseFile) {
  return file.options.targetGroups.map((d) => ({
    value: d.code,
    label: TARGET_GROUPS.label[d.code],
  }));
}

function fieldsFor(intent: CaseEventIntent, file: CaseFile) {
  switch (intent) {
    case "RECORD_CONTACT":
      return (
        <IntentForm intent={intent} schema={CASE_EVENT_SCHEMAS.RECORD_CONTACT} hidden={{ rowVersion: file.case.rowVersion }}
          label={CASE_EVENT_LABELS.RECORD_CONTACT} submitLabel="Kontakt speichern">
          {(f) => (
            <>
              <SelectField field={f.contactType} label="Art des Kontakts" options={optionsOf(CONTACT_TYPES)} required />
              <TextField field={f.minutes} label="Dauer in Minuten" type="number" inputMode="numeric" required />
              <CheckboxField field={f.withInterpreter} label="mit Dolmetscher*in" />
              <TextareaField field={f.note} label="Notiz" />
            </>
          )}
        </IntentForm>
      );
    case "REJECT_NOT_ELIGIBLE":
      return (
        <IntentForm intent={intent} schema={CASE_EVENT_SCHEMAS.REJECT_NOT_ELIGIBLE} hidden={{ rowVersion: file.case.rowVersion }}
          label={CASE_EVENT_LABELS.REJECT_NOT_ELIGIBLE} submitLabel="Als nicht zuständig ablehnen" submitClassName="button button--danger">
          {(f) => <TextareaField field={f.reason} label="Begründung" required />}
        </IntentForm>
      );
    case "CLASSIFY":
    case "RECLASSIFY":
      return (
        <IntentForm intent={intent} schema={CASE_EVENT_SCHEMAS[intent]} hidden={{ rowVersion: file.case.rowVersion }}
          label={CASE_EVENT_LABELS[intent]} submitLabel={intent === "CLASSIFY" ? "Zielgruppe zuordnen" : "Neu zuordnen"}>
          {(f) => (
            <SelectField field={f.targetGroup} label="Zielgruppe" options={targetGroupOptions(file)} hint={HINTS[intent]} required />
          )}
        </IntentForm>
      );
    case "CLOSE_NOT_TARGET_GROUP":
      return (
        <IntentForm intent={intent} schema={CASE_EVENT_SCHEMAS.CLOSE_NOT_TARGET_GROUP} hidden={{ rowVersion: file.case.rowVersion }}
          label={CASE_EVENT_LABELS.CLOSE_NOT_TARGET_GROUP} submitLabel="Fall abschließen (keine Zielgruppe)" submitClassName="button button--danger">
          {(f) => <TextareaField field={f.note} label="Notiz zum Abschluss" />}
        </IntentForm>
      );
    case "RECORD_ASSESSMENT":
      return (
        <IntentForm intent={intent} schema={CASE_EVENT_SCHEMAS.RECORD_ASSESSMENT} hidden={{ rowVersion: file.case.rowVersion }}
          label={CASE_EVENT_LABELS.RECORD_ASSESSMENT} submitLabel="Einschätzung speichern">
          {(f) => (
            <>
              <SelectField field={f.domain} label="Bedarfsfeld" options={optionsOf(NEED_DOMAINS)} required />
              <SelectField field={f.level} label="Bedarf" options={optionsOf(NEED_LEVELS)} required />
              <TextareaField field={f.note} label="Notiz" />
            </>
          )}
        </IntentForm>
      );
    case "AGREE_GOAL":
      return (
        <IntentForm intent={intent} schema={CASE_EVENT_SCHEMAS.AGREE_GOAL} hidden={{ rowVersion: file.case.rowVersion }}
          label={CASE_EVENT_LABELS.AGREE_GOAL} submitLabel="Ziel vereinbaren">
          {(f) => (
            <>
              <TextField field={f.title} label="Ziel" required />
              <SelectField field={f.domain} label="Bedarfsfeld" options={optionsOf(NEED_DOMAINS)} required />
              <TextField field={f.targetDate} label="Zieldatum" type="date" />
              <TextareaField field={f.description} label="Beschreibung" />
            </>
          )}
        </IntentForm>
      );
    case "EVALUATE_GOAL":
      return (
        <IntentForm intent={intent} schema={CASE_EVENT_SCHEMAS.EVALUATE_GOAL} hidden={{ rowVersion: file.case.rowVersion }}
          label={CASE_EVENT_LABELS.EVALUATE_GOAL} submitLabel="Bewertung speichern">
          {(f) => (
            <>
              <SelectField
                field={f.goalId}
                label="Ziel"
                options={file.goals.map((g) => ({
                  value: g.id,
                  label: `${g.title} (${GOAL_STATUSES.label[g.status]})`,
                }))}
                required
              />
              <SelectField
                field={f.result}
                label="Bewertung"
                options={optionsOf(GOAL_STATUSES).filter((o) => o.value !== "vereinbart")}
                required
              />
              <TextareaField field={f.note} label="Notiz zur Bewertung" />
            </>
          )}
        </IntentForm>
      );
    case "CLOSE": {
      const resting = file.case.state === "resting";
      return (
        <IntentForm intent={intent} schema={CASE_EVENT_SCHEMAS.CLOSE} hidden={{ rowVersion: file.case.rowVersion }}
          label={CASE_EVENT_LABELS.CLOSE} submitLabel="Fall abschließen">
          {(f) => (
            <>
              <SelectField
                field={f.reason}
                label="Abschlussgrund"
                options={optionsOf(CLOSURE_REASONS).filter((o) =>
                  resting ? (RESTING_CLOSURE_REASONS as readonly string[]).includes(o.value) : o.value !== "nicht_zustaendig",
                )}
                hint={resting ? HINT_CLOSE_RESTING : HINTS.CLOSE}
                required
              />
              <TextareaField field={f.note} label="Notiz zum Abschluss" />
            </>
          )}
        </IntentForm>
      );
    }
    case "TRANSFER":
      return <TransferForm file={file} />;
    case "SET_DEPUTY":
      return <DeputyForm file={file} />;
    case "PAUSE":
      return (
        <IntentForm intent={intent} schema={CASE_EVENT_SCHEMAS.PAUSE} hidden={{ rowVersion: file.case.rowVersion }}
          label={CASE_EVENT_LABELS.PAUSE} submitLabel="Fall ruhend stellen">
          {(f) => <TextareaField field={f.reason} label="Grund" hint={HINTS.PAUSE} required />}
        </IntentForm>
      );
    case "RECORD_IDENTITY_STEP":
      return (
        <IntentForm intent={intent} schema={CASE_EVENT_SCHEMAS.RECORD_IDENTITY_STEP} hidden={{ rowVersion: file.case.rowVersion }}
          label={CASE_EVENT_LABELS.RECORD_IDENTITY_STEP} submitLabel="Schritt speichern"
          defaultValue={{ occurredOn: file.today }}>
          {(f) => (
            <>
              <SelectField field={f.step} label="Schritt" options={optionsOf(IDENTITY_STEPS)} required />
              <TextField field={f.occurredOn} label="Datum" type="date" required />
              <TextareaField field={f.note} label="Notiz" />
            </>
          )}
        </IntentForm>
      );
    case "REOPEN":
      return (
        <IntentForm intent={intent} schema={CASE_EVENT_SCHEMAS.REOPEN} hidden={{ rowVersion: file.case.rowVersion }}
          label={CASE_EVENT_LABELS.REOPEN} submitLabel="Fall wiedereröffnen">
          {(f) => <TextareaField field={f.reason} label="Grund der Wiedereröffnung" required />}
        </IntentForm>
      );
    default:
      return null;
  }
}

const LOADING_COLLEAGUES = "Kolleg*innen werden geladen …";

/**
 * The deputy and transfer choices for the form of `intent`: from the loader (the URL opened the form),
 * from the action's answer (a refused submit), or else fetched once the form is rendered in the browser
 * (/faelle/:caseId/kandidaten). Null while loading.
 */
function useCaseCandidates(file: CaseFile, intent: "SET_DEPUTY" | "TRANSFER"): CaseCandidates | null {
  const answer = useLastResultFor(formIdFor(intent));
  const known = file.candidates ?? answer?.candidates ?? null;
  const fetcher = useFetcher<CaseCandidates>();
  const { load, state, data } = fetcher;
  const caseId = file.case.id;
  useEffect(() => {
    if (known === null && state === "idle" && data === undefined) load(`/faelle/${caseId}/kandidaten`);
  }, [known, state, data, load, caseId]);
  return known ?? data ?? null;
}

function TransferForm({ file }: { file: CaseFile }) {
  const candidates = useCaseCandidates(file, "TRANSFER");
  const targets = candidates ? [...candidates.transferTargets, ...candidates.otherOrganisationTargets] : [];
  return (
    <IntentForm intent="TRANSFER" schema={CASE_EVENT_SCHEMAS.TRANSFER} hidden={{ rowVersion: file.case.rowVersion }}
      label={CASE_EVENT_LABELS.TRANSFER} submitLabel="Fall übergeben">
      {(f) => (
        <>
          <SelectField
            // mounted again once the choices are there, so the select starts with the submitted value
            key={candidates ? "loaded" : "loading"}
            field={f.toCaseManagerId}
            label="Neue fallführende Casemanager*in"
            options={targets.map((u) => ({
              value: u.id,
              label: u.otherOrganisation ? `${u.name} – ${u.otherOrganisation} (anderer Träger)` : u.name,
            }))}
            placeholder={candidates ? undefined : LOADING_COLLEAGUES}
            busy={!candidates}
            required
          />
          <TextareaField field={f.note} label="Notiz zur Übergabe" />
          {candidates && candidates.otherOrganisationTargets.length > 0 ? (
            <fieldset>
              <legend>Nur bei Übergabe an einen anderen Träger</legend>
              <SelectField
                field={f.basis}
                label="Grundlage der Übergabe"
                placeholder="Keine (Übergabe im selben Träger)"
                options={[
                  { value: "einwilligung", label: "Einwilligung der Klient*in für diesen Träger" },
                  { value: "rechtsgrundlage", label: "Dokumentierte Rechtsgrundlage (Koordination)" },
                ]}
              />
              <TextField field={f.consentGivenOn} label="Einwilligung erteilt am" type="date" />
              <SelectField field={f.consentGivenBy} label="Einwilligung erteilt von" options={optionsOf(CONSENT_GIVERS)} />
              <TextareaField field={f.legalBasis} label="Rechtsgrundlage" />
            </fieldset>
          ) : null}
        </>
      )}
    </IntentForm>
  );
}

function DeputyForm({ file }: { file: CaseFile }) {
  const candidates = useCaseCandidates(file, "SET_DEPUTY");
  return (
    <IntentForm intent="SET_DEPUTY" schema={CASE_EVENT_SCHEMAS.SET_DEPUTY} hidden={{ rowVersion: file.case.rowVersion }}
      label={CASE_EVENT_LABELS.SET_DEPUTY} submitLabel="Vertretung speichern"
      defaultValue={{ deputyId: file.case.deputy?.id ?? "" }}>
      {(f) => (
        <SelectField
          // mounted again once the choices are there, so the select starts with the current deputy
          key={candidates ? "loaded" : "loading"}
          field={f.deputyId}
          label="Vertretung"
          hint={candidates ? "Casemanager*innen derselben Organisation" : LOADING_COLLEAGUES}
          // while loading, nothing to choose (not even "Keine Vertretung"): a submit then asks for a choice
          options={
            candidates
              ? [{ value: "keine", label: "Keine Vertretung" }, ...candidates.deputyCandidates.map((u) => ({ value: u.id, label: u.name }))]
              : []
          }
          placeholder={candidates ? undefined : LOADING_COLLEAGUES}
          busy={!candidates}
          required
        />
      )}
    </IntentForm>
  );
}

/** One step as a form: a plain button for steps without input, a disclosure with fields for the others. */
export function CaseEventForm({
  intent,
  file,
  note,
  secondary = false,
}: {
  intent: CaseEventIntent;
  file: CaseFile;
  note?: ReactNode;
  secondary?: boolean;
}) {
  if (BUTTON_ONLY.has(intent)) {
    return (
      <div className="step-button">
        {note}
        <IntentForm intent={intent} schema={CASE_EVENT_SCHEMAS[intent]} hidden={{ rowVersion: file.case.rowVersion }}
          label={CASE_EVENT_LABELS[intent]} submitLabel={CASE_EVENT_LABELS[intent]} className="inline-form"
          submitClassName={secondary ? "button button--secondary" : "button"} />
      </div>
    );
  }
  return (
    <Disclosure summary={CASE_EVENT_LABELS[intent]} formId={formIdFor(intent)}>
      {note}
      {fieldsFor(intent, file)}
    </Disclosure>
  );
}

/** An everyday step: its form open on the page (a button for steps without input). */
function EverydayStep({ intent, file }: { intent: CaseEventIntent; file: CaseFile }) {
  if (BUTTON_ONLY.has(intent)) return <CaseEventForm intent={intent} file={file} />;
  return (
    <div className="everyday-step">
      <h3>{CASE_EVENT_LABELS[intent]}</h3>
      {fieldsFor(intent, file)}
    </div>
  );
}

/**
 * The "Nächste Schritte" card: the phase's everyday steps open (workflows/next-steps.ts), closing as a
 * secondary action, the rare steps behind "Weitere Schritte". `extra` is the step of a refused submit
 * that the current state no longer offers: it stays on the page (with what was typed) and says so.
 */
export function CaseEventForms({
  file,
  steps,
  extra,
  failedIntent,
}: {
  file: CaseFile;
  steps: NextSteps<CaseEventIntent>;
  extra?: CaseEventIntent | null;
  /** The step whose submit was refused: "Weitere Schritte" opens when it is in there. */
  failedIntent?: string | null;
}) {
  const [searchParams] = useSearchParams();
  const all = [...steps.everyday, ...steps.closing, ...steps.more];
  const stray = extra && !all.includes(extra) ? extra : null;
  const strayNote = (
    <p className="warning">Dieser Schritt ist im aktuellen Stand des Falls nicht mehr vorgesehen. Ihre Eingaben sind unten erhalten.</p>
  );
  if (all.length === 0 && !stray) {
    return <p className="muted">In diesem Stand des Falls ist kein weiterer Schritt möglich.</p>;
  }
  const everydayButtons = steps.everyday.filter((e) => BUTTON_ONLY.has(e));
  const everydayForms = steps.everyday.filter((e) => !BUTTON_ONLY.has(e));
  // Open when it holds the refused step, or the step whose form the URL asks for (the link of a closed step without JavaScript).
  const requested = searchParams.get(OPEN_FORM_PARAM);
  const openMore =
    stray !== null ||
    (failedIntent !== null && failedIntent !== undefined && (steps.more as string[]).includes(failedIntent)) ||
    steps.more.some((intent) => formIdFor(intent) === requested);
  return (
    <>
      {everydayForms.length ? (
        <div className="everyday-steps">
          {everydayForms.map((intent) => (
            <EverydayStep key={intent} intent={intent} file={file} />
          ))}
        </div>
      ) : null}
      {everydayButtons.length || steps.closing.length ? (
        <div className="button-row">
          {everydayButtons.map((intent) => (
            <CaseEventForm key={intent} intent={intent} file={file} />
          ))}
          {steps.closing
            .filter((e) => BUTTON_ONLY.has(e))
            .map((intent) => (
              <CaseEventForm key={intent} intent={intent} file={file} secondary />
            ))}
        </div>
      ) : null}
      {steps.closing.some((e) => !BUTTON_ONLY.has(e)) ? (
        <ul className="step-list">
          {steps.closing
            .filter((e) => !BUTTON_ONLY.has(e))
            .map((intent) => (
              <li key={intent}>
                <CaseEventForm intent={intent} file={file} />
              </li>
            ))}
        </ul>
      ) : null}
      {steps.more.length || stray ? (
        <details className="disclosure more-steps" open={openMore ? true : undefined}>
          <summary>Weitere Schritte</summary>
          <div className="disclosure__body">
            <ul className="step-list">
              {steps.more.map((intent) => (
                <li key={intent}>
                  <CaseEventForm intent={intent} file={file} secondary />
                </li>
              ))}
              {stray ? (
                <li key={stray}>
                  <CaseEventForm intent={stray} file={file} note={strayNote} />
                </li>
              ) : null}
            </ul>
          </div>
        </details>
      ) : null}
    </>
  );
}
