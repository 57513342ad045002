// Hover: what a name means and what it costs. On a node, its worst case, expected spend, share of
// the flow, calls, attempts and the price formula; on a gate or review, its pass rate and rounds;
// on an input, its counts; on a model, its rate; on an op, its metrics. Anywhere else inside a
// declaration, the declaration itself. Figures come from the cost analysis; without one (the
// flow has errors), hover says so and still shows what the source declares.
import { roundNumber } from "../syntax/figures";
import type { Hover, HoverParams } from "vscode-languageserver";
import type { BudgetDecl, Decl, ModelDecl, OpDecl, Range } from "../syntax/ast";
import { BUILTIN_OPS } from "../compiler/builtins";
import { dec, formatExact } from "../syntax/credits";
import type { CostReport, NodeCost } from "../compiler/cost-report";
import type { GateStream, InputStream, ModelInfo, NodeStream, SelectStream } from "../compiler/model";
import type { AnalyzedDocument, DocumentStore } from "./documents";
import { declAt, declName, metricOp, modelDecl, opDecl, opMetrics, streamDecl } from "./lookup";
import { occurrenceAt, type Occurrence } from "./names";
import { expectedText, percent, rateText } from "./figures";
import { offsetOf, toLspRange } from "./positions";

export function hover(store: DocumentStore, params: HoverParams): Hover | null {
  const doc = store.get(params.textDocument.uri, "checks");
  const offset = offsetOf(doc.document, params.position);
  const occurrence = occurrenceAt(doc.occurrences, offset);
  if (occurrence) return answer(describeName(doc, occurrence), occurrence.range);
  const decl = declAt(doc.analysis.ast, offset);
  if (decl) return answer(describeDecl(doc, decl), decl.range);
  const flow = doc.analysis.ast.flow;
  if (flow && offset >= flow.name.range.start.offset && offset <= flow.range.end.offset) return answer(describeFlow(doc), flow.name.range);
  return null;
}

function answer(lines: string[] | undefined, range: Range): Hover | null {
  if (!lines || lines.length === 0) return null;
  return { contents: { kind: "markdown", value: lines.join("\n") }, range: toLspRange(range) };
}

function describeName(doc: AnalyzedDocument, occurrence: Occurrence): string[] | undefined {
  switch (occurrence.kind) {
    case "stream": {
      const decl = streamDecl(doc.analysis.ast, occurrence.name);
      return decl ? describeDecl(doc, decl) : [`unknown stream \`${occurrence.name}\``];
    }
    case "model":
      return describeModel(doc, occurrence.name);
    case "op":
      return describeOp(doc, occurrence.name);
    case "metric":
      return describeMetric(doc, occurrence);
  }
}

function describeDecl(doc: AnalyzedDocument, decl: Decl): string[] | undefined {
  const stream = declName(decl) && doc.analysis.model?.byName.get(declName(decl)!.text);
  const sameDecl = stream !== undefined && stream.decl === decl;
  switch (decl.kind) {
    case "node":
      return sameDecl && stream.kind === "node" ? describeNode(stream, doc.analysis.cost) : unpriced(doc, decl);
    case "gate":
    case "review":
      return sameDecl && stream.kind === "gate" ? describeGate(stream, doc.analysis.cost) : unpriced(doc, decl);
    case "input":
      return sameDecl && stream.kind === "input" ? describeInput(stream, doc.analysis.cost) : unpriced(doc, decl);
    case "select":
      return sameDecl && stream.kind === "select" ? describeSelect(stream) : unpriced(doc, decl);
    case "model":
      return describeModel(doc, decl.name.text);
    case "op":
      return describeOp(doc, decl.name.text);
    case "budget":
      return describeBudget(decl, doc.analysis.cost);
    case "output":
      return describeFlow(doc);
  }
}

/** A declaration without figures: its source text, and why there are no figures. */
function unpriced(doc: AnalyzedDocument, decl: Decl): string[] {
  const header = doc.text.slice(decl.range.start.offset, decl.range.end.offset).split(/\r?\n|\r/)[0] ?? "";
  return ["```flow", header, "```", "", noFigures(doc)];
}

function noFigures(doc: AnalyzedDocument): string {
  return doc.analysis.ast.flow ? "_no credit figures while the flow has errors_" : "_no flow in this file_";
}

// ---- streams --------------------------------------------------------------------------------

function describeNode(node: NodeStream, cost: CostReport | undefined): string[] {
  const model = node.model ? ` · model \`${node.model.name}\`` : "";
  const from = node.source ? `(${node.source.name}${node.source.rejected ? ".rejected" : ""})` : "()";
  const lines = [`**node \`${node.name}\`** = ${node.op.name}${from}${model}`, ""];
  const row = cost?.nodes.find((n) => n.name === node.name);
  if (row) lines.push(...figuresTable(row), "", ...attemptLines(node, row, cost!), "");
  else lines.push("_no credit figures while the flow has errors_", "");
  lines.push(...priceLines(node));
  return lines;
}

