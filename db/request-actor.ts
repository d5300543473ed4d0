// Who the database is asked for: the second line of defence behind db/access.ts (row-level security,
// migration 0014). Every request of the app runs in a request scope (server-app.ts); its actor is set
// once the session is known. db/connection.ts hands each pooled connection, at every checkout, to the
// database role `kim_app` with the scope's actor (`kim.actor_id`, `kim.actor_role`, `kim.actor_org`),
// so PostgreSQL's policies return only the rows the actor may see, even for a query that forgets its
// WHERE. Code outside a request scope (migrations, seed, the daily job, command-line tools, tests'
// fixtures) runs as the system: the login role, which owns the tables and sees every row.
// See README "Organisations" and docs/deployment.md "The app role".
import { AsyncLocalStorage } from "node:async_hooks";
import type { Role } from "../workflows/vocabulary";

/** The actor of a request scope; null until the session is known (and for requests without one). */
export interface ScopeActor {
  id: string;
  role: Role;
  organisationId?: number | undefined;
}

export interface RequestScope {
  actor: ScopeActor | null;
}

/** The system (every row): the login role. A request scope: `kim_app` with its actor (null: no case rows). */
export type DatabaseScope = "system" | RequestScope;

/**
 * One store per process, not per module copy: the server (server-app.ts, run by tsx) and the Remix build
 * (build/index.js, which bundles its own copy of this module) must read and write the same scopes, or a
 * runAsSystem inside a route would not reach the connection pool the server opened.
 */
const STORE_KEY = Symbol.for("kim-case.database-scopes");
const globalStore = globalThis as typeof globalThis & { [STORE_KEY]?: AsyncLocalStorage<DatabaseScope> };
const scopes = (globalStore[STORE_KEY] ??= new AsyncLocalStorage<DatabaseScope>());

/** Runs `fn` as one request: database access as `kim_app`, with the actor once `scope.actor` is set. */
export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  // The scope object is shared: setting its actor (when the session resolves) affects every later checkout.
  return scopes.run(scope, fn);
}

/** Runs `fn` as the given actor (benchmarks and tests that call loaders or db functions directly). */
export function runAsActor<T>(actor: ScopeActor, fn: () => T): T {
  return runInRequestScope({ actor: { id: actor.id, role: actor.role, organisationId: actor.organisationId } }, fn);
}

/**
 * Runs `fn` as the system (every row), inside a request too. Only for reads whose answer the app reduces
 * to figures or flags before anything leaves the server, documented where used. A connection already
 * held (inside a transaction) keeps its scope.
 */
export function runAsSystem<T>(fn: () => T): T {
  return scopes.run("system", fn);
}

/** The scope of the current async context; outside any scope: the system. */
export function currentDatabaseScope(): DatabaseScope {
  return scopes.getStore() ?? "system";
}
