// The exact worst case of one branch (section 5) and a witness run that reaches it. The branch is
// a tree of streams (each reads one primary source), so the worst case is a function of the items
// entering each stream (compiler/pricing/count-fn.ts), built bottom-up; the witness walks
// top-down with concrete counts, taking at each gate a split that attains the maximum.
import type { GateStream, NodeStream, Stream } from "../model";
import type { Witness } from "../cost-report";
import { type CountFn, type Rate, Budget, PricingLimit, ZERO_FN, add, at, batched, bestSplit, linear, scaleCount, splitMax, times } from "./count-fn";
import { type BranchShape, callsFor } from "./shape";
import { rateOf } from "./expected";

/** What a gate's split weighs: the worst case of its pass readers and of its `.rejected` readers. */
interface GateSides {
  pass: CountFn;
  rejected: CountFn;
}

export interface WorstFns {
  /** fn(S)(m): the worst-case credits of S and everything below it when m items enter S */
  entry: Map<string, CountFn>;
  gates: Map<string, GateSides>;
}

/**
 * Computed in reverse stream order, so every reader is known before its source. A retried gate's
 * chain is priced at its target; its other nodes and the gate itself have no function of their own.
 */
export function worstFns(shape: BranchShape): WorstFns {
  const fns: WorstFns = { entry: new Map(), gates: new Map() };
  const budget = new Budget();
  const streams = shape.branch.streams;
  for (let i = streams.length - 1; i >= 0; i--) {
    const s = streams[i]!;
    budget.stream = s;
    const fn = streamWorst(shape, s, fns, budget);
    if (fn) fns.entry.set(s.name, fn);
  }
  return fns;
}

function streamWorst(shape: BranchShape, s: Stream, fns: WorstFns, budget: Budget): CountFn | undefined {
  const size = shape.maxIn(s);
  switch (s.kind) {
    case "input":
    case "select":
      return downstream(shape.readersOf(s.name).pass, fns, shape.maxOut(s), budget);
    case "gate":
      return s.retry ? undefined : gateWorst(shape, s, fns, size, budget);
    case "node": {
      const retried = shape.chainStart.get(s.name);
      if (retried) return chainWorst(shape, retried, fns, size, budget);
      if (shape.chainGate.has(s.name)) return undefined;
      return nodeWorst(shape, s, fns, size, budget);
    }
  }
}

/** Σ fn(r)(m) over readers that all receive the same m items */
function downstream(readers: Stream[], fns: WorstFns, most: bigint, budget: Budget): CountFn {
  let total = ZERO_FN;
  for (const r of readers) total = add(total, entryFn(r, fns), most, budget);
  return total;
}

function entryFn(s: Stream, fns: WorstFns): CountFn {
  const fn = fns.entry.get(s.name);
  if (!fn) throw new Error(`internal: no worst-case function for '${s.name}'`);
  return fn;
}

function gateWorst(shape: BranchShape, g: GateStream, fns: WorstFns, size: bigint, budget: Budget): CountFn {
  const { pass, rejected } = shape.readersOf(g.name);
  const sides = { pass: downstream(pass, fns, size, budget), rejected: downstream(rejected, fns, size, budget) };
  fns.gates.set(g.name, sides);
  return splitMax(sides.pass, sides.rejected, size, budget);
}

/** the worst-case credits of one round of the node itself over 0..most items: every call takes all its attempts */
function selfWorst(shape: BranchShape, n: NodeStream, most: bigint, budget: Budget): CountFn {
  const attempts = BigInt(n.retry + 1);
  const perItem = shape.perItem.get(n.name)! * attempts;
  const perCall = shape.perCall.get(n.name)! * attempts;
  return n.batch ? batched(perItem, perCall, n.batch, most, budget) : linear(perItem + perCall);
}

function nodeWorst(shape: BranchShape, n: NodeStream, fns: WorstFns, size: bigint, budget: Budget): CountFn {
  let total = selfWorst(shape, n, size, budget);
  for (const r of shape.readersOf(n.name).pass) {
    // a select's function counts the items it keeps; any other reader's, the node's outputs
    const factor = BigInt(r.kind === "select" ? r.pick : n.variants);
    total = add(total, scaleCount(entryFn(r, fns), factor, size, budget), size, budget);
  }
  return total;
}

/**
 * A gate that retries from `target`: the worst case runs every round with all items (each chain
 * node is monotone in its items), rejects everything until the last round, and splits there.
 */
function chainWorst(shape: BranchShape, g: GateStream, fns: WorstFns, size: bigint, budget: Budget): CountFn {
  const rounds = BigInt(g.retry!.upTo + 1);
  let total = gateWorst(shape, g, fns, size, budget);
  for (const name of g.retry!.chain) total = add(total, times(selfWorst(shape, shape.node(name), size, budget), rounds), size, budget);
  return total;
}

/** The worst case of the branch: its input's function at the input's maximum, or its node's at one call. */
export function branchWorst(shape: BranchShape, fns: WorstFns): bigint {
  const first = shape.branch.streams[0];
  if (!first) return 0n;
  const fn = fns.entry.get(first.name);
  return fn ? at(fn, first.kind === "input" ? BigInt(first.max) : 1n) : 0n;
}

// ---------------------------------------------------------------------------------------------
// The witness: every node's spend in it is recorded; their sum is the worst case.

