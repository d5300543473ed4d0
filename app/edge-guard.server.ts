// The edge guard: every request is checked here before a route sees it, so no route has to defend
// itself against malformed input (server-app.ts mounts the two middleware functions).
//
// - the path, the query string and a form body are decoded strictly as UTF-8 (400 on invalid bytes or
//   malformed %-escapes);
// - NUL and every other control character are refused; tab and line breaks only in free-text fields;
// - route parameters that name a record (caseId, userId, …) must have the record id's shape (else 404),
//   so no malformed id ever reaches SQL;
// - legacy Remix data requests (`?_data=`) are refused (single fetch serves `.data` paths);
// - POST bodies must be application/x-www-form-urlencoded in UTF-8 (415 otherwise; a POST without any
//   body counts as an empty form), at most BODY_LIMIT bytes (413). Only the routes in UPLOAD_ROUTES
//   (the case-list import) also take multipart/form-data, up to UPLOAD_LIMIT bytes (413 with its own
//   German message; a larger declared body is refused before it is read, a larger streamed one is
//   discarded, never buffered); its text fields get the same checks as a form;
// - only GET, HEAD and POST, and POST only where the route has an action (405).
//
// A refused page request is rewritten to a GET of the refusal page (app/routes/abgelehnt.tsx), so the
// answer is a German page in the app's layout with the right status; a refused `.data` request (the
// browser's data fetch) gets the German sentence as text/plain.
import type { ServerBuild } from "@remix-run/node";
import type { RequestHandler, Response as ExpressResponse } from "express";
import { REFUSALS, REFUSAL_PATH, type RefusalReason } from "./refusals";
import { isUuid } from "../workflows/uuid";

/** The largest form body accepted (the longest form, the personal data, is a few kB). */
export const BODY_LIMIT = 256 * 1024;

/** The largest file upload accepted (the case-list import, IMPORT_LIMITS.maxBytes) plus room for the form. */
export const UPLOAD_LIMIT = 20 * 1024 * 1024 + 64 * 1024;

/** Route ids that take a multipart/form-data upload. */
export const UPLOAD_ROUTES: ReadonlySet<string> = new Set(["routes/import._index"]);

/**
 * Multi-line fields (textareas): the only ones where tab and line breaks are allowed. Every textarea of
 * the app must be listed (app/edge-guard.server.test.ts reads them from the sources).
 */
export const FREE_TEXT_FIELDS: ReadonlySet<string> = new Set([
  "note",
  "reason",
  "description",
  "scope",
  "address",
  "legalBasis",
  "body",
]);

const MAX_INT4 = 2_147_483_647;

/**
 * The shape of every dynamic route parameter in app/routes. A parameter not listed here makes the
 * server refuse to start (createRouteTable), so a new route cannot forget it.
 */
export const ROUTE_PARAM_KINDS: Record<string, (value: string) => boolean> = {
  caseId: (v) => isUuid(v),
  userId: (v) => isUuid(v),
  findingId: (v) => isUuid(v),
  partnerId: (v) => v === "neu" || (/^[1-9][0-9]{0,9}$/.test(v) && Number(v) <= MAX_INT4),
  editionId: (v) => /^[1-9][0-9]{0,9}$/.test(v) && Number(v) <= MAX_INT4,
  jobId: (v) => isUuid(v),
};

// Every C0 control, DEL and the C1 controls; in free text, tab, line feed and carriage return are fine.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

class Refusal extends Error {
  constructor(readonly reason: RefusalReason) {
    super(reason);
  }
}

/** Decodes one %-encoded component strictly (`+` is a space in forms and queries). */
function decodeComponent(raw: string, plusIsSpace: boolean): string {
  const text = plusIsSpace ? raw.replace(/\+/g, " ") : raw;
  if (!text.includes("%")) return text;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === "%") {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new Refusal("fehlerhaft");
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      const code = text.codePointAt(i) as number;
      if (code > 0xffff) i++;
      bytes.push(...encoder.encode(String.fromCodePoint(code)));
    }
  }
  try {
    return strictUtf8.decode(new Uint8Array(bytes));
  } catch {
    throw new Refusal("kodierung");
  }
}

