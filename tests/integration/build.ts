// The HTTP tests and the server-process tests (instances, secrets) run the built app (build/index.js).
// global-setup.ts calls ensureFreshBuild() once per `vitest run` (never a test file: they run in parallel):
// scripts/build.mjs --if-stale builds when the build is missing or older than any source it is made from,
// so a test never runs against yesterday's routes.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const buildFile = path.join(root, "build", "index.js");

export function ensureFreshBuild(): void {
  const started = Date.now();
  const result = spawnSync(process.execPath, [path.join(root, "scripts", "build.mjs"), "--if-stale"], {
    cwd: root,
    encoding: "utf8",
    // As `npm run build` does: a production build, whatever NODE_ENV vitest set.
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error(`build failed:\n${result.stdout}\n${result.stderr}`);
  if (!result.stdout.includes("build/ is current")) {
    console.log(`[integration] built the app for the HTTP tests (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}
