import type { LaidOutGraph } from "~/statechart.server";

function path(points: { x: number; y: number }[]): string {
  const [first, ...rest] = points;
  if (!first) return "";
  return `M${first.x},${first.y} ${rest.map((p) => `L${p.x},${p.y}`).join(" ")}`;
}

/** The statechart as an SVG picture; the page offers the same content as text beside it. */
export function StatechartPicture({ graph, title, id }: { graph: LaidOutGraph; title: string; id: string }) {
  return (
    <svg
      viewBox={`0 0 ${Math.ceil(graph.width)} ${Math.ceil(graph.height)}`}
      width={Math.ceil(graph.width)}
      role="img"
      aria-labelledby={`${id}-title`}
      className="statechart"
    >
      <title id={`${id}-title`}>{title}</title>
      <defs>
        <marker id={`${id}-arrow`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" fill="#333" />
        </marker>
      </defs>
      {graph.edges.map((e) => (
        <g key={`${e.from}-${e.to}`}>
          <path d={path(e.points)} fill="none" stroke="#333" strokeWidth="1.3" markerEnd={`url(#${id}-arrow)`} />
          {e.label ? (
            <text x={e.labelX} y={e.labelY + 4} textAnchor="middle" fontSize="12" fill="#1c1c1c" className="statechart__edge-label">
              {e.label}
            </text>
          ) : null}
        </g>
      ))}
      {graph.nodes.map((n) =>
        n.kind === "start" ? (
          <circle key={n.id} cx={n.x} cy={n.y} r={7} fill="#1c1c1c" />
        ) : n.kind === "choice" ? (
          <path
            key={n.id}
            d={`M${n.x},${n.y - 13} L${n.x + 13},${n.y} L${n.x},${n.y + 13} L${n.x - 13},${n.y} z`}
            fill="#fff4d6"
            stroke="#7a4d00"
            strokeWidth="1.5"
          />
        ) : (
          <g key={n.id}>
            <rect
              x={n.x - n.width / 2}
              y={n.y - n.height / 2}
              width={n.width}
              height={n.height}
              rx={10}
              fill={n.id === "closed" ? "#e6f0f7" : "#ffffff"}
              stroke="#00548f"
              strokeWidth={n.id === "closed" ? 3 : 1.8}
            />
            <text x={n.x} y={n.y + 5} textAnchor="middle" fontSize="14" fontWeight="600" fill="#1c1c1c">
              {n.label}
            </text>
          </g>
        ),
      )}
    </svg>
  );
}
