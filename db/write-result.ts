// The shape every write of the client file answers with (besides applyCaseEvent, which has its own):
// ok, or a refusal with an HTTP status and a German message the form shows next to itself.
import { hasPermission } from "../workflows/permissions";
import type { Role } from "../workflows/vocabulary";

export type WriteRefusal = {
  ok: false;
  status: 404 | 403 | 409 | 422;
  reason: "not_found" | "forbidden" | "stale" | "not_allowed" | "guard_failed";
  message: string;
};

export type WriteResult<T = object> = ({ ok: true } & T) | WriteRefusal;

export const CASE_NOT_FOUND: WriteRefusal = {
  ok: false,
  status: 404,
  reason: "not_found",
  message: "Der Fall wurde nicht gefunden.",
};

export const WRITE_FORBIDDEN: WriteRefusal = {
  ok: false,
  status: 403,
  reason: "forbidden",
  message: "Für diesen Schritt fehlt Ihnen die Berechtigung.",
};

/** May this role change the content of the cases it can see? */
export function mayWriteCases(role: Role): boolean {
  return hasPermission(role, "write:case:own") || hasPermission(role, "write:case:any");
}
