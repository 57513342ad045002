// The exact worst case of one branch (section 5) and a witness run that reaches it. The branch is
// a tree of streams (each reads one primary source), so the worst case is a function of the items
// entering each stream (compiler/pricing/count-fn.ts), built bottom-up; the witness walks
// top-down with concrete counts, taking at each gate a split that attains the maximum.
import type { GateStream, NodeStream, Stream } from "../model";
import type { Witness } from "../cost-report";
import { type CountFn, type Rate, Budget, PricingLimit, ZERO_FN, add, at, batched, bestSplit, linear, scaleCount, splitMax, times } from "./count-fn";
import { type BranchShape, cacheHit, callsFor, spendOn } from "./shape";
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
  const attempts = n.retry === 0 ? 1n : BigInt(n.retry + 1);
  const perItem = attempts === 1n ? shape.perItem[i]! : shape.perItem[i]! * attempts;
  const perCall = attempts === 1n ? shape.perCall[i]! : shape.perCall[i]! * attempts;
  return n.batch ? batched(perItem, perCall, n.batch, most, budget) : linear(perCall === 0n ? perItem : perItem + perCall);
}

function nodeWorst(shape: BranchShape, i: number, fns: WorstFns, size: bigint, budget: Budget): CountFn {
  const variants = (shape.streams[i] as NodeStream).variants;
  let total = selfWorst(shape, i, size, budget);
  for (let k = shape.firstReader[i]!; k < shape.firstReader[i + 1]!; k++) {
    // a select's function counts the items it keeps; any other reader's, the node's outputs
    const r = shape.readers[k]!;
    if (shape.readsRejected[r] === 1) continue;
    const reader = shape.streams[r]!;
    const factor = reader.kind === "select" ? reader.pick : variants;
    const fn = entryFn(shape, r, fns);
    total = add(total, factor === 1 ? fn : scaleCount(fn, BigInt(factor), size, budget), size, budget);
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
    const from = this.shape.sourceAt[i]!;
    const count = from < 0 ? undefined : this.shape.readsRejected[i] ? this.rejected[from] : this.pass[from];
    if (count !== undefined) return count;
    const s = this.shape.streams[i]!;
    if (s.kind === "node" && !s.source) return this.one;
    throw new Error(`internal: count of '${primaryOf(s)}' read before it was set`);
  }

  /** items a select's source node received: one group of variants each */
  groups(i: number): bigint {
    return this.entering(this.shape.sourceAt[i]!);
  }
}

/**
 * The witness run of one branch, by position in the branch: what each node spent, and the items
 * that entered each node and gate in every round. The rest (calls, attempts, the list of rounds
 * of each entry) follows from those, and is worked out when read.
 */
export class WitnessRun {
  /** per node: credits in units over every round */
  readonly units: bigint[];
  /** per node and gate: the items entering it in each round; per gate: those passed in its last round */
  readonly entering: bigint[];
  readonly passed: bigint[];
  /** per node and gate: the rounds it runs in the witness (0: none) */
  readonly rounds: Int32Array;
  /** nodes, then gates, as the walk writes them: (position, position of the stream it is written at) pairs */
  readonly nodeEntries: number[] = [];
  readonly gateEntries: number[] = [];

  constructor(
    readonly streams: readonly Stream[],
    /** cached nodes are hits */
    readonly warm: boolean,
  ) {
    const n = streams.length;
    [this.units, this.entering, this.passed] = [new Array<bigint>(n), new Array<bigint>(n), new Array<bigint>(n)];
    this.rounds = new Int32Array(n);
  }

  /** the node's calls over every round */
  calls(i: number): bigint {
    if (this.rounds[i] === 0) return 0n;
    return this.overRounds(i, callsFor(this.streams[i] as NodeStream, this.entering[i]!));
  }

  /** the node's items over every round */
  items(i: number): bigint {
    return this.rounds[i] === 0 ? 0n : this.overRounds(i, this.entering[i]!);
  }

