// The cap flowc suggests, for the fixes of FLOW301–FLOW305: 125% of the expected spend, rounded to
// a round number that stays inside the comfortable band of 120–130% (so the fix never trades one
// budget diagnostic for another). With `strict` the cap must hold the worst case instead.
//
// "Round" means the fewest significant digits: between 326.43 and 353.63 (expected 272.03) the
// candidates with one digit (300) miss the band, those with two (330, 340, 350) fit, and 340 is
// the closest to 125%. A tie goes to the larger (more room for a normal run).
import { expectedText, percentText } from "../syntax/figures";
import type { Decl, FlowDecl, Range } from "../syntax/ast";
import { Decimal, formatExact } from "../syntax/credits";
import type { Diagnostic, Fix, TextEdit } from "../syntax/diagnostics";
import type { CostReport } from "./cost-report";
import { SourceText } from "./lints/edits";

export const LOW_HEADROOM = new Decimal("1.2");
export const HIGH_HEADROOM = new Decimal("1.3");
export const TARGET_HEADROOM = new Decimal("1.25");

/** The cap to suggest, or none when there is nothing to size it by (an expected spend of 0). */
export function suggestedCap(expected: Decimal, worstCase: Decimal, strict: boolean): Decimal | undefined {
  const low = expected.times(LOW_HEADROOM);
  const high = expected.times(HIGH_HEADROOM);
  if (strict) {
    if (worstCase.lte(0)) return undefined;
    if (worstCase.gt(high)) return roundUp(worstCase);
    return roundestBetween(Decimal.max(low, worstCase), high, Decimal.max(expected.times(TARGET_HEADROOM), worstCase));
  }
  return expected.gt(0) ? roundestBetween(low, high, expected.times(TARGET_HEADROOM)) : undefined;
}

/** The number with the fewest significant digits in [low, high] (0 < low ≤ high), the closest to `target`. */
export function roundestBetween(low: Decimal, high: Decimal, target: Decimal): Decimal {
  for (let step = new Decimal(10).pow(high.e); ; step = step.div(10)) {
    const first = low.div(step).ceil().times(step);
    const last = high.div(step).floor().times(step);
    if (first.gt(last)) continue;
    const nearest = target.div(step).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).times(step);
    return Decimal.min(Decimal.max(nearest, first), last);
  }
}

/** Up to two significant digits: 902.2896 → 910, 35 → 35, 0.1234 → 0.13. */
export function roundUp(value: Decimal): Decimal {
  const step = new Decimal(10).pow(value.e - 1);
  return value.div(step).ceil().times(step);
}

/** The fix that writes `cap` over the amount at `amount`. */
export function capFix(amount: Range, cap: Decimal, cost: CostReport, strict: boolean): Fix {
  const edit: TextEdit = { range: amount, text: formatExact(cap) };
  return { title: `set the cap to ${formatExact(cap)} credits (${why(cap, cost, strict)})`, edits: [edit] };
}

/** Where the figure comes from, for a fix's title. */
function why(cap: Decimal, cost: CostReport, strict: boolean): string {
  if (strict && cap.gte(cost.worstCase) && cost.worstCase.gt(cost.expected.times(HIGH_HEADROOM))) return `the worst case ${formatExact(cost.worstCase)}, rounded up, as 'strict' asks`;
  return `${percentText(cap.div(cost.expected))} of the expected ${expectedText(cost.expected)}, a round number between 120% and 130%`;
}

/**
 * The diagnostics, with a fix on FLOW305 (no budget block): a budget block holding the suggested
 * cap, after the flow's inputs (where the contract's examples keep it), else first in the flow.
 */
export function withBudgetFix(diagnostics: readonly Diagnostic[], flow: FlowDecl | undefined, cost: CostReport | undefined, text: string): Diagnostic[] {
  const missingCap = (d: Diagnostic) => d.code === "FLOW305" && d.file === undefined;
  if (!diagnostics.some(missingCap)) return [...diagnostics];
  const cap = cost && suggestedCap(cost.expected, cost.worstCase, false);
  const anchor = flow && ([...flow.decls].reverse().find((d) => d.kind === "input") ?? flow.decls[0]);
  if (!cap || !flow || !anchor) return [...diagnostics];
  const source = new SourceText(text);
  const block = `budget { cap ${formatExact(cap)} credits }`;
  const insert = budgetInsertion(source, anchor, flow, block, anchor.kind === "input");
  const fix: Fix = { title: `add '${block}' (${why(cap, cost, false)})`, edits: [insert] };
  return diagnostics.map((d) => (missingCap(d) ? { ...d, fix } : d));
}

/** On a line of its own after (or before) the anchor, at its indentation; on the anchor's line when the flow closes there. */
function budgetInsertion(source: SourceText, anchor: Decl, flow: FlowDecl, block: string, after: boolean): TextEdit {
  const closing = flow.range.end.offset - 1;
  const lineEnd = source.text.indexOf("\n", anchor.range.end.offset);
  const indent = source.indentAt(anchor.range.start.offset);
  if (!after) {
    const lineStart = source.lineStart(anchor.range.start.offset);
    if (lineStart <= flow.range.start.offset) return source.insert(anchor.range.start.offset, `${block}  `);
    return source.insert(lineStart, `${indent}${block}${source.eol}`);
  }
  if (lineEnd === -1 || lineEnd >= closing) return source.insert(anchor.range.end.offset, `  ${block}`);
  return source.insert(lineEnd + 1, `${indent}${block}${source.eol}`);
}
