// Which steps the client file shows first, per phase. Decided from the statechart and measured on the
// demo data (`npm run measure:phase-events`, 200 cases; README "Die Fallakte: der nächste Schritt zuerst"):
//   intake:         RECORD_CONTACT 96 %, REJECT_NOT_ELIGIBLE 4 %
//   classification: CLASSIFY 96 %, CLOSE_NOT_TARGET_GROUP 4 %
//   assessment:     RECORD_ASSESSMENT 77 %, COMPLETE_ASSESSMENT 23 %
//   planning:       AGREE_GOAL 65 %, START_WORK 35 %
//   active:         RECORD_CONTACT 92 % (then 227 referrals planned, 139 consents, 40 follow-ups);
//                   BEGIN_CLOSURE 3 %, RECORD_IDENTITY_STEP 2 %, PAUSE 1 %, TRANSFER 1 %, re-classification < 1 %
//   closure:        EVALUATE_GOAL 65 %, CLOSE 35 %
//   resting:        RESUME 100 % (before CLOSE from resting existed)
// Pure data: no I/O.
import type { CaseEventType } from "./case-machine";
import type { CasePhase } from "./vocabulary";

/** The everyday steps of each phase, most frequent first: shown as open forms and primary buttons. */
export const EVERYDAY_STEPS: Record<CasePhase, readonly CaseEventType[]> = {
  intake: ["RECORD_CONTACT"],
  classification: ["CLASSIFY", "RECORD_CONTACT"],
  assessment: ["RECORD_ASSESSMENT", "COMPLETE_ASSESSMENT", "RECORD_CONTACT"],
  planning: ["AGREE_GOAL", "START_WORK", "RECORD_CONTACT"],
  active: ["RECORD_CONTACT", "EVALUATE_GOAL"],
  closure: ["EVALUATE_GOAL", "CLOSE"],
  resting: ["RESUME", "RECORD_CONTACT"],
  closed: ["REOPEN"],
};

/** Steps that end (or begin to end) a case: a secondary action, never the filled primary button. */
export const CLOSING_STEPS: readonly CaseEventType[] = [
  "BEGIN_CLOSURE",
  "CANCEL_CLOSURE",
  "CLOSE",
  "REJECT_NOT_ELIGIBLE",
  "CLOSE_NOT_TARGET_GROUP",
];

/** The other ways to close, hidden while the re-classification banner offers its own. */
const CLOSING_WAYS: readonly CaseEventType[] = ["BEGIN_CLOSURE", "CLOSE", "REJECT_NOT_ELIGIBLE"];

/** Steps of the re-classification banner: while a re-classification is pending, the only way to close. */
export const RECLASSIFICATION_STEPS: readonly CaseEventType[] = ["RECLASSIFY", "CLOSE_NOT_TARGET_GROUP"];

export interface NextSteps<T extends CaseEventType> {
  everyday: T[];
  closing: T[];
  /** Behind "Weitere Schritte". */
  more: T[];
}

/**
 * Sorts the offered steps of a phase into everyday, closing and more. While a re-classification is
 * pending the banner offers re-classifying or closing ("keine Zielgruppe"), so the list offers no other
 * way to close.
 */
export function arrangeNextSteps<T extends CaseEventType>(
  phase: CasePhase,
  offered: readonly T[],
  reclassificationPending: boolean,
): NextSteps<T> {
  const everydayOrder = EVERYDAY_STEPS[phase];
  const shown = offered.filter(
    (e) => !(reclassificationPending && (RECLASSIFICATION_STEPS.includes(e) || CLOSING_WAYS.includes(e))),
  );
  const everyday = everydayOrder.filter((e): e is T => shown.includes(e as T));
  const closing = shown.filter((e) => CLOSING_STEPS.includes(e) && !everyday.includes(e));
  const more = shown.filter((e) => !everyday.includes(e) && !closing.includes(e));
  return { everyday, closing, more };
}
