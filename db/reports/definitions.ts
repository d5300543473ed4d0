// Every figure of the Lenkungsgruppe report with its German label and definition: the one source the
// page, the CSV and the XLSX export all read. Days are calendar days in Europe/Berlin; "Stand: Abruf"
// means the value reflects the data at the moment the report is produced.
import {
  PERMIT_GROUPS,
  type PermitGroup,
  CLOSURE_REASONS,
  type ClosureReason,
  FINDING_STATUSES,
  type FindingStatus,
  NEED_DOMAINS,
  type NeedDomain,
} from "../../workflows/vocabulary";
import type { SplitDimension } from "./period";

export const REPORT_SECTIONS = {
  reach: "Erreichbarkeit",
  caseload: "Auslastung",
  outcomes: "Beratungserfolge",
  findings: "Strukturelle Hürden",
} as const;
export type ReportSection = keyof typeof REPORT_SECTIONS;

/**
 * How a figure is computed, shown and suppressed:
 * - count: a number of cases, goals, referrals or findings;
 * - share: numerator / denominator (both counts), shown in percent;
 * - median: median days, with n = the number of values;
 * - average: a daily average of open cases (numerator: case-days, denominator: days);
 * - ratio: an average of open cases (numerator) per staff unit (denominator: people or FTE);
 * - setting: a configured or staff number (not about clients).
 */
export type FigureKind = "count" | "share" | "median" | "average" | "ratio" | "setting";

export interface FigureDefinition {
  key: string;
  section: ReportSection;
  label: string;
  definition: string;
  kind: FigureKind;
  /** ratio only: show the value in percent (utilisation) instead of as a decimal. */
  percent?: boolean;
  /** The split dimensions this figure can be broken down by (default: all). */
  splits?: readonly SplitDimension[];
  /** Not filterable by referral source nor by organisation (structural findings carry neither). */
  ignoresReferralSource?: boolean;
  /** A staff figure as of now: no previous period (there is no history of staff). */
  staffAsOfNow?: boolean;
}

const NO_SPLITS: readonly SplitDimension[] = [];
/** Staff can be split by the organisation that employs them, by nothing else. */
const STAFF_SPLITS: readonly SplitDimension[] = ["none", "organisation"];
const FINDING_SPLITS: readonly SplitDimension[] = ["none", "month", "quarter", "targetGroup", "municipality"];

const DECIDED =
  "Nenner: im Zeitraum eröffnete Fälle, über deren Zugang entschieden ist (in eine Zielgruppe aufgenommen, " +
  "„nicht zuständig“ oder „keine Zielgruppe“); Fälle ohne Zugangsentscheidung zählen nicht mit.";

const GOAL_RATE =
  "Nenner: Ziele, deren Bewertung im Zeitraum liegt, mit dem Ergebnis „erreicht“, „teilweise erreicht“ oder " +
  "„nicht erreicht“; „entfallen“ zählt nicht mit. „Teilweise erreicht“ zählt nicht als erreicht und wird gesondert ausgewiesen.";

const ENDED_REFERRALS =
  "Nenner: Vermittlungen an Partner, die im Zeitraum endeten (abgeschlossen, abgelehnt oder abgebrochen).";

const SECURED =
  "Fälle, deren Klient*in im Zeitraum von Duldung (§ 60a, § 60b), Aufenthaltsgestattung oder ungeklärtem Status zu einer " +
  "Aufenthaltserlaubnis oder Niederlassungserlaubnis wechselte: ein neu erfasster Status, der einen solchen Status ablöst, " +
  "mit seinem Ausstellungsdatum (ohne Ausstellungsdatum: Tag der Erfassung) im Zeitraum; gezählt bei jedem Fall der Person, " +
  "der an diesem Tag offen war; ein Fall zählt einmal (Stand: Abruf).";

const DEADLINES_DUE =
  "Fristen aus dem Aufenthaltsstatus (Ablauf von Duldung, Gestattung, Fiktionsbescheinigung oder Aufenthaltstitel; Ende der " +
  "18 Monate eines Chancen-Aufenthaltsrechts nach § 104c), die im Zeitraum und vor dem Abruftag lagen, bei Fällen, die an " +
  "diesem Tag offen waren; gezählt, wenn das Dokument 8 Wochen vor der Frist noch aktuell war.";

export const CLOSURE_REASON_ORDER: ClosureReason[] = [
  "ziele_erreicht",
  "uebergabe_regeldienst",
  "verzogen",
  "kontaktabbruch",
  "ausreise_abschiebung",
  "keine_zielgruppe",
  "nicht_zustaendig",
  "sonstige",
];

