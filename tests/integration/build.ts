// The HTTP tests and the server-process tests (instances, secrets) run the built app (build/index.js).
// global-setup.ts calls ensureFreshBuild() once per `vitest run` (never a test file: they run in parallel):
// it builds when the build is missing or older than any source it is made from, so a test never runs
// against yesterday's routes.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const buildFile = path.join(root, "build", "index.js");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

export function ensureFreshBuild(): void {
  const sources = Math.max(
    ...["app", "db", "workflows"].map((d) => newestMtime(path.join(root, d))),
    statSync(path.join(root, "remix.config.js")).mtimeMs,
    statSync(path.join(root, "package.json")).mtimeMs,
  );
  if (existsSync(buildFile) && statSync(buildFile).mtimeMs >= sources) return;
  const started = Date.now();
  const result = spawnSync(path.join(root, "node_modules", ".bin", "remix"), ["build"], {
    cwd: root,
    encoding: "utf8",
    // As `npm run build` does: vitest's NODE_ENV=test would give a development build.
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error(`remix build failed:\n${result.stdout}\n${result.stderr}`);
  console.log(`[integration] built the app for the HTTP tests (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
