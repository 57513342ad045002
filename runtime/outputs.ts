// The items a run hands back to its caller: what reached each of the flow's outputs, as plain data
// (credits as exact decimal strings), each item saying what it is. A compiled module narrows the
// types per flow: its `Outputs` names each output and the media type of its items.
import { refName } from "./executor";
import { exact } from "./credits";
import type { FlowGraph, GraphStream, MediaType } from "./graph";
import type { Item } from "./types";

/** What an item is: a media type, or `unknown` for the outputs of a user-declared op. */
export type ItemMediaType = MediaType | "unknown";

/**
 * The value type of each media type's items, `unknown` until declared: what a provider returns is
 * its own business (the simulated one returns strings, the HTTP one what the service answers).
 * Narrow it for your provider by declaration merging:
 *
 *     declare module "flowc/runtime" { interface MediaValues { image: { url: string } } }
 */
export interface MediaValues {}

export type MediaValue<M extends ItemMediaType> = M extends keyof MediaValues ? MediaValues[M] : unknown;

/** One item that reached an output. */
export interface FlowItem<M extends ItemMediaType = ItemMediaType> {
  /** deterministic: `final#3`, `previews#3.v2` */
  id: string;
  mediaType: M;
  value: MediaValue<M>;
  metrics: Record<string, number>;
  /** credits spent on this item's lineage, exact decimal text */
  cost: string;
  /** the retry round of a gate's retry chain it came out of (0 elsewhere) */
  round: number;
  /** the variants one call produced for one item: what a select chose among */
  group?: { id: string; size: number; index: number };
}

/** The shape of a run's outputs: each output ref (`final`, `good.rejected`) and its items. */
export type FlowOutputs = Record<string, FlowItem[]>;

/** Every output of the graph, with the items that reached it (an item in two outputs is one object). */
export function publicOutputs(graph: FlowGraph, outputs: Record<string, Item[]>): FlowOutputs {
  const byName = new Map(graph.streams.map((s) => [s.name, s]));
  const made = new Map<Item, FlowItem>();
  const publicItem = (item: Item, mediaType: ItemMediaType): FlowItem => {
    let found = made.get(item);
    if (!found) {
      found = { id: item.id, mediaType, value: item.value, metrics: item.metrics, cost: exact(item.cost), round: item.round, ...(item.group ? { group: { ...item.group } } : {}) };
      made.set(item, found);
    }
    return found;
  };
  return Object.fromEntries(
    graph.outputs.map((ref) => {
      const mediaType = mediaTypeOf(byName, ref.name);
      return [refName(ref), (outputs[refName(ref)] ?? []).map((item) => publicItem(item, mediaType))];
    }),
  );
}

function mediaTypeOf(byName: Map<string, GraphStream>, name: string): ItemMediaType {
  for (let stream = byName.get(name); stream; ) {
    if (stream.kind === "input") return stream.mediaType;
    if (stream.kind === "node") return stream.mediaType ?? "unknown";
    stream = byName.get(stream.kind === "gate" ? stream.source.name : stream.source);
  }
  return "unknown";
}
