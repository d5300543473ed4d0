// Demo and scale data, the pure half: fictitious clients and cases whose histories are computed with the
// pure statecharts in memory (so every stored history is one the machine allows). No database access:
// db/seed/cases.ts inserts what this makes, and db/seed/generate-worker.ts runs it on worker threads.
import { randomUUID } from "node:crypto";
import type { Insertable } from "kysely";
import {
  CASE_MACHINE_VERSION,
  type CaseClosureReason,
  type CaseEvent,
  type CaseSnapshot,
  applyCaseTransition,
  createCaseSnapshot,
  persistCaseSnapshot,
  phaseOf,
  replayCaseEvent,
} from "../../workflows/case-machine";
import {
  REFERRAL_MACHINE_VERSION,
  type ReferralEvent,
  type ReferralSnapshot,
  applyReferralTransition,
  createReferralSnapshot,
  persistReferralSnapshot,
  referralStatusOf,
} from "../../workflows/referral-machine";
import { type ClassificationFacts, type TargetGroupDefinition, detectReclassificationReason } from "../../workflows/target-groups";
import {
  type ContactType,
  type GoalEvaluation,
  IDENTITY_STEPS,
  type IdentityStep,
  NEED_DOMAINS,
  NEED_LEVELS,
  type NeedDomain,
  type ReferralSource,
  type ResidenceStatus,
  type TargetGroup,
} from "../../workflows/vocabulary";
import { berlinDate } from "../case-service";
import { type CopyGroup, copyGroups } from "./copy";
import type { Database } from "../schema";
import { ORIGINS, STREETS } from "./names";
const DAY = 86_400_000;

/**
 * How long a case is worked on (days of Vermittlung & Monitoring before the closure begins) and how often
 * the client is seen meanwhile: half a year to almost two years, a contact every one to two weeks. With
 * the default 400 demo cases over 24 months that gives an open caseload near the standard (about 30 open
 * cases per FTE of the demo's 8.0 FTE on the day of the start), as at a real site.
 */
const WORK_DAYS = { min: 180, max: 660 } as const;
const CONTACT_EVERY_DAYS = { min: 4, max: 16 } as const;

/** Small deterministic PRNG (mulberry32): the same seed gives the same demo data. */
export function createRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const chance = (p: number) => next() < p;
  const weighted = <T>(items: readonly (readonly [T, number])[]): T => {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return (items[items.length - 1] as readonly [T, number])[0];
  };
  const sample = <T>(list: readonly T[], n: number): T[] => {
    const copy = [...list];
    const out: T[] = [];
    while (out.length < n && copy.length) out.push(copy.splice(Math.floor(next() * copy.length), 1)[0] as T);
    return out;
  };
  return { next, int, pick, chance, weighted, sample };
}
type Random = ReturnType<typeof createRandom>;

export interface SeedContext {
  rnd: Random;
  now: number;
  caseManagers: { id: string; weight: number; organisationId: number }[];
  coordinatorId: string | null;
  /** Where an intake without a case manager belongs: the organisation that opened it (the coordinator's). */
  openerOrganisationId: number;
  municipalities: { id: number; weight: number }[];
  partners: { id: number; kind: string }[];
  definitions: Map<TargetGroup, { id: number; definition: TargetGroupDefinition }>;
  reopenPeriodDays: number;
}

export interface GeneratedCase {
  client: Insertable<Database["clients"]>;
  case: Insertable<Database["cases"]>;
  events: Insertable<Database["case_events"]>[];
  contacts: Insertable<Database["contacts"]>[];
  assessments: Insertable<Database["assessments"]>[];
  goals: Insertable<Database["goals"]>[];
  identitySteps: Insertable<Database["identity_steps"]>[];
  consents: Insertable<Database["consents"]>[];
  referrals: Insertable<Database["referrals"]>[];
  followUps: Insertable<Database["follow_ups"]>[];
  residenceDocuments: Insertable<Database["residence_documents"]>[];
}

const iso = (t: number) => new Date(t).toISOString();
const dateOf = (t: number) => berlinDate(new Date(t));

function birthDateForAge(rnd: Random, onDate: number, age: number): string {
  // a birthday between age and age+1 years before onDate
  const t = onDate - age * 365.25 * DAY - rnd.int(0, 360) * DAY;
  return dateOf(t);
}

