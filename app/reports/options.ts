// The report's URL parameter values (German) shared by the filter form (browser) and the server.

export const PERIOD_TYPES = { jahr: "Jahr", quartal: "Quartal", monat: "Monat", frei: "Freier Zeitraum" } as const;
export type PeriodType = keyof typeof PERIOD_TYPES;

/** URL value of the split → split dimension of db/reports. */
export const SPLIT_PARAMS = {
  keine: "none",
  monat: "month",
  quartal: "quarter",
  zielgruppe: "targetGroup",
  kommune: "municipality",
  zugangsweg: "referralSource",
  traeger: "organisation",
} as const;
export type SplitParam = keyof typeof SPLIT_PARAMS;

export const SPLIT_OPTIONS: { value: SplitParam; label: string }[] = [
  { value: "keine", label: "keine Aufteilung" },
  { value: "monat", label: "nach Monat" },
  { value: "quartal", label: "nach Quartal" },
  { value: "zielgruppe", label: "nach Zielgruppe" },
  { value: "kommune", label: "nach Kommune" },
  { value: "zugangsweg", label: "nach Zugangsweg" },
  { value: "traeger", label: "nach Träger" },
];
