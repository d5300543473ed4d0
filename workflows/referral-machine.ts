// The referral (Vermittlung) statechart: a case manager refers the client to a
// partner. Pure: no I/O, no clock; every event carries `at` stamped by the service.
//
//   geplant ──SEND──▶ gesendet ──ACCEPT──▶ angenommen ──COMPLETE──▶ abgeschlossen
//      │                 │ └──DECLINE──▶ abgelehnt ◀──DECLINE──┘ │
//      └──CANCEL──▶ abgebrochen ◀──CANCEL──┴──────────────────────┘
//
// Sharing personal data with the partner needs the client's consent for that
// partner (valid at the time of sending) or a legal basis documented by a
// coordinator — the guard `hasValidConsentOrNoDataShared`.

import { and, assertEvent, assign, setup, type SnapshotFrom } from "xstate";

import {
  allowedEventTypes,
  DAY_MS,
  decideTransition,
  type GuardSpec,
  type GuardTable,
  isNonEmpty,
  leafKey,
  pureInitialSnapshot,
  toGuardImplementations,
  toMillis,
} from "./machine-kit";
import { REFERRAL_STATUSES, type ReferralStatus } from "./vocabulary";

export const REFERRAL_MACHINE_VERSION = "referral-v1";

export type ReferralInput = { referralId: string; caseId: string; partnerId: string; plannedAt: string };

/** The consent (Einwilligung / Schweigepflichtentbindung) as read from the database when sending. */
export type ReferralConsent = {
  partnerId: string;
  givenAt: string;
  /** Inclusive last day (`YYYY-MM-DD`) or an exact ISO timestamp; null = no end. */
  validUntil: string | null;
  revokedAt: string | null;
};

/** On what ground data went to the partner. */
export type DataSharingBasis = "keine_weitergabe" | "einwilligung" | "rechtsgrundlage";

export type ReferralContext = {
  referralId: string;
  caseId: string;
  partnerId: string;
  plannedAt: string;
  sentAt: string | null;
  sharesData: boolean | null;
  dataSharingBasis: DataSharingBasis | null;
  consentGivenAt: string | null;
  legalBasis: string | null;
  acceptedAt: string | null;
  endedAt: string | null;
  endReason: string | null;
};

export type ReferralEvent =
  | {
      type: "SEND";
      at: string;
      sharesData: boolean;
      partnerId: string;
      consent: ReferralConsent | null;
      /** Only a coordinator may document a legal basis; the service enforces who sends it. */
      legalBasis: string | null;
    }
  | { type: "ACCEPT"; at: string }
  | { type: "COMPLETE"; at: string }
  | { type: "DECLINE"; reason: string; at: string }
  | { type: "CANCEL"; at: string; reason?: string };

export type ReferralEventType = ReferralEvent["type"];

export const REFERRAL_EVENT_LABELS: Record<ReferralEventType, string> = {
  SEND: "Vermitteln",
  ACCEPT: "Annahme erfassen",
  COMPLETE: "Vermittlung abschließen",
  DECLINE: "Ablehnung erfassen",
  CANCEL: "Vermittlung abbrechen",
};

export const REFERRAL_EVENT_TYPES = Object.keys(REFERRAL_EVENT_LABELS) as ReferralEventType[];

function formatDate(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  return match ? `${match[3]}.${match[2]}.${match[1]}` : value;
}

/** End (exclusive, epoch ms) of a consent's validity: a date-only `validUntil` includes that whole day (UTC). */
function validityEnd(validUntil: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(validUntil) ? toMillis(validUntil) + DAY_MS : toMillis(validUntil) + 1;
}

/**
 * Why a consent does not cover sending data to `partnerId` at `at` (German), or
 * null when it does. Also usable by the UI to show a consent's state.
 */
