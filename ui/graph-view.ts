// A flow's graph for the page: every input, node, gate, review, select and the outputs as boxes,
// the streams between them as edges, with each node's price when the flow was priced. Made from
// the runtime's FlowGraph, so a run's own graph and a flow file's look the same.
import type { FlowGraph, GraphStream } from "../runtime/index";
import type { GraphEdgeView, GraphKind, GraphNodeView } from "./views";

export interface NodeFigures {
  worstCase: string;
  expected: string;
  share: string;
}

export const OUTPUT_ID = "(outputs)";

export function graphView(graph: FlowGraph, figures: ReadonlyMap<string, NodeFigures>, topTwo: readonly string[]): { nodes: GraphNodeView[]; edges: GraphEdgeView[] } {
  const nodes: GraphNodeView[] = graph.streams.map((stream) => {
    const priced = figures.get(stream.name);
    return {
      id: stream.name,
      kind: kindOf(stream),
      label: stream.name,
      detail: detailOf(stream),
      ...(priced ?? {}),
      top: topTwo.includes(stream.name),
      line: stream.line,
    };
  });
  const edges: GraphEdgeView[] = [];
  for (const stream of graph.streams) {
    if (stream.kind === "node") {
      if (stream.source) edges.push({ from: stream.source.name, to: stream.name, kind: stream.source.rejected ? "rejected" : "primary" });
      for (const named of stream.named) edges.push({ from: named.ref.name, to: stream.name, kind: "named" });
    } else if (stream.kind === "gate") {
      edges.push({ from: stream.source.name, to: stream.name, kind: stream.source.rejected ? "rejected" : "primary" });
    } else if (stream.kind === "select") {
      edges.push({ from: stream.source, to: stream.name, kind: "primary" });
    }
  }
  if (graph.outputs.length > 0) {
    nodes.push({ id: OUTPUT_ID, kind: "output", label: "output", detail: graph.outputs.map((o) => (o.rejected ? `${o.name}.rejected` : o.name)).join(", "), top: false });
    for (const ref of graph.outputs) edges.push({ from: ref.name, to: OUTPUT_ID, kind: ref.rejected ? "rejected" : "output" });
  }
  return { nodes, edges };
}

function kindOf(stream: GraphStream): GraphKind {
  if (stream.kind === "gate") return stream.human ? "review" : "gate";
  return stream.kind;
}

function detailOf(stream: GraphStream): string {
  switch (stream.kind) {
    case "input":
      return `${stream.mediaType}${stream.single ? "" : `[${stream.max}]`}${stream.stable ? " stable" : ""}`;
    case "node":
      return [stream.op, stream.model, stream.variants > 1 ? `×${stream.variants}` : "", stream.batch ? `batch ${stream.batch}` : "", stream.cacheTtlSeconds ? "cached" : ""].filter(Boolean).join(" · ");
    case "gate":
      return stream.human ? `by human · ${percent(stream.passRate)} approve` : `${stream.conds.map((c) => `${c.metric} ${c.op} ${c.threshold}`).join(" and ")} · ${percent(stream.passRate)} pass`;
    case "select":
      return `keep ${stream.pick} · ${stream.by.kind === "human" ? "by human" : `${stream.by.kind} ${stream.by.metric}`}`;
  }
}

/** "0.85" → "85%": decimal text shifted two places, no float */
function percent(fraction: string): string {
  const [whole = "0", part = ""] = fraction.split(".");
  const digits = `${whole}${part.padEnd(2, "0")}`;
  const int = digits.slice(0, whole.length + 2).replace(/^0+(?=\d)/, "");
  const rest = digits.slice(whole.length + 2).replace(/0+$/, "");
  return `${int}${rest ? `.${rest}` : ""}%`;
}
