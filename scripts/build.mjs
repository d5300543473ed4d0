#!/usr/bin/env node
// `npm run build` / `npm start`: builds the app with the Remix classic compiler, like `remix build`, but
// (1) disposes esbuild's build contexts before the process ends, and (2) with --if-stale, skips the
// build when build/ is newer than every source file.
//
// Why (1): `remix build` (cli.js) calls process.exit(0) right after compile() without disposing the
// three esbuild contexts (css, browser, server) the compiler keeps open. esbuild's Go service is a child
// process on pipes; when node exits while one of its goroutines still waits for an answer from node
// (a plugin callback or a context message in flight), its stdin closes, every goroutine is blocked and
// the Go runtime aborts with "fatal error: all goroutines are asleep - deadlock!" and a stack trace on
// the shared stderr. The build itself was finished, which is why the server came up anyway; it is a
// race, hence about one start in ten. Disposing the contexts lets the service finish cleanly first.
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(root, "package.json"));

/** Newest modification time (ms) below `dir` (files only), 0 when missing. */
function newest(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = 0;
  for (const name of readdirSync(entry)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    max = Math.max(max, newest(path.join(entry, name)));
  }
  return max;
}

const SOURCES = ["app", "workflows", "db", "public", "remix.config.js", "package.json", "package-lock.json", "tsconfig.json"];
const OUTPUTS = ["build/index.js", "public/build/manifest-"];

if (process.argv.includes("--if-stale")) {
  const built = existsSync(path.join(root, OUTPUTS[0])) ? statSync(path.join(root, OUTPUTS[0])).mtimeMs : 0;
  const assets = existsSync(path.join(root, "public/build"))
    ? readdirSync(path.join(root, "public/build")).some((f) => f.startsWith("manifest-"))
    : false;
  // public/build is the output itself: leave it out of the sources.
  const sources = Math.max(
    ...SOURCES.map((s) =>
      s === "public"
        ? Math.max(0, ...readdirSync(path.join(root, s)).filter((f) => f !== "build").map((f) => newest(path.join(root, s, f))))
        : newest(path.join(root, s)),
    ),
  );
  if (built > 0 && assets && built >= sources) {
    console.log("[build] build/ is current: no rebuild");
    process.exit(0);
  }
}

const { readConfig } = require("@remix-run/dev/dist/config.js");
const compiler = require("@remix-run/dev/dist/compiler/compiler.js");
const { createFileWatchCache } = require("@remix-run/dev/dist/compiler/fileWatchCache.js");
const { logger } = require("@remix-run/dev/dist/tux/logger.js");
const fse = require("fs-extra");

const started = Date.now();
const mode = process.env.NODE_ENV === "development" ? "development" : "production";
logger.info(`building... (NODE_ENV=${mode})`);
const config = await readConfig(root);
fse.emptyDirSync(config.assetsBuildDirectory);
const build = await compiler.create({ config, options: { mode, sourcemap: false }, fileWatchCache: createFileWatchCache(), logger });
try {
  await build.compile();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await build.dispose();
}
if (!process.exitCode) logger.info(`built (${((Date.now() - started) / 1000).toFixed(1)}s)`);
