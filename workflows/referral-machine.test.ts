import { describe, expect, it } from "vitest";
import { transition } from "xstate";
import { getShortestPaths, getSimplePaths } from "xstate/graph";

import { transitionsFor } from "./machine-kit";
import {
  allowedReferralEvents,
  applyReferralTransition,
  createReferralSnapshot,
  persistReferralSnapshot,
  REFERRAL_EVENT_LABELS,
  REFERRAL_EVENT_TYPES,
  REFERRAL_MACHINE_VERSION,
  type ReferralConsent,
  type ReferralEvent,
  type ReferralEventType,
  referralMachine,
  type ReferralSnapshot,
  referralStatusOf,
  type ReferralTransitionResult,
  refuseConsent,
  restoreReferralSnapshot,
} from "./referral-machine";
import { daysAfter, runReferral, T0 } from "./test-fixtures";
import { REFERRAL_STATUSES, type ReferralStatus } from "./vocabulary";

const SEND_AT = "2025-04-10T10:00:00.000Z";

const consent: ReferralConsent = { partnerId: "p-jmd", givenAt: "2025-04-01", validUntil: null, revokedAt: null };

function send(overrides: Partial<Extract<ReferralEvent, { type: "SEND" }>> = {}): ReferralEvent {
  return { type: "SEND", at: SEND_AT, sharesData: true, partnerId: "p-jmd", consent, legalBasis: null, ...overrides };
}

function planned(): ReferralSnapshot {
  return createReferralSnapshot({ referralId: "r-1", caseId: "case-1", partnerId: "p-jmd" }, T0);
}

function refused(result: ReferralTransitionResult): { kind: string; message: string } {
  if (result.ok) throw new Error(`expected a refusal, got ${result.status}`);
  return { kind: result.kind, message: result.message };
}

const accept: ReferralEvent = { type: "ACCEPT", at: daysAfter(SEND_AT, 2) };
const complete: ReferralEvent = { type: "COMPLETE", at: daysAfter(SEND_AT, 30) };
const decline: ReferralEvent = { type: "DECLINE", reason: "keine Kapazität", at: daysAfter(SEND_AT, 3) };
const cancel: ReferralEvent = { type: "CANCEL", at: daysAfter(SEND_AT, 1), reason: "Klient*in verzogen" };

function inStatus(status: ReferralStatus): ReferralSnapshot {
  const paths: Record<ReferralStatus, ReferralEvent[]> = {
    geplant: [],
    gesendet: [send()],
    angenommen: [send(), accept],
    abgeschlossen: [send(), accept, complete],
    abgelehnt: [send(), decline],
    abgebrochen: [cancel],
  };
  return runReferral(planned(), ...paths[status]);
}