  /** the attempts charged to the node: every call takes all of them */
  attempts(i: number): bigint {
    const n = this.streams[i] as NodeStream;
    if (cacheHit(n, this.warm)) return 0n;
    const calls = this.calls(i);
    return n.retry === 0 ? calls : calls * BigInt(n.retry + 1);
  }

  private overRounds(i: number, perRound: bigint): bigint {
    return this.rounds[i] === 1 ? perRound : perRound * BigInt(this.rounds[i]!);
  }

  /** The entries, each with the name of the stream at which the whole-flow walk writes it. */
  entries(): { gates: Placed<WitnessGate>[]; nodes: Placed<WitnessNode>[] } {
    const nodes: Placed<WitnessNode>[] = [];
    const gates: Placed<WitnessGate>[] = [];
    for (let k = 0; k < this.nodeEntries.length; k += 2) {
      const n = this.streams[this.nodeEntries[k]!] as NodeStream;
      const [m, count] = [this.entering[this.nodeEntries[k]!]!, this.rounds[this.nodeEntries[k]!]!];
      const rounds = Array.from({ length: count }, (_, round) => ({ round, items: m, calls: callsFor(n, m) }));
      nodes.push({ entry: { name: n.name, rounds, attemptsPerCall: n.retry + 1 }, at: this.streams[this.nodeEntries[k + 1]!]!.name });
    }
    for (let k = 0; k < this.gateEntries.length; k += 2) {
      const g = this.streams[this.gateEntries[k]!] as GateStream;
      const [m, a, count] = [this.entering[this.gateEntries[k]!]!, this.passed[this.gateEntries[k]!]!, this.rounds[this.gateEntries[k]!]!];
      const rounds = Array.from({ length: count }, (_, round) => ({ round, checked: m, passed: round === count - 1 ? a : 0n, rejected: round === count - 1 ? m - a : m }));
      gates.push({ entry: { name: g.name, human: g.human, rounds }, at: this.streams[this.gateEntries[k + 1]!]!.name });
    }
    return { gates, nodes };
  }
}

export function witnessRun(shape: BranchShape, fns: WorstFns): WitnessRun {
  const n = shape.streams.length;
  const counts = new Counts(shape, 1n);
  const run = new WitnessRun(shape.streams, shape.warm);
  for (let i = 0; i < n; i++) {
    if (shape.handledByChain(i)) continue;
    const s = shape.streams[i]!;
    if (s.kind === "input") counts.pass[i] = BigInt(s.max);
    else if (s.kind === "select") counts.pass[i] = s.pick === 1 ? counts.groups(i) : BigInt(s.pick) * counts.groups(i);
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
function retriedRun(shape: BranchShape, g: number, m: bigint, fns: WorstFns, counts: Counts, run: WitnessRun, at: number): void {
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
function recordGate(run: WitnessRun, g: number, m: bigint, a: bigint, rounds: number, at: number, counts: Counts): void {
  run.gateEntries.push(g, at);
  run.entering[g] = m;
  run.passed[g] = a;
  run.rounds[g] = rounds;
  counts.pass[g] = a;
  counts.rejected[g] = m - a;
}

/** The node takes m items in each of `rounds` rounds, every call taking all its attempts. */
function recordNode(shape: BranchShape, run: WitnessRun, i: number, m: bigint, rounds: number, at: number): void {
  const n = shape.streams[i] as NodeStream;
  run.nodeEntries.push(i, at);
  run.entering[i] = m;
  run.rounds[i] = rounds;
  let units = m > 0n ? spendOn(shape.perItem[i]!, m, shape.perCall[i]!, callsFor(n, m)) : 0n;
  if (rounds > 1) units *= BigInt(rounds);
  if (n.retry > 0) units *= BigInt(n.retry + 1);
  run.units[i] = units;
}

type WitnessGate = Witness["gates"][number];
type WitnessNode = Witness["nodes"][number];

/** A witness entry and the stream at which the whole-flow walk writes it (a retried chain at its target). */
export interface Placed<E> {
  entry: E;
  at: string;
}

export type { Rate };
