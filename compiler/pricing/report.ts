// One branch priced (its worst case, witness and expected figures, in its own units), and the
// flow's CostReport merged from its branches: the one place that orders the rows, works out the
// shares and lays out the witness.
import { Decimal } from "../../syntax/credits";
import type { FlowModel, NodeStream, Stream } from "../model";
import type { CostReport, NodeCost, Witness } from "../cost-report";
import type { Branch } from "./branches";
import { BranchShape, cacheHit } from "./shape";
import { type Placed, type WitnessRun, witnessRun, worstFns } from "./worst";
import { EXPECTED_PLACES, type ExpectedRun, expectedRun, fixedDecimal } from "./expected";
import { Units, decimalText } from "./units";
import { compareCodePoints } from "../../syntax/order";

/** One branch's figures, by position in the branch, in the branch's units. */
export interface BranchCost {
  /** decimal places of the branch's units */
  scale: number;
  warm: boolean;
  streams: readonly Stream[];
  /** positions of the branch's nodes, in stream order */
  nodes: number[];
  /** the worst case in units, and the witness run that reaches it */
  witness: WitnessRun;
  /** expected credits with EXPECTED_PLACES more decimals */
  expected: ExpectedRun;
}

/** Price one branch: worst case and witness, then expected figures. Throws PricingLimit past the limits. */
export function priceBranch(branch: Branch, warm: boolean): BranchCost {
  const shape = new BranchShape(branch, warm);
  const witness = witnessRun(shape, worstFns(shape));
  const expected = expectedRun(shape);
  const nodes: number[] = [];
  for (let i = 0; i < branch.streams.length; i++) if (branch.streams[i]!.kind === "node") nodes.push(i);
  return { scale: shape.units.scale, warm, streams: branch.streams, nodes, witness, expected };
}

/** The worst-case credits of the node at `at`, in its branch's units. */
export const worstOf = (cost: BranchCost, at: number): bigint => cost.witness.units[at] ?? 0n;

/** The expected credits of the node at `at`, in its branch's units with EXPECTED_PLACES more decimals. */
export const expectedOf = (cost: BranchCost, at: number): bigint => cost.expected.credits[at] ?? 0n;

/**
 * The flow's report from its branches' figures: rows by worst case, then expected, highest first,
 * then by name. `branches` are the branches priced, in the same order: a branch's figures may have
 * been priced for an earlier version of the text, and the ranges are this one's. The rows are
 * sorted, and the witness laid out, when first read: `flowc check` reads neither.
 */
export function mergeBranches(model: FlowModel, warm: boolean, costs: readonly BranchCost[], branches: readonly Branch[]): CostReport {
  let scale = 0;
  for (const c of costs) if (c.scale > scale) scale = c.scale;
  const flow: FlowFigures = { scale, worst: 0n };
  const rows: NodeRow[] = [];
  let expected = 0n;
  for (let k = 0; k < costs.length; k++) {
    const c = costs[k]!;
    const streams = branches[k]!.streams;
    const lift = c.scale === scale ? 1n : 10n ** BigInt(scale - c.scale);
    for (const at of c.nodes) {
      const row = new NodeRow(c, at, streams[at]!.decl.range, flow, lift);
      rows.push(row);
      flow.worst += row.worstUnits;
      expected += row.expectedUnits;
    }
  }
  const units = new Units(scale);
  const report: CostReport = {
    flow: model.name,
    warm,
    worstCase: units.credits(flow.worst),
    expected: fixedDecimal(expected, scale),
    nodes: [],
    topTwoShare: Units.ratio(topTwoWorst(rows), flow.worst),
    cap: model.budget?.cap,
    alert: model.budget?.alert,
    witness: { inputs: [], gates: [], nodes: [] },
  };
  const listed = { rows, sorted: false };
  ROWS.set(report, listed);
  lazily(report, "nodes", () => {
    listed.sorted = true;
    return rows.sort(byWorstThenExpected);
  });
  return lazily(report, "witness", () => mergeWitness(model, costs));
}

/** The rows of the reports made here, sorted or not yet. */
const ROWS = new WeakMap<CostReport, { rows: NodeRow[]; sorted: boolean }>();

/** A report's rows in any order: what a reader that needs no order (a lookup, a filter) reads without sorting them. */
export function unsortedRows(report: CostReport): readonly NodeCost[] {
  return ROWS.get(report)?.rows ?? report.nodes;
}

/** The same, when the pricing core made the report: rows with their integer figures. */
export function pricedRows(report: CostReport): readonly PricedRow[] | undefined {
  return ROWS.get(report)?.rows;
}

