// Builds each stream of the model from its declaration: properties checked once (FLOW212),
// ops and models looked up (FLOW211), prices computed (FLOW206, FLOW214), params validated (FLOW210).
// Tolerant by design: with errors it still returns a stream, with defaults in place of bad values.
import type { Arg, BudgetDecl, ElseClause, GateDecl, GateProp, Ident, InputDecl, NamedArg, NodeDecl, NodeProp, PercentLit, ReviewDecl, SelectDecl, Value } from "../syntax/ast";
import type { OpInfo } from "./builtins";
import type { Catalog } from "./catalog";
import { Decimal, ONE, ZERO, dec } from "../syntax/credits";
import { exactShift, exactTimes, outputPrice, unitFigure } from "./pricing/prices";
import { diag, type Diagnostic } from "../syntax/diagnostics";
import type { Budget, GateStream, InputStream, ModelInfo, NodeStream, SelectStream, StreamRef } from "./model";
import { fraction, givenTwice, keptProps, literal, positiveSeconds, wholeNumber } from "./props";
import { paramDiagnostics, paramJson } from "./checks/params";
import { didYouMean } from "./suggest";

type Kind<P extends { kind: string }, K extends P["kind"]> = Extract<P, { kind: K }>;

/** The kept property of one kind. */
function find<P extends { kind: string }, K extends P["kind"]>(props: Iterable<P>, kind: K): Kind<P, K> | undefined {
  for (const prop of props) if (prop.kind === kind) return prop as Kind<P, K>;
  return undefined;
}

export function inputStream(decl: InputDecl, sink: Diagnostic[]): InputStream {
  const owner = `input '${decl.name.text}'`;
  const count = decl.count;
  let min = count?.min ?? 1;
  let max = count?.max ?? 1;
  if (count && count.min > count.max) {
    sink.push(diag("FLOW212", `count [${count.min}..${count.max}] of ${owner}: the minimum is above the maximum`, count.range));
    min = count.max;
  }
  const [expect, ...moreExpects] = decl.expect;
  moreExpects.forEach((e) => sink.push(diag("FLOW212", `'expect' is given twice in ${owner} (first on line ${expect!.range.start.line})`, e.range)));
  decl.stable.slice(1).forEach((r) => sink.push(diag("FLOW212", `'stable' is given twice in ${owner} (first on line ${decl.stable[0]!.start.line})`, r)));
  return {
    kind: "input",
    name: decl.name.text,
    decl,
    mediaType: decl.type,
    single: count === undefined,
    min,
    max,
    expect: expect ? expectedCount(expect.value, expect.range, min, max, owner, sink) : dec(max),
    stable: decl.stable.length > 0,
  };
}

function expectedCount(value: string, range: InputDecl["range"], min: number, max: number, owner: string, sink: Diagnostic[]): Decimal {
  const expect = dec(value);
  if (expect.gt(max)) sink.push(diag("FLOW212", `expect ${value} is above the maximum of ${owner} (${max})`, range));
  else if (expect.lt(min)) sink.push(diag("FLOW212", `expect ${value} is below the minimum of ${owner} (${min})`, range));
  else return expect;
  return dec(max);
}

function nodePropKey(prop: NodeProp): string {
  switch (prop.kind) {
    case "cost":
      return prop.perCall ? "cost per call" : "cost";
    case "expectFail":
      return "expect fail";
    case "param":
      return `param ${prop.name.text}`;
    default:
      return prop.kind;
  }
}

/** A node's properties: the first of each key, a repeat being a FLOW212 (`cost … per call` is a key of its own). */
type NodeProps = { [K in Exclude<NodeProp["kind"], "param">]?: Kind<NodeProp, K> } & {
  costPerCall?: Kind<NodeProp, "cost">;
  params: Kind<NodeProp, "param">[];
};

type Slot = Exclude<keyof NodeProps, "params">;
const NO_PARAM_PROPS: NodeProps["params"] = Object.freeze([]) as unknown as NodeProps["params"];

/**
 * The properties of the node being built. Nodes are built one at a time and this record is read
 * only while its node is built: one record for all of them, not one per node (a large flow has
 * thousands, and their garbage was a good part of the resolver's time). Every slot is written
 * each time, in one order: the record keeps one shape.
 */
const KEPT: NodeProps = { params: NO_PARAM_PROPS };

