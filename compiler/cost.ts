// The cost analysis of section 5: the exact worst case with a witness run that reaches it, and the
// expected spend. A flow is a forest of streams (each stream reads one primary source), so the
// worst case is computed bottom-up as a function of the item count entering each stream, and the
// witness and the expected figures top-down in declaration order.
import { Decimal, ONE, ZERO, sum } from "../syntax/credits";
import { type CountFn, Units, ZERO_FN, add, at, bestSplit, linear, scaleCount, splitMax, tabulate, times as timesFn } from "./count-fn";
import type { FlowModel, GateStream, NodeStream, SelectStream, Stream, StreamRef } from "./model";
import type { CostReport, NodeCost, Witness } from "./cost-report";
import { compareCodePoints } from "../syntax/order";

export interface CostOptions {
  /** cached nodes are hits: they cost nothing */
  warm: boolean;
}

export function analyzeCost(model: FlowModel, options: CostOptions): CostReport {
  const shape = new FlowShape(model, options.warm);
  const worst = worstCase(shape);
  const witness = witnessRun(shape, worst);
  const expected = expectedRun(shape);
  const rows = nodeRows(shape, witness, expected);
  const worstTotal = rows.reduce((t, r) => t + r.worstUnits, 0n);
  const topTwo = rows.slice(0, 2).reduce((t, r) => t + r.worstUnits, 0n);
  return {
    flow: model.name,
    warm: options.warm,
    worstCase: shape.units.credits(worstTotal),
    expected: sum(rows.map((r) => r.cost.expected)),
    nodes: rows.map((r) => Object.assign(r.cost, { worstCase: shape.units.credits(r.worstUnits), share: Units.ratio(r.worstUnits, worstTotal) })),
    topTwoShare: Units.ratio(topTwo, worstTotal),
    cap: model.budget?.cap,
    alert: model.budget?.alert,
    witness: witness.witness,
  };
}

/** What the three passes share: the streams, their consumers, maximum counts and retry chains. */
class FlowShape {
  readonly maxCount = new Map<string, number>();
  /** chain node → the gate that retries it */
  readonly chainGate = new Map<string, GateStream>();
  /** retry target → the gate whose rounds it starts */
  readonly chainStart = new Map<string, GateStream>();
  readonly units: Units;
  /** per node: credits per output (× variants) and per call, in units */
  private readonly prices = new Map<string, { perItem: bigint; perCall: bigint }>();
  private readonly readers = new Map<string, { pass: Stream[]; rejected: Stream[] }>();
  private readonly entering = new Map<string, number>();

  constructor(
    readonly model: FlowModel,
    readonly warm: boolean,
  ) {
    for (const s of model.streams) {
      if (s.kind === "gate" && s.retry) {
        this.chainStart.set(s.retry.target, s);
        for (const name of s.retry.chain) this.chainGate.set(name, s);
      }
    }
    for (const s of model.streams) this.maxCount.set(s.name, this.countOut(s));
    const nodes = model.streams.filter((s): s is NodeStream => s.kind === "node");
    this.units = Units.fitting(nodes.flatMap((n) => [n.pricePerOutput, n.overheadPerCall]));
    for (const n of nodes) {
      this.prices.set(n.name, { perItem: this.units.of(n.pricePerOutput) * BigInt(n.variants), perCall: this.units.of(n.overheadPerCall) });
    }
  }

  /** chain nodes after the target, and the retried gate itself, are walked with the target */
  handledByChain(s: Stream): boolean {
    if (s.kind === "gate") return s.retry !== undefined;
    return this.chainGate.has(s.name) && !this.chainStart.has(s.name);
  }

  node(name: string): NodeStream {
    const s = this.model.byName.get(name);
    if (s?.kind !== "node") throw new Error(`internal: '${name}' is not a node`);
    return s;
  }

  consumers(name: string): { pass: Stream[]; rejected: Stream[] } {
    let found = this.readers.get(name);
    if (!found) {
      const c = this.model.consumers.get(name);
      const lookup = (n: string) => this.model.byName.get(n)!;
      found = { pass: (c?.pass ?? []).map(lookup), rejected: (c?.rejected ?? []).map(lookup) };
      this.readers.set(name, found);
    }
    return found;
  }

  /** items entering a stream from its primary source, at most */
  maxIn(s: Stream): number {
    let count = this.entering.get(s.name);
    if (count === undefined) {
      count = this.maxInOf(s);
      this.entering.set(s.name, count);
    }
    return count;
  }

