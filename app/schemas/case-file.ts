// The forms of the client file (Fallakte): one zod schema per intent, shared by the browser (conform's
// onValidate) and the server (the route's one action). Every form posts `intent`; case-event forms
// also post the case's `rowVersion`, referral forms the referral's `referralVersion`.
import type { SubmissionResult } from "@conform-to/react";
import { z } from "zod";
import type { CaseEventType } from "../../workflows/case-machine";
import {
  CLOSURE_REASONS,
  CONSENT_GIVERS,
  CONTACT_TYPES,
  type CasePhase,
  type ClosureReason,
  type ConsentGiver,
  type ContactType,
  GENDERS,
  GOAL_STATUSES,
  type Gender,
  type GoalEvaluation,
  IDENTITY_STEPS,
  type IdentityStep,
  NEED_DOMAINS,
  NEED_LEVELS,
  type NeedDomain,
  type NeedLevel,
  RESIDENCE_STATUSES,
  type ResidenceStatus,
  TARGET_GROUPS,
  type TargetGroup,
} from "../../workflows/vocabulary";
import { UUID_PATTERN } from "../../workflows/uuid";
import type { CaseCandidates } from "~/db.server";

// ---------------------------------------------------------------------------
// Field helpers (German messages)

function choice<T extends string>(values: readonly T[], message: string) {
  return z.enum(values as [T, ...T[]], { required_error: message, invalid_type_error: message, message });
}

function requiredText(message: string, max: number) {
  return z
    .string({ required_error: message, invalid_type_error: message })
    .trim()
    .min(1, message)
    .max(max, `Bitte höchstens ${max} Zeichen eingeben.`);
}

function optionalText(max: number) {
  return z.string().trim().max(max, `Bitte höchstens ${max} Zeichen eingeben.`).optional();
}

function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d && y >= 1900 && y <= 2100;
}

function requiredDate(message: string) {
  return z
    .string({ required_error: message, invalid_type_error: message })
    .refine(isCalendarDate, "Bitte ein gültiges Datum eingeben (TT.MM.JJJJ).");
}

const optionalDate = z.string().refine(isCalendarDate, "Bitte ein gültiges Datum eingeben (TT.MM.JJJJ).").optional();

function uuid(message: string) {
  return z.string({ required_error: message, invalid_type_error: message }).regex(UUID_PATTERN, message);
}

const rowVersion = z.number({ required_error: "Version fehlt.", invalid_type_error: "Version fehlt." }).int().positive();

const caseEvent = <T extends CaseEventType>(intent: T) => ({ intent: z.literal(intent), rowVersion });

// ---------------------------------------------------------------------------
// Case events (each becomes a CaseCommand for applyCaseEvent)

const CLOSE_REASON_VALUES = CLOSURE_REASONS.values.filter(
  (r): r is Exclude<ClosureReason, "nicht_zustaendig"> => r !== "nicht_zustaendig",
);
const GOAL_EVALUATION_VALUES = GOAL_STATUSES.values.filter((s): s is GoalEvaluation => s !== "vereinbart");
const TARGET_GROUP_MESSAGE = "Bitte eine Zielgruppe auswählen.";

