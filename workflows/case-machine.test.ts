import { describe, expect, it } from "vitest";
import { type AnyStateNode, initialTransition, transition } from "xstate";

import {
  allowedCaseEvents,
  applyCaseTransition,
  CASE_EVENT_LABELS,
  CASE_EVENT_TYPES,
  CASE_MACHINE_VERSION,
  type CaseEvent,
  caseMachine,
  type CaseSnapshot,
  type CaseTransitionResult,
  createCaseSnapshot,
  DEFAULT_TARGET_GROUP_DEFINITIONS,
  persistCaseSnapshot,
  phaseOf,
  reopenTargetPhase,
  type RestablePhase,
  replayCaseEvent,
  restoreCaseSnapshot,
} from "./case-machine";
import { describeGuard } from "./machine-kit";
import {
  caseIn,
  classifyEvent,
  contact,
  daysAfter,
  newCase,
  REOPEN_PERIOD_DAYS,
  runCase,
  T0,
} from "./test-fixtures";
import { CASE_PHASES, type CasePhase } from "./vocabulary";

const T1 = daysAfter(T0, 1);

function refused(result: CaseTransitionResult): { kind: string; message: string } {
  if (result.ok) throw new Error(`expected a refusal, got phase ${result.phase}`);
  return { kind: result.kind, message: result.message };
}

function accepted(result: CaseTransitionResult): CaseSnapshot {
  if (!result.ok) throw new Error(`expected acceptance, got ${result.kind}: ${result.message}`);
  return result.snapshot;
}

function roundtrip(snapshot: CaseSnapshot): CaseSnapshot {
  return restoreCaseSnapshot(JSON.parse(JSON.stringify(persistCaseSnapshot(snapshot))));
}

const pause: CaseEvent = { type: "PAUSE", reason: "Klient*in nicht erreichbar", at: T1 };
const resume: CaseEvent = { type: "RESUME", at: T1 };
const assess: CaseEvent = { type: "RECORD_ASSESSMENT", domain: "wohnen", level: "mittel", at: T0 };
const agree = (goalId: string): CaseEvent => ({ type: "AGREE_GOAL", goalId, domain: "sprache", at: T0 });
const evaluate = (goalId: string, result: "erreicht" | "entfallen" = "erreicht"): CaseEvent => ({
  type: "EVALUATE_GOAL",
  goalId,
  result,
  at: T0,
});
const close: CaseEvent = { type: "CLOSE", reason: "verzogen", at: T0 };
const flagUmf: CaseEvent = { type: "FLAG_RECLASSIFICATION", reason: "umf_volljaehrig", at: T1 };

const NOT_ALLOWED = (label: string, phase: CasePhase) =>
  `Der Schritt „${label}“ ist in der Phase „${CASE_PHASES.label[phase]}“ nicht möglich.`;

describe("creation", () => {
  it("starts in intake with an empty, JSON-serialisable context", () => {
    const snapshot = newCase();
    expect(phaseOf(snapshot)).toBe("intake");
    expect(snapshot.context).toMatchObject({
      caseId: "case-1",
      caseManagerId: "cm-1",
      deputyId: null,
      openedAt: T0,
      reopenPeriodDays: REOPEN_PERIOD_DAYS,
      targetGroup: null,
      goals: {},
      assessedDomains: [],
      identityClarified: false,
      reclassificationRequired: null,
      closureReason: null,
    });
    expect(JSON.parse(JSON.stringify(snapshot.context))).toEqual(snapshot.context);
    expect(CASE_MACHINE_VERSION).toBe("case-v1");
  });
  it("may start without a case manager (unassigned intake)", () => {
    expect(newCase(null).context.caseManagerId).toBeNull();
  });
  it("rejects invalid input", () => {
    expect(() => createCaseSnapshot({ caseId: "", caseManagerId: null, reopenPeriodDays: 1 }, T0)).toThrow();
    expect(() => createCaseSnapshot({ caseId: "c", caseManagerId: null, reopenPeriodDays: -1 }, T0)).toThrow();
    expect(() => createCaseSnapshot({ caseId: "c", caseManagerId: null, reopenPeriodDays: 1 }, "heute")).toThrow();
  });
});

describe("intake (Zugang)", () => {
  it("RECORD_CONTACT records the first contact and moves to classification", () => {
    const result = applyCaseTransition(newCase(), contact);
    expect(result.ok && result.phase).toBe("classification");
    expect(accepted(result).context).toMatchObject({ firstContactAt: T0, lastContactAt: T0 });
  });
  it("REJECT_NOT_ELIGIBLE closes with reason nicht_zustaendig [hasReason: passes]", () => {
    const snapshot = accepted(applyCaseTransition(newCase(), { type: "REJECT_NOT_ELIGIBLE", reason: " wohnt in Köln ", at: T1 }));
    expect(phaseOf(snapshot)).toBe("closed");
    expect(snapshot.context).toMatchObject({ closureReason: "nicht_zustaendig", closureNote: "wohnt in Köln", closedAt: T1 });
  });
  it.each(["", "   "])("REJECT_NOT_ELIGIBLE needs a reason [hasReason: refuses %j]", (reason) => {
    expect(refused(applyCaseTransition(newCase(), { type: "REJECT_NOT_ELIGIBLE", reason, at: T0 }))).toEqual({
      kind: "guard_failed",
      message: "Bitte eine Begründung angeben.",
    });
  });
  it("refuses work of later phases as not_allowed, naming step and phase", () => {
    expect(refused(applyCaseTransition(newCase(), classifyEvent("umf")))).toEqual({
      kind: "not_allowed",
      message: NOT_ALLOWED("Zielgruppe zuordnen", "intake"),
    });
  });
  it("refuses an unknown event type", () => {
    expect(refused(applyCaseTransition(newCase(), { type: "DELETE", at: T0 } as unknown as CaseEvent))).toEqual({
      kind: "not_allowed",
      message: "Unbekannter Schritt.",
    });
  });
});

