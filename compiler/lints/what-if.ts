// "What would the flow spend after this fix?": copies of the model with a few streams changed,
// priced by the cost analysis itself, so every lint figure is the fixed flow minus the flow now.
//
// A flow's spend is a sum over independent branches: an input hands the same items to each of its
// readers and every count below depends only on what lies above it, so each reader of an input (or
// the whole tree under a node without arguments) is priced on its own. A fix inside one branch
// changes that branch only, and pricing just that branch keeps the lints cheap on large flows.
import type { Decimal } from "../../syntax/credits";
import type { FlowModel, NodeStream, Stream } from "../model";
import { analyzeCost } from "../cost";
import { primaryOf, readsOf } from "../checks/walk";

export interface Spend {
  worstCase: Decimal;
  expected: Decimal;
}

export function spendOf(model: FlowModel, warm = false): Spend {
  const report = analyzeCost(model, { warm });
  return { worstCase: report.worstCase, expected: report.expected };
}

/**
 * What a change saves: the branch holding `anchor` priced before and after `change`, which
 * returns the streams it replaces or adds (by name); `warm` prices cached nodes as hits.
 */
export function savingOf(model: FlowModel, anchor: string, change: (branch: FlowModel) => Stream[], warm = false): Spend {
  const branch = branchOf(model, anchor);
  const before = spendOf(branch, warm);
  const after = spendOf(withStreams(branch, change(branch)), warm);
  return { worstCase: before.worstCase.minus(after.worstCase), expected: before.expected.minus(after.expected) };
}

/** The model with `changed` streams replacing those of the same name (or added): order and readers rebuilt. */
export function withStreams(model: FlowModel, changed: readonly Stream[]): FlowModel {
  const byName = new Map(model.byName);
  for (const s of changed) byName.set(s.name, s);
  const streams = dependencyOrder([...byName.values()], byName);
  return { ...model, streams, byName: new Map(streams.map((s) => [s.name, s])), consumers: readersOf(streams) };
}

/** Each stream after the streams it reads (that are present), otherwise in the given order. */
function dependencyOrder(streams: Stream[], byName: Map<string, Stream>): Stream[] {
  const placed = new Set<string>();
  const order: Stream[] = [];
  for (const start of streams) {
    const stack: { stream: Stream; reads: string[] }[] = [];
    const push = (s: Stream) => {
      placed.add(s.name);
      stack.push({ stream: s, reads: readsOf(s).filter((r) => byName.has(r)) });
    };
    if (!placed.has(start.name)) push(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const next = top.reads.pop();
      if (next === undefined) order.push(stack.pop()!.stream);
      else if (!placed.has(next)) push(byName.get(next)!);
    }
  }
  return order;
}

function readersOf(streams: Stream[]): FlowModel["consumers"] {
  const readers: FlowModel["consumers"] = new Map(streams.map((s) => [s.name, { pass: [], rejected: [] }]));
  for (const s of streams) {
    const source = primaryOf(s);
    const rejected = (s.kind === "node" || s.kind === "gate") && s.source?.rejected === true;
    readers.get(source ?? "")?.[rejected ? "rejected" : "pass"].push(s.name);
  }
  return readers;
}

/** The independent branch of the flow that holds `name` (see the comment at the top). */
export function branchOf(model: FlowModel, name: string): FlowModel {
  const path = [name];
  for (let up = primaryOf(model.byName.get(name)!); up !== undefined; up = primaryOf(model.byName.get(up)!)) path.push(up);
  const root = model.byName.get(path[path.length - 1]!)!;
  const top = root.kind === "input" && path.length > 1 ? path[path.length - 2]! : root.name;
  const kept = new Set([root.name, ...descendants(model, top)]);
  const streams = model.streams.filter((s) => kept.has(s.name));
  const consumers = new Map(model.consumers);
  if (top !== root.name) consumers.set(root.name, { pass: consumers.get(root.name)!.pass.filter((c) => c === top), rejected: [] });
  return { ...model, streams, byName: new Map(streams.map((s) => [s.name, s])), consumers, outputs: model.outputs.filter((o) => kept.has(o.name)) };
}

/** `name` and every stream below it through primary reads. */
function descendants(model: FlowModel, name: string): string[] {
  const found = [name];
  for (let i = 0; i < found.length; i++) {
    const readers = model.consumers.get(found[i]!);
    if (readers) found.push(...readers.pass, ...readers.rejected);
  }
  return found;
}

/**
 * The node alone, fed its expected items by a stand-in input: its expected spend exactly as in the
 * flow, for changes (batching) that alter neither its item counts nor anything below it. Not for
 * nodes of a gate's retry chain, whose items come in rounds.
 */
export function aloneWith(model: FlowModel, node: NodeStream, expectedItems: Decimal): FlowModel {
  const feed = `${node.name}__items`;
  const input: Stream = {
    kind: "input",
    name: feed,
    decl: node.decl,
    mediaType: "json",
    single: false,
    min: 0,
    max: Math.max(1, expectedItems.ceil().toNumber()),
    expect: expectedItems,
    stable: false,
  };
  const alone: NodeStream = { ...node, source: { name: feed, rejected: false }, named: [] };
  return withStreams({ ...model, streams: [], byName: new Map(), consumers: new Map(), outputs: [] }, [input, alone]);
}
