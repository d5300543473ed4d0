// Model-based tests: walk the case machine with xstate/graph and check, in every
// reached state and for every event type, that the service API agrees with the
// machine and with the phase table of the specification.

import { describe, expect, it } from "vitest";
import { transition } from "xstate";
import { getShortestPaths, getSimplePaths } from "xstate/graph";

import {
  allowedCaseEvents,
  applyCaseTransition,
  CASE_EVENT_TYPES,
  type CaseEvent,
  type CaseEventType,
  caseMachine,
  type CaseSnapshot,
  persistCaseSnapshot,
  phaseOf,
  restoreCaseSnapshot,
} from "./case-machine";
import { transitionsFor } from "./machine-kit";
import { classifyEvent, contact, daysAfter, newCase, T0 } from "./test-fixtures";
import { CASE_PHASES, type CasePhase } from "./vocabulary";

const T1 = daysAfter(T0, 1);

/** Concrete sample events for every event type: valid ones and ones a guard must refuse. */
const SAMPLE_EVENTS: CaseEvent[] = [
  contact,
  { type: "REJECT_NOT_ELIGIBLE", reason: "Wohnsitz außerhalb des Kreises", at: T0 },
  { type: "REJECT_NOT_ELIGIBLE", reason: "", at: T0 },
  classifyEvent("umf"),
  classifyEvent("geduldete_identitaet"),
  classifyEvent("neuzugewanderte_erhoeht"),
  classifyEvent("umf", { birthDate: "2000-01-01" }),
  { type: "CLOSE_NOT_TARGET_GROUP", at: T0 },
  { type: "RECORD_ASSESSMENT", domain: "sprache", level: "hoch", at: T0 },
  { type: "COMPLETE_ASSESSMENT", at: T0 },
  { type: "AGREE_GOAL", goalId: "g1", domain: "sprache", at: T0 },
  { type: "AGREE_GOAL", goalId: "g2", domain: "wohnen", at: T0 },
  { type: "START_WORK", at: T0 },
  { type: "EVALUATE_GOAL", goalId: "g1", result: "erreicht", at: T0 },
  { type: "EVALUATE_GOAL", goalId: "g2", result: "entfallen", at: T0 },
  { type: "EVALUATE_GOAL", goalId: "g9", result: "erreicht", at: T0 },
  { type: "BEGIN_CLOSURE", at: T0 },
  { type: "CANCEL_CLOSURE", at: T0 },
  { type: "CLOSE", reason: "ziele_erreicht", at: T0 },
  { type: "CLOSE", reason: "kontaktabbruch", at: T0 },
  { type: "TRANSFER", toCaseManagerId: "cm-2", at: T0 },
  { type: "TRANSFER", toCaseManagerId: "cm-1", at: T0 },
  { type: "SET_DEPUTY", deputyId: "cm-3", at: T0 },
  { type: "SET_DEPUTY", deputyId: "cm-1", at: T0 },
  { type: "PAUSE", reason: "nicht erreichbar", at: T0 },
  { type: "RESUME", at: T0 },
  { type: "FLAG_RECLASSIFICATION", reason: "umf_volljaehrig", at: T0 },
  { type: "FLAG_RECLASSIFICATION", reason: "aufenthaltstitel", at: T0 },
  classifyEvent("neuzugewanderte_erhoeht", {}, "RECLASSIFY"),
  classifyEvent("umf", { unaccompanied: false }, "RECLASSIFY"),
  { type: "RECORD_IDENTITY_STEP", step: "identitaet_geklaert", at: T0 },
  { type: "REOPEN", at: T1 },
  { type: "REOPEN", at: daysAfter(T0, 400) },
];

/** A valid event of the type for this snapshot (used where allowedCaseEvents promises the button works). */
function validSample(type: CaseEventType, s: CaseSnapshot): CaseEvent {
  const c = s.context;
  const goalIds = Object.keys(c.goals);
  switch (type) {
    case "RECORD_CONTACT":
      return contact;
    case "REJECT_NOT_ELIGIBLE":
      return { type, reason: "nicht zuständig", at: T0 };
    case "CLASSIFY":
      return classifyEvent("umf");
    case "RECLASSIFY":
      return classifyEvent("geduldete_identitaet", {}, "RECLASSIFY");
    case "CLOSE_NOT_TARGET_GROUP":
    case "COMPLETE_ASSESSMENT":
    case "START_WORK":
    case "BEGIN_CLOSURE":
    case "CANCEL_CLOSURE":
    case "RESUME":
      return { type, at: T0 };
    case "RECORD_ASSESSMENT":
      return { type, domain: "gesundheit", level: "gering", at: T0 };
    case "AGREE_GOAL":
      return { type, goalId: `g${goalIds.length + 1}-new`, domain: "familie", at: T0 };
    case "EVALUATE_GOAL":
      return { type, goalId: goalIds[0] ?? "none", result: "teilweise_erreicht", at: T0 };
    case "CLOSE":
      return { type, reason: "sonstige", at: T0 };
    case "TRANSFER":
      return { type, toCaseManagerId: c.caseManagerId === "cm-7" ? "cm-8" : "cm-7", at: T0 };
    case "SET_DEPUTY":
      return { type, deputyId: c.caseManagerId === "cm-5" ? "cm-6" : "cm-5", at: T0 };
    case "PAUSE":
      return { type, reason: "Krankenhausaufenthalt", at: T0 };
    case "FLAG_RECLASSIFICATION":
      return { type, reason: c.targetGroup === "geduldete_identitaet" ? "aufenthaltstitel" : "umf_volljaehrig", at: T0 };
    case "RECORD_IDENTITY_STEP":
      return { type, step: "pass_beantragt", at: T0 };
    case "REOPEN":
      return { type, at: daysAfter(c.closedAt ?? T0, 1) };
  }
}

