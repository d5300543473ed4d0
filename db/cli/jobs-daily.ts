// npm run jobs:daily [-- --date YYYY-MM-DD] — runs the daily job once (the server also runs it every 24
// hours); with --date as of that day (catching up after downtime), never for a day in the future.
import { openDatabase } from "../connection";
import { DailyJobDateError, dailyJobInstant, runDailyJob } from "../jobs/daily";
import { migrateToLatest } from "../migrate";
import { databaseOptionsFromEnv, parseFlags } from "./args";

const date = parseFlags(process.argv.slice(2)).get("date");
if (date === true) {
  console.error("--date braucht einen Tag im Format JJJJ-MM-TT, z. B. --date 2026-11-30");
  process.exit(2);
}
try {
  if (date !== undefined) dailyJobInstant(date);
} catch (error) {
  if (!(error instanceof DailyJobDateError)) throw error;
  console.error(error.message);
  process.exit(2);
}

const handle = await openDatabase(databaseOptionsFromEnv(process.env));
try {
  await migrateToLatest(handle.db);
  await runDailyJob(handle.db, { log: console.log, ...(date !== undefined ? { asOf: date } : {}) });
} finally {
  await handle.close();
}
