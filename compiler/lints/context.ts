// What every lint reads: the model, its cold cost report, the file's AST and text, and a few
// facts about the flow computed once and shared (who reads what, which inputs lie behind a node).
import { percentText } from "../../syntax/figures";
import type { FlowDecl, FlowFile, ModelDecl, NodeDecl } from "../../syntax/ast";
import type { CostReport, NodeCost } from "../cost-report";
import { Decimal, formatExact, formatRounded } from "../../syntax/credits";
import type { FlowModel, InputStream, ModelInfo, NodeStream, Stream } from "../model";
import { buildCatalog } from "../catalog";
import { namedUses, primaryOf, producerOf } from "../checks/walk";
import { maxCounts, maxEntering } from "../pricing/counts";
import { EXPECTED_PLACES, pricedRows, unsortedRows } from "../pricing/index";
import { scaledDigits } from "../pricing/units";
import { refSites, SourceText, type RefSite } from "./edits";
import { minSavingOf, type LintSettings, type SavingLint } from "./settings";

/** more than the rounding of an expected figure (48 places past its units) can move it */
const ROUNDING_SLACK = new Decimal("1e-40");

export class LintContext {
  readonly source: SourceText;
  private rows: Map<string, NodeCost> | undefined;
  private readonly minSavings = new Map<SavingLint, MinSaving>();
  private cache: { nodes?: NodeStream[]; namedUses?: Map<string, NodeStream[]>; inputs?: Map<string, InputStream[]>; maxCounts?: Map<string, bigint>; sites?: RefSite[]; models?: ModelInfo[] } = {};

  constructor(
    readonly model: FlowModel,
    /** the cold report: lints price a first run, whatever `--warm` says */
    readonly cost: CostReport,
    readonly ast: FlowFile,
    readonly flow: FlowDecl,
    text: string,
    private readonly imports: readonly FlowFile[],
    private readonly settings: LintSettings = {},
  ) {
    this.source = new SourceText(text);
  }

  /**
   * A saving too small to mention: not positive, or under the rule's `minSaving` (by default 1%
   * of the flow's expected spend). The lint then stays quiet.
   */
  negligible(code: SavingLint, saving: Decimal): boolean {
    return saving.lte(0) || saving.lt(this.minSaving(code).least);
  }

  /**
   * Whether every saving up to `bound` (give or take rounding past the 40th decimal place) is
   * negligible: a lint skips working out a saving that cannot reach the rule's minimum.
   */
  negligibleUpTo(code: SavingLint, bound: Decimal): boolean {
    return bound.lt(this.minSaving(code).belowSlack);
  }

  /**
   * The rows whose expected spend is not `negligible` for the rule (`upTo`: not `negligibleUpTo`),
   * by node name: one pass over the report, in its integer units where it has them (no decimal per row).
   */
  rowsWorth(code: SavingLint, upTo: boolean): Map<string, NodeCost> {
    const kept = new Map<string, NodeCost>();
    const priced = pricedRows(this.cost);
    if (!priced) {
      for (const row of this.cost.nodes) if (!(upTo ? this.negligibleUpTo(code, row.expected) : this.negligible(code, row.expected))) kept.set(row.name, row);
      return kept;
    }
    const min = this.minSaving(code);
    const bound = upTo ? min.slackBound : min.leastBound;
    const places = (priced[0]?.scale ?? 0) + EXPECTED_PLACES; // the flow's, the same for every row
    for (const row of priced) {
      const negligible = (!upTo && row.expectedUnits <= 0n) || bound.exceeds(row.expectedUnits, places);
      if (!negligible) kept.set(row.name, row);
    }
    return kept;
  }

  private minSaving(code: SavingLint): MinSaving {
    let found = this.minSavings.get(code);
    if (!found) {
      const least = minSavingOf(this.settings, code, this.cost.expected);
      const belowSlack = least.minus(ROUNDING_SLACK);
      this.minSavings.set(code, (found = { least, belowSlack, leastBound: new UnitsBound(least), slackBound: new UnitsBound(belowSlack) }));
    }
    return found;
  }

  row(name: string): NodeCost {
    if (!this.rows) {
      this.rows = new Map();
      for (const row of unsortedRows(this.cost)) this.rows.set(row.name, row);
    }
    return this.rows.get(name)!;
  }

  nodes(): NodeStream[] {
    return (this.cache.nodes ??= this.model.streams.filter((s): s is NodeStream => s.kind === "node"));
  }

  /** the node (or input) whose items a stream carries */
  producer(name: string): Stream | undefined {
    return producerOf(this.model, name);
  }

  namedUses(name: string): NodeStream[] {
    this.cache.namedUses ??= namedUses(this.model);
    return this.cache.namedUses.get(name) ?? [];
  }

  isOutput(name: string): boolean {
    return this.model.outputs.some((o) => o.name === name && !o.rejected);
  }

  /** readers of a stream's pass items through their primary input */
  readers(name: string): Stream[] {
    return (this.model.consumers.get(name)?.pass ?? []).map((n) => this.model.byName.get(n)!);
  }

