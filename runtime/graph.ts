// The executable form of a flow: plain, JSON-serialisable data that a generated module embeds and
// hands to the executor. Credits and rates are decimal strings (never floats). The runtime owns
// this type; the compiler's codegen produces it from its semantic model.

export interface GraphRef {
  name: string;
  rejected: boolean;
}

export type MediaType = "image" | "video" | "audio" | "text" | "json";

export interface GraphInput {
  kind: "input";
  name: string;
  mediaType: MediaType;
  /** declared without a count: exactly one item */
  single: boolean;
  min: number;
  max: number;
  /** expected count, decimal string */
  expect: string;
  stable: boolean;
  line: number;
}

export interface GraphNode {
  kind: "node";
  name: string;
  op: string;
  /** what its outputs are, when flowc knows (not for user-declared ops) */
  mediaType?: MediaType;
  model?: string;
  /** primary input; absent: the node makes one call with no items */
  source?: GraphRef;
  named: { name: string; ref: GraphRef }[];
  variants: number;
  batch?: number;
  retry: number;
  /** chance that one attempt fails, decimal fraction string */
  failRate: string;
  /** credits per output, decimal string */
  pricePerOutput: string;
  /** credits per call, decimal string */
  overheadPerCall: string;
  /** cache TTL in seconds, decimal string; absent: no cache */
  cacheTtlSeconds?: string;
  timeoutSeconds?: string;
  concurrency?: number;
  resolution?: { width: number; height: number };
  durationSeconds?: string;
  params: Record<string, unknown>;
  /** metrics the op's outputs carry, with their ranges (decimal strings) */
  metrics: Record<string, { min: string; max: string }>;
  line: number;
}

export interface GraphGate {
  kind: "gate";
  name: string;
  /** a review decided by a person */
  human: boolean;
  source: GraphRef;
  conds: { metric: string; op: ">=" | ">" | "<=" | "<"; threshold: string }[];
  /** expected pass (approve) rate, decimal fraction string */
  passRate: string;
  discards: boolean;
  retry?: { target: string; upTo: number; chain: string[] };
  timeoutSeconds?: string;
  line: number;
}

export interface GraphSelect {
  kind: "select";
  name: string;
  source: string;
  pick: number;
  by: { kind: "human" } | { kind: "highest" | "lowest"; metric: string };
  line: number;
}

export type GraphStream = GraphInput | GraphNode | GraphGate | GraphSelect;

export interface FlowGraph {
  flow: string;
  /** every stream after the streams it reads */
  streams: GraphStream[];
  outputs: GraphRef[];
  /**
   * `alert` in credits; with `alertPercent` (the flow wrote `alert 75%`) the alert follows the cap
   * a run is given (`--cap`), as the percent of it.
   */
  budget: { cap?: string; alert?: string; alertPercent?: string; strict: boolean };
  /** the static analysis' figures, decimal strings */
  worstCase: string;
  expected: string;
}

/**
 * A forced execution (for `--scenario worst`): the analyser's witness. Input counts; per gate and
 * round, how many of the checked items pass (the first `passed` items in arrival order pass); per
 * node, how many attempts every call takes (all but the last fail).
 */
export interface Scenario {
  inputs: Record<string, number>;
  gates: Record<string, { passed: number }[]>;
  attempts: Record<string, number>;
}

/** The node whose outputs a stream carries (gates and selects pass items through unchanged). */
export function originNode(byName: ReadonlyMap<string, GraphStream>, name: string): GraphNode | undefined {
  const stream = byName.get(name);
  if (!stream || stream.kind === "input") return undefined;
  if (stream.kind === "node") return stream;
  return originNode(byName, stream.kind === "gate" ? stream.source.name : stream.source);
}
