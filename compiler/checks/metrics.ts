// FLOW204 and FLOW205: the metrics a gate or a `select … by highest M` reads must be carried by
// the items of its source, which are the outputs of the node that produced them.
import type { Ident, NumberLit } from "../../syntax/ast";
import type { Catalog } from "../catalog";
import { type Decimal, dec } from "../../syntax/credits";
import type { OpInfo } from "../builtins";
import { diag, type Diagnostic } from "../../syntax/diagnostics";
import type { Stream } from "../model";
import { didYouMean } from "../suggest";
import type { NumberedStreams } from "./walk";

export function metricDiagnostics(catalog: Catalog, numbered: NumberedStreams): Diagnostic[] {
  const { graph } = numbered;
  const origins = new Origins(numbered);
  // ops named but not declared are reported as FLOW211: their nodes hold a stand-in
  const knownOps = new Set(catalog.ops.values());
  const out: Diagnostic[] = [];
  const check = (read: number, source: string, metric: Ident, threshold?: { lit: NumberLit; value: Decimal }): void => {
    const origin = origins.of(read);
    const problem = origin && metricProblem(origin, source, metric, threshold, knownOps);
    if (problem) out.push(problem);
  };
  for (let i = 0; i < graph.order.length; i++) {
    const n = graph.order[i]!;
    const decl = graph.decls[n]!;
    const stream = numbered.streams[n]!;
    if (decl.kind === "gate" && stream.kind === "gate") {
      const from = graph.readsFrom[n]!;
      for (let c = 0; c < decl.conds.length; c++) {
        const cond = decl.conds[c]!;
        check(graph.reads[from + c]!, cond.source.text, cond.metric, { lit: cond.threshold, value: stream.conds[c]!.threshold });
      }
    } else if (decl.kind === "select" && decl.by.kind !== "human") check(graph.primary[n]!, decl.source.text, decl.by.metric);
  }
  return out;
}

/** The stream that produced a stream's items (see `producers`), by number. */
class Origins {
  // a node or an input produced its own items; only a gate's or a select's source needs the walk
  private chained: Int32Array | undefined;

  constructor(private readonly numbered: NumberedStreams) {}

  of(n: number): Stream | undefined {
    if (n < 0) return undefined; // FLOW201
    const { streams } = this.numbered;
    const s = streams[n]!;
    if (s.kind === "node" || s.kind === "input") return s;
    const origin = (this.chained ??= this.walk())[n]!;
    return origin >= 0 ? streams[origin] : undefined;
  }

  private walk(): Int32Array {
    const { graph, streams } = this.numbered;
    const origin = new Int32Array(streams.length).fill(-1);
    for (let i = 0; i < graph.order.length; i++) {
      const n = graph.order[i]!;
      const kind = streams[n]!.kind;
      const primary = graph.primary[n]!;
      if (kind === "node" || kind === "input") origin[n] = n;
      else if (primary >= 0) origin[n] = origin[primary]!;
    }
    return origin;
  }
}

const BOUNDS = new WeakMap<object, { min: Decimal; max: Decimal }>();

/** a threshold outside a metric's range (the range's decimals made once per op) */
function outside(value: Decimal, range: { min: string; max: string }): boolean {
  let bounds = BOUNDS.get(range);
  if (!bounds) BOUNDS.set(range, (bounds = { min: dec(range.min), max: dec(range.max) }));
  return value.lt(bounds.min) || value.gt(bounds.max);
}

function metricProblem(origin: Stream, source: string, metric: Ident, threshold: { lit: NumberLit; value: Decimal } | undefined, knownOps: Set<OpInfo>): Diagnostic | undefined {
  if (origin.kind === "input") {
    const holds = source === origin.name ? `'${source}' is an input` : `'${source}' holds items of input '${origin.name}'`;
    return diag("FLOW204", `unknown metric '${metric.text}': ${holds}, and input items carry no metrics`, metric.range);
  }
  if (origin.kind !== "node" || !knownOps.has(origin.op)) return undefined; // unknown op: reported as FLOW211
  const op = origin.op;
  const range = op.metrics[metric.text];
  if (!range) {
    const known = Object.keys(op.metrics);
    const hint = didYouMean(metric.text, known) || (known.length > 0 ? ` (${op.name} outputs carry: ${known.join(", ")})` : `: ${op.name} outputs carry no metrics`);
    return diag("FLOW204", `unknown metric '${metric.text}' of ${op.name}${hint}`, metric.range);
  }
  if (threshold && outside(threshold.value, range)) {
    return diag("FLOW205", `threshold ${threshold.lit.value} is outside the range of ${metric.text} (${range.min}..${range.max})`, threshold.lit.range);
  }
  return undefined;
}
