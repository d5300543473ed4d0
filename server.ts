// The HTTP server: binds HOST:PORT, sets security headers, logs requests without personal data,
// hands loaders their context and shuts down cleanly on SIGTERM/SIGINT.
import crypto from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import express from "express";
import { verifyRequestOrigin } from "lucia";
import { createAuth } from "./app/auth.server";
import { parseConfig } from "./app/config.server";
import { healthRoutes } from "./app/health.server";
import { createRequestHandler } from "./app/request-handler.server";
import type { KimContext } from "./app/context.server";
import { openDatabase } from "./db/connection";
import { prepareDatabase } from "./db/bootstrap";
import { resolveSecretBox } from "./db/secret-box";
import { startDailyJobScheduler } from "./db/jobs/daily";

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

const app = express();
app.disable("x-powered-by");
app.set("trust proxy", config.trustProxy);

app.use((req, res, next) => {
  const nonce = crypto.randomBytes(16).toString("base64");
  res.locals.nonce = nonce;
  res.setHeader(
    "Content-Security-Policy",
    [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'`,
      "style-src 'self'",
      "style-src-attr 'unsafe-inline'",
      "img-src 'self' data:",
      "font-src 'self'",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join("; "),
  );
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "same-origin");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  if (config.secureCookies) res.setHeader("Strict-Transport-Security", "max-age=31536000");
  next();
});

// Before the request log: probes every few seconds would drown it.
app.use(healthRoutes(handle.db));

if (config.requestLog) {
  // Method, path with ids replaced, status and time: no query string (it may hold names), no address.
  app.use((req, res, next) => {
    const t0 = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const route = req.path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, ":id");
      console.log(`[http] ${req.method} ${route} ${res.statusCode} ${ms.toFixed(1)}ms`);
    });
    next();
  });
}

app.use(
  "/build",
  express.static(path.join(root, "public/build"), { immutable: true, maxAge: "1y", index: false }),
);
app.use(express.static(path.join(root, "public"), { maxAge: "1h", index: false }));
app.get("/favicon.ico", (_req, res) => res.redirect(301, "/favicon.svg"));

// CSRF: every state-changing request must come from our own origin.
app.use((req, res, next) => {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
  const origin = req.get("origin") ?? null;
  const host = req.get("host") ?? null;
  if (!origin || !host || !verifyRequestOrigin(origin, [host])) {
    res.status(403).type("text/plain; charset=utf-8").send("Anfrage abgelehnt: ungültige Herkunft (Origin).");
    return;
  }
  next();
});

// Pages carry personal data: never cache them.
app.use((req, res, next) => {
  res.setHeader("Cache-Control", "no-store");
  next();
});

app.all(
  "*",
  createRequestHandler({
    build,
    mode: "production",
    getLoadContext: (req, res): AppLoadContext => {
      let session: ReturnType<KimContext["getSession"]> | undefined;
      const cookie = req.get("cookie") ?? null;
      return {
        db: handle.db,
        auth,
        config,
        nonce: String(res.locals.nonce),
        clientAddress: req.ip ?? req.socket.remoteAddress ?? "unknown",
        getSession: () => (session ??= auth.getSession(cookie)),
        outage: { databaseUnavailable: false },
      };
    },
  }),
);

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
