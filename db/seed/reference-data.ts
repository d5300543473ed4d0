// Reference data of Kreis Mettmann: municipalities, organisations and partners.
// Organisation and partner names are illustrative; people in the demo data are fictitious.
import type { CoordinationAccess, OrganisationKind, PartnerKind } from "../../workflows/vocabulary";

export const DISTRICT = "Kreis Mettmann";

export const MUNICIPALITIES = [
  "Erkrath",
  "Haan",
  "Heiligenhaus",
  "Hilden",
  "Langenfeld (Rhld.)",
  "Mettmann",
  "Monheim am Rhein",
  "Ratingen",
  "Velbert",
  "Wülfrath",
] as const;

/** Rough population weights (thousands) so that demo cases spread like the Kreis does. */
export const MUNICIPALITY_WEIGHTS: Record<(typeof MUNICIPALITIES)[number], number> = {
  Erkrath: 44,
  Haan: 30,
  Heiligenhaus: 26,
  Hilden: 55,
  "Langenfeld (Rhld.)": 59,
  Mettmann: 38,
  "Monheim am Rhein": 41,
  Ratingen: 87,
  Velbert: 81,
  Wülfrath: 21,
};

/**
 * The Kreis's own KIM team and three welfare organisations, each with its agreement on what the KIM
 * coordination may see of its cases (README "Organisations"): every rule can be tried in the demo.
 */
export const ORGANISATIONS: {
  name: string;
  kind: OrganisationKind;
  municipality: string | null;
  coordinationAccess: CoordinationAccess;
}[] = [
  { name: "Kreis Mettmann – Kommunales Integrationszentrum", kind: "kreis", municipality: "Mettmann", coordinationAccess: "voll" },
  { name: "Caritasverband für den Kreis Mettmann e. V.", kind: "traeger", municipality: "Ratingen", coordinationAccess: "pseudonymisiert" },
  { name: "Diakonie im Kreis Mettmann", kind: "traeger", municipality: "Velbert", coordinationAccess: "voll" },
  { name: "DRK-Kreisverband Mettmann e. V.", kind: "traeger", municipality: "Langenfeld (Rhld.)", coordinationAccess: "aggregiert" },
];

export const PARTNERS: { name: string; kind: PartnerKind; municipality: string | null }[] = [
  { name: "Jugendamt Kreis Mettmann", kind: "jugendamt", municipality: "Mettmann" },
  { name: "Jugendamt Velbert", kind: "jugendamt", municipality: "Velbert" },
  { name: "Ausländerbehörde Kreis Mettmann", kind: "auslaenderbehoerde", municipality: "Mettmann" },
  { name: "Jobcenter ME-aktiv", kind: "jobcenter", municipality: "Mettmann" },
  { name: "Integration Point Ratingen", kind: "jobcenter", municipality: "Ratingen" },
  { name: "Migrationsberatung für Erwachsene (MBE) Hilden", kind: "mbe", municipality: "Hilden" },
  { name: "Jugendmigrationsdienst (JMD) Velbert", kind: "jmd", municipality: "Velbert" },
  { name: "VHS Integrationskurse Langenfeld", kind: "integrationskurs", municipality: "Langenfeld (Rhld.)" },
  { name: "Berufskolleg Neandertal (Internationale Förderklasse)", kind: "schule", municipality: "Mettmann" },
  { name: "Gesundheitsamt Kreis Mettmann", kind: "gesundheitsamt", municipality: "Mettmann" },
  { name: "Psychosoziale Beratungsstelle für Geflüchtete", kind: "beratungsstelle", municipality: "Ratingen" },
  { name: "Flüchtlingsberatung der Wohlfahrtsverbände Erkrath", kind: "wohlfahrtsverband", municipality: "Erkrath" },
  { name: "Sozialamt Monheim am Rhein", kind: "sozialamt", municipality: "Monheim am Rhein" },
  { name: "TSV Heiligenhaus – Sport für alle", kind: "sportverein", municipality: "Heiligenhaus" },
  { name: "Wohnraumberatung Haan", kind: "beratungsstelle", municipality: "Haan" },
];
