// "Meine Fälle" / "Alle Fälle": the case list with filters, sorting and paging done in one SQL query,
// scoped by the acting user in the WHERE clause (db/access.ts). The URL state (filters, sort column from a
// whitelist, page) is parsed in workflows/caseload-query.ts before it gets here.
import { type Expression, type ExpressionBuilder, type Kysely, type RawBuilder, type SqlBool, sql } from "kysely";
import { type CaseloadQuery, type CaseloadSort, endOfWeek } from "../workflows/caseload-query";
import { DEADLINE_FILTER_DAYS, addDays } from "../workflows/residence-deadlines";
import { CASE_PHASES, type CasePhase, type TargetGroup } from "../workflows/vocabulary";
import { type Actor, caseVisibleTo, pseudonymisedFor } from "./access";
import { writeAudit } from "./audit";
import { listMunicipalityOptions } from "./partners";
import { berlinDate } from "./case-service";
import { keepPlan, onOneConnection } from "./query-cost";
import type { Database } from "./schema";

/** LIKE pattern for "contains": `!` escapes the wildcards % and _ (and itself) typed by the user. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

export interface CaseloadRow {
  id: string;
  aktenzeichen: string;
  /** Null when the actor sees the case pseudonymised (coordination, agreement "pseudonymisiert"). */
  firstName: string | null;
  lastName: string | null;
  /** Completed years on `today` (Europe/Berlin); null without birth date or when pseudonymised. */
  age: number | null;
  birthDateEstimated: boolean;
  targetGroup: TargetGroup | null;
  phase: CasePhase;
  /** Calendar days from opening to today (or to closure). */
  daysOpen: number;
  /** Due date of the next open Wiedervorlage. */
  nextFollowUp: string | null;
  followUpOverdue: boolean;
  /**
   * The next deadline of an open case (residence document's expiry or end of § 104c, a UMF's 18th
   * birthday; the birthday not when pseudonymised); may lie in the past (overdue).
   */
  nextDeadline: string | null;
  /** Day (Europe/Berlin) of the last documented contact. */
  lastContactOn: string | null;
  /** Only for coordinators (supervision); null for case managers. */
  caseManagerName: string | null;
  /** The actor sees this case as deputy (Vertretung), not as its case manager. */
  asDeputy: boolean;
}

export interface CaseloadPage {
  rows: CaseloadRow[];
  total: number;
  pageCount: number;
  /** The query actually answered (page clamped to the last page). */
  query: CaseloadQuery;
  municipalities: { id: number; name: string }[];
  today: string;
}

export interface CaseloadOptions {
  /** Today in Europe/Berlin ('YYYY-MM-DD'); defaults to the current day. */
  today?: string;
}

function sortExpression(sort: CaseloadSort, today: string, hidden: RawBuilder<boolean>) {
  switch (sort) {
    case "aktenzeichen":
      return [sql`cases.aktenzeichen`];
    case "name":
      // pseudonymised rows sort last, in an order that gives nothing of the hidden name away
      return [
        sql`CASE WHEN ${hidden} THEN NULL ELSE lower(clients.last_name) END`,
        sql`CASE WHEN ${hidden} THEN NULL ELSE lower(clients.first_name) END`,
      ];
    case "alter":
      // older = earlier birth date; ascending age is descending birth date
      return [sql`CASE WHEN ${hidden} THEN NULL ELSE ${today}::date - clients.birth_date END`];
    case "zielgruppe":
      return [sql`cases.target_group`];
    case "phase":
      return [sql`array_position(${sql.val(CASE_PHASES.values)}::text[], cases.state)`];
    case "offen":
      return [daysOpenSql(today)];
    case "wiedervorlage":
      return [sql`cases.next_follow_up_on`];
    case "kontakt":
      return [sql`lc.last_at`];
    case "frist":
      return [nextDeadlineSql(hidden)];
  }
}

/**
 * The next deadline of a case (the current residence document d joined): the document's deadline or,
 * for a UMF, the 18th birthday (left out when the birth date is hidden); none for a closed case.
 */
function nextDeadlineSql(hidden: RawBuilder<boolean>) {
  return sql<string | null>`CASE WHEN cases.state = 'closed' THEN NULL ELSE LEAST(d.deadline_on,
    CASE WHEN cases.target_group = 'umf' AND NOT ${hidden} THEN (clients.birth_date + interval '18 years')::date END) END`;
}

function daysOpenSql(today: string) {
  return sql<number>`coalesce((cases.closed_at AT TIME ZONE 'Europe/Berlin')::date, ${today}::date) - (cases.opened_at AT TIME ZONE 'Europe/Berlin')::date`;
}

/**
 * One page of the actor's cases: one query (rows plus `count(*) over ()`), scoped by caseVisibleTo in
 * the WHERE clause. Case managers get their own and deputy cases, coordinators every case (an audit row
 * records each list read), other roles nothing. No note texts are selected.
 */