export const CASE_EVENT_SCHEMAS = {
  RECORD_CONTACT: z.object({
    ...caseEvent("RECORD_CONTACT"),
    contactType: choice<ContactType>(CONTACT_TYPES.values, "Bitte die Art des Kontakts auswählen."),
    minutes: z
      .number({ required_error: "Bitte die Dauer in Minuten angeben.", invalid_type_error: "Bitte eine ganze Zahl eingeben." })
      .int("Bitte eine ganze Zahl eingeben.")
      .min(1, "Die Dauer muss zwischen 1 und 1440 Minuten liegen.")
      .max(1440, "Die Dauer muss zwischen 1 und 1440 Minuten liegen."),
    withInterpreter: z.boolean().default(false),
    note: optionalText(4000),
  }),
  REJECT_NOT_ELIGIBLE: z.object({
    ...caseEvent("REJECT_NOT_ELIGIBLE"),
    reason: requiredText("Bitte eine Begründung angeben.", 1000),
  }),
  CLASSIFY: z.object({
    ...caseEvent("CLASSIFY"),
    targetGroup: choice<TargetGroup>(TARGET_GROUPS.values, TARGET_GROUP_MESSAGE),
  }),
  CLOSE_NOT_TARGET_GROUP: z.object({ ...caseEvent("CLOSE_NOT_TARGET_GROUP"), note: optionalText(1000) }),
  RECORD_ASSESSMENT: z.object({
    ...caseEvent("RECORD_ASSESSMENT"),
    domain: choice<NeedDomain>(NEED_DOMAINS.values, "Bitte ein Bedarfsfeld auswählen."),
    level: choice<NeedLevel>(NEED_LEVELS.values, "Bitte den Bedarf einschätzen."),
    note: optionalText(4000),
  }),
  COMPLETE_ASSESSMENT: z.object(caseEvent("COMPLETE_ASSESSMENT")),
  AGREE_GOAL: z.object({
    ...caseEvent("AGREE_GOAL"),
    title: requiredText("Bitte das Ziel benennen.", 300),
    domain: choice<NeedDomain>(NEED_DOMAINS.values, "Bitte ein Bedarfsfeld auswählen."),
    targetDate: optionalDate,
    description: optionalText(4000),
  }),
  START_WORK: z.object(caseEvent("START_WORK")),
  EVALUATE_GOAL: z.object({
    ...caseEvent("EVALUATE_GOAL"),
    goalId: uuid("Bitte ein Ziel auswählen."),
    result: choice<GoalEvaluation>(GOAL_EVALUATION_VALUES, "Bitte eine Bewertung auswählen."),
    note: optionalText(4000),
  }),
  BEGIN_CLOSURE: z.object(caseEvent("BEGIN_CLOSURE")),
  CANCEL_CLOSURE: z.object(caseEvent("CANCEL_CLOSURE")),
  CLOSE: z.object({
    ...caseEvent("CLOSE"),
    reason: choice(CLOSE_REASON_VALUES, "Bitte einen Abschlussgrund auswählen."),
    note: optionalText(1000),
  }),
  TRANSFER: z.object({
    ...caseEvent("TRANSFER"),
    toCaseManagerId: uuid("Bitte eine Casemanager*in auswählen."),
    note: optionalText(1000),
    // only for a transfer to another organisation (Träger): the client's consent or a legal basis;
    // completeness is checked with the transfer (app/case-file.server.ts), the target decides whether it is needed
    basis: z.enum(["einwilligung", "rechtsgrundlage"]).optional(),
    consentGivenOn: optionalDate,
    consentGivenBy: choice<ConsentGiver>(CONSENT_GIVERS.values, "Bitte angeben, wer eingewilligt hat.").optional(),
    legalBasis: optionalText(2000),
  }),
  SET_DEPUTY: z.object({
    ...caseEvent("SET_DEPUTY"),
    deputyId: z.union([z.literal("keine"), uuid("Bitte eine Vertretung auswählen.")], {
      errorMap: () => ({ message: "Bitte eine Vertretung auswählen." }),
    }),
  }),
  PAUSE: z.object({ ...caseEvent("PAUSE"), reason: requiredText("Bitte einen Grund angeben.", 1000) }),
  RESUME: z.object(caseEvent("RESUME")),
  RECLASSIFY: z.object({
    ...caseEvent("RECLASSIFY"),
    targetGroup: choice<TargetGroup>(TARGET_GROUPS.values, TARGET_GROUP_MESSAGE),
  }),
  RECORD_IDENTITY_STEP: z.object({
    ...caseEvent("RECORD_IDENTITY_STEP"),
    step: choice<IdentityStep>(IDENTITY_STEPS.values, "Bitte einen Schritt auswählen."),
    occurredOn: requiredDate("Bitte das Datum angeben."),
    note: optionalText(4000),
  }),
  REOPEN: z.object({ ...caseEvent("REOPEN"), reason: requiredText("Bitte einen Grund für die Wiedereröffnung angeben.", 1000) }),
} satisfies Partial<Record<CaseEventType, z.AnyZodObject>>;

export type CaseEventIntent = keyof typeof CASE_EVENT_SCHEMAS;

// ---------------------------------------------------------------------------
// Everything else on the page

const referralTarget = {
  referralId: uuid("Die Vermittlung fehlt."),
  referralVersion: rowVersion,
};

const partnerId = z
  .number({ required_error: "Bitte einen Partner auswählen.", invalid_type_error: "Bitte einen Partner auswählen." })
  .int()
  .positive("Bitte einen Partner auswählen.");

const SIGNED_DOCUMENT_MESSAGE = "Das unterschriebene Dokument ist nicht vollständig angegeben. Bitte drucken Sie es neu.";
const documentRef = z.coerce
  .number({ invalid_type_error: SIGNED_DOCUMENT_MESSAGE })
  .int(SIGNED_DOCUMENT_MESSAGE)
  .positive(SIGNED_DOCUMENT_MESSAGE)
  .max(2_147_483_647, SIGNED_DOCUMENT_MESSAGE)
  .optional();

