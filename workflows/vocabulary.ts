// The domain's fixed word lists, with their German labels.
// Pure data: shared by the machines, the database layer and the UI.
// Migrations copy these values literally (frozen); a test checks that they still agree.

function labels<const T extends Record<string, string>>(map: T) {
  return { values: Object.keys(map) as (keyof T & string)[], label: map };
}

export const ROLES = labels({
  case_manager: "Casemanager*in",
  team_lead: "Teamleitung",
  coordinator: "Koordination",
  steering: "Lenkungsgruppe",
  admin: "Administration",
  data_protection: "Datenschutz",
});
export type Role = (typeof ROLES.values)[number];

export const TARGET_GROUPS = labels({
  umf: "Unbegleitete minderjährige Flüchtlinge (UMF)",
  geduldete_identitaet: "Geduldete mit Unterstützungsbedarf bei der Identitätsklärung",
  neuzugewanderte_erhoeht: "Neuzugewanderte mit erhöhtem Unterstützungsbedarf",
});
export type TargetGroup = (typeof TARGET_GROUPS.values)[number];

export const TARGET_GROUP_SHORT: Record<TargetGroup, string> = {
  umf: "UMF",
  geduldete_identitaet: "Geduldete (Identitätsklärung)",
  neuzugewanderte_erhoeht: "Neuzugewanderte (erhöhter Bedarf)",
};

export const RESIDENCE_STATUSES = labels({
  aufenthaltsgestattung: "Aufenthaltsgestattung",
  duldung_60a: "Duldung (§ 60a AufenthG)",
  duldung_60b: "Duldung für Personen mit ungeklärter Identität (§ 60b AufenthG)",
  ae_humanitaer_22_26: "Aufenthaltserlaubnis humanitär (§§ 22–26 AufenthG)",
  ae_24: "Aufenthaltserlaubnis § 24 AufenthG (vorübergehender Schutz)",
  ae_25a: "Aufenthaltserlaubnis § 25a AufenthG",
  ae_25b: "Aufenthaltserlaubnis § 25b AufenthG",
  ae_104c: "Chancen-Aufenthaltsrecht § 104c AufenthG",
  ae_sonstige: "Aufenthaltserlaubnis (sonstige)",
  niederlassungserlaubnis: "Niederlassungserlaubnis",
  eu_freizuegigkeit: "EU-Freizügigkeit",
  fiktionsbescheinigung: "Fiktionsbescheinigung",
  ungeklaert: "ungeklärt",
});
export type ResidenceStatus = (typeof RESIDENCE_STATUSES.values)[number];

/** Where a residence document (a row of the residence history) came from. */
export const RESIDENCE_DOCUMENT_SOURCES = labels({
  migration: "übernommen (Stand vor der Historie)",
  aufnahme: "bei der Aufnahme",
  erfasst: "in der Fallakte erfasst",
  persoenliche_daten: "mit den persönlichen Daten geändert",
});
export type ResidenceDocumentSource = (typeof RESIDENCE_DOCUMENT_SOURCES.values)[number];

/** Statuses a move to a secure status (Aufenthaltsverfestigung) starts from. */
export const INSECURE_RESIDENCE_STATUSES: readonly ResidenceStatus[] = [
  "duldung_60a",
  "duldung_60b",
  "aufenthaltsgestattung",
  "ungeklaert",
];

/** Paragraph groups of residence and settlement permits, for the report's Aufenthaltsverfestigung. */
export const PERMIT_GROUPS = labels({
  ae_25a: "§ 25a AufenthG",
  ae_25b: "§ 25b AufenthG",
  ae_104c: "§ 104c AufenthG (Chancen-Aufenthaltsrecht)",
  humanitaer: "humanitär §§ 22–26 AufenthG (inkl. § 24)",
  ae_sonstige: "sonstige Aufenthaltserlaubnis",
  niederlassungserlaubnis: "Niederlassungserlaubnis",
});
export type PermitGroup = (typeof PERMIT_GROUPS.values)[number];

/** Residence statuses that count as a Duldung. */
export const DULDUNG_STATUSES: readonly ResidenceStatus[] = ["duldung_60a", "duldung_60b"];