/** One pass over a node's properties into KEPT. */
function nodeProps(decl: NodeDecl, sink: Diagnostic[]): NodeProps {
  const kept = KEPT;
  kept.model = kept.resolution = kept.duration = kept.variants = kept.cost = kept.costPerCall = undefined;
  kept.cache = kept.retry = kept.batch = kept.expectFail = kept.timeout = kept.concurrency = undefined;
  kept.params = NO_PARAM_PROPS;
  for (const prop of decl.props) {
    const earlier = prop.kind === "param" ? paramNamed(kept.params, prop.name.text) : kept[slotOf(prop)];
    if (earlier) sink.push(givenTwice(nodePropKey(prop), nodeOwner(decl), earlier, prop));
    else if (prop.kind === "param") {
      if (kept.params === NO_PARAM_PROPS) kept.params = [prop];
      else kept.params.push(prop);
    }
    else (kept as unknown as Record<Slot, NodeProp>)[slotOf(prop)] = prop;
  }
  return kept;
}

// (not a closure in the loop above: a closure there would make every step allocate its scope)
function paramNamed(params: NodeProps["params"], name: string): Kind<NodeProp, "param"> | undefined {
  return params.find((p) => p.name.text === name);
}

function slotOf(prop: Exclude<NodeProp, { kind: "param" }>): Slot {
  return prop.kind === "cost" && prop.perCall ? "costPerCall" : prop.kind;
}

const UNKNOWN_OP: Omit<OpInfo, "name"> = { metrics: {}, batchable: true, schema: {}, builtin: false };

export function nodeStream(decl: NodeDecl, catalog: Catalog, sink: Diagnostic[]): NodeStream {
  const props = nodeProps(decl, sink);
  const op = lookupOp(decl.op, catalog, sink);
  const model = lookupModel(props.model?.model, catalog, sink);
  const resolution = resolutionOf(props.resolution, sink);
  const durationSeconds = props.duration && positiveSeconds(props.duration.duration, "duration", sink);
  const { variants, retry, expectFail } = props;
  const node: NodeStream = {
    kind: "node",
    name: decl.name.text,
    decl,
    op,
    named: NO_NAMED,
    variants: (variants && wholeNumber(variants.count, "variants", { min: 1 }, sink)) ?? 1,
    retry: (retry && wholeNumber(retry.count, "retry", { min: 0 }, sink)) ?? 0,
    failRate: (expectFail && fraction(expectFail.percent, "expect fail", sink)) ?? ZERO,
    pricePerOutput: ZERO,
    overheadPerCall: props.costPerCall ? literal(props.costPerCall.amount.value) : (model?.overhead ?? ZERO),
    params: paramsOf(decl, op, props.params, sink),
  };
  const source = argsOf(decl, node, sink);
  // Optional fields are absent, not undefined: the model is compared and serialized as plain data.
  if (source) node.source = source;
  if (model) node.model = model;
  if (resolution) node.resolution = resolution;
  if (durationSeconds) node.durationSeconds = durationSeconds;
  node.pricePerOutput = outputPriceOf(node, props, sink);
  runtimeOptions(node, props, op, sink);
  return node;
}

/** Properties that shape how the runtime makes calls, not what they cost. */
function runtimeOptions(node: NodeStream, props: NodeProps, op: OpInfo, sink: Diagnostic[]): void {
  const { cache, timeout, concurrency, batch } = props;
  const ttl = cache?.ttl && !cache.off ? positiveSeconds(cache.ttl, "cache ttl", sink) : undefined;
  const timeoutSeconds = timeout && positiveSeconds(timeout.duration, "timeout", sink);
  const most = concurrency && wholeNumber(concurrency.count, "concurrency", { min: 1 }, sink);
  const size = batch && batchOf(batch, op, sink);
  if (ttl) node.cacheTtlSeconds = ttl;
  if (timeoutSeconds) node.timeoutSeconds = timeoutSeconds;
  if (most) node.concurrency = most;
  if (size) node.batch = size;
}

function lookupOp(ident: Ident, catalog: Catalog, sink: Diagnostic[]): OpInfo {
  const op = catalog.ops.get(ident.text);
  if (op) return op;
  sink.push(diag("FLOW211", `unknown op '${ident.text}'${didYouMean(ident.text, catalog.ops.keys())}`, ident.range));
  // Unknown op: accept any batch, metric or param so that one mistake reports once.
  return { name: ident.text, ...UNKNOWN_OP };
}

function lookupModel(ident: Ident | undefined, catalog: Catalog, sink: Diagnostic[]): ModelInfo | undefined {
  if (!ident) return undefined;
  const model = catalog.models.get(ident.text);
  if (!model) sink.push(diag("FLOW211", `unknown model '${ident.text}'${didYouMean(ident.text, catalog.models.keys())}`, ident.range));
  return model;
}

function resolutionOf(prop: Kind<NodeProp, "resolution"> | undefined, sink: Diagnostic[]): { width: number; height: number } | undefined {
  if (!prop) return undefined;
  const { width, height } = prop.resolution;
  if (width >= 1 && height >= 1) return { width, height };
  sink.push(diag("FLOW212", `resolution ${width}x${height} must be at least 1x1`, prop.resolution.range));
  return undefined;
}