/** The specification's table: which event types each phase accepts at all (independent of the machine). */
const OPEN_EVERYWHERE: CaseEventType[] = ["RECORD_CONTACT", "TRANSFER", "SET_DEPUTY"];
const AFTER_CLASSIFICATION: CaseEventType[] = [
  "FLAG_RECLASSIFICATION",
  "RECLASSIFY",
  "CLOSE_NOT_TARGET_GROUP",
  "RECORD_IDENTITY_STEP",
];
const ACCEPTS: Record<CasePhase, CaseEventType[]> = {
  intake: [...OPEN_EVERYWHERE, "REJECT_NOT_ELIGIBLE", "PAUSE"],
  classification: [...OPEN_EVERYWHERE, "CLASSIFY", "CLOSE_NOT_TARGET_GROUP", "PAUSE"],
  assessment: [...OPEN_EVERYWHERE, ...AFTER_CLASSIFICATION, "RECORD_ASSESSMENT", "COMPLETE_ASSESSMENT", "BEGIN_CLOSURE", "PAUSE"],
  planning: [...OPEN_EVERYWHERE, ...AFTER_CLASSIFICATION, "AGREE_GOAL", "START_WORK", "BEGIN_CLOSURE", "PAUSE"],
  active: [...OPEN_EVERYWHERE, ...AFTER_CLASSIFICATION, "AGREE_GOAL", "EVALUATE_GOAL", "BEGIN_CLOSURE", "PAUSE"],
  closure: [...OPEN_EVERYWHERE, ...AFTER_CLASSIFICATION, "EVALUATE_GOAL", "CANCEL_CLOSURE", "CLOSE", "PAUSE"],
  resting: [...OPEN_EVERYWHERE, ...AFTER_CLASSIFICATION, "RESUME", "CLOSE"],
  closed: ["REOPEN"],
};

function goalSummary(s: CaseSnapshot): string {
  const statuses = Object.values(s.context.goals);
  if (statuses.length === 0) return "none";
  return statuses.includes("vereinbart") ? "open" : "evaluated";
}

/**
 * The abstract state: phase plus what guards and routing depend on. Timestamps,
 * ids and list contents (unbounded) are left out.
 */
function serializeCase(s: CaseSnapshot): string {
  const c = s.context;
  return JSON.stringify([
    phaseOf(s),
    c.targetGroup,
    c.reclassificationRequired,
    c.restingFrom,
    c.closureFrom,
    c.assessedDomains.length > 0,
    goalSummary(s),
    c.identityClarified,
    c.closureReason,
  ]);
}

/** Coarse abstraction for simple paths (each simple path visits a phase/return-point at most once). */
function serializeCoarse(s: CaseSnapshot): string {
  const c = s.context;
  return JSON.stringify([phaseOf(s), c.restingFrom, c.closureFrom, c.assessedDomains.length > 0, goalSummary(s)]);
}

function roundtrip(s: CaseSnapshot): CaseSnapshot {
  return restoreCaseSnapshot(JSON.parse(JSON.stringify(persistCaseSnapshot(s))));
}

/** Checks one state against every event type; returns the number of checked (state, event) pairs. */
function checkConsistency(s: CaseSnapshot): number {
  const phase = phaseOf(s);
  const allowed = allowedCaseEvents(s);
  let checks = 0;
  for (const type of CASE_EVENT_TYPES) {
    const accepts = ACCEPTS[phase].includes(type);
    // the machine has a transition for the type exactly where the specification says so
    expect(transitionsFor(s, type).length > 0, `${phase} ${type}`).toBe(accepts);
    if (!accepts) expect(allowed, `${phase} ${type}`).not.toContain(type);
    const samples = [...SAMPLE_EVENTS.filter((e) => e.type === type), validSample(type, s)];
    for (const event of samples) {
      checks += 1;
      const result = applyCaseTransition(s, event);
      // applyCaseTransition accepts exactly what the machine can do
      expect(result.ok, `${phase} ${JSON.stringify(event)}`).toBe(s.can(event));
      if (result.ok) {
        const [next] = transition(caseMachine, s, event);
        expect(result.snapshot.value).toEqual(next.value);
        expect(result.snapshot.context).toEqual(next.context);
        expect(result.phase).toBe(phaseOf(next));
        expect(allowed, `${phase} ${type} accepted but not offered`).toContain(type);
      } else if (!accepts) {
        expect(result.kind).toBe("not_allowed");
        expect(result.message).toContain(CASE_PHASES.label[phase]);
      } else {
        expect(result.kind).toBe("guard_failed");
        expect(result.message).not.toBe("Dieser Schritt ist gerade nicht möglich.");
      }
    }
    // every offered button works with a valid payload; a type not offered is refused whatever the payload
    const valid = applyCaseTransition(s, validSample(type, s));
    expect(valid.ok, `${phase} ${type}: offered=${allowed.includes(type)}`).toBe(allowed.includes(type));
  }
  return checks;
}

