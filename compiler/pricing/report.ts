// One branch priced (its worst case, witness and expected figures, in its own units), and the
// flow's CostReport merged from its branches: the one place that orders the rows, works out the
// shares and lays out the witness.
import { Decimal } from "../../syntax/credits";
import type { FlowModel } from "../model";
import type { CostReport, NodeCost, Witness } from "../cost-report";
import type { Branch } from "./branches";
import { BranchShape } from "./shape";
import { type Placed, witnessRun, worstFns } from "./worst";
import { EXPECTED_PLACES, expectedRun, fixedDecimal } from "./expected";
import { Units, decimalText } from "./units";

/** One node's figures in its branch's units: worst case in units, expected credits with EXPECTED_PLACES more decimals. */
export interface NodeFigures {
  name: string;
  op: string;
  worst: bigint;
  calls: bigint;
  attempts: bigint;
  items: bigint;
  expected: bigint;
  expectedCalls: bigint;
  expectedItems: bigint;
  cacheHit: boolean;
}

export interface BranchCost {
  /** decimal places of the branch's units */
  scale: number;
  /** the nodes, in the branch's stream order */
  rows: NodeFigures[];
  gates: Placed<Witness["gates"][number]>[];
  nodes: Placed<Witness["nodes"][number]>[];
}

/** Price one branch: worst case and witness, then expected figures. Throws PricingLimit past the limits. */
export function priceBranch(branch: Branch, warm: boolean): BranchCost {
  const shape = new BranchShape(branch, warm);
  const witness = witnessRun(shape, worstFns(shape));
  const expected = expectedRun(shape);
  const rows: NodeFigures[] = [];
  for (const s of branch.streams) {
    if (s.kind !== "node") continue;
    const w = witness.spend.get(s.name);
    const e = expected.get(s.name);
    rows.push({
      name: s.name,
      op: s.op.name,
      worst: w?.units ?? 0n,
      calls: w?.calls ?? 0n,
      attempts: w?.attempts ?? 0n,
      items: w?.items ?? 0n,
      expected: e?.credits ?? 0n,
      expectedCalls: e?.calls ?? 0n,
      expectedItems: e?.items ?? 0n,
      cacheHit: shape.free(s),
    });
  }
  return { scale: shape.units.scale, rows, gates: witness.gates, nodes: witness.nodes };
}

interface Row {
  figures: NodeFigures;
  /** worst case and expected credits at the flow's scale */
  worst: bigint;
  expected: bigint;
}

/** The flow's report from its branches' figures: rows by worst case, then expected, highest first, then by name. */
export function mergeBranches(model: FlowModel, warm: boolean, costs: readonly BranchCost[]): CostReport {
  const scale = costs.reduce((s, c) => Math.max(s, c.scale), 0);
  const rows: Row[] = [];
  for (const c of costs) {
    const lift = 10n ** BigInt(scale - c.scale);
    for (const figures of c.rows) rows.push({ figures, worst: figures.worst * lift, expected: figures.expected * lift });
  }
  rows.sort(byWorstThenExpected);
  let worst = 0n;
  let expected = 0n;
  for (const r of rows) [worst, expected] = [worst + r.worst, expected + r.expected];
  const topTwo = (rows[0]?.worst ?? 0n) + (rows[1]?.worst ?? 0n);
  const units = new Units(scale);
  const report: CostReport = {
    flow: model.name,
    warm,
    worstCase: units.credits(worst),
    expected: fixedDecimal(expected, scale),
    nodes: rows.map((r) => nodeCost(r, model, scale, worst)),
    topTwoShare: Units.ratio(topTwo, worst),
    cap: model.budget?.cap,
    alert: model.budget?.alert,
    witness: { inputs: [], gates: [], nodes: [] },
  };
  return lazily(report, "witness", () => mergeWitness(model, costs));
}

function byWorstThenExpected(a: Row, b: Row): number {
  if (a.worst !== b.worst) return a.worst > b.worst ? -1 : 1;
  if (a.expected !== b.expected) return a.expected > b.expected ? -1 : 1;
  const [x, y] = [a.figures.name, b.figures.name];
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * A row of the report. Its decimals are made when read: a flow has one row per node, and most
 * readers (a lint, a hover, the top rows of a table) read a few of them.
 */
function nodeCost(r: Row, model: FlowModel, scale: number, total: bigint): NodeCost {
  const f = r.figures;
  const made: { worst?: Decimal; expected?: Decimal; calls?: Decimal; items?: Decimal; share?: Decimal } = {};
  return {
    name: f.name,
    op: f.op,
    // cached branches belong to earlier versions of the text: ranges from this one
    range: model.byName.get(f.name)!.decl.range,
    worstCalls: f.calls,
    worstAttempts: f.attempts,
    worstItems: f.items,
    get expectedCalls(): Decimal {
      return (made.calls ??= fixedDecimal(f.expectedCalls));
    },
    get expectedItems(): Decimal {
      return (made.items ??= fixedDecimal(f.expectedItems));
    },
    get worstCase(): Decimal {
      return (made.worst ??= new Decimal(decimalText(r.worst, scale)));
    },
    get expected(): Decimal {
      return (made.expected ??= fixedDecimal(r.expected, scale));
    },
    get share(): Decimal {
      return (made.share ??= Units.ratio(r.worst, total));
    },
    cacheHit: f.cacheHit,
  };
}

/** `target` with an own, enumerable property worked out on first read (copies and JSON still hold it). */
function lazily<T extends object, K extends keyof T>(target: T, key: K, work: () => T[K]): T {
  let value: T[K] | undefined;
  return Object.defineProperty(target, key, { enumerable: true, get: () => (value ??= work()) });
}

/** The witness as the flow reads: inputs in stream order, gates and nodes by the stream at which each is written. */
function mergeWitness(model: FlowModel, costs: readonly BranchCost[]): Witness {
  const index = new Map(model.streams.map((s, i) => [s.name, i]));
  const order = <E>(lists: Placed<E>[][]): E[] =>
    lists
      .flat()
      .map((p, i) => ({ entry: p.entry, at: index.get(p.at)!, i }))
      .sort((a, b) => a.at - b.at || a.i - b.i)
      .map((p) => p.entry);
  return {
    inputs: model.streams.flatMap((s) => (s.kind === "input" ? [{ name: s.name, count: BigInt(s.max) }] : [])),
    gates: order(costs.map((c) => c.gates)),
    nodes: order(costs.map((c) => c.nodes)),
  };
}

export { EXPECTED_PLACES };
