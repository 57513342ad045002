// Inlay hints: each node's credits at the end of its first line (`worst 419.4304 · exp
// 142.606336`), and the flow's totals on the `flow` line. Only when the flow has figures: stale
// numbers from an earlier version would be worse than none.
import { InlayHintKind, type InlayHint, type InlayHintParams } from "vscode-languageserver";
import type { Range } from "../syntax/ast";
import { type Decimal, formatExact } from "../syntax/credits";
import type { CostReport } from "../compiler/cost-report";
import type { AnalyzedDocument, DocumentStore } from "./documents";
import { expectedText, percent } from "./figures";
import { offsetsOf } from "./positions";

export function inlayHints(store: DocumentStore, params: InlayHintParams): InlayHint[] {
  const doc = store.get(params.textDocument.uri, "checks");
  const cost = doc.analysis.cost;
  const flow = doc.analysis.ast.flow;
  if (!cost || !flow) return [];
  const { from, to } = offsetsOf(doc.document, params.range);
  const hints: InlayHint[] = [];
  const visible = (range: Range) => range.start.offset <= to && range.end.offset >= from;
  if (visible(flow.name.range)) hints.push(hint(doc, flow.name.range, totals(cost), `worst case and expected spend of flow '${cost.flow}'`));
  for (const node of cost.nodes) {
    if (!visible(node.range)) continue;
    const tooltip = `${percent(node.share)} of the flow's worst case; ${node.worstCalls} calls in the worst case`;
    hints.push(hint(doc, node.range, `worst ${credits(node.worstCase, true)} · exp ${credits(node.expected)}`, tooltip));
  }
  return hints.sort((a, b) => a.position.line - b.position.line);
}

function totals(cost: CostReport): string {
  const cap = cost.cap ? ` · cap ${formatExact(cost.cap)}` : "";
  return `worst ${credits(cost.worstCase, true)} · exp ${credits(cost.expected)}${cap}`;
}

/** Worst-case figures exact, expected ones to 12 places: the same text as `flowc cost` and `flowc report`. */
function credits(value: Decimal, exact = false): string {
  return exact ? formatExact(value) : expectedText(value);
}

/** At the end of the line where `range` starts, before nothing but the line break. */
function hint(doc: AnalyzedDocument, range: Range, label: string, tooltip: string): InlayHint {
  const line = range.start.line - 1;
  const lineEnd = doc.document.offsetAt({ line: line + 1, character: 0 });
  const text = doc.text.slice(doc.document.offsetAt({ line, character: 0 }), lineEnd).replace(/[\r\n]+$/, "");
  return { position: { line, character: text.length }, label, kind: InlayHintKind.Type, paddingLeft: true, tooltip };
}
