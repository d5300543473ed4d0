// npm run db:seed [-- --cases N] [-- --admin-only]
// Loads reference data, demo accounts and N generated cases (default 200). Refuses NODE_ENV=production
// unless --allow-production is given. --admin-only creates just the reference data and an admin account
// whose password is read from KIM_ADMIN_PASSWORD.
import { openDatabase } from "../connection";
import { migrateToLatest } from "../migrate";
import { checkPasswordPolicy, hashPassword } from "../password";
import { seedCases } from "../seed/cases";
import { seedDemoUsers, seedReferenceData } from "../seed/index";
import { databaseOptionsFromEnv, parseFlags } from "./args";

const flags = parseFlags(process.argv.slice(2));
const count = Number(flags.get("cases") ?? 200);
if (!Number.isInteger(count) || count < 0) {
  console.error("--cases must be a whole number ≥ 0");
  process.exit(2);
}
if (process.env.NODE_ENV === "production" && !flags.has("allow-production") && !flags.has("admin-only")) {
  console.error("Refusing to load demo accounts with NODE_ENV=production (pass --allow-production to insist).");
  process.exit(2);
}

const handle = await openDatabase({ ...databaseOptionsFromEnv(process.env), maxConnections: 4 });
const log = (line: string) => console.log(`[seed] ${line}`);
try {
  const t0 = Date.now();
  await migrateToLatest(handle.db);
  await seedReferenceData(handle.db);
  if (flags.has("admin-only")) {
    const password = process.env.KIM_ADMIN_PASSWORD ?? "";
    const problem = checkPasswordPolicy(password, "admin");
    if (problem) throw new Error(`KIM_ADMIN_PASSWORD: ${problem}`);
    const org = await handle.db.selectFrom("organisations").select("id").orderBy("id").executeTakeFirstOrThrow();
    await handle.db
      .insertInto("users")
      .values({
        username: "admin",
        display_name: "Administration",
        role: "admin",
        organisation_id: org.id,
        password_hash: await hashPassword(password),
      })
      .onConflict((oc) => oc.column("username").doNothing())
      .execute();
    log("reference data and admin account ready");
  } else {
    await seedDemoUsers(handle.db);
    const result = await seedCases(handle.db, { count, log, seed: Number(flags.get("seed") ?? 20210208) });
    log(`${result.cases} cases, ${result.events} events in ${((Date.now() - t0) / 1000).toFixed(1)} s (${handle.description})`);
  }
} finally {
  await handle.close();
}