describe("classification (Klärung & Zielgruppenzuordnung)", () => {
  it.each(["umf", "geduldete_identitaet", "neuzugewanderte_erhoeht"] as const)(
    "CLASSIFY %s stores group and definition version and moves to assessment [meetsTargetGroupDefinition: passes]",
    (group) => {
      const result = applyCaseTransition(caseIn("classification"), classifyEvent(group, {}, "CLASSIFY", T1));
      expect(result.ok && result.phase).toBe("assessment");
      expect(accepted(result).context).toMatchObject({ targetGroup: group, definitionVersion: 1, classifiedAt: T1 });
    },
  );
  it("records the version of the definition actually used", () => {
    const v3 = { ...DEFAULT_TARGET_GROUP_DEFINITIONS.umf, version: 3 };
    const snapshot = runCase(caseIn("classification"), { ...classifyEvent("umf"), definition: v3 });
    expect(snapshot.context.definitionVersion).toBe(3);
  });
  it("CLASSIFY refuses with the German reasons [meetsTargetGroupDefinition: refuses]", () => {
    const { kind, message } = refused(
      applyCaseTransition(caseIn("classification"), classifyEvent("umf", { birthDate: "2007-03-03" })),
    );
    expect(kind).toBe("guard_failed");
    expect(message).toBe(
      "Die Voraussetzungen für „Unbegleitete minderjährige Flüchtlinge (UMF)“ sind nicht erfüllt: " +
        "Die Person war bei Aufnahme nicht unter 18 Jahre alt (18 Jahre).",
    );
  });
  it("CLASSIFY refuses a definition of another group", () => {
    const event = { ...classifyEvent("umf"), definition: DEFAULT_TARGET_GROUP_DEFINITIONS.geduldete_identitaet };
    expect(refused(applyCaseTransition(caseIn("classification"), event)).message).toContain(
      "passt nicht zur gewählten Zielgruppe „Unbegleitete minderjährige Flüchtlinge (UMF)“",
    );
  });
  it("CLASSIFY with a malformed payload is refused, not thrown", () => {
    const event = { type: "CLASSIFY", targetGroup: "umf", definition: DEFAULT_TARGET_GROUP_DEFINITIONS.umf, at: T0 };
    expect(refused(applyCaseTransition(caseIn("classification"), event as unknown as CaseEvent))).toEqual({
      kind: "guard_failed",
      message: "Die Angaben zu diesem Schritt sind unvollständig oder ungültig.",
    });
  });
  it("CLOSE_NOT_TARGET_GROUP closes with keine_zielgruppe and the note", () => {
    const snapshot = runCase(caseIn("classification"), { type: "CLOSE_NOT_TARGET_GROUP", note: "Regelangebot reicht", at: T1 });
    expect(phaseOf(snapshot)).toBe("closed");
    expect(snapshot.context).toMatchObject({ closureReason: "keine_zielgruppe", closureNote: "Regelangebot reicht", closedAt: T1 });
  });
  it("a further RECORD_CONTACT only updates lastContactAt", () => {
    const snapshot = runCase(caseIn("classification"), { ...contact, at: T1 });
    expect(phaseOf(snapshot)).toBe("classification");
    expect(snapshot.context).toMatchObject({ firstContactAt: T0, lastContactAt: T1 });
  });
});

describe("assessment", () => {
  it("RECORD_ASSESSMENT remembers each domain once, with its latest level", () => {
    const snapshot = runCase(caseIn("assessment"), assess, { ...assess, level: "hoch" }, { ...assess, domain: "sprache" });
    expect(phaseOf(snapshot)).toBe("assessment");
    expect(snapshot.context.assessedDomains).toEqual(["wohnen", "sprache"]);
    expect(snapshot.context.needLevels).toEqual({ wohnen: "hoch", sprache: "mittel" });
  });
  it("COMPLETE_ASSESSMENT needs an assessed domain [hasAssessment: refuses]", () => {
    const snapshot = caseIn("assessment");
    expect(allowedCaseEvents(snapshot)).not.toContain("COMPLETE_ASSESSMENT");
    expect(refused(applyCaseTransition(snapshot, { type: "COMPLETE_ASSESSMENT", at: T0 }))).toEqual({
      kind: "guard_failed",
      message: "Bitte zuerst mindestens ein Bedarfsfeld einschätzen.",
    });
  });
  it("COMPLETE_ASSESSMENT moves to planning [hasAssessment: passes]", () => {
    const snapshot = runCase(caseIn("assessment"), assess);
    expect(allowedCaseEvents(snapshot)).toContain("COMPLETE_ASSESSMENT");
    expect(phaseOf(runCase(snapshot, { type: "COMPLETE_ASSESSMENT", at: T0 }))).toBe("planning");
  });
});

describe("planning (Hilfeplanung)", () => {
  it("AGREE_GOAL adds an agreed goal [isNewGoal: passes]", () => {
    const snapshot = runCase(caseIn("planning"), agree("g1"), agree("g2"));
    expect(snapshot.context.goals).toEqual({ g1: "vereinbart", g2: "vereinbart" });
  });
  it("AGREE_GOAL refuses a goal id twice or an empty one [isNewGoal: refuses]", () => {
    const snapshot = runCase(caseIn("planning"), agree("g1"));
    expect(refused(applyCaseTransition(snapshot, agree("g1"))).message).toBe("Dieses Ziel ist bereits vereinbart.");
    expect(refused(applyCaseTransition(snapshot, agree(" "))).message).toBe("Bitte ein Ziel angeben.");
  });
  it("START_WORK needs an agreed goal [hasAgreedGoal: refuses]", () => {
    const snapshot = caseIn("planning");
    expect(allowedCaseEvents(snapshot)).not.toContain("START_WORK");
    expect(refused(applyCaseTransition(snapshot, { type: "START_WORK", at: T0 }))).toEqual({
      kind: "guard_failed",
      message: "Bitte zuerst mindestens ein Ziel vereinbaren.",
    });
  });
  it("START_WORK moves to active [hasAgreedGoal: passes]", () => {
    const snapshot = runCase(caseIn("planning"), agree("g1"));
    expect(allowedCaseEvents(snapshot)).toContain("START_WORK");
    expect(phaseOf(runCase(snapshot, { type: "START_WORK", at: T0 }))).toBe("active");
  });
  it("EVALUATE_GOAL is not part of planning", () => {
    expect(refused(applyCaseTransition(runCase(caseIn("planning"), agree("g1")), evaluate("g1"))).kind).toBe("not_allowed");
  });
});