export function listCaseload(
  db: Kysely<Database>,
  actor: Actor,
  query: CaseloadQuery,
  options: CaseloadOptions = {},
): Promise<CaseloadPage> {
  // Three or four statements: on one connection, the row-level security scope is set once (db/query-cost.ts).
  return onOneConnection(db, (connection) => readCaseload(connection, actor, query, options));
}

async function readCaseload(
  db: Kysely<Database>,
  actor: Actor,
  query: CaseloadQuery,
  options: CaseloadOptions,
): Promise<CaseloadPage> {
  const today = options.today ?? berlinDate(new Date());
  const [page, municipalities] = await Promise.all([
    queryCaseloadPage(db, actor, query, today),
    listMunicipalityOptions(db),
  ]);
  if (actor.role === "coordinator" || actor.role === "team_lead") {
    await writeAudit(db, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "case.list",
      objectType: "case",
      outcome: "allowed",
      detail: { rows: page.rows.length, total: page.total },
    });
  }
  return { ...page, municipalities, today };
}

/** The time of a case's last contact (lateral, `lc.last_at`; null without contacts). */
function lastContactOf(eb: ExpressionBuilder<Database, "cases">) {
  return eb
    .selectFrom("contacts")
    .select((c) => c.fn.max("contacts.occurred_at").as("last_at"))
    .whereRef("contacts.case_id", "=", "cases.id")
    .as("lc");
}

/**
 * Two steps: the page's case ids in order (with `count(*) over ()`), joining only what the filters and the
 * sort column need, then the shown columns for just those ids (last contact, residence document, case
 * manager). Computing every column for all of a case manager's cases (201 open) only to show 25 cost
 * PostgreSQL about a third more CPU per page (bench:load).
 */