/** name/value pairs of an application/x-www-form-urlencoded text, decoded strictly. */
export function parseFormStrict(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const part of text.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = decodeComponent(eq < 0 ? part : part.slice(0, eq), true);
    const value = eq < 0 ? "" : decodeComponent(part.slice(eq + 1), true);
    pairs.push([name, value]);
  }
  return pairs;
}

/** Refuses control characters: everywhere in names, in values except tab/line breaks of free-text fields. */
export function checkFields(pairs: Array<[string, string]>, allowLinesIn: ReadonlySet<string>): void {
  for (const [name, value] of pairs) {
    if (CONTROL.test(name)) throw new Refusal("steuerzeichen");
    const pattern = allowLinesIn.has(name) ? CONTROL_EXCEPT_LINES : CONTROL;
    if (pattern.test(value)) throw new Refusal("steuerzeichen");
  }
}

// ---------------------------------------------------------------------------
// Routes of the build, for parameter checks and for "is this a path of the app?"

type Segment = { kind: "static"; text: string } | { kind: "param"; name: string } | { kind: "splat" };

interface RoutePattern {
  id: string;
  segments: Segment[];
  /** Whether the route takes POSTs (has an action). */
  hasAction: boolean;
}

export interface RouteMatch {
  id: string;
  params: Record<string, string>;
  hasAction: boolean;
}

export interface RouteTable {
  patterns: RoutePattern[];
  /** The route a decoded pathname leads to (static segments win over parameters, parameters over a splat). */
  match(pathname: string): RouteMatch | null;
  /** The same for decoded path segments (a decoded segment may contain "/": it stays one segment). */
  matchSegments(segments: string[]): RouteMatch | null;
  /** Whether the app has a page at this pathname (anything but the catch-all 404 route). */
  isAppPath(pathname: string): boolean;
}

function patternSegments(path: string): Segment[] {
  return path
    .split("/")
    .filter(Boolean)
    .map((s): Segment => (s === "*" ? { kind: "splat" } : s.startsWith(":") ? { kind: "param", name: s.slice(1) } : { kind: "static", text: s.toLowerCase() }));
}

export function createRouteTable(routes: ServerBuild["routes"]): RouteTable {
  const fullPath = (id: string): string => {
    const route = routes[id];
    if (!route) return "";
    const parent = route.parentId ? fullPath(route.parentId) : "";
    return [parent, route.path ?? ""].filter(Boolean).join("/");
  };
  const patterns: RoutePattern[] = [];
  for (const route of Object.values(routes)) {
    // The root and pathless layout routes are reached only through their children.
    if (route.id === "root" || (route.path === undefined && !route.index)) continue;
    const segments = patternSegments(fullPath(route.id));
    for (const s of segments) {
      if (s.kind === "param" && !Object.hasOwn(ROUTE_PARAM_KINDS, s.name)) {
        throw new Error(`route ${route.id}: parameter "${s.name}" has no entry in ROUTE_PARAM_KINDS (app/edge-guard.server.ts)`);
      }
    }
    patterns.push({ id: route.id, segments, hasAction: typeof route.module.action === "function" });
  }
  const score = (p: RoutePattern) =>
    p.segments.reduce((sum, s) => sum + (s.kind === "static" ? 100 : s.kind === "param" ? 10 : 0), 0);
  patterns.sort((a, b) => score(b) - score(a));

  const matchSegments = (parts: string[]) => {
    for (const pattern of patterns) {
      const params: Record<string, string> = {};
      let ok = true;
      let i = 0;
      for (const s of pattern.segments) {
        if (s.kind === "splat") {
          params["*"] = parts.slice(i).join("/");
          i = parts.length;
          break;
        }
        const part = parts[i++];
        if (part === undefined) {
          ok = false;
          break;
        }
        if (s.kind === "static" && s.text !== part.toLowerCase()) {
          ok = false;
          break;
        }
        if (s.kind === "param") params[s.name] = part;
      }
      if (ok && i === parts.length) return { id: pattern.id, params, hasAction: pattern.hasAction };
    }
    return null;
  };
  const match = (pathname: string) => matchSegments(pathname.split("/").filter(Boolean));
  return {
    patterns,
    match,
    matchSegments,
    isAppPath: (pathname) => {
      const found = match(pathname);
      return found !== null && !("*" in found.params);
    },
  };
}

