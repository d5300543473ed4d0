// The HTTP server: opens the database, binds HOST:PORT with the express app of server-app.ts (security
// headers, request log, edge guard, CSRF check, Remix) and shuts down cleanly on SIGTERM/SIGINT.
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { createAuth } from "./app/auth.server";
import { parseConfig } from "./app/config.server";
import { openDatabase } from "./db/connection";
import { prepareDatabase } from "./db/bootstrap";
import { resolveSecretBox } from "./db/secret-box";
import { startDailyJobScheduler } from "./db/jobs/daily";
import { createServerApp } from "./server-app";

const root = path.dirname(fileURLToPath(import.meta.url));
const config = parseConfig(process.env);

const started = Date.now();
const handle = await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: config.pgliteDir });
console.log(`[kim] database: ${handle.description}`);
const secrets = await resolveSecretBox({
  current: config.secretKey,
  old: config.oldSecretKeys,
  dataDir: config.dataDir,
  allowKeyFile: !config.production || config.demoData,
  log: (line) => console.log(`[kim] ${line}`),
});
await prepareDatabase(handle.db, {
  demoData: config.demoData,
  demoCases: config.demoCases,
  secrets,
  log: (line) => console.log(`[kim] ${line}`),
});
const auth = createAuth(handle.db, { secureCookies: config.secureCookies, secrets });
const build = (await import(path.join(root, "build/index.js"))) as ServerBuild;

const { app } = createServerApp({ build, db: handle.db, auth, config });

const server = app.listen(config.port, config.host, () => {
  console.log(`[kim] KIM Fallmanagement läuft auf http://${config.host}:${config.port} (${Date.now() - started} ms)`);
});

const stopJobs = config.dailyJob ? startDailyJobScheduler(handle.db, (l) => console.log(`[jobs] ${l}`)) : () => {};

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`[kim] ${signal}: shutting down`);
  stopJobs();
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  server.close(async () => {
    await handle.close().catch((e: unknown) => console.error("[kim] closing database:", e));
    process.exit(0);
  });
  server.closeIdleConnections();
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