describe("active (Vermittlung & Monitoring)", () => {
  it("AGREE_GOAL adds further goals", () => {
    expect(runCase(caseIn("active"), agree("g2")).context.goals).toEqual({ g1: "vereinbart", g2: "vereinbart" });
  });
  it("EVALUATE_GOAL stores the evaluation and may correct it [hasGoals && goalExists: pass]", () => {
    const snapshot = runCase(caseIn("active"), evaluate("g1", "erreicht"), evaluate("g1", "entfallen"));
    expect(snapshot.context.goals).toEqual({ g1: "entfallen" });
    expect(phaseOf(snapshot)).toBe("active");
  });
  it("EVALUATE_GOAL refuses an unknown goal or an invalid result [goalExists: refuses]", () => {
    const snapshot = caseIn("active");
    expect(refused(applyCaseTransition(snapshot, evaluate("g9")))).toEqual({
      kind: "guard_failed",
      message: "Dieses Ziel gehört nicht zum Hilfeplan des Falls.",
    });
    const invalid = { ...evaluate("g1"), result: "vereinbart" } as unknown as CaseEvent;
    expect(refused(applyCaseTransition(snapshot, invalid)).message).toBe(
      "Bitte eine Bewertung wählen: erreicht, teilweise erreicht, nicht erreicht oder entfallen.",
    );
  });
  it("BEGIN_CLOSURE moves to closure and remembers where it began", () => {
    const snapshot = runCase(caseIn("active"), { type: "BEGIN_CLOSURE", at: T0 });
    expect(phaseOf(snapshot)).toBe("closure");
    expect(snapshot.context.closureFrom).toBe("active");
  });
});

describe("closure (Evaluation & Abschluss)", () => {
  it("CLOSE refuses while goals are unevaluated [allGoalsEvaluated: refuses]", () => {
    const one = caseIn("closure");
    expect(allowedCaseEvents(one)).not.toContain("CLOSE");
    expect(refused(applyCaseTransition(one, close))).toEqual({
      kind: "guard_failed",
      message: "Ein Ziel ist noch nicht bewertet. Bitte alle Ziele bewerten, bevor der Fall abgeschlossen wird.",
    });
    const two = runCase(caseIn("active"), agree("g2"), { type: "BEGIN_CLOSURE", at: T0 });
    expect(refused(applyCaseTransition(two, close)).message).toBe(
      "2 Ziele sind noch nicht bewertet. Bitte alle Ziele bewerten, bevor der Fall abgeschlossen wird.",
    );
  });
  it("CLOSE closes once every goal is evaluated [isAllowedClosureReason && allGoalsEvaluated: pass]", () => {
    const ready = runCase(caseIn("closure"), evaluate("g1"));
    expect(allowedCaseEvents(ready)).toContain("CLOSE");
    const snapshot = runCase(ready, { type: "CLOSE", reason: "ziele_erreicht", note: "alles gut", at: T1 });
    expect(phaseOf(snapshot)).toBe("closed");
    expect(snapshot.context).toMatchObject({
      closureReason: "ziele_erreicht",
      closureNote: "alles gut",
      closedAt: T1,
      closureFrom: null,
    });
  });
  it("CLOSE refuses 'nicht zuständig' and unknown reasons [isAllowedClosureReason: refuses]", () => {
    const ready = runCase(caseIn("closure"), evaluate("g1"));
    const notEligible = { ...close, reason: "nicht_zustaendig" } as unknown as CaseEvent;
    expect(refused(applyCaseTransition(ready, notEligible)).message).toBe(
      "„nicht zuständig“ ist nur bei der Ablehnung im Zugang möglich.",
    );
    const unknown = { ...close, reason: "keine_lust" } as unknown as CaseEvent;
    expect(refused(applyCaseTransition(ready, unknown)).message).toBe("Bitte einen Abschlussgrund auswählen.");
  });
  it.each(["assessment", "planning", "active"] as const)(
    "CANCEL_CLOSURE returns to %s, where the closure began",
    (phase) => {
      const start = phase === "planning" ? runCase(caseIn("planning"), agree("g1")) : caseIn(phase);
      const inClosure = runCase(start, { type: "BEGIN_CLOSURE", at: T0 });
      const snapshot = runCase(roundtrip(inClosure), { type: "CANCEL_CLOSURE", at: T0 });
      expect(phaseOf(snapshot)).toBe(phase);
      expect(snapshot.context.closureFrom).toBeNull();
    },
  );
  it("a case can be closed from assessment, e.g. after moving away (no goals to evaluate)", () => {
    const snapshot = runCase(caseIn("assessment"), { type: "BEGIN_CLOSURE", at: T0 }, close);
    expect(phaseOf(snapshot)).toBe("closed");
  });
  it("EVALUATE_GOAL without any goal is refused [hasGoals: refuses]", () => {
    const snapshot = runCase(caseIn("assessment"), { type: "BEGIN_CLOSURE", at: T0 });
    expect(allowedCaseEvents(snapshot)).not.toContain("EVALUATE_GOAL");
    expect(refused(applyCaseTransition(snapshot, evaluate("g1"))).message).toBe(
      "Im Hilfeplan ist noch kein Ziel vereinbart.",
    );
  });
  it("planning goals must be evaluated in closure before closing", () => {
    const inClosure = runCase(caseIn("planning"), agree("g1"), { type: "BEGIN_CLOSURE", at: T0 });
    expect(refused(applyCaseTransition(inClosure, close)).kind).toBe("guard_failed");
    expect(phaseOf(runCase(inClosure, evaluate("g1", "entfallen"), close))).toBe("closed");
  });
});

