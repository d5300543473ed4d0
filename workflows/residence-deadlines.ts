// Deadlines derived from a client's residence history (pure, no I/O): the expiry of the current document
// (Duldung, Gestattung, Fiktionsbescheinigung, permit), the end of the 18 months of a § 104c
// Chancen-Aufenthaltsrecht, and a UMF's 18th birthday. Reminders fall due 8, 4 and 1 week ahead and
// when the deadline has passed; the daily job turns each into one follow-up (Wiedervorlage) on "Heute".
import { RESIDENCE_STATUSES, type ResidenceStatus, type TargetGroup } from "./vocabulary";

export const DEADLINE_KINDS = {
  ablauf: "Ablauf des Aufenthaltsdokuments",
  chancen_ende: "Ende des Chancen-Aufenthaltsrechts (§ 104c AufenthG, 18 Monate)",
  volljaehrigkeit: "18. Geburtstag (UMF)",
} as const;
export type DeadlineKind = keyof typeof DEADLINE_KINDS;

/** Reminder stages, from the earliest: days before the deadline (overdue: the day after it). */
export const REMINDER_STAGES = [
  { key: "8w", daysBefore: 56, label: "in 8 Wochen" },
  { key: "4w", daysBefore: 28, label: "in 4 Wochen" },
  { key: "1w", daysBefore: 7, label: "in 1 Woche" },
  { key: "ueberfaellig", daysBefore: -1, label: "überschritten" },
] as const;
export type ReminderStage = (typeof REMINDER_STAGES)[number]["key"];

/** How many days ahead the caseload filters "Frist in den nächsten 4 / 8 Wochen" look (keys of DEADLINE_FILTERS). */
export const DEADLINE_FILTER_DAYS = { "4wochen": 28, "8wochen": 56 } as const;

export interface Deadline {
  kind: DeadlineKind;
  /** YYYY-MM-DD */
  on: string;
  /** German, e.g. "Duldung (§ 60a AufenthG) gültig bis 15.01.2027". */
  label: string;
}

export interface ResidenceDocumentFacts {
  status: ResidenceStatus;
  issuedOn: string | null;
  validUntil: string | null;
}

function utc(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

function iso(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** date + n days (n may be negative). */
export function addDays(date: string, days: number): string {
  const d = utc(date);
  d.setUTCDate(d.getUTCDate() + days);
  return iso(d);
}

/** date + n months, clamped to the month's last day (like PostgreSQL's date + interval). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = total % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return iso(new Date(Date.UTC(year, month, Math.min(d, last))));
}

/** Whole days from `from` to `to` (negative when `to` lies before). */
export function daysBetween(from: string, to: string): number {
  return Math.round((utc(to).getTime() - utc(from).getTime()) / 86_400_000);
}

export function germanDate(date: string): string {
  const [y, m, d] = date.split("-");
  return `${d}.${m}.${y}`;
}

/**
 * The deadline a residence document sets: for § 104c the end of 18 months from its issue date (its
 * validity when no issue date is known), otherwise its expiry. The same rule is the generated column
 * residence_documents.deadline_on (migration 0015); a test checks that both agree.
 */
export function documentDeadline(doc: ResidenceDocumentFacts): Deadline | null {
  const status = RESIDENCE_STATUSES.label[doc.status];
  if (doc.status === "ae_104c" && doc.issuedOn) {
    const on = addMonths(doc.issuedOn, 18);
    return { kind: "chancen_ende", on, label: `${status}: 18 Monate enden am ${germanDate(on)}` };
  }
  if (!doc.validUntil) return null;
  return {
    kind: doc.status === "ae_104c" ? "chancen_ende" : "ablauf",
    on: doc.validUntil,
    label: `${status} gültig bis ${germanDate(doc.validUntil)}`,
  };
}

/** The deadlines of one open case: its client's current document, and the 18th birthday of a UMF. */
export function caseDeadlines(input: {
  current: ResidenceDocumentFacts | null;
  targetGroup: TargetGroup | null;
  birthDate: string | null;
}): Deadline[] {
  const out: Deadline[] = [];
  const doc = input.current ? documentDeadline(input.current) : null;
  if (doc) out.push(doc);
  if (input.targetGroup === "umf" && input.birthDate) {
    const on = addMonths(input.birthDate, 18 * 12);
    out.push({ kind: "volljaehrigkeit", on, label: `18. Geburtstag am ${germanDate(on)}` });
  }
  return out.sort((a, b) => a.on.localeCompare(b.on));
}

/**
 * The reminder stage reached on `today` for a deadline: the latest of 8 weeks, 4 weeks, 1 week ahead
 * and overdue (the day after the deadline) whose day has come; null while more than 8 weeks ahead.
 */
export function reminderStage(deadlineOn: string, today: string): ReminderStage | null {
  const daysLeft = daysBetween(today, deadlineOn);
  let reached: ReminderStage | null = null;
  for (const stage of REMINDER_STAGES) if (daysLeft <= stage.daysBefore) reached = stage.key;
  return reached;
}

/** The follow-up the daily job creates for a reached stage: a key unique per case, and its German note. */
export function reminderFollowUp(deadline: Deadline, stage: ReminderStage): { key: string; note: string } {
  const label = REMINDER_STAGES.find((s) => s.key === stage)?.label ?? stage;
  return {
    key: `frist:${deadline.kind}:${deadline.on}:${stage}`,
    note: `Frist ${label}: ${deadline.label}. ${DEADLINE_KINDS[deadline.kind]} – Verlängerung oder nächsten Schritt klären.`,
  };
}
