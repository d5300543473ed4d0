import type { Role } from "./vocabulary";

/**
 * Permissions as strings: action:entity:access. "own" means cases assigned to the user or where the
 * user is named deputy; "org" means every case of the user's organisation (Teamleitung); "any" means
 * every case the organisations' agreements let the coordination see (coordinators supervise). The
 * database queries scope by the same rule (db/access.ts), so hiding a button is never the only protection.
 */
export const PERMISSIONS = [
  "read:case:own",
  "read:case:org",
  "read:case:any",
  "write:case:own",
  "write:case:any",
  "create:case:own",
  "assign:case:org",
  "assign:case:any",
  "read:today:own",
  "read:team:org",
  "read:team:any",
  "manage:organisations:any",
  "read:report:aggregate",
  "read:report:detail",
  "freeze:report:any",
  "create:finding:own",
  "manage:finding:any",
  "decide:finding:any",
  "manage:target-groups:any",
  "manage:partners:any",
  "manage:templates:any",
  "manage:users:any",
  "read:statechart:any",
  "read:audit:any",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  case_manager: [
    "read:case:own",
    "write:case:own",
    "create:case:own",
    "read:today:own",
    "create:finding:own",
    "read:statechart:any",
  ],
  team_lead: ["read:case:org", "assign:case:org", "read:team:org", "read:statechart:any"],
  coordinator: [
    "read:case:any",
    "write:case:any",
    "create:case:own",
    "assign:case:any",
    "read:team:any",
    "read:report:aggregate",
    "read:report:detail",
    "freeze:report:any",
    "create:finding:own",
    "manage:finding:any",
    "decide:finding:any",
    "manage:target-groups:any",
    "manage:partners:any",
    "manage:templates:any",
    "read:statechart:any",
  ],
  steering: ["read:report:aggregate", "read:statechart:any"],
  admin: ["manage:users:any", "manage:organisations:any"],
  // The data-protection officer reads the audit log (who did what, when): no case content.
  data_protection: ["read:audit:any"],
};

export function hasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** May assign and transfer cases: coordinators any they see, a Teamleitung within their organisation. */
export function mayAssignCases(role: Role): boolean {
  return hasPermission(role, "assign:case:any") || hasPermission(role, "assign:case:org");
}

/** May see the team overview (caseload per case manager): coordinators all, a Teamleitung their organisation. */
export function mayReadTeam(role: Role): boolean {
  return hasPermission(role, "read:team:any") || hasPermission(role, "read:team:org");
}

/** The page each role lands on after sign-in. */
export const ROLE_HOME: Record<Role, string> = {
  case_manager: "/faelle",
  team_lead: "/team",
  coordinator: "/team",
  steering: "/berichte",
  admin: "/admin/benutzer",
  data_protection: "/protokoll",
};

/**
 * Roles that must sign in with a second factor (TOTP): who reads many cases (a Teamleitung their
 * organisation's, the coordination the site's), administers accounts or reads the audit log of the whole site.
 * Other roles need it only once they have set one up.
 */
export const SECOND_FACTOR_ROLES: readonly Role[] = ["team_lead", "coordinator", "admin", "data_protection"];

export function requiresSecondFactor(role: Role): boolean {
  return SECOND_FACTOR_ROLES.includes(role);
}
