// The head of the client file: who, which case, where in the process; banners for a resting case,
// a closed case and a pending re-classification.
import {
  CASE_PHASES,
  CLOSURE_REASONS,
  RECLASSIFICATION_REASONS,
  REFERRAL_SOURCES,
  RESIDENCE_STATUSES,
  TARGET_GROUPS,
  type CasePhase,
} from "../../../workflows/vocabulary";
import type { CaseFile } from "~/db.server";
import type { CaseEventIntent } from "~/schemas/case-file";
import { CaseEventForm } from "./event-forms";
import { formatDate } from "./format";

export function CaseHeader({ file }: { file: CaseFile }) {
  const { case: c, client } = file;
  const ageText =
    client.age === null
      ? "unbekannt"
      : `${client.age} Jahre${client.birthDateEstimated ? " (geschätzt)" : ""}`;
  return (
    <header className="case-header" aria-labelledby="case-title">
      <h1 id="case-title">
        {file.pseudonymised ? `Fall ${client.aktenzeichen} (pseudonymisiert)` : `${client.lastName}, ${client.firstName}`}
      </h1>
      {file.pseudonymised ? (
        <p className="muted">
          Die Vereinbarung mit dem Träger erlaubt der Koordination nur eine pseudonymisierte Sicht: ohne Name,
          Geburtsdatum, Kontaktdaten und Freitexte.
        </p>
      ) : null}
      <dl className="case-facts">
        <div>
          <dt>Aktenzeichen</dt>
          <dd>{client.aktenzeichen}</dd>
        </div>
        <div>
          <dt>Alter</dt>
          <dd>
            {ageText}
            {client.birthDate ? (
              <span className="muted">
                {" "}
                · geb. {formatDate(client.birthDate)}
                {client.birthDateEstimated ? <span className="badge badge--amber">geschätzt</span> : null}
              </span>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>Aufenthaltsstatus</dt>
          <dd>{RESIDENCE_STATUSES.label[client.residenceStatus]}</dd>
        </div>
        <div>
          <dt>Zielgruppe</dt>
          <dd>
            {c.targetGroup ? (
              <>
                {TARGET_GROUPS.label[c.targetGroup]}
              </>
            ) : (
              <span className="muted">noch nicht zugeordnet</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Phase</dt>
          <dd data-testid="case-phase">
            {CASE_PHASES.label[c.state]}
            {c.state === "resting" && c.restingFrom ? (
              <span className="muted"> (zuvor: {CASE_PHASES.label[c.restingFrom]})</span>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>Casemanager*in</dt>
          <dd>
            {c.caseManager ? c.caseManager.name : <span className="muted">nicht zugewiesen</span>}
            {c.deputy ? <span className="muted"> · Vertretung: {c.deputy.name}</span> : null}
          </dd>
        </div>
        <div>
          <dt>{c.closedAt ? "Dauer" : "Tage offen"}</dt>
          <dd>
            {c.closedAt
              ? `${c.daysOpen} Tage (${formatDate(c.openedAt)} bis ${formatDate(c.closedAt)})`
              : `${c.daysOpen} (seit ${formatDate(c.openedAt)})`}
          </dd>
        </div>
        <div>
          <dt>Zugangsweg</dt>
          <dd>
            {REFERRAL_SOURCES.label[c.referralSource]}
            {c.increasedNeedDocumented ? <span className="muted"> · erhöhter Bedarf dokumentiert</span> : null}
          </dd>
        </div>
      </dl>
    </header>
  );
}

const STEPS: CasePhase[] = ["intake", "classification", "assessment", "planning", "active", "closure", "closed"];

/**
 * The DGCC phases as an ordered list; the current one has aria-current="step". A resting case marks the
 * phase it rests in; phases the case has passed through (from its event log) are marked as done.
 */
export function PhaseStepper({ file }: { file: CaseFile }) {
  const { state, restingFrom } = file.case;
  const current: CasePhase = state === "resting" && restingFrom ? restingFrom : state;
  const visited = new Set(file.history.map((e) => e.toState));
  return (
    <ol className="stepper" aria-label="Phasen des Falls">
      {STEPS.map((phase) => {
        const isCurrent = phase === current;
        const done = !isCurrent && visited.has(phase);
        return (
          <li
            key={phase}
            aria-current={isCurrent ? "step" : undefined}
            className={[done ? "done" : "", isCurrent && state === "resting" ? "resting" : ""].filter(Boolean).join(" ") || undefined}
          >
            {CASE_PHASES.label[phase]}
            {isCurrent && state === "resting" ? " (ruhend)" : null}
            <span className="visually-hidden">
              {isCurrent ? " – aktuelle Phase" : done ? " – durchlaufen" : ""}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

export function StatusBanners({ file, offered }: { file: CaseFile; offered: readonly CaseEventIntent[] }) {
  const c = file.case;
  return (
    <>
      {c.state === "resting" ? (
        <div className="warning" role="note">
          <strong>Der Fall ruht</strong>
          {c.restingSince ? ` seit ${formatDate(c.restingSince)}` : ""}.
          {c.pauseReason ? ` Grund: ${c.pauseReason}` : ""}
        </div>
      ) : null}
      {c.state === "closed" ? (
        <div className="notice-plain" role="note">
          <strong>Der Fall ist abgeschlossen</strong>
          {c.closedAt ? ` (${formatDate(c.closedAt)})` : ""}
          {c.closureReason ? `. Grund: ${CLOSURE_REASONS.label[c.closureReason]}` : ""}
          {c.closureNote ? ` – ${c.closureNote}` : ""}
        </div>
      ) : null}
      {c.reclassificationRequired ? (
        <section className="warning reclassification" aria-labelledby="reclassification-title">
          <h2 id="reclassification-title">Neuzuordnung erforderlich</h2>
          <p>
            Grund: {RECLASSIFICATION_REASONS.label[c.reclassificationRequired]}
            {c.reclassificationFlaggedAt ? ` (festgestellt am ${formatDate(c.reclassificationFlaggedAt)})` : ""}. Bitte
            ordnen Sie den Fall einer passenden Zielgruppe zu oder schließen Sie ihn ab.
          </p>
          {offered
            .filter((e) => e === "RECLASSIFY" || e === "CLOSE_NOT_TARGET_GROUP")
            .map((intent) => (
              <CaseEventForm key={intent} intent={intent} file={file} />
            ))}
        </section>
      ) : null}
    </>
  );
}
