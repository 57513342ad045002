// FLOW401: a costly node (an upscale, or a node rendering at a higher resolution than the node
// whose items it reads) runs before a gate or review, so it is paid for the items that will be
// rejected too. Moving it after the gate or review saves its expected cost on the rejected share.
// Fix: the first step after the node reads the node's source instead, the node reads the gate,
// and whatever read the gate reads the node.
import type { NodeDecl, ReviewDecl } from "../../syntax/ast";
import { diag, type Diagnostic, type Fix } from "../../syntax/diagnostics";
import { ONE } from "../../syntax/credits";
import type { FlowModel, GateStream, NodeStream, Stream, StreamRef } from "../model";
import { credits, exact, rounded, type LintContext } from "./context";
import { renameReads } from "./edits";
import { savingOf } from "./what-if";

/** The nodes the costly node's items go through before reaching the gate. */
interface Route {
  node: NodeStream;
  between: NodeStream[];
  gate: GateStream;
}

export function costlyFirstLint(ctx: LintContext): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const node of ctx.nodes()) {
    const why = costlyBecause(ctx, node);
    const route = why ? routeToGate(ctx, node) : undefined;
    if (!why || !route) continue;
    const saving = savingOf(ctx.model, node.name, (branch) => moved(branch, route)).expected;
    if (saving.lte(0)) continue;
    const { gate, between } = route;
    const kind = gate.human ? "review" : "gate";
    const through = between.length > 0 ? ` (through ${between.map((b) => `'${b.name}'`).join(", ")})` : "";
    const rejects = exact(ONE.minus(gate.passRate).times(100));
    const message =
      `'${node.name}' (${why}) runs before ${kind} '${gate.name}'${through}, which expects to reject ${rejects}%: ` +
      `moving it after the ${kind} saves ${credits(saving, "rounded")} of expected spend (${rounded(ctx.cost.expected)} → ${rounded(ctx.cost.expected.minus(saving))})`;
    found.push(diag("FLOW401", message, node.decl.name.range, { fix: moveFix(ctx, route, kind) }));
  }
  return found;
}

function costlyBecause(ctx: LintContext, node: NodeStream): string | undefined {
  if (node.op.name === "upscale") return "an upscale";
  const producer = node.source && ctx.producer(node.source.name);
  const own = node.resolution;
  const theirs = producer?.kind === "node" ? producer.resolution : undefined;
  if (!own || !theirs || own.width * own.height <= theirs.width * theirs.height) return undefined;
  return `${own.width}x${own.height}, above the ${theirs.width}x${theirs.height} of '${producer!.name}'`;
}

/**
 * The gate or review the node's items reach through nodes only, when the node can move past it:
 * every step has one reader and feeds no named argument or output, the gate does not judge the
 * node's own output, and the node is not part of the gate's retry chain.
 */
function routeToGate(ctx: LintContext, node: NodeStream): Route | undefined {
  if (!node.source) return undefined;
  const between: NodeStream[] = [];
  for (let step: NodeStream = node; ; ) {
    const readers = ctx.readers(step.name);
    if (readers.length !== 1 || ctx.namedUses(step.name).length > 0 || ctx.isOutput(step.name)) return undefined;
    const next = readers[0]!;
    if (next.kind === "node") {
      between.push(next);
      step = next;
      continue;
    }
    if (next.kind !== "gate") return undefined;
    if (!next.human && between.length === 0) return undefined;
    if (next.retry?.chain.includes(node.name)) return undefined;
    return { node, between, gate: next };
  }
}

/** The branch's streams after the move. */
function moved(branch: FlowModel, { node, between, gate }: Route): Stream[] {
  const toNode: StreamRef = { name: node.name, rejected: false };
  const first = between[0] ?? gate;
  const changed = new Map<string, Stream>([
    [first.name, { ...first, source: node.source! } as Stream],
    [node.name, { ...node, source: { name: gate.name, rejected: false } }],
  ]);
  for (const reader of branch.consumers.get(gate.name)?.pass ?? []) {
    const s = branch.byName.get(reader)!;
    if (s.kind === "node" || s.kind === "gate") changed.set(s.name, { ...s, source: toNode });
  }
  return [...changed.values()];
}

function moveFix(ctx: LintContext, { node, between, gate }: Route, kind: string): Fix {
  const nodeSource = primaryRef(ctx.nodeDecl(node))!;
  const first = between[0];
  const firstSource = first ? primaryRef(ctx.nodeDecl(first))! : (gate.decl as ReviewDecl).source.range;
  return {
    title: `move '${node.name}' after ${kind} '${gate.name}'`,
    edits: [
      { range: nodeSource, text: gate.name },
      { range: firstSource, text: ctx.source.slice(nodeSource) },
      ...renameReads(ctx.sites(), gate.name, node.name),
    ],
  };
}

function primaryRef(decl: NodeDecl) {
  return decl.args.find((a) => a.kind === "positional")?.ref.range;
}