// ---------------------------------------------------------------------------
// The middleware

/** Answers a refusal: a `.data` request gets plain German text, a page request the refusal page. */
function refuse(req: Parameters<RequestHandler>[0], res: ExpressResponse, reason: RefusalReason, next: () => void) {
  const refusal = REFUSALS[reason];
  const path = req.url.split("?")[0] ?? "";
  if (path.endsWith(".data")) {
    res.status(refusal.status).type("text/plain; charset=utf-8").send(refusal.message);
    return;
  }
  res.locals.refused = reason;
  req.method = req.method === "HEAD" ? "HEAD" : "GET";
  req.url = `${REFUSAL_PATH}?grund=${reason}`;
  next();
}

/** The decoded segments of a raw request path, each checked. */
function decodePath(rawPath: string): string[] {
  // The request line must be printable ASCII; browsers %-encode everything else.
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (!/^[\x21-\x7e]*$/.test(rawPath)) throw new Refusal(/[\x00-\x20\x7f]/.test(rawPath) ? "steuerzeichen" : "kodierung");
  const segments = rawPath.split("/").map((s) => decodeComponent(s, false));
  for (const s of segments) if (CONTROL.test(s)) throw new Refusal("steuerzeichen");
  return segments.filter(Boolean);
}

/** Method, path, query string and route parameters; runs before static files and the Remix handler. */
export function guardRequestLine(routes: RouteTable): RequestHandler {
  return (req, res, next) => {
    try {
      if (req.method !== "GET" && req.method !== "HEAD" && req.method !== "POST") throw new Refusal("methode");
      const url = req.url;
      // Origin-form only ("/path?query"); an absolute-form target ("http://host/…") is for proxies.
      if (!url.startsWith("/")) throw new Refusal("fehlerhaft");
      const q = url.indexOf("?");
      const rawPath = q < 0 ? url : url.slice(0, q);
      const rawQuery = q < 0 ? "" : url.slice(q + 1);
      const segments = decodePath(rawPath);
      // eslint-disable-next-line no-control-regex -- finding control characters is the point
      if (!/^[\x21-\x7e]*$/.test(rawQuery)) throw new Refusal(/[\x00-\x20\x7f]/.test(rawQuery) ? "steuerzeichen" : "kodierung");
      const query = parseFormStrict(rawQuery);
      checkFields(query, new Set());
      if (query.some(([name]) => name === "_data")) throw new Refusal("veraltet");
      // A single-fetch data request names the page's path plus ".data" ("/_root.data" for "/").
      const last = segments.at(-1);
      if (last?.endsWith(".data")) {
        segments.pop();
        if (last !== "_root.data") segments.push(last.slice(0, -".data".length));
      }
      const found = routes.matchSegments(segments);
      // Remix would answer a POST to a page without an action with its own English 405.
      if (req.method === "POST" && !found?.hasAction) throw new Refusal("methode");
      if (found && UPLOAD_ROUTES.has(found.id)) res.locals.uploadRoute = true;
      for (const [name, value] of Object.entries(found?.params ?? {})) {
        const check = ROUTE_PARAM_KINDS[name];
        if (check && !check(value)) throw new Refusal("nicht-gefunden");
      }
      next();
    } catch (error) {
      if (error instanceof Refusal) refuse(req, res, error.reason, next);
      else next(error);
    }
  };
}

