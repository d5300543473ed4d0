import { describe, expect, it } from "vitest";
import { CASE_EVENT_TYPES, allowedCaseEvents } from "./case-machine";
import { CLOSING_STEPS, EVERYDAY_STEPS, arrangeNextSteps } from "./next-steps";
import { caseIn } from "./test-fixtures";
import { CASE_PHASES } from "./vocabulary";

describe("next steps per phase", () => {
  it("every everyday step is one the phase accepts; closing steps are never among the everyday ones except CLOSE in closure and resting", () => {
    for (const phase of CASE_PHASES.values) {
      for (const step of EVERYDAY_STEPS[phase]) expect(CASE_EVENT_TYPES).toContain(step);
      const closing = EVERYDAY_STEPS[phase].filter((s) => CLOSING_STEPS.includes(s));
      expect(closing, phase).toEqual(phase === "closure" ? ["CLOSE"] : []);
    }
  });

  it("active: contact and goal evaluation first, closure secondary, the rare ones behind 'Weitere Schritte'", () => {
    const steps = arrangeNextSteps("active", allowedCaseEvents(caseIn("active")), false);
    expect(steps.everyday).toEqual(["RECORD_CONTACT", "EVALUATE_GOAL"]);
    expect(steps.closing).toEqual(["BEGIN_CLOSURE"]);
    expect(steps.more).toEqual(["AGREE_GOAL", "TRANSFER", "SET_DEPUTY", "PAUSE", "FLAG_RECLASSIFICATION", "RECLASSIFY"]);
  });

  it("a pending re-classification leaves one way to close: the banner's", () => {
    const steps = arrangeNextSteps("closure", ["RECORD_CONTACT", "EVALUATE_GOAL", "CANCEL_CLOSURE", "CLOSE", "RECLASSIFY", "CLOSE_NOT_TARGET_GROUP"], true);
    expect([...steps.everyday, ...steps.closing, ...steps.more]).not.toContain("CLOSE");
    expect([...steps.everyday, ...steps.closing, ...steps.more]).not.toContain("CLOSE_NOT_TARGET_GROUP");
    expect(steps.everyday).toEqual(["EVALUATE_GOAL"]);
  });
});
