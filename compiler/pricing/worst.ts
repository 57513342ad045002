// The exact worst case of one branch (section 5) and a witness run that reaches it. The branch is
// a tree of streams (each reads one primary source), so the worst case is a function of the items
// entering each stream (compiler/pricing/count-fn.ts), built bottom-up; the witness walks
// top-down with concrete counts, taking at each gate a split that attains the maximum.
import type { GateStream, NodeStream, Stream } from "../model";
import type { Witness } from "../cost-report";
import { type CountFn, type Rate, Budget, PricingLimit, ZERO_FN, add, at, batched, bestSplit, linear, scaleCount, splitMax, times } from "./count-fn";
import { type BranchShape, callsFor } from "./shape";
import { rateOf } from "./expected";
import { primaryOf } from "../checks/walk";

/** What a gate's split weighs: the worst case of its pass readers and of its `.rejected` readers. */
interface GateSides {
  pass: CountFn;
  rejected: CountFn;
}

/** By position in the branch. */
export interface WorstFns {
  /** fn(S)(m): the worst-case credits of S and everything below it when m items enter S */
  entry: (CountFn | undefined)[];
  gates: (GateSides | undefined)[];
}

/**
 * Computed in reverse stream order, so every reader is known before its source. A retried gate's
 * chain is priced at its target; its other nodes and the gate itself have no function of their own.
 */
export function worstFns(shape: BranchShape): WorstFns {
  const n = shape.streams.length;
  const fns: WorstFns = { entry: new Array<CountFn | undefined>(n), gates: new Array<GateSides | undefined>(n) };
  const budget = new Budget();
  for (let i = n - 1; i >= 0; i--) {
    budget.stream = shape.streams[i];
    fns.entry[i] = streamWorst(shape, i, fns, budget);
  }
  return fns;
}

function streamWorst(shape: BranchShape, i: number, fns: WorstFns, budget: Budget): CountFn | undefined {
  const s = shape.streams[i]!;
  const size = shape.entering[i]!;
  switch (s.kind) {
    case "input":
    case "select":
      return downstream(shape, i, false, fns, shape.maxOut(i), budget);
    case "gate":
      return s.retry ? undefined : gateWorst(shape, i, fns, size, budget);
    case "node": {
      const retried = shape.chainStartAt[i]!;
      if (retried >= 0) return chainWorst(shape, retried, fns, size, budget);
      if (shape.chainGateAt[i]! >= 0) return undefined;
      return nodeWorst(shape, i, fns, size, budget);
    }
  }
}

/** Σ fn(r)(m) over the readers of the stream at `at` (of its `.rejected` items, or its pass items), which all receive the same m items */
function downstream(shape: BranchShape, at: number, rejected: boolean, fns: WorstFns, most: bigint, budget: Budget): CountFn {
  let total = ZERO_FN;
  for (let k = shape.firstReader[at]!; k < shape.firstReader[at + 1]!; k++) {
    const r = shape.readers[k]!;
    if ((shape.readsRejected[r] === 1) === rejected) total = add(total, entryFn(shape, r, fns), most, budget);
  }
  return total;
}

function entryFn(shape: BranchShape, i: number, fns: WorstFns): CountFn {
  const fn = fns.entry[i];
  if (!fn) throw new Error(`internal: no worst-case function for '${shape.streams[i]!.name}'`);
  return fn;
}

function gateWorst(shape: BranchShape, g: number, fns: WorstFns, size: bigint, budget: Budget): CountFn {
  const sides = { pass: downstream(shape, g, false, fns, size, budget), rejected: downstream(shape, g, true, fns, size, budget) };
  fns.gates[g] = sides;
  return splitMax(sides.pass, sides.rejected, size, budget);
}

/** the worst-case credits of one round of the node itself over 0..most items: every call takes all its attempts */
function selfWorst(shape: BranchShape, i: number, most: bigint, budget: Budget): CountFn {
  const n = shape.streams[i] as NodeStream;
  const attempts = BigInt(n.retry + 1);
  const perItem = shape.perItem[i]! * attempts;
  const perCall = shape.perCall[i]! * attempts;
  return n.batch ? batched(perItem, perCall, n.batch, most, budget) : linear(perItem + perCall);
}

