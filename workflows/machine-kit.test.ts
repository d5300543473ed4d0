import { describe, expect, it } from "vitest";
import { and, not, or, setup } from "xstate";

import { allowedEventTypes, describeGuard, explainGuard, type GuardTable, toGuardImplementations } from "./machine-kit";

type Ctx = { n: number };
type Ev = { type: "GO"; k: number; at: string };

const table = {
  positive: { kind: "context", refuse: (c: Ctx) => (c.n > 0 ? null : "n ist nicht positiv") },
  small: { kind: "payload", refuse: (_c: Ctx, e: Ev) => (e.k < 10 ? null : "k ist zu groß") },
  early: { kind: "time", refuse: (_c: Ctx, at: string) => (at < "2025" ? null : "zu spät") },
} satisfies GuardTable<Ctx, Ev>;

describe("machine-kit", () => {
  it("explains the first failing guard of an and(...)", () => {
    const guard = and(["positive", "small"]);
    expect(explainGuard(table, guard, { n: 1 }, { event: { type: "GO", k: 1, at: "2024" } })).toBeNull();
    expect(explainGuard(table, guard, { n: 0 }, { event: { type: "GO", k: 99, at: "2024" } })).toBe("n ist nicht positiv");
    expect(explainGuard(table, guard, { n: 1 }, { event: { type: "GO", k: 99, at: "2024" } })).toBe("k ist zu groß");
  });
  it("without an event assumes payload guards pass and evaluates time guards only given a time", () => {
    expect(explainGuard(table, "small", { n: 0 }, { at: null })).toBeNull();
    expect(explainGuard(table, "early", { n: 0 }, { at: null })).toBeNull();
    expect(explainGuard(table, "early", { n: 0 }, { at: "2030" })).toBe("zu spät");
    expect(explainGuard(table, undefined, { n: 0 }, { at: null })).toBeNull();
  });
  it("refuses guards it cannot explain", () => {
    expect(() => explainGuard(table, or(["positive"]), { n: 1 }, { at: null })).toThrow(/Only and/);
    expect(() => explainGuard(table, not("positive"), { n: 1 }, { at: null })).toThrow(/Only and/);
    expect(() => explainGuard(table, () => true, { n: 1 }, { at: null })).toThrow(/Inline/);
    expect(() => explainGuard(table, "unknown", { n: 1 }, { at: null })).toThrow(/not in the guard table/);
  });
  it("describes guards for diagrams", () => {
    expect(describeGuard("positive")).toBe("positive");
    expect(describeGuard({ type: "restedIn", params: { phase: "intake" } })).toBe("restedIn(intake)");
    expect(describeGuard({ type: "plain" })).toBe("plain");
    expect(describeGuard(and(["positive", { type: "p", params: { a: 1 } }]))).toBe("positive && p(1)");
    expect(describeGuard(undefined)).toBeNull();
  });
  it("builds xstate guard implementations and lists allowed event types", () => {
    const machine = setup({
      types: { context: {} as Ctx, events: {} as Ev },
      guards: toGuardImplementations<Ctx, Ev, typeof table>(table),
    }).createMachine({
      context: { n: 1 },
      initial: "a",
      states: { a: { on: { GO: { guard: and(["positive", "small", "early"]), target: "b" } } }, b: {} },
    });
    const [snapshot] = [machine.resolveState({ value: "a", context: { n: 1 } })];
    expect(snapshot.can({ type: "GO", k: 1, at: "2024" })).toBe(true);
    expect(snapshot.can({ type: "GO", k: 11, at: "2024" })).toBe(false);
    expect(snapshot.can({ type: "GO", k: 1, at: "2026" })).toBe(false);
    expect(allowedEventTypes(table, snapshot, ["GO"], null)).toEqual(["GO"]);
    expect(allowedEventTypes(table, snapshot, ["GO"], "2026")).toEqual([]);
    expect(allowedEventTypes(table, machine.resolveState({ value: "a", context: { n: 0 } }), ["GO"], null)).toEqual([]);
    expect(allowedEventTypes(table, machine.resolveState({ value: "b", context: { n: 1 } }), ["GO"], null)).toEqual([]);
  });
});
