import type { Role } from "../workflows/vocabulary";

export interface NavItem {
  to: string;
  label: string;
  end?: boolean;
}

/** Navigation by role; the server still checks every permission. */
export const ROLE_NAV: Record<Role, NavItem[]> = {
  case_manager: [
    { to: "/heute", label: "Heute" },
    { to: "/faelle", label: "Meine Fälle", end: true },
    { to: "/faelle/neu", label: "Neue Aufnahme" },
    { to: "/huerden", label: "Strukturelle Hürden" },
  ],
  team_lead: [
    { to: "/team", label: "Teamübersicht" },
    { to: "/faelle", label: "Fälle der Organisation", end: true },
    { to: "/warteschlange", label: "Nicht zugewiesen" },
  ],
  coordinator: [
    { to: "/team", label: "Teamübersicht" },
    { to: "/faelle", label: "Alle Fälle", end: true },
    { to: "/warteschlange", label: "Nicht zugewiesen" },
    { to: "/import", label: "Falllisten importieren" },
    { to: "/huerden", label: "Strukturelle Hürden" },
    { to: "/zielgruppen", label: "Zielgruppen" },
    { to: "/partner", label: "Partner" },
    { to: "/vorlagen", label: "Vorlagen" },
    { to: "/berichte", label: "Berichte", end: true },
    { to: "/berichte/beschluesse", label: "Beschlüsse" },
  ],
  steering: [
    { to: "/berichte", label: "Berichte", end: true },
    { to: "/berichte/ausgaben", label: "Berichtsstände" },
    { to: "/berichte/beschluesse", label: "Beschlüsse" },
  ],
  admin: [
    { to: "/admin/benutzer", label: "Benutzer" },
    { to: "/admin/organisationen", label: "Organisationen" },
  ],
  data_protection: [{ to: "/protokoll", label: "Zugriffsprotokoll" }],
};