const OPEN_PHASES: (RestablePhase | "resting")[] = [
  "intake",
  "classification",
  "assessment",
  "planning",
  "active",
  "closure",
  "resting",
];

describe("in every open phase: transfer, deputy, contact", () => {
  it.each(OPEN_PHASES)("TRANSFER in %s hands the case over [isDifferentCaseManager: passes]", (phase) => {
    const result = applyCaseTransition(caseIn(phase), { type: "TRANSFER", toCaseManagerId: "cm-2", at: T1 });
    expect(result.ok && result.phase).toBe(phase);
    expect(accepted(result).context.caseManagerId).toBe("cm-2");
  });
  it("TRANSFER to the same case manager is refused [isDifferentCaseManager: refuses]", () => {
    expect(refused(applyCaseTransition(caseIn("active"), { type: "TRANSFER", toCaseManagerId: "cm-1", at: T1 }))).toEqual({
      kind: "guard_failed",
      message: "Der Fall ist dieser Casemanager*in bereits zugeordnet.",
    });
    expect(refused(applyCaseTransition(caseIn("active"), { type: "TRANSFER", toCaseManagerId: "", at: T1 })).message).toBe(
      "Bitte eine Casemanager*in auswählen.",
    );
  });
  it("TRANSFER assigns an unassigned intake", () => {
    expect(runCase(newCase(null), { type: "TRANSFER", toCaseManagerId: "cm-1", at: T0 }).context.caseManagerId).toBe("cm-1");
  });
  it("TRANSFER to the deputy ends the deputyship", () => {
    const snapshot = runCase(
      caseIn("active"),
      { type: "SET_DEPUTY", deputyId: "cm-2", at: T0 },
      { type: "TRANSFER", toCaseManagerId: "cm-2", at: T1 },
    );
    expect(snapshot.context).toMatchObject({ caseManagerId: "cm-2", deputyId: null });
  });
  it.each(OPEN_PHASES)("SET_DEPUTY in %s names and removes a deputy [isValidDeputy: passes]", (phase) => {
    const named = runCase(caseIn(phase), { type: "SET_DEPUTY", deputyId: "cm-3", at: T0 });
    expect(named.context.deputyId).toBe("cm-3");
    expect(runCase(named, { type: "SET_DEPUTY", deputyId: null, at: T0 }).context.deputyId).toBeNull();
  });
  it("SET_DEPUTY refuses the case manager themself or an empty id [isValidDeputy: refuses]", () => {
    expect(refused(applyCaseTransition(caseIn("active"), { type: "SET_DEPUTY", deputyId: "cm-1", at: T0 })).message).toBe(
      "Die fallführende Casemanager*in kann nicht zugleich die Vertretung sein.",
    );
    expect(refused(applyCaseTransition(caseIn("active"), { type: "SET_DEPUTY", deputyId: "", at: T0 })).message).toBe(
      "Bitte eine Vertretung auswählen oder die Vertretung entfernen.",
    );
  });
  it.each(OPEN_PHASES.filter((p) => p !== "intake"))("RECORD_CONTACT in %s keeps the phase", (phase) => {
    const snapshot = runCase(caseIn(phase), { ...contact, at: T1 });
    expect(phaseOf(snapshot)).toBe(phase);
    expect(snapshot.context.lastContactAt).toBe(T1);
  });
  it.each(["RECORD_CONTACT", "TRANSFER", "SET_DEPUTY", "PAUSE"] as const)("%s is not allowed once closed", (type) => {
    const event = { type, at: T1, toCaseManagerId: "cm-2", deputyId: null, reason: "x", contactType: "digital", minutes: 5 };
    expect(refused(applyCaseTransition(caseIn("closed"), event as CaseEvent))).toEqual({
      kind: "not_allowed",
      message: NOT_ALLOWED(CASE_EVENT_LABELS[type], "closed"),
    });
  });
});

