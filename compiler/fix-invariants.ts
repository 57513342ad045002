// What a preferred fix must keep, checked on the flow before and after it (both analysed from
// their text): the outputs, by name, and what each delivers (the node behind it: name, op, model,
// resolution); every data dependency between nodes (a node that read another, directly or through
// gates, reviews and selects, still depends on it, so no node moves after one that reads it);
// and the worst case and expected spend, which may fall but never rise. Gates, reviews and
// selects only let items through or pick among them, so a fix may move them (a review that now
// judges the draft rather than its upscale); a node makes something from what it reads, so no fix
// may cut that.
import type { CostReport } from "./cost-report";
import type { FlowModel, NodeStream, Stream } from "./model";
import { readsOf } from "./checks/walk";

export interface Analysed {
  model?: FlowModel;
  /** absent when the flow has errors */
  cost?: CostReport;
}

/** What the change broke, in words; empty when it kept everything. */
export function meaningChanges(before: Analysed, after: Analysed): string[] {
  if (!before.model || !before.cost) return [];
  if (!after.model || !after.cost) return ["the flow has errors after the change"];
  return [...outputChanges(before.model, after.model), ...dependencyChanges(before.model, after.model), ...spendChanges(before.cost, after.cost)];
}

function outputChanges(before: FlowModel, after: FlowModel): string[] {
  const names = (m: FlowModel) => m.outputs.map((o) => (o.rejected ? `${o.name}.rejected` : o.name)).join(", ");
  if (names(before) !== names(after)) return [`the outputs were ${names(before)} and are now ${names(after)}`];
  const problems: string[] = [];
  before.outputs.forEach((output, i) => {
    const was = deliveredBy(before, output.name);
    const now = deliveredBy(after, after.outputs[i]!.name);
    if (was !== now) problems.push(`output '${output.name}' delivered ${was} and now delivers ${now}`);
  });
  return problems;
}

/** The node (or input) whose items a stream carries, described by what makes them. */
export function deliveredBy(model: FlowModel, name: string): string {
  for (let stream = model.byName.get(name); stream; ) {
    if (stream.kind === "input") return `input '${stream.name}'`;
    if (stream.kind === "node") return describeNode(stream);
    stream = model.byName.get(stream.kind === "gate" ? stream.source.name : stream.source);
  }
  return `nothing ('${name}' is gone)`;
}

function describeNode(node: NodeStream): string {
  const model = node.model ? ` with ${node.model.name}` : "";
  const resolution = node.resolution ? ` at ${node.resolution.width}x${node.resolution.height}` : "";
  return `'${node.name}' (${node.op.name}${model}${resolution})`;
}

function dependencyChanges(before: FlowModel, after: FlowModel): string[] {
  const problems: string[] = [];
  for (const node of before.streams) {
    if (node.kind !== "node") continue;
    const now = after.byName.get(node.name);
    if (now?.kind !== "node" || now.op.name !== node.op.name) {
      problems.push(`node '${node.name}' (${node.op.name}) is gone`);
      continue;
    }
    for (const read of nearestNodes(before, node)) {
      if (!dependsOn(after, node.name, read)) problems.push(`'${node.name}' read '${read}' and no longer depends on it`);
    }
  }
  return problems;
}

/** The nodes a node reads, directly or through gates, reviews and selects. */
function nearestNodes(model: FlowModel, node: Stream): string[] {
  const found = new Set<string>();
  const queue = readsOf(node);
  for (let i = 0; i < queue.length; i++) {
    const stream = model.byName.get(queue[i]!);
    if (stream?.kind === "node") found.add(stream.name);
    else if (stream && stream.kind !== "input") queue.push(...readsOf(stream));
  }
  return [...found];
}

/** Whether `name` reads `ancestor`, through any number of streams. */
function dependsOn(model: FlowModel, name: string, ancestor: string): boolean {
  const seen = new Set<string>();
  const stack = [name];
  while (stack.length > 0) {
    const stream = model.byName.get(stack.pop()!);
    if (!stream) continue;
    for (const read of readsOf(stream)) {
      if (read === ancestor) return true;
      if (!seen.has(read)) {
        seen.add(read);
        stack.push(read);
      }
    }
  }
  return false;
}

function spendChanges(before: CostReport, after: CostReport): string[] {
  const problems: string[] = [];
  if (after.worstCase.gt(before.worstCase)) problems.push(`the worst case rose from ${before.worstCase.toFixed()} to ${after.worstCase.toFixed()} credits`);
  if (after.expected.gt(before.expected)) problems.push(`the expected spend rose from ${before.expected.toFixed()} to ${after.expected.toFixed()} credits`);
  return problems;
}
