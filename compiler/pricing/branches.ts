// A flow's spend is a sum over independent branches. An input hands the same items to each of its
// readers, and every count below a reader depends only on what lies above it; a node without
// arguments starts a tree of its own. So a branch is one reader of an input with everything below
// it (the input included), or the tree under a node without arguments; each is priced on its own
// and the flow's figures are the sum (compiler/pricing/report.ts merges them). This is the one
// decomposition: the CLI prices every branch, the language server re-prices the branches an edit
// changed, the lints price the branch a fix changes.
import type { FlowModel, InputStream, Stream } from "../model";
import { primaryOf, readsOf } from "../checks/walk";

export interface Branch {
  /** the branch's streams, each after the streams it reads (the input first, when there is one) */
  streams: Stream[];
  /** the input the branch reads, when it starts at one (other branches may read it too) */
  input?: InputStream;
  /** the position of each stream's primary source in `streams` (-1: none), when the branch was found with them */
  sources?: number[];
}

/** The independent branches of a flow, in the order of their first stream, in one pass. */
export function branchesOf(model: FlowModel): Branch[] {
  const branches: Branch[] = [];
  // each non-input stream's branch and its position there, by name
  const placed = new Map<string, number>();
  const branchAt: Branch[] = [];
  const positionAt: number[] = [];
  for (const s of model.streams) {
    if (s.kind === "input") continue;
    const source = primaryOf(s);
    const slot = source === undefined ? undefined : placed.get(source);
    let branch: Branch;
    if (slot !== undefined) {
      branch = branchAt[slot]!;
      branch.streams.push(s);
      branch.sources!.push(positionAt[slot]!);
    } else {
      const from = source === undefined ? undefined : model.byName.get(source);
      if (from?.kind === "input") branches.push((branch = { streams: [from, s], input: from, sources: [-1, 0] }));
      else branches.push((branch = { streams: [s], sources: [-1] }));
    }
    placed.set(s.name, branchAt.length);
    branchAt.push(branch);
    positionAt.push(branch.streams.length - 1);
  }
  return branches;
}

/** The branch that holds the stream `name` (an input's first reader's, for an input). */
export function branchHolding(model: FlowModel, name: string): Branch {
  const path = [name];
  for (let up = primaryOf(model.byName.get(name)!); up !== undefined; up = primaryOf(model.byName.get(up)!)) path.push(up);
  const root = model.byName.get(path[path.length - 1]!)!;
  const top = root.kind === "input" && path.length > 1 ? path[path.length - 2]! : root.kind === "input" ? model.consumers.get(root.name)?.pass[0] : root.name;
  if (top === undefined) return { streams: [root] };
  const kept = new Set(descendants(model, top));
  if (root.kind === "input") kept.add(root.name);
  const streams = model.streams.filter((s) => kept.has(s.name));
  return root.kind === "input" ? { streams, input: root } : { streams };
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

/** The branch with `changed` streams replacing those of the same name, or added; re-ordered so each follows what it reads. */
export function withStreams(branch: Branch, changed: readonly Stream[]): Branch {
  const byName = new Map(branch.streams.map((s) => [s.name, s]));
  for (const s of changed) byName.set(s.name, s);
  const streams = dependencyOrder([...byName.values()], byName);
  const input = branch.input && byName.get(branch.input.name);
  return input?.kind === "input" ? { streams, input } : { streams };
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

/** Everything about a branch that its figures depend on (ranges aside): equal keys, equal figures. */
export function fingerprint(branch: Branch, warm: boolean): string {
  return `${warm ? "warm" : "cold"}\n${branch.streams.map(streamKey).join("\n")}`;
}

// The language server keeps the streams of unchanged declarations between edits: their keys too.
const KEYS = new WeakMap<Stream, string>();

function streamKey(s: Stream): string {
  let key = KEYS.get(s);
  if (key === undefined) KEYS.set(s, (key = keyOf(s)));
  return key;
}

function keyOf(s: Stream): string {
  switch (s.kind) {
    case "input":
      return `input ${s.name} ${s.max} ${s.expect.toFixed()}`;
    case "node": {
      const source = s.source ? `${s.source.name}${s.source.rejected ? ".rejected" : ""}` : "-";
      const cache = s.cacheTtlSeconds ? "cached" : "-";
      return `node ${s.name} ${s.op.name} ${source} ${s.variants} ${s.batch ?? "-"} ${s.retry} ${s.failRate.toFixed()} ${s.pricePerOutput.toFixed()} ${s.overheadPerCall.toFixed()} ${cache}`;
    }
    case "gate": {
      const retry = s.retry ? `${s.retry.target} ${s.retry.upTo} ${s.retry.chain.join(",")}` : "-";
      return `gate ${s.name} ${s.human} ${s.source.name}${s.source.rejected ? ".rejected" : ""} ${s.passRate.toFixed()} ${retry}`;
    }
    case "select":
      return `select ${s.name} ${s.source} ${s.pick}`;
  }
}
