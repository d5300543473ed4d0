// What the edge guard (app/edge-guard.server.ts) answers to a request it refuses, as a German sentence
// and a status. The refusal page (/abgelehnt?grund=…) shows exactly these texts, never text from the URL.

export const REFUSALS = {
  /** Bytes that are not valid UTF-8 in the path, the query or the form. */
  kodierung: {
    status: 400,
    message: "Die Anfrage enthält Zeichen, die nicht gültig kodiert sind (UTF-8). Bitte prüfen Sie Ihre Eingabe.",
  },
  /** NUL or another control character (tab and line breaks are allowed in free-text fields only). */
  steuerzeichen: {
    status: 400,
    message:
      "Die Anfrage enthält unzulässige Steuerzeichen (zum Beispiel Null-Bytes oder Zeilenumbrüche in einzeiligen Feldern). Bitte entfernen Sie sie und versuchen Sie es erneut.",
  },
  /** A malformed %-escape or form encoding. */
  fehlerhaft: { status: 400, message: "Die Anfrage ist fehlerhaft aufgebaut und konnte nicht verarbeitet werden." },
  /** A legacy Remix data request (`?_data=`), which this app no longer answers. */
  veraltet: {
    status: 400,
    message: "Diese Art der Datenabfrage wird nicht mehr unterstützt. Bitte laden Sie die Seite neu.",
  },
  /** A body that is not a form (JSON, XML, multipart where no file is taken, none at all). */
  format: {
    status: 415,
    message: "Dieses Datenformat wird nicht angenommen. Bitte senden Sie das Formular über die Seite.",
  },
  /** An uploaded file above the upload limit (the case-list import). */
  "datei-umfang": {
    status: 413,
    message:
      "Die Datei ist zu groß. Es werden Dateien bis 20 MB angenommen. Bitte teilen Sie die Liste auf mehrere Dateien auf.",
  },
  /** A body above the limit. */
  umfang: { status: 413, message: "Die gesendeten Daten sind zu umfangreich." },
  /** A method other than GET, HEAD and POST. */
  methode: { status: 405, message: "Diese Anfragemethode wird nicht unterstützt." },
  /** A route id that cannot exist (not a UUID where the route takes one). */
  "nicht-gefunden": { status: 404, message: "Die angeforderte Seite oder der Fall existiert nicht." },
} as const satisfies Record<string, { status: number; message: string }>;

export type RefusalReason = keyof typeof REFUSALS;

export function isRefusalReason(value: unknown): value is RefusalReason {
  return typeof value === "string" && Object.hasOwn(REFUSALS, value);
}

/** The path of the page that shows a refusal (app/routes/abgelehnt.tsx). */
export const REFUSAL_PATH = "/abgelehnt";