/** The person's facts and intended target group (some fit none, some are rejected as not eligible). */
function drawPerson(ctx: SeedContext, openedAt: number) {
  const { rnd } = ctx;
  const intended = rnd.weighted<TargetGroup | "none">([
    ["umf", 22],
    ["geduldete_identitaet", 28],
    ["neuzugewanderte_erhoeht", 42],
    ["none", 8],
  ]);
  const origin = rnd.weighted(ORIGINS.map((o) => [o, o.weight] as const));
  const female = intended === "umf" ? rnd.chance(0.15) : rnd.chance(0.45);
  let age: number;
  let residenceStatus: ResidenceStatus;
  let referralSource: ReferralSource;
  let unaccompanied = false;
  let increasedNeed = false;
  switch (intended) {
    case "umf":
      age = rnd.int(14, 17);
      unaccompanied = true;
      residenceStatus = rnd.weighted<ResidenceStatus>([
        ["aufenthaltsgestattung", 5],
        ["duldung_60a", 2],
        ["ungeklaert", 2],
      ]);
      referralSource = rnd.weighted<ReferralSource>([
        ["jugendamt", 8],
        ["auslaenderamt", 1],
      ]);
      break;
    case "geduldete_identitaet":
      age = rnd.int(19, 55);
      residenceStatus = rnd.chance(0.6) ? "duldung_60b" : "duldung_60a";
      referralSource = rnd.weighted<ReferralSource>([
        ["auslaenderamt", 6],
        ["fluechtlingsberatung", 3],
        ["sozialamt", 2],
        ["selbstmelder", 1],
      ]);
      break;
    case "neuzugewanderte_erhoeht":
      age = rnd.int(18, 64);
      increasedNeed = true;
      residenceStatus = origin.nationality === "Ukraine" ? "ae_24" : rnd.pick<ResidenceStatus>([
        "aufenthaltsgestattung",
        "ae_humanitaer_22_26",
        "fiktionsbescheinigung",
        "ae_sonstige",
      ]);
      referralSource = rnd.weighted<ReferralSource>([
        ["sozialamt", 5],
        ["integration_point", 3],
        ["auslaenderamt", 2],
        ["fluechtlingsberatung", 3],
      ]);
      break;
    default:
      age = rnd.int(20, 60);
      residenceStatus = rnd.pick<ResidenceStatus>(["niederlassungserlaubnis", "eu_freizuegigkeit", "ae_sonstige"]);
      referralSource = rnd.pick<ReferralSource>(["selbstmelder", "sonstige", "jugendamt"]);
  }
  const municipality = rnd.weighted(ctx.municipalities.map((m) => [m.id, m.weight] as const));
  const arrival = openedAt - rnd.int(20, intended === "geduldete_identitaet" ? 2500 : 500) * DAY;
  return {
    intended,
    origin,
    female,
    firstName: rnd.pick(female ? origin.female : origin.male),
    lastName: rnd.pick(origin.last),
    birthDate: birthDateForAge(rnd, openedAt, age),
    birthDateEstimated: intended === "umf" ? rnd.chance(0.6) : rnd.chance(0.08),
    residenceStatus,
    referralSource,
    unaccompanied,
    increasedNeed,
    municipality,
    arrivalDate: dateOf(arrival),
  };
}

class CaseBuilder {
  snapshot: CaseSnapshot;
  t: number;
  seq = 1;
  readonly out: GeneratedCase;

  constructor(
    readonly ctx: SeedContext,
    readonly caseId: string,
    out: GeneratedCase,
    openedAt: number,
    readonly caseManagerId: string | null,
  ) {
    this.out = out;
    this.t = openedAt;
    this.snapshot = createCaseSnapshot({ caseId, caseManagerId, reopenPeriodDays: ctx.reopenPeriodDays }, iso(openedAt));
    out.events.push({
      case_id: caseId,
      seq: 1,
      type: "CASE_OPENED",
      payload: JSON.stringify({ caseManagerId, reopenPeriodDays: ctx.reopenPeriodDays, at: iso(openedAt) }),
      from_state: null,
      to_state: "intake",
      actor_id: caseManagerId ?? ctx.coordinatorId,
      occurred_at: iso(openedAt),
    });
  }

  get phase() {
    return phaseOf(this.snapshot);
  }

  get actor() {
    return this.snapshot.context.caseManagerId ?? this.ctx.coordinatorId;
  }

  /** Advances the clock; false when that would pass "now" (the case stays where it is). */
  wait(minDays: number, maxDays: number): boolean {
    const next = this.t + this.ctx.rnd.int(minDays * 24, maxDays * 24) * 3_600_000 + this.ctx.rnd.int(0, 3599) * 1000;
    if (next >= this.ctx.now) return false;
    this.t = next;
    return true;
  }

  apply(event: CaseEvent) {
    const from = this.phase;
    const next = replayCaseEvent(this.snapshot, event);
    if (!next) {
      const checked = applyCaseTransition(this.snapshot, event); // only for the reason
      throw new Error(`seed: ${event.type} refused in ${from}: ${checked.ok ? "replay and check disagree" : checked.message}`);
    }
    this.snapshot = next;
    this.seq += 1;
    const { type, ...payload } = event;
    this.out.events.push({
      case_id: this.caseId,
      seq: this.seq,
      type,
      payload: JSON.stringify(payload),
      from_state: from,
      to_state: phaseOf(next),
      actor_id: type === "FLAG_RECLASSIFICATION" ? null : this.actor,
      occurred_at: event.at,
    });
  }