export interface NodeSpend {
  units: bigint;
  calls: bigint;
  items: bigint;
  attempts: bigint;
}

/** A witness entry and the stream at which the whole-flow walk writes it (a retried chain at its target). */
export interface Placed<E> {
  entry: E;
  at: string;
}

export interface BranchWitness {
  gates: Placed<Witness["gates"][number]>[];
  nodes: Placed<Witness["nodes"][number]>[];
  spend: Map<string, NodeSpend>;
}

export function witnessRun(shape: BranchShape, fns: WorstFns): BranchWitness {
  const counts = new Counts<bigint>(shape, 1n);
  const run: BranchWitness = { gates: [], nodes: [], spend: new Map() };
  const split = (g: GateStream, m: bigint) => {
    const sides = fns.gates.get(g.name)!;
    return bestSplit(sides.pass, sides.rejected, m, rateOf(g.passRate));
  };
  for (const s of shape.branch.streams) {
    if (shape.handledByChain(s)) continue;
    if (s.kind === "input") counts.set(s.name, BigInt(s.max));
    else if (s.kind === "node" && shape.chainStart.has(s.name)) retriedRun(shape, shape.chainStart.get(s.name)!, counts.entering(s), split, counts, run, s.name);
    else if (s.kind === "node") {
      const m = counts.entering(s);
      recordNode(shape, run, s, [{ round: 0, items: m, calls: callsFor(s, m) }], s.name);
      counts.set(s.name, s.variants === 1 ? m : BigInt(s.variants) * m);
    } else if (s.kind === "gate") {
      const m = counts.entering(s);
      const a = split(s, m);
      run.gates.push({ entry: { name: s.name, human: s.human, rounds: [{ round: 0, checked: m, passed: a, rejected: m - a }] }, at: s.name });
      counts.set(s.name, a, m - a);
    } else counts.set(s.name, BigInt(s.pick) * counts.groups(s));
  }
  return run;
}

/** The most rounds of a retried gate the witness lists (its figures need no limit: every round is alike). */
export const ROUNDS_LIMIT = 10_000;

/** Every round takes all m items through the chain; the last round splits them. */
function retriedRun(shape: BranchShape, g: GateStream, m: bigint, split: (g: GateStream, m: bigint) => bigint, counts: Counts<bigint>, run: BranchWitness, at: string): void {
  if (g.retry!.upTo + 1 > ROUNDS_LIMIT) {
    throw new PricingLimit(`${g.human ? "review" : "gate"} '${g.name}': its witness would list ${g.retry!.upTo + 1} rounds, beyond the analysis' limit of ${ROUNDS_LIMIT.toLocaleString("en-US")}`, g.name);
  }
  const a = split(g, m);
  const rounds = Array.from({ length: g.retry!.upTo + 1 }, (_, r) => r);
  for (const name of g.retry!.chain) {
    const n = shape.node(name);
    recordNode(shape, run, n, rounds.map((round) => ({ round, items: m, calls: callsFor(n, m) })), at);
    counts.set(name, m);
  }
  const last = rounds.length - 1;
  const gateRounds = rounds.map((round) => ({ round, checked: m, passed: round === last ? a : 0n, rejected: round === last ? m - a : m }));
  run.gates.push({ entry: { name: g.name, human: g.human, rounds: gateRounds }, at });
  counts.set(g.name, a, m - a);
}

function recordNode(shape: BranchShape, run: BranchWitness, n: NodeStream, rounds: { round: number; items: bigint; calls: bigint }[], at: string): void {
  const attempts = BigInt(n.retry + 1);
  run.nodes.push({ entry: { name: n.name, rounds, attemptsPerCall: n.retry + 1 }, at });
  const perCall = shape.perCall.get(n.name)!;
  const perItem = shape.perItem.get(n.name)!;
  let units = 0n;
  let calls = 0n;
  let items = 0n;
  for (const r of rounds) {
    if (r.items > 0n) units += perCall * r.calls + perItem * r.items;
    calls += r.calls;
    items += r.items;
  }
  if (n.retry > 0) units *= attempts;
  run.spend.set(n.name, { units, calls, items, attempts: shape.free(n) ? 0n : calls * attempts });
}

/** Item counts per stream during a top-down walk: whole counts for the witness, fixed-point expected counts. */
export class Counts<T> {
  private readonly pass = new Map<string, T>();
  private readonly rejected = new Map<string, T>();

  constructor(
    private readonly shape: BranchShape,
    private readonly one: T,
  ) {}

  set(name: string, pass: T, rejected?: T): void {
    this.pass.set(name, pass);
    if (rejected !== undefined) this.rejected.set(name, rejected);
  }

  of(name: string, rejected: boolean): T {
    const v = (rejected ? this.rejected : this.pass).get(name);
    if (v === undefined) throw new Error(`internal: count of '${name}' read before it was set`);
    return v;
  }

  /** items entering a node or gate from its primary source */
  entering(s: NodeStream | GateStream): T {
    if (s.kind === "node" && !s.source) return this.one;
    return this.of(s.source!.name, s.source!.rejected);
  }

  /** items the select's source node received: one group of variants each */
  groups(s: Extract<Stream, { kind: "select" }>): T {
    return this.entering(this.shape.node(s.source));
  }
}

export type { Rate };