function figuresTable(row: NodeCost): string[] {
  return [
    "| | worst case | expected |",
    "|---|---:|---:|",
    `| credits | ${formatExact(row.worstCase)} | ${expectedText(row.expected)} |`,
    `| calls | ${row.worstCalls} | ${expectedText(row.expectedCalls)} |`,
    `| items | ${row.worstItems} | ${expectedText(row.expectedItems)} |`,
  ];
}

function attemptLines(node: NodeStream, row: NodeCost, cost: CostReport): string[] {
  const lines = [`${percent(row.share)} of the flow's worst case (${formatExact(cost.worstCase)} credits)`];
  if (row.cacheHit) lines.push("cached: a hit under `--warm` costs nothing");
  else if (node.cacheTtlSeconds) lines.push(`cached for ${formatExact(node.cacheTtlSeconds)} s: counted as a miss (a cold run)`);
  const retry = node.retry > 0 ? ` (retry ${node.retry}: every attempt is charged)` : "";
  lines.push(`attempts: ${row.worstAttempts} in the worst case, up to ${node.retry + 1} per call${retry}`);
  if (node.batch) lines.push(`batch ${node.batch}: one call per ${node.batch} items`);
  return lines;
}

/** `price: 4 credits/MP × 1.048576 MP = 4.194304 per output`, and the per-call overhead. */
export function priceLines(node: NodeStream): string[] {
  const lines: string[] = [];
  const props = node.decl.kind === "node" ? node.decl.props : [];
  const costProp = props.find((p) => p.kind === "cost" && !p.perCall);
  const callProp = props.find((p) => p.kind === "cost" && p.perCall);
  if (costProp) lines.push(`price: ${formatExact(node.pricePerOutput)} credits per output (the node's \`cost\`)`);
  else if (node.model) lines.push(`price: ${modelFormula(node.model, node)} = ${formatExact(node.pricePerOutput)} per output`);
  else lines.push("price: 0 credits (no model and no cost)");
  if (node.variants > 1) lines.push(`${node.variants} variants per item: ${formatExact(node.pricePerOutput.times(node.variants))} per item`);
  if (!node.overheadPerCall.isZero()) lines.push(`overhead: ${formatExact(node.overheadPerCall)} per call${callProp ? " (the node's `cost … per call`)" : ""}`);
  return lines;
}

const UNIT_SHORT = { megapixel: "MP", second: "s", item: "item" } as const;

function modelFormula(model: ModelInfo, node: NodeStream): string {
  const rate = `${formatExact(model.rate)} credits${model.units.map((u) => `/${UNIT_SHORT[u]}`).join("")}`;
  const factors = model.units.flatMap((unit) => {
    if (unit === "megapixel" && node.resolution) return [`${formatExact(dec(node.resolution.width).times(node.resolution.height).div(1_000_000))} MP`];
    if (unit === "second" && node.durationSeconds) return [`${formatExact(node.durationSeconds)} s`];
    return [];
  });
  return [rate, ...factors].join(" × ");
}

function describeGate(gate: GateStream, cost: CostReport | undefined): string[] {
  const what = gate.human ? `review \`${gate.name}\`** = ${gate.source.name}${gate.source.rejected ? ".rejected" : ""} by human` : `gate \`${gate.name}\`**`;
  const conds = gate.conds.map((c) => `${gate.source.name}.${c.metric} ${c.op} ${formatExact(c.threshold)}`).join(" and ");
  const lines = [`**${what}${conds ? ` = ${conds}` : ""}`, ""];
  const rate = `${percent(gate.passRate)}${gate.passRateGiven ? "" : " (no expected rate given: FLOW408)"}`;
  lines.push(`${gate.human ? "approval" : "pass"} rate: ${rate}`);
  const rounds = gate.retry ? gate.retry.upTo + 1 : 1;
  const fate = gate.retry ? `rejected items run again from \`${gate.retry.target}\`, up to ${gate.retry.upTo} more times` : gate.discards ? "rejected items are discarded" : `rejected items go to \`${gate.name}.rejected\``;
  lines.push(`rounds: ${rounds} — ${fate}`);
  const witness = cost?.witness.gates.find((g) => g.name === gate.name);
  if (witness) {
    lines.push("", "worst case:");
    for (const r of witness.rounds) lines.push(`- round ${roundNumber(r.round)}: ${r.checked} checked, ${r.passed} pass, ${r.rejected} rejected`);
  }
  return lines;
}

function describeInput(input: InputStream, cost: CostReport | undefined): string[] {
  const count = input.single ? "exactly 1 item" : `${input.min} to ${input.max} items, ${expectedText(input.expect)} expected`;
  const lines = [`**input \`${input.name}\`**: ${input.mediaType}`, "", count];
  if (input.stable) lines.push("stable: rarely changes between runs (cached nodes reading only stable inputs are reused)");
  const witness = cost?.witness.inputs.find((i) => i.name === input.name);
  if (witness) lines.push(`worst case takes ${witness.count} item${witness.count === 1 ? "" : "s"}`);
  return lines;
}

