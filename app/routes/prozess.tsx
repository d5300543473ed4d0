import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { caseMachineGraph, referralMachineGraph, type DiagramGraph } from "../../workflows/diagram";
import { StatechartPicture } from "~/components/statechart";
import { requirePermission } from "~/guards.server";
import { layoutGraph } from "~/statechart.server";

export const meta: MetaFunction = () => [{ title: "Fallprozess – KIM Fallmanagement" }];

function textVersion(graph: DiagramGraph) {
  const label = new Map(graph.nodes.map((n) => [n.id, n.kind === "choice" ? "(Verzweigung)" : n.label]));
  return graph.nodes
    .filter((n) => n.kind === "state")
    .map((n) => ({
      id: n.id,
      label: n.label,
      steps: [
        ...graph.edges
          .filter((e) => e.from === n.id)
          .map((e) => {
            // follow a choice to the states it can lead to
            const targets =
              graph.nodes.find((x) => x.id === e.to)?.kind === "choice"
                ? graph.edges.filter((x) => x.from === e.to).map((x) => label.get(x.to) ?? x.to)
                : [label.get(e.to) ?? e.to];
            return `${e.label} → ${[...new Set(targets)].join(" oder ")}`;
          }),
        ...n.notes.map((note) => (note.endsWith("–") ? note.slice(0, -1).trim() + ":" : `${note} (bleibt in der Phase)`)),
      ],
    }));
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "read:statechart:any");
  const caseGraph = caseMachineGraph();
  const referralGraph = referralMachineGraph();
  return {
    caseLayout: layoutGraph(caseGraph),
    referralLayout: layoutGraph(referralGraph),
    caseText: textVersion(caseGraph),
    referralText: textVersion(referralGraph),
  };
}

export default function Process() {
  const { caseLayout, referralLayout, caseText, referralText } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Fallprozess</h1>
      <p>
        Jeder Fall durchläuft diese Phasen. Die Anwendung bietet in jeder Phase genau die Schritte an, die das Modell
        zulässt. Das Bild wird aus der Definition des Zustandsautomaten erzeugt und ist deshalb immer aktuell.
      </p>
      <section aria-labelledby="case-process">
        <h2 id="case-process">Fall</h2>
        <div className="diagram">
          <StatechartPicture graph={caseLayout} title="Zustandsdiagramm des Fallprozesses" id="case-chart" />
        </div>
        {caseLayout.legend.length ? (
          <>
            <h3>Außerdem</h3>
            <ul>
              {caseLayout.legend.map((l) => (
                <li key={l}>{l}</li>
              ))}
            </ul>
          </>
        ) : null}
        <details>
          <summary>Textfassung des Fallprozesses</summary>
          <dl className="process-text">
            {caseText.map((s) => (
              <div key={s.id}>
                <dt>{s.label}</dt>
                <dd>
                  <ul>
                    {s.steps.map((step) => (
                      <li key={step}>{step}</li>
                    ))}
                  </ul>
                </dd>
              </div>
            ))}
          </dl>
        </details>
      </section>
      <section aria-labelledby="referral-process">
        <h2 id="referral-process">Vermittlung</h2>
        <div className="diagram">
          <StatechartPicture graph={referralLayout} title="Zustandsdiagramm einer Vermittlung" id="referral-chart" />
        </div>
        {referralLayout.legend.length ? (
          <ul>
            {referralLayout.legend.map((l) => (
              <li key={l}>{l}</li>
            ))}
          </ul>
        ) : null}
        <details>
          <summary>Textfassung des Vermittlungsprozesses</summary>
          <dl className="process-text">
            {referralText.map((s) => (
              <div key={s.id}>
                <dt>{s.label}</dt>
                <dd>
                  <ul>
                    {s.steps.map((step) => (
                      <li key={step}>{step}</li>
                    ))}
                  </ul>
                </dd>
              </div>
            ))}
          </dl>
        </details>
      </section>
    </>
  );
}
