// Walks over a (possibly erroneous) model shared by the checks. Every walk goes once through
// `model.streams`, which lists each stream after the streams it reads, so no recursion is needed
// and cycles or unknown names simply leave gaps. The walks over every stream count their steps:
// they run once per analysis, too few times to be optimized, and a `for … of` there makes an
// iterator result per step (a large flow's analysis spent a tenth of its time collecting garbage).
import type { FlowModel, NodeStream, Stream } from "../model";
import type { StreamGraph } from "../graph";

/**
 * The model's streams by number, with the graph they were built from (compiler/graph.ts): the
 * resolver hands them to its checks so that no reference is looked up by name again.
 */
export interface NumberedStreams {
  graph: StreamGraph;
  /** indexed by stream number (declaration order), not in the model's order */
  streams: readonly Stream[];
}

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

/** The node or input whose items the stream `name` carries: a gate's or a select's are those of what it reads. */
export function producerOf(model: FlowModel, name: string): Stream | undefined {
  let s = model.byName.get(name);
  // bounded: a model with errors may hold a cycle
  for (let steps = 0; s && (s.kind === "gate" || s.kind === "select"); steps++) s = steps < model.streams.length ? model.byName.get(primaryOf(s)!) : undefined;
  return s;
}

/**
 * Readers of each stream's pass and `.rejected` items through their primary input, in stream order;
 * a stream nobody reads has no entry. (The resolver gathers a whole flow's by stream number,
 * in resolve.ts; this is for a part of a flow.)
 */
export function consumersOf(streams: readonly Stream[]): FlowModel["consumers"] {
  const names = new Set(streams.map((s) => s.name));
  const consumers: FlowModel["consumers"] = new Map();
  for (let i = 0; i < streams.length; i++) {
    const s = streams[i]!;
    const source = primaryOf(s);
    if (source === undefined || !names.has(source)) continue;
    let entry = consumers.get(source);
    if (!entry) consumers.set(source, (entry = { pass: [], rejected: [] }));
    const rejected = (s.kind === "node" || s.kind === "gate") && s.source?.rejected === true;
    (rejected ? entry.rejected : entry.pass).push(s.name);
  }
  return consumers;
}

/** Nodes that use each stream as a named argument, in stream order. */
export function namedUses(model: FlowModel): Map<string, NodeStream[]> {
  const uses = new Map<string, NodeStream[]>();
  for (let i = 0; i < model.streams.length; i++) {
    const stream = model.streams[i]!;
    if (stream.kind !== "node" || stream.named.length === 0) continue;
    for (const arg of stream.named) {
      const list = uses.get(arg.ref.name);
      if (list) list.push(stream);
      else uses.set(arg.ref.name, [stream]);
    }
  }
  return uses;
}
