import type { Role } from "./vocabulary";

/**
 * Permissions as strings: action:entity:access. "own" means cases assigned to the user or where the
 * user is named deputy; "any" means every case (coordinators supervise). The database queries scope
 * by the same rule, so hiding a button is never the only protection.
 */
export const PERMISSIONS = [
  "read:case:own",
  "read:case:any",
  "write:case:own",
  "write:case:any",
  "create:case:own",
  "assign:case:any",
  "read:today:own",
  "read:team:any",
  "read:report:aggregate",
  "read:report:detail",
  "create:finding:own",
  "manage:finding:any",
  "manage:target-groups:any",
  "manage:partners:any",
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
  coordinator: [
    "read:case:any",
    "write:case:any",
    "create:case:own",
    "assign:case:any",
    "read:team:any",
    "read:report:aggregate",
    "read:report:detail",
    "create:finding:own",
    "manage:finding:any",
    "manage:target-groups:any",
    "manage:partners:any",
    "read:statechart:any",
  ],
  steering: ["read:report:aggregate", "read:statechart:any"],
  admin: ["manage:users:any"],
  // The data-protection officer reads the audit log (who did what, when): no case content.
  data_protection: ["read:audit:any"],
};

export function hasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** The page each role lands on after sign-in. */
export const ROLE_HOME: Record<Role, string> = {
  case_manager: "/faelle",
  coordinator: "/team",
  steering: "/berichte",
  admin: "/admin/benutzer",
  data_protection: "/protokoll",
};

/**
 * Roles that must sign in with a second factor (TOTP): who steers all cases, administers accounts or
 * reads the audit log of the whole site.
 * Other roles need it only once they have set one up.
 */
export const SECOND_FACTOR_ROLES: readonly Role[] = ["coordinator", "admin", "data_protection"];

export function requiresSecondFactor(role: Role): boolean {
  return SECOND_FACTOR_ROLES.includes(role);
}
