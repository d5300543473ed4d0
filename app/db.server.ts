// The one gate from routes to the data layer. The ".server" suffix keeps db/ (and its drivers,
// argon2 included) out of the browser bundle.
export * from "../db/access";
export * from "../db/audit";
export * from "../db/cases";
export * from "../db/password";
export * from "../db/users";