function nodeWorst(shape: BranchShape, i: number, fns: WorstFns, size: bigint, budget: Budget): CountFn {
  const variants = (shape.streams[i] as NodeStream).variants;
  let total = selfWorst(shape, i, size, budget);
  for (let k = shape.firstReader[i]!; k < shape.firstReader[i + 1]!; k++) {
    // a select's function counts the items it keeps; any other reader's, the node's outputs
    const r = shape.readers[k]!;
    if (shape.readsRejected[r] === 1) continue;
    const reader = shape.streams[r]!;
    const factor = BigInt(reader.kind === "select" ? reader.pick : variants);
    total = add(total, scaleCount(entryFn(shape, r, fns), factor, size, budget), size, budget);
  }
  return total;
}

/**
 * A gate that retries from `target`: the worst case runs every round with all items (each chain
 * node is monotone in its items), rejects everything until the last round, and splits there.
 */
function chainWorst(shape: BranchShape, g: number, fns: WorstFns, size: bigint, budget: Budget): CountFn {
  const retry = (shape.streams[g] as GateStream).retry!;
  const rounds = BigInt(retry.upTo + 1);
  let total = gateWorst(shape, g, fns, size, budget);
  for (const name of retry.chain) total = add(total, times(selfWorst(shape, shape.nodeAt(name), size, budget), rounds), size, budget);
  return total;
}

/** The worst case of the branch: its input's function at the input's maximum, or its node's at one call. */
export function branchWorst(shape: BranchShape, fns: WorstFns): bigint {
  const first = shape.streams[0];
  if (!first) return 0n;
  const fn = fns.entry[0];
  return fn ? at(fn, first.kind === "input" ? BigInt(first.max) : 1n) : 0n;
}

// ---------------------------------------------------------------------------------------------
// The witness: every node's spend in it is recorded; their sum is the worst case.

/**
 * The witness run of one branch, by position in the branch. Its entries (a list of rounds per node
 * and gate) are laid out only when the report's witness is read (`witnessEntries`).
 */
export interface BranchWitness {
  /** per node: credits in units, calls, items and attempts charged over every round */
  units: bigint[];
  calls: bigint[];
  items: bigint[];
  attempts: bigint[];
  /** per node and gate: the items entering it in each round; per gate: those passed in its last round */
  entering: bigint[];
  passed: bigint[];
  /** nodes, then gates, as the walk writes them: (position, the stream it is written at, rounds) triples */
  nodeEntries: number[];
  gateEntries: number[];
}

/** Items passed and rejected by each stream so far in a top-down walk, by position: whole counts for the witness, fixed-point expected counts. */
export class Counts {
  readonly pass: bigint[];
  readonly rejected: bigint[];

  constructor(
    private readonly shape: BranchShape,
    private readonly one: bigint,
  ) {
    this.pass = new Array<bigint>(shape.streams.length);
    this.rejected = new Array<bigint>(shape.streams.length);
  }

  /** items entering a node or gate from its primary source */
  entering(i: number): bigint {
    const s = this.shape.streams[i]!;
    if (s.kind === "node" && !s.source) return this.one;
    const from = this.shape.sourceAt[i]!;
    const count = from < 0 ? undefined : this.shape.readsRejected[i] ? this.rejected[from] : this.pass[from];
    if (count === undefined) throw new Error(`internal: count of '${primaryOf(s)}' read before it was set`);
    return count;
  }

  /** items a select's source node received: one group of variants each */
  groups(i: number): bigint {
    return this.entering(this.shape.sourceAt[i]!);
  }
}

export function witnessRun(shape: BranchShape, fns: WorstFns): BranchWitness {
  const n = shape.streams.length;
  const counts = new Counts(shape, 1n);
  const run: BranchWitness = {
    units: new Array<bigint>(n),
    calls: new Array<bigint>(n),
    items: new Array<bigint>(n),
    attempts: new Array<bigint>(n),
    entering: new Array<bigint>(n),
    passed: new Array<bigint>(n),
    nodeEntries: [],
    gateEntries: [],
  };
  for (let i = 0; i < n; i++) {
    if (shape.handledByChain(i)) continue;
    const s = shape.streams[i]!;
    if (s.kind === "input") counts.pass[i] = BigInt(s.max);
    else if (s.kind === "select") counts.pass[i] = BigInt(s.pick) * counts.groups(i);
    else if (s.kind === "node" && shape.chainStartAt[i]! >= 0) retriedRun(shape, shape.chainStartAt[i]!, counts.entering(i), fns, counts, run, i);
    else if (s.kind === "node") {
      const m = counts.entering(i);
      recordNode(shape, run, i, m, 1, i);
      counts.pass[i] = s.variants === 1 ? m : BigInt(s.variants) * m;
    } else {
      const m = counts.entering(i);
      recordGate(run, i, m, split(shape, fns, i, m), 1, i, counts);
    }
  }
  return run;
}

