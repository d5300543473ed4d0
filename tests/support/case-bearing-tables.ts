/** Every table that holds case content: row-level security on and forced (migrations 0014, 0015, 0018, 0019). */
export const CASE_BEARING_TABLES = [
  "cases",
  "clients",
  "case_events",
  "assessments",
  "goals",
  "referrals",
  "contacts",
  "follow_ups",
  "consents",
  "identity_steps",
  "organisation_transfers",
  "audit_log",
  "residence_documents",
  "import_rows",
  "report_residence_transition_facts",
  "report_residence_deadline_facts",
] as const;