  contact(first = false) {
    const { rnd } = this.ctx;
    const contactType: ContactType = first
      ? rnd.weighted<ContactType>([
          ["persoenlich", 6],
          ["telefonisch", 3],
          ["aufsuchend", 2],
        ])
      : rnd.weighted<ContactType>([
          ["persoenlich", 5],
          ["telefonisch", 4],
          ["aufsuchend", 2],
          ["digital", 2],
        ]);
    const minutes = contactType === "telefonisch" ? rnd.int(5, 30) : rnd.int(20, 120);
    const at = iso(this.t);
    this.apply({ type: "RECORD_CONTACT", contactType, minutes, at });
    this.out.contacts.push({
      case_id: this.caseId,
      contact_type: contactType,
      with_interpreter: rnd.chance(0.35),
      occurred_at: at,
      minutes,
      note: first ? "Erstkontakt" : null,
      created_by: this.actor,
    });
  }
}

function facts(person: ReturnType<typeof drawPerson>, onDate: string): ClassificationFacts {
  return {
    birthDate: person.birthDate,
    birthDateEstimated: person.birthDateEstimated,
    intakeDate: onDate,
    residenceStatus: person.residenceStatus,
    referralSource: person.referralSource,
    increasedNeedDocumented: person.increasedNeed,
    unaccompanied: person.unaccompanied,
  };
}

const GOAL_TITLES: Record<NeedDomain, string[]> = {
  aufenthalt_identitaet: ["Identitätsnachweis beschaffen", "Aufenthaltsperspektive klären"],
  sprache: ["Integrationskurs beginnen", "Sprachniveau A2 erreichen", "Sprachkurs B1 abschließen"],
  bildung_schule: ["Schulplatz finden", "Schulabschluss anstreben", "Anerkennung von Zeugnissen"],
  ausbildung_arbeit: ["Ausbildungsplatz finden", "Praktikum aufnehmen", "Beschäftigung aufnehmen"],
  wohnen: ["Eigene Wohnung finden", "Wohnberechtigungsschein beantragen"],
  gesundheit: ["Krankenversicherung klären", "Therapieplatz finden", "Hausärztliche Anbindung"],
  familie: ["Familiennachzug klären", "Kita-Platz finden"],
  finanzielle_sicherung: ["Leistungsanspruch klären", "Schulden regulieren", "Konto eröffnen"],
  soziale_teilhabe: ["Vereinsmitgliedschaft", "Ehrenamtliche Patenschaft vermitteln"],
};

function partnerKindsFor(domain: NeedDomain): string[] {
  switch (domain) {
    case "aufenthalt_identitaet":
      return ["auslaenderbehoerde", "beratungsstelle"];
    case "sprache":
      return ["integrationskurs"];
    case "bildung_schule":
      return ["schule", "jmd"];
    case "ausbildung_arbeit":
      return ["jobcenter", "jmd"];
    case "wohnen":
      return ["beratungsstelle", "sozialamt"];
    case "gesundheit":
      return ["gesundheitsamt", "beratungsstelle"];
    case "familie":
      return ["jugendamt", "mbe"];
    case "finanzielle_sicherung":
      return ["sozialamt", "jobcenter", "mbe"];
    default:
      return ["sportverein", "wohlfahrtsverband"];
  }
}

