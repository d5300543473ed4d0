import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigate } from "@remix-run/react";
import {
  type ColumnDef,
  type SortingState,
  type Updater,
  getCoreRowModel,
  useReactTable,
} from "@tanstack/react-table";
import { useEffect, useMemo, useRef } from "react";
import { ServerTable } from "~/components/server-table";
import { IgnoredParams, Pager, syncFilterFields } from "~/components/url-state";
import { listCaseload } from "~/db.server";
import { can, requirePermission } from "~/guards.server";
import {
  CASELOAD_PARAMS,
  type CaseloadQuery,
  type CaseloadSort,
  FOLLOW_UP_FILTERS,
  type FollowUpFilter,
  PAGE_SIZES,
  caseloadSearch,
  formatSort,
  parseCaseloadQuery,
} from "../../workflows/caseload-query";
import { CASE_PHASES, TARGET_GROUPS, TARGET_GROUP_SHORT } from "../../workflows/vocabulary";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.supervising ? "Alle Fälle" : "Meine Fälle"} – KIM Fallmanagement` },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, ["read:case:own", "read:case:org", "read:case:any"]);
  const { query, ignored } = parseCaseloadQuery(new URL(request.url).searchParams);
  const page = await listCaseload(context.db, user, query);
  return { ...page, ignored, supervising: can(user, "read:case:any") || can(user, "read:case:org") };
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>["rows"][number];

const FOLLOW_UP_LABELS: Record<FollowUpFilter, string> = {
  heute: "heute fällig",
  ueberfaellig: "überfällig",
  woche: "diese Woche fällig",
};

const PARAM_LABELS: Record<string, string> = {
  [CASELOAD_PARAMS.phase]: "Phase",
  [CASELOAD_PARAMS.targetGroup]: "Zielgruppe",
  [CASELOAD_PARAMS.municipalityId]: "Kommune",
  [CASELOAD_PARAMS.followUp]: "Wiedervorlage",
  [CASELOAD_PARAMS.deadline]: "Frist",
  [CASELOAD_PARAMS.search]: "Suche (höchstens 100 Zeichen)",
  [CASELOAD_PARAMS.includeClosed]: "abgeschlossene Fälle",
  [CASELOAD_PARAMS.sort]: "Sortierung",
  [CASELOAD_PARAMS.page]: "Seite",
  [CASELOAD_PARAMS.pageSize]: "Fälle pro Seite",
};

const SORT_LABELS: Record<CaseloadSort, string> = {
  aktenzeichen: "Aktenzeichen",
  name: "Name",
  alter: "Alter",
  zielgruppe: "Zielgruppe",
  phase: "Phase",
  offen: "Tage offen",
  wiedervorlage: "Nächste Wiedervorlage",
  kontakt: "Letzter Kontakt",
  frist: "Nächste Frist",
};

/** 2025-03-07 → 07.03.2025 (calendar dates: no time zone involved). */
function germanDate(date: string): string {
  const [y, m, d] = date.split("-");
  return `${d}.${m}.${y}`;
}

function columnsFor(today: string, supervising: boolean): ColumnDef<Row>[] {
  const columns: ColumnDef<Row>[] = [
    {
      id: "aktenzeichen",
      accessorFn: (row) => row.aktenzeichen,
      header: SORT_LABELS.aktenzeichen,
      cell: ({ row }) => <Link to={`/faelle/${row.original.id}`}>{row.original.aktenzeichen}</Link>,
    },
    {
      id: "name",
      accessorFn: (row) => (row.lastName === null ? "pseudonymisiert" : `${row.lastName}, ${row.firstName}`),
      header: SORT_LABELS.name,
      cell: ({ row }) => (
        <>
          {row.original.lastName === null ? (
            <span className="muted">pseudonymisiert</span>
          ) : (
            `${row.original.lastName}, ${row.original.firstName}`
          )}
          {row.original.asDeputy ? (
            <>
              {" "}
              <span className="badge">Vertretung</span>
            </>
          ) : null}
        </>
      ),
    },
    {
      id: "alter",
      accessorFn: (row) => row.age,
      header: SORT_LABELS.alter,
      meta: { numeric: true },
      cell: ({ row }) =>
        row.original.age === null ? (
          <span className="muted">unbekannt</span>
        ) : (
          <>
            {row.original.age}
            {row.original.birthDateEstimated ? <span className="muted"> (geschätzt)</span> : null}
          </>
        ),
    },
    {
      id: "zielgruppe",
      accessorFn: (row) => row.targetGroup,
      header: SORT_LABELS.zielgruppe,
      cell: ({ row }) =>
        row.original.targetGroup ? (
          TARGET_GROUP_SHORT[row.original.targetGroup]
        ) : (
          <span className="muted">noch offen</span>
        ),
    },
    {
      id: "phase",
      accessorFn: (row) => row.phase,
      header: SORT_LABELS.phase,
      cell: ({ row }) => CASE_PHASES.label[row.original.phase],
    },
    {
      id: "offen",
      accessorFn: (row) => row.daysOpen,
      header: SORT_LABELS.offen,
      meta: { numeric: true },
      cell: ({ row }) => row.original.daysOpen,
    },
    {
      id: "wiedervorlage",
      accessorFn: (row) => row.nextFollowUp,
      header: SORT_LABELS.wiedervorlage,
      cell: ({ row }) => {
        const due = row.original.nextFollowUp;
        if (!due) return <span className="muted">keine</span>;
        if (row.original.followUpOverdue) {
          return (
            <>
              <span className="badge badge--red">überfällig</span> seit {germanDate(due)}
            </>
          );
        }
        if (due === today) return <span className="badge badge--amber">heute</span>;
        return germanDate(due);
      },
    },
    {
      id: "frist",
      accessorFn: (row) => row.nextDeadline,
      header: SORT_LABELS.frist,
      cell: ({ row }) => {
        const on = row.original.nextDeadline;
        if (!on) return <span className="muted">keine</span>;
        if (on < today) {
          return (
            <>
              <span className="badge badge--red">überschritten</span> seit {germanDate(on)}
            </>
          );
        }
        return germanDate(on);
      },
    },
    {
      id: "kontakt",
      accessorFn: (row) => row.lastContactOn,
      header: SORT_LABELS.kontakt,
      cell: ({ row }) =>
        row.original.lastContactOn ? germanDate(row.original.lastContactOn) : <span className="muted">noch keiner</span>,
    },
  ];
  if (supervising) {
    columns.push({
      id: "casemanager",
      accessorFn: (row) => row.caseManagerName,
      header: "Casemanager*in",
      enableSorting: false,
      cell: ({ row }) => row.original.caseManagerName ?? <span className="muted">nicht zugewiesen</span>,
    });
  }
  return columns;
}

const FILTER_FORM_ID = "faelle-filter";

export default function CaseList() {
  const { rows, total, pageCount, query, municipalities, today, ignored, supervising } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const formRef = useRef<HTMLFormElement>(null);
  // The filter fields follow the URL (back button, "Filter zurücksetzen", deep links) without remounting,
  // so the keyboard focus stays where it was. The field being edited is left alone: what someone types
  // while the previous search is still loading must not be overwritten when its result arrives.
  useEffect(() => {
    const form = formRef.current;
    if (!form) return;
    const P = CASELOAD_PARAMS;
    const values: Record<string, string> = {
      [P.search]: query.search,
      [P.phase]: query.phase ?? "",
      [P.targetGroup]: query.targetGroup ?? "",
      [P.municipalityId]: query.municipalityId ? String(query.municipalityId) : "",
      [P.followUp]: query.followUp ?? "",
      [P.deadline]: query.deadline ?? "",
      [P.pageSize]: String(query.pageSize),
    };
    syncFilterFields(form, values);
    const closed = form.elements.namedItem(P.includeClosed);
    if (closed instanceof HTMLInputElement) closed.checked = query.includeClosed;
  }, [query]);
  const columns = useMemo(() => columnsFor(today, supervising), [today, supervising]);
  const sorting: SortingState = [{ id: query.sort, desc: query.desc }];
  const go = (changes: Partial<CaseloadQuery>) => navigate(`/faelle${caseloadSearch(query as CaseloadQuery, changes)}`);

  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => row.id,
    manualSorting: true,
    manualFiltering: true,
    manualPagination: true,
    enableMultiSort: false,
    enableSortingRemoval: false,
    sortDescFirst: false,
    rowCount: total,
    state: { sorting, pagination: { pageIndex: query.page - 1, pageSize: query.pageSize } },
    onSortingChange: (updater: Updater<SortingState>) => {
      const next = (typeof updater === "function" ? updater(sorting) : updater)[0];
      if (next) go({ sort: next.id as CaseloadSort, desc: next.desc, page: 1 });
    },
    onPaginationChange: (updater) => {
      const current = { pageIndex: query.page - 1, pageSize: query.pageSize };
      const next = typeof updater === "function" ? updater(current) : updater;
      go({ page: next.pageIndex + 1 });
    },
  });

  const heading = supervising ? "Alle Fälle" : "Meine Fälle";
  const sortLabel = `${SORT_LABELS[query.sort]} (${query.desc ? "absteigend" : "aufsteigend"})`;
  const pageHref = (page: number) => `/faelle${caseloadSearch(query as CaseloadQuery, { page })}`;

  return (
    <>
      <h1>{heading}</h1>
      <IgnoredParams ignored={ignored} labels={PARAM_LABELS} />
      <Form
        method="get"
        action="/faelle"
        id={FILTER_FORM_ID}
        ref={formRef}
        className="filters card"
        role="search"
        aria-label="Fälle filtern"
      >
        <div className="field">
          <label htmlFor="filter-suche">Name oder Aktenzeichen</label>
          <input
            id="filter-suche"
            type="search"
            name={CASELOAD_PARAMS.search}
            defaultValue={query.search}
            maxLength={100}
            autoComplete="off"
          />
        </div>
        <div className="field">
          <label htmlFor="filter-phase">Phase</label>
          <select id="filter-phase" name={CASELOAD_PARAMS.phase} defaultValue={query.phase ?? ""}>
            <option value="">Alle Phasen</option>
            {CASE_PHASES.values.map((p) => (
              <option key={p} value={p}>
                {CASE_PHASES.label[p]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-zielgruppe">Zielgruppe</label>
          <select id="filter-zielgruppe" name={CASELOAD_PARAMS.targetGroup} defaultValue={query.targetGroup ?? ""}>
            <option value="">Alle Zielgruppen</option>
            {TARGET_GROUPS.values.map((g) => (
              <option key={g} value={g}>
                {TARGET_GROUP_SHORT[g]}
              </option>
            ))}
            <option value="keine">noch keine Zielgruppe</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-kommune">Kommune</label>
          <select
            id="filter-kommune"
            name={CASELOAD_PARAMS.municipalityId}
            defaultValue={query.municipalityId ? String(query.municipalityId) : ""}
          >
            <option value="">Alle Kommunen</option>
            {municipalities.map((m) => (
              <option key={m.id} value={String(m.id)}>
                {m.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-wiedervorlage">Wiedervorlage</label>
          <select id="filter-wiedervorlage" name={CASELOAD_PARAMS.followUp} defaultValue={query.followUp ?? ""}>
            <option value="">alle</option>
            {FOLLOW_UP_FILTERS.map((f) => (
              <option key={f} value={f}>
                {FOLLOW_UP_LABELS[f]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-frist">Frist</label>
          <select id="filter-frist" name={CASELOAD_PARAMS.deadline} defaultValue={query.deadline ?? ""}>
            <option value="">alle</option>
            <option value="4wochen">Frist in den nächsten 4 Wochen</option>
            <option value="8wochen">Frist in den nächsten 8 Wochen</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-anzahl">Fälle pro Seite</label>
          <select id="filter-anzahl" name={CASELOAD_PARAMS.pageSize} defaultValue={String(query.pageSize)}>
            {PAGE_SIZES.map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-abgeschlossene" className="checkbox">
            <input
              id="filter-abgeschlossene"
              type="checkbox"
              name={CASELOAD_PARAMS.includeClosed}
              value="1"
              defaultChecked={query.includeClosed}
            />
            Abgeschlossene Fälle einbeziehen
          </label>
        </div>
        <div className="button-row filters__actions">
          {/* The first submit button is the form's default: Enter in the search field keeps the sort order. */}
          <button type="submit" className="button" name={CASELOAD_PARAMS.sort} value={formatSort(query.sort, query.desc)}>
            Filter anwenden
          </button>
          <Link to="/faelle" className="button button--secondary">
            Filter zurücksetzen
          </Link>
        </div>
      </Form>

      <p role="status" className="caseload-summary">
        {total === 0
          ? "Keine Fälle gefunden."
          : `${total.toLocaleString("de-DE")} ${total === 1 ? "Fall" : "Fälle"} · Seite ${query.page} von ${pageCount} · sortiert nach ${sortLabel}`}
      </p>

      {total > 0 ? (
        <ServerTable
          table={table}
          formId={FILTER_FORM_ID}
          sortParam={CASELOAD_PARAMS.sort}
          sortValue={(column, desc) => formatSort(column as CaseloadSort, desc)}
          className="caseload"
          captionId="caseload-caption"
          caption={`${heading}, sortiert nach ${sortLabel}. Spaltenüberschriften mit Schaltfläche ändern die Sortierung.`}
          rowClassName={(row) => (row.followUpOverdue ? "overdue" : undefined)}
        />
      ) : null}

      <Pager page={query.page} pageCount={pageCount} href={pageHref} />
    </>
  );
}
