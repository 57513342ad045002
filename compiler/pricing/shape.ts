// What the worst-case and expected passes over one branch share: its streams by position, each
// one's primary source and readers (as positions), the most items entering each (as BigInts),
// retry chains, and node prices in the branch's integer units. Every per-stream fact is an array
// indexed by the stream's position in the branch: a branch is priced without a name lookup per
// stream where `branchesOf` found the sources, and with one otherwise.
import type { NodeStream, Stream } from "../model";
import type { Decimal } from "../../syntax/credits";
import type { Branch } from "./branches";
import { primaryOf } from "../checks/walk";
import { Units } from "./units";
import { enteringFrom, maxOut } from "./counts";

export class BranchShape {
  readonly streams: readonly Stream[];
  /** the position of each stream's primary source, or -1 (none, or not in the branch) */
  readonly sourceAt: Int32Array;
  /** the stream reads its source's `.rejected` items */
  readonly readsRejected: Uint8Array;
  /** per chain node: the position of the gate that retries it, or -1 */
  readonly chainGateAt: Int32Array;
  /** per retry target: the position of the gate whose rounds it starts, or -1 */
  readonly chainStartAt: Int32Array;
  /** readers of the stream at `at` through their primary input are readers[firstReader[at] .. firstReader[at + 1]), in stream order */
  readonly firstReader: Int32Array;
  readonly readers: Int32Array;
  readonly units: Units;
  /** per node: credits per item (× variants) and per call, in units; zero for a cache hit */
  readonly perItem: bigint[];
  readonly perCall: bigint[];
  /** items entering each stream from its primary source, at most */
  readonly entering: bigint[];
  /** where each stream is, by name: made for branches with retries, or without their sources */
  private byName: Map<string, number> | undefined;

  constructor(
    readonly branch: Branch,
    readonly warm: boolean,
  ) {
    const streams = (this.streams = branch.streams);
    const n = streams.length;
    this.sourceAt = Int32Array.from(branch.sources ?? this.sourcesByName());
    this.readsRejected = new Uint8Array(n);
    this.chainGateAt = new Int32Array(n).fill(-1);
    this.chainStartAt = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) this.place(streams[i]!, i);
    [this.firstReader, this.readers] = readersOf(this.sourceAt);
    this.entering = this.maxEntering();
    const prices = new NodePrices(streams);
    this.units = prices.units;
    [this.perItem, this.perCall] = this.prices(prices);
  }

  /** each stream's source's position, by name; a source later in the branch is not one (each stream follows what it reads) */
  private sourcesByName(): number[] {
    const sources: number[] = [];
    const seen = new Map<string, number>();
    for (let i = 0; i < this.streams.length; i++) {
      const source = primaryOf(this.streams[i]!);
      sources.push((source === undefined ? undefined : seen.get(source)) ?? -1);
      seen.set(this.streams[i]!.name, i);
    }
    return sources;
  }

  private place(s: Stream, i: number): void {
    if (s.kind === "gate" && s.retry) {
      this.setAt(this.chainStartAt, s.retry.target, i);
      for (const name of s.retry.chain) this.setAt(this.chainGateAt, name, i);
    }
    if (this.sourceAt[i]! >= 0 && (s.kind === "node" || s.kind === "gate") && s.source?.rejected === true) this.readsRejected[i] = 1;
  }

  private setAt(into: Int32Array, name: string, value: number): void {
    const at = this.positionOf(name);
    if (at !== undefined) into[at] = value;
  }

  private positionOf(name: string): number | undefined {
    if (!this.byName) {
      this.byName = new Map();
      for (let i = 0; i < this.streams.length; i++) this.byName.set(this.streams[i]!.name, i);
    }
    return this.byName.get(name);
  }

  /** `maxEnteringOf` (compiler/pricing/counts.ts), by position */
  private maxEntering(): bigint[] {
    const entering = new Array<bigint>(this.streams.length);
    for (let i = 0; i < this.streams.length; i++) {
      const s = this.streams[i]!;
      const at = this.sourceAt[i]!;
      if (s.kind === "input") entering[i] = BigInt(s.max);
      else if (at < 0) entering[i] = 1n;
      else entering[i] = enteringFrom(s, this.streams[at]!, entering[at] ?? 1n);
    }
    return entering;
  }

  private prices(prices: NodePrices): [bigint[], bigint[]] {
    const perItem = new Array<bigint>(this.streams.length);
    const perCall = new Array<bigint>(this.streams.length);
    for (let i = 0; i < this.streams.length; i++) {
      const n = this.streams[i]!;
      if (n.kind !== "node") continue;
      const free = this.free(n);
      const perOutput = free ? 0n : prices.of(n.pricePerOutput);
      perItem[i] = n.variants === 1 ? perOutput : perOutput * BigInt(n.variants);
      perCall[i] = free ? 0n : prices.of(n.overheadPerCall);
    }
    return [perItem, perCall];
  }

  /** the node is a cache hit under --warm: no call, no credits, no failure */
  free(n: NodeStream): boolean {
    return cacheHit(n, this.warm);
  }

  /** the most items a stream's pass (or `.rejected`) items can number */
  maxOut(at: number): bigint {
    return maxOut(this.streams[at]!, this.entering[at]!);
  }

  /** the position of the node `name` */
  nodeAt(name: string): number {
    const at = this.positionOf(name);
    if (at === undefined || this.streams[at]!.kind !== "node") throw new Error(`internal: '${name}' is not a node of the branch`);
    return at;
  }

  /** chain nodes after the target, and the retried gate itself, are walked with the target */
  handledByChain(at: number): boolean {
    const s = this.streams[at]!;
    if (s.kind === "gate") return s.retry !== undefined;
    return this.chainGateAt[at]! >= 0 && this.chainStartAt[at]! < 0;
  }
}