function describeSelect(select: SelectStream): string[] {
  const by = select.by.kind === "human" ? "a person" : `the ${select.by.kind} \`${select.by.metric}\``;
  return [`**select \`${select.name}\`** = ${select.source}`, "", `keeps ${select.pick} of each item's variants, chosen by ${by}`];
}

// ---- models, ops, metrics, budget, flow -----------------------------------------------------

function describeModel(doc: AnalyzedDocument, name: string): string[] {
  const declared = modelDecl(doc, name);
  if (!declared) return [`unknown model \`${name}\``];
  const lines = [`**model \`${name}\`**`, "", ...modelProps(declared.decl)];
  const users = (doc.analysis.model?.streams ?? []).filter((s): s is NodeStream => s.kind === "node" && s.model?.name === name);
  if (users.length > 0) lines.push("", `used by: ${users.map((u) => `\`${u.name}\``).join(", ")}`);
  if (declared.uri !== doc.uri) lines.push("", `declared in ${declared.uri}`);
  return lines;
}

function modelProps(decl: ModelDecl): string[] {
  return decl.props.map((p) => {
    if (p.kind === "rate") return `rate: ${rateText(p)}`;
    if (p.kind === "overhead") return `overhead: ${p.amount.value} credits per call`;
    return `family: ${p.family.text}`;
  });
}

function describeOp(doc: AnalyzedDocument, name: string): string[] {
  const declared = opDecl(doc, name);
  const builtin = BUILTIN_OPS.get(name);
  if (!declared && !builtin) return [`unknown op \`${name}\``];
  const metrics = opMetrics(doc, name).map((m) => `\`${m.name}\` ${m.min}..${m.max}`);
  const batchable = declared ? declared.decl.props.some((p) => p.kind === "batchable") : builtin!.batchable;
  const lines = [`**op \`${name}\`**${declared ? "" : " (built in)"}`, "", `metrics: ${metrics.length > 0 ? metrics.join(", ") : "none"}`];
  lines.push(batchable ? "batchable: a node may send `batch N` items per call" : "not batchable: one call per item");
  const params = declared ? schemaParams(declared.decl) : Object.keys((builtin!.schema.properties as Record<string, unknown>) ?? {});
  if (params.length > 0) lines.push(`params: ${params.map((p) => `\`${p}\``).join(", ")}`);
  return lines;
}

function schemaParams(decl: OpDecl): string[] {
  const schema = decl.props.find((p) => p.kind === "schema");
  if (schema?.kind !== "schema") return [];
  try {
    const parsed = JSON.parse(schema.schema.value) as { properties?: Record<string, unknown> };
    return Object.keys(parsed.properties ?? {});
  } catch {
    return [];
  }
}

function describeMetric(doc: AnalyzedDocument, occurrence: Occurrence): string[] {
  const op = metricOp(doc, occurrence);
  const metric = op === undefined ? undefined : opMetrics(doc, op).find((m) => m.name === occurrence.name);
  if (!metric) return [`unknown metric \`${occurrence.name}\`${op ? ` of op \`${op}\`` : ""}`];
  return [`**metric \`${metric.name}\`** of op \`${op}\``, "", `range ${metric.min}..${metric.max}`];
}

function describeBudget(decl: BudgetDecl, cost: CostReport | undefined): string[] {
  const lines = ["**budget**", ""];
  for (const p of decl.props) {
    if (p.kind === "cap") lines.push(`cap: ${p.amount.value} credits — a run pauses before a call that could pass it`);
    else if (p.kind === "alert") lines.push(`alert: ${p.amount ? `${p.amount.value} credits` : `${p.percent!.value}% of the cap`}`);
    else lines.push("strict: a worst case above the cap is an error");
  }
  if (cost) lines.push("", `worst case ${formatExact(cost.worstCase)} credits, expected ${expectedText(cost.expected)} credits`);
  return lines;
}

function describeFlow(doc: AnalyzedDocument): string[] {
  const cost = doc.analysis.cost;
  const name = doc.analysis.ast.flow?.name.text ?? "";
  if (!cost) return [`**flow \`${name}\`**`, "", noFigures(doc)];
  const top = cost.nodes.slice(0, 2).map((n) => `\`${n.name}\``);
  const lines = [
    `**flow \`${name}\`**`,
    "",
    `worst case: ${formatExact(cost.worstCase)} credits`,
    `expected: ${expectedText(cost.expected)} credits`,
  ];
  if (top.length > 0) lines.push(`top ${top.length === 1 ? "node" : "two nodes"}: ${top.join(", ")} — ${percent(cost.topTwoShare)} of the worst case`);
  if (cost.cap) lines.push(`cap: ${formatExact(cost.cap)} credits`);
  return lines;
}
