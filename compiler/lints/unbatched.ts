// FLOW406: a batchable op with a per-call overhead makes one call per item, paying the overhead
// for every item. Fix: `batch 25`.
import { diag, type Diagnostic } from "../../syntax/diagnostics";
import type { NodeStream } from "../model";
import type { NodeCost } from "../cost-report";
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
  // outside a retry chain, batching saves at most what the node is expected to spend
  const worth = ctx.rowsWorth("FLOW406", true);
  for (const node of ctx.nodes()) {
    if (!node.op.batchable) continue;
    const inRetryChain = chained.has(node.name);
    const row = worth.get(node.name);
    if (!inRetryChain && !row) continue;
    const decl = ctx.nodeDecl(node);
    if (node.overheadPerCall.lte(ZERO) || decl.props.some(isBatch)) continue;
    if (ctx.maxEntering(node) <= 1n) continue;
    const saving = expectedSaving(ctx, node, inRetryChain ? undefined : row);
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
 * priced alone, fed its expected items (its `row`), gives the flow's saving exactly and cheaply.
 * In a chain (`row` undefined) the flow is priced again.
 */
function expectedSaving(ctx: LintContext, node: NodeStream, row: NodeCost | undefined) {
  const batched: NodeStream = { ...node, batch: DEFAULT_BATCH };
  if (!row) return savingOf(ctx.model, node.name, () => [batched]).expected;
  const items = row.expectedItems;
  return expectedNodeCost(node, items).minus(expectedNodeCost(batched, items));
}
