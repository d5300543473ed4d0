import { type AppLoadContext, redirect } from "@remix-run/node";
import { writeAudit } from "../db/audit";
import { type Permission, hasPermission } from "../workflows/permissions";
import { type SessionUser, appRedirectTarget } from "./auth.server";

/** Throws a Response (shown by the nearest ErrorBoundary) unless the condition holds. */
export function invariantResponse(
  condition: unknown,
  message: string,
  init: ResponseInit = { status: 400 },
): asserts condition {
  if (!condition) {
    throw new Response(message, { ...init, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
}

export function notFound(): never {
  throw new Response("Nicht gefunden", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/** The signed-in user, or a redirect to the login page that comes back here afterwards. */
export async function requireUser(request: Request, context: AppLoadContext): Promise<SessionUser> {
  const session = await context.getSession();
  if (session) return session.user;
  const url = new URL(request.url);
  const back = url.pathname + url.search;
  const isData = url.pathname.endsWith(".data");
  throw redirect(isData || back === "/" ? "/anmelden" : `/anmelden?redirectTo=${encodeURIComponent(back)}`);
}

/** The signed-in user with the given permission; otherwise 403 (audited). */
export async function requirePermission(
  request: Request,
  context: AppLoadContext,
  permission: Permission | Permission[],
): Promise<SessionUser> {
  const user = await requireUser(request, context);
  const wanted = Array.isArray(permission) ? permission : [permission];
  if (!wanted.some((p) => hasPermission(user.role, p))) {
    await writeAudit(context.db, {
      actorId: user.id,
      actorRole: user.role,
      action: "permission",
      objectType: "route",
      objectId: new URL(request.url).pathname.replace(/[0-9a-f-]{36}/g, ":id"),
      outcome: "denied",
      detail: { permission: wanted.join(",") },
    });
    throw new Response("Für diese Seite fehlt Ihnen die Berechtigung.", {
      status: 403,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  return user;
}

export function can(user: SessionUser, permission: Permission): boolean {
  return hasPermission(user.role, permission);
}

/** A `redirectTo` of this request checked against the app's origin and pages (see appRedirectTarget), or null. */
export function redirectTargetOf(request: Request, context: AppLoadContext, to: string | null | undefined): string | null {
  return appRedirectTarget(to, { origin: new URL(request.url).origin, isAppPath: context.isAppPath });
}
