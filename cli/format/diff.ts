// `flowc diff` in a terminal and as JSON: the summary line, then each flow that changed (largest
// change first) with its figures before → after, the nodes that changed, cap and alert changes,
// and the diagnostics that appeared or went away.
import type { DiagnosticChange, DiffReport, Excess, FigureChange, FlowChange, IncreaseLimit, NodeChange } from "../../compiler/diff";
import type { Decimal } from "../../syntax/credits";
import { beforeAfter, changeText, excessText, flowNotes, limitChanged, limitText, summaryLine } from "./diff-figures";
import { diagnosticJson } from "./json";
import { type JsonValue, exactNumber, roundedNumber, writeJson } from "./json-writer";
import { renderTable } from "./table";

export interface DiffLimits {
  maxIncrease?: IncreaseLimit;
  excess: Excess[];
}

export const NODE_COLUMNS = [
  { title: "node", align: "left" },
  { title: "op", align: "left" },
  { title: "worst case", align: "right" },
  { title: "change", align: "right" },
  { title: "expected", align: "right" },
  { title: "change", align: "right" },
] as const;

export function nodeCells(n: NodeChange, name: (s: string) => string): string[] {
  const label = n.status === "added" || n.status === "removed" ? `${name(n.name)} (${n.status})` : name(n.name);
  return [label, n.op, beforeAfter(n.worstCase, true), changeText(n.worstCase, true), beforeAfter(n.expected, false), changeText(n.expected, false)];
}

/** the nodes worth showing: those that changed, were added or removed */
export function movedNodes(f: FlowChange): NodeChange[] {
  return f.nodes.filter((n) => n.status !== "unchanged");
}

export function diagnosticText(c: DiagnosticChange): string {
  const where = c.node === "" ? "" : ` in ${c.node}`;
  return `${c.diagnostic.severity} ${c.diagnostic.code}${where}: ${c.diagnostic.message}`;
}

export function excessLines(limits: DiffLimits): string[] {
  if (!limits.maxIncrease || limits.excess.length === 0) return [];
  return [`past --max-increase ${limitText(limits.maxIncrease)}:`, ...limits.excess.map((e) => `  ${excessText(e)}`)];
}

export function formatDiffText(report: DiffReport, limits: DiffLimits): string {
  const lines = [summaryLine(report)];
  const changed = report.flows.filter((f) => f.status !== "unchanged");
  for (const f of changed) lines.push("", ...flowLines(f));
  const unchanged = report.flows.length - changed.length;
  if (unchanged > 0 && changed.length > 0) lines.push("", `${unchanged} flow${unchanged === 1 ? "" : "s"} unchanged`);
  const excess = excessLines(limits);
  if (excess.length > 0) lines.push("", ...excess);
  return lines.join("\n") + "\n";
}

function flowLines(f: FlowChange): string[] {
  const notes = flowNotes(f);
  const lines = [`${f.path} (${f.flow}): ${f.status}${notes.length > 0 ? ` — ${notes.join(", ")}` : ""}`];
  const figures: string[][] = [
    ["worst case", beforeAfter(f.worstCase, true), changeText(f.worstCase, true)],
    ["expected", beforeAfter(f.expected, false), changeText(f.expected, false)],
  ];
  if (limitChanged(f.cap)) figures.push(["cap", beforeAfter(f.cap, true), ""]);
  if (limitChanged(f.alert)) figures.push(["alert", beforeAfter(f.alert, true), ""]);
  const table = renderTable(
    [
      { title: "", align: "left" },
      { title: "", align: "right" },
      { title: "", align: "right" },
    ],
    figures,
  ).slice(1);
  lines.push(...table.map((l) => `  ${l}`));
  const nodes = movedNodes(f);
  if (nodes.length > 0) lines.push(...renderTable(NODE_COLUMNS, nodes.map((n) => nodeCells(n, (s) => s))).map((l) => `  ${l}`));
  lines.push(...f.newDiagnostics.map((c) => `  new: ${diagnosticText(c)}`));
  lines.push(...f.fixedDiagnostics.map((c) => `  fixed: ${diagnosticText(c)}`));
  lines.push(...f.changedDiagnostics.map((c) => `  now: ${diagnosticText(c.after)}`));
  return lines;
}

// ---------------------------------------------------------------------------------------------

function figureJson(c: FigureChange, exact: boolean): JsonValue {
  const number = (v: Decimal | undefined) => (v === undefined ? null : exact ? exactNumber(v) : roundedNumber(v));
  return {
    before: number(c.before),
    after: number(c.after),
    change: number(c.delta),
    // a fraction of 1, as every share and rate in JSON (syntax/figures.ts)
    ratio: c.ratio === undefined ? null : roundedNumber(c.ratio),
  };
}

function limitJson(c: { before?: Decimal; after?: Decimal }): JsonValue {
  return { before: c.before === undefined ? null : exactNumber(c.before), after: c.after === undefined ? null : exactNumber(c.after) };
}

function diagnosticChangeJson(c: DiagnosticChange, cwd: string): JsonValue {
  return { node: c.node, ...(diagnosticJson(c.diagnostic, cwd) as Record<string, JsonValue>) };
}

function flowJson(f: FlowChange, cwd: string): JsonValue {
  return {
    path: f.path,
    flow: f.flow,
    status: f.status,
    worstCase: figureJson(f.worstCase, true),
    expected: figureJson(f.expected, false),
    cap: limitJson(f.cap),
    alert: limitJson(f.alert),
    priced: { before: f.priced.before, after: f.priced.after },
    nodes: f.nodes.map((n) => ({ name: n.name, op: n.op, status: n.status, worstCase: figureJson(n.worstCase, true), expected: figureJson(n.expected, false) })),
    newDiagnostics: f.newDiagnostics.map((c) => diagnosticChangeJson(c, cwd)),
    fixedDiagnostics: f.fixedDiagnostics.map((c) => diagnosticChangeJson(c, cwd)),
    changedDiagnostics: f.changedDiagnostics.map((c) => ({ before: diagnosticChangeJson(c.before, cwd), after: diagnosticChangeJson(c.after, cwd) })),
  };
}

export function diffJson(report: DiffReport, limits: DiffLimits, cwd: string): string {
  return (
    writeJson({
      summary: summaryLine(report),
      changed: report.changed,
      totals: {
        flows: report.totals.flows,
        changed: report.totals.changed,
        worstCase: figureJson(report.totals.worstCase, true),
        expected: figureJson(report.totals.expected, false),
      },
      flows: report.flows.map((f) => flowJson(f, cwd)),
      maxIncrease: limits.maxIncrease ? limitText(limits.maxIncrease) : null,
      exceeded: limits.excess.map((e) => ({ path: e.path, flow: e.flow, figure: e.figure, change: figureJson(e.change, e.figure === "worst case") })),
    }) + "\n"
  );
}
