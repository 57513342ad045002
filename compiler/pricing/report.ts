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
import { compareCodePoints } from "../../syntax/order";

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

/** The flow's report from its branches' figures: rows by worst case, then expected, highest first, then by name. */
export function mergeBranches(model: FlowModel, warm: boolean, costs: readonly BranchCost[]): CostReport {
  const scale = costs.reduce((s, c) => Math.max(s, c.scale), 0);
  const rows: NodeRow[] = [];
  let worst = 0n;
  let expected = 0n;
  for (const c of costs) {
    const lift = c.scale === scale ? 1n : 10n ** BigInt(scale - c.scale);
    for (const figures of c.rows) {
      const row = new NodeRow(figures, model.byName.get(figures.name)!.decl.range, scale, lift);
      rows.push(row);
      worst += row.worstUnits;
      expected += row.expectedUnits;
    }
  }
  rows.sort(byWorstThenExpected);
  for (const row of rows) row.total = worst;
  const topTwo = (rows[0]?.worstUnits ?? 0n) + (rows[1]?.worstUnits ?? 0n);
  const units = new Units(scale);
  const report: CostReport = {
    flow: model.name,
    warm,
    worstCase: units.credits(worst),
    expected: fixedDecimal(expected, scale),
    nodes: rows,
    topTwoShare: Units.ratio(topTwo, worst),
    cap: model.budget?.cap,
    alert: model.budget?.alert,
    witness: { inputs: [], gates: [], nodes: [] },
  };
  return lazily(report, "witness", () => mergeWitness(model, costs));
}

function byWorstThenExpected(a: NodeRow, b: NodeRow): number {
  if (a.worstUnits !== b.worstUnits) return a.worstUnits > b.worstUnits ? -1 : 1;
  if (a.expectedUnits !== b.expectedUnits) return a.expectedUnits > b.expectedUnits ? -1 : 1;
  return compareCodePoints(a.name, b.name);
}

/**
 * A row of the report. Its decimals are made when first read — a flow has a row per node, and
 * most readers (a lint, a hover, the check's totals) read a few — so they are getters of the
 * class: read a row's fields, do not spread it (`toJSON` gives every field).
 */
class NodeRow implements NodeCost {
  readonly name: string;
  readonly op: string;
  readonly worstCalls: bigint;
  readonly worstAttempts: bigint;
  readonly worstItems: bigint;
  readonly cacheHit: boolean;
  /** worst case and expected credits at the flow's scale */
  readonly worstUnits: bigint;
  readonly expectedUnits: bigint;
  /** the flow's worst case, for the share */
  total = 0n;
  private made: { worst?: Decimal; expected?: Decimal; calls?: Decimal; items?: Decimal; share?: Decimal } | undefined;

  constructor(
    private readonly figures: NodeFigures,
    /** cached branches belong to earlier versions of the text: the range is this one's */
    readonly range: NodeCost["range"],
    private readonly scale: number,
    lift: bigint,
  ) {
    this.name = figures.name;
    this.op = figures.op;
    this.worstCalls = figures.calls;
    this.worstAttempts = figures.attempts;
    this.worstItems = figures.items;
    this.cacheHit = figures.cacheHit;
    this.worstUnits = lift === 1n ? figures.worst : figures.worst * lift;
    this.expectedUnits = lift === 1n ? figures.expected : figures.expected * lift;
  }

  private get decimals() {
    return (this.made ??= {});
  }

  get expectedCalls(): Decimal {
    return (this.decimals.calls ??= fixedDecimal(this.figures.expectedCalls));
  }

  get expectedItems(): Decimal {
    return (this.decimals.items ??= fixedDecimal(this.figures.expectedItems));
  }

  get worstCase(): Decimal {
    return (this.decimals.worst ??= new Decimal(decimalText(this.worstUnits, this.scale)));
  }

  get expected(): Decimal {
    return (this.decimals.expected ??= fixedDecimal(this.expectedUnits, this.scale));
  }

  get share(): Decimal {
    return (this.decimals.share ??= Units.ratio(this.worstUnits, this.total));
  }

  toJSON(): NodeCost {
    const { name, op, range, worstCalls, worstAttempts, worstItems, expectedCalls, expectedItems, worstCase, expected, share, cacheHit } = this;
    return { name, op, range, worstCalls, worstAttempts, worstItems, expectedCalls, expectedItems, worstCase, expected, share, cacheHit };
  }
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
