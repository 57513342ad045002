// Budget diagnostics that need the cost figures: the cap against the worst case and the expected
// spend (FLOW301–FLOW304), and the CLI's --max-worst-case / --max-expected limits (FLOW307, FLOW308).
import type { Range } from "../syntax/ast";
import { Decimal, formatExact, formatRounded } from "../syntax/credits";
import { diag, type Diagnostic } from "../syntax/diagnostics";
import { percentText } from "../syntax/figures";
import type { CostReport } from "./cost-report";
import type { FlowModel } from "./model";

const LOW_HEADROOM = new Decimal("1.2");
const HIGH_HEADROOM = new Decimal("1.3");

/** Expected figures may carry many digits; worst-case figures are short and exact. */
const credits = (value: Decimal, exact: boolean): string => `${exact ? formatExact(value) : formatRounded(value)} credits`;

export function budgetDiagnostics(model: FlowModel, cost: CostReport): Diagnostic[] {
  const budget = model.budget;
  const capProp = budget?.decl.props.find((p) => p.kind === "cap");
  if (!budget?.cap || !capProp) return [];
  const cap = budget.cap;
  const capText = credits(cap, true);
  const out: Diagnostic[] = [];
  if (cost.worstCase.gt(cap)) {
    const message = `worst case ${credits(cost.worstCase, true)} exceeds the cap of ${capText}`;
    out.push(diag("FLOW301", message, capProp.range, budget.strict ? { severity: "error" } : {}));
  }
  const expected = credits(cost.expected, false);
  if (cost.expected.gt(cap)) {
    out.push(diag("FLOW302", `expected spend ${expected} exceeds the cap of ${capText}: normal runs would pause`, capProp.range));
  } else if (cap.lt(cost.expected.times(LOW_HEADROOM))) {
    out.push(diag("FLOW303", `the cap of ${capText} is below 120% of the expected ${expected}: normal variance will pause runs`, capProp.range));
  } else if (cost.expected.gt(0) && cap.gt(cost.expected.times(HIGH_HEADROOM))) {
    const percent = percentText(cap.div(cost.expected));
    out.push(diag("FLOW304", `the cap of ${capText} is ${percent} of the expected ${expected}: a runaway run may spend far more than usual`, capProp.range));
  }
  return out;
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
