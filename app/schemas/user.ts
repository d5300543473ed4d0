import { z } from "zod";
import { ROLES } from "../../workflows/vocabulary";

/** "0,5" or "0.5" → 0.5; empty → undefined. */
export const germanDecimal = z.preprocess((v) => {
  if (typeof v !== "string") return v;
  const t = v.trim().replace(",", ".");
  return t === "" ? undefined : Number(t);
}, z.number({ invalid_type_error: "Bitte geben Sie eine Zahl ein, z. B. 0,75." }).optional());

const userFields = {
  displayName: z
    .string({ required_error: "Bitte geben Sie den Namen ein." })
    .trim()
    .min(1, "Bitte geben Sie den Namen ein.")
    .max(200, "Der Name darf höchstens 200 Zeichen lang sein."),
  email: z.string().trim().email("Bitte geben Sie eine gültige E-Mail-Adresse ein.").max(200).optional(),
  role: z.enum(ROLES.values as [string, ...string[]], {
    required_error: "Bitte wählen Sie eine Rolle.",
    invalid_type_error: "Bitte wählen Sie eine Rolle.",
  }),
  organisationId: z.coerce
    .number({ required_error: "Bitte wählen Sie eine Organisation.", invalid_type_error: "Bitte wählen Sie eine Organisation." })
    .int()
    .positive("Bitte wählen Sie eine Organisation."),
  fte: germanDecimal.pipe(
    z
      .number()
      .min(0.05, "Der Stellenanteil muss zwischen 0,05 und 1 liegen.")
      .max(1, "Der Stellenanteil muss zwischen 0,05 und 1 liegen.")
      .optional(),
  ),
};

function requireFteForCaseManagers(value: { role: string; fte?: number | undefined }, ctx: z.RefinementCtx) {
  if (value.role === "case_manager" && value.fte === undefined) {
    ctx.addIssue({
      path: ["fte"],
      code: z.ZodIssueCode.custom,
      message: "Für Casemanager*innen ist der Stellenanteil (VZÄ) erforderlich.",
    });
  }
}

export const CreateUserSchema = z
  .object({
    intent: z.literal("create"),
    username: z
      .string({ required_error: "Bitte geben Sie einen Benutzernamen ein." })
      .trim()
      .toLowerCase()
      .regex(
        /^[a-z0-9._-]{3,64}$/,
        "Der Benutzername muss 3 bis 64 Zeichen lang sein und darf nur Kleinbuchstaben, Ziffern, Punkt, Binde- und Unterstrich enthalten.",
      ),
    password: z.string({ required_error: "Bitte vergeben Sie ein Startpasswort." }),
    ...userFields,
  })
  .superRefine(requireFteForCaseManagers);

export const UpdateUserSchema = z
  .object({
    intent: z.literal("update"),
    ...userFields,
    active: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()),
    newPassword: z.string().optional(),
  })
  .superRefine(requireFteForCaseManagers);
