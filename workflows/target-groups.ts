// Target-group definitions are data (the Lenkungsgruppe changes them); this module
// only evaluates a definition against the facts of one person. Pure.

import {
  DULDUNG_STATUSES,
  REFERRAL_SOURCES,
  RESIDENCE_STATUSES,
  RESIDENCE_TITLE_STATUSES,
  TARGET_GROUPS,
  type ReclassificationReason,
  type ReferralSource,
  type ResidenceStatus,
  type TargetGroup,
} from "./vocabulary";

/** Entry rules of a target group; all given rules must hold (AND). An empty rule object admits everyone. */
export type TargetGroupRules = {
  /** Highest age (completed calendar years) at the intake date, e.g. 17 for "under 18". */
  maxAgeAtIntake?: number;
  residenceStatusIn?: ResidenceStatus[];
  referralSourceIn?: ReferralSource[];
  requiresIncreasedNeedDocumented?: boolean;
  requiresUnaccompanied?: boolean;
};

export type TargetGroupDefinition = { code: TargetGroup; version: number; rules: TargetGroupRules };

/** What the case manager established about the person, as of the intake. Dates are local dates `YYYY-MM-DD`. */
export type ClassificationFacts = {
  birthDate: string | null;
  birthDateEstimated: boolean;
  intakeDate: string;
  residenceStatus: ResidenceStatus;
  referralSource: ReferralSource;
  increasedNeedDocumented: boolean;
  unaccompanied: boolean;
};

export type TargetGroupEvaluation = { ok: true } | { ok: false; reasons: string[] };

/** Version 1 of the three groups as first set by the Lenkungsgruppe (domain.md). */
export const DEFAULT_TARGET_GROUP_DEFINITIONS: Record<TargetGroup, TargetGroupDefinition> = {
  umf: { code: "umf", version: 1, rules: { maxAgeAtIntake: 17, requiresUnaccompanied: true } },
  geduldete_identitaet: {
    code: "geduldete_identitaet",
    version: 1,
    rules: { residenceStatusIn: [...DULDUNG_STATUSES] },
  },
  neuzugewanderte_erhoeht: {
    code: "neuzugewanderte_erhoeht",
    version: 1,
    rules: {
      referralSourceIn: ["sozialamt", "integration_point", "auslaenderamt", "fluechtlingsberatung"],
      requiresIncreasedNeedDocumented: true,
    },
  },
};

type LocalDate = { y: number; m: number; d: number };

/** Parses the date part of `YYYY-MM-DD` or an ISO timestamp (its first 10 characters). */
export function parseLocalDate(value: string | null | undefined): LocalDate | null {
  if (typeof value !== "string") return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return null;
  return { y, m, d };
}

/**
 * Completed years of life on `onDate` (calendar arithmetic: on the birthday the
 * person has turned that age; someone born on 29 February turns a year older on
 * 1 March in non-leap years). Null when a date is missing or invalid.
 */
export function ageOnDate(birthDate: string | null, onDate: string): number | null {
  const birth = parseLocalDate(birthDate);
  const on = parseLocalDate(onDate);
  if (!birth || !on) return null;
  let age = on.y - birth.y;
  if (on.m < birth.m || (on.m === birth.m && on.d < birth.d)) age -= 1;
  return age;
}

function listLabels<T extends string>(values: readonly T[], labels: Record<T, string>): string {
  return values.map((v) => `„${labels[v]}“`).join(", ");
}

/** Checks the facts against one definition; every failing rule yields one German reason. */
export function evaluateTargetGroup(definition: TargetGroupDefinition, facts: ClassificationFacts): TargetGroupEvaluation {
  const reasons: string[] = [];
  const rules = definition.rules;

  if (rules.maxAgeAtIntake !== undefined) {
    const limit = rules.maxAgeAtIntake + 1;
    const age = ageOnDate(facts.birthDate, facts.intakeDate);
    if (parseLocalDate(facts.intakeDate) === null) {
      reasons.push("Das Aufnahmedatum fehlt oder ist ungültig.");
    } else if (age === null) {
      reasons.push("Das Geburtsdatum fehlt oder ist ungültig; bitte (ggf. geschätztes) Geburtsdatum erfassen.");
    } else if (age < 0) {
      reasons.push("Das Geburtsdatum liegt nach dem Aufnahmedatum.");
    } else if (age > rules.maxAgeAtIntake) {
      reasons.push(
        facts.birthDateEstimated
          ? `Die Person war bei Aufnahme nach dem geschätzten Geburtsdatum nicht unter ${limit} Jahre alt (${age} Jahre).`
          : `Die Person war bei Aufnahme nicht unter ${limit} Jahre alt (${age} Jahre).`,
      );
    }
  }

  if (rules.requiresUnaccompanied && !facts.unaccompanied) {
    reasons.push("Die Person ist nicht ohne Eltern bzw. Sorgeberechtigte eingereist (nicht unbegleitet).");
  }

  if (rules.residenceStatusIn && !rules.residenceStatusIn.includes(facts.residenceStatus)) {
    const actual = RESIDENCE_STATUSES.label[facts.residenceStatus] ?? String(facts.residenceStatus);
    reasons.push(
      `Der Aufenthaltsstatus „${actual}“ gehört nicht zur Zielgruppe (erforderlich: ${listLabels(rules.residenceStatusIn, RESIDENCE_STATUSES.label)}).`,
    );
  }

  if (rules.referralSourceIn && !rules.referralSourceIn.includes(facts.referralSource)) {
    const actual = REFERRAL_SOURCES.label[facts.referralSource] ?? String(facts.referralSource);
    reasons.push(
      `Der Zugangsweg „${actual}“ gehört nicht zur Zielgruppe (erforderlich: ${listLabels(rules.referralSourceIn, REFERRAL_SOURCES.label)}).`,
    );
  }

  if (rules.requiresIncreasedNeedDocumented && !facts.increasedNeedDocumented) {
    reasons.push("Ein erhöhter Unterstützungsbedarf ist von der zuweisenden Stelle nicht dokumentiert.");
  }

  return reasons.length === 0 ? { ok: true } : { ok: false, reasons };
}

/** German label of a definition, e.g. `„UMF …“ (Definition v1)`. */
export function describeDefinition(definition: TargetGroupDefinition): string {
  const label = TARGET_GROUPS.label[definition.code] ?? String(definition.code);
  return `„${label}“ (Definition v${definition.version})`;
}

/**
 * For the daily job: does a classified person fall out of the group on `today`?
 * A UMF who has turned 18, a Geduldete*r with a residence title. The job then
 * sends `FLAG_RECLASSIFICATION`; nothing changes silently.
 */
export function detectReclassificationReason(
  person: { targetGroup: TargetGroup | null; birthDate: string | null; residenceStatus: ResidenceStatus },
  today: string,
): ReclassificationReason | null {
  if (person.targetGroup === "umf") {
    const age = ageOnDate(person.birthDate, today);
    return age !== null && age >= 18 ? "umf_volljaehrig" : null;
  }
  if (person.targetGroup === "geduldete_identitaet") {
    return RESIDENCE_TITLE_STATUSES.includes(person.residenceStatus) ? "aufenthaltstitel" : null;
  }
  return null;
}
