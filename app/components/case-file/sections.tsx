// The sections of the client file below the head: personal data, assessment, goals, referrals,
// consents, contacts, follow-ups, identity clarification and the history (db/case-history.ts).
import { documentLanguage } from "../../../workflows/documents";
import type { ReactNode } from "react";
import { REFERRAL_EVENT_LABELS, type ReferralEventType } from "../../../workflows/referral-machine";
import {
  CASE_PHASES,
  CONSENT_GIVERS,
  HISTORY_KINDS,
  type HistoryKind,
  CONTACT_TYPES,
  GENDERS,
  GOAL_STATUSES,
  IDENTITY_STEPS,
  NEED_DOMAINS,
  NEED_LEVELS,
  REFERRAL_STATUSES,
  RESIDENCE_DOCUMENT_SOURCES,
  RESIDENCE_STATUSES,
  type CasePhase,
  type GoalStatus,
  type ReferralStatus,
} from "../../../workflows/vocabulary";
import { CheckboxField, SelectField, TextField, TextareaField, optionsOf } from "~/components/forms";
import type { CaseFile, HistoryEntry } from "~/db.server";
import { OTHER_SCHEMAS, formIdFor } from "~/schemas/case-file";
import { formatDate, formatDateTime } from "./format";
import { Disclosure, IntentForm } from "./intent-form";

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section id={id} className="card case-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

function Empty({ children }: { children: ReactNode }) {
  return <p className="muted">{children}</p>;
}

function yesNo(value: boolean) {
  return value ? "ja" : "nein";
}

// ---------------------------------------------------------------------------
// Personal data