describe("resting (ruhend)", () => {
  const RESTABLE: RestablePhase[] = ["intake", "classification", "assessment", "planning", "active", "closure"];
  it.each(RESTABLE)("PAUSE in %s, persist → restore, RESUME returns to %s", (phase) => {
    const resting = runCase(caseIn(phase), pause);
    expect(phaseOf(resting)).toBe("resting");
    expect(resting.context).toMatchObject({ restingFrom: phase, restingSince: T1, pauseReason: "Klient*in nicht erreichbar" });
    const restored = roundtrip(resting);
    expect(phaseOf(restored)).toBe("resting");
    const resumed = runCase(restored, resume);
    expect(phaseOf(resumed)).toBe(phase);
    expect(resumed.context).toMatchObject({ restingFrom: null, restingSince: null, pauseReason: null });
    expect(resumed.context.goals).toEqual(caseIn(phase).context.goals);
  });
  it("a case resting from closure keeps where the closure began", () => {
    const resumed = runCase(caseIn("closure"), pause, resume, { type: "CANCEL_CLOSURE", at: T1 });
    expect(phaseOf(resumed)).toBe("active");
  });
  it("PAUSE needs a reason [hasReason: refuses]", () => {
    expect(refused(applyCaseTransition(caseIn("active"), { ...pause, reason: "" })).message).toBe(
      "Bitte eine Begründung angeben.",
    );
  });
  it("PAUSE while resting and RESUME while not resting are not allowed", () => {
    expect(refused(applyCaseTransition(caseIn("resting"), pause)).kind).toBe("not_allowed");
    expect(refused(applyCaseTransition(caseIn("active"), resume))).toEqual({
      kind: "not_allowed",
      message: NOT_ALLOWED("Fall wieder aufnehmen", "active"),
    });
  });
  it.each(RESTABLE)("CLOSE directly from resting (rested in %s) with 'Kontaktabbruch' [isRestingClosureReason: passes]", (phase) => {
    const resting = roundtrip(runCase(caseIn(phase), pause));
    expect(allowedCaseEvents(resting)).toContain("CLOSE");
    const snapshot = runCase(resting, { type: "CLOSE", reason: "kontaktabbruch", note: "seit Monaten nicht erreichbar", at: T1 });
    expect(phaseOf(snapshot)).toBe("closed");
    expect(snapshot.context).toMatchObject({
      closureReason: "kontaktabbruch",
      closureNote: "seit Monaten nicht erreichbar",
      closedAt: T1,
      restingFrom: null,
      restingSince: null,
      pauseReason: null,
    });
  });
  it.each(["verzogen", "ausreise_abschiebung", "sonstige"] as const)("CLOSE from resting accepts '%s'", (reason) => {
    expect(phaseOf(runCase(caseIn("resting"), { type: "CLOSE", reason, at: T1 }))).toBe("closed");
  });
  it.each(["ziele_erreicht", "uebergabe_regeldienst", "keine_zielgruppe", "nicht_zustaendig"] as const)(
    "CLOSE from resting refuses '%s' [isRestingClosureReason: refuses]",
    (reason) => {
      const result = refused(applyCaseTransition(caseIn("resting"), { type: "CLOSE", reason, at: T1 } as CaseEvent));
      expect(result.kind).toBe("guard_failed");
      expect(result.message).toBe(
        "Ein ruhender Fall kann direkt nur mit diesen Gründen abgeschlossen werden: „Kontaktabbruch“, „verzogen“, „Ausreise / Abschiebung“, „Sonstiger Grund“. Für andere Gründe nehmen Sie den Fall bitte wieder auf und leiten den Abschluss ein.",
      );
    },
  );
  it("phase work is not possible while resting", () => {
    expect(refused(applyCaseTransition(caseIn("resting"), agree("g2"))).kind).toBe("not_allowed");
    expect(refused(applyCaseTransition(caseIn("resting"), { type: "BEGIN_CLOSURE", at: T0 })).kind).toBe("not_allowed");
  });
});

describe("re-classification", () => {
  it("FLAG_RECLASSIFICATION sets the flag without changing the phase [isNewReclassificationFlag && reasonFitsTargetGroup: pass]", () => {
    const snapshot = runCase(caseIn("active"), flagUmf);
    expect(phaseOf(snapshot)).toBe("active");
    expect(snapshot.context).toMatchObject({ reclassificationRequired: "umf_volljaehrig", reclassificationFlaggedAt: T1 });
  });
  it("FLAG_RECLASSIFICATION refuses the same flag twice [isNewReclassificationFlag: refuses]", () => {
    const snapshot = runCase(caseIn("active"), flagUmf);
    expect(allowedCaseEvents(snapshot)).not.toContain("FLAG_RECLASSIFICATION");
    expect(refused(applyCaseTransition(snapshot, flagUmf))).toEqual({
      kind: "guard_failed",
      message: "Die Neuzuordnung ist bereits angefordert.",
    });
  });
  it("FLAG_RECLASSIFICATION refuses a reason of another group [reasonFitsTargetGroup: refuses]", () => {
    expect(
      refused(applyCaseTransition(caseIn("active"), { type: "FLAG_RECLASSIFICATION", reason: "aufenthaltstitel", at: T1 }))
        .message,
    ).toBe(
      "Der Hinweis „Aufenthaltstitel erteilt“ betrifft nur Fälle der Zielgruppe „Geduldete mit Unterstützungsbedarf bei der Identitätsklärung“.",
    );
    const geduldet = runCase(caseIn("planning", "geduldete_identitaet"), {
      type: "FLAG_RECLASSIFICATION",
      reason: "aufenthaltstitel",
      at: T1,
    });
    expect(geduldet.context.reclassificationRequired).toBe("aufenthaltstitel");
  });
  it("Neuzugewanderte cannot be flagged by the job [isNewReclassificationFlag: refuses]", () => {
    const snapshot = caseIn("active", "neuzugewanderte_erhoeht");
    expect(allowedCaseEvents(snapshot)).not.toContain("FLAG_RECLASSIFICATION");
    expect(refused(applyCaseTransition(snapshot, flagUmf)).message).toContain("gibt es keinen Anlass für eine Neuzuordnung");
  });
  it("FLAG_RECLASSIFICATION is not allowed before classification", () => {
    expect(refused(applyCaseTransition(caseIn("classification"), flagUmf)).kind).toBe("not_allowed");
    expect(refused(applyCaseTransition(newCase(), flagUmf)).kind).toBe("not_allowed");
  });
  it("while resting: allowed for a classified case, refused for one resting from classification", () => {
    expect(runCase(caseIn("resting"), flagUmf).context.reclassificationRequired).toBe("umf_volljaehrig");
    const unclassified = runCase(caseIn("classification"), pause);
    expect(refused(applyCaseTransition(unclassified, flagUmf))).toEqual({
      kind: "guard_failed",
      message: "Der Fall ist noch keiner Zielgruppe zugeordnet.",
    });
  });
  it("RECLASSIFY updates group and version and clears the flag [meetsTargetGroupDefinition: passes]", () => {
    const flagged = runCase(caseIn("active"), flagUmf);
    const event = classifyEvent("neuzugewanderte_erhoeht", {}, "RECLASSIFY", daysAfter(T0, 2));
    const snapshot = runCase(flagged, event);
    expect(phaseOf(snapshot)).toBe("active");
    expect(snapshot.context).toMatchObject({
      targetGroup: "neuzugewanderte_erhoeht",
      definitionVersion: 1,
      reclassificationRequired: null,
      classifiedAt: daysAfter(T0, 2),
    });
  });
  it("RECLASSIFY refuses facts that do not meet the definition [meetsTargetGroupDefinition: refuses]", () => {
    const event = classifyEvent("neuzugewanderte_erhoeht", { referralSource: "selbstmelder" }, "RECLASSIFY");
    const { kind, message } = refused(applyCaseTransition(caseIn("active"), event));
    expect(kind).toBe("guard_failed");
    expect(message).toContain("Der Zugangsweg „Selbstmelder*in“ gehört nicht zur Zielgruppe");
  });
  it("RECLASSIFY while resting needs a classified case [isClassified: refuses / passes]", () => {
    const event = classifyEvent("umf", {}, "RECLASSIFY");
    const unclassified = runCase(newCase(), pause);
    expect(allowedCaseEvents(unclassified)).not.toContain("RECLASSIFY");
    expect(refused(applyCaseTransition(unclassified, event)).message).toBe("Der Fall ist noch keiner Zielgruppe zugeordnet.");
    expect(runCase(caseIn("resting", "geduldete_identitaet"), event).context.targetGroup).toBe("umf");
  });
  it("CLOSE_NOT_TARGET_GROUP after classification needs the flag [reclassificationRequired: refuses]", () => {
    const snapshot = caseIn("active");
    expect(allowedCaseEvents(snapshot)).not.toContain("CLOSE_NOT_TARGET_GROUP");
    expect(refused(applyCaseTransition(snapshot, { type: "CLOSE_NOT_TARGET_GROUP", at: T1 }))).toEqual({
      kind: "guard_failed",
      message:
        "Ein Abschluss wegen „keine Zielgruppe (mehr)“ ist nach der Zuordnung nur möglich, wenn eine Neuzuordnung angefordert ist.",
    });
  });
  it.each(["assessment", "planning", "active", "closure", "resting"] as const)(
    "CLOSE_NOT_TARGET_GROUP with the flag closes from %s [reclassificationRequired: passes]",
    (phase) => {
      const flagged = runCase(caseIn(phase), flagUmf);
      expect(allowedCaseEvents(flagged)).toContain("CLOSE_NOT_TARGET_GROUP");
      const snapshot = runCase(flagged, { type: "CLOSE_NOT_TARGET_GROUP", at: T1 });
      expect(phaseOf(snapshot)).toBe("closed");
      expect(snapshot.context).toMatchObject({ closureReason: "keine_zielgruppe", restingFrom: null, closedAt: T1 });
    },
  );
});

