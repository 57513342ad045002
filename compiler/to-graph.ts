// From the compiler's semantic model to the runtime's executable form (runtime/graph.ts): plain
// JSON-serialisable data, credits as exact decimal strings. Codegen embeds the result in the
// generated module; `--scenario worst` replays the cost analysis' witness as a Scenario.
import type { CostReport, Witness } from "./cost-report";
import { type Decimal, dec, formatExact } from "../syntax/credits";
import type { MediaType } from "../syntax/ast";
import type { FlowModel, GateStream, InputStream, NodeStream, SelectStream, Stream, StreamRef } from "./model";
import type { FlowGraph, GraphGate, GraphInput, GraphNode, GraphRef, GraphSelect, GraphStream, Scenario } from "../runtime/graph";

export function toGraph(model: FlowModel, cost: CostReport): FlowGraph {
  const budget = model.budget;
  const media = streamMedia(model);
  return {
    flow: model.name,
    streams: model.streams.map((s) => streamToGraph(s, media)),
    outputs: model.outputs.map(refToGraph),
    budget: { cap: optionalExact(budget?.cap), alert: optionalExact(budget?.alert), alertPercent: alertPercent(model), strict: budget?.strict ?? false },
    worstCase: formatExact(cost.worstCase),
    expected: formatExact(cost.expected),
  };
}

/** `alert 75%` as "75": the runtime rescales the alert when a run is given another cap. */
function alertPercent(model: FlowModel): string | undefined {
  const alert = model.budget?.decl.props.find((p) => p.kind === "alert");
  return model.budget?.alert !== undefined && alert?.kind === "alert" && alert.percent ? formatExact(dec(alert.percent.value)) : undefined;
}

/**
 * The witness as a forced execution: input counts, per gate per round how many pass, attempts per
 * call. The runtime counts items in numbers: a run of more than 2^53 items is not one it can make.
 */
export function witnessToScenario(witness: Witness): Scenario {
  return {
    inputs: Object.fromEntries(witness.inputs.map((i) => [i.name, Number(i.count)])),
    gates: Object.fromEntries(witness.gates.map((g) => [g.name, g.rounds.map((r) => ({ passed: Number(r.passed) }))])),
    attempts: Object.fromEntries(witness.nodes.map((n) => [n.name, n.attemptsPerCall])),
  };
}

/** The source line a stream is declared on. */
export function streamLine(stream: Stream): number {
  return stream.decl.range.start.line;
}

/**
 * What each stream's items are: an input's declared type; a node's from its op (`convert` by its
 * `format` param; checks and gates, reviews and selects carry their source's items); undefined
 * where a user-declared op makes them.
 */
export function streamMedia(model: FlowModel): Map<string, MediaType | undefined> {
  const media = new Map<string, MediaType | undefined>();
  for (const stream of model.streams) media.set(stream.name, mediaOf(stream, media));
  return media;
}

const CONVERTED: Record<string, MediaType> = { png: "image", jpeg: "image", webp: "image", mp4: "video", webm: "video", gif: "video", txt: "text", json: "json" };

function mediaOf(stream: Stream, known: Map<string, MediaType | undefined>): MediaType | undefined {
  switch (stream.kind) {
    case "input":
      return stream.mediaType;
    case "gate":
      return known.get(stream.source.name);
    case "select":
      return known.get(stream.source);
    case "node": {
      const format = stream.op.name === "convert" ? stream.params.format : undefined;
      if (typeof format === "string" && CONVERTED[format]) return CONVERTED[format];
      if (stream.op.makes !== "source") return stream.op.makes;
      return stream.source ? known.get(stream.source.name) : undefined;
    }
  }
}

function streamToGraph(stream: Stream, media: Map<string, MediaType | undefined>): GraphStream {
  switch (stream.kind) {
    case "input":
      return inputToGraph(stream);
    case "node":
      return nodeToGraph(stream, media.get(stream.name));
    case "gate":
      return gateToGraph(stream);
    case "select":
      return selectToGraph(stream);
  }
}

function inputToGraph(s: InputStream): GraphInput {
  return {
    kind: "input",
    name: s.name,
    mediaType: s.mediaType,
    single: s.single,
    min: s.min,
    max: s.max,
    expect: formatExact(s.expect),
    stable: s.stable,
    line: streamLine(s),
  };
}

function nodeToGraph(s: NodeStream, mediaType: MediaType | undefined): GraphNode {
  return {
    kind: "node",
    name: s.name,
    op: s.op.name,
    mediaType,
    model: s.model?.name,
    source: s.source ? refToGraph(s.source) : undefined,
    named: s.named.map((n) => ({ name: n.name, ref: refToGraph(n.ref) })),
    variants: s.variants,
    batch: s.batch,
    retry: s.retry,
    failRate: formatExact(s.failRate),
    pricePerOutput: formatExact(s.pricePerOutput),
    overheadPerCall: formatExact(s.overheadPerCall),
    cacheTtlSeconds: optionalExact(s.cacheTtlSeconds),
    timeoutSeconds: optionalExact(s.timeoutSeconds),
    concurrency: s.concurrency,
    resolution: s.resolution ? { width: s.resolution.width, height: s.resolution.height } : undefined,
    durationSeconds: optionalExact(s.durationSeconds),
    params: s.params,
    metrics: Object.fromEntries(Object.entries(s.op.metrics).map(([name, r]) => [name, { min: r.min, max: r.max }])),
    line: streamLine(s),
  };
}

function gateToGraph(s: GateStream): GraphGate {
  return {
    kind: "gate",
    name: s.name,
    human: s.human,
    source: refToGraph(s.source),
    conds: s.conds.map((c) => ({ metric: c.metric, op: c.op, threshold: formatExact(c.threshold) })),
    passRate: formatExact(s.passRate),
    discards: s.discards,
    retry: s.retry ? { target: s.retry.target, upTo: s.retry.upTo, chain: [...s.retry.chain] } : undefined,
    timeoutSeconds: reviewTimeout(s),
    line: streamLine(s),
  };
}

/** A review's `timeout`: the model does not carry it, its declaration does (the last one written wins). */
function reviewTimeout(s: GateStream): string | undefined {
  if (s.decl.kind !== "review") return undefined;
  const timeouts = s.decl.props.filter((p) => p.kind === "timeout");
  const last = timeouts[timeouts.length - 1];
  return last ? formatExact(dec(last.duration.seconds)) : undefined;
}

function selectToGraph(s: SelectStream): GraphSelect {
  return { kind: "select", name: s.name, source: s.source, pick: s.pick, by: { ...s.by }, line: streamLine(s) };
}

function refToGraph(ref: StreamRef): GraphRef {
  return { name: ref.name, rejected: ref.rejected };
}

function optionalExact(value: Decimal | undefined): string | undefined {
  return value === undefined ? undefined : formatExact(value);
}
