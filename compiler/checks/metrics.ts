// FLOW204 and FLOW205: the metrics a gate or a `select … by highest M` reads must be carried by
// the items of its source, which are the outputs of the node that produced them.
import type { Ident, NumberLit } from "../../syntax/ast";
import type { Catalog } from "../catalog";
import { type Decimal, dec } from "../../syntax/credits";
import type { OpInfo } from "../builtins";
import { diag, type Diagnostic } from "../../syntax/diagnostics";
import type { GateStream, NodeStream, SelectStream, Stream } from "../model";
import { didYouMean } from "../suggest";
import type { NumberedStreams } from "./walk";

export function metricDiagnostics(catalog: Catalog, numbered: NumberedStreams): Diagnostic[] {
  const { graph, streams } = numbered;
  const check = new MetricCheck(catalog, numbered);
  for (let i = 0; i < graph.order.length; i++) {
    const n = graph.order[i]!;
    const stream = streams[n]!;
    if (stream.kind === "gate") {
      for (let c = 0; c < stream.conds.length; c++) check.cond(stream, c, graph.reads[graph.readsFrom[n]! + c]!);
    } else if (stream.kind === "select" && stream.by.kind !== "human") check.select(stream, stream.by.metric, graph.primary[n]!);
  }
  return check.found;
}

type Problem = "input" | "unknown metric" | "outside";

/**
 * One metric read from a source: its producer must carry it, within range of the threshold. The
 * check reads the model; a problem found is located in the declaration.
 */
class MetricCheck {
  readonly found: Diagnostic[] = [];
  private readonly origins: Origins;
  // ops named but not declared are reported as FLOW211: their nodes hold a stand-in
  private readonly knownOps: Set<OpInfo>;
  // gates repeat their metrics and thresholds: the last verdict is kept (a decimal comparison allocates)
  private lastRange: MetricRange | undefined;
  private lastValue: Decimal | undefined;
  private lastOutside = false;

  constructor(catalog: Catalog, numbered: NumberedStreams) {
    this.origins = new Origins(numbered);
    this.knownOps = new Set(catalog.ops.values());
  }

  cond(gate: GateStream, c: number, source: number): void {
    const origin = this.origins.of(source);
    const problem = origin && this.problem(origin, gate.conds[c]!.metric, gate.conds[c]!.threshold);
    if (!origin || !problem || gate.decl.kind !== "gate") return;
    const cond = gate.decl.conds[c]!;
    this.found.push(this.diagnostic(problem, origin, cond.source.text, cond.metric, cond.threshold));
  }

  select(select: SelectStream, metric: string, source: number): void {
    const origin = this.origins.of(source);
    const problem = origin && this.problem(origin, metric);
    if (!origin || !problem || select.decl.kind !== "select" || select.decl.by.kind === "human") return;
    this.found.push(this.diagnostic(problem, origin, select.decl.source.text, select.decl.by.metric));
  }

  private problem(origin: Stream, metric: string, threshold?: Decimal): Problem | undefined {
    if (origin.kind === "input") return "input";
    if (origin.kind !== "node" || !this.knownOps.has(origin.op)) return undefined; // unknown op: reported as FLOW211
    const range = origin.op.metrics[metric];
    if (!range) return "unknown metric";
    return threshold && this.outside(threshold, range) ? "outside" : undefined;
  }

  private diagnostic(problem: Problem, origin: Stream, source: string, metric: Ident, threshold?: NumberLit): Diagnostic {
    if (problem === "input") {
      const holds = source === origin.name ? `'${source}' is an input` : `'${source}' holds items of input '${origin.name}'`;
      return diag("FLOW204", `unknown metric '${metric.text}': ${holds}, and input items carry no metrics`, metric.range);
    }
    const op = (origin as NodeStream).op;
    if (problem === "unknown metric") {
      const known = Object.keys(op.metrics);
      const hint = didYouMean(metric.text, known) || (known.length > 0 ? ` (${op.name} outputs carry: ${known.join(", ")})` : `: ${op.name} outputs carry no metrics`);
      return diag("FLOW204", `unknown metric '${metric.text}' of ${op.name}${hint}`, metric.range);
    }
    const range = op.metrics[metric.text]!;
    return diag("FLOW205", `threshold ${threshold!.value} is outside the range of ${metric.text} (${range.min}..${range.max})`, threshold!.range);
  }

  private outside(value: Decimal, range: MetricRange): boolean {
    if (range === this.lastRange && value === this.lastValue) return this.lastOutside;
    this.lastRange = range;
    this.lastValue = value;
    return (this.lastOutside = outside(value, range));
  }
}

/** The stream that produced a stream's items (`producerOf` in walk.ts), by number, for every stream at once. */
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
function outside(value: Decimal, range: MetricRange): boolean {
  let bounds = BOUNDS.get(range);
  if (!bounds) BOUNDS.set(range, (bounds = { min: dec(range.min), max: dec(range.max) }));
  return value.lt(bounds.min) || value.gt(bounds.max);
}

type MetricRange = { min: string; max: string };
