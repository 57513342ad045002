// What the worst-case and expected passes over one branch share: its streams indexed, their
// readers, the most items entering each (as BigInts), retry chains, and node prices in the
// branch's integer units.
import type { GateStream, NodeStream, Stream } from "../model";
import type { Decimal } from "../../syntax/credits";
import type { Branch } from "./branches";
import { primaryOf } from "../checks/walk";
import { Units } from "./units";
import { maxEnteringOf } from "./counts";

export interface Readers {
  pass: Stream[];
  rejected: Stream[];
}

const NO_READERS: Readers = { pass: [], rejected: [] };

export class BranchShape {
  readonly byName = new Map<string, Stream>();
  /** chain node → the gate that retries it */
  readonly chainGate = new Map<string, GateStream>();
  /** retry target → the gate whose rounds it starts */
  readonly chainStart = new Map<string, GateStream>();
  readonly units: Units;
  /** per node: credits per item (× variants) and per call, in units; zero for a cache hit */
  readonly perItem = new Map<string, bigint>();
  readonly perCall = new Map<string, bigint>();
  private readonly readers = new Map<string, Readers>();
  /** items entering each stream from its primary source, at most */
  private readonly entering = new Map<string, bigint>();

  constructor(
    readonly branch: Branch,
    readonly warm: boolean,
  ) {
    const nodes: NodeStream[] = [];
    for (const s of branch.streams) {
      this.byName.set(s.name, s);
      if (s.kind === "node") nodes.push(s);
      else if (s.kind === "gate" && s.retry) {
        this.chainStart.set(s.retry.target, s);
        for (const name of s.retry.chain) this.chainGate.set(name, s);
      }
      const source = primaryOf(s);
      if (source === undefined || !this.byName.has(source)) continue;
      let r = this.readers.get(source);
      if (!r) this.readers.set(source, (r = { pass: [], rejected: [] }));
      ((s.kind === "node" || s.kind === "gate") && s.source?.rejected ? r.rejected : r.pass).push(s);
    }
    maxEnteringOf(branch.streams, (name) => this.byName.get(name), this.entering);
    this.units = Units.fitting(pricesOf(nodes));
    for (const n of nodes) {
      const free = this.free(n);
      const perOutput = free ? 0n : this.units.of(n.pricePerOutput);
      this.perItem.set(n.name, n.variants === 1 ? perOutput : perOutput * BigInt(n.variants));
      this.perCall.set(n.name, free ? 0n : this.units.of(n.overheadPerCall));
    }
  }

  /** the node is a cache hit under --warm: no call, no credits, no failure */
  free(n: NodeStream): boolean {
    return this.warm && n.cacheTtlSeconds !== undefined;
  }

  readersOf(name: string): Readers {
    return this.readers.get(name) ?? NO_READERS;
  }

  maxIn(s: Stream): bigint {
    return this.entering.get(s.name)!;
  }

  /** the most items a stream's pass (or `.rejected`) items can number */
  maxOut(s: Stream): bigint {
    if (s.kind === "node") return BigInt(s.variants) * this.maxIn(s);
    if (s.kind === "select") return BigInt(s.pick) * this.maxIn(s);
    return this.maxIn(s);
  }

  node(name: string): NodeStream {
    const s = this.byName.get(name);
    if (s?.kind !== "node") throw new Error(`internal: '${name}' is not a node of the branch`);
    return s;
  }

  /** chain nodes after the target, and the retried gate itself, are walked with the target */
  handledByChain(s: Stream): boolean {
    if (s.kind === "gate") return s.retry !== undefined;
    return this.chainGate.has(s.name) && !this.chainStart.has(s.name);
  }
}

function* pricesOf(nodes: readonly NodeStream[]): Iterable<Decimal> {
  for (const n of nodes) {
    yield n.pricePerOutput;
    yield n.overheadPerCall;
  }
}

/** ceil(items / batch), or items */
export function callsFor(n: NodeStream, items: bigint): bigint {
  if (!n.batch) return items;
  const b = BigInt(n.batch);
  return (items + b - 1n) / b;
}
