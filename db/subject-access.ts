// Art. 15 DSGVO: everything stored about one person, including to whom data was passed.
import type { Kysely } from "kysely";
import { AUDIT_OUTCOME_LABELS, auditActionLabel } from "../workflows/audit-query";
import { RESIDENCE_DOCUMENT_SOURCES, RESIDENCE_STATUSES, ROLES } from "../workflows/vocabulary";
import { type Actor, caseFileReadableBy } from "./access";
import { listClientAccesses } from "./audit-log";
import { loadCaseHistory } from "./case-history";
import { listResidenceHistory } from "./residence";
import type { Database } from "./schema";

/**
 * All data about the client of a case the actor may see; undefined when the actor may not see the case.
 * Covers every case of that client the actor may see (a coordinator: all of them).
 */
export async function collectSubjectData(db: Kysely<Database>, actor: Actor, caseId: string) {
  const anchor = await db
    .selectFrom("cases")
    .select("client_id")
    .where("id", "=", caseId)
    .where((eb) => caseFileReadableBy(eb, actor))
    .executeTakeFirst();
  if (!anchor) return undefined;
  const clientId = anchor.client_id;
  const client = await db
    .selectFrom("clients")
    .leftJoin("municipalities", "municipalities.id", "clients.municipality_id")
    .select([
      "clients.aktenzeichen",
      "clients.first_name",
      "clients.last_name",
      "clients.birth_date",
      "clients.birth_date_estimated",
      "clients.gender",
      "clients.nationality",
      "clients.languages",
      "clients.interpreter_needed",
      "municipalities.name as municipality",
      "clients.residence_status",
      "clients.arrival_date",
      "clients.unaccompanied",
      "clients.phone",
      "clients.email",
      "clients.address",
      "clients.created_at",
      "clients.updated_at",
    ])
    .where("clients.id", "=", clientId)
    .executeTakeFirstOrThrow();
  const cases = await db
    .selectFrom("cases")
    .leftJoin("users", "users.id", "cases.case_manager_id")
    .select([
      "cases.id",
      "cases.state",
      "cases.target_group",
      "cases.referral_source",
      "cases.opened_at",
      "cases.first_contact_at",
      "cases.closed_at",
      "cases.closure_reason",
      "users.display_name as case_manager",
    ])
    .where("cases.client_id", "=", clientId)
    .where((eb) => caseFileReadableBy(eb, actor))
    .orderBy("cases.opened_at")
    .execute();
  const ids = cases.map((c) => c.id);
  const none = ["00000000-0000-0000-0000-000000000000"];
  const inCases = ids.length ? ids : none;
  const [events, contacts, assessments, goals, referrals, consents, identitySteps, followUps, accesses, residence] = await Promise.all([
    // The same history the client file shows (case events and audited steps: referrals, consents,
    // disclosures, follow-ups, personal data), oldest first, with who and when.
    Promise.all(ids.map(async (id) => [id, (await loadCaseHistory(db, id)).reverse()] as const)).then((list) => new Map(list)),
    db.selectFrom("contacts").select(["case_id", "contact_type", "with_interpreter", "occurred_at", "minutes", "note"]).where("case_id", "in", inCases).orderBy("occurred_at").execute(),
    db.selectFrom("assessments").select(["case_id", "need_domain", "level", "note", "assessed_at"]).where("case_id", "in", inCases).orderBy("assessed_at").orderBy("need_domain").execute(),
    db.selectFrom("goals").select(["case_id", "need_domain", "title", "description", "status", "agreed_at", "target_date", "evaluated_at", "evaluation_note"]).where("case_id", "in", inCases).orderBy("agreed_at").orderBy("id").execute(),
    db
      .selectFrom("referrals")
      .innerJoin("partners", "partners.id", "referrals.partner_id")
      .select([
        "referrals.case_id",
        "partners.name as partner",
        "referrals.need_domain",
        "referrals.status",
        "referrals.shares_data",
        "referrals.legal_basis",
        "referrals.planned_at",
        "referrals.sent_at",
        "referrals.accepted_at",
        "referrals.ended_at",
        "referrals.note",
      ])
      .where("referrals.case_id", "in", inCases)
      .execute(),
    db
      .selectFrom("consents")
      .innerJoin("partners", "partners.id", "consents.partner_id")
      .select([
        "partners.name as partner",
        "consents.scope",
        "consents.given_at",
        "consents.given_by",
        "consents.valid_until",
        "consents.revoked_at",
        "consents.document_language",
      ])
      .where("consents.client_id", "=", clientId)
      .execute(),
    db.selectFrom("identity_steps").select(["case_id", "step", "occurred_on", "note"]).where("case_id", "in", inCases).execute(),
    db.selectFrom("follow_ups").select(["case_id", "due_on", "note", "done_at"]).where("case_id", "in", inCases).execute(),
    listClientAccesses(db, clientId, ids),
    listResidenceHistory(db, clientId),
  ]);
  const disclosures = referrals
    .filter((r) => r.sent_at !== null && r.shares_data)
    .map((r) => ({ empfaenger: r.partner, datum: r.sent_at, grundlage: r.legal_basis ?? "Einwilligung" }));
  return {
    clientId,
    export: {
      erstellt: new Date().toISOString(),
      hinweis: "Auskunft nach Art. 15 DSGVO: alle im KIM Fallmanagement gespeicherten Daten zu dieser Person.",
      person: client,
      faelle: cases.map((c) => ({
        ...c,
        verlauf: (events.get(c.id) ?? []).map((e) => ({
          type: e.type,
          ereignis: e.label,
          angaben: e.detail,
          zeitpunkt: e.occurredAt,
          durch: e.actorName ?? "System (tägliche Prüfung)",
        })),
        kontakte: contacts.filter((x) => x.case_id === c.id),
        bedarfe: assessments.filter((x) => x.case_id === c.id),
        ziele: goals.filter((x) => x.case_id === c.id),
        vermittlungen: referrals.filter((x) => x.case_id === c.id),
        identitaetsklaerung: identitySteps.filter((x) => x.case_id === c.id),
        wiedervorlagen: followUps.filter((x) => x.case_id === c.id),
      })),
      // The residence status as a dated history, oldest first (the last entry is the current status).
      aufenthaltsstatus_verlauf: [...residence].reverse().map((d) => ({
        status: RESIDENCE_STATUSES.label[d.status],
        ausgestellt_am: d.issuedOn,
        gueltig_bis: d.validUntil,
        frist: d.deadlineOn,
        auslaenderbehoerde: d.authority,
        notiz: d.note,
        erfasst_am: d.recordedAt,
        herkunft: RESIDENCE_DOCUMENT_SOURCES.label[d.source],
        aktuell: d.current,
      })),
      einwilligungen: consents,
      datenweitergaben: disclosures,
      // Who accessed these data (audit log): role and organisation of the account and when, no names.
      zugriffe: accesses.map((a) => ({
        zeitpunkt: a.at,
        aktion: auditActionLabel(a.action),
        ergebnis: AUDIT_OUTCOME_LABELS[a.outcome],
        rolle: a.role ? ROLES.label[a.role] : "System",
        organisation: a.organisation,
      })),
    },
  };
}