function readBody(req: Parameters<RequestHandler>[0], limit: number, tooLargeReason: RefusalReason = "umfang"): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => (tooLarge ? reject(new Refusal(tooLargeReason)) : resolve(Buffer.concat(chunks))));
    req.on("error", reject);
  });
}

/** The form body the guard read and checked (the request stream is consumed by then); bytes for an upload. */
export function parsedBodyOf(res: ExpressResponse): string | Buffer | undefined {
  const body: unknown = res.locals.formBody;
  return typeof body === "string" || Buffer.isBuffer(body) ? body : undefined;
}

/** A multipart upload to an upload route: size first, then its text fields as strictly as a form. */
function guardUpload(req: Parameters<RequestHandler>[0], res: ExpressResponse, next: (error?: unknown) => void, type: string) {
  const declared = Number(req.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > UPLOAD_LIMIT) {
    // Refused before reading; the rest of the body is discarded and the connection closes after the answer.
    res.setHeader("Connection", "close");
    req.resume();
    refuse(req, res, "datei-umfang", next);
    return;
  }
  readBody(req, UPLOAD_LIMIT, "datei-umfang")
    .then(async (buffer) => {
      let form: FormData;
      try {
        form = await new Response(new Uint8Array(buffer), { headers: { "Content-Type": type } }).formData();
      } catch {
        throw new Refusal("fehlerhaft");
      }
      const texts: Array<[string, string]> = [];
      for (const [name, value] of form.entries()) {
        texts.push([name, typeof value === "string" ? value : value.name]);
      }
      checkFields(texts, FREE_TEXT_FIELDS);
      res.locals.formBody = buffer;
      next();
    })
    .catch((error: unknown) => {
      if (error instanceof Refusal) refuse(req, res, error.reason, next);
      else next(error);
    });
}

/** POST bodies: content type, size, strict UTF-8, control characters; the checked text goes on to Remix. */
export function guardFormBody(): RequestHandler {
  return (req, res, next) => {
    if (res.locals.refused || req.method === "GET" || req.method === "HEAD") return next();
    const type = (req.get("content-type") ?? "").toLowerCase();
    const [mediaType = "", ...params] = type.split(";").map((p) => p.trim());
    const charset = params.find((p) => p.startsWith("charset="))?.slice("charset=".length).replace(/"/g, "");
    const encoded = (req.get("content-encoding") ?? "identity").toLowerCase() !== "identity";
    // A POST with no body at all (a bare "Abmelden" request) is an empty form.
    const bodiless = !req.get("transfer-encoding") && (req.get("content-length") ?? "0") === "0";
    if (mediaType === "" && bodiless && !encoded) {
      req.headers["content-type"] = "application/x-www-form-urlencoded";
      res.locals.formBody = "";
      return next();
    }
    if (!encoded && mediaType === "multipart/form-data" && res.locals.uploadRoute === true) {
      guardUpload(req, res, next, req.get("content-type") ?? "");
      return;
    }
    if (encoded || mediaType !== "application/x-www-form-urlencoded" || (charset !== undefined && charset !== "utf-8")) {
      // The body is not read; the connection closes after the answer.
      res.setHeader("Connection", "close");
      refuse(req, res, "format", next);
      return;
    }
    readBody(req, BODY_LIMIT)
      .then((buffer) => {
        let text: string;
        try {
          text = strictUtf8.decode(buffer);
        } catch {
          throw new Refusal("kodierung");
        }
        checkFields(parseFormStrict(text), FREE_TEXT_FIELDS);
        res.locals.formBody = text;
        next();
      })
      .catch((error: unknown) => {
        if (error instanceof Refusal) refuse(req, res, error.reason, next);
        else next(error);
      });
  };
}
