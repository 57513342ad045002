// The cost analysis of compiler/cost.ts, reusing the figures of branches an edit left alone.
//
// A flow's spend is a sum over independent branches: an input hands the same items to each of its
// readers, and every count below a reader depends only on what lies above it; a node without
// arguments starts a tree of its own. So each reader of an input (with the input), and each tree
// under a node without arguments, is priced by `analyzeCost` on its own, and the reports are
// merged into the report `analyzeCost` gives for the whole flow — figure for figure, which
// test/lsp-branch-cost.test.ts checks on every sample and on random flows. A branch is known again
// by a fingerprint of everything the cost analysis reads, so an edit re-prices only its branch.
import { analyzeCost, type CostOptions } from "../compiler/cost";
import { Units } from "../compiler/count-fn";
import type { CostReport, NodeCost, Witness } from "../compiler/cost-report";
import { type Decimal, sum } from "../syntax/credits";
import type { FlowModel, Stream } from "../compiler/model";
import { primaryOf } from "../compiler/checks/walk";
import { compareCodePoints } from "../syntax/order";

export type CostAnalysis = (model: FlowModel, options: CostOptions) => CostReport;

interface Branch {
  /** the branch's streams, in the model's order */
  streams: Stream[];
  /** the input the branch reads, when it starts at one (it has other readers outside the branch) */
  input?: Stream;
  key: string;
}

/** Priced branches by fingerprint; after each analysis only the branches of that flow are kept. */
export class BranchCostCache {
  private priced = new Map<string, CostReport>();

  readonly analyze: CostAnalysis = (model, options) => {
    const branches = branchesOf(model, options);
    const kept = new Map<string, CostReport>();
    const reports = branches.map((branch) => {
      const report = kept.get(branch.key) ?? this.priced.get(branch.key) ?? analyzeCost(subModel(model, branch), options);
      kept.set(branch.key, report);
      return report;
    });
    this.priced = kept;
    return merge(model, options, reports);
  };
}

/** The independent branches of a flow (see the comment at the top), in one pass over its streams. */
export function branchesOf(model: FlowModel, options: CostOptions): Branch[] {
  const branches: { streams: Stream[]; input?: Stream }[] = [];
  const branchOf = new Map<string, number>();
  for (const s of model.streams) {
    const source = primaryOf(s);
    const from = source === undefined ? undefined : model.byName.get(source);
    if (s.kind === "input") continue;
    if (from === undefined) branchOf.set(s.name, branches.push({ streams: [s] }) - 1);
    else if (from.kind === "input") branchOf.set(s.name, branches.push({ streams: [from, s], input: from }) - 1);
    else {
      const at = branchOf.get(from.name)!;
      branchOf.set(s.name, at);
      branches[at]!.streams.push(s);
    }
  }
  const mode = options.warm ? "warm" : "cold";
  return branches.map((b) => ({ ...b, key: `${mode}\n${b.streams.map(fingerprint).join("\n")}` }));
}

/** Everything about a stream that the cost analysis reads (ranges excepted: they are patched in). */
function fingerprint(s: Stream): string {
  switch (s.kind) {
    case "input":
      return `input ${s.name} ${s.max} ${s.expect.toString()}`;
    case "node": {
      const source = s.source ? `${s.source.name}${s.source.rejected ? ".rejected" : ""}` : "-";
      const cache = s.cacheTtlSeconds ? "cached" : "-";
      return `node ${s.name} ${s.op.name} ${source} ${s.variants} ${s.batch ?? "-"} ${s.retry} ${s.failRate.toString()} ${s.pricePerOutput.toString()} ${s.overheadPerCall.toString()} ${cache}`;
    }
    case "gate": {
      const retry = s.retry ? `${s.retry.target} ${s.retry.upTo} ${s.retry.chain.join(",")}` : "-";
      return `gate ${s.name} ${s.human} ${s.source.name}${s.source.rejected ? ".rejected" : ""} ${s.passRate.toString()} ${retry}`;
    }
    case "select":
      return `select ${s.name} ${s.source} ${s.pick}`;
  }
}

/** The flow cut down to one branch: its input reads only the branch's reader. */
function subModel(model: FlowModel, branch: Branch): FlowModel {
  const names = new Set(branch.streams.map((s) => s.name));
  const consumers: FlowModel["consumers"] = new Map();
  for (const s of branch.streams) {
    const c = model.consumers.get(s.name) ?? { pass: [], rejected: [] };
    consumers.set(s.name, { pass: c.pass.filter((n) => names.has(n)), rejected: c.rejected.filter((n) => names.has(n)) });
  }
  return { ...model, streams: branch.streams, byName: new Map(branch.streams.map((s) => [s.name, s])), consumers, outputs: [] };
}