function simulateReferral(b: CaseBuilder, clientId: string, domain: NeedDomain, goalId: string, endBy: number) {
  const { rnd } = b.ctx;
  const kinds = partnerKindsFor(domain);
  const partner = rnd.pick(b.ctx.partners.filter((p) => kinds.includes(p.kind)).concat(b.ctx.partners.slice(0, 1)));
  const referralId = randomUUID();
  let t = b.t;
  let snapshot: ReferralSnapshot = createReferralSnapshot(
    { referralId, caseId: b.caseId, partnerId: String(partner.id) },
    iso(t),
  );
  const sharesData = rnd.chance(0.7);
  let consentId: string | null = null;
  const step = (event: ReferralEvent) => {
    const r = applyReferralTransition(snapshot, event);
    if (!r.ok) throw new Error(`seed: referral ${event.type} refused: ${r.message}`);
    snapshot = r.snapshot;
  };
  const advance = (min: number, max: number) => {
    const next = t + rnd.int(min, max) * DAY;
    if (next >= Math.min(endBy, b.ctx.now)) return false;
    t = next;
    return true;
  };
  let sentAt: number | null = null;
  let acceptedAt: number | null = null;
  let endedAt: number | null = null;
  let declineReason: string | null = null;
  if (advance(1, 10)) {
    let consent = null;
    if (sharesData) {
      consentId = randomUUID();
      const givenAt = dateOf(t - DAY);
      b.out.consents.push({
        id: consentId,
        client_id: clientId,
        partner_id: partner.id,
        scope: "Weitergabe von Kontaktdaten und Unterlagen zum Vermittlungsanliegen",
        given_at: givenAt,
        given_by: b.out.client.unaccompanied ? "vormund" : "klient",
        given_by_name: null,
        valid_until: null,
        revoked_at: null,
        recorded_by: b.actor,
      });
      consent = { partnerId: String(partner.id), givenAt, validUntil: null, revokedAt: null };
    }
    step({ type: "SEND", at: iso(t), sharesData, partnerId: String(partner.id), consent, legalBasis: null });
    sentAt = t;
    if (advance(3, 30)) {
      if (rnd.chance(0.15)) {
        declineReason = rnd.pick(["Keine Kapazität", "Nicht zuständig", "Wartezeit zu lang"]);
        step({ type: "DECLINE", reason: declineReason, at: iso(t) });
        endedAt = t;
      } else {
        step({ type: "ACCEPT", at: iso(t) });
        acceptedAt = t;
        if (advance(20, 150)) {
          if (rnd.chance(0.1)) step({ type: "CANCEL", at: iso(t), reason: "Klient*in nicht erschienen" });
          else step({ type: "COMPLETE", at: iso(t) });
          endedAt = t;
        }
      }
    }
  }
  b.out.referrals.push({
    id: referralId,
    case_id: b.caseId,
    partner_id: partner.id,
    goal_id: goalId,
    need_domain: domain,
    status: referralStatusOf(snapshot),
    snapshot: JSON.stringify(persistReferralSnapshot(snapshot)),
    machine_version: REFERRAL_MACHINE_VERSION,
    row_version: 1 + (sentAt ? 1 : 0) + (acceptedAt ? 1 : 0) + (endedAt ? 1 : 0),
    shares_data: sentAt !== null && sharesData,
    consent_id: sentAt !== null ? consentId : null,
    legal_basis: null,
    note: null,
    decline_reason: declineReason,
    planned_at: iso(b.t),
    sent_at: sentAt ? iso(sentAt) : null,
    accepted_at: acceptedAt ? iso(acceptedAt) : null,
    ended_at: endedAt ? iso(endedAt) : null,
    created_by: b.actor,
  });
}

const CLOSURE_REASONS_WEIGHTED: readonly (readonly [CaseClosureReason, number])[] = [
  ["ziele_erreicht", 38],
  ["uebergabe_regeldienst", 24],
  ["verzogen", 10],
  ["kontaktabbruch", 12],
  ["ausreise_abschiebung", 4],
  ["sonstige", 4],
];

/** 32-bit FNV-1a hash of a string: a seed for a per-case random stream. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

const SHORT_LIVED: readonly ResidenceStatus[] = ["duldung_60a", "duldung_60b", "aufenthaltsgestattung", "fiktionsbescheinigung"];

/**
 * A realistic residence history while the case runs: a Duldung, Gestattung or Fiktionsbescheinigung is
 * recorded at opening with its validity (3 or 6 months), renewed shortly before it runs out (about one in
 * ten renewals only after the expiry), and some Geduldete move to a permit (§ 25b, § 25a or § 104c). The
 * client row keeps the status at intake: its first history row comes from the trigger of migration 0015.
 * Drawn from a random stream of its own (seeded by the Aktenzeichen), so that adding the history left every
 * other generated value, and with it the demo data and the tests built on them, exactly as before.
 */
