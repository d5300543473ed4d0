// The forms of the Lenkungsgruppe's meeting: freezing a report edition, recording a decision on a
// structural finding and its follow-up status. Shared by the browser (conform) and the server.
import { z } from "zod";
import { isValidDate } from "../../db/reports/period";
import { DECISION_STATUSES, type DecisionStatus } from "../../workflows/vocabulary";
import { UUID_PATTERN } from "../../workflows/uuid";

function meetingDate(message: string) {
  return z
    .string({ required_error: message, invalid_type_error: message })
    .regex(/^\d{4}-\d{2}-\d{2}$/, message)
    .refine(isValidDate, "Dieses Datum gibt es nicht.")
    .refine((d) => d >= "2000-01-01" && d <= "2100-12-31", "Bitte geben Sie ein Datum zwischen 2000 und 2100 an.");
}

function text(message: string, max: number) {
  return z
    .string({ required_error: message, invalid_type_error: message })
    .trim()
    .min(1, message)
    .max(max, `Bitte höchstens ${max} Zeichen eingeben.`);
}

const decisionStatus = z.enum(DECISION_STATUSES.values as [DecisionStatus, ...DecisionStatus[]], {
  errorMap: () => ({ message: "Bitte wählen Sie einen Stand aus der Liste." }),
});

export const FreezeSchema = z.object({
  intent: z.literal("freeze"),
  bericht: text("Bitte wählen Sie zuerst den Bericht (Zeitraum und Auswahl).", 1000),
  sitzung: meetingDate("Bitte geben Sie das Datum der Sitzung an."),
});

export const DecisionSchema = z.object({
  intent: z.literal("decide"),
  findingId: z.string({ required_error: "Bitte wählen Sie eine Hürde." }).regex(UUID_PATTERN, "Bitte wählen Sie eine Hürde aus der Liste."),
  decidedOn: meetingDate("Bitte geben Sie das Datum des Beschlusses an."),
  note: text("Bitte geben Sie den Beschluss ein.", 4000),
  body: text("Bitte geben Sie an, wer zuständig ist.", 200),
  dueOn: meetingDate("Bitte geben Sie eine Frist an."),
});

export const DecisionStatusSchema = z.object({
  intent: z.literal("status"),
  decisionId: z.coerce
    .number({ invalid_type_error: "Unbekannter Beschluss." })
    .int("Unbekannter Beschluss.")
    .positive("Unbekannter Beschluss.")
    .max(2_147_483_647, "Unbekannter Beschluss."),
  fromStatus: decisionStatus,
  status: decisionStatus,
});
