// FLOW204 and FLOW205: the metrics a gate or a `select … by highest M` reads must be carried by
// the items of its source, which are the outputs of the node that produced them.
import type { Ident, NumberLit } from "../../syntax/ast";
import type { Catalog } from "../catalog";
import { type Decimal, dec } from "../../syntax/credits";
import { literal } from "../props";
import { diag, type Diagnostic } from "../../syntax/diagnostics";
import type { FlowModel, Stream } from "../model";
import { didYouMean } from "../suggest";
import { producers } from "./walk";

export function metricDiagnostics(model: FlowModel, catalog: Catalog): Diagnostic[] {
  let chained: Map<string, Stream> | undefined;
  // a node or an input produced its own items; only a gate's or a select's source needs the walk
  const producer = (source: string): Stream | undefined => {
    const s = model.byName.get(source);
    return s?.kind === "node" || s?.kind === "input" ? s : (chained ??= producers(model)).get(source);
  };
  const out: Diagnostic[] = [];
  const check = (source: string, metric: Ident, threshold?: NumberLit): void => {
    const origin = producer(source);
    const problem = origin && metricProblem(origin, source, metric, threshold, catalog);
    if (problem) out.push(problem);
  };
  for (const stream of model.streams) {
    if (stream.decl.kind === "gate") for (const cond of stream.decl.conds) check(cond.source.text, cond.metric, cond.threshold);
    if (stream.decl.kind === "select" && stream.decl.by.kind !== "human") check(stream.decl.source.text, stream.decl.by.metric);
  }
  return out;
}

const BOUNDS = new WeakMap<object, { min: Decimal; max: Decimal }>();

/** a threshold outside a metric's range (the range's decimals made once per op) */
function outside(threshold: string, range: { min: string; max: string }): boolean {
  let bounds = BOUNDS.get(range);
  if (!bounds) BOUNDS.set(range, (bounds = { min: dec(range.min), max: dec(range.max) }));
  const value = literal(threshold);
  return value.lt(bounds.min) || value.gt(bounds.max);
}

function metricProblem(origin: Stream, source: string, metric: Ident, threshold: NumberLit | undefined, catalog: Catalog): Diagnostic | undefined {
  if (origin.kind === "input") {
    const holds = source === origin.name ? `'${source}' is an input` : `'${source}' holds items of input '${origin.name}'`;
    return diag("FLOW204", `unknown metric '${metric.text}': ${holds}, and input items carry no metrics`, metric.range);
  }
  if (origin.kind !== "node" || catalog.ops.get(origin.op.name) !== origin.op) return undefined; // unknown op: reported as FLOW211
  const op = origin.op;
  const range = op.metrics[metric.text];
  if (!range) {
    const known = Object.keys(op.metrics);
    const hint = didYouMean(metric.text, known) || (known.length > 0 ? ` (${op.name} outputs carry: ${known.join(", ")})` : `: ${op.name} outputs carry no metrics`);
    return diag("FLOW204", `unknown metric '${metric.text}' of ${op.name}${hint}`, metric.range);
  }
  if (threshold && outside(threshold.value, range)) {
    return diag("FLOW205", `threshold ${threshold.value} is outside the range of ${metric.text} (${range.min}..${range.max})`, threshold.range);
  }
  return undefined;
}
