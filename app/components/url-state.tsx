// Pieces shared by the lists whose state lives in the URL (case list, audit viewer): the filter fields
// following the URL, the notice about ignored parameters, and the pager.
import { Link } from "@remix-run/react";

/**
 * Sets the filter fields to the URL's values (back button, "Filter zurücksetzen", deep links) without
 * remounting, so the keyboard focus stays where it was. The field being edited is left alone: what
 * someone types while the previous result is still loading must not be overwritten when it arrives.
 */
export function syncFilterFields(form: HTMLFormElement | null, values: Record<string, string>): void {
  if (!form) return;
  for (const [name, value] of Object.entries(values)) {
    const field = form.elements.namedItem(name);
    if (
      (field instanceof HTMLInputElement || field instanceof HTMLSelectElement) &&
      field.value !== value &&
      field !== document.activeElement
    ) {
      field.value = value;
    }
  }
}

export function IgnoredParams({ ignored, labels }: { ignored: string[]; labels: Record<string, string> }) {
  if (!ignored.length) return null;
  return (
    <p className="warning" role="status">
      Ungültige Angaben in der Adresse wurden ignoriert: {ignored.map((p) => labels[p] ?? p).join(", ")}.
    </p>
  );
}

export function Pager({ page, pageCount, href }: { page: number; pageCount: number; href: (page: number) => string }) {
  if (pageCount <= 1) return null;
  return (
    <nav className="pager" aria-label="Seiten">
      {page > 1 ? (
        <Link to={href(page - 1)} rel="prev">
          Vorherige Seite
        </Link>
      ) : null}
      <span>
        Seite {page} von {pageCount}
      </span>
      {page < pageCount ? (
        <Link to={href(page + 1)} rel="next">
          Nächste Seite
        </Link>
      ) : null}
    </nav>
  );
}