/** Residence statuses that are a residence title (a Geduldete receiving one falls out of the group). */
export const RESIDENCE_TITLE_STATUSES: readonly ResidenceStatus[] = [
  "ae_humanitaer_22_26",
  "ae_24",
  "ae_25a",
  "ae_25b",
  "ae_104c",
  "ae_sonstige",
  "niederlassungserlaubnis",
];

export const REFERRAL_SOURCES = labels({
  sozialamt: "Sozialamt",
  integration_point: "Integration Point",
  auslaenderamt: "Ausländeramt",
  fluechtlingsberatung: "Flüchtlingsberatung",
  jugendamt: "Jugendamt",
  selbstmelder: "Selbstmelder*in",
  sonstige: "Sonstige",
});
export type ReferralSource = (typeof REFERRAL_SOURCES.values)[number];

export const GENDERS = labels({
  weiblich: "weiblich",
  maennlich: "männlich",
  divers: "divers",
  keine_angabe: "keine Angabe",
});
export type Gender = (typeof GENDERS.values)[number];

export const NEED_DOMAINS = labels({
  aufenthalt_identitaet: "Aufenthalt/Identität",
  sprache: "Sprache",
  bildung_schule: "Bildung/Schule",
  ausbildung_arbeit: "Ausbildung/Arbeit",
  wohnen: "Wohnen",
  gesundheit: "Gesundheit",
  familie: "Familie",
  finanzielle_sicherung: "Finanzielle Sicherung",
  soziale_teilhabe: "Soziale Teilhabe",
});
export type NeedDomain = (typeof NEED_DOMAINS.values)[number];

export const NEED_LEVELS = labels({
  kein: "kein Bedarf",
  gering: "geringer Bedarf",
  mittel: "mittlerer Bedarf",
  hoch: "hoher Bedarf",
});
export type NeedLevel = (typeof NEED_LEVELS.values)[number];

export const GOAL_STATUSES = labels({
  vereinbart: "vereinbart",
  erreicht: "erreicht",
  teilweise_erreicht: "teilweise erreicht",
  nicht_erreicht: "nicht erreicht",
  entfallen: "entfallen",
});
export type GoalStatus = (typeof GOAL_STATUSES.values)[number];
export type GoalEvaluation = Exclude<GoalStatus, "vereinbart">;

export const CLOSURE_REASONS = labels({
  ziele_erreicht: "Ziele erreicht",
  uebergabe_regeldienst: "Übergabe an Regeldienst",
  verzogen: "verzogen",
  kontaktabbruch: "Kontaktabbruch",
  keine_zielgruppe: "keine Zielgruppe (mehr)",
  ausreise_abschiebung: "Ausreise / Abschiebung",
  sonstige: "Sonstiger Grund",
  nicht_zustaendig: "nicht zuständig",
});
export type ClosureReason = (typeof CLOSURE_REASONS.values)[number];

export const PARTNER_KINDS = labels({
  jugendamt: "Jugendamt",
  auslaenderbehoerde: "Ausländerbehörde",
  jobcenter: "Jobcenter / Integration Point",
  mbe: "Migrationsberatung für Erwachsene (MBE)",
  jmd: "Jugendmigrationsdienst (JMD)",
  integrationskurs: "Integrationskursträger",
  schule: "Schule",
  gesundheitsamt: "Gesundheitsamt",
  beratungsstelle: "Beratungsstelle",
  wohlfahrtsverband: "Wohlfahrtsverband",
  sportverein: "Sportverein",
  sozialamt: "Sozialamt",
  sonstige: "Sonstige",
});
export type PartnerKind = (typeof PARTNER_KINDS.values)[number];

export const REFERRAL_STATUSES = labels({
  geplant: "geplant",
  gesendet: "vermittelt",
  angenommen: "angenommen",
  abgeschlossen: "abgeschlossen",
  abgelehnt: "abgelehnt",
  abgebrochen: "abgebrochen",
});
export type ReferralStatus = (typeof REFERRAL_STATUSES.values)[number];

export const CONTACT_TYPES = labels({
  persoenlich: "persönlich",
  telefonisch: "telefonisch",
  aufsuchend: "aufsuchend",
  digital: "digital",
});
export type ContactType = (typeof CONTACT_TYPES.values)[number];

