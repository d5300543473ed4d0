// Dates and times for the client file, always in Europe/Berlin and assembled from numeric parts, so the
// server's and the browser's output are identical (no hydration mismatch from different ICU data).

const DATE_TIME = new Intl.DateTimeFormat("de-DE", {
  timeZone: "Europe/Berlin",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

function parts(value: string | Date) {
  const found: Record<string, string> = {};
  for (const p of DATE_TIME.formatToParts(new Date(value))) found[p.type] = p.value;
  return found;
}

/** `2026-03-04` or a timestamp → `04.03.2026` (a timestamp's calendar day in Berlin). */
export function formatDate(value: string | Date | null | undefined): string {
  if (value === null || value === undefined || value === "") return "–";
  if (typeof value === "string") {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (match) return `${match[3]}.${match[2]}.${match[1]}`;
  }
  const p = parts(value);
  return `${p.day}.${p.month}.${p.year}`;
}

/** A timestamp → `04.03.2026, 14:05 Uhr` (Berlin). */
export function formatDateTime(value: string | Date | null | undefined): string {
  if (value === null || value === undefined || value === "") return "–";
  const p = parts(value);
  return `${p.day}.${p.month}.${p.year}, ${p.hour}:${p.minute} Uhr`;
}
