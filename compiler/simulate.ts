// Monte Carlo spend: N simulated runs of a flow, each drawing how many items pass every gate and
// review and how many attempts every call takes, to show how spend is distributed between the
// expected figure and the worst case. Runs are simulated as counts, not items: a gate over m
// items is one binomial draw, the attempts of c calls are a chain of binomial draws. Credits stay
// exact: a run's spend is a whole number of the flow's price units (compiler/count-fn.ts `Units`);
// floats carry only probabilities.
import type { CostReport } from "./cost-report";
import { Decimal, ZERO } from "../syntax/credits";
import { Units } from "./pricing/units";
import type { FlowModel, NodeStream, Stream, StreamRef } from "./model";
import { maxCounts } from "./pricing/counts";

/** `expect`: every input holds its `expect` count; `uniform`: any count from its minimum to its maximum, equally likely. */
export type InputMode = "expect" | "uniform";

export interface SimulateOptions {
  runs: number;
  seed: number;
  inputs: InputMode;
  /** cached nodes are hits: they cost nothing (as `flowc cost --warm`) */
  warm: boolean;
  /** bars of the histogram */
  bins?: number;
}

export interface HistogramBin {
  /** runs that spent at least `from` and less than `to` */
  from: Decimal;
  to: Decimal;
  runs: number;
}

export interface SimulationReport {
  flow: string;
  runs: number;
  seed: number;
  inputs: InputMode;
  warm: boolean;
  worstCase: Decimal;
  expected: Decimal;
  /** the sample mean, exact */
  mean: Decimal;
  /** the standard error of the mean: sample standard deviation / √runs */
  standardError: Decimal;
  min: Decimal;
  p50: Decimal;
  p90: Decimal;
  p99: Decimal;
  max: Decimal;
  cap?: Decimal;
  alert?: Decimal;
  /** runs whose spend would exceed the cap: the runtime pauses them */
  overCap: number;
  /** runs whose spend crosses the alert: the runtime flags them */
  overAlert: number;
  histogram: HistogramBin[];
}

const DEFAULT_BINS = 12;

export function simulateSpend(model: FlowModel, report: CostReport, options: SimulateOptions): SimulationReport {
  const plan = new Plan(model, options.warm);
  const samples = plan.sample(options.runs, makeRandom(options.seed), options.inputs);
  return summarize(samples, plan.units, report, options);
}

// ---------------------------------------------------------------------------------------------
// A seeded PRNG: sfc32, seeded through splitmix32. Fast, 32 bits per draw, good enough for
// sampling; the same seed gives the same runs on every machine.

