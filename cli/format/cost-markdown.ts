// `flowc cost --format markdown`: the same figures as a GitHub-flavoured Markdown table, for a pull
// request comment or a job summary.
import type { CostReport } from "../../compiler/cost-report";
import type { Diagnostic } from "../../syntax/diagnostics";
import { COST_COLUMNS, costSheet } from "./cost-figures";
import type { Explanation } from "./explain";

const codeName = (name: string) => `\`${name}\``;

/** Escape what would break a table cell or start Markdown formatting. */
export function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\*/g, "\\*");
}

function tableRow(cells: readonly string[]): string {
  return `| ${cells.join(" | ")} |`;
}

export function formatCostMarkdown(report: CostReport, diagnostics: readonly Diagnostic[], explanation?: Explanation): string {
  const sheet = costSheet(report, codeName);
  const alignRow = COST_COLUMNS.map((c) => (c.align === "right" ? "---:" : ":---"));
  const total = sheet.total.map((text) => (text === "" ? "" : `**${cell(text)}**`));
  const lines = [
    `### ${sheet.headline}`,
    "",
    tableRow(COST_COLUMNS.map((c) => c.title)),
    tableRow(alignRow),
    ...sheet.rows.map((row) => tableRow(row.map((text, i) => (i === 0 ? text : cell(text))))),
    tableRow(total),
    "",
    ...(sheet.legend ? [`_${sheet.legend}_`, ""] : []),
    ...sheet.notes.map((l) => `- ${l}`),
    ...diagnosticLines(diagnostics),
    ...(explanation ? explanationLines(explanation) : []),
  ];
  return lines.join("\n") + "\n";
}

function diagnosticLines(diagnostics: readonly Diagnostic[]): string[] {
  if (diagnostics.length === 0) return [];
  return ["", ...diagnostics.map((d) => `- **${d.severity}** ${d.code} (line ${d.range.start.line}): ${cell(d.message)}`)];
}

function explanationLines(explanation: Explanation): string[] {
  return [
    "",
    "#### Witness: one run that spends exactly the worst case",
    "",
    `- inputs: ${explanation.inputs}`,
    ...explanation.steps.map((s) => `- ${codeName(s.name)} (${s.kind}): ${s.rounds}`),
    "",
    "Why:",
    "",
    ...explanation.reasons.map((r) => `- ${r}`),
  ];
}