describe("identity clarification (Geduldete)", () => {
  it("RECORD_IDENTITY_STEP records steps once; 'identitaet_geklaert' sets identityClarified [isGeduldeteCase: passes]", () => {
    const step = (s: "pass_beantragt" | "identitaet_geklaert"): CaseEvent => ({ type: "RECORD_IDENTITY_STEP", step: s, at: T1 });
    const first = runCase(caseIn("assessment", "geduldete_identitaet"), step("pass_beantragt"), step("pass_beantragt"));
    expect(first.context).toMatchObject({ identitySteps: ["pass_beantragt"], identityClarified: false });
    const done = runCase(first, step("identitaet_geklaert"));
    expect(done.context).toMatchObject({ identitySteps: ["pass_beantragt", "identitaet_geklaert"], identityClarified: true });
    expect(phaseOf(done)).toBe("assessment");
  });
  it("is possible while resting", () => {
    const snapshot = runCase(caseIn("resting", "geduldete_identitaet"), {
      type: "RECORD_IDENTITY_STEP",
      step: "botschaftstermin",
      at: T1,
    });
    expect(snapshot.context.identitySteps).toEqual(["botschaftstermin"]);
  });
  it("is refused for other target groups [isGeduldeteCase: refuses]", () => {
    const snapshot = caseIn("active", "umf");
    expect(allowedCaseEvents(snapshot)).not.toContain("RECORD_IDENTITY_STEP");
    expect(refused(applyCaseTransition(snapshot, { type: "RECORD_IDENTITY_STEP", step: "pass_beantragt", at: T1 }))).toEqual({
      kind: "guard_failed",
      message:
        "Schritte zur Identitätsklärung werden nur in Fällen der Zielgruppe „Geduldete mit Unterstützungsbedarf bei der Identitätsklärung“ dokumentiert.",
    });
  });
  it("is not allowed before classification", () => {
    expect(
      refused(applyCaseTransition(caseIn("classification"), { type: "RECORD_IDENTITY_STEP", step: "pass_beantragt", at: T1 }))
        .kind,
    ).toBe("not_allowed");
  });
});