export const OTHER_SCHEMAS = {
  UPDATE_CLIENT: z.object({
    intent: z.literal("UPDATE_CLIENT"),
    clientVersion: z.string({ required_error: "Version fehlt." }).min(1).max(64),
    firstName: requiredText("Bitte den Vornamen angeben.", 100),
    lastName: requiredText("Bitte den Nachnamen angeben.", 100),
    birthDate: optionalDate,
    birthDateEstimated: z.boolean().default(false),
    gender: choice<Gender>(GENDERS.values, "Bitte eine Angabe auswählen."),
    nationality: optionalText(100),
    languages: optionalText(300),
    interpreterNeeded: z.boolean().default(false),
    municipalityId: z
      .number({ required_error: "Bitte den Wohnort auswählen.", invalid_type_error: "Bitte den Wohnort auswählen." })
      .int()
      .positive("Bitte den Wohnort auswählen."),
    residenceStatus: choice<ResidenceStatus>(RESIDENCE_STATUSES.values, "Bitte den Aufenthaltsstatus auswählen."),
    arrivalDate: optionalDate,
    unaccompanied: z.boolean().default(false),
    phone: optionalText(50),
    email: z.string().trim().email("Bitte eine gültige E-Mail-Adresse eingeben.").max(200).optional(),
    address: optionalText(300),
  }),
  PLAN_REFERRAL: z.object({
    intent: z.literal("PLAN_REFERRAL"),
    partnerId,
    needDomain: choice<NeedDomain>(NEED_DOMAINS.values, "Bitte ein Bedarfsfeld auswählen."),
    goalId: z.string().regex(UUID_PATTERN, "Bitte ein Ziel auswählen.").optional(),
    note: optionalText(2000),
  }),
  REFERRAL_SEND: z.object({
    intent: z.literal("REFERRAL_SEND"),
    ...referralTarget,
    sharesData: z.boolean().default(false),
    legalBasis: optionalText(500),
  }),
  REFERRAL_ACCEPT: z.object({ intent: z.literal("REFERRAL_ACCEPT"), ...referralTarget }),
  REFERRAL_COMPLETE: z.object({ intent: z.literal("REFERRAL_COMPLETE"), ...referralTarget }),
  REFERRAL_DECLINE: z.object({
    intent: z.literal("REFERRAL_DECLINE"),
    ...referralTarget,
    reason: requiredText("Bitte den Grund der Ablehnung angeben.", 1000),
  }),
  REFERRAL_CANCEL: z.object({ intent: z.literal("REFERRAL_CANCEL"), ...referralTarget, reason: optionalText(1000) }),
  ADD_CONSENT: z
    .object({
      intent: z.literal("ADD_CONSENT"),
      partnerId,
      scope: requiredText("Bitte den Umfang der Einwilligung beschreiben.", 1000),
      givenAt: requiredDate("Bitte das Datum der Einwilligung angeben."),
      givenBy: choice<ConsentGiver>(CONSENT_GIVERS.values, "Bitte angeben, wer die Einwilligung erteilt hat."),
      givenByName: optionalText(200),
      validUntil: optionalDate,
      // Set by the print page: which template versions and language the client signed.
      documentTemplateId: documentRef,
      documentTranslationId: documentRef,
      documentLanguage: z.string().regex(/^[a-z]{2,3}$/, SIGNED_DOCUMENT_MESSAGE).optional(),
    })
    .refine((v) => (v.documentTemplateId === undefined) === (v.documentLanguage === undefined), {
      path: ["documentLanguage"],
      message: SIGNED_DOCUMENT_MESSAGE,
    })
    .refine((v) => !v.validUntil || v.validUntil >= v.givenAt, {
      path: ["validUntil"],
      message: "Das Ende der Gültigkeit darf nicht vor dem Datum der Einwilligung liegen.",
    }),
  REVOKE_CONSENT: z.object({ intent: z.literal("REVOKE_CONSENT"), consentId: uuid("Die Einwilligung fehlt.") }),
  ADD_FOLLOW_UP: z.object({
    intent: z.literal("ADD_FOLLOW_UP"),
    dueOn: requiredDate("Bitte das Datum der Wiedervorlage angeben."),
    note: requiredText("Bitte eine Notiz angeben.", 1000),
  }),
  COMPLETE_FOLLOW_UP: z.object({ intent: z.literal("COMPLETE_FOLLOW_UP"), followUpId: uuid("Die Wiedervorlage fehlt.") }),
  RECORD_RESIDENCE: z
    .object({
      intent: z.literal("RECORD_RESIDENCE"),
      status: choice<ResidenceStatus>(RESIDENCE_STATUSES.values, "Bitte den Aufenthaltsstatus auswählen."),
      issuedOn: optionalDate,
      validUntil: optionalDate,
      authorityPartnerId: z
        .number({ invalid_type_error: "Bitte eine Ausländerbehörde aus der Liste auswählen." })
        .int("Bitte eine Ausländerbehörde aus der Liste auswählen.")
        .positive("Bitte eine Ausländerbehörde aus der Liste auswählen.")
        .optional(),
      note: optionalText(1000),
    })
    .refine((v) => !v.validUntil || !v.issuedOn || v.validUntil >= v.issuedOn, {
      path: ["validUntil"],
      message: "„Gültig bis“ darf nicht vor dem Ausstellungsdatum liegen.",
    }),
};

