// What counts as trouble in the server's log: a stack trace, an "Error:" line, or one of the app's own
// error prefixes. Used by the HTTP tests (captured console output) and by the e2e run (the server's
// stderr, written to a file by playwright.config.ts and read in tests/e2e/global-teardown.ts).

const TROUBLE = [
  /^\s+at .+/, // a stack frame
  /Error:/, // "TypeError: …", "Error: …"
  /^\[(error|render)\]/, // app/entry.server.tsx
  /^\[kim\] request failed/, // server-app.ts, last resort
  /Unhandled|uncaught/i,
];

/** The lines of a log (or of several captured messages) that show an error or a stack trace. */
export function troubleLines(log: string | string[]): string[] {
  const lines = (Array.isArray(log) ? log.join("\n") : log).split(/\r?\n/);
  return lines.filter((line) => TROUBLE.some((pattern) => pattern.test(line)));
}
