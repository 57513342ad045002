// `flowc cost` in a terminal: the headline, a table of nodes (worst case highest first), totals,
// the top two nodes' share, the cap and alert, and the budget diagnostics as `check` prints them.
import type { CostReport } from "../../compiler/cost-report";
import type { Diagnostic } from "../../syntax/diagnostics";
import { COST_COLUMNS, costSheet } from "./cost-figures";
import type { Explanation } from "./explain";
import { renderTable } from "./table";
import { type TextContext, formatDiagnostics } from "./text";

const plainName = (name: string) => name;

export function formatCostText(report: CostReport, diagnostics: readonly Diagnostic[], context: TextContext, explanation?: Explanation): string {
  const { colors } = context;
  const sheet = costSheet(report, plainName);
  const [header, ...body] = renderTable(COST_COLUMNS, [...sheet.rows, sheet.total]);
  const totals = body.pop() ?? "";
  const lines = [
    colors.bold(sheet.headline),
    "",
    colors.bold(header),
    ...body,
    colors.bold(totals),
    ...(sheet.legend ? [colors.dim(sheet.legend)] : []),
    "",
    ...sheet.notes,
  ];
  const explained = explanation ? "\n" + formatExplanationText(explanation, context) : "";
  // each diagnostic ends with a blank line; the last one ends the output
  const shown = diagnostics.length > 0 ? "\n" + formatDiagnostics(diagnostics, context).replace(/\n$/, "") : "";
  return lines.join("\n") + "\n" + explained + shown;
}

export function formatExplanationText(explanation: Explanation, context: TextContext): string {
  const { colors } = context;
  const width = Math.max(0, ...explanation.steps.map((s) => `${s.name} (${s.kind})`.length));
  const steps = explanation.steps.map((s) => `  ${`${s.name} (${s.kind})`.padEnd(width)}  ${s.rounds}`);
  const lines = [
    colors.bold("witness: one run that spends exactly the worst case"),
    `  inputs: ${explanation.inputs}`,
    ...steps,
    colors.bold("why:"),
    ...explanation.reasons.map((r) => `  - ${r}`),
  ];
  return lines.join("\n") + "\n";
}
