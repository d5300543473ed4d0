// The data-protection officer's audit viewer (Zugriffsprotokoll): who read, changed, exported or was
// refused what and when. Filters, order and page live in the URL and are applied on the server; the
// loader sends codes, account names and Aktenzeichen only, never case content. Its own use is audited.
import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigate } from "@remix-run/react";
import {
  type ColumnDef,
  type SortingState,
  type Updater,
  getCoreRowModel,
  useReactTable,
} from "@tanstack/react-table";
import { useEffect, useRef } from "react";
import { type AuditViewRow, auditViewRow } from "~/audit-view";
import { ServerTable } from "~/components/server-table";
import { IgnoredParams, Pager, syncFilterFields } from "~/components/url-state";
import { listAuditLog } from "~/db.server";
import { notFound, requirePermission } from "~/guards.server";
import {
  AUDIT_ACTIONS,
  AUDIT_OUTCOME_LABELS,
  AUDIT_PAGE_SIZES,
  AUDIT_PARAMS,
  type AuditOutcomeCode,
  type AuditQuery,
  auditSearch,
  outcomeParam,
  parseAuditQuery,
} from "../../workflows/audit-query";
import { ROLES } from "../../workflows/vocabulary";

export const meta: MetaFunction = () => [{ title: "Zugriffsprotokoll – KIM Fallmanagement" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "read:audit:any");
  const { query, ignored } = parseAuditQuery(new URL(request.url).searchParams);
  const page = await listAuditLog(context.db, user, query);
  if (!page) notFound();
  return {
    rows: page.rows.map(auditViewRow),
    total: page.total,
    pageCount: page.pageCount,
    query: page.query,
    users: page.users.map((u) => ({ id: u.id, label: `${u.name} (${u.username}, ${ROLES.label[u.role]})` })),
    ignored,
  };
}

const PARAM_LABELS: Record<string, string> = {
  [AUDIT_PARAMS.userId]: "Benutzer*in",
  [AUDIT_PARAMS.aktenzeichen]: "Aktenzeichen (höchstens 40 Zeichen)",
  [AUDIT_PARAMS.action]: "Aktion",
  [AUDIT_PARAMS.outcome]: "Ergebnis",
  [AUDIT_PARAMS.from]: "von",
  [AUDIT_PARAMS.to]: "bis (nicht vor „von“)",
  [AUDIT_PARAMS.sort]: "Sortierung",
  [AUDIT_PARAMS.page]: "Seite",
  [AUDIT_PARAMS.pageSize]: "Einträge pro Seite",
};

const COLUMNS: ColumnDef<AuditViewRow>[] = [
  { id: "zeit", accessorKey: "at", header: "Zeitpunkt" },
  { id: "benutzer", accessorKey: "user", header: "Benutzer*in", enableSorting: false },
  { id: "rolle", accessorKey: "role", header: "Rolle", enableSorting: false },
  { id: "organisation", accessorKey: "organisation", header: "Organisation", enableSorting: false },
  { id: "aktion", accessorKey: "action", header: "Aktion", enableSorting: false },
  { id: "objekt", accessorKey: "object", header: "Objekt", enableSorting: false },
  { id: "aktenzeichen", accessorKey: "aktenzeichen", header: "Aktenzeichen", enableSorting: false },
  {
    id: "ergebnis",
    accessorKey: "outcome",
    header: "Ergebnis",
    enableSorting: false,
    cell: ({ row }) =>
      row.original.refused ? <span className="badge badge--red">{row.original.outcome}</span> : row.original.outcome,
  },
  { id: "details", accessorKey: "detail", header: "Details", enableSorting: false },
];

const FILTER_FORM_ID = "protokoll-filter";

