// The report's URL search parameters (German names, shared by the page and both exports), validated
// with zod: bad input gives German field messages and the page answers 400 with the values kept.
import { parseWithZod } from "@conform-to/zod";
import { z } from "zod";
import {
  type ReportFilter,
  type SplitDimension,
  berlinToday,
  bucketsOf,
  daysInclusive,
  isValidDate,
  monthPeriod,
  quarterPeriod,
  yearPeriod,
} from "../../db/reports/period";
import { REFERRAL_SOURCES, TARGET_GROUPS } from "../../workflows/vocabulary";
import { PERIOD_TYPES, type PeriodType, SPLIT_PARAMS, type SplitParam } from "./options";

const MAX_DAYS = 3653; // ten years
const MAX_BUCKETS = { month: 36, quarter: 40 } as const;

const year = z
  .number({ invalid_type_error: "Bitte geben Sie das Jahr als Zahl an, z. B. 2025." })
  .int("Bitte geben Sie das Jahr als ganze Zahl an.")
  .min(2000, "Bitte geben Sie ein Jahr zwischen 2000 und 2100 an.")
  .max(2100, "Bitte geben Sie ein Jahr zwischen 2000 und 2100 an.")
  .optional();

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Bitte geben Sie ein Datum im Format TT.MM.JJJJ an.")
  .refine(isValidDate, "Dieses Datum gibt es nicht.")
  .refine((d) => d >= "2000-01-01" && d <= "2100-12-31", "Bitte geben Sie ein Datum zwischen 2000 und 2100 an.")
  .optional();

function enumOf<T extends string>(values: readonly T[], message: string) {
  return z.enum(values as [T, ...T[]], { errorMap: () => ({ message }) });
}

function validRange(v: { von?: string | undefined; bis?: string | undefined }): boolean {
  return v.von !== undefined && v.bis !== undefined && isValidDate(v.von) && isValidDate(v.bis);
}

const validYear = (y: number | undefined) => y !== undefined && Number.isInteger(y) && y >= 2000 && y <= 2100;

export const ReportQuerySchema = z
  .object({
    zeitraum: enumOf(Object.keys(PERIOD_TYPES) as PeriodType[], "Bitte wählen Sie Jahr, Quartal, Monat oder einen freien Zeitraum."),
    jahr: year,
    quartal: z
      .number({ invalid_type_error: "Bitte wählen Sie ein Quartal." })
      .int("Bitte wählen Sie ein Quartal.")
      .min(1, "Bitte wählen Sie ein Quartal von 1 bis 4.")
      .max(4, "Bitte wählen Sie ein Quartal von 1 bis 4.")
      .optional(),
    monat: z
      .number({ invalid_type_error: "Bitte wählen Sie einen Monat." })
      .int("Bitte wählen Sie einen Monat.")
      .min(1, "Bitte wählen Sie einen Monat von Januar bis Dezember.")
      .max(12, "Bitte wählen Sie einen Monat von Januar bis Dezember.")
      .optional(),
    von: date,
    bis: date,
    aufteilung: enumOf(Object.keys(SPLIT_PARAMS) as SplitParam[], "Bitte wählen Sie eine der angebotenen Aufteilungen.").default(
      "keine",
    ),
    zielgruppe: enumOf(TARGET_GROUPS.values, "Bitte wählen Sie eine der angebotenen Zielgruppen.").optional(),
    kommune: z
      .number({ invalid_type_error: "Bitte wählen Sie eine der angebotenen Kommunen." })
      .int("Bitte wählen Sie eine der angebotenen Kommunen.")
      .positive("Bitte wählen Sie eine der angebotenen Kommunen.")
      .max(2_147_483_647, "Bitte wählen Sie eine der angebotenen Kommunen.")
      .optional(),
    zugangsweg: enumOf(REFERRAL_SOURCES.values, "Bitte wählen Sie einen der angebotenen Zugangswege.").optional(),
    organisation: z
      .number({ invalid_type_error: "Bitte wählen Sie einen der angebotenen Träger." })
      .int("Bitte wählen Sie einen der angebotenen Träger.")
      .positive("Bitte wählen Sie einen der angebotenen Träger.")
      .max(2_147_483_647, "Bitte wählen Sie einen der angebotenen Träger.")
      .optional(),
  })
  .superRefine((v, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
    if (v.zeitraum !== "frei" && v.jahr === undefined) issue("jahr", "Bitte geben Sie ein Jahr an.");
    if (v.zeitraum === "quartal" && v.quartal === undefined) issue("quartal", "Bitte wählen Sie ein Quartal.");
    if (v.zeitraum === "monat" && v.monat === undefined) issue("monat", "Bitte wählen Sie einen Monat.");
    if (v.zeitraum === "frei") {
      if (v.von === undefined) issue("von", "Bitte geben Sie den Beginn des Zeitraums an.");
      if (v.bis === undefined) issue("bis", "Bitte geben Sie das Ende des Zeitraums an.");
      // refinements run even when a date failed its own check: compare only valid dates
      if (validRange(v) && (v.bis as string) < (v.von as string)) issue("bis", "Das Ende darf nicht vor dem Beginn liegen.");
      if (validRange(v) && (v.bis as string) >= (v.von as string) && daysInclusive(v.von as string, v.bis as string) > MAX_DAYS) {
        issue("bis", "Der Zeitraum darf höchstens zehn Jahre umfassen.");
      }
    }
  });

