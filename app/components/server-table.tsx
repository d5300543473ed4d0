// A TanStack Table (v8) whose sorting lives on the server: each sortable header is a submit button of the
// filter form (works without JavaScript); with JavaScript the table's sorting state drives the URL.
import { type Table, flexRender } from "@tanstack/react-table";

interface ServerTableProps<Row> {
  table: Table<Row>;
  /** The GET form whose submission carries the sort parameter. */
  formId: string;
  sortParam: string;
  /** The URL value of sorting by a column in a direction. */
  sortValue: (columnId: string, desc: boolean) => string;
  captionId: string;
  caption: string;
  className?: string;
  rowClassName?: (row: Row) => string | undefined;
}

function isNumeric(meta: unknown): boolean {
  return Boolean((meta as { numeric?: boolean } | undefined)?.numeric);
}

export function ServerTable<Row>({
  table,
  formId,
  sortParam,
  sortValue,
  captionId,
  caption,
  className,
  rowClassName,
}: ServerTableProps<Row>) {
  return (
    <div className="table-wrap card" role="region" aria-labelledby={captionId} tabIndex={0}>
      <table className={className ? `data ${className}` : "data"}>
        <caption id={captionId} className="visually-hidden">
          {caption}
        </caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const column = header.column;
                const numeric = isNumeric(column.columnDef.meta);
                const label = flexRender(column.columnDef.header, header.getContext());
                if (!column.getCanSort()) {
                  return (
                    <th key={header.id} scope="col">
                      {label}
                    </th>
                  );
                }
                const sorted = column.getIsSorted();
                const nextDesc = column.getNextSortingOrder() === "desc";
                return (
                  <th
                    key={header.id}
                    scope="col"
                    className={numeric ? "num" : undefined}
                    aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : "none"}
                  >
                    <button
                      type="submit"
                      form={formId}
                      name={sortParam}
                      value={sortValue(column.id, nextDesc)}
                      className="sort-button"
                      onClick={(event) => {
                        // With JavaScript the table's sorting state drives the URL; without, the form does.
                        event.preventDefault();
                        column.toggleSorting(nextDesc, false);
                      }}
                    >
                      {label}
                      <span aria-hidden="true" className="sort-indicator">
                        {sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} className={rowClassName?.(row.original)}>
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} className={isNumeric(cell.column.columnDef.meta) ? "num" : undefined}>
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