/** One report for the flow from its branches' reports, as `analyzeCost` would give it. */
function merge(model: FlowModel, options: CostOptions, reports: CostReport[]): CostReport {
  const units = new Units(Math.max(0, ...reports.map(placesOf)));
  const rows = reports.flatMap((r) => {
    const worst = inUnits(r, units);
    return r.nodes.map((cost, i) => ({ cost, worst: worst[i]! }));
  });
  // the order of analyzeCost: worst case, then expected, highest first, then name
  rows.sort((a, b) => (a.worst === b.worst ? 0 : a.worst > b.worst ? -1 : 1) || b.cost.expected.comparedTo(a.cost.expected) || compareCodePoints(a.cost.name, b.cost.name));
  const total = rows.reduce((t, r) => t + r.worst, 0n);
  const topTwo = rows.slice(0, 2).reduce((t, r) => t + r.worst, 0n);
  const report = {
    flow: model.name,
    warm: options.warm,
    worstCase: units.credits(total),
    expected: sum(rows.map((r) => r.cost.expected)),
    // the cached rows belong to earlier versions of the text: ranges from this one; a share is
    // worked out when it is read (an editor reads a few, and there is one per node)
    nodes: rows.map(({ cost, worst }) => row(cost, model.byName.get(cost.name)!.decl.range, () => Units.ratio(worst, total))),
    topTwoShare: Units.ratio(topTwo, total),
    cap: model.budget?.cap,
    alert: model.budget?.alert,
  };
  return lazily(report, "witness", () => mergeWitness(model, reports.map((r) => r.witness)));
}

/**
 * A row of the merged report. Written out field by field (a spread made the merge twice as slow);
 * the type requires every field, and the equality tests against analyzeCost would see one missing.
 */
function row(c: NodeCost, range: NodeCost["range"], shareOf: () => Decimal): NodeCost {
  let share: Decimal | undefined;
  return {
    name: c.name,
    op: c.op,
    range,
    worstCalls: c.worstCalls,
    worstAttempts: c.worstAttempts,
    worstItems: c.worstItems,
    expectedCalls: c.expectedCalls,
    expectedItems: c.expectedItems,
    worstCase: c.worstCase,
    expected: c.expected,
    get share(): Decimal {
      return (share ??= shareOf());
    },
    cacheHit: c.cacheHit,
  };
}

/** `target` with an own, enumerable property worked out on first read (so that copies and JSON still hold it). */
function lazily<T extends object, K extends string, V>(target: T, key: K, work: () => V): T & Record<K, V> {
  let value: V | undefined;
  let done = false;
  return Object.defineProperty(target as T & Record<K, V>, key, {
    enumerable: true,
    get: () => {
      if (!done) [value, done] = [work(), true];
      return value as V;
    },
  });
}

/** What the merge needs of a branch's report, kept with it: it comes back edit after edit. */
const known = new WeakMap<CostReport, { places: number; scale?: number; worst?: bigint[] }>();

function facts(report: CostReport) {
  let f = known.get(report);
  if (!f) known.set(report, (f = { places: Math.max(0, ...report.nodes.map((n) => n.worstCase.decimalPlaces())) }));
  return f;
}

/** decimal places of the report's worst-case figures (what `Units.fitting` would take) */
function placesOf(report: CostReport): number {
  return facts(report).places;
}

/** the report's worst-case figures in `units`, row by row */
function inUnits(report: CostReport, units: Units): bigint[] {
  const f = facts(report);
  if (f.scale !== units.scale || !f.worst) [f.scale, f.worst] = [units.scale, report.nodes.map((n) => units.of(n.worstCase))];
  return f.worst;
}

/**
 * The witness lists in the order the whole-flow walk writes them: by the stream at which each
 * entry is written (a retried chain, and its gate, at the chain's first node), in stream order.
 */
function mergeWitness(model: FlowModel, witnesses: Witness[]): Witness {
  const index = new Map(model.streams.map((s, i) => [s.name, i]));
  const writtenAt = new Map<string, number>();
  for (const s of model.streams) {
    if (s.kind !== "gate" || !s.retry) continue;
    const at = index.get(s.retry.chain[0] ?? s.retry.target)!;
    writtenAt.set(s.name, at);
    for (const name of s.retry.chain) writtenAt.set(name, at);
  }
  const order = <E extends { name: string }>(lists: E[][]): E[] =>
    lists
      .flatMap((list) => list.map((entry, i) => ({ entry, at: writtenAt.get(entry.name) ?? index.get(entry.name)!, i })))
      .sort((a, b) => a.at - b.at || a.i - b.i)
      .map((e) => e.entry);
  return {
    inputs: model.streams.flatMap((s) => (s.kind === "input" ? [{ name: s.name, count: s.max }] : [])),
    gates: order(witnesses.map((w) => w.gates)),
    nodes: order(witnesses.map((w) => w.nodes)),
  };
}