describe("referral machine: transitions", () => {
  it("starts as geplant", () => {
    const s = planned();
    expect(referralStatusOf(s)).toBe("geplant");
    expect(s.context).toMatchObject({ referralId: "r-1", caseId: "case-1", partnerId: "p-jmd", plannedAt: T0, sentAt: null });
    expect(REFERRAL_MACHINE_VERSION).toBe("referral-v1");
    expect(() => createReferralSnapshot({ referralId: "", caseId: "c", partnerId: "p" }, T0)).toThrow();
    expect(() => createReferralSnapshot({ referralId: "r", caseId: "c", partnerId: "p" }, "nie")).toThrow();
  });
  it("SEND with a valid consent → gesendet [isPlannedPartner && hasValidConsentOrNoDataShared: pass]", () => {
    const result = applyReferralTransition(planned(), send());
    expect(result.ok && result.status).toBe("gesendet");
    expect(result.ok && result.snapshot.context).toMatchObject({
      sentAt: SEND_AT,
      sharesData: true,
      dataSharingBasis: "einwilligung",
      consentGivenAt: "2025-04-01",
      legalBasis: null,
    });
  });
  it("SEND without data sharing needs no consent", () => {
    const result = applyReferralTransition(planned(), send({ sharesData: false, consent: null }));
    expect(result.ok && result.snapshot.context.dataSharingBasis).toBe("keine_weitergabe");
  });
  it("SEND with data sharing on a documented legal basis", () => {
    const result = applyReferralTransition(planned(), send({ consent: null, legalBasis: " § 8a SGB VIII " }));
    expect(result.ok && result.snapshot.context).toMatchObject({ dataSharingBasis: "rechtsgrundlage", legalBasis: "§ 8a SGB VIII" });
  });
  it("SEND to another partner than planned is refused [isPlannedPartner: refuses]", () => {
    expect(refused(applyReferralTransition(planned(), send({ partnerId: "p-other" })))).toEqual({
      kind: "guard_failed",
      message: "Die Vermittlung ist für einen anderen Partner geplant.",
    });
  });
  it("SEND sharing data without consent or legal basis is refused [hasValidConsentOrNoDataShared: refuses]", () => {
    const missing = refused(applyReferralTransition(planned(), send({ consent: null })));
    expect(missing.kind).toBe("guard_failed");
    expect(missing.message).toBe(
      "Für die Weitergabe von Daten an den Partner ist eine gültige Einwilligung (Schweigepflichtentbindung) oder eine von der Koordination dokumentierte Rechtsgrundlage erforderlich.",
    );
    expect(refused(applyReferralTransition(planned(), send({ consent: null, legalBasis: "  " }))).kind).toBe("guard_failed");
  });
  it.each([
    ["another partner", { ...consent, partnerId: "p-jobcenter" }, "Die Einwilligung gilt für einen anderen Partner."],
    ["given after sending", { ...consent, givenAt: "2025-04-11" }, "Die Einwilligung liegt erst ab dem 11.04.2025 vor."],
    ["revoked before sending", { ...consent, revokedAt: "2025-04-09T08:00:00.000Z" }, "Die Einwilligung wurde am 09.04.2025 widerrufen."],
    ["revoked at the moment of sending", { ...consent, revokedAt: SEND_AT }, "Die Einwilligung wurde am 10.04.2025 widerrufen."],
    ["expired the day before", { ...consent, validUntil: "2025-04-09" }, "Die Einwilligung galt nur bis 09.04.2025."],
    ["expired an hour before", { ...consent, validUntil: "2025-04-10T09:00:00.000Z" }, "Die Einwilligung galt nur bis 10.04.2025."],
    ["without a valid date", { ...consent, givenAt: "unbekannt" }, "Das Datum der Einwilligung fehlt oder ist ungültig."],
  ])("a consent %s does not cover the referral", (_label, c, reason) => {
    const { kind, message } = refused(applyReferralTransition(planned(), send({ consent: c })));
    expect(kind).toBe("guard_failed");
    expect(message.startsWith(reason)).toBe(true);
    // a coordinator's documented legal basis still allows sending
    expect(applyReferralTransition(planned(), send({ consent: c, legalBasis: "§ 65 SGB VIII" })).ok).toBe(true);
  });
  it.each([
    ["valid through the whole last day", "2025-04-10"],
    ["revoked only later", null],
  ])("a consent %s covers the referral", (_label, validUntil) => {
    const c = { ...consent, validUntil, revokedAt: validUntil === null ? "2025-05-01" : null };
    expect(refuseConsent(c, "p-jmd", "2025-04-10T21:59:00.000Z")).toBeNull();
    expect(applyReferralTransition(planned(), send({ consent: c })).ok).toBe(true);
  });
  it("refuseConsent reports an invalid sending time", () => {
    expect(refuseConsent(consent, "p-jmd", "jetzt")).toBe("Der Zeitpunkt des Versands ist ungültig.");
  });
  it("ACCEPT → angenommen, COMPLETE → abgeschlossen (final)", () => {
    const accepted = runReferral(inStatus("gesendet"), accept);
    expect(referralStatusOf(accepted)).toBe("angenommen");
    expect(accepted.context.acceptedAt).toBe(accept.at);
    const completed = runReferral(accepted, complete);
    expect(referralStatusOf(completed)).toBe("abgeschlossen");
    expect(completed.status).toBe("done");
    expect(completed.context).toMatchObject({ endedAt: complete.at, endReason: null });
  });
  it.each(["gesendet", "angenommen"] as const)("DECLINE from %s → abgelehnt [hasReason: passes]", (status) => {
    const s = runReferral(inStatus(status), decline);
    expect(referralStatusOf(s)).toBe("abgelehnt");
    expect(s.context).toMatchObject({ endReason: "keine Kapazität", endedAt: decline.at });
  });
  it("DECLINE needs a reason [hasReason: refuses]", () => {
    expect(refused(applyReferralTransition(inStatus("gesendet"), { ...decline, reason: " " }))).toEqual({
      kind: "guard_failed",
      message: "Bitte den Grund der Ablehnung angeben.",
    });
  });
  it.each(["geplant", "gesendet", "angenommen"] as const)("CANCEL from %s → abgebrochen", (status) => {
    const s = runReferral(inStatus(status), cancel);
    expect(referralStatusOf(s)).toBe("abgebrochen");
    expect(s.context.endReason).toBe("Klient*in verzogen");
    expect(runReferral(inStatus(status), { type: "CANCEL", at: T0 }).context.endReason).toBeNull();
  });
  it.each(["abgeschlossen", "abgelehnt", "abgebrochen"] as const)("%s is final: nothing is allowed", (status) => {
    const s = inStatus(status);
    expect(allowedReferralEvents(s)).toEqual([]);
    expect(refused(applyReferralTransition(s, cancel))).toEqual({
      kind: "not_allowed",
      message: `Der Schritt „Vermittlung abbrechen“ ist bei einer Vermittlung im Status „${REFERRAL_STATUSES.label[status]}“ nicht möglich.`,
    });
  });
  it("refuses out-of-order steps as not_allowed", () => {
    expect(refused(applyReferralTransition(planned(), accept)).kind).toBe("not_allowed");
    expect(refused(applyReferralTransition(planned(), decline)).kind).toBe("not_allowed");
    expect(refused(applyReferralTransition(inStatus("gesendet"), complete)).kind).toBe("not_allowed");
    expect(refused(applyReferralTransition(inStatus("gesendet"), send())).message).toBe(
      "Der Schritt „Vermitteln“ ist bei einer Vermittlung im Status „vermittelt“ nicht möglich.",
    );
    expect(refused(applyReferralTransition(planned(), { type: "FOO", at: T0 } as unknown as ReferralEvent)).message).toBe(
      "Unbekannter Schritt.",
    );
  });
  it("a malformed SEND is refused, not thrown", () => {
    const bad = { type: "SEND", at: SEND_AT, sharesData: true, partnerId: "p-jmd", legalBasis: null } as unknown as ReferralEvent;
    expect(refused(applyReferralTransition(planned(), bad)).kind).toBe("guard_failed");
  });
  it("persists and restores in every status", () => {
    for (const status of REFERRAL_STATUSES.values) {
      const s = inStatus(status);
      const persisted = persistReferralSnapshot(s);
      expect(JSON.parse(JSON.stringify(persisted))).toEqual(persisted);
      const restored = restoreReferralSnapshot(JSON.parse(JSON.stringify(persisted)));
      expect(referralStatusOf(restored)).toBe(status);
      expect(restored.context).toEqual(s.context);
      expect(allowedReferralEvents(restored)).toEqual(allowedReferralEvents(s));
    }
    expect(() => restoreReferralSnapshot(null)).toThrow();
    expect(() => restoreReferralSnapshot({ value: "geplant" })).toThrow();
    expect(() => restoreReferralSnapshot({ value: "verloren", context: planned().context })).toThrow();
  });
  it("labels every event type in German", () => {
    expect(Object.keys(REFERRAL_EVENT_LABELS)).toEqual(REFERRAL_EVENT_TYPES);
    expect(allowedReferralEvents(planned())).toEqual(["SEND", "CANCEL"]);
    expect(allowedReferralEvents(inStatus("gesendet"))).toEqual(["ACCEPT", "DECLINE", "CANCEL"]);
    expect(allowedReferralEvents(inStatus("angenommen"))).toEqual(["COMPLETE", "DECLINE", "CANCEL"]);
  });
});

