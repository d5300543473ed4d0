#!/usr/bin/env node
// The e2e web server (playwright.config.ts): runs `tsx server.ts` and writes its stderr both to our
// stderr (Playwright shows it) and to E2E_SERVER_LOG, which tests/e2e/global-teardown.ts reads: the run
// fails when the server logged a stack trace or an error. SIGTERM/SIGINT are passed on.
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const logFile = process.env.E2E_SERVER_LOG;
if (!logFile) throw new Error("E2E_SERVER_LOG is not set");
mkdirSync(path.dirname(logFile), { recursive: true });
const log = createWriteStream(logFile, { flags: "w" });

const child = spawn(path.join(root, "node_modules", ".bin", "tsx"), ["server.ts"], {
  cwd: root,
  env: process.env,
  stdio: ["ignore", "inherit", "pipe"],
});
child.stderr.on("data", (chunk) => {
  process.stderr.write(chunk);
  log.write(chunk);
});
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => log.end(() => process.exit(code ?? (signal ? 1 : 0))));