/** the split gate `g` takes in the witness for m items */
function split(shape: BranchShape, fns: WorstFns, g: number, m: bigint): bigint {
  const sides = fns.gates[g]!;
  return bestSplit(sides.pass, sides.rejected, m, rateOf((shape.streams[g] as GateStream).passRate));
}

/** The most rounds of a retried gate the witness lists (its figures need no limit: every round is alike). */
export const ROUNDS_LIMIT = 10_000;

/** Every round takes all m items through the chain; the last round splits them. */
function retriedRun(shape: BranchShape, g: number, m: bigint, fns: WorstFns, counts: Counts, run: BranchWitness, at: number): void {
  const gate = shape.streams[g] as GateStream;
  const rounds = gate.retry!.upTo + 1;
  if (rounds > ROUNDS_LIMIT) {
    throw new PricingLimit(`${gate.human ? "review" : "gate"} '${gate.name}': its witness would list ${rounds} rounds, beyond the analysis' limit of ${ROUNDS_LIMIT.toLocaleString("en-US")}`, gate.name);
  }
  const a = split(shape, fns, g, m);
  for (const name of gate.retry!.chain) {
    const i = shape.nodeAt(name);
    recordNode(shape, run, i, m, rounds, at);
    counts.pass[i] = m;
  }
  recordGate(run, g, m, a, rounds, at, counts);
}

/** A gate checks m items in each round, rejects them all but in the last, which passes a. */
function recordGate(run: BranchWitness, g: number, m: bigint, a: bigint, rounds: number, at: number, counts: Counts): void {
  run.gateEntries.push(g, at, rounds);
  run.entering[g] = m;
  run.passed[g] = a;
  counts.pass[g] = a;
  counts.rejected[g] = m - a;
}

/** The node takes m items in each of `rounds` rounds, every call taking all its attempts. */
function recordNode(shape: BranchShape, run: BranchWitness, i: number, m: bigint, rounds: number, at: number): void {
  const n = shape.streams[i] as NodeStream;
  run.nodeEntries.push(i, at, rounds);
  run.entering[i] = m;
  const callsPerRound = callsFor(n, m);
  let units = m > 0n ? shape.perCall[i]! * callsPerRound + shape.perItem[i]! * m : 0n;
  let calls = callsPerRound;
  let items = m;
  if (rounds > 1) {
    const r = BigInt(rounds);
    [units, calls, items] = [units * r, calls * r, items * r];
  }
  const attempts = BigInt(n.retry + 1);
  if (n.retry > 0) units *= attempts;
  run.units[i] = units;
  run.calls[i] = calls;
  run.items[i] = items;
  run.attempts[i] = shape.free(n) ? 0n : calls * attempts;
}

/** A branch's witness entries, each with the name of the stream at which the whole-flow walk writes it. */
export function witnessEntries(streams: readonly Stream[], run: BranchWitness): { gates: Placed<WitnessGate>[]; nodes: Placed<WitnessNode>[] } {
  const nodes: Placed<WitnessNode>[] = [];
  const gates: Placed<WitnessGate>[] = [];
  for (let k = 0; k < run.nodeEntries.length; k += 3) {
    const [i, at, count] = [run.nodeEntries[k]!, run.nodeEntries[k + 1]!, run.nodeEntries[k + 2]!];
    const n = streams[i] as NodeStream;
    const m = run.entering[i]!;
    const rounds = Array.from({ length: count }, (_, round) => ({ round, items: m, calls: callsFor(n, m) }));
    nodes.push({ entry: { name: n.name, rounds, attemptsPerCall: n.retry + 1 }, at: streams[at]!.name });
  }
  for (let k = 0; k < run.gateEntries.length; k += 3) {
    const [i, at, count] = [run.gateEntries[k]!, run.gateEntries[k + 1]!, run.gateEntries[k + 2]!];
    const g = streams[i] as GateStream;
    const [m, a] = [run.entering[i]!, run.passed[i]!];
    const rounds = Array.from({ length: count }, (_, round) => ({ round, checked: m, passed: round === count - 1 ? a : 0n, rejected: round === count - 1 ? m - a : m }));
    gates.push({ entry: { name: g.name, human: g.human, rounds }, at: streams[at]!.name });
  }
  return { gates, nodes };
}

type WitnessGate = Witness["gates"][number];
type WitnessNode = Witness["nodes"][number];

/** A witness entry and the stream at which the whole-flow walk writes it (a retried chain at its target). */
export interface Placed<E> {
  entry: E;
  at: string;
}

export type { Rate };