async function queryCaseloadPage(
  db: Kysely<Database>,
  actor: Actor,
  query: CaseloadQuery,
  today: string,
): Promise<Omit<CaseloadPage, "municipalities" | "today">> {
  const offset = (query.page - 1) * query.pageSize;
  const weekEnd = endOfWeek(today);
  const supervising = actor.role === "coordinator" || actor.role === "team_lead";
  const hidden = pseudonymisedFor(actor);
  const needsLastContact = query.sort === "kontakt";
  const needsDocument = query.sort === "frist" || query.deadline !== null;
  // The client's row only for what needs its data (the deadline: a UMF's birthday). Order and tie-break
  // use the Aktenzeichen kept on the case (migration 0026): joining every case to its client, each client
  // row checked by row-level security, was most of the default list's work in PostgreSQL.
  const needsClient =
    query.sort === "name" || query.sort === "alter" || needsDocument || Boolean(query.municipalityId) || Boolean(query.search);

  let qb = db
    .selectFrom("cases")
    // clients, lc and d are referred to in raw SQL only (filters, sort): joined when those need them.
    .$if(needsClient, (q) => q.innerJoin("clients", "clients.id", "cases.client_id"))
    .$if(needsLastContact, (q) =>
      q.innerJoinLateral(lastContactOf, (join) => join.onTrue()),
    )
    .$if(needsDocument, (q) =>
      q.leftJoin("residence_documents as d", (join) =>
        join.onRef("d.client_id", "=", "cases.client_id").on("d.superseded_at", "is", null),
      ),
    )
    .where((eb) => caseVisibleTo(eb, actor));

  if (query.phase) qb = qb.where("cases.state", "=", query.phase);
  else if (!query.includeClosed) qb = qb.where("cases.state", "<>", "closed");
  if (query.targetGroup === "keine") qb = qb.where("cases.target_group", "is", null);
  else if (query.targetGroup) qb = qb.where("cases.target_group", "=", query.targetGroup);
  if (query.municipalityId) qb = qb.where(sql<SqlBool>`clients.municipality_id = ${query.municipalityId}`);
  if (query.followUp === "ueberfaellig") qb = qb.where(sql<SqlBool>`cases.next_follow_up_on < ${today}::date`);
  else if (query.followUp === "heute") qb = qb.where(sql<SqlBool>`cases.next_follow_up_on = ${today}::date`);
  else if (query.followUp === "woche") {
    qb = qb.where(sql<SqlBool>`cases.next_follow_up_on BETWEEN ${today}::date AND ${weekEnd}::date`);
  }
  if (query.deadline) {
    qb = qb.where(sql<SqlBool>`${nextDeadlineSql(hidden)} <= ${addDays(today, DEADLINE_FILTER_DAYS[query.deadline])}::date`);
  }
  if (query.search) {
    const pattern = containsPattern(query.search);
    const like = (expr: Expression<unknown>) => sql<SqlBool>`${expr} ILIKE ${pattern} ESCAPE '!'`;
    qb = qb.where((eb) =>
      eb.or([
        like(sql`cases.aktenzeichen`),
        eb.and([
          eb.not(hidden),
          eb.or([
            like(sql`clients.first_name || ' ' || clients.last_name`),
            like(sql`clients.last_name || ' ' || clients.first_name`),
            like(sql`clients.last_name || ', ' || clients.first_name`),
          ]),
        ]),
      ]),
    );
  }

  let ordered = qb.select(["cases.id", "cases.next_follow_up_on as next_follow_up", sql<number>`count(*) OVER ()`.as("total")]);
  for (const expr of sortExpression(query.sort, today, hidden)) {
    ordered = ordered.orderBy(expr, (ob) => (query.desc ? ob.desc() : ob.asc()).nullsLast());
  }
  const pageIds = await ordered
    .orderBy("cases.aktenzeichen")
    .orderBy("cases.id")
    .limit(query.pageSize)
    .offset(offset)
    .execute();

  if (pageIds.length === 0 && query.page > 1) {
    // Past the last page (an old bookmark, a filter that shrank the list): answer the last page instead.
    const counted = await qb.select(sql<number>`count(*)`.as("n")).executeTakeFirst();
    const total = Number(counted?.n ?? 0);
    const last = Math.max(1, Math.ceil(total / query.pageSize));
    if (last < query.page) return queryCaseloadPage(db, actor, { ...query, page: last }, today);
  }

  const details =
    pageIds.length === 0
      ? []
      : await db
          .selectFrom("cases")
          .innerJoin("clients", "clients.id", "cases.client_id")
          .innerJoinLateral(lastContactOf, (join) => join.onTrue())
          .leftJoin("users as cm", "cm.id", "cases.case_manager_id")
          .leftJoin("residence_documents as d", (join) =>
            join.onRef("d.client_id", "=", "cases.client_id").on("d.superseded_at", "is", null),
          )
          .where(
            "cases.id",
            "in",
            pageIds.map((r) => r.id),
          )
          // The same scope again: a case that left the actor's list in between is not shown.
          .where((eb) => caseVisibleTo(eb, actor))
          .select([
            "cases.id",
            "clients.aktenzeichen",
            sql<string | null>`CASE WHEN ${hidden} THEN NULL ELSE clients.first_name END`.as("first_name"),
            sql<string | null>`CASE WHEN ${hidden} THEN NULL ELSE clients.last_name END`.as("last_name"),
            sql<boolean>`CASE WHEN ${hidden} THEN false ELSE clients.birth_date_estimated END`.as("birth_date_estimated"),
            "cases.target_group",
            "cases.state",
            sql<number | null>`CASE WHEN ${hidden} THEN NULL ELSE extract(year FROM age(${today}::date, clients.birth_date))::int END`.as("age"),
            daysOpenSql(today).as("days_open"),
            nextDeadlineSql(hidden).as("next_deadline"),
            sql<string | null>`(lc.last_at AT TIME ZONE 'Europe/Berlin')::date`.as("last_contact_on"),
            supervising ? sql<string | null>`cm.display_name`.as("case_manager_name") : sql<null>`NULL::text`.as("case_manager_name"),
            (actor.role === "case_manager"
              ? sql<boolean>`cases.deputy_id IS NOT DISTINCT FROM ${actor.id}::uuid AND cases.case_manager_id IS DISTINCT FROM ${actor.id}::uuid`
              : sql<boolean>`false`
            ).as("as_deputy"),
          ])
          // By the page's ids: the plan does not depend on them (the ids query above does, on the filters).
          .modifyEnd(keepPlan)
          .execute();
  const detailsById = new Map(details.map((d) => [d.id, d]));
  const rows = pageIds.flatMap((p) => {
    const d = detailsById.get(p.id);
    return d ? [{ ...d, next_follow_up: p.next_follow_up, total: p.total }] : [];
  });

  const total = Number(pageIds[0]?.total ?? 0);
  return {
    rows: rows.map((r) => ({
      id: r.id,
      aktenzeichen: r.aktenzeichen,
      firstName: r.first_name,
      lastName: r.last_name,
      age: r.age === null ? null : Number(r.age),
      birthDateEstimated: r.birth_date_estimated,
      targetGroup: r.target_group,
      phase: r.state,
      daysOpen: Number(r.days_open),
      nextFollowUp: r.next_follow_up,
      followUpOverdue: r.next_follow_up !== null && r.next_follow_up < today,
      nextDeadline: r.next_deadline === null ? null : String(r.next_deadline).slice(0, 10),
      lastContactOn: r.last_contact_on,
      caseManagerName: r.case_manager_name,
      asDeputy: Boolean(r.as_deputy),
    })),
    total,
    pageCount: Math.max(1, Math.ceil(total / query.pageSize)),
    query,
  };
}
