// FLOW404: a node that reads only stable inputs has no cache, so every re-run pays for it again
// although its output would be the same. Fix: `cache ttl 24h`.
import { type Decimal, dec } from "../../syntax/credits";
import { diag, type Diagnostic } from "../../syntax/diagnostics";
import type { NodeStream } from "../model";
import { savingOf } from "./what-if";
import { credits, quotedList, type LintContext } from "./context";

/**
 * The TTL the fix adds. A day keeps re-runs of the same day free and still refreshes the output
 * daily, in case a provider's model changes behind the same name; authors lengthen it to match
 * how rarely their stable inputs change (the samples use 30d for a brand kit).
 */
export const DEFAULT_CACHE_TTL = "24h";
const DEFAULT_CACHE_SECONDS = 24 * 60 * 60;

/**
 * How much the `--warm` worst case falls once the node is cached. Without a gate above it the
 * node gets the same items in every worst run, so that is its worst-case cost; below a gate,
 * caching it may make another split the worst, so the branch is priced again.
 */
function warmDrop(ctx: LintContext, node: NodeStream, worstCase: Decimal): Decimal {
  if (!ctx.gatedAbove(node)) return worstCase;
  const cached: NodeStream = { ...node, cacheTtlSeconds: dec(DEFAULT_CACHE_SECONDS) };
  return savingOf(ctx.model, node.name, () => [cached], true).worstCase;
}

/** Below a gate the worst run may go another way once the node is cached: both figures then. */
function paysAgain(worstCase: Decimal, drop: Decimal, prop: string): string {
  if (drop.eq(worstCase)) return `its ${credits(worstCase)} again`;
  const warm = drop.isZero() ? "stays the same" : `falls by ${credits(drop)}`;
  return `up to its ${credits(worstCase)} again (the --warm worst case ${warm} with '${prop}': the worst run then goes another way)`;
}

export function uncachedLint(ctx: LintContext): Diagnostic[] {
  const found: Diagnostic[] = [];
  // What a re-run would not pay once the node is cached: the node's own expected cost.
  const worth = ctx.rowsWorth("FLOW404", false);
  if (worth.size === 0) return found;
  for (const node of ctx.nodes()) {
    const row = worth.get(node.name);
    if (!row || row.worstCase.isZero()) continue;
    const decl = ctx.nodeDecl(node);
    // `cache off` is the author's decision, not an oversight.
    if (decl.props.some((p) => p.kind === "cache")) continue;
    const inputs = ctx.inputsBehind(node.name);
    if (!inputs.every((i) => i.stable)) continue;
    const reads = inputs.length === 0 ? "reads no input" : `reads only stable inputs (${quotedList(inputs.map((i) => i.name))})`;
    const prop = `cache ttl ${DEFAULT_CACHE_TTL}`;
    const drop = warmDrop(ctx, node, row.worstCase);
    const message = `'${node.name}' ${reads} but has no cache: every re-run pays ${paysAgain(row.worstCase, drop, prop)}`;
    found.push(diag("FLOW404", message, decl.name.range, { fix: { title: `add '${prop}'`, edits: [ctx.source.addProperty(decl, prop)] } }));
  }
  return found;
}