export function refuseConsent(consent: ReferralConsent, partnerId: string, at: string): string | null {
  const now = toMillis(at);
  if (Number.isNaN(now)) return "Der Zeitpunkt des Versands ist ungültig.";
  if (consent.partnerId !== partnerId) return "Die Einwilligung gilt für einen anderen Partner.";
  const given = toMillis(consent.givenAt);
  if (Number.isNaN(given)) return "Das Datum der Einwilligung fehlt oder ist ungültig.";
  if (given > now) return `Die Einwilligung liegt erst ab dem ${formatDate(consent.givenAt)} vor.`;
  if (consent.revokedAt !== null && toMillis(consent.revokedAt) <= now) {
    return `Die Einwilligung wurde am ${formatDate(consent.revokedAt)} widerrufen.`;
  }
  if (consent.validUntil !== null && !(now < validityEnd(consent.validUntil))) {
    return `Die Einwilligung galt nur bis ${formatDate(consent.validUntil)}.`;
  }
  return null;
}

type EventOf<T extends ReferralEventType> = Extract<ReferralEvent, { type: T }>;

function payloadGuard<const T extends ReferralEventType>(
  types: readonly T[],
  refuse: (context: ReferralContext, event: EventOf<T>) => string | null,
): GuardSpec<ReferralContext, ReferralEvent> {
  return {
    kind: "payload",
    refuse: (context, event) => {
      if (!(types as readonly string[]).includes(event.type)) {
        throw new Error(`Guard for ${types.join("/")} evaluated with ${event.type}`);
      }
      return refuse(context, event as EventOf<T>);
    },
  };
}

const MISSING_BASIS =
  "Für die Weitergabe von Daten an den Partner ist eine gültige Einwilligung (Schweigepflichtentbindung) " +
  "oder eine von der Koordination dokumentierte Rechtsgrundlage erforderlich.";

const referralGuards = {
  isPlannedPartner: payloadGuard(["SEND"], (c, event) =>
    event.partnerId === c.partnerId ? null : "Die Vermittlung ist für einen anderen Partner geplant.",
  ),
  hasValidConsentOrNoDataShared: payloadGuard(["SEND"], (_, event) => {
    if (!event.sharesData) return null;
    if (isNonEmpty(event.legalBasis)) return null;
    if (event.consent === null) return MISSING_BASIS;
    const refusal = refuseConsent(event.consent, event.partnerId, event.at);
    return refusal === null ? null : `${refusal} ${MISSING_BASIS}`;
  }),
  hasReason: payloadGuard(["DECLINE"], (_, event) =>
    isNonEmpty(event.reason) ? null : "Bitte den Grund der Ablehnung angeben.",
  ),
} satisfies GuardTable<ReferralContext, ReferralEvent>;

export type ReferralGuardName = keyof typeof referralGuards;

function sharingBasis(event: EventOf<"SEND">): DataSharingBasis {
  if (!event.sharesData) return "keine_weitergabe";
  if (event.consent !== null && refuseConsent(event.consent, event.partnerId, event.at) === null) return "einwilligung";
  return "rechtsgrundlage";
}

const referralSetup = setup({
  types: {
    context: {} as ReferralContext,
    events: {} as ReferralEvent,
    input: {} as ReferralInput,
  },
  guards: toGuardImplementations<ReferralContext, ReferralEvent, typeof referralGuards>(referralGuards),
  actions: {
    send: assign(({ event }) => {
      assertEvent(event, "SEND");
      const basis = sharingBasis(event);
      return {
        sentAt: event.at,
        sharesData: event.sharesData,
        dataSharingBasis: basis,
        consentGivenAt: basis === "einwilligung" && event.consent ? event.consent.givenAt : null,
        legalBasis: basis === "rechtsgrundlage" ? (event.legalBasis?.trim() ?? null) : null,
      };
    }),
    accept: assign(({ event }) => {
      assertEvent(event, "ACCEPT");
      return { acceptedAt: event.at };
    }),
    end: assign(({ event }) => {
      assertEvent(event, ["COMPLETE", "DECLINE", "CANCEL"]);
      return { endedAt: event.at, endReason: "reason" in event ? (event.reason?.trim() ?? null) : null };
    }),
  },
});

const DECLINE = { guard: "hasReason", target: "abgelehnt", actions: "end" } as const;
const CANCEL = { target: "abgebrochen", actions: "end" } as const;

