// What the worst-case and expected passes over one branch share: its streams by position, each
// one's primary source and readers (as positions), the most items entering each (as BigInts),
// retry chains, and node prices in the branch's integer units. Every per-stream fact is an array
// indexed by the stream's position in the branch: a branch is priced with one name lookup per
// stream (to find its source), not one per fact.
import type { GateStream, NodeStream, Stream } from "../model";
import type { Decimal } from "../../syntax/credits";
import type { Branch } from "./branches";
import { primaryOf } from "../checks/walk";
import { Units } from "./units";
import { maxOut } from "./counts";

const NO_READERS: readonly number[] = [];

export class BranchShape {
  readonly streams: readonly Stream[];
  /** where each stream is in the branch, by name */
  readonly position = new Map<string, number>();
  /** the position of each stream's primary source, or -1 (none, or not in the branch) */
  readonly sourceAt: Int32Array;
  /** the stream reads its source's `.rejected` items */
  readonly readsRejected: Uint8Array;
  /** per chain node: the position of the gate that retries it, or -1 */
  readonly chainGateAt: Int32Array;
  /** per retry target: the position of the gate whose rounds it starts, or -1 */
  readonly chainStartAt: Int32Array;
  readonly units: Units;
  /** per node: credits per item (× variants) and per call, in units; zero for a cache hit */
  readonly perItem: bigint[];
  readonly perCall: bigint[];
  /** items entering each stream from its primary source, at most */
  readonly entering: bigint[];
  private readonly passReaders: number[][];
  private readonly rejectedReaders: number[][];

  constructor(
    readonly branch: Branch,
    readonly warm: boolean,
  ) {
    const streams = (this.streams = branch.streams);
    const n = streams.length;
    this.sourceAt = new Int32Array(n).fill(-1);
    this.readsRejected = new Uint8Array(n);
    this.chainGateAt = new Int32Array(n).fill(-1);
    this.chainStartAt = new Int32Array(n).fill(-1);
    this.passReaders = new Array<number[]>(n);
    this.rejectedReaders = new Array<number[]>(n);
    for (let i = 0; i < n; i++) this.place(streams[i]!, i);
    this.entering = this.maxEntering();
    this.units = unitsOf(streams);
    [this.perItem, this.perCall] = this.prices();
  }

  private place(s: Stream, i: number): void {
    this.position.set(s.name, i);
    if (s.kind === "gate" && s.retry) {
      this.setAt(this.chainStartAt, s.retry.target, i);
      for (const name of s.retry.chain) this.setAt(this.chainGateAt, name, i);
    }
    const source = primaryOf(s);
    const at = source === undefined ? undefined : this.position.get(source);
    if (at === undefined) return;
    this.sourceAt[i] = at;
    const rejected = (s.kind === "node" || s.kind === "gate") && s.source?.rejected === true;
    if (rejected) this.readsRejected[i] = 1;
    const readers = rejected ? this.rejectedReaders : this.passReaders;
    const list = readers[at];
    if (list) list.push(i);
    else readers[at] = [i];
  }

  private setAt(into: Int32Array, name: string, value: number): void {
    const at = this.position.get(name);
    if (at !== undefined) into[at] = value;
  }

  /**
   * An input's own maximum; a node's source's items (one call without a source); a gate's
   * source's items; for a select, the groups of variants its node received (compiler/pricing/counts.ts).
   */
  private maxEntering(): bigint[] {
    const entering = new Array<bigint>(this.streams.length);
    for (let i = 0; i < this.streams.length; i++) {
      const s = this.streams[i]!;
      const at = this.sourceAt[i]!;
      if (s.kind === "input") entering[i] = BigInt(s.max);
      else if (at < 0) entering[i] = 1n;
      else {
        const source = this.streams[at]!;
        const into = entering[at] ?? 1n;
        entering[i] = s.kind === "select" && source.kind === "node" ? into : maxOut(source, into);
      }
    }
    return entering;
  }

  private prices(): [bigint[], bigint[]] {
    const perItem = new Array<bigint>(this.streams.length);
    const perCall = new Array<bigint>(this.streams.length);
    for (let i = 0; i < this.streams.length; i++) {
      const n = this.streams[i]!;
      if (n.kind !== "node") continue;
      const free = this.free(n);
      const perOutput = free ? 0n : this.units.of(n.pricePerOutput);
      perItem[i] = n.variants === 1 ? perOutput : perOutput * BigInt(n.variants);
      perCall[i] = free ? 0n : this.units.of(n.overheadPerCall);
    }
    return [perItem, perCall];
  }

  /** the node is a cache hit under --warm: no call, no credits, no failure */
  free(n: NodeStream): boolean {
    return this.warm && n.cacheTtlSeconds !== undefined;
  }

  /** positions of the readers of a stream's pass items */
  passOf(at: number): readonly number[] {
    return this.passReaders[at] ?? NO_READERS;
  }

  /** positions of the readers of a gate's `.rejected` items */
  rejectedOf(at: number): readonly number[] {
    return this.rejectedReaders[at] ?? NO_READERS;
  }

  /** the most items a stream's pass (or `.rejected`) items can number */
  maxOut(at: number): bigint {
    return maxOut(this.streams[at]!, this.entering[at]!);
  }

  /** the position of the node `name` */
  nodeAt(name: string): number {
    const at = this.position.get(name);
    if (at === undefined || this.streams[at]!.kind !== "node") throw new Error(`internal: '${name}' is not a node of the branch`);
    return at;
  }

  /** the gate whose retried rounds start at a node, if any */
  chainStart(at: number): GateStream | undefined {
    const gate = this.chainStartAt[at]!;
    return gate < 0 ? undefined : (this.streams[gate] as GateStream);
  }

  /** chain nodes after the target, and the retried gate itself, are walked with the target */
  handledByChain(at: number): boolean {
    const s = this.streams[at]!;
    if (s.kind === "gate") return s.retry !== undefined;
    return this.chainGateAt[at]! >= 0 && this.chainStartAt[at]! < 0;
  }
}

/** The smallest units in which every node's prices are whole: most nodes share their price objects. */
function unitsOf(streams: readonly Stream[]): Units {
  let scale = 0;
  let last: Decimal | undefined;
  for (const s of streams) {
    if (s.kind !== "node") continue;
    if (s.pricePerOutput !== last) scale = Math.max(scale, s.pricePerOutput.decimalPlaces());
    scale = Math.max(scale, s.overheadPerCall.decimalPlaces());
    last = s.pricePerOutput;
  }
  return Units.at(scale);
}

/** ceil(items / batch), or items */
export function callsFor(n: NodeStream, items: bigint): bigint {
  if (!n.batch) return items;
  const b = BigInt(n.batch);
  return (items + b - 1n) / b;
}