export const CONSENT_GIVERS = labels({
  klient: "Klient*in selbst",
  vormund: "Vormund",
  gesetzliche_vertretung: "gesetzliche Vertretung",
});
export type ConsentGiver = (typeof CONSENT_GIVERS.values)[number];

export const IDENTITY_STEPS = labels({
  pass_beantragt: "Pass beantragt",
  botschaftstermin: "Botschaftstermin",
  dokumente_beschafft: "Dokumente beschafft",
  mitwirkung_dokumentiert: "Mitwirkung dokumentiert",
  identitaet_geklaert: "Identität geklärt",
});
export type IdentityStep = (typeof IDENTITY_STEPS.values)[number];

export const FINDING_STATUSES = labels({
  gemeldet: "gemeldet",
  in_pruefung: "in Prüfung",
  fuer_lenkungsgruppe: "für die Lenkungsgruppe vorgemerkt",
  erledigt: "erledigt",
  verworfen: "verworfen",
});
export type FindingStatus = (typeof FINDING_STATUSES.values)[number];

/** Follow-up of a decision of the Lenkungsgruppe on a structural finding (finding_decisions.status). */
export const DECISION_STATUSES = labels({
  offen: "offen",
  in_umsetzung: "in Umsetzung",
  umgesetzt: "umgesetzt",
  verworfen: "verworfen",
});
export type DecisionStatus = (typeof DECISION_STATUSES.values)[number];

export const FINDING_PRIORITIES = labels({
  niedrig: "niedrig",
  mittel: "mittel",
  hoch: "hoch",
});
export type FindingPriority = (typeof FINDING_PRIORITIES.values)[number];

export const ORGANISATION_KINDS = labels({
  kreis: "Kreisverwaltung",
  kommune: "Stadtverwaltung",
  traeger: "Freier Träger",
});
export type OrganisationKind = (typeof ORGANISATION_KINDS.values)[number];

/**
 * What the KIM coordination may see of one organisation's cases, as agreed in writing with that
 * organisation (Kooperationsvereinbarung); set by the admin per organisation.
 */
export const COORDINATION_ACCESS = labels({
  voll: "volle Fallakten",
  pseudonymisiert: "pseudonymisiert (ohne Name, Geburtsdatum, Kontaktdaten, Freitext)",
  aggregiert: "nur Teamzahlen",
});
export type CoordinationAccess = (typeof COORDINATION_ACCESS.values)[number];

/** States of an import job (import_jobs.status, migration 0018). */
export const IMPORT_JOB_STATUSES = labels({
  entwurf: "Zuordnung offen",
  laeuft: "läuft",
  fertig: "fertig",
  fehlgeschlagen: "fehlgeschlagen",
});
export type ImportJobStatus = (typeof IMPORT_JOB_STATUSES.values)[number];

/** Case phases (the top-level states of the case statechart), in process order. */
export const CASE_PHASES = labels({
  intake: "Zugang",
  classification: "Klärung & Zielgruppenzuordnung",
  assessment: "Assessment",
  planning: "Hilfeplanung",
  active: "Vermittlung & Monitoring",
  closure: "Evaluation & Abschluss",
  resting: "ruhend",
  closed: "abgeschlossen",
});
export type CasePhase = (typeof CASE_PHASES.values)[number];

/** Why a classified case must be re-classified (raised by the daily job, never applied silently). */
export const RECLASSIFICATION_REASONS = labels({
  umf_volljaehrig: "UMF ist volljährig geworden",
  aufenthaltstitel: "Aufenthaltstitel erteilt",
});
export type ReclassificationReason = (typeof RECLASSIFICATION_REASONS.values)[number];

/** Kinds of entries in a case's history (Verlauf), for its filter. */
export const HISTORY_KINDS = labels({
  phase: "Phasen & Abschluss",
  kontakt: "Kontakte",
  bedarf_ziele: "Bedarfe & Ziele",
  vermittlung: "Vermittlungen",
  datenschutz: "Einwilligungen & Datenweitergabe",
  wiedervorlage: "Wiedervorlagen",
  identitaet: "Identitätsklärung",
  zustaendigkeit: "Zuständigkeit & Vertretung",
  system: "Hinweise des Systems",
  daten: "Persönliche Daten",
  aufenthalt: "Aufenthalt & Fristen",
});
export type HistoryKind = (typeof HISTORY_KINDS.values)[number];

