// The intake form ("Neue Aufnahme"): one zod schema for the browser (conform's instant checks) and the
// server (the authority). German messages; empty fields arrive as undefined (conform strips them).
import { z } from "zod";
import { GENDERS, REFERRAL_SOURCES, RESIDENCE_STATUSES } from "../../workflows/vocabulary";

/** Today's calendar date in Germany, 'YYYY-MM-DD' (the same on server and browser). */
export function berlinToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Berlin" }).format(now);
}

function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** "5.3.2001" or "05.03.2001" (as typed in Germany) or "2001-03-05" → "2001-03-05"; anything else unchanged. */
export function toIsoDate(value: string): string {
  const german = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(value.trim());
  if (!german) return value.trim();
  const [, d = "", m = "", y = ""] = german;
  return `${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}`;
}

const pastDate = (label: string) =>
  z
    .string()
    .transform(toIsoDate)
    .refine(isCalendarDate, `Bitte geben Sie ${label} als gültiges Datum im Format TT.MM.JJJJ ein.`)
    .refine((v) => v >= "1900-01-01", `${label[0]?.toUpperCase()}${label.slice(1)} darf nicht vor 1900 liegen.`)
    .refine((v) => v <= berlinToday(), `${label[0]?.toUpperCase()}${label.slice(1)} darf nicht in der Zukunft liegen.`)
    .optional();

/** A date that may lie in the future (how long a document is valid). */
const anyDate = (label: string) =>
  z
    .string()
    .transform(toIsoDate)
    .refine(isCalendarDate, `Bitte geben Sie ${label} als gültiges Datum im Format TT.MM.JJJJ ein.`)
    .refine((v) => v >= "1900-01-01" && v <= "2100-12-31", `Bitte geben Sie ${label} zwischen 1900 und 2100 ein.`)
    .optional();

const optionalText = (max: number, label: string) =>
  z.string().trim().max(max, `${label} darf höchstens ${max} Zeichen lang sein.`).optional();

const requiredName = (label: string) =>
  z
    .string({ required_error: `Bitte geben Sie den ${label} ein.` })
    .trim()
    .min(1, `Bitte geben Sie den ${label} ein.`)
    .max(100, `Der ${label} darf höchstens 100 Zeichen lang sein.`);

const choice = <T extends string>(values: readonly T[], message: string) =>
  z.enum(values as [T, ...T[]], { required_error: message, invalid_type_error: message, message });

const id = (message: string) =>
  z.coerce.number({ required_error: message, invalid_type_error: message }).int(message).positive(message);

export const IntakeSchema = z
  .object({
    firstName: requiredName("Vornamen"),
    lastName: requiredName("Nachnamen"),
    birthDate: pastDate("das Geburtsdatum"),
    birthDateEstimated: z.boolean().default(false),
    gender: choice(GENDERS.values, "Bitte wählen Sie das Geschlecht (oder „keine Angabe“)."),
    nationality: optionalText(100, "Die Staatsangehörigkeit"),
    languages: z
      .string()
      .trim()
      .max(300, "Die Sprachen dürfen zusammen höchstens 300 Zeichen lang sein.")
      .optional()
      .transform((v) =>
        (v ?? "")
          .split(/[,;]/)
          .map((s) => s.trim().replace(/\s+/g, " "))
          .filter(Boolean),
      )
      .refine((list) => list.length <= 10, "Bitte höchstens 10 Sprachen angeben.")
      .refine((list) => list.every((l) => l.length <= 50), "Eine Sprache darf höchstens 50 Zeichen lang sein."),
    interpreterNeeded: z.boolean().default(false),
    municipalityId: id("Bitte wählen Sie die Kommune."),
    residenceStatus: choice(RESIDENCE_STATUSES.values, "Bitte wählen Sie den Aufenthaltsstatus."),
    residenceIssuedOn: pastDate("das Ausstellungsdatum des Dokuments"),
    residenceValidUntil: anyDate("das Datum „gültig bis“"),
    arrivalDate: pastDate("das Einreisedatum"),
    unaccompanied: z.boolean().default(false),
    phone: z
      .string()
      .trim()
      .max(50, "Die Telefonnummer darf höchstens 50 Zeichen lang sein.")
      .regex(/^\+?[0-9 ()/-]{3,}$/, "Bitte geben Sie eine Telefonnummer nur mit Ziffern, Leerzeichen, +, /, - oder Klammern ein.")
      .optional(),
    email: z
      .string()
      .trim()
      .max(200, "Die E-Mail-Adresse darf höchstens 200 Zeichen lang sein.")
      .email("Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de.")
      .optional(),
    address: optionalText(300, "Die Anschrift"),
    referralSource: choice(REFERRAL_SOURCES.values, "Bitte wählen Sie den Zugangsweg."),
    referralMunicipalityId: id("Bitte wählen Sie die Kommune des Sozialamts.").optional(),
    increasedNeedDocumented: z.boolean().default(false),
    caseManagerId: z.string().uuid("Bitte wählen Sie eine Casemanager*in aus der Liste.").optional(),
    /** Set by the "Trotzdem anlegen" button of the duplicate warning. */
    confirmDuplicates: z.string().max(64).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.birthDateEstimated && !v.birthDate) {
      ctx.addIssue({
        path: ["birthDate"],
        code: z.ZodIssueCode.custom,
        message: "Bitte geben Sie ein (geschätztes) Geburtsdatum ein oder entfernen Sie „geschätzt“.",
      });
    }
    if (v.referralSource === "sozialamt" && v.referralMunicipalityId === undefined) {
      ctx.addIssue({
        path: ["referralMunicipalityId"],
        code: z.ZodIssueCode.custom,
        message: "Bitte wählen Sie, welches Sozialamt (Kommune) den Zugang vermittelt hat.",
      });
    }
    if (v.unaccompanied && v.birthDate && !v.birthDateEstimated && ageOn(v.birthDate, berlinToday()) >= 18) {
      ctx.addIssue({
        path: ["unaccompanied"],
        code: z.ZodIssueCode.custom,
        message: "„Unbegleitet eingereist“ gilt nur für Minderjährige; laut Geburtsdatum ist die Person volljährig.",
      });
    }
    if (v.residenceValidUntil && v.residenceIssuedOn && v.residenceValidUntil < v.residenceIssuedOn) {
      ctx.addIssue({
        path: ["residenceValidUntil"],
        code: z.ZodIssueCode.custom,
        message: "„Gültig bis“ darf nicht vor dem Ausstellungsdatum liegen.",
      });
    }
    if (v.arrivalDate && v.birthDate && v.arrivalDate < v.birthDate) {
      ctx.addIssue({
        path: ["arrivalDate"],
        code: z.ZodIssueCode.custom,
        message: "Das Einreisedatum kann nicht vor dem Geburtsdatum liegen.",
      });
    }
  });

export type IntakeValues = z.infer<typeof IntakeSchema>;

/** Completed years on a date. */
export function ageOn(birthDate: string, onDate: string): number {
  const [by, bm, bd] = birthDate.split("-").map(Number);
  const [y, m, d] = onDate.split("-").map(Number);
  if (!by || !bm || !bd || !y || !m || !d) return Number.NaN;
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
