import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ReportView } from "~/components/report-view";
import { notFound, requirePermission } from "~/guards.server";
import { loadEditionWithDifferences } from "~/reports/editions.server";
import { germanDate } from "../../db/reports/period";

export const meta: MetaFunction<typeof loader> = ({ data: d }) => [
  { title: `Berichtsstand der Sitzung am ${d ? germanDate(d.edition.meeting_on) : ""} – KIM Fallmanagement` },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "read:report:aggregate");
  const found = await loadEditionWithDifferences(context.db, user, Number(params.editionId));
  if (!found) notFound();
  const { edition, differences, todayGeneratedAt } = found;
  return {
    edition: { ...edition, created_at: new Date(edition.created_at).toISOString() },
    differences,
    todayGeneratedAt,
  };
}

const dateTime = new Intl.DateTimeFormat("de-DE", { timeZone: "Europe/Berlin", dateStyle: "medium", timeStyle: "short" });

export default function Edition() {
  const { edition, differences, todayGeneratedAt } = useLoaderData<typeof loader>();
  const base = `/berichte/ausgaben/${edition.id}`;
  return (
    <div className="report">
      <p className="no-print">
        <Link to="/berichte/ausgaben">← Alle festgeschriebenen Berichtsstände</Link>
      </p>
      <h1>Berichtsstand der Sitzung am {germanDate(edition.meeting_on)}</h1>
      <dl className="dl-grid card">
        <dt>Festgeschrieben</dt>
        <dd>
          {dateTime.format(new Date(edition.created_at))} Uhr von {edition.created_by_name}
        </dd>
        <dt>Prüfsumme (SHA-256)</dt>
        <dd>
          <code className="break-all">{edition.content_hash}</code>
        </dd>
      </dl>
      <section className="card no-print" aria-labelledby="diff-title">
        <h2 id="diff-title">Abweichungen zum heutigen Datenstand</h2>
        {differences === null ? (
          <p>Der heutige Stand kann für diese Auswahl nicht berechnet werden (z. B. weil es eine Kommune nicht mehr gibt).</p>
        ) : differences.length === 0 ? (
          <p>Keine Abweichung: Alle Kennzahlen zeigen heute dieselben Werte wie in diesem Berichtsstand.</p>
        ) : (
          <>
            <p>
              {differences.length === 1 ? "Eine Kennzahl zeigt" : `${differences.length} Werte zeigen`} heute
              {todayGeneratedAt ? ` (Stand ${dateTime.format(new Date(todayGeneratedAt))} Uhr)` : ""} einen anderen Wert.
              Grund: Einträge, die nach dem Festschreiben erfasst oder geändert wurden – nachgetragene Kontakte, Abschlüsse
              oder Bewertungen mit einem Datum im Zeitraum und Angaben, die „Stand: Abruf“ gelesen werden (z. B. der Status
              einer Hürde). Der festgeschriebene Stand bleibt unverändert.
            </p>
            <div className="table-wrap" role="region" aria-label="Abweichungen zum heutigen Datenstand" tabIndex={0}>
              <table className="data">
                <caption className="visually-hidden">Abweichungen zum heutigen Datenstand</caption>
                <thead>
                  <tr>
                    <th scope="col">Bereich</th>
                    <th scope="col">Kennzahl</th>
                    <th scope="col">Spalte</th>
                    <th scope="col" className="num">
                      festgeschrieben
                    </th>
                    <th scope="col" className="num">
                      heute
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {differences.map((d) => (
                    <tr key={`${d.key}|${d.column}`}>
                      <td>{d.section}</td>
                      <th scope="row">{d.label}</th>
                      <td>{d.column}</td>
                      <td className="num">{d.frozen}</td>
                      <td className="num">{d.today}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
      <ReportView report={edition.report} downloads={{ csv: `${base}/export.csv`, xlsx: `${base}/export.xlsx` }} />
    </div>
  );
}
