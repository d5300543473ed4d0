#!/usr/bin/env node
// `npm run test:e2e`: makes sure Debian's chromium is there, builds the app, picks a free port, wipes
// this run's e2e data directory (so the demo data loads fresh) and runs Playwright.
// Extra arguments go to `playwright test`.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const CHROMIUM = "/usr/bin/chromium";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" };

function run(command, args, extraEnv = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...env, ...extraEnv } });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function step(label, command, args, extraEnv) {
  const started = Date.now();
  console.log(`[e2e] ${label}…`);
  const status = run(command, args, extraEnv);
  console.log(`[e2e] ${label}: exit ${status} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return status;
}

if (!existsSync(CHROMIUM)) {
  if (process.getuid?.() === 0) {
    const apt = { DEBIAN_FRONTEND: "noninteractive" };
    if (step("apt-get update", "apt-get", ["update"], apt) !== 0) process.exit(1);
    if (step("apt-get install chromium", "apt-get", ["install", "-y", "chromium"], apt) !== 0) process.exit(1);
  } else {
    console.error("Chromium fehlt: bitte als root `apt-get install chromium` ausführen");
    console.error(`Chromium is missing at ${CHROMIUM}: run \`apt-get install chromium\` as root (Playwright never downloads browsers here).`);
    process.exit(1);
  }
}

const bin = (name) => path.join(root, "node_modules", ".bin", name);

/** 3210 when free, else a random free port: two runs (two engineers, or CI) then use separate servers. */
function isFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
if (!env.E2E_PORT) {
  let port = 3210;
  while (!(await isFree(port))) port = 3211 + Math.floor(Math.random() * 2000);
  env.E2E_PORT = String(port);
}
const dataRoot = path.join(root, "tests", "e2e", ".data");
const dataDir = path.join(dataRoot, env.E2E_PORT);
console.log(`[e2e] app on http://127.0.0.1:${env.E2E_PORT}, PGlite in ${path.relative(root, dataDir)}`);

if (step("build", process.execPath, [path.join(root, "scripts", "build.mjs")]) !== 0) process.exit(1);

// This run's database starts empty; data directories of other runs are left alone unless a day old.
rmSync(dataDir, { recursive: true, force: true });
if (existsSync(dataRoot)) {
  for (const name of readdirSync(dataRoot)) {
    const dir = path.join(dataRoot, name);
    if (Date.now() - statSync(dir).mtimeMs > 24 * 3_600_000) rmSync(dir, { recursive: true, force: true });
  }
}

process.exit(step("playwright test", bin("playwright"), ["test", ...process.argv.slice(2)]));
