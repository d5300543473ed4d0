import { Link, isRouteErrorResponse, useRouteError } from "@remix-run/react";

const MESSAGES: Record<number, { title: string; text: string }> = {
  400: { title: "Ungültige Anfrage", text: "Die Anfrage konnte nicht verarbeitet werden." },
  403: { title: "Keine Berechtigung", text: "Für diese Seite fehlt Ihnen die Berechtigung." },
  404: { title: "Seite nicht gefunden", text: "Die angeforderte Seite oder der Fall existiert nicht." },
  405: { title: "Nicht unterstützt", text: "Diese Anfragemethode wird nicht unterstützt." },
  409: { title: "Zwischenzeitlich geändert", text: "Der Datensatz wurde inzwischen geändert." },
  413: { title: "Zu umfangreich", text: "Die gesendeten Daten sind zu umfangreich." },
  415: { title: "Datenformat nicht unterstützt", text: "Dieses Datenformat wird nicht angenommen." },
  429: { title: "Zu viele Anfragen", text: "Bitte warten Sie einen Moment und versuchen Sie es erneut." },
};

/** Friendly German error page: never a stack trace, never SQL. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  let status = 500;
  let text = "Es ist ein unerwarteter Fehler aufgetreten. Bitte versuchen Sie es später erneut.";
  let title = "Es ist ein Fehler aufgetreten";
  if (isRouteErrorResponse(error)) {
    status = error.status;
    const known = MESSAGES[status];
    title = known?.title ?? title;
    // Our own Responses carry a German sentence as text; anything else gets the generic text.
    text = typeof error.data === "string" && error.data.length < 300 && status < 500 ? error.data : (known?.text ?? text);
  }
  return (
    <section className="error-page" aria-labelledby="error-title">
      <h1 id="error-title">{title}</h1>
      <p>{text}</p>
      <p className="muted">Fehlercode {status}</p>
      <p>
        <Link to="/">Zur Startseite</Link>
      </p>
    </section>
  );
}
