// Shared plumbing for the pure workflow machines: guard tables that both decide
// and explain (in German), the look-up of the transitions a snapshot has for an
// event type, and the accept/refuse decision around xstate's pure `transition()`.
// No I/O, no clock: every timestamp arrives on the event.

import {
  type AnyActorScope,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyTransitionDefinition,
  type EventObject,
  and,
  createActor,
  getNextTransitions,
} from "xstate";

/**
 * A named guard, written once and used twice: xstate evaluates it (passes when
 * `refuse` returns null), and the helpers below use the returned German text to
 * explain a refusal.
 *
 * - `context` guards look only at the context (and static params). The UI can
 *   evaluate them before the user fills in a form, so `allowed…Events` hides
 *   buttons whose context guard fails.
 * - `time` guards look at the context and the event's `at` only; `allowed…Events`
 *   evaluates them when the caller passes the current time, else assumes they pass.
 * - `payload` guards need the event's data (e.g. the chosen goal, the target
 *   group facts). `allowed…Events` assumes they pass; the refusal only comes
 *   when the event is applied.
 */
export type GuardSpec<TContext, TEvent> =
  | { kind: "context"; refuse: (context: TContext, params: unknown) => string | null }
  | { kind: "time"; refuse: (context: TContext, at: string, params: unknown) => string | null }
  | { kind: "payload"; refuse: (context: TContext, event: TEvent, params: unknown) => string | null };

export type GuardTable<TContext, TEvent> = Record<string, GuardSpec<TContext, TEvent>>;

type GuardFn<TContext, TEvent> = (args: { context: TContext; event: TEvent }, params: unknown) => boolean;

function refuseWith<TContext, TEvent>(
  spec: GuardSpec<TContext, TEvent>,
  context: TContext,
  event: TEvent,
  params: unknown,
): string | null {
  switch (spec.kind) {
    case "context":
      return spec.refuse(context, params);
    case "time":
      return spec.refuse(context, (event as { at?: unknown }).at as string, params);
    case "payload":
      return spec.refuse(context, event, params);
  }
}

/** Turns a guard table into xstate guard implementations for `setup({ guards })`. */
export function toGuardImplementations<TContext, TEvent, const TTable extends GuardTable<TContext, TEvent>>(
  table: TTable,
): { [K in keyof TTable]: GuardFn<TContext, TEvent> } {
  const out = {} as Record<string, GuardFn<TContext, TEvent>>;
  for (const [name, spec] of Object.entries(table)) {
    out[name] = ({ context, event }, params) => refuseWith(spec, context, event, params) === null;
  }
  return out as { [K in keyof TTable]: GuardFn<TContext, TEvent> };
}

/** A guard as it sits on a transition definition: a name, `{ type, params }`, or a higher-order `and(...)`. */
type GuardRef = string | { type: string; params?: unknown } | ((...args: never[]) => unknown);

type HigherOrderGuard = { guards: GuardRef[]; check: unknown };

// xstate marks higher-order guards with a `check` function; `and` is the only one we allow,
// because a refusal can then always be explained by its first failing named guard.
const AND_CHECK = (and([]) as unknown as HigherOrderGuard).check;

function isHigherOrderGuard(guard: GuardRef): guard is GuardRef & HigherOrderGuard {
  return typeof guard === "function" && "guards" in guard && Array.isArray((guard as { guards?: unknown }).guards);
}

/**
 * What is known when a guard is evaluated: the full event, or (for the "which
 * buttons are possible now" question) at most the current time.
 */
export type GuardInput<TEvent> = { event: TEvent; at?: never } | { event?: never; at: string | null };

/**
 * Evaluates a guard reference against the table. Returns null when it passes,
 * otherwise the German refusal of the first failing named guard. Without an
 * event, payload guards (and time guards without a time) are assumed to pass.
 */
export function explainGuard<TContext, TEvent>(
  table: GuardTable<TContext, TEvent>,
  guard: unknown,
  context: TContext,
  input: GuardInput<TEvent>,
): string | null {
  if (guard === undefined || guard === null) return null;
  const ref = guard as GuardRef;
  if (isHigherOrderGuard(ref)) {
    if (ref.check !== AND_CHECK) throw new Error("Only and(...) guards are supported: or()/not() cannot be explained.");
    for (const inner of ref.guards) {
      const refusal = explainGuard(table, inner, context, input);
      if (refusal !== null) return refusal;
    }
    return null;
  }
  if (typeof ref === "function") throw new Error("Inline guards are not allowed: name every guard.");
  const name = typeof ref === "string" ? ref : ref.type;
  const params = typeof ref === "string" ? undefined : ref.params;
  const spec = table[name];
  if (!spec) throw new Error(`Guard '${name}' is not in the guard table.`);
  if ("event" in input && input.event !== undefined) return refuseWith(spec, context, input.event, params);
  const at = input.at ?? null;
  if (spec.kind === "context") return spec.refuse(context, params);
  if (spec.kind === "time" && at !== null) return spec.refuse(context, at, params);
  return null;
}