function residenceHistory(
  initial: ResidenceStatus,
  c: { aktenzeichen: string; clientId: string; caseId: string; openedAt: number; endAt: number; recordedBy: string | null; geduldete: boolean },
): Insertable<Database["residence_documents"]>[] {
  if (!SHORT_LIVED.includes(initial)) return [];
  const rnd = createRandom(fnv1a(c.aktenzeichen));
  const docs: Insertable<Database["residence_documents"]>[] = [];
  const add = (status: ResidenceStatus, recordedAt: number, issuedAt: number, months: number | null) =>
    docs.push({
      client_id: c.clientId,
      case_id: c.caseId,
      status,
      issued_on: dateOf(issuedAt),
      valid_until: months === null ? null : dateOf(issuedAt + months * 30 * DAY),
      authority_partner_id: null,
      note: null,
      recorded_by: c.recordedBy,
      recorded_at: iso(recordedAt),
    });
  const months = () => rnd.pick([3, 6]);
  let issued = c.openedAt - rnd.int(5, 60) * DAY;
  let validity = months();
  add(initial, c.openedAt + 3_600_000, issued, validity);
  const permitAt = c.geduldete && rnd.chance(0.2) ? c.openedAt + rnd.int(60, 540) * DAY : Number.POSITIVE_INFINITY;
  for (let renewals = 0; renewals < 12; renewals++) {
    const expiry = issued + validity * 30 * DAY;
    const renewedAt = rnd.chance(0.9) ? expiry - rnd.int(3, 20) * DAY : expiry + rnd.int(2, 20) * DAY;
    if (permitAt < renewedAt && permitAt < c.endAt) {
      const permit = rnd.weighted<ResidenceStatus>([["ae_25b", 4], ["ae_25a", 3], ["ae_104c", 3]]);
      add(permit, permitAt, permitAt - rnd.int(0, 5) * DAY, permit === "ae_104c" ? 18 : 24);
      break;
    }
    if (renewedAt >= c.endAt) break;
    issued = renewedAt;
    validity = months();
    add(initial, renewedAt, issued, validity);
  }
  return docs;
}