export const FIGURES: readonly FigureDefinition[] = [
  // Erreichbarkeit: the cases opened in the period.
  {
    key: "reach.opened",
    section: "reach",
    kind: "count",
    label: "Eröffnete Fälle",
    definition:
      "Fälle, deren Fallaufnahme (Eröffnung) im Zeitraum liegt, einschließlich später als „nicht zuständig“ abgelehnter Zugänge.",
  },
  {
    key: "reach.first_contact",
    section: "reach",
    kind: "share",
    label: "Anteil mit dokumentiertem Erstkontakt",
    definition:
      "Zähler: im Zeitraum eröffnete Fälle, für die ein Erstkontakt dokumentiert ist (Stand: Abruf). Nenner: im Zeitraum eröffnete Fälle.",
  },
  {
    key: "reach.first_contact_14d",
    section: "reach",
    kind: "share",
    label: "Anteil mit Erstkontakt innerhalb von 14 Tagen",
    definition:
      "Zähler: im Zeitraum eröffnete Fälle mit dokumentiertem Erstkontakt höchstens 14 Kalendertage nach der Eröffnung (Stand: Abruf). Nenner: im Zeitraum eröffnete Fälle.",
  },
  {
    key: "reach.days_to_first_contact",
    section: "reach",
    kind: "median",
    label: "Tage von der Eröffnung bis zum Erstkontakt (Median)",
    definition:
      "Median der Kalendertage zwischen Eröffnung und dokumentiertem Erstkontakt (0 = am selben Tag) über die im Zeitraum eröffneten Fälle mit Erstkontakt; n = Zahl dieser Fälle.",
  },
  {
    key: "reach.accepted",
    section: "reach",
    kind: "share",
    label: "Anteil in eine Zielgruppe aufgenommen",
    definition: `Zähler: im Zeitraum eröffnete Fälle, die einer Zielgruppe zugeordnet sind (Stand: Abruf). ${DECIDED}`,
  },
  {
    key: "reach.not_eligible",
    section: "reach",
    kind: "share",
    label: "Anteil nicht zuständig",
    definition: `Zähler: im Zeitraum eröffnete Fälle, die bei der Fallaufnahme als „nicht zuständig“ abgelehnt wurden. ${DECIDED}`,
  },
  {
    key: "reach.not_target_group",
    section: "reach",
    kind: "share",
    label: "Anteil keine Zielgruppe",
    definition: `Zähler: im Zeitraum eröffnete Fälle, die nach der Klärung keiner Zielgruppe zugeordnet und mit „keine Zielgruppe“ abgeschlossen wurden. ${DECIDED}`,
  },
  {
    key: "reach.undecided",
    section: "reach",
    kind: "count",
    label: "Fälle ohne Zugangsentscheidung",
    definition:
      "Im Zeitraum eröffnete Fälle, die (Stand: Abruf) weder einer Zielgruppe zugeordnet noch als „nicht zuständig“ oder „keine Zielgruppe“ abgeschlossen sind – noch in Zugang oder Klärung oder vorher aus anderem Grund beendet.",
  },

  // Auslastung: open cases per day, averaged over the period's days.
  {
    key: "caseload.open_average",
    section: "caseload",
    kind: "average",
    label: "Offene Fälle (Durchschnitt pro Tag)",
    definition:
      "Für jeden Tag des Zeitraums die Zahl der Fälle, die am Ende des Tages offen sind (eröffnet, nicht abgeschlossen; ruhende Fälle zählen mit), zugewiesen oder nicht; davon der Durchschnitt. Tage nach dem Abruftag zählen nicht. Zähler: Falltage; Nenner: Tage.",
  },
  {
    key: "caseload.per_case_manager",
    section: "caseload",
    kind: "ratio",
    label: "Offene Fälle je Casemanager*in (Durchschnitt)",
    definition:
      "Durchschnittliche Zahl zugewiesener offener Fälle pro Tag geteilt durch die Zahl der aktiven Casemanager*innen (Stand: Abruf); nach Träger gefiltert oder aufgeteilt: die Fälle des Trägers geteilt durch seine Casemanager*innen. Ein Team-Durchschnitt, keine Werte einzelner Personen.",
  },
  {
    key: "caseload.per_fte",
    section: "caseload",
    kind: "ratio",
    label: "Offene Fälle je Vollzeitstelle (Durchschnitt)",
    definition:
      "Durchschnittliche Zahl zugewiesener offener Fälle pro Tag geteilt durch die Summe der Vollzeitäquivalente (VZÄ) der aktiven Casemanager*innen (Stand: Abruf); nach Träger: die Fälle und Stellen des Trägers.",
  },
  {
    key: "caseload.utilisation",
    section: "caseload",
    kind: "ratio",
    percent: true,
    label: "Auslastung gemessen an der Standardfallzahl",
    definition:
      "Offene Fälle je Vollzeitstelle geteilt durch die eingestellte Standardfallzahl je Vollzeitstelle; 100 % entspricht genau dem Standard.",
  },
  {
    key: "caseload.unassigned_average",
    section: "caseload",
    kind: "average",
    label: "Nicht zugewiesene Zugänge (Durchschnitt pro Tag)",
    definition:
      "Für jeden Tag des Zeitraums die Zahl der offenen Fälle ohne zuständige Casemanager*in am Ende des Tages; davon der Durchschnitt. Zähler: Falltage; Nenner: Tage.",
  },
  {
    key: "caseload.unassigned_end",
    section: "caseload",
    kind: "count",
    label: "Nicht zugewiesene Zugänge am Ende des Zeitraums",
    definition:
      "Offene Fälle ohne zuständige Casemanager*in am Ende des letzten Tages des Zeitraums (bei laufendem Zeitraum: des Abruftages; bei Aufteilung nach Monat oder Quartal: des jeweiligen Abschnitts).",
  },
  {
    key: "caseload.case_managers",
    section: "caseload",
    kind: "count",
    splits: STAFF_SPLITS,
    staffAsOfNow: true,
    label: "Aktive Casemanager*innen",
    definition:
      "Aktive Benutzer*innen mit der Rolle Casemanager*in (Stand: Abruf; die Personalausstattung hat keine Historie), nach Träger: die beim Träger beschäftigten.",
  },
  {
    key: "caseload.fte",
    section: "caseload",
    kind: "setting",
    splits: STAFF_SPLITS,
    staffAsOfNow: true,
    label: "Vollzeitäquivalente der Casemanager*innen",
    definition: "Summe der Stellenanteile der aktiven Casemanager*innen (Stand: Abruf).",
  },
  {
    key: "caseload.standard",
    section: "caseload",
    kind: "setting",
    splits: NO_SPLITS,
    staffAsOfNow: true,
    label: "Standardfallzahl je Vollzeitstelle",
    definition: "Von der Koordination eingestellte Zahl offener Fälle je Vollzeitstelle (Stand: Abruf).",
  },

  // Beratungserfolge.
  {
    key: "outcomes.closed",
    section: "outcomes",
    kind: "count",
    label: "Abgeschlossene Fälle",
    definition:
      "Fälle, deren Abschluss im Zeitraum liegt, mit allen Abschlussgründen einschließlich „nicht zuständig“. Ein wieder eröffneter Fall zählt mit seinem letzten Abschluss.",
  },
  ...CLOSURE_REASON_ORDER.map(
    (reason): FigureDefinition => ({
      key: `outcomes.closed.${reason}`,
      section: "outcomes",
      kind: "share",
      label: `Abschlussgrund „${CLOSURE_REASONS.label[reason]}“`,
      definition: `Zähler: im Zeitraum abgeschlossene Fälle mit dem Abschlussgrund „${CLOSURE_REASONS.label[reason]}“. Nenner: alle im Zeitraum abgeschlossenen Fälle.`,
    }),
  ),
  {
    key: "outcomes.duration",
    section: "outcomes",
    kind: "median",
    label: "Falldauer (Median, Tage)",
    definition:
      "Median der Kalendertage von der Eröffnung bis zum Abschluss über die im Zeitraum abgeschlossenen Fälle, die einer Zielgruppe zugeordnet waren (ohne „nicht zuständig“ und ohne Abschluss vor einer Zuordnung); Ruhezeiten zählen mit. n = Zahl dieser Fälle.",
  },
  {
    key: "outcomes.goals_evaluated",
    section: "outcomes",
    kind: "count",
    label: "Bewertete Ziele",
    definition:
      "Ziele, deren Bewertung im Zeitraum liegt, mit dem Ergebnis „erreicht“, „teilweise erreicht“ oder „nicht erreicht“ (ohne „entfallen“).",
  },
  {
    key: "outcomes.goals_reached",
    section: "outcomes",
    kind: "share",
    label: "Zielerreichungsquote",
    definition: `Zähler: Ziele mit dem Ergebnis „erreicht“. ${GOAL_RATE}`,
  },
  {
    key: "outcomes.goals_partly",
    section: "outcomes",
    kind: "share",
    label: "Anteil teilweise erreichter Ziele",
    definition: `Zähler: Ziele mit dem Ergebnis „teilweise erreicht“. ${GOAL_RATE}`,
  },
  {
    key: "outcomes.goals_not_reached",
    section: "outcomes",
    kind: "share",
    label: "Anteil nicht erreichter Ziele",
    definition: `Zähler: Ziele mit dem Ergebnis „nicht erreicht“. ${GOAL_RATE}`,
  },
  {
    key: "outcomes.goals_dropped",
    section: "outcomes",
    kind: "count",
    label: "Entfallene Ziele",
    definition: "Ziele, die im Zeitraum als „entfallen“ bewertet wurden; sie zählen in keiner Quote.",
  },
  ...NEED_DOMAINS.values.map(
    (domain: NeedDomain): FigureDefinition => ({
      key: `outcomes.goals_reached.${domain}`,
      section: "outcomes",
      kind: "share",
      label: `Zielerreichung im Bedarfsfeld ${NEED_DOMAINS.label[domain]}`,
      definition: `Zielerreichungsquote für Ziele im Bedarfsfeld ${NEED_DOMAINS.label[domain]}. Zähler: Ziele mit dem Ergebnis „erreicht“. ${GOAL_RATE}`,
    }),
  ),
  {
    key: "outcomes.referrals_ended",
    section: "outcomes",
    kind: "count",
    label: "Beendete Vermittlungen",
    definition: "Vermittlungen an Partner, die im Zeitraum endeten: abgeschlossen, abgelehnt oder abgebrochen.",
  },
  {
    key: "outcomes.referrals_completed",
    section: "outcomes",
    kind: "share",
    label: "Anteil abgeschlossener Vermittlungen",
    definition: `Zähler: Vermittlungen mit dem Status „abgeschlossen“ (Leistung erbracht). ${ENDED_REFERRALS}`,
  },
  {
    key: "outcomes.referrals_declined",
    section: "outcomes",
    kind: "share",
    label: "Anteil abgelehnter Vermittlungen",
    definition: `Zähler: Vermittlungen mit dem Status „abgelehnt“ (vom Partner abgelehnt). ${ENDED_REFERRALS}`,
  },
  {
    key: "outcomes.referrals_cancelled",
    section: "outcomes",
    kind: "share",
    label: "Anteil abgebrochener Vermittlungen",
    definition: `Zähler: Vermittlungen mit dem Status „abgebrochen“. ${ENDED_REFERRALS}`,
  },
  {
    key: "outcomes.identities_clarified",
    section: "outcomes",
    kind: "count",
    label: "Geklärte Identitäten",
    definition:
      "Fälle, in denen der Schritt „Identität geklärt“ mit einem Datum im Zeitraum dokumentiert ist (je Fall einmal, mit dem ersten Datum).",
  },
  {
    key: "outcomes.umf_transitions",
    section: "outcomes",
    kind: "count",
    label: "Übergänge von UMF mit 18 Jahren",
    definition:
      "Hinweise auf Neuzuordnung, weil eine als UMF betreute Person volljährig wurde (vom täglichen Abgleich gesetzt), mit Datum im Zeitraum. Die Zielgruppe ist dabei stets UMF, auch wenn der Fall später anders zugeordnet wurde.",
  },

  // Aufenthalt: moves to a secure status, and deadlines missed.
  {
    key: "outcomes.residence_secured",
    section: "outcomes",
    kind: "count",
    label: "Aufenthaltsverfestigung",
    definition: SECURED,
  },
  {
    key: "outcomes.residence_secured_share",
    section: "outcomes",
    kind: "share",
    label: "Aufenthaltsverfestigung, Anteil an den offenen Fällen",
    definition: `Zähler: Fälle mit Aufenthaltsverfestigung im Zeitraum (wie oben). Nenner: Fälle, die an mindestens einem Tag des Zeitraums offen waren (ruhende eingeschlossen), mit denselben Filtern; nach Zielgruppe aufgeteilt also der Anteil an den offenen Fällen der Zielgruppe. Über Monate oder Quartale nicht aufteilbar.`,
    splits: ["none", "targetGroup", "municipality", "referralSource", "organisation"],
  },
  ...PERMIT_GROUPS.values.map(
    (group: PermitGroup): FigureDefinition => ({
      key: `outcomes.residence_secured.${group}`,
      section: "outcomes",
      kind: "count",
      label: `Aufenthaltsverfestigung: ${PERMIT_GROUPS.label[group]}`,
      definition: `Fälle mit Aufenthaltsverfestigung im Zeitraum, deren neuer Titel zur Gruppe „${PERMIT_GROUPS.label[group]}“ gehört.`,
    }),
  ),
  {
    key: "outcomes.deadlines_due",
    section: "outcomes",
    kind: "count",
    label: "Abgelaufene Fristen aus dem Aufenthaltsstatus",
    definition: DEADLINES_DUE,
  },
  {
    key: "outcomes.deadlines_missed",
    section: "outcomes",
    kind: "share",
    label: "Fristen verpasst",
    definition: `Zähler: Fristen (wie oben), bis zu denen weder ein neuer Aufenthaltsstatus erfasst noch in den 8 Wochen davor ein Schritt in der Fallakte dokumentiert wurde (Kontakt, Identitätsschritt oder ein anderer Schritt einer Person; Hinweise des Systems zählen nicht). Nenner: alle diese Fristen. Der 18. Geburtstag von UMF zählt nicht (er führt zur Neuzuordnung, siehe „Übergänge von UMF mit 18 Jahren“).`,
  },

  // Strukturelle Hürden.
  {
    key: "findings.reported",
    section: "findings",
    kind: "count",
    splits: FINDING_SPLITS,
    ignoresReferralSource: true,
    label: "Gemeldete strukturelle Hürden",
    definition:
      "Im Zeitraum gemeldete strukturelle Hürden (Meldedatum), in jedem Status. Hürden sind keinem Zugangsweg und keinem Träger zugeordnet: Filter und Aufteilung nach Zugangsweg oder Träger wirken hier nicht.",
  },
  ...FINDING_STATUSES.values.map(
    (status: FindingStatus): FigureDefinition => ({
      key: `findings.status.${status}`,
      section: "findings",
      kind: "count",
      splits: FINDING_SPLITS,
      ignoresReferralSource: true,
      label: `Status „${FINDING_STATUSES.label[status]}“`,
      definition: `Im Zeitraum gemeldete strukturelle Hürden, die (Stand: Abruf) den Status „${FINDING_STATUSES.label[status]}“ haben.`,
    }),
  ),
  {
    key: "findings.open",
    section: "findings",
    kind: "count",
    splits: FINDING_SPLITS,
    ignoresReferralSource: true,
    label: "Offene strukturelle Hürden",
    definition:
      "Im Zeitraum gemeldete strukturelle Hürden, die (Stand: Abruf) weder erledigt noch verworfen sind (gemeldet, in Prüfung oder für die Lenkungsgruppe vorgemerkt).",
  },
  {
    key: "findings.affected_cases",
    section: "findings",
    kind: "count",
    splits: FINDING_SPLITS,
    ignoresReferralSource: true,
    label: "Betroffene Fälle laut Meldungen",
    definition:
      "Summe der bei den im Zeitraum gemeldeten Hürden angegebenen Zahl betroffener Fälle; ein Fall kann in mehreren Meldungen gezählt sein.",
  },
];

