// FLOW406: a batchable op with a per-call overhead makes one call per item, paying the overhead
// for every item. Fix: `batch 25`.
import { diag, type Diagnostic } from "../../syntax/diagnostics";
import type { NodeStream } from "../model";
import { credits, rounded, type LintContext } from "./context";
import { aloneWith, savingOf, spendOf } from "./what-if";

/** The batch size the fix adds: the contract's own example batches captions by 25. */
export const DEFAULT_BATCH = 25;

export function unbatchedLint(ctx: LintContext): Diagnostic[] {
  const found: Diagnostic[] = [];
  const chained = new Set(ctx.model.streams.flatMap((s) => (s.kind === "gate" && s.retry ? s.retry.chain : [])));
  for (const node of ctx.nodes()) {
    const decl = ctx.nodeDecl(node);
    if (!node.op.batchable || node.overheadPerCall.lte(0) || decl.props.some((p) => p.kind === "batch")) continue;
    if (ctx.maxEntering(node) <= 1) continue;
    const saving = expectedSaving(ctx, node, chained.has(node.name));
    if (ctx.negligible("FLOW406", saving)) continue;
    const prop = `batch ${DEFAULT_BATCH}`;
    const message =
      `'${node.name}' makes one call per item and pays ${credits(node.overheadPerCall)} of overhead on each: ` +
      `'${prop}' saves ${credits(saving, "rounded")} of expected spend (${rounded(ctx.cost.expected)} → ${rounded(ctx.cost.expected.minus(saving))})`;
    found.push(diag("FLOW406", message, decl.name.range, { fix: { title: `add '${prop}'`, edits: [ctx.source.addProperty(decl, prop)] } }));
  }
  return found;
}

/**
 * Batching changes no item count, so outside a retry chain (whose items come in rounds) the node
 * priced alone, fed its expected items, gives the flow's saving exactly and cheaply.
 */
function expectedSaving(ctx: LintContext, node: NodeStream, inRetryChain: boolean) {
  const batched: NodeStream = { ...node, batch: DEFAULT_BATCH };
  if (inRetryChain) return savingOf(ctx.model, node.name, () => [batched]).expected;
  const items = ctx.row(node.name).expectedItems;
  return spendOf(aloneWith(ctx.model, node, items)).expected.minus(spendOf(aloneWith(ctx.model, batched, items)).expected);
}