/** One case's whole history, driven through the statechart up to "now". */
function generateCase(ctx: SeedContext, aktenzeichen: string, openedAt: number): GeneratedCase {
  const { rnd } = ctx;
  const person = drawPerson(ctx, openedAt);
  const clientId = randomUUID();
  const caseId = randomUUID();
  const recent = ctx.now - openedAt < 21 * DAY;
  const caseManagerId =
    recent && rnd.chance(0.25) ? null : rnd.weighted(ctx.caseManagers.map((c) => [c.id, c.weight] as const));
  const out: GeneratedCase = {
    client: {
      id: clientId,
      aktenzeichen,
      first_name: person.firstName,
      last_name: person.lastName,
      birth_date: person.birthDate,
      birth_date_estimated: person.birthDateEstimated,
      gender: person.female ? "weiblich" : rnd.chance(0.01) ? "divers" : "maennlich",
      nationality: person.origin.nationality,
      languages: person.origin.languages,
      interpreter_needed: rnd.chance(0.6),
      municipality_id: person.municipality,
      residence_status: person.residenceStatus,
      arrival_date: person.arrivalDate,
      unaccompanied: person.unaccompanied,
      phone: rnd.chance(0.8) ? `01${rnd.int(50, 79)} ${rnd.int(1000000, 9999999)}` : null,
      email: null,
      address: `${rnd.pick(STREETS)} ${rnd.int(1, 120)}`,
      created_at: iso(openedAt),
      updated_at: iso(openedAt),
    },
    case: {} as Insertable<Database["cases"]>,
    events: [],
    contacts: [],
    assessments: [],
    goals: [],
    identitySteps: [],
    consents: [],
    referrals: [],
    followUps: [],
    residenceDocuments: [],
  };
  const b = new CaseBuilder(ctx, caseId, out, openedAt, caseManagerId);
  let definitionId: number | null = null;

  // Some recent cases wait in a phase (documents missing, client travelling, …), so every phase has cases.
  // A case waits at the closure when it began the closure in the last 90 days (casework lasts longer than
  // 150 days, so that window alone would leave no case in the closure phase).
  const stallCandidate = rnd.chance(0.35)
    ? rnd.pick(["intake", "classification", "assessment", "planning", "closure"] as const)
    : null;
  const stallAt = stallCandidate === "closure" || ctx.now - openedAt < 150 * DAY ? stallCandidate : null;
  const stalls = (phase: typeof stallAt) =>
    stallAt !== null && stallAt === phase && (phase !== "closure" || ctx.now - b.t < 90 * DAY);
  const run = () => {
    // Zugang
    if (caseManagerId === null) return; // waits in the coordinators' queue
    if (stalls("intake")) return;
    if (!b.wait(0, 12)) return;
    if (person.intended === "none" && rnd.chance(0.6)) {
      b.apply({ type: "REJECT_NOT_ELIGIBLE", reason: "Keine Zuständigkeit des KIM-Casemanagements", at: iso(b.t) });
      return;
    }
    b.contact(true);
    if (stalls("classification")) return;
    // Klärung
    if (!b.wait(1, 14)) return;
    if (person.intended === "none") {
      b.apply({ type: "CLOSE_NOT_TARGET_GROUP", at: iso(b.t), note: "Keine der Zielgruppen" });
      return;
    }
    const def = ctx.definitions.get(person.intended);
    if (!def) throw new Error(`seed: no definition for ${person.intended}`);
    b.apply({
      type: "CLASSIFY",
      targetGroup: person.intended,
      definition: def.definition,
      facts: facts(person, dateOf(openedAt)),
      at: iso(b.t),
    });
    definitionId = def.id;
    if (stalls("assessment")) return;
    // Assessment
    const domains = rnd.sample(
      NEED_DOMAINS.values.filter((d): d is NeedDomain => d !== "aufenthalt_identitaet"),
      rnd.int(2, 4),
    );
    if (person.intended === "geduldete_identitaet") domains.unshift("aufenthalt_identitaet");
    for (const domain of domains) {
      if (!b.wait(0, 6)) return;
      const level = rnd.pick(NEED_LEVELS.values.filter((l) => l !== "kein"));
      b.apply({ type: "RECORD_ASSESSMENT", domain, level, at: iso(b.t) });
      out.assessments.push({
        case_id: caseId,
        need_domain: domain,
        level,
        note: null,
        assessed_at: iso(b.t),
        assessed_by: b.actor,
      });
    }
    if (!b.wait(0, 5)) return;
    b.apply({ type: "COMPLETE_ASSESSMENT", at: iso(b.t) });
    if (stalls("planning")) return;
    // Hilfeplanung
    const goalIds: { id: string; domain: NeedDomain }[] = [];
    for (const domain of domains.slice(0, rnd.int(1, Math.min(3, domains.length)))) {
      if (!b.wait(0, 7)) return;
      const goalId = randomUUID();
      b.apply({ type: "AGREE_GOAL", goalId, domain, at: iso(b.t) });
      goalIds.push({ id: goalId, domain });
      out.goals.push({
        id: goalId,
        case_id: caseId,
        need_domain: domain,
        title: rnd.pick(GOAL_TITLES[domain]),
        description: null,
        status: "vereinbart",
        agreed_at: iso(b.t),
        target_date: dateOf(b.t + rnd.int(60, 300) * DAY),
        created_by: b.actor,
      });
    }
    if (!b.wait(0, 5)) return;
    b.apply({ type: "START_WORK", at: iso(b.t) });
    // Vermittlung & Monitoring
    const workUntil = b.t + rnd.int(WORK_DAYS.min, WORK_DAYS.max) * DAY;
    for (const goal of goalIds) {
      if (rnd.chance(0.75)) simulateReferral(b, clientId, goal.domain, goal.id, workUntil);
    }
    const identityPlan: IdentityStep[] =
      person.intended === "geduldete_identitaet"
        ? IDENTITY_STEPS.values.slice(0, rnd.weighted([[2, 3], [3, 3], [4, 2], [5, 3]] as const))
        : [];
    while (b.t < workUntil) {
      if (!b.wait(CONTACT_EVERY_DAYS.min, CONTACT_EVERY_DAYS.max)) return;
      if (b.t >= workUntil) break;
      const today = dateOf(b.t);
      const flag = detectReclassificationReason(
        { targetGroup: b.snapshot.context.targetGroup, birthDate: person.birthDate, residenceStatus: person.residenceStatus },
        today,
      );
      if (flag && b.snapshot.context.reclassificationRequired !== flag) {
        b.apply({ type: "FLAG_RECLASSIFICATION", reason: flag, at: iso(b.t) });
        if (!b.wait(3, 20)) return;
        if (person.referralSource !== "jugendamt" && rnd.chance(0.5)) {
          const next = ctx.definitions.get("neuzugewanderte_erhoeht");
          person.increasedNeed = true;
          if (next && ["sozialamt", "integration_point", "auslaenderamt", "fluechtlingsberatung"].includes(person.referralSource)) {
            b.apply({
              type: "RECLASSIFY",
              targetGroup: "neuzugewanderte_erhoeht",
              definition: next.definition,
              facts: facts(person, dateOf(b.t)),
              at: iso(b.t),
            });
            definitionId = next.id;
            continue;
          }
        }
        b.apply({ type: "CLOSE_NOT_TARGET_GROUP", at: iso(b.t), note: "Zielgruppe entfallen (volljährig)" });
        return;
      }
      const roll = rnd.next();
      // a long case may rest more than once (client travelling, unreachable): some cases rest today
      if (roll < 0.02) {
        b.apply({ type: "PAUSE", reason: "Klient*in nicht erreichbar", at: iso(b.t) });
        if (!b.wait(14, 60)) return;
        b.apply({ type: "RESUME", at: iso(b.t) });
      } else if (roll < 0.03 && ctx.caseManagers.length > 1) {
        // transfers stay inside the case's organisation (db/access.ts)
        const current = b.snapshot.context.caseManagerId;
        const organisationId = ctx.caseManagers.find((c) => c.id === current)?.organisationId ?? ctx.openerOrganisationId;
        const colleagues = ctx.caseManagers.filter((c) => c.id !== current && c.organisationId === organisationId);
        if (colleagues.length) b.apply({ type: "TRANSFER", toCaseManagerId: rnd.pick(colleagues).id, at: iso(b.t) });
      } else if (roll < 0.12 && identityPlan.length) {
        const stepName = identityPlan.shift() as IdentityStep;
        b.apply({ type: "RECORD_IDENTITY_STEP", step: stepName, at: iso(b.t) });
        out.identitySteps.push({ case_id: caseId, step: stepName, occurred_on: today, note: null, created_by: b.actor });
      } else {
        b.contact();
      }
    }
    // Evaluation & Abschluss
    if (!b.wait(1, 10)) return;
    b.apply({ type: "BEGIN_CLOSURE", at: iso(b.t) });
    if (stalls("closure")) return;
    const reason = rnd.weighted(CLOSURE_REASONS_WEIGHTED);
    for (const goal of goalIds) {
      if (!b.wait(0, 3)) return;
      const result: GoalEvaluation =
        reason === "ziele_erreicht"
          ? rnd.weighted<GoalEvaluation>([
              ["erreicht", 7],
              ["teilweise_erreicht", 3],
            ])
          : rnd.weighted<GoalEvaluation>([
              ["erreicht", 3],
              ["teilweise_erreicht", 3],
              ["nicht_erreicht", 3],
              ["entfallen", 2],
            ]);
      b.apply({ type: "EVALUATE_GOAL", goalId: goal.id, result, at: iso(b.t) });
      const g = out.goals.find((x) => x.id === goal.id);
      if (g) {
        g.status = result;
        g.evaluated_at = iso(b.t);
      }
    }
    if (!b.wait(0, 5)) return;
    b.apply({ type: "CLOSE", reason, at: iso(b.t) });
  };
  run();

  const c = b.snapshot.context;
  const phase = b.phase;
  out.case = {
    id: caseId,
    client_id: clientId,
    case_manager_id: c.caseManagerId,
    deputy_id: c.deputyId,
    target_group: c.targetGroup,
    target_group_definition_id: c.targetGroup ? definitionId : null,
    // with a case manager the trigger of migration 0007 sets the case manager's organisation
    ...(c.caseManagerId === null ? { organisation_id: ctx.openerOrganisationId } : {}),
    referral_source: person.referralSource,
    referral_municipality_id: person.referralSource === "sozialamt" ? person.municipality : null,
    increased_need_documented: person.increasedNeed,
    state: phase,
    snapshot: JSON.stringify(persistCaseSnapshot(b.snapshot)),
    machine_version: CASE_MACHINE_VERSION,
    row_version: b.seq,
    opened_at: iso(openedAt),
    first_contact_at: c.firstContactAt,
    closed_at: c.closedAt,
    closure_reason: c.closureReason,
    reclassification_required: c.reclassificationRequired,
    updated_at: iso(b.t),
    next_follow_up_on: null,
    // what the trigger of migration 0026 sets (a bulk load goes without it)
    aktenzeichen,
  };
  out.residenceDocuments = residenceHistory(person.residenceStatus, {
    aktenzeichen,
    clientId,
    caseId,
    openedAt,
    endAt: c.closedAt ? Date.parse(c.closedAt) : ctx.now,
    recordedBy: c.caseManagerId,
    geduldete: c.targetGroup === "geduldete_identitaet",
  });
  if (phase !== "closed" && c.caseManagerId) {
    // Wiedervorlagen: most open cases have one; some are due today or overdue.
    const offset = rnd.weighted([
      [-rnd.int(1, 20), 2],
      [0, 1],
      [rnd.int(1, 30), 6],
    ] as const);
    const dueOn = dateOf(ctx.now + offset * DAY);
    // What the triggers of migration 0025 would keep: the case's only follow-up is its next one.
    out.case.next_follow_up_on = dueOn;
    out.followUps.push({
      case_id: caseId,
      due_on: dueOn,
      note: rnd.pick(["Rückmeldung Ausländerbehörde abfragen", "Termin Jobcenter nachhalten", "Unterlagen prüfen", "Gesprächstermin vereinbaren"]),
      created_by: c.caseManagerId,
      created_at: iso(b.t),
    });
  }
  return out;
}