function batchOf(prop: Kind<NodeProp, "batch">, op: OpInfo, sink: Diagnostic[]): number | undefined {
  if (op.batchable) return wholeNumber(prop.size, "batch", { min: 1 }, sink);
  sink.push(diag("FLOW212", `op '${op.name}' is not batchable: 'batch' is not allowed`, prop.range));
  return undefined;
}

/** Sets the node's named arguments; returns its primary one. */
function argsOf(decl: NodeDecl, node: NodeStream, sink: Diagnostic[]): StreamRef | undefined {
  // one pass over the arguments: most nodes have one, positional (a hot path on large flows)
  let primary: Arg | undefined;
  let namedArgs: NamedArg[] | undefined;
  for (const arg of decl.args) {
    if (arg.kind === "named") (namedArgs ??= []).push(arg);
    else if (!primary) primary = arg;
    else sink.push(diag("FLOW212", `node '${decl.name.text}' reads one stream: pass '${arg.ref.name.text}' as a named argument (e.g. 'ref: ${arg.ref.name.text}')`, arg.range));
  }
  if (namedArgs) node.named = keptProps(namedArgs, namedArgKey, nodeOwner, decl, sink).map(namedArg);
  return primary && { name: primary.ref.name.text, rejected: primary.ref.rejected !== undefined };
}

const nodeOwner = (decl: NodeDecl): string => `node '${decl.name.text}'`;
const namedArgKey = (arg: NamedArg): string => `${arg.name.text}:`;

function namedArg(arg: NamedArg): NodeStream["named"][number] {
  return { name: arg.name.text, ref: { name: arg.ref.name.text, rejected: arg.ref.rejected !== undefined } };
}

// Most nodes have no named arguments and no params: they share one empty list and one empty
// record (the model is read, never changed).
const NO_NAMED: NodeStream["named"] = Object.freeze([]) as unknown as NodeStream["named"];
const NO_PARAMS: Record<string, unknown> = Object.freeze({});

/** whether an op's schema accepts no params, worked out once per op (most nodes have none) */
const ACCEPTS_NONE = new WeakMap<OpInfo, boolean>();

/**
 * A schema that only describes properties, none required, accepts no params: known without
 * compiling it (ajv's compile is the largest cost of a small check's start).
 */
function plainlyOptional(schema: Record<string, unknown>): boolean {
  return schema.type === "object" && Object.keys(schema).every((k) => k === "type" || k === "properties" || k === "additionalProperties" || k === "description" || k === "title");
}

function paramsOf(decl: NodeDecl, op: OpInfo, props: NodeProps["params"], sink: Diagnostic[]): Record<string, unknown> {
  if (props.length === 0) {
    let none = ACCEPTS_NONE.get(op);
    if (none === undefined) ACCEPTS_NONE.set(op, (none = plainlyOptional(op.schema) || paramDiagnostics(decl, op, {}, new Map()).length === 0));
    if (none) return NO_PARAMS;
  }
  const sites = new Map<string, { name: Ident; value: Value }>();
  for (const prop of props) sites.set(prop.name.text, prop);
  const params = Object.fromEntries([...sites].map(([name, site]) => [name, paramJson(site.value)]));
  sink.push(...paramDiagnostics(decl, op, params, sites));
  return params;
}

/**
 * The node's `cost` replaces the model's price; FLOW206 when a unit of the model's rate has no
 * figure. The node is its own price basis: its resolution and duration are set.
 */
function outputPriceOf(node: NodeStream, props: NodeProps, sink: Diagnostic[]): Decimal {
  const { decl, model } = node;
  if (!props.model && !props.cost && !props.costPerCall) {
    sink.push(diag("FLOW214", `node '${decl.name.text}' has neither a model nor a cost: it is priced at 0 credits`, decl.name.range));
  }
  if (props.cost) return literal(props.cost.amount.value);
  if (!model || !props.model) return ZERO;
  const price = outputPrice(model, node);
  if (price) return price;
  for (const unit of model.units) {
    if (unitFigure(unit, node) !== undefined) continue;
    sink.push(diag("FLOW206", `model '${model.name}' is priced per ${unit}: node '${decl.name.text}' needs a ${unit === "megapixel" ? "resolution" : "duration"}`, props.model.model.range));
  }
  return ZERO;
}

