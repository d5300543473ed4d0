// What keeps the statements of a busy page cheap for PostgreSQL: plans kept per connection (keepPlan) and
// one connection for all reads of a page (onOneConnection). Measured with pg_stat_statements on the
// client file at 250,000 cases: planning took about six times the execution, and a third of the
// statements were the row-level-security scope set again at each checkout (db/connection.ts).
import { type Kysely, sql } from "kysely";
import type { Database } from "./schema";

export const KEEP_PLAN_MARK = "/* kim:keep-plan */";

/**
 * Marks a query whose plan PostgreSQL may keep per connection: `.modifyEnd(keepPlan)`. Only for queries
 * whose best plan does not depend on the values of their parameters: lookups by a key or a foreign key,
 * small reference lists. Not for a query whose best plan depends on the values: *Meine Fälle*'s id query
 * (filters, sort) and *Heute*'s list were 4-5 times slower with a generic plan (measured while JIT was on),
 * and a generic plan cannot use a partial index whose predicate a parameter would have to satisfy
 * (state <> 'closed').
 * See prepareStatementsOn in db/connection.ts.
 */
export const keepPlan = sql.raw(KEEP_PLAN_MARK);

/**
 * Runs `fn` with every statement on one pooled connection (kysely's db.connection()): a page that reads
 * in parallel otherwise checks out a connection per statement, and each checkout sets the row-level
 * security scope again when the connection last served another user. Statements queue on the connection
 * (kysely runs them one at a time). For reads and single writes only: `fn` must not wait for another
 * connection of the pool. Inside a transaction, `fn` runs on the transaction.
 */
export function onOneConnection<T>(db: Kysely<Database>, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  return db.connection().execute(fn);
}
