// Target-group definitions are data: the Lenkungsgruppe decides, the coordinators record a new version
// with a valid-from date. Rows are never changed; a case keeps the definition it was classified with
// (cases.target_group_definition_id), and currentDefinition() picks the version for new classifications.
import type { Kysely } from "kysely";
import { hasPermission } from "../workflows/permissions";
import { type TargetGroupDefinition, type TargetGroupRules, describeDefinition } from "../workflows/target-groups";
import {
  REFERRAL_SOURCES,
  RESIDENCE_STATUSES,
  TARGET_GROUPS,
  type ReferralSource,
  type ResidenceStatus,
  type TargetGroup,
} from "../workflows/vocabulary";
import type { Actor } from "./access";
import { writeAudit } from "./audit";
import type { Database } from "./schema";

/** The rules of a definition as German sentences, one per rule (an empty rule set admits everyone). */
export function describeRules(rules: TargetGroupRules): string[] {
  const lines: string[] = [];
  if (rules.maxAgeAtIntake !== undefined) {
    lines.push(`Bei Aufnahme höchstens ${rules.maxAgeAtIntake} Jahre alt (unter ${rules.maxAgeAtIntake + 1} Jahren).`);
  }
  if (rules.requiresUnaccompanied) lines.push("Ohne Eltern bzw. Sorgeberechtigte eingereist (unbegleitet).");
  if (rules.residenceStatusIn?.length) {
    lines.push(`Aufenthaltsstatus: ${rules.residenceStatusIn.map((s) => RESIDENCE_STATUSES.label[s] ?? s).join("; ")}.`);
  }
  if (rules.referralSourceIn?.length) {
    lines.push(`Zugangsweg: ${rules.referralSourceIn.map((s) => REFERRAL_SOURCES.label[s] ?? s).join(", ")}.`);
  }
  if (rules.requiresIncreasedNeedDocumented) {
    lines.push("Erhöhter Unterstützungsbedarf von der zuweisenden Stelle dokumentiert.");
  }
  if (lines.length === 0) lines.push("Keine Einschränkung.");
  return lines;
}

/** Only known keys and values, lists in vocabulary order, no empty lists or false flags. */
export function normaliseRules(input: TargetGroupRules): TargetGroupRules {
  const rules: TargetGroupRules = {};
  if (input.maxAgeAtIntake !== undefined && Number.isInteger(input.maxAgeAtIntake)) rules.maxAgeAtIntake = input.maxAgeAtIntake;
  const statuses = RESIDENCE_STATUSES.values.filter((s) => input.residenceStatusIn?.includes(s));
  if (statuses.length) rules.residenceStatusIn = statuses;
  const sources = REFERRAL_SOURCES.values.filter((s) => input.referralSourceIn?.includes(s));
  if (sources.length) rules.referralSourceIn = sources;
  if (input.requiresIncreasedNeedDocumented) rules.requiresIncreasedNeedDocumented = true;
  if (input.requiresUnaccompanied) rules.requiresUnaccompanied = true;
  return rules;
}

function parseRules(value: unknown): TargetGroupRules {
  const raw = (typeof value === "string" ? JSON.parse(value) : value) as Record<string, unknown> | null;
  if (!raw || typeof raw !== "object") return {};
  return normaliseRules({
    maxAgeAtIntake: typeof raw.maxAgeAtIntake === "number" ? raw.maxAgeAtIntake : undefined,
    residenceStatusIn: Array.isArray(raw.residenceStatusIn) ? (raw.residenceStatusIn as ResidenceStatus[]) : undefined,
    referralSourceIn: Array.isArray(raw.referralSourceIn) ? (raw.referralSourceIn as ReferralSource[]) : undefined,
    requiresIncreasedNeedDocumented: raw.requiresIncreasedNeedDocumented === true,
    requiresUnaccompanied: raw.requiresUnaccompanied === true,
  });
}

export interface TargetGroupVersion {
  id: number;
  version: number;
  validFrom: string;
  rules: TargetGroupRules;
  /** e.g. „Unbegleitete minderjährige Flüchtlinge (UMF)“ (Definition v2) */
  title: string;
  ruleLines: string[];
  description: string;
  createdByName: string | null;
  createdAt: Date;
  /** "current": used for classifications today; "scheduled": valid from a later date; "superseded". */
  status: "current" | "scheduled" | "superseded";
}

export interface TargetGroupWithVersions {
  code: TargetGroup;
  label: string;
  versions: TargetGroupVersion[];
}