/** Specification table: which event types each status accepts. */
const ACCEPTS: Record<ReferralStatus, ReferralEventType[]> = {
  geplant: ["SEND", "CANCEL"],
  gesendet: ["ACCEPT", "DECLINE", "CANCEL"],
  angenommen: ["COMPLETE", "DECLINE", "CANCEL"],
  abgeschlossen: [],
  abgelehnt: [],
  abgebrochen: [],
};

const SAMPLE_EVENTS: ReferralEvent[] = [
  send(),
  send({ sharesData: false, consent: null }),
  send({ consent: null, legalBasis: "§ 8a SGB VIII" }),
  send({ consent: null }),
  send({ consent: { ...consent, revokedAt: "2025-04-02" } }),
  send({ partnerId: "p-other", consent: { ...consent, partnerId: "p-other" } }),
  accept,
  complete,
  decline,
  { ...decline, reason: "" },
  cancel,
];

function validSample(type: ReferralEventType): ReferralEvent {
  switch (type) {
    case "SEND":
      return send();
    case "ACCEPT":
      return accept;
    case "COMPLETE":
      return complete;
    case "DECLINE":
      return decline;
    case "CANCEL":
      return cancel;
  }
}

describe("referral machine, model-based", () => {
  const start = planned();
  const serialize = (s: ReferralSnapshot) => JSON.stringify([referralStatusOf(s), s.context.dataSharingBasis]);
  const shortest = getShortestPaths(referralMachine, { fromState: start, events: SAMPLE_EVENTS, serializeState: serialize });
  const simple = getSimplePaths(referralMachine, {
    fromState: start,
    events: SAMPLE_EVENTS,
    serializeState: (s) => referralStatusOf(s),
  });

  it("reaches every status", () => {
    expect(new Set(shortest.map((p) => referralStatusOf(p.state)))).toEqual(new Set(REFERRAL_STATUSES.values));
    expect(new Set(simple.map((p) => referralStatusOf(p.state)))).toEqual(new Set(REFERRAL_STATUSES.values));
    console.log(`referral machine: getShortestPaths reached ${shortest.length} abstract states; getSimplePaths walked ${simple.length} simple paths`);
  });

  it("in every reached state, for every event type, allowed events, snapshot.can and applyReferralTransition agree", () => {
    let checks = 0;
    for (const path of [...shortest, ...simple]) {
      const s = path.state;
      const status = referralStatusOf(s);
      const allowed = allowedReferralEvents(s);
      for (const type of REFERRAL_EVENT_TYPES) {
        const accepts = ACCEPTS[status].includes(type);
        expect(transitionsFor(s, type).length > 0).toBe(accepts);
        expect(allowed.includes(type)).toBe(accepts);
        for (const event of [...SAMPLE_EVENTS.filter((e) => e.type === type), validSample(type)]) {
          checks += 1;
          const result = applyReferralTransition(s, event);
          expect(result.ok).toBe(s.can(event));
          if (result.ok) {
            const [next] = transition(referralMachine, s, event);
            expect(result.snapshot.value).toEqual(next.value);
            expect(result.snapshot.context).toEqual(next.context);
          } else {
            expect(result.kind).toBe(accepts ? "guard_failed" : "not_allowed");
          }
        }
        expect(applyReferralTransition(s, validSample(type)).ok).toBe(accepts);
      }
    }
    console.log(`referral machine: ${checks} (state, event) checks`);
  });

  it("every path replays through the service API with persist → restore between steps", () => {
    let steps = 0;
    const paths = [
      ...shortest.map((path) => ({ path, key: serialize })),
      ...simple.map((path) => ({ path, key: (s: ReferralSnapshot) => referralStatusOf(s) })),
    ];
    for (const { path, key } of paths) {
      let s = start;
      for (const step of path.steps) {
        if ((step.event as { type: string }).type === "xstate.init") continue;
        const result = applyReferralTransition(restoreReferralSnapshot(persistReferralSnapshot(s)), step.event);
        expect(result.ok).toBe(true);
        if (result.ok) s = result.snapshot;
        steps += 1;
      }
      expect(key(s)).toBe(key(path.state));
    }
    console.log(`referral machine: replayed ${shortest.length + simple.length} paths (${steps} steps)`);
  });
});