  private maxInOf(s: Stream): number {
    if (s.kind === "input") return s.max;
    if (s.kind === "node") return s.source ? this.maxCount.get(s.source.name)! : 1;
    if (s.kind === "gate") return this.maxCount.get(s.source.name)!;
    return this.maxIn(this.node(s.source));
  }

  private countOut(s: Stream): number {
    if (s.kind === "node") return s.variants * this.maxIn(s);
    if (s.kind === "select") return s.pick * this.maxIn(s);
    return this.maxIn(s);
  }

  /** the node is a cache hit under --warm */
  free(n: NodeStream): boolean {
    return this.warm && n.cacheTtlSeconds !== undefined;
  }

  calls(n: NodeStream, items: number): number {
    return n.batch ? Math.ceil(items / n.batch) : items;
  }

  /** credits of one round of the node over `items` items when every call takes `attempts` attempts */
  roundCost(n: NodeStream, items: number, attempts: number): bigint {
    if (this.free(n) || items === 0) return 0n;
    const { perItem, perCall } = this.prices.get(n.name)!;
    return (perCall * BigInt(this.calls(n, items)) + perItem * BigInt(items)) * BigInt(attempts);
  }

  /** the worst-case credits of one round of the node itself, as a function of its input count */
  selfWorst(n: NodeStream, size: number): CountFn {
    const attempts = n.retry + 1;
    if (this.free(n)) return ZERO_FN;
    const { perItem, perCall } = this.prices.get(n.name)!;
    if (!n.batch || n.batch === 1) return linear((perCall + perItem) * BigInt(attempts));
    return tabulate(size, (m) => this.roundCost(n, m, attempts));
  }
}

type Fns = Map<string, CountFn>;

/**
 * fn(S)(m): the worst-case credits of S and everything downstream of it when m items enter S.
 * Computed in reverse declaration order, so every consumer is known before its source.
 */
function worstCase(shape: FlowShape): Fns {
  const fns: Fns = new Map();
  const streams = shape.model.streams;
  for (let i = streams.length - 1; i >= 0; i--) {
    const s = streams[i]!;
    const fn = streamWorst(shape, s, fns);
    if (fn) fns.set(s.name, fn);
  }
  return fns;
}

function streamWorst(shape: FlowShape, s: Stream, fns: Fns): CountFn | undefined {
  const size = shape.maxIn(s);
  switch (s.kind) {
    case "input":
    case "select":
      return downstream(shape.consumers(s.name).pass, fns, shape.maxCount.get(s.name)!);
    case "gate":
      return s.retry ? undefined : gateWorst(shape, s, fns, size);
    case "node":
      if (shape.chainStart.has(s.name)) return chainWorst(shape, shape.chainStart.get(s.name)!, fns, size);
      if (shape.chainGate.has(s.name)) return undefined;
      return nodeWorst(shape, s, fns, size);
  }
}

/** Σ fn(c)(m) over consumers that all receive the same m items */
function downstream(consumers: Stream[], fns: Fns, size: number): CountFn {
  let total = ZERO_FN;
  for (const c of consumers) total = add(total, entryFn(c, fns), size);
  return total;
}

function entryFn(c: Stream, fns: Fns): CountFn {
  const fn = fns.get(c.name);
  if (!fn) throw new Error(`internal: no worst-case function for '${c.name}'`);
  return fn;
}

function gateWorst(shape: FlowShape, g: GateStream, fns: Fns, size: number): CountFn {
  const { pass, rejected } = shape.consumers(g.name);
  return splitMax(downstream(pass, fns, size), downstream(rejected, fns, size), size);
}

function nodeWorst(shape: FlowShape, n: NodeStream, fns: Fns, size: number): CountFn {
  let total = shape.selfWorst(n, size);
  for (const c of shape.consumers(n.name).pass) {
    const factor = c.kind === "select" ? c.pick : n.variants;
    total = add(total, scaleCount(entryFn(c, fns), factor, size), size);
  }
  return total;
}

/**
 * A gate that retries from `target`: the worst case runs every round with all items (each chain
 * node is monotone in its items), rejects everything until the last round, and splits there.
 */
