// FLOW401: a costly node (an upscale, or a node rendering at a higher resolution than the node
// whose items it reads) runs before a review, so it is paid for the items the review will reject
// too. Moving it after the review saves its expected cost on the rejected share.
//
// A review only lets items through; a person can judge the draft as well as its upscale. A node
// that reads the costly node's output is another matter: it makes something from it (a video from
// a keyframe, a check of the render's sharpness that a gate then reads), so the costly node never
// moves past a node, and so never past a gate either, whose metric is always some node's output.
// Fix: the first review reads the node's source, the node reads the last review it moves past,
// and whatever read that review reads the node.
import type { NodeDecl, ReviewDecl } from "../../syntax/ast";
import { diag, type Diagnostic, type Fix } from "../../syntax/diagnostics";
import { ONE } from "../../syntax/credits";
import type { FlowModel, GateStream, NodeStream, Stream, StreamRef } from "../model";
import { credits, exact, quotedList, rounded, type LintContext } from "./context";
import { renameReads } from "./edits";
import { savingOf } from "./what-if";

/** The reviews the costly node moves past, in order: each the only reader of the one before. */
interface Route {
  node: NodeStream;
  reviews: GateStream[];
}

export function costlyFirstLint(ctx: LintContext): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const node of ctx.nodes()) {
    const why = costlyBecause(ctx, node);
    const route = why ? routeToReviews(ctx, node) : undefined;
    if (!why || !route) continue;
    const saving = savingOf(ctx.model, node.name, (branch) => moved(branch, route));
    if (saving.worstCase.lt(0) || ctx.negligible("FLOW401", saving.expected)) continue;
    const last = route.reviews[route.reviews.length - 1]!;
    const rejects = exact(ONE.minus(route.reviews.reduce((pass, r) => pass.times(r.passRate), ONE)).times(100));
    const reviews = route.reviews.length === 1 ? `review '${last.name}'` : `reviews ${quotedList(route.reviews.map((r) => r.name))}`;
    const message =
      `'${node.name}' (${why}) runs before ${reviews}, which ${route.reviews.length === 1 ? "expects" : "expect"} to reject ${rejects}%: ` +
      `moving it after ${route.reviews.length === 1 ? "the review" : `'${last.name}'`} saves ${credits(saving.expected, "rounded")} of expected spend ` +
      `(${rounded(ctx.cost.expected)} → ${rounded(ctx.cost.expected.minus(saving.expected))})`;
    found.push(diag("FLOW401", message, node.decl.name.range, ctx.isOutput(last.name) ? { notes: [outputNote(node, last)] } : { fix: moveFix(ctx, route) }));
  }
  return found;
}

/** Why no fix: `output R` names the review's items, which after the move would be the node's source's. */
function outputNote(node: NodeStream, review: GateStream): string {
  return (
    `no quick fix: 'output ${review.name}' would then deliver the items '${node.name}' reads rather than its own; ` +
    `to make the move, have '${node.name}' read '${review.name}' and output '${node.name}' instead`
  );
}

function costlyBecause(ctx: LintContext, node: NodeStream): string | undefined {
  if (node.op.name === "upscale") return "an upscale";
  const own = node.resolution;
  if (!own) return undefined;
  const producer = node.source && ctx.producer(node.source.name);
  const theirs = producer?.kind === "node" ? producer.resolution : undefined;
  if (!theirs || own.width * own.height <= theirs.width * theirs.height) return undefined;
  return `${own.width}x${own.height}, above the ${theirs.width}x${theirs.height} of '${producer!.name}'`;
}

/**
 * The reviews the node can move past: its only reader is a review, and so on down a chain of
 * reviews each read only by the next. A review qualifies when it retries nothing and nothing reads
 * or outputs its `.rejected` items (they would no longer be the node's). The chain stops at a
 * review whose items are an output, which is included only when it is the first (the hint then
 * has no fix), and at one read by a named argument.
 */
function routeToReviews(ctx: LintContext, node: NodeStream): Route | undefined {
  if (!node.source || !passesOnlyTo(ctx, node)) return undefined;
  const reviews: GateStream[] = [];
  for (let step: Stream = node; ; ) {
    const next = soleReader(ctx, step);
    if (next?.kind !== "gate" || !next.human || !movablePast(ctx, next)) break;
    if (reviews.length > 0 && ctx.isOutput(next.name)) break;
    reviews.push(next);
    if (ctx.isOutput(next.name) || !passesOnlyTo(ctx, next)) break;
    step = next;
  }
  return reviews.length > 0 ? { node, reviews } : undefined;
}

/** The stream's items go to one reader through its primary input, and nowhere else. */
function passesOnlyTo(ctx: LintContext, stream: Stream): boolean {
  return ctx.readers(stream.name).length === 1 && ctx.namedUses(stream.name).length === 0 && !ctx.isOutput(stream.name);
}

function soleReader(ctx: LintContext, stream: Stream): Stream | undefined {
  const readers = ctx.readers(stream.name);
  return readers.length === 1 ? readers[0] : undefined;
}

function movablePast(ctx: LintContext, review: GateStream): boolean {
  const rejected = ctx.model.consumers.get(review.name)?.rejected ?? [];
  return !review.retry && rejected.length === 0 && !ctx.model.outputs.some((o) => o.name === review.name && o.rejected);
}

/** The branch's streams after the move. */
function moved(branch: FlowModel, { node, reviews }: Route): Stream[] {
  const first = reviews[0]!;
  const last = reviews[reviews.length - 1]!;
  const toNode: StreamRef = { name: node.name, rejected: false };
  const changed = new Map<string, Stream>([
    [first.name, { ...first, source: node.source! }],
    [node.name, { ...node, source: { name: last.name, rejected: false } }],
  ]);
  for (const reader of branch.consumers.get(last.name)?.pass ?? []) {
    const s = changed.get(reader) ?? branch.byName.get(reader)!;
    if (s.kind === "node" || s.kind === "gate") changed.set(s.name, { ...s, source: toNode });
  }
  for (const s of branch.streams) {
    if (s.kind !== "node" || !s.named.some((n) => n.ref.name === last.name && !n.ref.rejected)) continue;
    const current = changed.get(s.name) ?? s;
    if (current.kind === "node") changed.set(s.name, { ...current, named: current.named.map((n) => (n.ref.name === last.name && !n.ref.rejected ? { ...n, ref: toNode } : n)) });
  }
  return [...changed.values()];
}

function moveFix(ctx: LintContext, { node, reviews }: Route): Fix {
  const nodeSource = primaryRef(ctx.nodeDecl(node))!;
  const first = reviews[0]!;
  const last = reviews[reviews.length - 1]!;
  return {
    title: `move '${node.name}' after review '${last.name}'`,
    edits: [
      { range: nodeSource, text: last.name },
      { range: (first.decl as ReviewDecl).source.range, text: ctx.source.slice(nodeSource) },
      ...renameReads(ctx.sites(), last.name, node.name),
    ],
  };
}

function primaryRef(decl: NodeDecl) {
  return decl.args.find((a) => a.kind === "positional")?.ref.range;
}
