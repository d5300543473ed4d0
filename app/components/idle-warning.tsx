import { useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";

const WARN_BEFORE_MS = 2 * 60_000;

/**
 * Warns two minutes before the idle session ends and lets the user extend it (WCAG 2.2.1).
 * Any request extends the session on the server; the button sends one.
 */
export function IdleWarning({ expiresAt }: { expiresAt: string }) {
  const fetcher = useFetcher<{ expiresAt: string | null }>();
  const [deadline, setDeadline] = useState(() => Date.parse(expiresAt));
  const [now, setNow] = useState(() => Date.now());
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => setDeadline(Date.parse(expiresAt)), [expiresAt]);
  useEffect(() => {
    if (fetcher.data?.expiresAt) setDeadline(Date.parse(fetcher.data.expiresAt));
  }, [fetcher.data]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 5_000);
    return () => clearInterval(timer);
  }, []);

  const remaining = deadline - now;
  const open = remaining <= WARN_BEFORE_MS;
  useEffect(() => {
    if (open) buttonRef.current?.focus();
  }, [open]);

  if (!open) return null;
  if (remaining <= 0) {
    return (
      <div role="alertdialog" aria-modal="true" aria-labelledby="idle-title" className="dialog">
        <h2 id="idle-title">Sitzung beendet</h2>
        <p>Sie wurden nach 30 Minuten ohne Aktivität abgemeldet. Nicht gespeicherte Eingaben sind verloren.</p>
        <a href="/anmelden" className="button">
          Erneut anmelden
        </a>
      </div>
    );
  }
  const minutes = Math.max(1, Math.ceil(remaining / 60_000));
  return (
    <div role="alertdialog" aria-modal="true" aria-labelledby="idle-title" aria-describedby="idle-text" className="dialog">
      <h2 id="idle-title">Ihre Sitzung läuft bald ab</h2>
      <p id="idle-text">
        Ohne Aktivität werden Sie in etwa {minutes} {minutes === 1 ? "Minute" : "Minuten"} abgemeldet.
      </p>
      <fetcher.Form method="post" action="/sitzung">
        <button ref={buttonRef} type="submit" className="button">
          Angemeldet bleiben
        </button>
      </fetcher.Form>
    </div>
  );
}
