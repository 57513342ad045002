// `flowc diff --format markdown`: a pull-request comment. A hidden marker (so a CI job can find
// and update its one comment), the summary line as a heading, a table of the flows that changed
// sorted by the size of the change, and each flow's details — nodes, cap, diagnostics — folded.
import type { DiffReport, FlowChange } from "../../compiler/diff";
import { cell } from "./cost-markdown";
import { beforeAfter, changeText, excessText, flowNotes, limitText, summaryLine } from "./diff-figures";
import { type DiffLimits, NODE_COLUMNS, diagnosticText, movedNodes, nodeCells } from "./diff";

/** The first line of every comment flowc writes, found again by the GitHub Action to update it. */
export const DIFF_MARKER = "<!-- flowc-diff -->";

const code = (name: string) => `\`${name.replace(/`/g, "")}\``;

const html = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function row(cells: readonly string[]): string {
  return `| ${cells.join(" | ")} |`;
}

function alignRow(aligns: readonly ("left" | "right")[]): string {
  return row(aligns.map((a) => (a === "right" ? "---:" : ":---")));
}

export function formatDiffMarkdown(report: DiffReport, limits: DiffLimits): string {
  const changed = report.flows.filter((f) => f.status !== "unchanged");
  const lines = [DIFF_MARKER, `### ${summaryLine(report)}`];
  if (changed.length > 0) lines.push("", ...flowTable(changed));
  const unchanged = report.flows.length - changed.length;
  if (unchanged > 0 && changed.length > 0) lines.push("", `_${unchanged} flow${unchanged === 1 ? "" : "s"} unchanged._`);
  if (limits.maxIncrease && limits.excess.length > 0) {
    lines.push("", `:x: **Past \`--max-increase ${limitText(limits.maxIncrease)}\`:**`, "", ...limits.excess.map((e) => `- ${cell(excessText(e))}`));
  }
  for (const f of changed) lines.push("", ...details(f));
  return lines.join("\n") + "\n";
}

function flowTable(flows: FlowChange[]): string[] {
  return [
    row(["flow", "file", "worst case", "change", "expected", "change"]),
    alignRow(["left", "left", "right", "right", "right", "right"]),
    ...flows.map((f) =>
      row([
        code(f.flow) + (f.status === "added" || f.status === "removed" ? ` (${f.status})` : ""),
        cell(f.path),
        beforeAfter(f.worstCase, true),
        `**${changeText(f.worstCase, true)}**`,
        beforeAfter(f.expected, false),
        changeText(f.expected, false),
      ]),
    ),
  ];
}

function details(f: FlowChange): string[] {
  const notes = flowNotes(f);
  // GitHub renders no Markdown inside <summary>: HTML it is
  const summary = `<code>${html(f.flow)}</code> (${html(f.path)})${notes.length > 0 ? `: ${html(notes.join(", "))}` : ""}`;
  const body: string[] = [];
  const nodes = movedNodes(f);
  if (nodes.length > 0) {
    body.push(row(NODE_COLUMNS.map((c) => c.title)), alignRow(NODE_COLUMNS.map((c) => c.align)), ...nodes.map((n) => row(nodeCells(n, code).map((t, i) => (i === 0 ? t : cell(t))))), "");
  }
  const limits = [
    ["cap", f.cap],
    ["alert", f.alert],
  ] as const;
  for (const [label, c] of limits) if (notes.some((n) => n.startsWith(`${label} `))) body.push(`- ${label}: ${beforeAfter(c, true)} credits`);
  if (f.newDiagnostics.length > 0) body.push("", "**New diagnostics**", "", ...f.newDiagnostics.map((c) => `- ${cell(diagnosticText(c))}`));
  if (f.fixedDiagnostics.length > 0) body.push("", "**Fixed diagnostics**", "", ...f.fixedDiagnostics.map((c) => `- ${cell(diagnosticText(c))}`));
  if (f.changedDiagnostics.length > 0) body.push("", "**Diagnostics with new figures**", "", ...f.changedDiagnostics.map((c) => `- ${cell(diagnosticText(c.after))}`));
  if (body.length === 0) body.push("_no node, budget or diagnostic changed_");
  return ["<details>", `<summary>${summary}</summary>`, "", ...body, "", "</details>"];
}