/**
 * The audit rows the services would have written for the generated referral, consent and follow-up
 * steps (as in db/referral-service.ts, db/consents.ts, db/follow-ups.ts), so the demo cases' history
 * (db/case-history.ts) is as complete as a real one.
 */
function auditRowsOf(g: GeneratedCase): Insertable<Database["audit_log"]>[] {
  const caseId = String(g.case.id);
  const row = (action: string, objectType: string, objectId: string, actorId: string | null | undefined, at: unknown, extra = {}) => ({
    actor_id: actorId ?? null,
    actor_role: "case_manager" as const,
    action,
    object_type: objectType,
    object_id: objectId,
    outcome: "allowed" as const,
    detail: JSON.stringify({ caseId, ...extra }),
    at: at as string,
  });
  const rows: Insertable<Database["audit_log"]>[] = [];
  for (const c of g.consents) {
    rows.push(row("consent.create", "consent", String(c.id), c.recorded_by, `${String(c.given_at)}T09:00:00Z`, { partnerId: c.partner_id }));
  }
  for (const r of g.referrals) {
    const id = String(r.id);
    rows.push(row("referral.plan", "referral", id, r.created_by, r.planned_at, { partnerId: r.partner_id }));
    if (r.sent_at) rows.push(row("referral.send", "referral", id, r.created_by, r.sent_at, { basis: r.shares_data ? "einwilligung" : "keine_weitergabe" }));
    if (r.accepted_at) rows.push(row("referral.accept", "referral", id, r.created_by, r.accepted_at));
    if (r.ended_at) {
      const action = r.status === "abgelehnt" ? "decline" : r.status === "abgebrochen" ? "cancel" : "complete";
      rows.push(row(`referral.${action}`, "referral", id, r.created_by, r.ended_at));
    }
  }
  return rows;
}

