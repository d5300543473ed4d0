import type { Kysely } from "kysely";
import { failAbandonedImportJobs } from "./import/import-service";
import { migrateToLatest } from "./migrate";
import type { Database } from "./schema";
import type { SecretBox } from "./secret-box";
import { resealSecrets } from "./second-factor";
import { seedDemoData } from "./seed/index";

/**
 * Migrates, loads demo data into an empty database when asked to, marks import jobs whose worker is gone
 * as failed, and seals any second-factor secret still stored in plain text (from before encryption, or
 * just seeded): a migration cannot, since it never knows the key. Idempotent.
 */
export async function prepareDatabase(
  db: Kysely<Database>,
  options: { demoData: boolean; demoCases: number; secrets: SecretBox; log: (line: string) => void },
): Promise<void> {
  const applied = await migrateToLatest(db);
  if (applied.length) options.log(`migrations applied: ${applied.join(", ")}`);
  await loadDemoDataIfEmpty(db, options);
  const abandoned = await failAbandonedImportJobs(db);
  if (abandoned) options.log(`import jobs without a worker marked as failed: ${abandoned}`);
  const sealed = await resealSecrets(db, options.secrets, "plain");
  if (sealed.users + sealed.challenges) {
    options.log(`second-factor secrets sealed with key "${options.secrets.currentKeyId}": ${sealed.users} of users, ${sealed.challenges} pending`);
  }
}

async function loadDemoDataIfEmpty(
  db: Kysely<Database>,
  options: { demoData: boolean; demoCases: number; log: (line: string) => void },
): Promise<void> {
  const users = await db.selectFrom("users").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  if (Number(users.n) > 0) return;
  if (!options.demoData) {
    options.log("empty database and demo data disabled: create the first admin with `npm run db:seed -- --admin-only`");
    return;
  }
  options.log(`empty database: loading demo data (${options.demoCases} cases)…`);
  const t0 = Date.now();
  await seedDemoData(db, { cases: options.demoCases, log: options.log });
  options.log(`demo data loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