/** A gate or a review from what they share: the expected rate and the `else` clause. */
function gate(
  decl: GateDecl | ReviewDecl,
  reading: { human: boolean; source: StreamRef; conds: GateStream["conds"] },
  props: readonly { kind: string; range: GateDecl["range"] }[],
  rate: PercentLit | undefined,
  label: string,
  sink: Diagnostic[],
): GateStream {
  const otherwise = props.find(isElse);
  const action = otherwise?.action;
  const passRate = rate && fraction(rate, label, sink);
  const stream: GateStream = {
    kind: "gate",
    name: decl.name.text,
    decl,
    human: reading.human,
    source: reading.source,
    conds: reading.conds,
    passRate: passRate ?? ONE,
    passRateGiven: passRate !== undefined,
    discards: action !== undefined && (action.kind === "discard" || action.thenDiscard),
  };
  if (action?.kind === "retry") stream.retry = { target: action.target.text, upTo: wholeNumber(action.upTo, "up to", { min: 1 }, sink) ?? 1, chain: [] };
  return stream;
}

const isElse = (prop: { kind: string }): prop is ElseClause => prop.kind === "else";
const gateOwner = (decl: GateDecl): string => `gate '${decl.name.text}'`;
const gatePropKey = (prop: GateProp): string => (prop.kind === "expectPass" ? "expect pass" : "else");
const reviewOwner = (decl: ReviewDecl): string => `review '${decl.name.text}'`;
const reviewPropKey = (prop: ReviewDecl["props"][number]): string => (prop.kind === "expectApprove" ? "expect approve" : prop.kind);

function condOf(cond: GateDecl["conds"][number]): GateStream["conds"][number] {
  return { metric: cond.metric.text, op: cond.op, threshold: literal(cond.threshold.value) };
}

export function gateStream(decl: GateDecl, sink: Diagnostic[]): GateStream {
  const props = keptProps(decl.props, gatePropKey, gateOwner, decl, sink);
  const first = decl.conds[0];
  for (let i = 1; i < decl.conds.length; i++) {
    const cond = decl.conds[i]!;
    if (cond.source.text !== first!.source.text) {
      sink.push(diag("FLOW212", `the conditions of ${gateOwner(decl)} name different sources: '${cond.source.text}' here, '${first!.source.text}' before`, cond.source.range));
    }
  }
  const conds = decl.conds.map(condOf);
  return gate(decl, { human: false, source: { name: first?.source.text ?? "", rejected: false }, conds }, props, find(props, "expectPass")?.percent, "expect pass", sink);
}

export function reviewStream(decl: ReviewDecl, sink: Diagnostic[]): GateStream {
  const props = keptProps(decl.props, reviewPropKey, reviewOwner, decl, sink);
  const timeout = find(props, "timeout");
  if (timeout) positiveSeconds(timeout.duration, "timeout", sink);
  const source = { name: decl.source.name.text, rejected: decl.source.rejected !== undefined };
  return gate(decl, { human: true, source, conds: [] }, props, find(props, "expectApprove")?.percent, "expect approve", sink);
}

export function selectStream(decl: SelectDecl, sink: Diagnostic[]): SelectStream {
  let pick = 1;
  if (decl.pick) {
    if (decl.pick.value === "0") sink.push(diag("FLOW209", `select '${decl.name.text}' must pick at least 1`, decl.pick.range));
    else pick = wholeNumber(decl.pick, "pick", { min: 1 }, sink) ?? 1;
  }
  return {
    kind: "select",
    name: decl.name.text,
    decl,
    source: decl.source.text,
    pick,
    by: decl.by.kind === "human" ? { kind: "human" } : { kind: decl.by.kind, metric: decl.by.metric.text },
  };
}

/** The flow's budget: the first block; a percent alert becomes credits of the cap. */
export function budgetOf(blocks: BudgetDecl[], sink: Diagnostic[]): Budget | undefined {
  const [decl, ...more] = blocks;
  if (!decl) return undefined;
  for (const extra of more) sink.push(diag("FLOW212", `'budget' is given twice (first on line ${decl.keyword.start.line})`, extra.keyword));
  const props = keptProps(decl.props, (p) => p.kind, () => "the budget", undefined, sink);
  const cap = find(props, "cap");
  const alert = find(props, "alert");
  const capCredits = cap && dec(cap.amount.value);
  let alertCredits: Decimal | undefined;
  if (alert?.amount) alertCredits = dec(alert.amount.value);
  else if (alert?.percent && capCredits) alertCredits = exactShift(exactTimes(capCredits, dec(alert.percent.value)), 2);
  else if (alert?.percent) sink.push(diag("FLOW212", "an alert in percent needs a 'cap'", alert.percent.range));
  return {
    ...(capCredits ? { cap: capCredits } : {}),
    ...(alertCredits ? { alert: alertCredits } : {}),
    strict: find(props, "strict") !== undefined,
    decl,
  };
}