describe("closed and reopening", () => {
  const closedAt = caseIn("closed").context.closedAt as string;
  it("REOPEN within the period (boundary included) returns to active and clears the closure [withinReopenPeriod: passes]", () => {
    const at = daysAfter(closedAt, REOPEN_PERIOD_DAYS);
    const result = applyCaseTransition(caseIn("closed"), { type: "REOPEN", at, reason: "Klient*in meldet sich wieder" });
    expect(result.ok && result.phase).toBe("active");
    expect(accepted(result).context).toMatchObject({
      closureReason: null,
      closedAt: null,
      closureNote: null,
      reopenCount: 1,
      goals: { g1: "erreicht" },
    });
  });
  it("REOPEN after the period is refused [withinReopenPeriod: refuses]", () => {
    const at = new Date(Date.parse(daysAfter(closedAt, REOPEN_PERIOD_DAYS)) + 1).toISOString();
    expect(refused(applyCaseTransition(caseIn("closed"), { type: "REOPEN", at }))).toEqual({
      kind: "guard_failed",
      message: "Die Frist zur Wiedereröffnung ist abgelaufen (90 Tage nach dem Abschluss am 03.03.2025). Bitte einen neuen Fall anlegen.",
    });
    expect(refused(applyCaseTransition(caseIn("closed"), { type: "REOPEN", at: "irgendwann" })).message).toBe(
      "Der Zeitpunkt der Wiedereröffnung ist ungültig.",
    );
  });
  it("allowedCaseEvents evaluates the reopen period only when given the current time", () => {
    const closed = caseIn("closed");
    expect(allowedCaseEvents(closed)).toEqual(["REOPEN"]);
    expect(allowedCaseEvents(closed, daysAfter(closedAt, 10))).toEqual(["REOPEN"]);
    expect(allowedCaseEvents(closed, daysAfter(closedAt, 400))).toEqual([]);
  });
  it("a rejection as not eligible reopens to intake", () => {
    const snapshot = runCase(newCase(), { type: "REJECT_NOT_ELIGIBLE", reason: "falscher Kreis", at: T0 }, { type: "REOPEN", at: T1 });
    expect(phaseOf(snapshot)).toBe("intake");
  });
  it("an unclassified closure reopens to classification", () => {
    const snapshot = runCase(caseIn("classification"), { type: "CLOSE_NOT_TARGET_GROUP", at: T0 }, { type: "REOPEN", at: T1 });
    expect(phaseOf(snapshot)).toBe("classification");
  });
  it("a closure before any assessment reopens to assessment", () => {
    const snapshot = runCase(caseIn("assessment"), { type: "BEGIN_CLOSURE", at: T0 }, close, { type: "REOPEN", at: T1 });
    expect(phaseOf(snapshot)).toBe("assessment");
  });
  it("a closure before any goal reopens to planning", () => {
    const snapshot = runCase(caseIn("planning"), { type: "BEGIN_CLOSURE", at: T0 }, close, { type: "REOPEN", at: T1 });
    expect(phaseOf(snapshot)).toBe("planning");
  });
  it("a closure because the group no longer applies keeps the flag when reopened", () => {
    const snapshot = runCase(caseIn("active"), flagUmf, { type: "CLOSE_NOT_TARGET_GROUP", at: T1 }, { type: "REOPEN", at: T1 });
    expect(phaseOf(snapshot)).toBe("active");
    expect(snapshot.context.reclassificationRequired).toBe("umf_volljaehrig");
  });
  it("reopenTargetPhase documents the rule", () => {
    const base = caseIn("closed").context;
    expect(reopenTargetPhase({ ...base, closureReason: "nicht_zustaendig" })).toBe("intake");
    expect(reopenTargetPhase({ ...base, targetGroup: null })).toBe("classification");
    expect(reopenTargetPhase({ ...base, assessedDomains: [] })).toBe("assessment");
    expect(reopenTargetPhase({ ...base, goals: {} })).toBe("planning");
    expect(reopenTargetPhase(base)).toBe("active");
  });
  it("REOPEN is not allowed in an open case", () => {
    expect(refused(applyCaseTransition(caseIn("active"), { type: "REOPEN", at: T1 })).kind).toBe("not_allowed");
  });
});

describe("persistence", () => {
  it("persists plain JSON that restores to an equivalent snapshot", () => {
    const snapshot = runCase(caseIn("resting", "geduldete_identitaet"), { type: "SET_DEPUTY", deputyId: "cm-2", at: T1 });
    const persisted = persistCaseSnapshot(snapshot);
    expect(JSON.parse(JSON.stringify(persisted))).toEqual(persisted);
    expect(persisted.value).toEqual({ open: "resting" });
    const restored = restoreCaseSnapshot(persisted);
    expect(restored.value).toEqual(snapshot.value);
    expect(restored.context).toEqual(snapshot.context);
    expect(allowedCaseEvents(restored)).toEqual(allowedCaseEvents(snapshot));
  });
  it.each(["intake", "classification", "assessment", "planning", "active", "closure", "resting", "closed"] as const)(
    "restores %s and keeps working with the pure transition",
    (phase) => {
      const restored = roundtrip(caseIn(phase));
      expect(phaseOf(restored)).toBe(phase);
      const result = applyCaseTransition(restored, { type: "TRANSFER", toCaseManagerId: "cm-9", at: T1 });
      expect(result.ok).toBe(phase !== "closed");
    },
  );
  it("rejects malformed persisted data", () => {
    const good = persistCaseSnapshot(caseIn("active"));
    expect(() => restoreCaseSnapshot(null)).toThrow();
    expect(() => restoreCaseSnapshot("active")).toThrow();
    expect(() => restoreCaseSnapshot({ ...good, context: undefined })).toThrow();
    expect(() => restoreCaseSnapshot({ ...good, value: undefined })).toThrow();
    expect(() => restoreCaseSnapshot({ ...good, context: { caseId: "x" } })).toThrow();
    expect(() => restoreCaseSnapshot({ ...good, value: { open: "nirgendwo" } })).toThrow();
    expect(() => restoreCaseSnapshot({ ...good, value: { open: "resuming" } })).toThrow(/transient/);
    expect(() => restoreCaseSnapshot({ ...good, value: { open: "resting" } })).toThrow(/restingFrom/);
  });
});

