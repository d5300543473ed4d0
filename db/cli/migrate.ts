// npm run db:migrate — applies pending migrations to DATABASE_URL, or to the embedded database in ./data.
import { openDatabase } from "../connection";
import { migrateToLatest } from "../migrate";
import { databaseOptionsFromEnv } from "./args";

const handle = await openDatabase(databaseOptionsFromEnv(process.env));
try {
  const applied = await migrateToLatest(handle.db);
  console.log(`${handle.description}: ${applied.length ? `applied ${applied.join(", ")}` : "already up to date"}`);
} finally {
  await handle.close();
}
