// FLOW403: one of the two costliest nodes has no gate or review upstream, so it is paid for every
// item that reaches it, good or bad.
import { Decimal } from "../../syntax/credits";
import { diag, type Diagnostic } from "../../syntax/diagnostics";
import { credits, percent, type LintContext } from "./context";
import { topRows } from "../pricing/index";

/**
 * Below this share of the worst case a node is not where the money goes, even if it is second
 * costliest (the keyframes of a flow whose video is reviewed first, say): no hint.
 */
export const UNGATED_MIN_SHARE = new Decimal("0.25");

export function ungatedLint(ctx: LintContext): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const row of topRows(ctx.cost, 2)) {
    if (row.worstCase.isZero() || row.share.lt(UNGATED_MIN_SHARE)) continue;
    const node = ctx.model.byName.get(row.name)!;
    if (ctx.gatedAbove(node)) continue;
    const message = `'${row.name}' spends ${percent(row.share)} of the worst case (${credits(row.worstCase)}) with no gate or review before it`;
    const note = "a cheap check and a gate, or a review, before it would stop paying for items that are dropped later";
    found.push(diag("FLOW403", message, node.decl.name.range, { notes: [note] }));
  }
  return found;
}
