// The pricing core: the one way to price a flow, or a branch of it. `flowc cost` and `flowc
// check` (through analyzeFile), the budget checks, the lints (what a fix saves), the language
// server (re-pricing only the branches an edit changed) and codegen (the figures and witness it
// embeds) all come through here.
import { Decimal } from "../../syntax/credits";
import { diag, type Diagnostic } from "../../syntax/diagnostics";
import type { FlowModel, Stream } from "../model";
import type { CostReport } from "../cost-report";
import { type Branch, branchesOf, branchHolding, fingerprint, withStreams } from "./branches";
import { PricingLimit } from "./count-fn";
import { type BranchCost, expectedOf, mergeBranches, priceBranch, worstOf } from "./report";
import { consumersOf } from "../checks/walk";

export interface PricingOptions {
  /** cached nodes are hits: they cost nothing and cannot fail */
  warm: boolean;
  /** figures of branches priced before, kept between analyses (the language server's) */
  cache?: BranchCache;
}

interface Priced {
  streams: readonly Stream[];
  key: string;
  cost: BranchCost;
}

/**
 * Priced branches, found again by their streams — the same objects, when the language server's
 * ResolveMemo kept them — or else by fingerprint (the same content); each pricing keeps only the
 * branches of the flow it priced, so an edit costs one fingerprint, not one per branch.
 */
export class BranchCache {
  private byTop = new Map<Stream, Priced>();
  private byKey = new Map<string, Priced>();
  private warm = false;
  /** branches priced (not found) by the last pricing, for tests and the language server's status */
  misses = 0;

  price(branches: readonly Branch[], warm: boolean): BranchCost[] {
    if (warm !== this.warm) [this.byTop, this.byKey, this.warm] = [new Map(), new Map(), warm];
    const byTop = new Map<Stream, Priced>();
    const byKey = new Map<string, Priced>();
    this.misses = 0;
    const costs = branches.map((branch) => {
      const top = topOf(branch);
      let found = this.byTop.get(top);
      if (!found || !sameStreams(found.streams, branch.streams)) {
        const key = fingerprint(branch, warm);
        found = byKey.get(key) ?? this.byKey.get(key);
        if (!found) {
          found = { streams: branch.streams, key, cost: priceBranch(branch, warm) };
          this.misses++;
        } else found = { streams: branch.streams, key, cost: found.cost };
      }
      byTop.set(top, found);
      byKey.set(found.key, found);
      return found.cost;
    });
    [this.byTop, this.byKey] = [byTop, byKey];
    return costs;
  }
}

/** the stream that starts a branch (an input's reader, not the input, which other branches share) */
function topOf(branch: Branch): Stream {
  return branch.streams[branch.input ? 1 : 0]!;
}

function sameStreams(a: readonly Stream[], b: readonly Stream[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export type Pricing = { report: CostReport; limit?: undefined } | { report?: undefined; limit: Diagnostic };

/** The flow's figures, or the FLOW215 error naming the limit the analysis reached. */
export function priceFlow(model: FlowModel, options: PricingOptions): Pricing {
  try {
    const branches = branchesOf(model);
    const costs = options.cache ? options.cache.price(branches, options.warm) : branches.map((b) => priceBranch(b, options.warm));
    return { report: mergeBranches(model, options.warm, costs, branches) };
  } catch (error) {
    if (!(error instanceof PricingLimit)) throw error;
    const at = error.stream === undefined ? undefined : model.byName.get(error.stream);
    return { limit: diag("FLOW215", error.message, at ? at.decl.name.range : model.decl.name.range) };
  }
}

/** The flow's report; throws PricingLimit where `priceFlow` gives FLOW215 (for callers that hold a flow priced before). */
export function analyzeCost(model: FlowModel, options: PricingOptions): CostReport {
  const priced = priceFlow(model, options);
  if (priced.limit) throw new PricingLimit(priced.limit.message);
  return priced.report;
}

export interface Spend {
  worstCase: Decimal;
  expected: Decimal;
}

/** A branch's totals. */
function spendOf(cost: BranchCost): { worst: bigint; expected: bigint; scale: number } {
  let worst = 0n;
  let expected = 0n;
  for (const at of cost.nodes) [worst, expected] = [worst + worstOf(cost, at), expected + expectedOf(cost, at)];
  return { worst, expected, scale: cost.scale };
}

/**
 * What a change saves: the branch holding `anchor` priced before and after `change`, which
 * receives the branch as a model and returns the streams it replaces or adds (by name); `warm`
 * prices cached nodes as hits. A change the analysis cannot price saves nothing.
 */
export function savingOf(model: FlowModel, anchor: string, change: (branch: FlowModel) => Stream[], warm = false): Spend {
  const branch = branchHolding(model, anchor);
  try {
    const before = spendOf(priceBranch(branch, warm));
    const after = spendOf(priceBranch(withStreams(branch, change(asModel(model, branch))), warm));
    const scale = Math.max(before.scale, after.scale);
    const lift = (s: { scale: number }) => 10n ** BigInt(scale - s.scale);
    const worst = before.worst * lift(before) - after.worst * lift(after);
    const expected = before.expected * lift(before) - after.expected * lift(after);
    return { worstCase: new Decimal(decimalText(worst, scale)), expected: fixedDecimal(expected, scale) };
  } catch (error) {
    if (error instanceof PricingLimit) return { worstCase: new Decimal(0), expected: new Decimal(0) };
    throw error;
  }
}

/** The branch as a model of its own, for a change to read (its readers, its streams by name). */
function asModel(model: FlowModel, branch: Branch): FlowModel {
  const names = new Set(branch.streams.map((s) => s.name));
  return {
    name: model.name,
    decl: model.decl,
    streams: branch.streams,
    byName: new Map(branch.streams.map((s) => [s.name, s])),
    consumers: consumersOf(branch.streams),
    outputs: model.outputs.filter((o) => names.has(o.name)),
    ...(model.budget ? { budget: model.budget } : {}),
  };
}

/** The worst case straight from each branch's bottom-up functions, for cross-checking the witness. */
export { worstCaseTotal } from "./total";
export { expectedNodeCost, EXPECTED_PLACES } from "./expected";
export { pricedRows, topRows, unsortedRows, type PricedRow } from "./report";
export { branchesOf, branchHolding, type Branch } from "./branches";
export { maxCounts, maxEntering } from "./counts";
export { PricingLimit } from "./count-fn";
export { Units } from "./units";
export { outputPrice, megapixels, exactTimes, exactShift, unitFigure } from "./prices";
import { decimalText } from "./units";
import { fixedDecimal } from "./expected";