export const CASE_FILE_SCHEMAS = { ...CASE_EVENT_SCHEMAS, ...OTHER_SCHEMAS };
export type CaseFileIntent = keyof typeof CASE_FILE_SCHEMAS;
export type CaseFileSchema<I extends CaseFileIntent> = (typeof CASE_FILE_SCHEMAS)[I];
export type CaseFileValue = { [I in CaseFileIntent]: z.output<CaseFileSchema<I>> }[CaseFileIntent];

export function isCaseFileIntent(value: unknown): value is CaseFileIntent {
  return typeof value === "string" && Object.hasOwn(CASE_FILE_SCHEMAS, value);
}

export function isCaseEventIntent(value: unknown): value is CaseEventIntent {
  return typeof value === "string" && Object.hasOwn(CASE_EVENT_SCHEMAS, value);
}

/** The DOM id of a form: one per intent, and per row for forms that act on one referral, consent or follow-up. */
export function formIdFor(intent: string, targetId?: string | null): string {
  const safeIntent = intent.replace(/[^A-Z_]/g, "");
  const safeTarget = targetId ? targetId.replace(/[^0-9a-f-]/gi, "") : "";
  return safeTarget ? `cf-${safeIntent}-${safeTarget}` : `cf-${safeIntent}`;
}

/** The row a per-row form acts on, read from the raw form data (also when validation failed). */
export function targetIdOf(formData: FormData): string | null {
  for (const key of ["referralId", "consentId", "followUpId"]) {
    const value = formData.get(key);
    if (typeof value === "string" && value) return value;
  }
  return null;
}

/** Confirmation shown (role=status) after a successful submit, keyed by intent (never free text in the URL). */
export const CONFIRMATIONS: Record<CaseFileIntent, string> = {
  RECORD_CONTACT: "Kontakt dokumentiert.",
  REJECT_NOT_ELIGIBLE: "Der Fall wurde als nicht zuständig abgeschlossen.",
  CLASSIFY: "Zielgruppe zugeordnet.",
  CLOSE_NOT_TARGET_GROUP: "Der Fall wurde abgeschlossen (keine Zielgruppe).",
  RECORD_ASSESSMENT: "Bedarf eingeschätzt.",
  COMPLETE_ASSESSMENT: "Assessment abgeschlossen.",
  AGREE_GOAL: "Ziel vereinbart.",
  START_WORK: "Der Hilfeplan wird umgesetzt.",
  EVALUATE_GOAL: "Ziel bewertet.",
  BEGIN_CLOSURE: "Abschluss eingeleitet.",
  CANCEL_CLOSURE: "Abschluss abgebrochen.",
  CLOSE: "Fall abgeschlossen.",
  TRANSFER: "Fall übergeben.",
  SET_DEPUTY: "Vertretung gespeichert.",
  PAUSE: "Der Fall ruht.",
  RESUME: "Der Fall wurde wieder aufgenommen.",
  RECLASSIFY: "Zielgruppe neu zugeordnet.",
  RECORD_IDENTITY_STEP: "Schritt zur Identitätsklärung dokumentiert.",
  REOPEN: "Fall wiedereröffnet.",
  UPDATE_CLIENT: "Persönliche Daten gespeichert.",
  PLAN_REFERRAL: "Vermittlung geplant.",
  REFERRAL_SEND: "Vermittlung versendet.",
  REFERRAL_ACCEPT: "Annahme der Vermittlung erfasst.",
  REFERRAL_COMPLETE: "Vermittlung abgeschlossen.",
  REFERRAL_DECLINE: "Ablehnung der Vermittlung erfasst.",
  REFERRAL_CANCEL: "Vermittlung abgebrochen.",
  ADD_CONSENT: "Einwilligung erfasst.",
  REVOKE_CONSENT: "Einwilligung widerrufen.",
  ADD_FOLLOW_UP: "Wiedervorlage angelegt.",
  COMPLETE_FOLLOW_UP: "Wiedervorlage erledigt.",
  RECORD_RESIDENCE: "Aufenthaltsstatus erfasst.",
};

/** What the action answers when a submit is refused (400 bad input, 403, 409, 422). */
export interface CaseFileActionData {
  formId: string;
  result: SubmissionResult<string[]>;
  /** On a 409 of a case event: the phase the case is in now. */
  currentPhase?: CasePhase;
  stale?: boolean;
  /** A refused deputy or transfer form: its choices, so it shows again complete (null: the case is out of sight). */
  candidates?: CaseCandidates | null;
}