export function makeRandom(seed: number): () => number {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** A draw from Binomial(n, p). Small n: n Bernoulli trials; larger n: the gaps between successes (O(n·p) draws). */
export function binomial(n: number, p: number, random: () => number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(n, 1 - p, random);
  if (n < 16) {
    let x = 0;
    for (let i = 0; i < n; i++) if (random() < p) x++;
    return x;
  }
  const logQ = Math.log1p(-p);
  let x = 0;
  let trials = 0;
  for (;;) {
    trials += Math.floor(Math.log(1 - random()) / logQ) + 1;
    if (trials > n) return x;
    x++;
  }
}

// ---------------------------------------------------------------------------------------------
// The plan: the model compiled to steps over integer slots, so that a run is a loop over arrays.

interface NodeStep {
  kind: "node";
  /** index among the flow's nodes (its counters and prices) */
  node: number;
  out: number;
  /** slot read, or -1 for a node without arguments (one call) */
  source: number;
  variants: number;
  /** items per call (1 without `batch`) */
  batch: number;
  retry: number;
  fail: number;
}

type Step =
  | { kind: "input"; out: number; min: number; max: number; expectWhole: number; expectFraction: number }
  | NodeStep
  | { kind: "gate"; out: number; rejected: number; source: number; pass: number }
  | { kind: "chain"; out: number; rejected: number; source: number; pass: number; rounds: number; chain: NodeStep[] }
  | { kind: "select"; out: number; node: number; pick: number };

class Plan {
  readonly units: Units;
  private readonly steps: Step[] = [];
  private readonly slots = new Map<string, number>();
  private readonly nodes: NodeStream[];
  private readonly nodeIndex: Map<string, number>;
  private slotCount = 0;
  /** per node, in units: the price of one attempt per call, and per item of a call (× variants) */
  private readonly perCall: number[];
  private readonly perItem: number[];
  private readonly perCallBig: bigint[];
  private readonly perItemBig: bigint[];
  /** whether a run's spend stays below 2^53 units, so that float arithmetic on it is exact */
  private readonly safe: boolean;

  constructor(
    private readonly model: FlowModel,
    private readonly warm: boolean,
  ) {
    this.nodes = model.streams.filter((s): s is NodeStream => s.kind === "node");
    this.nodeIndex = new Map(this.nodes.map((n, i) => [n.name, i]));
    this.units = Units.fitting(this.nodes.flatMap((n) => [n.pricePerOutput, n.overheadPerCall]));
    const free = (n: NodeStream) => warm && n.cacheTtlSeconds !== undefined;
    this.perCallBig = this.nodes.map((n) => (free(n) ? 0n : this.units.of(n.overheadPerCall)));
    this.perItemBig = this.nodes.map((n) => (free(n) ? 0n : this.units.of(n.pricePerOutput) * BigInt(n.variants)));
    this.perCall = this.perCallBig.map(Number);
    this.perItem = this.perItemBig.map(Number);
    this.safe = this.spendBound() <= BigInt(Number.MAX_SAFE_INTEGER);
    this.compile();
  }

  /** the most any run can charge: every node at its largest item count, every call at its last attempt */
  private spendBound(): bigint {
    const most = maxCounts(this.model);
    let total = 0n;
    this.nodes.forEach((n, i) => {
      const items = n.source ? (most.get(n.source.name) ?? 0n) : 1n;
      const calls = n.batch ? (items + BigInt(n.batch) - 1n) / BigInt(n.batch) : items;
      const rounds = BigInt(this.roundsOf(n.name));
      total += (calls * this.perCallBig[i]! + items * this.perItemBig[i]!) * BigInt(n.retry + 1) * rounds;
    });
    return total;
  }

  private roundsOf(node: string): number {
    for (const s of this.model.streams) if (s.kind === "gate" && s.retry?.chain.includes(node)) return s.retry.upTo + 1;
    return 1;
  }

  private slot(name: string): number {
    let index = this.slots.get(name);
    if (index === undefined) {
      index = this.slotCount;
      this.slotCount += 2;
      this.slots.set(name, index);
    }
    return index;
  }

  /** pass items at the slot, `.rejected` items at the slot + 1 */
  private ref(ref: StreamRef): number {
    return this.slot(ref.name) + (ref.rejected ? 1 : 0);
  }

  private compile(): void {
    const chained = new Set<string>();
    for (const s of this.model.streams) if (s.kind === "gate" && s.retry) for (const name of s.retry.chain) chained.add(name);
    for (const s of this.model.streams) {
      if (s.kind === "node" && chained.has(s.name)) continue;
      this.steps.push(this.stepOf(s));
    }
  }

  private stepOf(s: Stream): Step {
    switch (s.kind) {
      case "input": {
        const expect = s.single ? new Decimal(1) : s.expect;
        const whole = expect.floor();
        return { kind: "input", out: this.slot(s.name), min: s.single ? 1 : s.min, max: s.max, expectWhole: whole.toNumber(), expectFraction: expect.minus(whole).toNumber() };
      }
      case "node":
        return this.nodeStep(s);
      case "gate": {
        const base = { out: this.slot(s.name), rejected: this.slot(s.name) + 1, pass: s.passRate.toNumber() };
        if (!s.retry) return { kind: "gate", ...base, source: this.ref(s.source) };
        const chain = s.retry.chain.map((name) => this.nodeStep(this.model.byName.get(name) as NodeStream));
        return { kind: "chain", ...base, source: chain[0]!.source, rounds: s.retry.upTo + 1, chain };
      }
      case "select":
        return { kind: "select", out: this.slot(s.name), node: this.slot(s.source) + 1, pick: s.pick };
    }
  }

  private nodeStep(n: NodeStream): NodeStep {
    return {
      kind: "node",
      node: this.nodeIndex.get(n.name)!,
      out: this.slot(n.name),
      source: n.source ? this.ref(n.source) : -1,
      variants: n.variants,
      batch: n.batch ?? 1,
      retry: n.retry,
      // a cache hit makes no call, so it cannot fail (contract, section 5)
      fail: this.warm && n.cacheTtlSeconds !== undefined ? 0 : n.failRate.toNumber(),
    };
  }

  /** every run's spend in units, in run order */
  sample(runs: number, random: () => number, inputs: InputMode): bigint[] {
    const counts = new Float64Array(this.slotCount);
    const charged = new Float64Array(this.nodes.length * 2);
    const spend = new Array<bigint>(runs);
    for (let r = 0; r < runs; r++) {
      charged.fill(0);
      for (const step of this.steps) this.run(step, counts, charged, random, inputs);
      spend[r] = this.spendOf(charged);
    }
    return spend;
  }

  /**
   * One step of one run. For a node the slot after its pass items holds the items that survived
   * their calls (one group of variants each), which is what a select of it keeps `pick` of.
   */
  private run(step: Step, counts: Float64Array, charged: Float64Array, random: () => number, inputs: InputMode): void {
    switch (step.kind) {
      case "input":
        counts[step.out] = inputs === "uniform" ? step.min + Math.floor(random() * (step.max - step.min + 1)) : step.expectWhole + (random() < step.expectFraction ? 1 : 0);
        return;
      case "node":
        runNode(step, step.source < 0 ? 1 : counts[step.source]!, counts, charged, random);
        return;
      case "gate": {
        const m = counts[step.source]!;
        const passed = binomial(m, step.pass, random);
        counts[step.out] = passed;
        counts[step.rejected] = m - passed;
        return;
      }
      case "chain":
        return runChain(step, counts, charged, random);
      case "select":
        counts[step.out] = counts[step.node]! * step.pick;
        return;
    }
  }

  /** Σ attempts × price per call + item-attempts × price per item, exactly */
  private spendOf(charged: Float64Array): bigint {
    if (this.safe) {
      let total = 0;
      for (let i = 0; i < this.nodes.length; i++) total += charged[2 * i]! * this.perCall[i]! + charged[2 * i + 1]! * this.perItem[i]!;
      return BigInt(total);
    }
    let total = 0n;
    for (let i = 0; i < this.nodes.length; i++) total += BigInt(charged[2 * i]!) * this.perCallBig[i]! + BigInt(charged[2 * i + 1]!) * this.perItemBig[i]!;
    return total;
  }
}

/** The calls of one node over m items: attempts charged, items lost to calls that failed every attempt. */
function runNode(step: NodeStep, m: number, counts: Float64Array, charged: Float64Array, random: () => number): number {
  const full = Math.floor(m / step.batch);
  const rest = m - full * step.batch;
  const fullCalls = attempts(full, step, random);
  const restCall = rest > 0 ? attempts(1, step, random) : NO_ATTEMPTS;
  charged[2 * step.node] += fullCalls.attempts + restCall.attempts;
  charged[2 * step.node + 1] += fullCalls.attempts * step.batch + restCall.attempts * rest;
  const survived = m - fullCalls.lost * step.batch - restCall.lost * rest;
  counts[step.out] = survived * step.variants;
  counts[step.out + 1] = survived;
  return survived * step.variants;
}

const NO_ATTEMPTS = { attempts: 0, lost: 0 };

/** c calls: every call makes a first attempt; those failing it try again, up to `retry` more times. */
function attempts(calls: number, step: NodeStep, random: () => number): { attempts: number; lost: number } {
  if (step.fail <= 0) return { attempts: calls, lost: 0 };
  let total = 0;
  let trying = calls;
  for (let k = 0; k <= step.retry && trying > 0; k++) {
    total += trying;
    trying = binomial(trying, step.fail, random);
  }
  return { attempts: total, lost: trying };
}

/** A gate that retries from its chain's first node: rounds of the chain over the items rejected last round. */
function runChain(step: Extract<Step, { kind: "chain" }>, counts: Float64Array, charged: Float64Array, random: () => number): void {
  let items = step.source < 0 ? 1 : counts[step.source]!;
  let passed = 0;
  let rejected = 0;
  for (let round = 0; round < step.rounds; round++) {
    let out = items;
    for (const node of step.chain) out = runNode(node, out, counts, charged, random);
    const pass = binomial(out, step.pass, random);
    passed += pass;
    rejected = out - pass;
    items = rejected;
  }
  for (const node of step.chain) counts[node.out] = 0;
  counts[step.out] = passed;
  counts[step.rejected] = rejected;
}

// ---------------------------------------------------------------------------------------------
// Summary: percentiles by nearest rank, the exact mean, the share of runs past the cap and alert.

function summarize(samples: bigint[], units: Units, report: CostReport, options: SimulateOptions): SimulationReport {
  const sorted = [...samples].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const n = sorted.length;
  const credits = (u: bigint) => units.credits(u);
  const rank = (q: number) => credits(sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))] ?? 0n);
  const total = samples.reduce((t, s) => t + s, 0n);
  const over = (limit: Decimal | undefined) => (limit === undefined ? 0 : n - countAtMost(sorted, unitsBelow(units, limit)));
  return {
    flow: report.flow,
    runs: n,
    seed: options.seed,
    inputs: options.inputs,
    warm: options.warm,
    worstCase: report.worstCase,
    expected: report.expected,
    mean: n === 0 ? ZERO : credits(total).div(n),
    standardError: standardError(samples, total, units),
    min: rank(0),
    p50: rank(0.5),
    p90: rank(0.9),
    p99: rank(0.99),
    max: credits(sorted[n - 1] ?? 0n),
    cap: report.cap,
    alert: report.alert,
    overCap: over(report.cap),
    overAlert: over(report.alert),
    histogram: histogram(sorted, units, options.bins ?? DEFAULT_BINS),
  };
}

