// FLOW405: a cached node depends on an input that is not marked stable. Its cache key changes with
// that input, so a run with new items misses, while `--warm` prices the node as a hit.
import { diag, type Diagnostic } from "../../syntax/diagnostics";
import { credits, quotedList, type LintContext } from "./context";

export function unstableCacheLint(ctx: LintContext): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const node of ctx.nodes()) {
    if (node.cacheTtlSeconds === undefined) continue;
    const unstable = ctx.inputsBehind(node.name).filter((i) => !i.stable);
    if (unstable.length === 0) continue;
    const cache = ctx.nodeDecl(node).props.find((p) => p.kind === "cache")!;
    const which = `input${unstable.length > 1 ? "s" : ""} ${quotedList(unstable.map((i) => i.name))}, which ${unstable.length > 1 ? "are" : "is"} not marked stable`;
    const worst = ctx.row(node.name).worstCase;
    const cost = worst.isZero() ? "" : `: a run with new items misses the cache and pays its ${credits(worst)}, which --warm counts as free`;
    found.push(diag("FLOW405", `'${node.name}' is cached but depends on ${which}${cost}`, cache.range));
  }
  return found;
}
