// npm run jobs:daily — runs the daily job once (the server also runs it every 24 hours).
import { openDatabase } from "../connection";
import { runDailyJob } from "../jobs/daily";
import { migrateToLatest } from "../migrate";
import { databaseOptionsFromEnv } from "./args";

const handle = await openDatabase(databaseOptionsFromEnv(process.env));
try {
  await migrateToLatest(handle.db);
  await runDailyJob(handle.db, { log: console.log });
} finally {
  await handle.close();
}