export const referralMachine = referralSetup.createMachine({
  id: "referral",
  context: ({ input }) => ({
    referralId: input.referralId,
    caseId: input.caseId,
    partnerId: input.partnerId,
    plannedAt: input.plannedAt,
    sentAt: null,
    sharesData: null,
    dataSharingBasis: null,
    consentGivenAt: null,
    legalBasis: null,
    acceptedAt: null,
    endedAt: null,
    endReason: null,
  }),
  initial: "geplant",
  states: {
    geplant: {
      on: {
        SEND: {
          guard: and(["isPlannedPartner", "hasValidConsentOrNoDataShared"]),
          target: "gesendet",
          actions: "send",
        },
        CANCEL,
      },
    },
    gesendet: { on: { ACCEPT: { target: "angenommen", actions: "accept" }, DECLINE, CANCEL } },
    angenommen: { on: { COMPLETE: { target: "abgeschlossen", actions: "end" }, DECLINE, CANCEL } },
    abgeschlossen: { type: "final" },
    abgelehnt: { type: "final" },
    abgebrochen: { type: "final" },
  },
});

export type ReferralSnapshot = SnapshotFrom<typeof referralMachine>;

export type ReferralTransitionResult =
  | { ok: true; snapshot: ReferralSnapshot; status: ReferralStatus }
  | { ok: false; kind: "not_allowed" | "guard_failed"; message: string };

const STATUS_SET = new Set<string>(REFERRAL_STATUSES.values);

/** The status stored in `referrals.status` (one of REFERRAL_STATUSES). */
export function referralStatusOf(snapshot: ReferralSnapshot): ReferralStatus {
  const key = leafKey(snapshot);
  if (!STATUS_SET.has(key)) throw new Error(`Unknown referral state '${key}'.`);
  return key as ReferralStatus;
}

export function createReferralSnapshot(input: Omit<ReferralInput, "plannedAt">, at: string): ReferralSnapshot {
  if (!isNonEmpty(input.referralId) || !isNonEmpty(input.caseId) || !isNonEmpty(input.partnerId)) {
    throw new Error("referralId, caseId and partnerId are required");
  }
  if (Number.isNaN(toMillis(at))) throw new Error("at must be an ISO timestamp");
  return pureInitialSnapshot(referralMachine, { ...input, plannedAt: at }) as ReferralSnapshot;
}

export function applyReferralTransition(snapshot: ReferralSnapshot, event: ReferralEvent): ReferralTransitionResult {
  const label = (REFERRAL_EVENT_LABELS as Record<string, string>)[event.type];
  if (label === undefined) return { ok: false, kind: "not_allowed", message: "Unbekannter Schritt." };
  const status = referralStatusOf(snapshot);
  const result = decideTransition<ReferralContext, ReferralEvent, ReferralSnapshot>(
    referralMachine,
    referralGuards,
    snapshot,
    event,
    `Der Schritt „${label}“ ist bei einer Vermittlung im Status „${REFERRAL_STATUSES.label[status]}“ nicht möglich.`,
  );
  if (!result.ok) return result;
  return { ok: true, snapshot: result.snapshot, status: referralStatusOf(result.snapshot) };
}

/** Event types possible now (all referral guards depend on the payload, so this is the state's event types). */
export function allowedReferralEvents(snapshot: ReferralSnapshot): ReferralEventType[] {
  return allowedEventTypes(referralGuards, snapshot, REFERRAL_EVENT_TYPES, null);
}

export type PersistedReferralSnapshot = {
  status: string;
  value: unknown;
  context: ReferralContext;
  [key: string]: unknown;
};

export function persistReferralSnapshot(snapshot: ReferralSnapshot): PersistedReferralSnapshot {
  return JSON.parse(JSON.stringify(referralMachine.getPersistedSnapshot(snapshot))) as PersistedReferralSnapshot;
}

export function restoreReferralSnapshot(persisted: unknown): ReferralSnapshot {
  if (typeof persisted !== "object" || persisted === null) throw new Error("Persisted referral snapshot must be an object");
  const { value, context } = persisted as { value?: unknown; context?: unknown };
  if (typeof value !== "string") throw new Error("Persisted referral snapshot has no state value");
  if (typeof context !== "object" || context === null || !("referralId" in context) || !("partnerId" in context)) {
    throw new Error("Persisted referral snapshot has no valid context");
  }
  const snapshot = referralMachine.resolveState({ value, context: context as ReferralContext });
  referralStatusOf(snapshot);
  return snapshot;
}