export function PersonalDataSection({ file, canWrite }: { file: CaseFile; canWrite: boolean }) {
  const c = file.client;
  const municipalities = file.options.municipalities.map((m) => ({ value: String(m.id), label: m.name }));
  return (
    <Section id="persoenliche-daten" title="Persönliche Daten">
      <dl className="dl-grid">
        <dt>Name</dt>
        <dd>
          {c.firstName} {c.lastName}
        </dd>
        <dt>Geburtsdatum</dt>
        <dd>
          {c.birthDate ? formatDate(c.birthDate) : "unbekannt"}
          {c.birthDateEstimated ? " (geschätzt)" : ""}
        </dd>
        <dt>Geschlecht</dt>
        <dd>{GENDERS.label[c.gender]}</dd>
        <dt>Staatsangehörigkeit</dt>
        <dd>{c.nationality ?? "–"}</dd>
        <dt>Sprachen</dt>
        <dd>{c.languages.length ? c.languages.join(", ") : "–"}</dd>
        <dt>Dolmetscher*in nötig</dt>
        <dd>{yesNo(c.interpreterNeeded)}</dd>
        <dt>Wohnort</dt>
        <dd>{c.municipalityName}</dd>
        <dt>Aufenthaltsstatus</dt>
        <dd>{RESIDENCE_STATUSES.label[c.residenceStatus]}</dd>
        <dt>Einreise</dt>
        <dd>{formatDate(c.arrivalDate)}</dd>
        <dt>Unbegleitet eingereist</dt>
        <dd>{yesNo(c.unaccompanied)}</dd>
        <dt>Telefon</dt>
        <dd>{c.phone ?? "–"}</dd>
        <dt>E-Mail</dt>
        <dd>{c.email ?? "–"}</dd>
        <dt>Anschrift</dt>
        <dd>{c.address ?? "–"}</dd>
      </dl>
      {canWrite ? (
        <Disclosure summary="Persönliche Daten bearbeiten" formId={formIdFor("UPDATE_CLIENT")}>
          <IntentForm
            intent="UPDATE_CLIENT"
            schema={OTHER_SCHEMAS.UPDATE_CLIENT}
            hidden={{ clientVersion: c.version }}
            label="Persönliche Daten bearbeiten"
            submitLabel="Persönliche Daten speichern"
            defaultValue={{
              firstName: c.firstName,
              lastName: c.lastName,
              birthDate: c.birthDate ?? "",
              birthDateEstimated: c.birthDateEstimated ? "on" : undefined,
              gender: c.gender,
              nationality: c.nationality ?? "",
              languages: c.languages.join(", "),
              interpreterNeeded: c.interpreterNeeded ? "on" : undefined,
              municipalityId: String(c.municipalityId),
              residenceStatus: c.residenceStatus,
              arrivalDate: c.arrivalDate ?? "",
              unaccompanied: c.unaccompanied ? "on" : undefined,
              phone: c.phone ?? "",
              email: c.email ?? "",
              address: c.address ?? "",
            }}
          >
            {(f) => (
              <>
                <TextField field={f.firstName} label="Vorname" required autoComplete="off" />
                <TextField field={f.lastName} label="Nachname" required autoComplete="off" />
                <TextField field={f.birthDate} label="Geburtsdatum" type="date" />
                <CheckboxField field={f.birthDateEstimated} label="Geburtsdatum geschätzt" />
                <SelectField field={f.gender} label="Geschlecht" options={optionsOf(GENDERS)} required />
                <TextField field={f.nationality} label="Staatsangehörigkeit" autoComplete="off" />
                <TextField field={f.languages} label="Sprachen" hint="Mehrere durch Komma trennen." autoComplete="off" />
                <CheckboxField field={f.interpreterNeeded} label="Dolmetscher*in nötig" />
                <SelectField field={f.municipalityId} label="Wohnort" options={municipalities} required />
                <SelectField
                  field={f.residenceStatus}
                  label="Aufenthaltsstatus"
                  options={optionsOf(RESIDENCE_STATUSES)}
                  hint="Ändert sich der Status einer geduldeten Person zu einem Aufenthaltstitel, fordert die tägliche Prüfung eine Neuzuordnung an."
                  required
                />
                <TextField field={f.arrivalDate} label="Einreisedatum" type="date" />
                <CheckboxField field={f.unaccompanied} label="Ohne Eltern bzw. Sorgeberechtigte eingereist" />
                <TextField field={f.phone} label="Telefon" type="tel" autoComplete="off" />
                <TextField field={f.email} label="E-Mail" type="email" autoComplete="off" />
                <TextareaField field={f.address} label="Anschrift" rows={2} />
              </>
            )}
          </IntentForm>
        </Disclosure>
      ) : null}
    </Section>
  );
}

// ---------------------------------------------------------------------------
// Assessment and goals

