// Bulk load with PostgreSQL's COPY FROM STDIN (text format) over one pooled client: many times faster than
// multi-row INSERTs for the NRW-scale seed. Rows are the same Insertable objects the INSERT path takes;
// rows of one table with different column sets are copied as separate groups (COPY has no per-row DEFAULT).
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** COPY text format: backslash, tab, newline and carriage return escaped; NULL is \N. */
function escapeCopyText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}

/** A PostgreSQL array literal of texts: {"a","b"} with " and \ escaped. */
function arrayLiteral(values: unknown[]): string {
  return `{${values.map((v) => (v === null ? "NULL" : `"${String(v).replace(/["\\]/g, (c) => `\\${c}`)}"`)).join(",")}}`;
}

export function copyValue(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  if (typeof value === "boolean") return value ? "t" : "f";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return escapeCopyText(arrayLiteral(value));
  if (typeof value === "object") return escapeCopyText(JSON.stringify(value));
  return escapeCopyText(String(value));
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Rows of one column set as COPY text (one line per row). */
export interface CopyGroup {
  columns: string[];
  text: string;
}

/** The rows as COPY text, grouped by their column set (in first-seen order). */
export function copyGroups(rows: readonly object[]): CopyGroup[] {
  const groups = new Map<string, { columns: string[]; lines: string[] }>();
  for (const row of rows) {
    const columns = Object.keys(row);
    const key = columns.join(",");
    let group = groups.get(key);
    if (!group) {
      group = { columns, lines: [] };
      groups.set(key, group);
    }
    const record = row as Record<string, unknown>;
    group.lines.push(columns.map((c) => copyValue(record[c])).join("\t"));
  }
  return [...groups.values()].map((g) => ({ columns: g.columns, text: `${g.lines.join("\n")}\n` }));
}

/** COPY the rows into a table on the given client (inside the caller's transaction, if any). */
export async function copyRows(client: pg.PoolClient, table: string, rows: readonly object[]): Promise<void> {
  await copyText(client, table, copyGroups(rows));
}

/** COPY rows already in COPY text (copyGroups, maybe made on another thread) into a table on the given
 * client. Table and column names are checked here, where they go into the statement. */
export async function copyText(client: pg.PoolClient, table: string, groups: readonly CopyGroup[]): Promise<void> {
  if (!IDENTIFIER.test(table)) throw new Error(`copy: unexpected table name ${table}`);
  for (const group of groups) {
    for (const c of group.columns) if (!IDENTIFIER.test(c)) throw new Error(`copy: unexpected column name ${c}`);
    const stream = client.query(copyFrom(`COPY ${table} (${group.columns.join(", ")}) FROM STDIN`));
    await pipeline(Readable.from([group.text]), stream);
  }
}
