// Lays out a statechart graph (generated from the machine definition) with dagre, for an SVG picture.
import dagre from "@dagrejs/dagre";
import type { DiagramGraph } from "../workflows/diagram";

export interface LaidOutNode {
  id: string;
  label: string;
  kind: "state" | "choice" | "start";
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LaidOutEdge {
  from: string;
  to: string;
  label: string;
  points: { x: number; y: number }[];
  labelX: number;
  labelY: number;
}

export interface LaidOutGraph {
  width: number;
  height: number;
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
  /** Steps drawn as text instead of arrows because they start from many states. */
  legend: string[];
}

const CHAR_WIDTH = 8.4;

/** Steps offered from this many states or more are listed in a legend, so the picture stays readable. */
const FAN_IN = 4;

export function layoutGraph(graph: DiagramGraph): LaidOutGraph {
  const labelOf = new Map(graph.nodes.map((n) => [n.id, n.label]));
  const kindOf = new Map(graph.nodes.map((n) => [n.id, n.kind]));
  const legend: string[] = [];
  const bySignature = new Map<string, Set<string>>();
  for (const e of graph.edges) {
    if (!e.event) continue;
    const key = `${e.event}\u0000${e.to}`;
    bySignature.set(key, (bySignature.get(key) ?? new Set()).add(e.from));
  }
  const hidden = new Set<string>();
  for (const [key, sources] of bySignature) {
    if (sources.size < FAN_IN) continue;
    const [event, to] = key.split("\u0000") as [string, string];
    hidden.add(key);
    const target =
      kindOf.get(to) === "choice"
        ? (graph.nodes.find((n) => n.id === to)?.description ?? "").replace(/^Auswahl: /, "")
        : labelOf.get(to);
    legend.push(`${event} → ${target} (aus ${[...sources].map((s) => labelOf.get(s) ?? s).join(", ")})`);
  }
  const edgesShown = graph.edges.filter((e) => !hidden.has(`${e.event}\u0000${e.to}`));
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: "TB", nodesep: 40, ranksep: 60, edgesep: 12, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  g.setNode("__start", { width: 16, height: 16, label: "", kind: "start" });
  for (const node of graph.nodes) {
    // A choice state with many branches ("back to the phase it rested in") is drawn as a labelled box.
    const branches = edgesShown.filter((e) => e.from === node.id).length;
    const asBox = node.kind === "choice" && branches >= FAN_IN;
    const label = asBox ? `↩ ${(node.description ?? "").replace(/^Auswahl: /, "")}` : node.label;
    const width = node.kind === "choice" && !asBox ? 26 : Math.max(110, label.length * CHAR_WIDTH + 28);
    const kind = asBox ? "state" : node.kind;
    g.setNode(node.id, { width, height: kind === "choice" ? 26 : 40, label, kind });
  }
  const boxedChoices = new Set(
    graph.nodes
      .filter((n) => n.kind === "choice" && edgesShown.filter((e) => e.from === n.id).length >= FAN_IN)
      .map((n) => n.id),
  );
  g.setEdge("__start", graph.initial, { label: "", width: 0, height: 0 }, "start");
  // Parallel edges between the same two states are merged into one arrow with all event labels.
  const merged = new Map<string, { from: string; to: string; labels: string[] }>();
  for (const e of edgesShown) {
    if (boxedChoices.has(e.from)) continue;
    const key = `${e.from}->${e.to}`;
    const entry = merged.get(key) ?? { from: e.from, to: e.to, labels: [] };
    if (e.event && !entry.labels.includes(e.event)) entry.labels.push(e.event);
    merged.set(key, entry);
  }
  for (const [key, e] of merged) {
    const label = e.labels.join(" / ");
    g.setEdge(e.from, e.to, { label, width: label.length * 6.2, height: label ? 14 : 0, labelpos: "c" }, key);
  }
  dagre.layout(g);
  const nodes: LaidOutNode[] = g.nodes().map((id) => {
    const n = g.node(id) as dagre.Node<{ label: string; kind: LaidOutNode["kind"] }>;
    return { id, label: n.label, kind: n.kind, x: n.x, y: n.y, width: n.width, height: n.height };
  });
  const edges: LaidOutEdge[] = g.edges().map((ref) => {
    const e = g.edge(ref) as dagre.GraphEdge & { label?: string; x?: number; y?: number };
    return {
      from: ref.v,
      to: ref.w,
      label: e.label ?? "",
      points: e.points.map((p) => ({ x: p.x, y: p.y })),
      labelX: e.x ?? 0,
      labelY: e.y ?? 0,
    };
  });
  const info = g.graph();
  return { width: info.width ?? 800, height: info.height ?? 600, nodes, edges, legend };
}
