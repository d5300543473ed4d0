// The express application: security headers, health checks, request log, the edge guard for hostile
// requests, static files, CSRF origin check and the Remix handler (with the German 503 page while the
// database is unreachable). server.ts boots it (database, build, listen, shutdown);
// tests/integration/http.ts runs the very same app in-process against a test database.
import cluster from "node:cluster";
import crypto from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequestHandler, writeReadableStreamToWritable } from "@remix-run/node";
import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import express, { type ErrorRequestHandler, type Request as ExpressRequest, type RequestHandler } from "express";
import type { Kysely } from "kysely";
import { verifyRequestOrigin } from "lucia";
import type { Auth } from "./app/auth.server";
import type { AppConfig } from "./app/config.server";
import type { KimContext } from "./app/context.server";
import { type RouteTable, createRouteTable, guardFormBody, guardRequestLine, parsedBodyOf } from "./app/edge-guard.server";
import { healthRoutes } from "./app/health.server";
import { serviceUnavailableResponse } from "./app/service-unavailable.server";
import { type RequestScope, runInRequestScope } from "./db/request-actor";
import type { Database } from "./db/schema";

export type { RouteTable };

const root = path.dirname(fileURLToPath(import.meta.url));

export interface ServerAppOptions {
  build: ServerBuild;
  db: Kysely<Database>;
  auth: Auth;
  config: AppConfig;
}

function securityHeaders(config: AppConfig): RequestHandler {
  return (_req, res, next) => {
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
  };
}

/**
 * Method, path with ids replaced, status and time: no query string (it may hold names), no address.
 * A worker of server-cluster.ts names its process id, so the lines of several workers can be told apart.
 */
function requestLog(): RequestHandler {
  const tag = cluster.isWorker ? `[http ${process.pid}]` : "[http]";
  return (req, res, next) => {
    const t0 = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const route = req.path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, ":id");
      console.log(`${tag} ${req.method} ${route} ${res.statusCode} ${ms.toFixed(1)}ms`);
    });
    next();
  };
}

/** CSRF: every state-changing request must come from our own origin. */
function requireSameOrigin(): RequestHandler {
  return (req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
    const origin = req.get("origin") ?? null;
    const host = req.get("host") ?? null;
    if (!origin || !host || !verifyRequestOrigin(origin, [host])) {
      res.status(403).type("text/plain; charset=utf-8").send("Anfrage abgelehnt: ungültige Herkunft (Origin).");
      return;
    }
    next();
  };
}

/**
 * The other files of public/ (favicon.svg …): express.static only for a path whose first segment names an
 * entry of public/ (read once at start), so a page request costs no file-system lookup.
 */
function publicFiles(dir: string): RequestHandler {
  const entries = new Set(readdirSync(dir).filter((name) => name !== "build"));
  const serve = express.static(dir, { maxAge: "1h", index: false });
  return (req, res, next) => {
    const first = req.path.split("/")[1] ?? "";
    if (entries.has(first)) serve(req, res, next);
    else next();
  };
}

/** Pages carry personal data: never cache them. */
function noStore(): RequestHandler {
  return (_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    next();
  };
}

function remixHeaders(req: ExpressRequest): Headers {
  const headers = new Headers();
  for (const [key, values] of Object.entries(req.headers)) {
    if (values === undefined) continue;
    for (const value of [values].flat()) headers.append(key, value);
  }
  return headers;
}

async function sendRemixResponse(res: express.Response, response: Response): Promise<void> {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [key, value] of response.headers.entries()) res.append(key, value);
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}

/**
 * The Remix request for an express request (after @remix-run/express, which exports only its handler). Like @remix-run/express's own, except that the URL is
 * `req.url` (the edge guard may have rewritten it to the refusal page) and the body is the one the edge
 * guard already read and checked (the stream is consumed by then).
 */