function chainWorst(shape: FlowShape, g: GateStream, fns: Fns, size: number): CountFn {
  const rounds = g.retry!.upTo + 1;
  let total = gateWorst(shape, g, fns, size);
  for (const name of g.retry!.chain) {
    total = add(total, timesFn(shape.selfWorst(shape.node(name), size), rounds, size), size);
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// The witness: walk top-down with concrete counts, taking at each gate a split that attains the
// maximum. Every node's spend in this run is recorded; their sum is the worst case.

interface WitnessRun {
  witness: Witness;
  /** credits and counts per node in the witness run */
  spend: Map<string, { units: bigint; calls: number; items: number; attempts: number }>;
}

function witnessRun(shape: FlowShape, fns: Fns): WitnessRun {
  const run = new CountWalk(shape);
  const witness: Witness = { inputs: [], gates: [], nodes: [] };
  const spend: WitnessRun["spend"] = new Map();
  const recordNode = (n: NodeStream, rounds: { round: number; items: number; calls: number }[]) => {
    const attempts = n.retry + 1;
    witness.nodes.push({ name: n.name, rounds, attemptsPerCall: attempts });
    const calls = rounds.reduce((t, r) => t + r.calls, 0);
    spend.set(n.name, {
      units: rounds.reduce((t, r) => t + shape.roundCost(n, r.items, attempts), 0n),
      calls,
      items: rounds.reduce((t, r) => t + r.items, 0),
      attempts: shape.free(n) ? 0 : calls * attempts,
    });
  };
  const split = (g: GateStream, m: number) => {
    const { pass, rejected } = shape.consumers(g.name);
    return bestSplit(downstream(pass, fns, m), downstream(rejected, fns, m), m, g.passRate);
  };
  for (const s of shape.model.streams) {
    if (shape.handledByChain(s)) continue;
    if (s.kind === "input") {
      witness.inputs.push({ name: s.name, count: s.max });
      run.set(s.name, s.max);
    } else if (s.kind === "node" && shape.chainStart.has(s.name)) {
      const g = shape.chainStart.get(s.name)!;
      const m = run.entering(s);
      const a = split(g, m);
      const rounds = Array.from({ length: g.retry!.upTo + 1 }, (_, r) => r);
      for (const name of g.retry!.chain) {
        const n = shape.node(name);
        recordNode(n, rounds.map((round) => ({ round, items: m, calls: shape.calls(n, m) })));
        run.set(name, m);
      }
      const last = rounds.length - 1;
      witness.gates.push({
        name: g.name,
        human: g.human,
        rounds: rounds.map((round) => ({ round, checked: m, passed: round === last ? a : 0, rejected: round === last ? m - a : m })),
      });
      run.set(g.name, a, m - a);
    } else if (s.kind === "node") {
      const m = run.entering(s);
      recordNode(s, [{ round: 0, items: m, calls: shape.calls(s, m) }]);
      run.set(s.name, s.variants * m);
    } else if (s.kind === "gate") {
      const m = run.entering(s);
      const a = split(s, m);
      witness.gates.push({ name: s.name, human: s.human, rounds: [{ round: 0, checked: m, passed: a, rejected: m - a }] });
      run.set(s.name, a, m - a);
    } else {
      run.set(s.name, s.pick * run.groups(s));
    }
  }
  return { witness, spend };
}

/** Item counts per stream during a top-down walk (integers for the witness, decimals for expected). */
class CountWalk<T = number> {
  private readonly pass = new Map<string, T>();
  private readonly rejected = new Map<string, T>();

  constructor(
    private readonly shape: FlowShape,
    private readonly one: T = 1 as T,
  ) {}

  set(name: string, pass: T, rejected?: T): void {
    this.pass.set(name, pass);
    if (rejected !== undefined) this.rejected.set(name, rejected);
  }

  of(ref: StreamRef): T {
    const v = (ref.rejected ? this.rejected : this.pass).get(ref.name);
    if (v === undefined) throw new Error(`internal: count of '${ref.name}' read before it was set`);
    return v;
  }

  /** items entering a node or gate from its primary source */
  entering(s: NodeStream | GateStream): T {
    if (s.kind === "node" && !s.source) return this.one;
    return this.of(s.source!);
  }

  /** items the select's source node received: one group of variants each */
  groups(s: SelectStream): T {
    return this.entering(this.shape.node(s.source));
  }
}

// ---------------------------------------------------------------------------------------------
// Expected spend: the same walk with expected (fractional) counts.

interface ExpectedFigures {
  credits: Decimal;
  calls: Decimal;
  items: Decimal;
}

function expectedRun(shape: FlowShape): Map<string, ExpectedFigures> {
  const run = new CountWalk<Decimal>(shape, ONE);
  const figures = new Map<string, ExpectedFigures>();
  const charge = (n: NodeStream, items: Decimal) => {
    const calls = n.batch ? items.div(n.batch).ceil() : items;
    const outputs = n.variants === 1 ? items : items.times(n.variants);
    const credits = shape.free(n) ? ZERO : times(attemptsFactor(n), plus(product(n.pricePerOutput, outputs), product(n.overheadPerCall, calls)));
    const f = figures.get(n.name);
    figures.set(n.name, f ? { credits: f.credits.plus(credits), calls: f.calls.plus(calls), items: f.items.plus(items) } : { credits, calls, items });
    return times(outputs, survival(n));
  };
  for (const s of shape.model.streams) {
    if (shape.handledByChain(s)) continue;
    if (s.kind === "input") run.set(s.name, s.expect);
    else if (s.kind === "node" && shape.chainStart.has(s.name)) expectedRounds(shape, shape.chainStart.get(s.name)!, run.entering(s), charge, run);
    else if (s.kind === "node") run.set(s.name, charge(s, run.entering(s)));
    else if (s.kind === "gate") {
      const m = run.entering(s);
      run.set(s.name, m.times(s.passRate), m.times(ONE.minus(s.passRate)));
    } else run.set(s.name, times(run.groups(s), survival(shape.node(s.source))).times(s.pick));
  }
  return figures;
}

/** rounds of a retried chain: n, n·q, n·q², … items, passes summed over the rounds */
function expectedRounds(shape: FlowShape, g: GateStream, entering: Decimal, charge: (n: NodeStream, items: Decimal) => Decimal, run: CountWalk<Decimal>) {
  let items = entering;
  let passed = ZERO;
  let rejected = ZERO;
  for (let round = 0; round <= g.retry!.upTo; round++) {
    let out = items;
    for (const name of g.retry!.chain) out = charge(shape.node(name), out);
    passed = passed.plus(out.times(g.passRate));
    rejected = out.times(ONE.minus(g.passRate));
    items = rejected;
  }
  for (const name of g.retry!.chain) run.set(name, ZERO);
  run.set(g.name, passed, rejected);
}

// Shortcuts for the common exact ones and zeros: expected figures are the analysis' hot path.
function times(a: Decimal, b: Decimal): Decimal {
  return b === ONE ? a : a.times(b);
}

function product(price: Decimal, count: Decimal): Decimal {
  return price.isZero() ? ZERO : price.times(count);
}

function plus(a: Decimal, b: Decimal): Decimal {
  return a === ZERO ? b : b === ZERO ? a : a.plus(b);
}

/** 1 + f + f² + … + f^K: expected attempts per call */
function attemptsFactor(n: NodeStream): Decimal {
  if (n.retry === 0 || n.failRate.isZero()) return ONE;
  let total = ZERO;
  let term = ONE;
  for (let k = 0; k <= n.retry; k++) {
    total = total.plus(term);
    term = term.times(n.failRate);
  }
  return total;
}

/** chance that a call succeeds within its attempts: 1 − f^(K+1) */
function survival(n: NodeStream): Decimal {
  if (n.failRate.isZero()) return ONE;
  return ONE.minus(n.failRate.pow(n.retry + 1));
}

interface NodeRow {
  worstUnits: bigint;
  /** worstCase and share are filled in from `worstUnits` once the total is known */
  cost: NodeCost;
}

/** one row per node, sorted by worst case, highest first */
function nodeRows(shape: FlowShape, witness: WitnessRun, expected: Map<string, ExpectedFigures>): NodeRow[] {
  const rows: NodeRow[] = [];
  for (const s of shape.model.streams) {
    if (s.kind !== "node") continue;
    const w = witness.spend.get(s.name) ?? { units: 0n, calls: 0, items: 0, attempts: 0 };
    const e = expected.get(s.name) ?? { credits: ZERO, calls: ZERO, items: ZERO };
    rows.push({
      worstUnits: w.units,
      cost: {
        name: s.name,
        op: s.op.name,
        range: s.decl.range,
        worstCalls: w.calls,
        worstAttempts: w.attempts,
        worstItems: w.items,
        expectedCalls: e.calls,
        expectedItems: e.items,
        expected: e.credits,
        cacheHit: shape.free(s),
        worstCase: ZERO,
        share: ZERO,
      },
    });
  }
  const byWorst = (a: NodeRow, b: NodeRow) => (a.worstUnits === b.worstUnits ? 0 : a.worstUnits > b.worstUnits ? -1 : 1);
  return rows.sort((a, b) => byWorst(a, b) || b.cost.expected.comparedTo(a.cost.expected) || compareCodePoints(a.cost.name, b.cost.name));
}

/** The worst case straight from the bottom-up functions, for cross-checking the witness. */
export function worstCaseTotal(model: FlowModel, options: CostOptions): Decimal {
  const shape = new FlowShape(model, options.warm);
  const fns = worstCase(shape);
  let total = 0n;
  for (const s of model.streams) {
    if (s.kind === "input") total += at(fns.get(s.name)!, s.max);
    if (s.kind === "node" && !s.source) total += at(fns.get(s.name)!, 1);
  }
  return shape.units.credits(total);
}
