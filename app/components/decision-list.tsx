// The decisions of the Lenkungsgruppe as a table: on the decisions page (with the follow-up form for
// coordinators) and in the report (open and due ones, read only).
import type { ReactNode } from "react";
import { DECISION_STATUSES, type DecisionStatus } from "../../workflows/vocabulary";

export interface DecisionItem {
  id: number;
  finding_title: string;
  decided_on: string;
  decision: string;
  responsible_body: string;
  due_on: string;
  status: DecisionStatus;
}

const germanDate = (d: string) => d.split("-").reverse().join(".");

export const isOpenDecision = (d: Pick<DecisionItem, "status">) => d.status === "offen" || d.status === "in_umsetzung";

export function DecisionTable({
  decisions,
  today,
  caption,
  renderStatus,
}: {
  decisions: DecisionItem[];
  today: string;
  caption: string;
  /** The status cell (default: the status as text). */
  renderStatus?: (d: DecisionItem) => ReactNode;
}) {
  return (
    <div className="table-wrap" role="region" aria-label={caption} tabIndex={0}>
      <table className="data">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Strukturelle Hürde</th>
            <th scope="col">Beschluss</th>
            <th scope="col">Zuständig</th>
            <th scope="col">Frist</th>
            <th scope="col">Stand</th>
          </tr>
        </thead>
        <tbody>
          {decisions.map((d) => {
            const due = isOpenDecision(d) && d.due_on <= today;
            return (
              <tr key={d.id}>
                <th scope="row">{d.finding_title}</th>
                <td>
                  <span className="muted">Beschluss vom {germanDate(d.decided_on)}: </span>
                  <span className="pre-line">{d.decision}</span>
                </td>
                <td>{d.responsible_body}</td>
                <td>
                  {germanDate(d.due_on)}
                  {due ? <strong className="decision-due"> – fällig</strong> : null}
                </td>
                <td>{renderStatus ? renderStatus(d) : DECISION_STATUSES.label[d.status]}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
