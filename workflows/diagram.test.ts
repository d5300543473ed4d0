import { describe, expect, it } from "vitest";

import { CASE_EVENT_LABELS } from "./case-machine";
import { caseMachineToMermaid, referralMachineToMermaid } from "./diagram";
import { REFERRAL_EVENT_LABELS } from "./referral-machine";
import { CASE_PHASES, REFERRAL_STATUSES } from "./vocabulary";

const LINE = [
  /^stateDiagram-v2$/,
  /^ {2}state "[^"]+" as \w+$/,
  /^ {2}state \w+ <<choice>>$/,
  /^ {2}(\[\*\]|\w+) --> (\[\*\]|\w+)( : [^:]+)?$/,
  /^ {2}note right of \w+$/,
  /^ {4}[^:]+$/,
  /^ {2}end note$/,
];

function checkSyntax(text: string): void {
  const lines = text.trimEnd().split("\n");
  for (const line of lines) expect(LINE.some((re) => re.test(line)), line).toBe(true);
  const declared = new Set(
    lines.flatMap((l) => {
      const m = /^ {2}state (?:"[^"]+" as )?(\w+)/.exec(l);
      return m?.[1] ? [m[1]] : [];
    }),
  );
  for (const line of lines) {
    const m = /^ {2}(\[\*\]|\w+) --> (\[\*\]|\w+)/.exec(line);
    if (!m) continue;
    for (const end of [m[1], m[2]]) if (end !== "[*]") expect(declared.has(end as string), line).toBe(true);
  }
}

describe("diagrams generated from the machines", () => {
  it("case machine: every phase and every event type appears, with guards", () => {
    const text = caseMachineToMermaid();
    checkSyntax(text);
    for (const phase of CASE_PHASES.values) expect(text).toContain(`state "${CASE_PHASES.label[phase]}" as ${phase}`);
    for (const label of Object.values(CASE_EVENT_LABELS)) expect(text).toContain(label);
    expect(text).toContain("[*] --> intake");
    expect(text).toContain("intake --> classification : Kontakt dokumentieren");
    expect(text).toContain("classification --> assessment : Zielgruppe zuordnen [meetsTargetGroupDefinition]");
    expect(text).toContain("closure --> closed : Fall abschließen [isAllowedClosureReason && allGoalsEvaluated]");
    expect(text).toContain("state resuming <<choice>>");
    expect(text).toContain("resuming --> closure : [restedIn(closure)]");
    expect(text).toContain("reopening --> intake : [reopensTo(intake)]");
    expect(caseMachineToMermaid()).toBe(text);
  });
  it("referral machine: every status and event type appears; final states end", () => {
    const text = referralMachineToMermaid();
    checkSyntax(text);
    for (const status of REFERRAL_STATUSES.values) expect(text).toContain(`as ${status}`);
    for (const label of Object.values(REFERRAL_EVENT_LABELS)) expect(text).toContain(label);
    for (const final of ["abgeschlossen", "abgelehnt", "abgebrochen"]) expect(text).toContain(`${final} --> [*]`);
    expect(text).toContain("geplant --> gesendet : Vermitteln [isPlannedPartner && hasValidConsentOrNoDataShared]");
  });
});