export type ReportQuery = z.output<typeof ReportQuerySchema>;

/** The period a valid query stands for. */
export function periodOfQuery(q: ReportQuery): { from: string; to: string } {
  switch (q.zeitraum) {
    case "jahr":
      return yearPeriod(q.jahr as number);
    case "quartal":
      return quarterPeriod(q.jahr as number, q.quartal as number);
    case "monat":
      return monthPeriod(q.jahr as number, q.monat as number);
    case "frei":
      return { from: q.von as string, to: q.bis as string };
  }
}

export interface ParsedReportRequest {
  filter: ReportFilter;
  split: SplitDimension;
  query: ReportQuery;
  /** The normalised search string (for export links with the same filters). */
  search: string;
}

/** Only the parameters that belong to the chosen period type, in a stable order. */
export function searchOf(q: ReportQuery): string {
  const p = new URLSearchParams();
  p.set("zeitraum", q.zeitraum);
  if (q.zeitraum !== "frei") p.set("jahr", String(q.jahr));
  if (q.zeitraum === "quartal") p.set("quartal", String(q.quartal));
  if (q.zeitraum === "monat") p.set("monat", String(q.monat));
  if (q.zeitraum === "frei") {
    p.set("von", q.von as string);
    p.set("bis", q.bis as string);
  }
  p.set("aufteilung", q.aufteilung);
  if (q.zielgruppe) p.set("zielgruppe", q.zielgruppe);
  if (q.kommune !== undefined) p.set("kommune", String(q.kommune));
  if (q.zugangsweg) p.set("zugangsweg", q.zugangsweg);
  if (q.organisation !== undefined) p.set("organisation", String(q.organisation));
  return p.toString();
}

/**
 * Parses the search parameters. Without any, the report shows the current year. Municipalities and
 * organisations are checked against the known ids (passed in), so an unknown id is a field error, not an
 * empty report.
 */
export function parseReportQuery(
  params: URLSearchParams,
  options: { municipalityIds: number[]; organisationIds?: number[]; today?: string },
) {
  const today = options.today ?? berlinToday();
  const relevant = [...params.keys()].some((k) => k in ReportQuerySchema.innerType().shape);
  const input = relevant ? params : new URLSearchParams({ zeitraum: "jahr", jahr: today.slice(0, 4) });
  const submission = parseWithZod(input, {
    schema: ReportQuerySchema.superRefine((v, ctx) => {
      if (v.kommune !== undefined && !options.municipalityIds.includes(v.kommune)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["kommune"], message: "Diese Kommune ist nicht bekannt." });
      }
      if (v.organisation !== undefined && !(options.organisationIds ?? []).includes(v.organisation)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["organisation"], message: "Dieser Träger ist nicht bekannt." });
      }
      const split: SplitDimension = SPLIT_PARAMS[v.aufteilung];
      const periodValid =
        v.zeitraum === "frei"
          ? validRange(v) && (v.von as string) <= (v.bis as string)
          : validYear(v.jahr) &&
            (v.zeitraum !== "quartal" || (v.quartal !== undefined && v.quartal >= 1 && v.quartal <= 4)) &&
            (v.zeitraum !== "monat" || (v.monat !== undefined && v.monat >= 1 && v.monat <= 12));
      if ((split === "month" || split === "quarter") && periodValid) {
        const buckets = bucketsOf(periodOfQuery(v), split).length;
        if (buckets > MAX_BUCKETS[split]) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ["aufteilung"],
            message:
              split === "month"
                ? `Die Aufteilung nach Monat ist für höchstens ${MAX_BUCKETS.month} Monate möglich.`
                : `Die Aufteilung nach Quartal ist für höchstens ${MAX_BUCKETS.quarter} Quartale möglich.`,
          });
        }
      }
    }),
  });
  if (submission.status !== "success") return { ok: false as const, submission };
  const q = submission.value;
  const request: ParsedReportRequest = {
    filter: {
      ...periodOfQuery(q),
      targetGroup: q.zielgruppe ?? null,
      municipalityId: q.kommune ?? null,
      referralSource: q.zugangsweg ?? null,
      organisationId: q.organisation ?? null,
    },
    split: SPLIT_PARAMS[q.aufteilung],
    query: q,
    search: searchOf(q),
  };
  return { ok: true as const, submission, request };
}
