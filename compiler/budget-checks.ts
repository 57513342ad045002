// Budget diagnostics that need the cost figures: the cap against the worst case and the expected
// spend (FLOW301–FLOW304), and the CLI's --max-worst-case / --max-expected limits (FLOW307, FLOW308).
// Each of FLOW301–FLOW304 offers the suggested cap (cap-advice.ts) as a fix when that cap would
// clear it, and says why that figure.
import type { Range } from "../syntax/ast";
import { Decimal, formatExact, formatRounded } from "../syntax/credits";
import { diag, type Diagnostic } from "../syntax/diagnostics";
import { percentText } from "../syntax/figures";
import type { CostReport } from "./cost-report";
import type { FlowModel } from "./model";
import { capFix, HIGH_HEADROOM, LOW_HEADROOM, suggestedCap } from "./cap-advice";

/** Expected figures may carry many digits; worst-case figures are short and exact. */
const credits = (value: Decimal, exact: boolean): string => `${exact ? formatExact(value) : formatRounded(value)} credits`;

export function budgetDiagnostics(model: FlowModel, cost: CostReport): Diagnostic[] {
  const budget = model.budget;
  const capProp = budget?.decl.props.find((p) => p.kind === "cap");
  if (!budget?.cap || !capProp) return [];
  const cap = budget.cap;
  const capText = credits(cap, true);
  const suggestion = suggestedCap(cost.expected, cost.worstCase, budget.strict);
  /** the suggested cap as this diagnostic's fix, when it differs from the cap and would clear it */
  const advice = (clears: (cap: Decimal) => boolean): Partial<Diagnostic> => {
    if (!suggestion || suggestion.eq(cap) || !clears(suggestion)) return {};
    return { fix: capFix(capProp.amount.range, suggestion, cost, budget.strict) };
  };
  const out: Diagnostic[] = [];
  if (cost.worstCase.gt(cap)) {
    const message = `worst case ${credits(cost.worstCase, true)} exceeds the cap of ${capText}`;
    const fix = advice((c) => c.gte(cost.worstCase));
    out.push(diag("FLOW301", message, capProp.range, { ...(budget.strict ? { severity: "error" } : {}), ...(fix.fix ? fix : byDesign(cap, cost)) }));
  }
  const expected = credits(cost.expected, false);
  if (cost.expected.gt(cap)) {
    const message = `expected spend ${expected} exceeds the cap of ${capText}: normal runs would pause`;
    out.push(diag("FLOW302", message, capProp.range, advice((c) => c.gte(cost.expected))));
  } else if (cap.lt(cost.expected.times(LOW_HEADROOM))) {
    const message = `the cap of ${capText} is below 120% of the expected ${expected}: normal variance will pause runs`;
    out.push(diag("FLOW303", message, capProp.range, advice((c) => c.gte(cost.expected.times(LOW_HEADROOM)))));
  } else if (cost.expected.gt(0) && cap.gt(cost.expected.times(HIGH_HEADROOM))) {
    const percent = percentText(cap.div(cost.expected));
    const message = `the cap of ${capText} is ${percent} of the expected ${expected}: a runaway run may spend far more than usual`;
    out.push(diag("FLOW304", message, capProp.range, advice((c) => c.lte(cost.expected.times(HIGH_HEADROOM)))));
  }
  return out;
}

/** FLOW301 under a cap in the 120–130% band: the cap is doing its job, and the note says so. */
function byDesign(cap: Decimal, cost: CostReport): Partial<Diagnostic> {
  const inBand = cap.gte(cost.expected.times(LOW_HEADROOM)) && cap.lte(cost.expected.times(HIGH_HEADROOM));
  if (!inBand) return {};
  return { notes: ["the cap is 120–130% of the expected spend, so only a runaway run pauses at it: this warning says that one can"] };
}

export interface Limits {
  maxWorstCase?: Decimal;
  maxExpected?: Decimal;
}

/** FLOW307 and FLOW308, at the flow's name. */
export function limitDiagnostics(cost: CostReport, limits: Limits, flowRange: Range): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (limits.maxWorstCase !== undefined && cost.worstCase.gt(limits.maxWorstCase)) {
    out.push(diag("FLOW307", `worst case ${credits(cost.worstCase, true)} exceeds --max-worst-case ${formatExact(limits.maxWorstCase)}`, flowRange));
  }
  if (limits.maxExpected !== undefined && cost.expected.gt(limits.maxExpected)) {
    out.push(diag("FLOW308", `expected spend ${credits(cost.expected, false)} exceeds --max-expected ${formatExact(limits.maxExpected)}`, flowRange));
  }
  return out;
}