export function AssessmentSection({ file }: { file: CaseFile }) {
  const byDomain = new Map(file.assessments.map((a) => [a.need_domain, a]));
  return (
    <Section id="assessment" title="Assessment nach Bedarfsfeldern">
      <div className="table-wrap">
        <table className="data">
          <caption className="visually-hidden">Einschätzung des Bedarfs je Bedarfsfeld</caption>
          <thead>
            <tr>
              <th scope="col">Bedarfsfeld</th>
              <th scope="col">Bedarf</th>
              <th scope="col">Notiz</th>
              <th scope="col">Eingeschätzt</th>
            </tr>
          </thead>
          <tbody>
            {NEED_DOMAINS.values.map((domain) => {
              const a = byDomain.get(domain);
              return (
                <tr key={domain}>
                  <th scope="row">{NEED_DOMAINS.label[domain]}</th>
                  <td>{a ? NEED_LEVELS.label[a.level] : <span className="muted">nicht eingeschätzt</span>}</td>
                  <td>{a?.note ?? ""}</td>
                  <td>{a ? `${formatDate(a.assessed_at)}${a.assessed_by_name ? `, ${a.assessed_by_name}` : ""}` : ""}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Section>
  );
}

const GOAL_BADGE: Record<GoalStatus, string> = {
  vereinbart: "badge",
  erreicht: "badge badge--green",
  teilweise_erreicht: "badge badge--amber",
  nicht_erreicht: "badge badge--red",
  entfallen: "badge",
};

export function GoalsSection({ file }: { file: CaseFile }) {
  return (
    <Section id="ziele" title="Ziele (Hilfeplan)">
      {file.goals.length === 0 ? (
        <Empty>Noch kein Ziel vereinbart.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Ziel</th>
                <th scope="col">Bedarfsfeld</th>
                <th scope="col">Zieldatum</th>
                <th scope="col">Status</th>
                <th scope="col">Bewertung</th>
              </tr>
            </thead>
            <tbody>
              {file.goals.map((g) => (
                <tr key={g.id}>
                  <td>
                    <strong>{g.title}</strong>
                    {g.description ? <div className="muted">{g.description}</div> : null}
                    <div className="muted">vereinbart am {formatDate(g.agreed_at)}</div>
                  </td>
                  <td>{NEED_DOMAINS.label[g.need_domain]}</td>
                  <td>{formatDate(g.target_date)}</td>
                  <td>
                    <span className={GOAL_BADGE[g.status]}>{GOAL_STATUSES.label[g.status]}</span>
                  </td>
                  <td>
                    {g.evaluated_at ? formatDate(g.evaluated_at) : ""}
                    {g.evaluation_note ? <div>{g.evaluation_note}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

// ---------------------------------------------------------------------------
// Referrals and consents

const REFERRAL_BADGE: Record<ReferralStatus, string> = {
  geplant: "badge",
  gesendet: "badge",
  angenommen: "badge badge--green",
  abgeschlossen: "badge badge--green",
  abgelehnt: "badge badge--red",
  abgebrochen: "badge badge--amber",
};

const BASIS_LABEL = {
  keine_weitergabe: "keine Datenweitergabe",
  einwilligung: "mit Einwilligung",
  rechtsgrundlage: "auf Rechtsgrundlage",
} as const;

const REFERRAL_INTENT = {
  SEND: "REFERRAL_SEND",
  ACCEPT: "REFERRAL_ACCEPT",
  COMPLETE: "REFERRAL_COMPLETE",
  DECLINE: "REFERRAL_DECLINE",
  CANCEL: "REFERRAL_CANCEL",
} as const satisfies Record<ReferralEventType, string>;

type ReferralRow = CaseFile["referrals"][number];

function ReferralActions({
  referral,
  canDocumentLegalBasis,
  extra,
}: {
  referral: ReferralRow;
  canDocumentLegalBasis: boolean;
  extra: ReferralEventType | null;
}) {
  const events = [...referral.allowedEvents];
  if (extra && !events.includes(extra)) events.push(extra);
  if (events.length === 0) return <span className="muted">–</span>;
  const hidden = { referralId: referral.id, referralVersion: referral.row_version };
  const name = `${REFERRAL_STATUSES.label[referral.status]}: ${referral.partner_name}`;
  return (
    <div className="row-actions">
      {events.map((type) => {
        const intent = REFERRAL_INTENT[type];
        const label = `${REFERRAL_EVENT_LABELS[type]} (${referral.partner_name})`;
        const submit = (
          <>
            {REFERRAL_EVENT_LABELS[type]}
            <span className="visually-hidden"> – {name}</span>
          </>
        );
        switch (type) {
          case "ACCEPT":
          case "COMPLETE":
            return (
              <IntentForm key={type} intent={intent} schema={OTHER_SCHEMAS[intent]} targetId={referral.id} hidden={hidden}
                label={label} submitLabel={submit} submitClassName="button button--secondary" className="inline-form" />
            );
          case "SEND":
            return (
              <Disclosure key={type} summary={<>{REFERRAL_EVENT_LABELS.SEND}<span className="visually-hidden"> – {name}</span></>}
                formId={formIdFor(intent, referral.id)}>
                <IntentForm intent="REFERRAL_SEND" schema={OTHER_SCHEMAS.REFERRAL_SEND} targetId={referral.id} hidden={hidden}
                  label={label} submitLabel={submit} defaultValue={{ sharesData: "on" }}>
                  {(f) => (
                    <>
                      <CheckboxField
                        field={f.sharesData}
                        label="Personenbezogene Daten werden an den Partner weitergegeben"
                        hint="Dafür ist eine gültige Einwilligung für diesen Partner nötig."
                      />
                      {canDocumentLegalBasis ? (
                        <TextField
                          field={f.legalBasis}
                          label="Rechtsgrundlage (nur Koordination)"
                          hint="Nur ausfüllen, wenn die Weitergabe ohne Einwilligung auf einer Rechtsgrundlage beruht, z. B. § 69 SGB X."
                        />
                      ) : null}
                    </>
                  )}
                </IntentForm>
              </Disclosure>
            );
          case "DECLINE":
          case "CANCEL":
            return (
              <Disclosure key={type} summary={<>{REFERRAL_EVENT_LABELS[type]}<span className="visually-hidden"> – {name}</span></>}
                formId={formIdFor(intent, referral.id)}>
                <IntentForm intent={intent} schema={OTHER_SCHEMAS[intent] as typeof OTHER_SCHEMAS.REFERRAL_CANCEL}
                  targetId={referral.id} hidden={hidden} label={label} submitLabel={submit}>
                  {(f) => <TextareaField field={f.reason} label="Grund" required={type === "DECLINE"} rows={2} />}
                </IntentForm>
              </Disclosure>
            );
          default:
            return null;
        }
      })}
    </div>
  );
}

export function ReferralsSection({
  file,
  canWrite,
  canDocumentLegalBasis,
  failedFormId,
}: {
  file: CaseFile;
  canWrite: boolean;
  canDocumentLegalBasis: boolean;
  failedFormId: string | null;
}) {
  const canPlan = canWrite && ["assessment", "planning", "active", "closure"].includes(file.case.state);
  const extraFor = (referralId: string): ReferralEventType | null => {
    if (!failedFormId) return null;
    for (const type of Object.keys(REFERRAL_INTENT) as ReferralEventType[]) {
      if (formIdFor(REFERRAL_INTENT[type], referralId) === failedFormId) return type;
    }
    return null;
  };
  return (
    <Section id="vermittlungen" title="Vermittlungen">
      {file.referrals.length === 0 ? (
        <Empty>Noch keine Vermittlung.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Partner</th>
                <th scope="col">Anliegen</th>
                <th scope="col">Status</th>
                <th scope="col">Datenweitergabe</th>
                <th scope="col">Verlauf</th>
                {canWrite ? <th scope="col">Aktionen</th> : null}
              </tr>
            </thead>
            <tbody>
              {file.referrals.map((r) => (
                <tr key={r.id}>
                  <td>{r.partner_name}</td>
                  <td>
                    {NEED_DOMAINS.label[r.need_domain]}
                    {r.goal_title ? <div className="muted">Ziel: {r.goal_title}</div> : null}
                    {r.note ? <div>{r.note}</div> : null}
                  </td>
                  <td>
                    <span className={REFERRAL_BADGE[r.status]}>{REFERRAL_STATUSES.label[r.status]}</span>
                    {r.decline_reason ? <div>Grund: {r.decline_reason}</div> : null}
                  </td>
                  <td>
                    {r.dataSharingBasis ? BASIS_LABEL[r.dataSharingBasis] : <span className="muted">noch nicht gesendet</span>}
                    {r.legal_basis ? <div className="muted">{r.legal_basis}</div> : null}
                  </td>
                  <td>
                    <div>geplant {formatDate(r.planned_at)}</div>
                    {r.sent_at ? <div>vermittelt {formatDate(r.sent_at)}</div> : null}
                    {r.accepted_at ? <div>angenommen {formatDate(r.accepted_at)}</div> : null}
                    {r.ended_at ? <div>beendet {formatDate(r.ended_at)}</div> : null}
                  </td>
                  {canWrite ? (
                    <td>
                      <ReferralActions referral={r} canDocumentLegalBasis={canDocumentLegalBasis} extra={extraFor(r.id)} />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canPlan ? (
        <Disclosure summary="Vermittlung planen" formId={formIdFor("PLAN_REFERRAL")}>
          <IntentForm intent="PLAN_REFERRAL" schema={OTHER_SCHEMAS.PLAN_REFERRAL} label="Vermittlung planen" submitLabel="Vermittlung planen">
            {(f) => (
              <>
                <SelectField
                  field={f.partnerId}
                  label="Partner"
                  options={file.options.partners.map((p) => ({ value: String(p.id), label: p.name }))}
                  required
                />
                <SelectField field={f.needDomain} label="Bedarfsfeld" options={optionsOf(NEED_DOMAINS)} required />
                <SelectField
                  field={f.goalId}
                  label="Zu Ziel"
                  options={file.goals.map((g) => ({ value: g.id, label: g.title }))}
                  placeholder="kein bestimmtes Ziel"
                />
                <TextareaField field={f.note} label="Notiz" rows={2} />
              </>
            )}
          </IntentForm>
        </Disclosure>
      ) : null}
    </Section>
  );
}

/** Which printed document the client signed: language and template versions. */
function signedDocumentLabel(c: CaseFile["consents"][number]): string {
  const language = documentLanguage(c.document_language ?? "")?.label ?? c.document_language;
  return c.translation_version
    ? `Unterschrieben: Vorlage v${c.document_version} Deutsch + v${c.translation_version} ${language}`
    : `Unterschrieben: Vorlage v${c.document_version} Deutsch`;
}

export function ConsentsSection({ file, canWrite }: { file: CaseFile; canWrite: boolean }) {
  return (
    <Section id="einwilligungen" title="Einwilligungen (Schweigepflichtentbindungen)">
      <p>
        <a href={`/faelle/${file.case.id}/dokumente?art=einwilligung`}>Einwilligung in der Sprache der Klientin / des Klienten drucken</a>
      </p>
      {file.consents.length === 0 ? (
        <Empty>Keine Einwilligung erfasst.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Partner</th>
                <th scope="col">Umfang</th>
                <th scope="col">Erteilt</th>
                <th scope="col">Gültig bis</th>
                <th scope="col">Stand</th>
                {canWrite ? <th scope="col">Aktion</th> : null}
              </tr>
            </thead>
            <tbody>
              {file.consents.map((c) => (
                <tr key={c.id}>
                  <td>{c.partner_name}</td>
                  <td>{c.scope}</td>
                  <td>
                    {formatDate(c.given_at)} von {CONSENT_GIVERS.label[c.given_by]}
                    {c.given_by_name ? ` (${c.given_by_name})` : ""}
                    {c.document_language ? (
                      <>
                        <br />
                        <span className="muted">{signedDocumentLabel(c)}</span>
                      </>
                    ) : null}
                  </td>
                  <td>{c.valid_until ? formatDate(c.valid_until) : "unbefristet"}</td>
                  <td>
                    {c.revoked_at ? (
                      <span className="badge badge--red">widerrufen am {formatDate(c.revoked_at)}</span>
                    ) : c.problem === null ? (
                      <span className="badge badge--green">gültig</span>
                    ) : (
                      <span className="badge badge--amber">{c.problem}</span>
                    )}
                  </td>
                  {canWrite ? (
                    <td>
                      {c.revoked_at ? null : (
                        <IntentForm intent="REVOKE_CONSENT" schema={OTHER_SCHEMAS.REVOKE_CONSENT} targetId={c.id}
                          hidden={{ consentId: c.id }} label={`Einwilligung für ${c.partner_name} widerrufen`}
                          submitLabel={<>Widerrufen<span className="visually-hidden"> – Einwilligung für {c.partner_name}</span></>}
                          submitClassName="button button--secondary" className="inline-form" />
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canWrite ? (
        <Disclosure summary="Einwilligung erfassen" formId={formIdFor("ADD_CONSENT")}>
          <IntentForm intent="ADD_CONSENT" schema={OTHER_SCHEMAS.ADD_CONSENT} label="Einwilligung erfassen"
            submitLabel="Einwilligung speichern" defaultValue={{ givenAt: file.today }}>
            {(f) => (
              <>
                <SelectField
                  field={f.partnerId}
                  label="Partner (Empfänger der Daten)"
                  options={file.options.partners.map((p) => ({ value: String(p.id), label: p.name }))}
                  required
                />
                <TextareaField field={f.scope} label="Umfang" hint="Welche Daten zu welchem Zweck?" rows={2} required />
                <TextField field={f.givenAt} label="Erteilt am" type="date" required />
                <SelectField field={f.givenBy} label="Erteilt von" options={optionsOf(CONSENT_GIVERS)} required />
                <TextField field={f.givenByName} label="Name der erteilenden Person" hint="Bei Vormund oder gesetzlicher Vertretung" />
                <TextField field={f.validUntil} label="Gültig bis" type="date" hint="Leer lassen, wenn unbefristet." />
              </>
            )}
          </IntentForm>
        </Disclosure>
      ) : null}
    </Section>
  );
}

// ---------------------------------------------------------------------------
// Contacts, follow-ups, identity clarification

export function ContactsSection({ file }: { file: CaseFile }) {
  const total = file.contacts.reduce((sum, c) => sum + c.minutes, 0);
  return (
    <Section id="kontakte" title="Kontakte">
      {file.contacts.length === 0 ? (
        <Empty>Noch kein Kontakt dokumentiert.</Empty>
      ) : (
        <>
          <p className="muted">
            {file.contacts.length} {file.contacts.length === 1 ? "Kontakt" : "Kontakte"}, zusammen {total} Minuten.
          </p>
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Zeitpunkt</th>
                  <th scope="col">Art</th>
                  <th scope="col" className="num">Minuten</th>
                  <th scope="col">Dolmetscher*in</th>
                  <th scope="col">Notiz</th>
                  <th scope="col">Dokumentiert von</th>
                </tr>
              </thead>
              <tbody>
                {file.contacts.map((c) => (
                  <tr key={c.id}>
                    <td>{formatDateTime(c.occurred_at)}</td>
                    <td>{CONTACT_TYPES.label[c.contact_type]}</td>
                    <td className="num">{c.minutes}</td>
                    <td>{yesNo(c.with_interpreter)}</td>
                    <td>{c.note ?? ""}</td>
                    <td>{c.created_by_name ?? "System"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Section>
  );
}

export function FollowUpsSection({ file, canWrite }: { file: CaseFile; canWrite: boolean }) {
  return (
    <Section id="wiedervorlagen" title="Wiedervorlagen">
      {file.followUps.length === 0 ? (
        <Empty>Keine Wiedervorlage.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Fällig am</th>
                <th scope="col">Notiz</th>
                <th scope="col">Stand</th>
                {canWrite ? <th scope="col">Aktion</th> : null}
              </tr>
            </thead>
            <tbody>
              {file.followUps.map((f) => (
                <tr key={f.id} className={f.overdue ? "overdue" : undefined}>
                  <td>
                    {formatDate(f.due_on)}
                    {f.overdue ? <span className="badge badge--red">überfällig</span> : null}
                  </td>
                  <td>{f.note}</td>
                  <td>{f.done_at ? `erledigt am ${formatDate(f.done_at)}` : "offen"}</td>
                  {canWrite ? (
                    <td>
                      {f.done_at ? null : (
                        <IntentForm intent="COMPLETE_FOLLOW_UP" schema={OTHER_SCHEMAS.COMPLETE_FOLLOW_UP} targetId={f.id}
                          hidden={{ followUpId: f.id }} label={`Wiedervorlage vom ${formatDate(f.due_on)} erledigen`}
                          submitLabel={<>Erledigt<span className="visually-hidden"> – Wiedervorlage vom {formatDate(f.due_on)}</span></>}
                          submitClassName="button button--secondary" className="inline-form" />
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canWrite ? (
        <Disclosure summary="Wiedervorlage anlegen" formId={formIdFor("ADD_FOLLOW_UP")}>
          <IntentForm intent="ADD_FOLLOW_UP" schema={OTHER_SCHEMAS.ADD_FOLLOW_UP} label="Wiedervorlage anlegen" submitLabel="Wiedervorlage speichern">
            {(f) => (
              <>
                <TextField field={f.dueOn} label="Fällig am" type="date" required />
                <TextareaField field={f.note} label="Notiz" rows={2} required />
              </>
            )}
          </IntentForm>
        </Disclosure>
      ) : null}
    </Section>
  );
}

// ---------------------------------------------------------------------------
// Residence status as a dated history, with the case's deadlines

function daysUntil(today: string, date: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}

/** "in 12 Tagen", "heute", "seit 3 Tagen überschritten". */
export function deadlineDistance(today: string, date: string): string {
  const days = daysUntil(today, date);
  if (days === 0) return "heute";
  if (days > 0) return days === 1 ? "morgen" : `in ${days} Tagen`;
  return `seit ${-days} ${days === -1 ? "Tag" : "Tagen"} überschritten`;
}

export function ResidenceSection({ file, canWrite }: { file: CaseFile; canWrite: boolean }) {
  const { history, deadlines, authorities } = file.residence;
  return (
    <Section id="aufenthalt" title="Aufenthalt und Fristen">
      {deadlines.length ? (
        <ul className="deadline-list" aria-label="Fristen">
          {deadlines.map((d) => {
            const overdue = d.on < file.today;
            return (
              <li key={`${d.kind}-${d.on}`}>
                <strong>{d.label}</strong> – {deadlineDistance(file.today, d.on)}
                {overdue ? <span className="badge badge--red">überfällig</span> : null}
              </li>
            );
          })}
        </ul>
      ) : (
        <Empty>Keine Frist aus dem Aufenthaltsstatus.</Empty>
      )}
      <div className="table-wrap">
        <table className="data">
          <caption className="visually-hidden">Aufenthaltsdokumente, neuestes zuerst</caption>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Ausgestellt am</th>
              <th scope="col">Gültig bis</th>
              <th scope="col">Ausländerbehörde</th>
              <th scope="col">Notiz</th>
              <th scope="col">Erfasst</th>
            </tr>
          </thead>
          <tbody>
            {history.map((d) => (
              <tr key={d.id}>
                <td>
                  {RESIDENCE_STATUSES.label[d.status]}
                  {d.current ? <span className="badge">aktuell</span> : null}
                </td>
                <td>{d.issuedOn ? formatDate(d.issuedOn) : "–"}</td>
                <td>{d.validUntil ? formatDate(d.validUntil) : "–"}</td>
                <td>{d.authority ?? "–"}</td>
                <td>{d.note ?? ""}</td>
                <td>
                  {formatDate(d.recordedAt)} · {RESIDENCE_DOCUMENT_SOURCES.label[d.source]}
                  {d.recordedBy ? ` · ${d.recordedBy}` : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canWrite && file.case.state !== "closed" ? (
        <Disclosure summary="Neuen Aufenthaltsstatus erfassen" formId={formIdFor("RECORD_RESIDENCE")}>
          <IntentForm intent="RECORD_RESIDENCE" schema={OTHER_SCHEMAS.RECORD_RESIDENCE} label="Neuen Aufenthaltsstatus erfassen" submitLabel="Aufenthaltsstatus speichern">
            {(f) => (
              <>
                <SelectField field={f.status} label="Aufenthaltsstatus" options={optionsOf(RESIDENCE_STATUSES)} required />
                <TextField field={f.issuedOn} label="Ausgestellt am" type="date" />
                <TextField field={f.validUntil} label="Gültig bis" type="date" hint="Leer lassen, wenn unbefristet. Beim Chancen-Aufenthaltsrecht gilt die Frist von 18 Monaten ab Ausstellung." />
                <SelectField
                  field={f.authorityPartnerId}
                  label="Ausstellende Ausländerbehörde"
                  options={authorities.map((a) => ({ value: String(a.id), label: a.name }))}
                />
                <TextareaField field={f.note} label="Notiz" rows={2} />
              </>
            )}
          </IntentForm>
        </Disclosure>
      ) : null}
    </Section>
  );
}

export function IdentitySection({ file }: { file: CaseFile }) {
  return (
    <Section id="identitaetsklaerung" title="Identitätsklärung">
      {file.case.identityClarified ? <p className="notice-plain">Die Identität ist geklärt.</p> : null}
      {file.identitySteps.length === 0 ? (
        <Empty>Noch kein Schritt dokumentiert.</Empty>
      ) : (
        <ol className="plain-list">
          {file.identitySteps.map((s) => (
            <li key={s.id}>
              <strong>{formatDate(s.occurred_on)}</strong>: {IDENTITY_STEPS.label[s.step]}
              {s.note ? <span> – {s.note}</span> : null}
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}

// ---------------------------------------------------------------------------
// History (Verlauf)

function phaseLabel(phase: CasePhase | null): string {
  return phase ? CASE_PHASES.label[phase] : "";
}

function phaseChange(e: HistoryEntry): string {
  if (e.toState === null) return "";
  if (e.fromState === null) return ` · → ${phaseLabel(e.toState)}`;
  return e.fromState !== e.toState ? ` · ${phaseLabel(e.fromState)} → ${phaseLabel(e.toState)}` : "";
}

/** URL parameter of the history filter (a link per kind: works without JavaScript). */
export const HISTORY_FILTER_PARAM = "verlauf";

export function HistorySection({ file, kind }: { file: CaseFile; kind: string | null }) {
  const active = kind && (HISTORY_KINDS.values as readonly string[]).includes(kind) ? (kind as HistoryKind) : null;
  const counts = new Map<HistoryKind, number>();
  for (const e of file.history) for (const k of e.kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
  const shown = active ? file.history.filter((e) => e.kinds.includes(active)) : file.history;
  const link = (k: HistoryKind | null) => `?${k ? `${HISTORY_FILTER_PARAM}=${k}` : ""}#verlauf`;
  return (
    <Section id="verlauf" title="Verlauf">
      <nav aria-label="Verlauf filtern" className="history-filter">
        <ul>
          <li>
            <a href={link(null)} aria-current={active === null ? "true" : undefined}>
              Alle ({file.history.length})
            </a>
          </li>
          {HISTORY_KINDS.values
            .filter((k) => counts.has(k))
            .map((k) => (
              <li key={k}>
                <a href={link(k)} aria-current={active === k ? "true" : undefined}>
                  {HISTORY_KINDS.label[k]} ({counts.get(k)})
                </a>
              </li>
            ))}
        </ul>
      </nav>
      {shown.length === 0 ? <Empty>Keine Einträge dieser Art.</Empty> : null}
      <ol className="timeline">
        {shown.map((e) => (
          <li key={e.id} data-type={e.type}>
            <div>
              <time dateTime={e.occurredAt}>{formatDateTime(e.occurredAt)}</time> · <strong>{e.label}</strong>
              {e.detail ? <span> · {e.detail}</span> : null}
            </div>
            <div className="muted">
              {e.actorName ?? "System (tägliche Prüfung)"}
              {phaseChange(e)}
            </div>
          </li>
        ))}
      </ol>
    </Section>
  );
}