/** The report's first `count` rows in its order (`count` small), without sorting the rest. */
export function topRows(report: CostReport, count: number): NodeCost[] {
  const listed = ROWS.get(report);
  if (!listed || listed.sorted) return report.nodes.slice(0, count);
  const top: NodeRow[] = [];
  for (const row of listed.rows) {
    // a lower worst case sorts after the last kept row: no need to weigh the rest
    if (top.length === count && row.worstUnits < top[count - 1]!.worstUnits) continue;
    let at = top.length;
    while (at > 0 && byWorstThenExpected(row, top[at - 1]!) < 0) at--;
    if (at < count) top.splice(at, 0, row);
    if (top.length > count) top.pop();
  }
  return top;
}

/** The sum of the two highest worst-case figures (as many as there are). */
function topTwoWorst(rows: readonly NodeRow[]): bigint {
  let first: bigint | undefined;
  let second: bigint | undefined;
  for (const { worstUnits: w } of rows) {
    if (first === undefined || w > first) {
      second = first;
      first = w;
    } else if (second === undefined || w > second) second = w;
  }
  return (first ?? 0n) + (second ?? 0n);
}

/** What every row of a report shares: the flow's scale and worst case (for the shares). */
interface FlowFigures {
  scale: number;
  worst: bigint;
}

function byWorstThenExpected(a: NodeRow, b: NodeRow): number {
  if (a.worstUnits !== b.worstUnits) return a.worstUnits > b.worstUnits ? -1 : 1;
  if (a.expectedUnits !== b.expectedUnits) return a.expectedUnits > b.expectedUnits ? -1 : 1;
  return compareCodePoints(a.name, b.name);
}

/**
 * A row as the pricing core makes it: its figures also as integers, the worst case in units of
 * 10^-scale credits and the expected spend in units of 10^-(scale + EXPECTED_PLACES), where the
 * scale is the flow's (every row of a report has the same): a reader can compare them exactly
 * without making decimals.
 */
export interface PricedRow extends NodeCost {
  readonly worstUnits: bigint;
  readonly expectedUnits: bigint;
  readonly scale: number;
}

/**
 * A row of the report. Its decimals are made when first read — a flow has a row per node, and
 * most readers (a lint, a hover, the check's totals) read a few — so they are getters of the
 * class: read a row's fields, do not spread it (`toJSON` gives every field).
 */
class NodeRow implements PricedRow {
  readonly name: string;
  /** worst case and expected credits at the flow's scale */
  readonly worstUnits: bigint;
  readonly expectedUnits: bigint;
  private made: { worst?: Decimal; expected?: Decimal; calls?: Decimal; items?: Decimal; share?: Decimal } | undefined;

  constructor(
    private readonly cost: BranchCost,
    /** the node's position in its branch */
    private readonly at: number,
    /** cached branches belong to earlier versions of the text: the range is this one's */
    readonly range: NodeCost["range"],
    private readonly flow: FlowFigures,
    lift: bigint,
  ) {
    this.name = cost.streams[at]!.name;
    const worst = worstOf(cost, at);
    const expected = expectedOf(cost, at);
    this.worstUnits = lift === 1n ? worst : worst * lift;
    this.expectedUnits = lift === 1n ? expected : expected * lift;
  }

  get op(): string {
    return (this.cost.streams[this.at] as NodeStream).op.name;
  }

  get scale(): number {
    return this.flow.scale;
  }

  get worstCalls(): bigint {
    return this.cost.witness.calls(this.at);
  }

  get worstAttempts(): bigint {
    return this.cost.witness.attempts(this.at);
  }

  get worstItems(): bigint {
    return this.cost.witness.items(this.at);
  }

  get cacheHit(): boolean {
    return cacheHit(this.cost.streams[this.at] as NodeStream, this.cost.warm);
  }

  private get decimals() {
    return (this.made ??= {});
  }

  get expectedCalls(): Decimal {
    return (this.decimals.calls ??= fixedDecimal(this.cost.expected.calls[this.at] ?? 0n));
  }

  get expectedItems(): Decimal {
    return (this.decimals.items ??= fixedDecimal(this.cost.expected.items[this.at] ?? 0n));
  }

  get worstCase(): Decimal {
    return (this.decimals.worst ??= new Decimal(decimalText(this.worstUnits, this.scale)));
  }

  get expected(): Decimal {
    return (this.decimals.expected ??= fixedDecimal(this.expectedUnits, this.scale));
  }

  get share(): Decimal {
    return (this.decimals.share ??= Units.ratio(this.worstUnits, this.flow.worst));
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
  const placed = costs.map((c) => c.witness.entries());
  const order = <E>(lists: Placed<E>[][]): E[] =>
    lists
      .flat()
      .map((p, i) => ({ entry: p.entry, at: index.get(p.at)!, i }))
      .sort((a, b) => a.at - b.at || a.i - b.i)
      .map((p) => p.entry);
  return {
    inputs: model.streams.flatMap((s) => (s.kind === "input" ? [{ name: s.name, count: BigInt(s.max) }] : [])),
    gates: order(placed.map((p) => p.gates)),
    nodes: order(placed.map((p) => p.nodes)),
  };
}

export { EXPECTED_PLACES };