/** Every stream's readers, grouped by the position they read, in one array (no list per stream). */
function readersOf(sourceAt: Int32Array): [Int32Array, Int32Array] {
  const n = sourceAt.length;
  const first = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) if (sourceAt[i]! >= 0) first[sourceAt[i]! + 1]!++;
  for (let at = 0; at < n; at++) first[at + 1]! += first[at]!;
  const next = first.slice(0, n);
  const readers = new Int32Array(first[n]!);
  for (let i = 0; i < n; i++) if (sourceAt[i]! >= 0) readers[next[sourceAt[i]!]!++] = i;
  return [first, readers];
}

/**
 * The units of a branch's node prices: the smallest in which each is whole. Most nodes share
 * their price objects (a model's price at a resolution), so each distinct one is looked at once,
 * and found again by a scan of the few there are (by a map past a dozen).
 */
class NodePrices {
  readonly units: Units;
  private readonly seen: Decimal[] = [];
  private readonly inUnits: bigint[] = [];
  private byPrice: Map<Decimal, number> | undefined;

  constructor(streams: readonly Stream[]) {
    let scale = 0;
    for (const s of streams) {
      if (s.kind !== "node") continue;
      if (this.find(s.pricePerOutput) < 0) scale = Math.max(scale, this.add(s.pricePerOutput));
      if (this.find(s.overheadPerCall) < 0) scale = Math.max(scale, this.add(s.overheadPerCall));
    }
    this.units = Units.at(scale);
    for (const price of this.seen) this.inUnits.push(this.units.of(price));
  }

  of(price: Decimal): bigint {
    return this.inUnits[this.find(price)]!;
  }

  private find(price: Decimal): number {
    return this.byPrice ? (this.byPrice.get(price) ?? -1) : this.seen.indexOf(price);
  }

  /** adds a price; its decimal places */
  private add(price: Decimal): number {
    this.seen.push(price);
    if (this.byPrice) this.byPrice.set(price, this.seen.length - 1);
    else if (this.seen.length > 12) this.byPrice = new Map(this.seen.map((p, k) => [p, k]));
    return price.decimalPlaces();
  }
}

/** A cached node is a hit in a warm run: it makes no call, spends nothing and cannot fail (contract, section 5). */
export function cacheHit(n: NodeStream, warm: boolean): boolean {
  return warm && n.cacheTtlSeconds !== undefined;
}

/** perItem × items + perCall × calls (most models have no per-call overhead) */
export function spendOn(perItem: bigint, items: bigint, perCall: bigint, calls: bigint): bigint {
  return perCall === 0n ? perItem * items : perItem * items + perCall * calls;
}

/** ceil(items / batch), or items */
export function callsFor(n: NodeStream, items: bigint): bigint {
  if (!n.batch) return items;
  const b = BigInt(n.batch);
  return (items + b - 1n) / b;
}
