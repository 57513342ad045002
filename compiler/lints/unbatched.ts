// FLOW406: a batchable op with a per-call overhead makes one call per item, paying the overhead
// for every item. Fix: `batch 25`.
import { diag, type Diagnostic } from "../../syntax/diagnostics";
import type { NodeStream } from "../model";
import type { NodeDecl } from "../../syntax/ast";
import { ZERO } from "../../syntax/credits";
import { credits, rounded, type LintContext } from "./context";
import { expectedNodeCost, savingOf } from "./what-if";

/** The batch size the fix adds: the contract's own example batches captions by 25. */
export const DEFAULT_BATCH = 25;

export function unbatchedLint(ctx: LintContext): Diagnostic[] {
  const found: Diagnostic[] = [];
  const chained = new Set<string>();
  for (const s of ctx.model.streams) if (s.kind === "gate" && s.retry) for (const name of s.retry.chain) chained.add(name);
  for (const node of ctx.nodes()) {
    const decl = ctx.nodeDecl(node);
    if (!node.op.batchable || node.overheadPerCall.lte(ZERO) || decl.props.some(isBatch)) continue;
    const inRetryChain = chained.has(node.name);
    // outside a retry chain, batching saves at most what the node is expected to spend
    if (!inRetryChain && ctx.negligibleUpTo("FLOW406", ctx.row(node.name).expected)) continue;
    if (ctx.maxEntering(node) <= 1n) continue;
    const saving = expectedSaving(ctx, node, inRetryChain);
    if (ctx.negligible("FLOW406", saving)) continue;
    const prop = `batch ${DEFAULT_BATCH}`;
    const message =
      `'${node.name}' makes one call per item and pays ${credits(node.overheadPerCall)} of overhead on each: ` +
      `'${prop}' saves ${credits(saving, "rounded")} of expected spend (${rounded(ctx.cost.expected)} → ${rounded(ctx.cost.expected.minus(saving))})`;
    found.push(diag("FLOW406", message, decl.name.range, { fix: { title: `add '${prop}'`, edits: [ctx.source.addProperty(decl, prop)] } }));
  }
  return found;
}

const isBatch = (p: NodeDecl["props"][number]) => p.kind === "batch";

/**
 * Batching changes no item count, so outside a retry chain (whose items come in rounds) the node
 * priced alone, fed its expected items, gives the flow's saving exactly and cheaply.
 */
function expectedSaving(ctx: LintContext, node: NodeStream, inRetryChain: boolean) {
  const batched: NodeStream = { ...node, batch: DEFAULT_BATCH };
  if (inRetryChain) return savingOf(ctx.model, node.name, () => [batched]).expected;
  const items = ctx.row(node.name).expectedItems;
  return expectedNodeCost(node, items).minus(expectedNodeCost(batched, items));
}
