// One-time notices ("flash") after a successful POST: the action redirects to the page with a fresh token
// `?t=` and sets a short-lived cookie "token~key"; the page's loader shows the notice only when the cookie
// matches the URL's token, and clears the cookie in the same answer. So a notice belongs to the request
// that caused it: a reload, a later refused submit (with or without JavaScript) or a shared link shows none.
import { Cookie } from "lucia";
import type { AppConfig } from "./config.server";
import { readCookie } from "./auth.server";

const FLASH_SECONDS = 60;

/** Flash key of a new intake (set by /faelle/neu, shown by the client file). */
export const INTAKE_CREATED_FLASH = "angelegt";

function flashCookieName(config: Pick<AppConfig, "secureCookies">): string {
  return config.secureCookies ? "__Host-kim_flash" : "kim_flash";
}

function flashCookie(config: Pick<AppConfig, "secureCookies">, value: string, maxAge: number): string {
  return new Cookie(flashCookieName(config), value, {
    httpOnly: true,
    sameSite: "lax",
    secure: config.secureCookies,
    path: "/",
    maxAge,
  }).serialize();
}

/** A redirect target with a new one-time token, and the Set-Cookie header carrying `key` for it. */
export function flashRedirect(
  config: Pick<AppConfig, "secureCookies">,
  path: string,
  key: string,
): { location: string; setCookie: string } {
  const token = crypto.randomUUID().replace(/-/g, "").slice(0, 16);
  return { location: `${path}?t=${token}`, setCookie: flashCookie(config, `${token}~${key}`, FLASH_SECONDS) };
}

/**
 * The flash key meant for this request (cookie token = URL token), or null; `clear` is the Set-Cookie
 * header that removes the cookie (null when there was none), so the notice is shown once.
 */
export function readFlash(
  config: Pick<AppConfig, "secureCookies">,
  request: Request,
): { key: string | null; clear: string | null } {
  const raw = readCookie(request.headers.get("Cookie"), flashCookieName(config));
  if (!raw) return { key: null, clear: null };
  const [token, key] = decodeURIComponent(raw).split("~");
  const urlToken = new URL(request.url).searchParams.get("t");
  return { key: token && key && token === urlToken ? key : null, clear: flashCookie(config, "", 0) };
}
