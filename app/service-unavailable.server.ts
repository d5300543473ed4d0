// The page every document request gets while the database cannot be reached: static German HTML
// (no layout, no data, no stack trace), status 503 with Retry-After. The app recovers by itself: the
// connection pool opens new connections as soon as the database answers again.
export const RETRY_AFTER_SECONDS = 30;

const PAGE = `<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vorübergehend nicht erreichbar – KIM Fallmanagement</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
</head>
<body>
<main>
<h1>KIM Fallmanagement ist vorübergehend nicht erreichbar</h1>
<p>Die Datenbank antwortet gerade nicht. Ihre bereits gespeicherten Eingaben sind nicht verloren.</p>
<p>Bitte versuchen Sie es in einigen Minuten erneut. Besteht das Problem länger, wenden Sie sich an Ihren IT-Dienstleister.</p>
<p><a href="/">Erneut versuchen</a></p>
<p>Fehlercode 503</p>
</main>
</body>
</html>
`;

/** The static 503 page, with the headers a page carries (security headers are set by server.ts). */
export function serviceUnavailableResponse(headers: Headers = new Headers()): Response {
  headers.set("Content-Type", "text/html; charset=utf-8");
  headers.set("Retry-After", String(RETRY_AFTER_SECONDS));
  headers.set("Cache-Control", "no-store");
  return new Response(PAGE, { status: 503, headers });
}