/**
 * Every type of entry in a case's history: the case statechart's events (plus CASE_OPENED) from
 * case_events, and the steps recorded in the audit trail (referrals, consents, follow-ups, personal data).
 * db/case-history.ts checks at compile time that every case event type is listed here.
 */
export const HISTORY_EVENTS = {
  CASE_OPENED: { label: "Fall eröffnet", kind: "phase" },
  RECORD_CONTACT: { label: "Kontakt dokumentiert", kind: "kontakt" },
  REJECT_NOT_ELIGIBLE: { label: "Als nicht zuständig abgelehnt", kind: "phase" },
  CLASSIFY: { label: "Zielgruppe zugeordnet", kind: "phase" },
  CLOSE_NOT_TARGET_GROUP: { label: "Abgeschlossen (keine Zielgruppe)", kind: "phase" },
  RECORD_ASSESSMENT: { label: "Bedarf eingeschätzt", kind: "bedarf_ziele" },
  COMPLETE_ASSESSMENT: { label: "Assessment abgeschlossen", kind: "phase" },
  AGREE_GOAL: { label: "Ziel vereinbart", kind: "bedarf_ziele" },
  START_WORK: { label: "Hilfeplan in Umsetzung", kind: "phase" },
  EVALUATE_GOAL: { label: "Ziel bewertet", kind: "bedarf_ziele" },
  BEGIN_CLOSURE: { label: "Abschluss eingeleitet", kind: "phase" },
  CANCEL_CLOSURE: { label: "Abschluss abgebrochen", kind: "phase" },
  CLOSE: { label: "Fall abgeschlossen", kind: "phase" },
  TRANSFER: { label: "Fall übergeben", kind: "zustaendigkeit" },
  SET_DEPUTY: { label: "Vertretung geändert", kind: "zustaendigkeit" },
  PAUSE: { label: "Fall ruhend gestellt", kind: "phase" },
  RESUME: { label: "Fall wieder aufgenommen", kind: "phase" },
  FLAG_RECLASSIFICATION: { label: "Neuzuordnung angefordert (tägliche Prüfung)", kind: "system" },
  RECLASSIFY: { label: "Zielgruppe neu zugeordnet", kind: "phase" },
  RECORD_IDENTITY_STEP: { label: "Schritt zur Identitätsklärung", kind: "identitaet" },
  REOPEN: { label: "Fall wiedereröffnet", kind: "phase" },
  REFERRAL_PLANNED: { label: "Vermittlung geplant", kind: "vermittlung" },
  REFERRAL_SENT: { label: "Vermittelt", kind: "vermittlung" },
  REFERRAL_ACCEPTED: { label: "Vermittlung angenommen", kind: "vermittlung" },
  REFERRAL_COMPLETED: { label: "Vermittlung abgeschlossen", kind: "vermittlung" },
  REFERRAL_DECLINED: { label: "Vermittlung abgelehnt", kind: "vermittlung" },
  REFERRAL_CANCELLED: { label: "Vermittlung abgebrochen", kind: "vermittlung" },
  CONSENT_GIVEN: { label: "Einwilligung erfasst", kind: "datenschutz" },
  CONSENT_REVOKED: { label: "Einwilligung widerrufen", kind: "datenschutz" },
  FOLLOW_UP_CREATED: { label: "Wiedervorlage angelegt", kind: "wiedervorlage" },
  FOLLOW_UP_DONE: { label: "Wiedervorlage erledigt", kind: "wiedervorlage" },
  CLIENT_UPDATED: { label: "Persönliche Daten geändert", kind: "daten" },
  RESIDENCE_RECORDED: { label: "Aufenthaltsstatus erfasst", kind: "aufenthalt" },
} as const satisfies Record<string, { label: string; kind: HistoryKind }>;
export type HistoryEventType = keyof typeof HISTORY_EVENTS;