/** Human-readable guard text for diagrams: `name`, `name(param)`, `a && b`. */
export function describeGuard(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  const ref = guard as GuardRef;
  if (isHigherOrderGuard(ref)) return ref.guards.map((g) => describeGuard(g)).join(" && ");
  if (typeof ref === "string") return ref;
  if (typeof ref === "function") return "inline";
  const params = ref.params;
  if (params && typeof params === "object") return `${ref.type}(${Object.values(params).map(String).join(", ")})`;
  return ref.type;
}

/** Every transition the snapshot's active state nodes (deepest first) define for this event type. */
export function transitionsFor(snapshot: AnyMachineSnapshot, eventType: string): AnyTransitionDefinition[] {
  return getNextTransitions(snapshot).filter((t) => t.eventType === eventType);
}

/** The leaf (atomic or final) state node key of a snapshot of a machine without parallel states. */
export function leafKey(snapshot: AnyMachineSnapshot): string {
  const leaves = snapshot._nodes.filter((n) => n.type === "atomic" || n.type === "final");
  const leaf = leaves[0];
  if (leaves.length !== 1 || !leaf) throw new Error("Expected exactly one active leaf state.");
  return leaf.key;
}

export type Refusal = { ok: false; kind: "not_allowed" | "guard_failed"; message: string };

/**
 * Decides an event against a snapshot without running anything:
 * - `not_allowed`: no active state node has a transition for the event type;
 * - `guard_failed`: there is one, but every guard refuses (message from the
 *   first candidate, i.e. the most specific state node);
 * - otherwise the pure `transition()` result.
 */
export function decideTransition<TContext, TEvent extends EventObject, TSnapshot extends AnyMachineSnapshot>(
  machine: AnyStateMachine,
  table: GuardTable<TContext, TEvent>,
  snapshot: TSnapshot,
  event: TEvent,
  notAllowedMessage: string,
): { ok: true; snapshot: TSnapshot } | Refusal {
  const candidates = transitionsFor(snapshot, event.type);
  if (candidates.length === 0) return { ok: false, kind: "not_allowed", message: notAllowedMessage };
  let enabled: AnyTransitionDefinition[];
  try {
    enabled = machine.getTransitionData(snapshot, event);
  } catch {
    return { ok: false, kind: "guard_failed", message: "Die Angaben zu diesem Schritt sind unvollständig oder ungültig." };
  }
  if (enabled.length === 0) {
    const context = snapshot.context as TContext;
    for (const candidate of candidates) {
      let refusal: string | null;
      try {
        refusal = explainGuard(table, candidate.guard, context, { event });
      } catch {
        refusal = "Die Angaben zu diesem Schritt sind unvollständig oder ungültig.";
      }
      if (refusal !== null) return { ok: false, kind: "guard_failed", message: refusal };
    }
    return { ok: false, kind: "guard_failed", message: "Dieser Schritt ist gerade nicht möglich." };
  }
  return { ok: true, snapshot: pureTransition(machine, snapshot, event) as TSnapshot };
}

/** One inert actor scope per machine (see pureTransition). */
const inertScopes = new WeakMap<AnyStateMachine, AnyActorScope>();

/**
 * xstate's pure `transition(machine, snapshot, event)` without its per-call cost: it builds a new actor
 * (and so the machine's initial snapshot) for every call, which was half the CPU time of generating demo
 * histories. Our machines invoke and spawn nothing and their actions only assign, so one inert scope per
 * machine, whose action executor does nothing, gives the same next snapshot.
 */
export function pureTransition(machine: AnyStateMachine, snapshot: AnyMachineSnapshot, event: EventObject): AnyMachineSnapshot {
  return machine.transition(snapshot, event, inertScopeOf(machine));
}

/** xstate's pure `initialTransition(machine, input)` on the same inert scope (its actions only assign). */
export function pureInitialSnapshot(machine: AnyStateMachine, input: unknown): AnyMachineSnapshot {
  return machine.getInitialSnapshot(inertScopeOf(machine), input);
}

function inertScopeOf(machine: AnyStateMachine): AnyActorScope {
  let scope = inertScopes.get(machine);
  if (!scope) {
    const self = createActor(machine);
    scope = {
      self,
      defer: () => {},
      id: "",
      logger: () => {},
      sessionId: "",
      stopChild: () => {},
      system: self.system,
      emit: () => {},
      actionExecutor: () => {},
    } as AnyActorScope;
    inertScopes.set(machine, scope);
  }
  return scope;
}

/**
 * Event types whose transition exists in the current state and whose context
 * guards (and, given `at`, time guards) pass, in the given order. Payload
 * guards are assumed to pass.
 */
export function allowedEventTypes<TContext, TEvent, const TType extends string>(
  table: GuardTable<TContext, TEvent>,
  snapshot: AnyMachineSnapshot,
  eventTypes: readonly TType[],
  at: string | null,
): TType[] {
  const context = snapshot.context as TContext;
  const transitions = getNextTransitions(snapshot);
  return eventTypes.filter((type) =>
    transitions.some(
      (t) => t.eventType === type && explainGuard(table, t.guard, context, { at }) === null,
    ),
  );
}

/** Parses an ISO timestamp or YYYY-MM-DD date to epoch milliseconds; NaN when invalid. */
export function toMillis(value: string | null | undefined): number {
  if (typeof value !== "string" || value.length === 0) return Number.NaN;
  return Date.parse(value);
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export function isNonEmpty(value: unknown): value is string {
  return typeof value === "string" && value.trim().length > 0;
}
