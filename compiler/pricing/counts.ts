// The most items a stream can hold: one rule for the checks (FLOW207), the lints, the simulation
// and the cost analysis. Counts are BigInts: 9_007_199_254_740_991 items with 3 variants is an
// exact count. Tolerant of a model with errors: an unknown source counts as one item.
import type { FlowModel, NodeStream, Stream } from "../model";
import { primaryOf } from "../checks/walk";

/**
 * Items entering each stream from its primary source, at most, for streams listed after what they
 * read: an input's own maximum; a node's source's items (one call without a source); a gate's
 * source's items; for a select, the groups of variants its node received.
 */
export function maxEnteringOf(streams: Iterable<Stream>, lookup: (name: string) => Stream | undefined, into = new Map<string, bigint>()): Map<string, bigint> {
  for (const s of streams) {
    const source = s.kind === "input" ? undefined : lookup(primaryOf(s) ?? "");
    let count: bigint;
    if (s.kind === "input") count = BigInt(s.max);
    else if (source === undefined) count = 1n;
    else count = enteringFrom(s, source, into.get(source.name) ?? 1n);
    into.set(s.name, count);
  }
  return into;
}

/** The most items entering `s` from its primary source, which at most `sourceEntering` items entered. */
export function enteringFrom(s: Stream, source: Stream, sourceEntering: bigint): bigint {
  return s.kind === "select" && source.kind === "node" ? sourceEntering : maxOut(source, sourceEntering);
}

/** The most pass (or `.rejected`) items of a stream that `entering` items enter. */
export function maxOut(s: Stream, entering: bigint): bigint {
  if (s.kind === "node") return s.variants === 1 ? entering : BigInt(s.variants) * entering;
  if (s.kind === "select") return s.pick === 1 ? entering : BigInt(s.pick) * entering;
  return entering;
}

/** The most items each stream of a model can hold. */
export function maxCounts(model: FlowModel): Map<string, bigint> {
  const entering = maxEnteringOf(model.streams, (name) => model.byName.get(name));
  const counts = new Map<string, bigint>();
  for (const s of model.streams) counts.set(s.name, maxOut(s, entering.get(s.name)!));
  return counts;
}

/** The most items that can enter a node from its primary source (one, without a source). */
export function maxEntering(counts: Map<string, bigint>, node: NodeStream): bigint {
  return node.source ? (counts.get(node.source.name) ?? 1n) : 1n;
}