function toRemixRequest(req: ExpressRequest, res: express.Response): Request {
  // req.hostname respects "trust proxy"; the port comes from X-Forwarded-Host or Host (as in @remix-run/express).
  const portOf = (value: string | undefined) => Number.parseInt(value?.split(":")[1] ?? "", 10);
  const forwardedPort = portOf(req.get("X-Forwarded-Host"));
  const hostPort = portOf(req.get("host"));
  const port = Number.isSafeInteger(forwardedPort) ? forwardedPort : Number.isSafeInteger(hostPort) ? hostPort : "";
  const url = new URL(`${req.protocol}://${req.hostname}${port ? `:${port}` : ""}${req.url}`);
  const controller = new AbortController();
  const init: RequestInit & { duplex?: "half" } = {
    method: req.method,
    headers: remixHeaders(req),
    signal: controller.signal,
  };
  if (req.method !== "GET" && req.method !== "HEAD") {
    // a form's text, or the bytes of an upload (multipart, upload routes only)
    const body = parsedBodyOf(res);
    init.body = Buffer.isBuffer(body) ? new Uint8Array(body) : (body ?? "");
  }
  let done = false;
  res.on("finish", () => (done = true));
  res.on("close", () => {
    if (!done) controller.abort();
  });
  return new Request(url.href, init);
}

function remixHandler(options: ServerAppOptions, routes: RouteTable): RequestHandler {
  const handleRequest = createRequestHandler(options.build, "production");
  const getLoadContext = (req: ExpressRequest, res: express.Response, scope: RequestScope): AppLoadContext => {
    let session: ReturnType<KimContext["getSession"]> | undefined;
    const cookie = req.get("cookie") ?? null;
    // Row-level security: from the moment the session is known, the database answers as its user.
    const resolveSession = async () => {
      const found = await options.auth.getSession(cookie);
      scope.actor = found ? { id: found.user.id, role: found.user.role, organisationId: found.user.organisationId } : null;
      return found;
    };
    return {
      db: options.db,
      auth: options.auth,
      config: options.config,
      nonce: String(res.locals.nonce),
      clientAddress: req.ip ?? req.socket.remoteAddress ?? "unknown",
      isAppPath: routes.isAppPath,
      getSession: () => (session ??= resolveSession()),
      outage: { databaseUnavailable: false },
    };
  };
  return async (req, res, next) => {
    try {
      // Every database access of the request runs as role kim_app with the request's actor (db/request-actor.ts).
      const scope: RequestScope = { actor: null };
      const context = getLoadContext(req, res, scope);
      let response = await runInRequestScope(scope, () => handleRequest(toRemixRequest(req, res), context));
      // handleError (entry.server.tsx) marks a request that found the database unreachable: whatever Remix
      // made of it with a 5xx status (error page, a resource route's text, data) becomes the German 503 page.
      if (context.outage.databaseUnavailable && response.status >= 500) response = serviceUnavailableResponse();
      await sendRemixResponse(res, response);
    } catch (error) {
      next(error);
    }
  };
}

/**
 * The last resort: anything that still throws is answered in German without details, and logged as
 * one line without a stack trace (the request log has method and path).
 */
function lastResort(): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    console.error(`[kim] request failed: ${error instanceof Error ? error.name : typeof error}`);
    if (res.headersSent) {
      res.end();
      return;
    }
    res
      .status(500)
      .type("text/plain; charset=utf-8")
      .send("Es ist ein unerwarteter Fehler aufgetreten. Bitte versuchen Sie es später erneut.");
  };
}

export function createServerApp(options: ServerAppOptions) {
  const routes = createRouteTable(options.build.routes);
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", options.config.trustProxy);

  app.use(securityHeaders(options.config));
  // Before the request log: probes every few seconds would drown it.
  app.use(healthRoutes(options.db));
  if (options.config.requestLog) app.use(requestLog());
  // Before static files: express.static answers a path with invalid escapes with its own English page.
  app.use(guardRequestLine(routes));
  app.use(
    "/build",
    express.static(path.join(root, "public/build"), { immutable: true, maxAge: "1y", index: false }),
  );
  app.use(publicFiles(path.join(root, "public")));
  app.get("/favicon.ico", (_req, res) => res.redirect(301, "/favicon.svg"));
  app.use(requireSameOrigin());
  app.use(guardFormBody());
  app.use(noStore());
  app.all("*", remixHandler(options, routes));
  app.use(lastResort());
  return { app, routes };
}