export const FIGURES_BY_KEY: ReadonlyMap<string, FigureDefinition> = new Map(FIGURES.map((f) => [f.key, f]));

export function figureSupportsSplit(figure: FigureDefinition, split: SplitDimension): boolean {
  return split === "none" || (figure.splits ?? null) === null || (figure.splits ?? []).includes(split);
}

/** How small numbers are treated, stated once for the page and the exports. */
export const SUPPRESSION_NOTE =
  "Datenschutz: Zahlen von 1 bis 4 werden als „<5“ angezeigt; Anteile, Mediane und Durchschnitte je Person oder Stelle, deren Grundlage kleiner als 5 ist, und Anteile, die 1 bis 4 Fälle betreffen, werden nicht ausgewiesen.";

export const SPLIT_LABELS: Record<SplitDimension, string> = {
  none: "keine Aufteilung",
  month: "Monat",
  quarter: "Quartal",
  targetGroup: "Zielgruppe",
  municipality: "Kommune",
  referralSource: "Zugangsweg",
  organisation: "Träger",
};

/** What the organisation (Träger) of a case means in the report: printed with the page and both exports. */
export const ORGANISATION_NOTE =
  "Träger: der Träger, zu dem der Fall beim Abruf gehört (der Träger seiner zuständigen Casemanager*in; ein Zugang ohne Casemanager*in gehört zum aufnehmenden Träger). Wechselt ein Fall den Träger, zählt er mit allen Zahlen, auch mit seinen früheren offenen Tagen, beim neuen Träger. Strukturelle Hürden sind keinem Träger zugeordnet.";

/** The statuses of a finding that still waits for something (figure findings.open). */
export const OPEN_FINDING_STATUSES: readonly FindingStatus[] = ["gemeldet", "in_pruefung", "fuer_lenkungsgruppe"];
