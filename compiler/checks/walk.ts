// Walks over a (possibly erroneous) model shared by the checks. Every walk goes once through
// `model.streams`, which lists each stream after the streams it reads, so no recursion is needed
// and cycles or unknown names simply leave gaps.
import type { FlowModel, NodeStream, Stream } from "../model";

/** The streams a stream reads through its primary input (gate and review sources, select sources). */
export function primaryOf(stream: Stream): string | undefined {
  switch (stream.kind) {
    case "input":
      return undefined;
    case "node":
      return stream.source?.name;
    case "gate":
      return stream.source.name;
    case "select":
      return stream.source;
  }
}

/** Every stream a stream reads: primary plus named arguments. */
export function readsOf(stream: Stream): string[] {
  const primary = primaryOf(stream);
  const named = stream.kind === "node" ? stream.named.map((n) => n.ref.name) : [];
  return primary === undefined ? named : [primary, ...named];
}

/**
 * The stream whose items another stream's items are: a gate's, review's or select's items are
 * the items of the node (or input) that produced them.
 */
export function producers(model: FlowModel): Map<string, Stream> {
  const producer = new Map<string, Stream>();
  for (const stream of model.streams) {
    const origin = stream.kind === "gate" || stream.kind === "select" ? producer.get(primaryOf(stream)!) : stream;
    if (origin) producer.set(stream.name, origin);
  }
  return producer;
}

/** The largest number of items each stream can hold (Infinity never arises: counts are finite). */
export function maxCounts(model: FlowModel): Map<string, number> {
  const counts = new Map<string, number>();
  const count = (name: string | undefined): number => (name === undefined ? 1 : (counts.get(name) ?? 1));
  for (const stream of model.streams) counts.set(stream.name, maxCount(stream, model, count));
  return counts;
}

function maxCount(stream: Stream, model: FlowModel, count: (name: string | undefined) => number): number {
  switch (stream.kind) {
    case "input":
      return stream.max;
    case "node":
      return count(stream.source?.name) * stream.variants;
    case "gate":
      return count(stream.source.name);
    case "select": {
      const source = model.byName.get(stream.source);
      // A select keeps `pick` of each group of variants: one group per item of the node's input.
      return source?.kind === "node" ? count(source.source?.name) * Math.min(stream.pick, source.variants) : count(stream.source);
    }
  }
}

/** Nodes that use each stream as a named argument, in stream order. */
export function namedUses(model: FlowModel): Map<string, NodeStream[]> {
  const uses = new Map<string, NodeStream[]>();
  for (const stream of model.streams) {
    if (stream.kind !== "node") continue;
    for (const arg of stream.named) {
      const list = uses.get(arg.ref.name);
      if (list) list.push(stream);
      else uses.set(arg.ref.name, [stream]);
    }
  }
  return uses;
}
