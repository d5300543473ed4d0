import type { MetaFunction } from "@remix-run/node";

export const meta: MetaFunction = () => [{ title: "Erklärung zur Barrierefreiheit – KIM Fallmanagement" }];

export default function Accessibility() {
  return (
    <article className="card" aria-labelledby="a11y-title">
      <h1 id="a11y-title">Erklärung zur Barrierefreiheit</h1>
      <p>
        Der Kreis Mettmann ist bemüht, die Anwendung „KIM Fallmanagement“ im Einklang mit dem
        Behindertengleichstellungsgesetz Nordrhein-Westfalen (BGG NRW) und der Barrierefreie-Informationstechnik-Verordnung
        NRW (BITV NRW) barrierefrei zugänglich zu machen. Diese Erklärung gilt für die Web-Anwendung KIM Fallmanagement.
      </p>
      <h2>Stand der Vereinbarkeit mit den Anforderungen</h2>
      <p>
        Die Anwendung ist nach unserer Selbstbewertung weitgehend mit den Anforderungen der BITV NRW
        (EN 301 549, WCAG 2.1 Stufe AA) vereinbar. Jede Seite wird bei jeder Änderung automatisiert mit axe geprüft;
        alle Arbeitsabläufe sind mit der Tastatur allein bedienbar.
      </p>
      <h2>Nicht barrierefreie Inhalte</h2>
      <ul>
        <li>
          Diagramme in den Auswertungen sind grafisch; zu jedem Diagramm gibt es eine gleichwertige Tabelle mit denselben
          Zahlen.
        </li>
        <li>Die Darstellung des Fallprozesses als Zustandsdiagramm ist zusätzlich als Textliste verfügbar.</li>
      </ul>
      <h2>Erstellung dieser Erklärung</h2>
      <p>Diese Erklärung wurde am 25. November 2026 auf Grundlage einer Selbstbewertung erstellt.</p>
      <h2>Feedback und Kontakt</h2>
      <p>
        Sind Ihnen Mängel beim barrierefreien Zugang aufgefallen? Dann können Sie sich an die Koordination des
        Kommunalen Integrationsmanagements wenden:
      </p>
      <address>
        Kreis Mettmann – Kommunales Integrationszentrum
        <br />
        Düsseldorfer Straße 26, 40822 Mettmann
        <br />
        E-Mail: <a href="mailto:barrierefreiheit@kreis-mettmann.example">barrierefreiheit@kreis-mettmann.example</a>
      </address>
      <h2>Durchsetzungsverfahren</h2>
      <p>
        Wenn auf Ihre Rückmeldung innerhalb von sechs Wochen keine zufriedenstellende Antwort erfolgt, können Sie sich an
        die Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen bei der Landesbeauftragten
        für Menschen mit Behinderung wenden:
      </p>
      <address>
        Ombudsstelle für barrierefreie Informationstechnik NRW
        <br />
        Fürstenwall 25, 40219 Düsseldorf
        <br />
        E-Mail: <a href="mailto:ombudsstelle-barrierefreie-it@mags.nrw.de">ombudsstelle-barrierefreie-it@mags.nrw.de</a>
      </address>
    </article>
  );
}