describe("case machine, model-based", () => {
  const start = newCase();
  const shortest = getShortestPaths(caseMachine, {
    fromState: start,
    events: SAMPLE_EVENTS,
    serializeState: (s) => serializeCase(s),
  });

  it("reaches every phase and every return point", () => {
    const states = shortest.map((p) => p.state);
    const phases = new Set(states.map(phaseOf));
    expect([...phases].sort()).toEqual([...CASE_PHASES.values].sort());
    const restedIn = new Set(states.map((s) => s.context.restingFrom).filter((p) => p !== null));
    expect(restedIn.size).toBe(6);
    const closureFrom = new Set(states.map((s) => s.context.closureFrom).filter((p) => p !== null));
    expect(closureFrom.size).toBe(3);
    const reasons = new Set(states.map((s) => s.context.closureReason).filter((r) => r !== null));
    expect([...reasons].sort()).toEqual(["keine_zielgruppe", "kontaktabbruch", "nicht_zustaendig", "ziele_erreicht"]);
    // a resting case closes directly with a resting reason ("Kontaktabbruch"); the replay tests below
    // run these paths through the service API
    const closedFromRest = shortest.filter((p) => {
      const before = p.steps.at(-2)?.state as CaseSnapshot | undefined;
      return phaseOf(p.state) === "closed" && before !== undefined && phaseOf(before) === "resting";
    });
    expect(closedFromRest.map((p) => p.state.context.closureReason)).toContain("kontaktabbruch");
    const groups = new Set(states.map((s) => s.context.targetGroup));
    expect(groups.size).toBe(4);
    expect(states.some((s) => s.context.identityClarified)).toBe(true);
    console.log(`case machine: getShortestPaths reached ${shortest.length} abstract states`);
  });

  it("in every reached state, for every event type, allowedCaseEvents, snapshot.can and applyCaseTransition agree", () => {
    let checks = 0;
    for (const path of shortest) checks += checkConsistency(path.state);
    console.log(`case machine: ${checks} (state, event) checks over ${shortest.length} states × ${CASE_EVENT_TYPES.length} event types`);
    expect(checks).toBeGreaterThan(shortest.length * CASE_EVENT_TYPES.length);
  });

  it("every shortest path replays through the service API with persist → restore between steps", () => {
    let steps = 0;
    for (const path of shortest) {
      let s = start;
      for (const step of path.steps) {
        if ((step.event as { type: string }).type === "xstate.init") continue;
        const result = applyCaseTransition(roundtrip(s), step.event);
        expect(result.ok).toBe(true);
        if (result.ok) s = result.snapshot;
        steps += 1;
      }
      expect(serializeCase(s)).toBe(serializeCase(path.state));
    }
    console.log(`case machine: replayed ${shortest.length} shortest paths (${steps} steps)`);
  });

  it("walks the simple paths over phases and return points", () => {
    // Closing from rest ("Kontaktabbruch") would add a closed end to every path through a resting state
    // (about 9× the paths); the shortest paths above already walk and replay it.
    const simple = getSimplePaths(caseMachine, {
      fromState: start,
      events: SAMPLE_EVENTS.filter((e) => !(e.type === "CLOSE" && e.reason === "kontaktabbruch")),
      serializeState: (s) => serializeCoarse(s),
    });
    const phases = new Set(simple.map((p) => phaseOf(p.state)));
    expect(phases.size).toBe(8);
    let steps = 0;
    for (const path of simple) {
      expect(path.steps[0]?.event.type).toBe("xstate.init");
      // each step: the service API, after a persist → restore, takes the step's event to the step's state
      for (let i = 1; i < path.steps.length; i += 1) {
        const before = path.steps[i - 1]?.state as CaseSnapshot;
        const step = path.steps[i] as (typeof path.steps)[number];
        const result = applyCaseTransition(roundtrip(before), step.event);
        expect(result.ok).toBe(true);
        if (result.ok) expect(serializeCoarse(result.snapshot)).toBe(serializeCoarse(step.state));
        steps += 1;
      }
    }
    console.log(`case machine: getSimplePaths walked ${simple.length} simple paths (${steps} steps)`);
  });
});