/** Every version of every target group, newest first, with who recorded it and whether it applies today. */
export async function listTargetGroupVersions(db: Kysely<Database>, { today }: { today: string }) {
  const rows = await db
    .selectFrom("target_group_definitions as d")
    .leftJoin("users", "users.id", "d.created_by")
    .select([
      "d.id",
      "d.code",
      "d.version",
      "d.valid_from",
      "d.rules",
      "d.description",
      "d.created_at",
      "users.display_name as created_by_name",
    ])
    .orderBy("d.code")
    .orderBy("d.version", "desc")
    .execute();
  return TARGET_GROUPS.values.map((code): TargetGroupWithVersions => {
    const mine = rows.filter((r) => r.code === code);
    const currentVersion = mine.find((r) => r.valid_from <= today)?.version;
    return {
      code,
      label: TARGET_GROUPS.label[code],
      versions: mine.map((r) => {
        const definition: TargetGroupDefinition = { code, version: r.version, rules: parseRules(r.rules) };
        return {
          id: r.id,
          version: r.version,
          validFrom: r.valid_from,
          rules: definition.rules,
          title: describeDefinition(definition),
          ruleLines: describeRules(definition.rules),
          description: r.description,
          createdByName: r.created_by_name,
          createdAt: r.created_at,
          status: r.version === currentVersion ? "current" : r.valid_from > today ? "scheduled" : "superseded",
        };
      }),
    };
  });
}

export interface NewTargetGroupVersionInput {
  code: TargetGroup;
  validFrom: string;
  rules: TargetGroupRules;
  /** Decision or reason (e.g. "Beschluss der Lenkungsgruppe vom …"); no client data. */
  note?: string | null;
}

export type NewTargetGroupVersionResult =
  | { ok: true; id: number; version: number; title: string }
  | { ok: false; status: 400 | 403 | 409; field?: "validFrom" | "rules"; message: string };

function germanDate(isoDate: string): string {
  const [y, m, d] = isoDate.split("-");
  return `${d}.${m}.${y}`;
}

/**
 * Records version max+1 of a target group. The valid-from date may not lie in the past (a definition
 * never changes history) and must lie after the valid-from date of the latest version, so that the
 * highest version whose date has passed is always the one in force.
 */
export async function createTargetGroupVersion(
  db: Kysely<Database>,
  actor: Actor,
  input: NewTargetGroupVersionInput,
  { today }: { today: string },
): Promise<NewTargetGroupVersionResult> {
  if (!hasPermission(actor.role, "manage:target-groups:any")) {
    return { ok: false, status: 403, message: "Für Zielgruppen fehlt Ihnen die Berechtigung." };
  }
  if (!TARGET_GROUPS.values.includes(input.code)) {
    return { ok: false, status: 400, message: "Unbekannte Zielgruppe." };
  }
  const rules = normaliseRules(input.rules);
  if (Object.keys(rules).length === 0) {
    return {
      ok: false,
      status: 400,
      field: "rules",
      message: "Bitte legen Sie mindestens eine Regel fest; ohne Regeln gehörte jede Person zur Zielgruppe.",
    };
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.validFrom) || input.validFrom < today) {
    return {
      ok: false,
      status: 400,
      field: "validFrom",
      message: `„Gültig ab“ darf nicht in der Vergangenheit liegen (frühestens heute, ${germanDate(today)}).`,
    };
  }
  try {
    return await db.transaction().execute(async (trx): Promise<NewTargetGroupVersionResult> => {
      // Serialise concurrent versions of the same group (the seed always provides version 1).
      const latest = await trx
        .selectFrom("target_group_definitions")
        .select(["version", "valid_from"])
        .where("code", "=", input.code)
        .orderBy("version", "desc")
        .forUpdate()
        .execute()
        .then((r) => r[0]);
      if (latest && input.validFrom <= latest.valid_from) {
        return {
          ok: false,
          status: 400,
          field: "validFrom",
          message: `„Gültig ab“ muss nach dem Beginn der letzten Version liegen (v${latest.version}, gültig ab ${germanDate(latest.valid_from)}).`,
        };
      }
      const version = (latest?.version ?? 0) + 1;
      const definition: TargetGroupDefinition = { code: input.code, version, rules };
      const title = describeDefinition(definition);
      const inserted = await trx
        .insertInto("target_group_definitions")
        .values({
          code: input.code,
          version,
          name: TARGET_GROUPS.label[input.code],
          description: input.note?.trim() || title,
          rules: JSON.stringify(rules),
          valid_from: input.validFrom,
          created_by: actor.id,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await writeAudit(trx, {
        actorId: actor.id,
        actorRole: actor.role,
        action: "target_group.version.create",
        objectType: "target_group_definition",
        objectId: String(inserted.id),
        outcome: "allowed",
        detail: { code: input.code, version, validFrom: input.validFrom },
      });
      return { ok: true, id: inserted.id, version, title };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      return {
        ok: false,
        status: 409,
        message: "Inzwischen wurde eine andere Version dieser Zielgruppe angelegt. Bitte prüfen Sie die Liste und versuchen Sie es erneut.",
      };
    }
    throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23505";
}
