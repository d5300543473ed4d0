import type { Role } from "../../workflows/vocabulary";

/** The demo password of every demo account (documented in README.md; demo data is never loaded in production unless asked for). */
export const DEMO_PASSWORD = "KIM-Demo-2026!";

/**
 * The one TOTP secret (base32, 160 bit) of every demo account whose role requires a second factor
 * (koordination, koordination2, admin, datenschutz; see workflows/permissions.ts SECOND_FACTOR_ROLES). It is public
 * like DEMO_PASSWORD: `npm run demo:code` prints its current code, so the demo works without an app.
 */
export const DEMO_TOTP_SECRET = "KIMDEMOZWEITERFAKTORNURFUERDEMOS";

export interface DemoUser {
  username: string;
  displayName: string;
  role: Role;
  organisation: number; // index into ORGANISATIONS
  fte: number | null;
}

/**
 * Nine case managers sharing 8.0 FTE, as funded in Kreis Mettmann: five in the Kreis's own KIM team,
 * four at three welfare organisations; one Teamleitung per organisation; coordination, steering, admin, data protection.
 */
export const DEMO_USERS: DemoUser[] = [
  { username: "casemanager", displayName: "Anna Demir", role: "case_manager", organisation: 0, fte: 1 },
  { username: "casemanager2", displayName: "Jonas Becker", role: "case_manager", organisation: 0, fte: 1 },
  { username: "cm.nowak", displayName: "Marta Nowak", role: "case_manager", organisation: 0, fte: 0.5 },
  { username: "cm.haddad", displayName: "Rami Haddad", role: "case_manager", organisation: 1, fte: 1 },
  { username: "cm.schmitz", displayName: "Lena Schmitz", role: "case_manager", organisation: 2, fte: 0.75 },
  { username: "cm.okafor", displayName: "Chidi Okafor", role: "case_manager", organisation: 0, fte: 1 },
  { username: "cm.wagner", displayName: "Sophie Wagner", role: "case_manager", organisation: 3, fte: 0.75 },
  { username: "cm.kaya", displayName: "Emre Kaya", role: "case_manager", organisation: 0, fte: 1 },
  { username: "cm.hoffmann", displayName: "Julia Hoffmann", role: "case_manager", organisation: 1, fte: 1 },
  { username: "teamleitung", displayName: "Sabine Vogel", role: "team_lead", organisation: 0, fte: null },
  { username: "teamleitung.caritas", displayName: "Markus Weber", role: "team_lead", organisation: 1, fte: null },
  { username: "teamleitung.diakonie", displayName: "Ines Albrecht", role: "team_lead", organisation: 2, fte: null },
  { username: "teamleitung.drk", displayName: "Kai Brückner", role: "team_lead", organisation: 3, fte: null },
  { username: "koordination", displayName: "Petra Lange", role: "coordinator", organisation: 0, fte: null },
  { username: "koordination2", displayName: "Tobias Krüger", role: "coordinator", organisation: 0, fte: null },
  { username: "lenkung", displayName: "Dr. Michael Brandt", role: "steering", organisation: 0, fte: null },
  { username: "admin", displayName: "Systemadministration", role: "admin", organisation: 0, fte: null },
  { username: "datenschutz", displayName: "Katrin Vogel", role: "data_protection", organisation: 0, fte: null },
];
