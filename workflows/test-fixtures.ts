// Sample data and drivers for tests of the machines and of the services that use
// them (db/, app/ tests may import these too). Pure; deterministic timestamps.

import {
  applyCaseTransition,
  type CaseEvent,
  type CaseSnapshot,
  createCaseSnapshot,
  DEFAULT_TARGET_GROUP_DEFINITIONS,
  type ClassificationFacts,
  type RestablePhase,
} from "./case-machine";
import { applyReferralTransition, type ReferralEvent, type ReferralSnapshot } from "./referral-machine";
import { type TargetGroup } from "./vocabulary";

export const T0 = "2025-03-03T09:00:00.000Z";
export const INTAKE_DATE = "2025-03-03";
export const REOPEN_PERIOD_DAYS = 90;

/** T0 plus whole days, as ISO timestamp. */
export function daysAfter(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * 24 * 60 * 60 * 1000).toISOString();
}

/** Facts that satisfy the v1 definition of the group. */
export function factsFor(group: TargetGroup, overrides: Partial<ClassificationFacts> = {}): ClassificationFacts {
  const base: Record<TargetGroup, ClassificationFacts> = {
    umf: {
      birthDate: "2009-06-15",
      birthDateEstimated: false,
      intakeDate: INTAKE_DATE,
      residenceStatus: "aufenthaltsgestattung",
      referralSource: "jugendamt",
      increasedNeedDocumented: false,
      unaccompanied: true,
    },
    geduldete_identitaet: {
      birthDate: "1994-02-01",
      birthDateEstimated: false,
      intakeDate: INTAKE_DATE,
      residenceStatus: "duldung_60a",
      referralSource: "auslaenderamt",
      increasedNeedDocumented: false,
      unaccompanied: false,
    },
    neuzugewanderte_erhoeht: {
      birthDate: "1988-11-30",
      birthDateEstimated: false,
      intakeDate: INTAKE_DATE,
      residenceStatus: "ae_24",
      referralSource: "sozialamt",
      increasedNeedDocumented: true,
      unaccompanied: false,
    },
  };
  return { ...base[group], ...overrides };
}

export function classifyEvent(
  group: TargetGroup,
  overrides: Partial<ClassificationFacts> = {},
  type: "CLASSIFY" | "RECLASSIFY" = "CLASSIFY",
  at: string = T0,
): Extract<CaseEvent, { type: "CLASSIFY" | "RECLASSIFY" }> {
  return { type, targetGroup: group, definition: DEFAULT_TARGET_GROUP_DEFINITIONS[group], facts: factsFor(group, overrides), at };
}

export function newCase(caseManagerId: string | null = "cm-1"): CaseSnapshot {
  return createCaseSnapshot({ caseId: "case-1", caseManagerId, reopenPeriodDays: REOPEN_PERIOD_DAYS }, T0);
}

/** Applies events in order; throws (with the German message) when one is refused. */
export function runCase(snapshot: CaseSnapshot, ...events: CaseEvent[]): CaseSnapshot {
  let current = snapshot;
  for (const event of events) {
    const result = applyCaseTransition(current, event);
    if (!result.ok) throw new Error(`${event.type} refused (${result.kind}): ${result.message}`);
    current = result.snapshot;
  }
  return current;
}

export const contact: CaseEvent = { type: "RECORD_CONTACT", contactType: "persoenlich", minutes: 45, at: T0 };

/** A case driven along the standard path into `phase` (goal "g1" agreed from planning on). */
export function caseIn(phase: RestablePhase | "resting" | "closed", group: TargetGroup = "umf"): CaseSnapshot {
  const steps: Record<RestablePhase, CaseEvent[]> = {
    intake: [],
    classification: [contact],
    assessment: [contact, classifyEvent(group)],
    planning: [
      contact,
      classifyEvent(group),
      { type: "RECORD_ASSESSMENT", domain: "sprache", level: "hoch", at: T0 },
      { type: "COMPLETE_ASSESSMENT", at: T0 },
    ],
    active: [],
    closure: [],
  };
  steps.active = [
    ...steps.planning,
    { type: "AGREE_GOAL", goalId: "g1", domain: "sprache", at: T0 },
    { type: "START_WORK", at: T0 },
  ];
  steps.closure = [...steps.active, { type: "BEGIN_CLOSURE", at: T0 }];
  if (phase === "resting") return runCase(caseIn("active", group), { type: "PAUSE", reason: "nicht erreichbar", at: T0 });
  if (phase === "closed") {
    return runCase(
      caseIn("closure", group),
      { type: "EVALUATE_GOAL", goalId: "g1", result: "erreicht", at: T0 },
      { type: "CLOSE", reason: "ziele_erreicht", at: T0 },
    );
  }
  return runCase(newCase(), ...steps[phase]);
}

export function runReferral(snapshot: ReferralSnapshot, ...events: ReferralEvent[]): ReferralSnapshot {
  let current = snapshot;
  for (const event of events) {
    const result = applyReferralTransition(current, event);
    if (!result.ok) throw new Error(`${event.type} refused (${result.kind}): ${result.message}`);
    current = result.snapshot;
  }
  return current;
}