export default function AuditViewer() {
  const { rows, total, pageCount, query, users, ignored } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const formRef = useRef<HTMLFormElement>(null);
  // The fields follow the URL (back button, reset) without remounting, as on the case list.
  useEffect(() => {
    const form = formRef.current;
    if (!form) return;
    const P = AUDIT_PARAMS;
    const values: Record<string, string> = {
      [P.userId]: query.userId ?? "",
      [P.aktenzeichen]: query.aktenzeichen,
      [P.action]: query.action ?? "",
      [P.outcome]: query.outcome ? outcomeParam(query.outcome) : "",
      [P.from]: query.from ?? "",
      [P.to]: query.to ?? "",
      [P.pageSize]: String(query.pageSize),
    };
    syncFilterFields(form, values);
  }, [query]);
  const go = (changes: Partial<AuditQuery>) => navigate(`/protokoll${auditSearch(query as AuditQuery, changes)}`);
  const sorting: SortingState = [{ id: "zeit", desc: query.desc }];
  const table = useReactTable({
    data: rows,
    columns: COLUMNS,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => row.id,
    manualSorting: true,
    manualFiltering: true,
    manualPagination: true,
    enableMultiSort: false,
    enableSortingRemoval: false,
    rowCount: total,
    state: { sorting, pagination: { pageIndex: query.page - 1, pageSize: query.pageSize } },
    onSortingChange: (updater: Updater<SortingState>) => {
      const next = (typeof updater === "function" ? updater(sorting) : updater)[0];
      if (next) go({ desc: next.desc, page: 1 });
    },
  });
  const order = query.desc ? "neueste zuerst" : "älteste zuerst";
  const pageHref = (page: number) => `/protokoll${auditSearch(query as AuditQuery, { page })}`;
  const exportHref = `/protokoll/export.csv${auditSearch(query as AuditQuery, {}, false)}`;

  return (
    <>
      <h1>Zugriffsprotokoll</h1>
      <p>
        Wer hat wann welche Daten gelesen, geändert, exportiert – oder wurde abgewiesen. Das Protokoll enthält keine
        Falldaten; jede Abfrage hier wird selbst protokolliert.
      </p>
      <IgnoredParams ignored={ignored} labels={PARAM_LABELS} />
      <Form
        method="get"
        action="/protokoll"
        id={FILTER_FORM_ID}
        ref={formRef}
        className="filters card"
        role="search"
        aria-label="Protokoll filtern"
      >
        <div className="field">
          <label htmlFor="filter-benutzer">Benutzer*in</label>
          <select id="filter-benutzer" name={AUDIT_PARAMS.userId} defaultValue={query.userId ?? ""}>
            <option value="">Alle</option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-aktenzeichen">Aktenzeichen</label>
          <input
            id="filter-aktenzeichen"
            type="search"
            name={AUDIT_PARAMS.aktenzeichen}
            defaultValue={query.aktenzeichen}
            maxLength={40}
            autoComplete="off"
          />
        </div>
        <div className="field">
          <label htmlFor="filter-aktion">Aktion</label>
          <select id="filter-aktion" name={AUDIT_PARAMS.action} defaultValue={query.action ?? ""}>
            <option value="">Alle Aktionen</option>
            {Object.entries(AUDIT_ACTIONS).map(([code, label]) => (
              <option key={code} value={code}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-ergebnis">Ergebnis</label>
          <select
            id="filter-ergebnis"
            name={AUDIT_PARAMS.outcome}
            defaultValue={query.outcome ? outcomeParam(query.outcome) : ""}
          >
            <option value="">alle</option>
            {(Object.keys(AUDIT_OUTCOME_LABELS) as AuditOutcomeCode[]).map((code) => (
              <option key={code} value={outcomeParam(code)}>
                {AUDIT_OUTCOME_LABELS[code]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-von">Von</label>
          <input id="filter-von" type="date" name={AUDIT_PARAMS.from} defaultValue={query.from ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="filter-bis">Bis (einschließlich)</label>
          <input id="filter-bis" type="date" name={AUDIT_PARAMS.to} defaultValue={query.to ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="filter-anzahl">Einträge pro Seite</label>
          <select id="filter-anzahl" name={AUDIT_PARAMS.pageSize} defaultValue={String(query.pageSize)}>
            {AUDIT_PAGE_SIZES.map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </div>
        {query.desc ? null : <input type="hidden" name={AUDIT_PARAMS.sort} value="zeit" />}
        <div className="button-row filters__actions">
          <button type="submit" className="button">
            Filter anwenden
          </button>
          <Link to="/protokoll" className="button button--secondary">
            Filter zurücksetzen
          </Link>
          <a href={exportHref} className="button button--secondary" download>
            Als CSV exportieren
          </a>
        </div>
      </Form>

      <p role="status" className="caseload-summary">
        {total === 0
          ? "Keine Einträge gefunden."
          : `${total.toLocaleString("de-DE")} ${total === 1 ? "Eintrag" : "Einträge"} · Seite ${query.page} von ${pageCount} · ${order}`}
      </p>

      {total > 0 ? (
        <ServerTable
          table={table}
          formId={FILTER_FORM_ID}
          sortParam={AUDIT_PARAMS.sort}
          sortValue={(_column, desc) => (desc ? "zeit.ab" : "zeit")}
          captionId="protokoll-caption"
          caption={`Zugriffsprotokoll, ${order}. Die Spaltenüberschrift Zeitpunkt ändert die Reihenfolge.`}
        />
      ) : null}

      <Pager page={query.page} pageCount={pageCount} href={pageHref} />
    </>
  );
}