/** the largest whole number of units at or below a limit in credits */
function unitsBelow(units: Units, limit: Decimal): bigint {
  return BigInt(limit.times(new Decimal(10).pow(units.scale)).floor().toFixed(0));
}

/** how many sorted samples are at most `limit` (binary search) */
function countAtMost(sorted: bigint[], limit: bigint): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function standardError(samples: bigint[], total: bigint, units: Units): Decimal {
  const n = samples.length;
  if (n < 2) return ZERO;
  let squares = 0n;
  for (const s of samples) squares += s * s;
  const nBig = BigInt(n);
  // (Σx² − (Σx)²/n) / (n − 1), scaled by n to stay in integers
  const variance = new Decimal((squares * nBig - total * total).toString()).div(n).div(n - 1);
  const scale = new Decimal(10).pow(units.scale);
  return variance.sqrt().div(scale).div(new Decimal(n).sqrt());
}

/**
 * Equal-width bins covering the samples, with a round width (1, 2 or 5 × a power of ten credits)
 * and edges on multiples of it, so the labels read as figures a person would pick.
 */
function histogram(sorted: bigint[], units: Units, bins: number): HistogramBin[] {
  if (sorted.length === 0) return [];
  const low = sorted[0]!;
  const high = sorted[sorted.length - 1]!;
  const width = roundWidth((high - low) / BigInt(bins) + 1n);
  const start = (low / width) * width;
  const count = Number((high - start) / width) + 1;
  const runs = new Array<number>(count).fill(0);
  for (const s of sorted) runs[Number((s - start) / width)]!++;
  return runs.map((r, i) => ({ from: units.credits(start + width * BigInt(i)), to: units.credits(start + width * BigInt(i + 1)), runs: r }));
}

/** the smallest of 1, 2, 5, 10, 20, 50, … units that is at least `raw` */
function roundWidth(raw: bigint): bigint {
  for (let power = 1n; ; power *= 10n) {
    for (const step of [1n, 2n, 5n]) if (step * power >= raw) return step * power;
  }
}
