// The flows `flowc ui` shows: the .flow files under the paths it was given, each checked and
// priced as `flowc check` and `flowc cost` do (flowc.json applied), as a graph with prices, the
// witness and the diagnostics.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { analyzeFile, type FileAnalysis } from "../compiler/index";
import { toGraph } from "../compiler/to-graph";
import { formatExact } from "../syntax/credits";
import { expectedText, percentValue } from "../syntax/figures";
import { configFor } from "../lsp/config";
import type { FlowGraph } from "../runtime/index";
import { graphView, type NodeFigures } from "./graph-view";
import type { DiagnosticView, FlowRow, FlowView } from "./views";

/** folders never worth walking into */
const SKIPPED = new Set(["node_modules", ".git", ".flowc", "dist", "coverage"]);
/** most files listed from the folders given */
const MAX_FILES = 2000;

/** The .flow files of `paths` (files as given, folders walked), absolute, sorted by code point. */
export function findFlowFiles(paths: readonly string[]): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (found.size >= MAX_FILES) return;
      const full = path.join(dir, name);
      let stats;
      try {
        stats = statSync(full);
      } catch {
        continue;
      }
      if (stats.isDirectory() && !SKIPPED.has(name) && !name.startsWith(".")) walk(full);
      else if (stats.isFile() && name.endsWith(".flow")) found.add(full);
    }
  };
  for (const given of paths) {
    const full = path.resolve(given);
    try {
      if (statSync(full).isDirectory()) walk(full);
      else found.add(full);
    } catch {
      found.add(full); // shown with its reason
    }
  }
  return [...found].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** The file analysed as `flowc check` does, or why it cannot be. */
function analyse(file: string): FileAnalysis | string {
  const text = readText(file);
  if (text === undefined) return "cannot read the file";
  const found = configFor(file, readText);
  return analyzeFile(file, text, { readFile: readText }, found.options);
}

export function flowRow(file: string, cwd: string): FlowRow {
  const shown = displayPath(file, cwd);
  const analysis = analyse(file);
  if (typeof analysis === "string") return { file: shown, errors: 0, warnings: 0, problem: analysis };
  const cost = analysis.cost;
  return {
    file: shown,
    ...(analysis.ast.flow ? { flow: analysis.ast.flow.name.text } : {}),
    ...(cost ? { worstCase: formatExact(cost.worstCase), expected: expectedText(cost.expected) } : {}),
    ...(cost?.cap ? { cap: formatExact(cost.cap) } : {}),
    errors: analysis.diagnostics.filter((d) => d.severity === "error").length,
    warnings: analysis.diagnostics.filter((d) => d.severity === "warning").length,
  };
}

export function flowView(file: string, cwd: string): FlowView {
  const shown = displayPath(file, cwd);
  const analysis = analyse(file);
  if (typeof analysis === "string") return { file: shown, flow: path.basename(file), nodes: [], edges: [], diagnostics: [], problem: analysis };
  const diagnostics = analysis.diagnostics.map((d): DiagnosticView => ({ code: d.code, severity: d.severity, message: d.message, file: displayPath(d.file ?? file, cwd), line: d.range.start.line, column: d.range.start.column }));
  const flow = analysis.ast.flow?.name.text ?? path.basename(file);
  const { model, cost } = analysis;
  if (!model || !cost) return { file: shown, flow, nodes: [], edges: [], diagnostics, problem: analysis.ast.flow ? "the flow has errors: no graph or figures until they are fixed" : "the file declares no flow" };
  const figures = new Map<string, NodeFigures>(cost.nodes.map((n) => [n.name, { worstCase: formatExact(n.worstCase), expected: expectedText(n.expected), share: percentValue(n.share).toFixed(1) }]));
  const top = cost.nodes.slice(0, 2).map((n) => n.name);
  return {
    file: shown,
    flow,
    worstCase: formatExact(cost.worstCase),
    expected: expectedText(cost.expected),
    ...(cost.cap ? { cap: formatExact(cost.cap) } : {}),
    ...(cost.alert ? { alert: formatExact(cost.alert) } : {}),
    topTwoShare: percentValue(cost.topTwoShare).toFixed(1),
    ...graphView(toGraph(model, cost), figures, top),
    witness: cost.witness,
    diagnostics,
  };
}

/** A run's own graph, when no file of the flow is shown: its shape, without static figures per node. */
export function runFlowView(runId: string, graph: FlowGraph): FlowView {
  return {
    runId,
    flow: graph.flow,
    worstCase: graph.worstCase,
    expected: graph.expected,
    ...(graph.budget.cap ? { cap: graph.budget.cap } : {}),
    ...(graph.budget.alert ? { alert: graph.budget.alert } : {}),
    ...graphView(graph, new Map(), []),
    diagnostics: [],
  };
}

export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return (relative.startsWith("..") || path.isAbsolute(relative) ? file : relative).split(path.sep).join("/");
}

