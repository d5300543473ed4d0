// Annex of the readable Art. 15 document: every category of the export with German labels (the data are
// German), and the link to the complete machine-readable JSON beside it.
import {
  SUBJECT_ACCESS_LABELS,
  type SubjectAccessDocument,
  type SubjectField,
  type SubjectTable,
} from "../../workflows/subject-access-document";

function Fields({ fields }: { fields: SubjectField[] }) {
  return (
    <dl className="annex-fields">
      {fields.map((f) => (
        <div key={f.key}>
          <dt>{f.label}</dt>
          <dd>{f.value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Table({ table, level }: { table: SubjectTable; level: 3 | 4 }) {
  const Heading = level === 3 ? "h3" : "h4";
  return (
    <div className="annex-table">
      <Heading>{table.title}</Heading>
      {table.rows.length === 0 ? (
        <p className="muted">Keine Einträge.</p>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                {table.columns.map((c) => (
                  <th key={c.key} scope="col">
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((row, i) => (
                <tr key={i}>
                  {row.map((cell, j) => (
                    <td key={j}>{cell}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export function SubjectAccessAnnex({ annex, caseId }: { annex: SubjectAccessDocument; caseId: string }) {
  return (
    <section className="print-document__annex" lang="de" dir="ltr" aria-labelledby="annex-title">
      <h2 id="annex-title">Anhang: gespeicherte Daten</h2>
      <Fields
        fields={[
          { key: "erstellt", label: SUBJECT_ACCESS_LABELS.erstellt ?? "Erstellt am", value: annex.created },
          { key: "hinweis", label: SUBJECT_ACCESS_LABELS.hinweis ?? "Hinweis", value: annex.note },
        ]}
      />
      <p className="no-print">
        <a href={`/faelle/${caseId}/auskunft`} download>
          Vollständige maschinenlesbare Fassung (JSON) herunterladen
        </a>
      </p>
      <h3>Angaben zur Person</h3>
      <Fields fields={annex.person} />
      <h3>Fälle</h3>
      {annex.cases.length === 0 ? <p className="muted">Keine Einträge.</p> : null}
      {annex.cases.map((c) => (
        <section key={c.title} className="annex-case" aria-label={c.title}>
          <h4>{c.title}</h4>
          <Fields fields={c.fields} />
          {c.tables.map((t) => (
            <Table key={t.key} table={t} level={4} />
          ))}
        </section>
      ))}
      {annex.lists.map((t) => (
        <Table key={t.key} table={t} level={3} />
      ))}
    </section>
  );
}