/** The tables of a batch in insertion order (foreign keys first), each with its rows. */
export function batchTables(batch: GeneratedCase[]): { [T in keyof Database]?: Insertable<Database[T]>[] } {
  return {
    clients: batch.map((g) => g.client),
    cases: batch.map((g) => g.case),
    case_events: batch.flatMap((g) => g.events),
    contacts: batch.flatMap((g) => g.contacts),
    assessments: batch.flatMap((g) => g.assessments),
    goals: batch.flatMap((g) => g.goals),
    identity_steps: batch.flatMap((g) => g.identitySteps),
    consents: batch.flatMap((g) => g.consents),
    referrals: batch.flatMap((g) => g.referrals),
    follow_ups: batch.flatMap((g) => g.followUps),
    residence_documents: batch.flatMap((g) => g.residenceDocuments),
    audit_log: batch.flatMap(auditRowsOf),
  };
}

/** What generating needs besides the random numbers: plain data, so that it can go to a worker thread. */
export type SeedData = Omit<SeedContext, "rnd">;

/** Which cases a load makes: `count` cases from Aktenzeichen number `firstNumber`, `batchSize` per batch. */
export interface LoadPlan {
  seed: number;
  count: number;
  firstNumber: number;
  batchSize: number;
  /** Epoch milliseconds: the cases open over the 24 months before. */
  now: number;
}

export function batchCount(plan: LoadPlan): number {
  return Math.ceil(plan.count / plan.batchSize);
}

/**
 * The random numbers of one batch. Batch 0 draws from the seed itself (the demo's cases are one batch);
 * every later batch from its own stream, so that batches can be made apart (on worker threads) and still
 * give the same data for the same seed.
 */
export function batchRandom(seed: number, batch: number): Random {
  return createRandom(batch === 0 ? seed : (seed ^ Math.imul(batch, 0x9e3779b1)) >>> 0);
}

/** The cases of one batch, made one at a time (`onCase` runs after each, e.g. to let I/O run). */
export async function generateBatch(data: SeedData, plan: LoadPlan, batch: number, onCase: (i: number) => Promise<void> | void): Promise<GeneratedCase[]> {
  const ctx: SeedContext = { ...data, rnd: batchRandom(plan.seed, batch) };
  const out: GeneratedCase[] = [];
  for (let index = batch * plan.batchSize; index < Math.min(plan.count, (batch + 1) * plan.batchSize); index++) {
    out.push(generateCaseAt(ctx, plan, index));
    await onCase(out.length);
  }
  return out;
}

const SPAN = 730 * DAY;

/** Case `index` of the load: openings spread evenly over 24 months, jittered; older cases first. */
function generateCaseAt(ctx: SeedContext, plan: LoadPlan, index: number): GeneratedCase {
  const openedAt = plan.now - SPAN + Math.floor(((index + ctx.rnd.next()) / plan.count) * SPAN);
  const year = new Date(openedAt).getUTCFullYear();
  return generateCase(ctx, `KIM-${year}-${String(plan.firstNumber + index).padStart(5, "0")}`, openedAt);
}

/** A batch as COPY text, table by table in insertion order (foreign keys first). */
export interface CopyBatch {
  cases: number;
  events: number;
  clientIds: string[];
  tables: { table: keyof Database; groups: CopyGroup[] }[];
}

export function toCopyBatch(cases: GeneratedCase[]): CopyBatch {
  return {
    cases: cases.length,
    events: cases.reduce((s, g) => s + g.events.length, 0),
    clientIds: cases.map((g) => String(g.client.id)),
    tables: (Object.entries(batchTables(cases)) as [keyof Database, object[]][]).map(([table, rows]) => ({ table, groups: copyGroups(rows) })),
  };
}
