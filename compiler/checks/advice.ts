// Warnings and hints that need no cost figures: FLOW305 (no budget), FLOW306 (alert at or above
// the cap), FLOW408 (a gate or review without an expected rate).
import { formatExact } from "../../syntax/credits";
import { diag, type Diagnostic } from "../../syntax/diagnostics";
import type { FlowModel } from "../model";

export function budgetShapeDiagnostics(model: FlowModel): Diagnostic[] {
  const budget = model.budget;
  if (!budget) return [diag("FLOW305", `flow '${model.name}' has no budget block: its runs have no cap`, model.decl.name.range)];
  const alert = budget.decl.props.find((p) => p.kind === "alert");
  if (!alert || !budget.alert || !budget.cap || budget.alert.lt(budget.cap)) return [];
  const written = alert.percent ? `${alert.percent.value}% (${formatExact(budget.alert)} credits)` : `${formatExact(budget.alert)} credits`;
  return [diag("FLOW306", `alert ${written} is at or above the cap of ${formatExact(budget.cap)} credits: it can never fire before the run pauses`, alert.range)];
}

export function expectedRateDiagnostics(model: FlowModel): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (let i = 0; i < model.streams.length; i++) {
    const gate = model.streams[i]!;
    if (gate.kind !== "gate" || gate.passRateGiven) continue;
    const message = gate.human
      ? `review '${gate.name}' has no 'expect approve': the expected spend assumes every item is approved`
      : `gate '${gate.name}' has no 'expect pass': the expected spend assumes every item passes`;
    out.push(diag("FLOW408", message, gate.decl.name.range));
  }
  return out;
}
