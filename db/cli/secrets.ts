// npm run secrets:rotate — seals every second-factor secret under KIM_SECRET_KEY, opening the stored
//   values with KIM_SECRET_KEY or any key in KIM_SECRET_KEYS_OLD (plain values from before encryption
//   are sealed too). One transaction: if any value cannot be opened nothing changes.
// npm run secrets:new-key [-- --id ID] — prints a new key in the KIM_SECRET_KEY format (<id>:<base64>).
// Without KIM_SECRET_KEY outside production the demo key file (KIM_DATA_DIR/secret-key) is the current
// key, as for the server. See docs/deployment.md, "Secret key and rotation".
import path from "node:path";
import { openDatabase } from "../connection";
import { migrateToLatest } from "../migrate";
import { resealSecrets } from "../second-factor";
import { generateSecretKey, resolveSecretBox, secretKeysFromEnv } from "../secret-box";
import { databaseOptionsFromEnv, parseFlags } from "./args";

const [command, ...rest] = process.argv.slice(2);
const flags = parseFlags(rest);

if (command === "new-key") {
  const id = flags.get("id");
  try {
    console.log(typeof id === "string" ? generateSecretKey(id) : generateSecretKey());
  } catch (error) {
    console.error(`--id: ${(error as Error).message}`);
    process.exit(2);
  }
} else if (command === "rotate") {
  const keys = secretKeysFromEnv(process.env);
  const production = process.env.NODE_ENV === "production";
  const secrets = await resolveSecretBox({
    ...keys,
    dataDir: path.resolve(process.env.KIM_DATA_DIR ?? "data"),
    allowKeyFile: !production,
    log: console.log,
  });
  const handle = await openDatabase(databaseOptionsFromEnv(process.env));
  try {
    await migrateToLatest(handle.db);
    const result = await resealSecrets(handle.db, secrets, "rotate");
    console.log(
      `[secrets] sealed with key "${secrets.currentKeyId}": ${result.users} second-factor secret(s) of users, ` +
        `${result.challenges} of pending sign-ins; the rest already used it`,
    );
  } finally {
    await handle.close();
  }
} else {
  console.error("usage: tsx db/cli/secrets.ts rotate | new-key [--id ID]");
  process.exit(2);
}