describe("labels and allowed events", () => {
  it("every event type has a distinct German label", () => {
    const labels = Object.values(CASE_EVENT_LABELS);
    expect(new Set(labels).size).toBe(labels.length);
    expect(CASE_EVENT_TYPES).toHaveLength(20);
  });
  it("allowedCaseEvents lists exactly the buttons per phase on the standard path", () => {
    expect(allowedCaseEvents(newCase())).toEqual(["RECORD_CONTACT", "REJECT_NOT_ELIGIBLE", "TRANSFER", "SET_DEPUTY", "PAUSE"]);
    expect(allowedCaseEvents(caseIn("classification"))).toEqual([
      "RECORD_CONTACT",
      "CLASSIFY",
      "CLOSE_NOT_TARGET_GROUP",
      "TRANSFER",
      "SET_DEPUTY",
      "PAUSE",
    ]);
    expect(allowedCaseEvents(caseIn("assessment", "geduldete_identitaet"))).toEqual([
      "RECORD_CONTACT",
      "RECORD_ASSESSMENT",
      "BEGIN_CLOSURE",
      "TRANSFER",
      "SET_DEPUTY",
      "PAUSE",
      "FLAG_RECLASSIFICATION",
      "RECLASSIFY",
      "RECORD_IDENTITY_STEP",
    ]);
    expect(allowedCaseEvents(caseIn("active"))).toEqual([
      "RECORD_CONTACT",
      "AGREE_GOAL",
      "EVALUATE_GOAL",
      "BEGIN_CLOSURE",
      "TRANSFER",
      "SET_DEPUTY",
      "PAUSE",
      "FLAG_RECLASSIFICATION",
      "RECLASSIFY",
    ]);
    expect(allowedCaseEvents(caseIn("resting"))).toEqual([
      "RECORD_CONTACT",
      "CLOSE",
      "TRANSFER",
      "SET_DEPUTY",
      "RESUME",
      "FLAG_RECLASSIFICATION",
      "RECLASSIFY",
    ]);
  });
  it("every named guard of the machine is used by some transition", () => {
    const declared = Object.keys(caseMachine.implementations.guards).sort();
    const used = new Set<string>();
    const visit = (node: AnyStateNode): void => {
      const transitions = [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
      for (const t of transitions) {
        for (const part of (describeGuard(t.guard) ?? "").split(" && ")) used.add(part.replace(/\(.*\)$/, ""));
      }
      for (const child of Object.values(node.states)) visit(child);
    };
    visit(caseMachine.root);
    used.delete("");
    expect([...used].sort()).toEqual(declared);
    expect(declared).toHaveLength(21);
  });
});

describe("compact context (applyCaseTransition, createCaseSnapshot)", () => {
  it("holds exactly what xstate's own transitions give, key for key, along a whole case", () => {
    // The same events through xstate's transition() without the compaction: a key the compaction forgot
    // (or one the machine gains later) shows up as a difference here.
    const events: CaseEvent[] = [
      contact,
      classifyEvent("umf"),
      assess,
      { type: "COMPLETE_ASSESSMENT", at: T0 },
      agree("g1"),
      { type: "START_WORK", at: T0 },
      pause,
      resume,
      flagUmf,
      evaluate("g1"),
    ];
    const [initial] = initialTransition(caseMachine, { caseId: "case-1", caseManagerId: "cm-1", reopenPeriodDays: REOPEN_PERIOD_DAYS, openedAt: T0 });
    let ours = newCase();
    let theirs: CaseSnapshot = initial;
    expect(Object.keys(ours.context)).toEqual(Object.keys(theirs.context));
    expect(ours.context).toEqual(theirs.context);
    for (const event of events) {
      ours = accepted(applyCaseTransition(ours, event));
      theirs = transition(caseMachine, theirs, event)[0];
      expect(ours.value).toEqual(theirs.value);
      expect(Object.keys(ours.context).sort()).toEqual(Object.keys(theirs.context).sort());
      expect(ours.context).toEqual(theirs.context);
    }
    expect(phaseOf(ours)).toBe(phaseOf(theirs));
    expect(Object.keys(ours.context.goals)).toEqual(["g1"]);
  });
});

describe("replayCaseEvent (the seed's replay)", () => {
  it("takes exactly the events applyCaseTransition accepts, to the same snapshot, in every phase", () => {
    const later = daysAfter(T0, 400);
    const events: CaseEvent[] = [
      contact,
      { ...contact, at: later },
      classifyEvent("umf"),
      classifyEvent("geduldete_identitaet"),
      classifyEvent("umf", {}, "RECLASSIFY"),
      { type: "REJECT_NOT_ELIGIBLE", reason: "wohnt außerhalb", at: T1 },
      { type: "REJECT_NOT_ELIGIBLE", reason: " ", at: T1 },
      { type: "CLOSE_NOT_TARGET_GROUP", at: T1 },
      assess,
      { type: "COMPLETE_ASSESSMENT", at: T1 },
      agree("g1"),
      agree("g2"),
      { type: "START_WORK", at: T1 },
      evaluate("g1"),
      evaluate("g9"),
      pause,
      { ...pause, reason: "" },
      resume,
      { type: "BEGIN_CLOSURE", at: T1 },
      close,
      { type: "CLOSE", reason: "ziele_erreicht", at: T1 },
      { type: "REOPEN", reason: "erneuter Bedarf", at: T1 },
      { type: "REOPEN", reason: "erneuter Bedarf", at: later },
      flagUmf,
      { type: "TRANSFER", toCaseManagerId: "cm-2", at: T1 },
      { type: "SET_DEPUTY", deputyId: "cm-3", at: T1 },
      { type: "RECORD_IDENTITY_STEP", step: "identitaet_geklaert", at: T1 },
      { type: "NOT_AN_EVENT", at: T1 } as unknown as CaseEvent,
    ];
    const snapshots = [
      newCase(),
      newCase(null),
      ...(["classification", "assessment", "planning", "active", "closure", "resting", "closed"] as const).map((p) => caseIn(p)),
    ];
    let accepted = 0;
    let refused = 0;
    for (const snapshot of snapshots) {
      for (const event of events) {
        const checked = applyCaseTransition(snapshot, event);
        const replayed = replayCaseEvent(snapshot, event);
        const where = `${event.type} in ${phaseOf(snapshot)}`;
        expect(replayed === null, where).toBe(!checked.ok);
        if (checked.ok && replayed) {
          accepted += 1;
          expect(replayed.value, where).toEqual(checked.snapshot.value);
          expect(replayed.context, where).toEqual(checked.snapshot.context);
        } else {
          refused += 1;
        }
      }
    }
    // both kinds are well represented
    expect(accepted).toBeGreaterThan(40);
    expect(refused).toBeGreaterThan(100);
  });
});
