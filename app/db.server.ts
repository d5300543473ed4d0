// The one gate from routes to the data layer. The ".server" suffix keeps db/ (and its drivers,
// argon2 included) out of the browser bundle. Add one export line per db module.
export * from "../db/access";
export * from "../db/audit";
export * from "../db/case-service";
export * from "../db/cases";
export * from "../db/password";
export * from "../db/second-factor";
export * from "../db/settings";
export * from "../db/users";
export * from "../db/reports/index";
export * from "../db/findings";
export * from "../db/partners";
export * from "../db/queue";
export * from "../db/target-groups";
export * from "../db/team";
export * from "../db/caseload";
export * from "../db/today";
export * from "../db/duplicates";
export * from "../db/intake";
export * from "../db/case-file";
export * from "../db/case-history";
export * from "../db/clients";
export * from "../db/consents";
export * from "../db/follow-ups";
export * from "../db/referral-service";
export * from "../db/write-result";
export * from "../db/subject-access";