  /** a gate or review lies on the stream's way back to the inputs (through primary arguments) */
  gatedAbove(stream: Stream): boolean {
    for (let up = primaryOf(stream); up !== undefined; ) {
      const s = this.model.byName.get(up)!;
      if (s.kind === "gate") return true;
      up = primaryOf(s);
    }
    return false;
  }

  /** the inputs a stream depends on, through primary and named arguments, in declaration order */
  inputsBehind(name: string): InputStream[] {
    this.cache.inputs ??= inputsBehind(this.model);
    return this.cache.inputs.get(name) ?? [];
  }

  /** the most items that can enter a node from its primary source */
  maxEntering(node: NodeStream): bigint {
    this.cache.maxCounts ??= maxCounts(this.model);
    return maxEntering(this.cache.maxCounts, node);
  }

  sites(): RefSite[] {
    this.cache.sites ??= refSites(this.flow);
    return this.cache.sites;
  }

  /** every model in scope: imported, at the file's top level and in the flow */
  models(): ModelInfo[] {
    if (!this.cache.models) {
      const decls = [...this.imports.flatMap((f) => f.decls), ...this.ast.decls, ...this.flow.decls].filter((d): d is ModelDecl => d.kind === "model");
      // The flow has no errors here, so the catalog reports nothing and its sink can be dropped.
      this.cache.models = [...buildCatalog([{ decls }], []).models.values()];
    }
    return this.cache.models;
  }

  nodeDecl(node: NodeStream): NodeDecl {
    return node.decl as NodeDecl;
  }

  /** a stream name that is not taken yet, from `base` */
  freshName(base: string): string {
    let name = base;
    for (let i = 2; this.model.byName.has(name); i++) name = `${base}${i}`;
    return name;
  }
}

function inputsBehind(model: FlowModel): Map<string, InputStream[]> {
  const behind = new Map<string, InputStream[]>();
  // the streams' order, made only for a node with named arguments (it merges several lists)
  let order: Map<string, number> | undefined;
  const position = (input: InputStream): number => (order ??= new Map(model.streams.map((s, i) => [s.name, i]))).get(input.name)!;
  for (const s of model.streams) {
    if (s.kind === "input") {
      behind.set(s.name, [s]);
      continue;
    }
    const primary = primaryOf(s);
    if (s.kind !== "node" || s.named.length === 0) {
      // one read (the usual case) shares its list
      behind.set(s.name, (primary === undefined ? undefined : behind.get(primary)) ?? []);
      continue;
    }
    const reads = [primary, ...s.named.map((n) => n.ref.name)];
    const lists = reads.filter((r): r is string => r !== undefined).map((r) => behind.get(r) ?? []);
    // One read (the usual case) shares its list; several are merged without repeats.
    behind.set(s.name, lists.length === 1 ? lists[0]! : [...new Set(lists.flat())].sort((a, b) => position(a) - position(b)));
  }
  return behind;
}

/** The smallest saving a rule reports, and the same less the rounding slack, each also as a bound for integer figures. */
interface MinSaving {
  least: Decimal;
  belowSlack: Decimal;
  leastBound: UnitsBound;
  slackBound: UnitsBound;
}

/** A decimal bound that integer figures (units of 10^-places) are compared with exactly: `bound` = digits × 10^-places. */
class UnitsBound {
  private readonly digits: bigint;
  private readonly places: number;
  /** digits × 10^(p − places) for the figures' places p, when p ≥ places (one flow's figures share them) */
  private scaled: { places: number; limit: bigint } | undefined;

  constructor(bound: Decimal) {
    this.places = bound.decimalPlaces();
    this.digits = scaledDigits(bound.toFixed(), this.places);
  }

  /** units × 10^-places < bound, that is units·10^q < digits·10^p */
  exceeds(units: bigint, places: number): boolean {
    if (places < this.places) return units * 10n ** BigInt(this.places - places) < this.digits;
    if (this.scaled?.places !== places) this.scaled = { places, limit: this.digits * 10n ** BigInt(places - this.places) };
    return units < this.scaled.limit;
  }
}

/** Worst-case figures are exact; expected ones may carry many digits. */
export const exact = (value: Decimal): string => formatExact(value);
export const rounded = (value: Decimal): string => formatRounded(value);

/** "1 credit", "2.5 credits": worst-case figures exact, expected ones rounded to 12 places */
export function credits(value: Decimal, kind: "exact" | "rounded" = "exact"): string {
  const text = kind === "exact" ? exact(value) : rounded(value);
  return `${text} credit${text === "1" ? "" : "s"}`;
}

/** `'a'`, `'a' and 'b'`, `'a', 'b' and 'c'` */
export function quotedList(names: readonly string[]): string {
  const quoted = names.map((n) => `'${n}'`);
  return quoted.length <= 1 ? quoted.join("") : `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}

/** A fraction as a percent with one decimal: 0.465 → "46.5%" (syntax/figures.ts). */
export const percent = percentText;
