// FLOW402: a node renders full-quality variants for a select, so every variant that is not kept is
// paid at full price. Half-resolution previews with the cheapest model of the same op, then one
// full render of each kept item, cost less; the hint gives how much. Fix: a preview node (a copy
// of the node at half resolution with that model) feeds the select, and the node renders what the
// select keeps, for whatever read the select before. The select only picks, so it may move before
// the node; everything that read the kept items still reads the node's full renders.
import type { NodeDecl, Range, SelectDecl } from "../../syntax/ast";
import type { Decimal } from "../../syntax/credits";
import { diag, type Diagnostic, type Fix, type TextEdit } from "../../syntax/diagnostics";
import { lex } from "../../grammar/lexer";
import { applyFixes } from "../fixes";
import type { FlowModel, ModelInfo, NodeStream, SelectStream, Stream } from "../model";
import { credits, rounded, type LintContext } from "./context";
import { renameReads, SourceText } from "./edits";
import { outputPrice, savingOf } from "./what-if";
import { byCodePoints } from "../../syntax/order";

interface Resolution {
  width: number;
  height: number;
}

interface Plan {
  node: NodeStream;
  select: SelectStream;
  preview: NodeStream;
}

export function previewsLint(ctx: LintContext): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const node of ctx.nodes()) {
    const plan = planFor(ctx, node);
    if (!plan) continue;
    const spend = savingOf(ctx.model, node.name, (branch) => previewed(branch, plan));
    const saving = spend.expected;
    if (spend.worstCase.lt(0) || ctx.negligible("FLOW402", saving)) continue;
    const { preview, select } = plan;
    const res = (r: Resolution) => `${r.width}x${r.height}`;
    const message =
      `'${node.name}' renders ${node.variants} full-quality variants (${res(node.resolution!)}) for select '${select.name}': ` +
      `${node.variants} previews at ${res(preview.resolution!)} with ${preview.model!.name}, then one full render of each kept item, ` +
      `save ${credits(saving, "rounded")} of expected spend (${rounded(ctx.cost.expected)} → ${rounded(ctx.cost.expected.minus(saving))})`;
    const fixable = !ctx.isOutput(select.name);
    found.push(diag("FLOW402", message, node.decl.name.range, fixable ? { fix: previewFix(ctx, plan) } : { notes: [outputNote(plan)] }));
  }
  return found;
}

/** Why no fix: `output S` names the select's picks, which after the fix would be previews. */
function outputNote({ node, select, preview }: Plan): string {
  return (
    `no quick fix: 'output ${select.name}' would then deliver the previews it picks from; to make the change, ` +
    `add '${preview.name}' for '${select.name}' to pick from, have '${node.name}' read '${select.name}' and output '${node.name}' instead`
  );
}

function planFor(ctx: LintContext, node: NodeStream): Plan | undefined {
  if (node.variants <= 1 || !node.resolution || !node.model) return undefined;
  const decl = ctx.nodeDecl(node);
  if (decl.props.some((p) => p.kind === "cost")) return undefined;
  const readers = ctx.readers(node.name);
  const select = readers[0];
  if (readers.length !== 1 || select?.kind !== "select" || ctx.namedUses(node.name).length > 0 || ctx.isOutput(node.name)) return undefined;
  if (rendersAgain(ctx, select, node) || inRetryChain(ctx, node)) return undefined;
  const half = { width: Math.max(1, Math.floor(node.resolution.width / 2)), height: Math.max(1, Math.floor(node.resolution.height / 2)) };
  const cheapest = cheapestModel(ctx, node, half);
  if (!cheapest) return undefined;
  const preview: NodeStream = {
    ...node,
    name: ctx.freshName(`${node.name}_preview`),
    model: cheapest.model,
    resolution: half,
    pricePerOutput: cheapest.price,
    overheadPerCall: cheapest.model.overhead,
  };
  return { node, select, preview };
}

/**
 * The variants are previews already when a node of the same op renders the kept items again (past
 * gates and reviews) at full quality: at least the variants' pixels, or at least their price per
 * output. A smaller, cheaper render of the kept item (a thumbnail) leaves the variants the full
 * renders they are.
 */
function rendersAgain(ctx: LintContext, select: SelectStream, node: NodeStream): boolean {
  const queue: Stream[] = [select];
  for (let i = 0; i < queue.length; i++) {
    for (const s of ctx.readers(queue[i]!.name)) {
      if (s.kind === "node" && s.op.name === node.op.name && fullQuality(s, node)) return true;
      if (s.kind === "gate") queue.push(s);
    }
  }
  return false;
}

function fullQuality(render: NodeStream, variants: NodeStream): boolean {
  const pixels = (r: NodeStream["resolution"]) => (r ? r.width * r.height : 0);
  return pixels(render.resolution) >= pixels(variants.resolution) || render.pricePerOutput.gte(variants.pricePerOutput);
}

/** A node a gate runs again is left as it is: its retry would then start from the previews. */
function inRetryChain(ctx: LintContext, node: NodeStream): boolean {
  return ctx.model.streams.some((s) => s.kind === "gate" && s.retry?.chain.includes(node.name));
}

/**
 * The cheapest model per output at `resolution`: among the node's model's family when it has one,
 * else among the models that nodes of the same op use. The node's own model wins ties.
 */
function cheapestModel(ctx: LintContext, node: NodeStream, resolution: Resolution): { model: ModelInfo; price: Decimal } | undefined {
  const own = node.model!;
  const family = own.family;
  const used = new Set(ctx.nodes().filter((n) => n.op.name === node.op.name && n.model).map((n) => n.model!.name));
  const candidates = ctx.models().filter((m) => m.name !== own.name && (family !== undefined ? m.family === family : used.has(m.name)));
  let best: { model: ModelInfo; price: Decimal } | undefined;
  for (const model of [own, ...candidates.sort(byCodePoints((m) => m.name))]) {
    const price = outputPrice(model, { resolution, durationSeconds: node.durationSeconds });
    if (price && (!best || price.lt(best.price))) best = { model, price };
  }
  return best;
}

function previewed(branch: FlowModel, { node, select, preview }: Plan): Stream[] {
  const changed: Stream[] = [preview, { ...select, source: preview.name }, { ...node, source: { name: select.name, rejected: false }, variants: 1 }];
  for (const reader of branch.consumers.get(select.name)?.pass ?? []) {
    const s = branch.byName.get(reader)!;
    if (s.kind === "node" || s.kind === "gate") changed.push({ ...s, source: { name: node.name, rejected: false } });
  }
  return changed;
}

function previewFix(ctx: LintContext, { node, select, preview }: Plan): Fix {
  const decl = ctx.nodeDecl(node);
  const source = ctx.source;
  const copy = previewText(ctx, decl, preview);
  const indent = source.indentAt(decl.range.start.offset);
  const gap = copy.includes("\n") ? source.eol + source.eol : source.eol;
  const variants = decl.props.find((p) => p.kind === "variants")!;
  return {
    title: `render previews of '${node.name}' at ${preview.resolution!.width}x${preview.resolution!.height} for '${select.name}', then '${node.name}' for each kept item`,
    edits: [
      // above the node's own comments, so that they (a flowc-ignore among them) stay with the node
      source.insert(source.commentsAbove(decl.range.start.offset), `${copy}${gap}${indent}`),
      { range: (select.decl as SelectDecl).source.range, text: preview.name },
      readSelect(ctx, decl, select.name),
      source.removeProperty(variants.range),
      ...renameReads(ctx.sites(), select.name, node.name),
    ],
  };
}

/**
 * The node's declaration with the preview's name, model and resolution. Its comments describe the
 * node, not the preview: they stay with the node and are left out of the copy.
 */
function previewText(ctx: LintContext, decl: NodeDecl, preview: NodeStream): string {
  const text = ctx.source.slice(decl.range);
  const copy = new SourceText(text);
  const base = decl.range.start.offset;
  const local = (range: Range, replacement: string): TextEdit => ({ range: copy.range(range.start.offset - base, range.end.offset - base), text: replacement });
  const edits = [local(decl.name.range, preview.name)];
  for (const prop of decl.props) {
    if (prop.kind === "model") edits.push(local(prop.model.range, preview.model!.name));
    if (prop.kind === "resolution") edits.push(local(prop.resolution.range, `${preview.resolution!.width}x${preview.resolution!.height}`));
  }
  for (const comment of lex(text).comments) edits.push(copy.removeProperty(copy.range(comment.startOffset, comment.startOffset + comment.image.length)));
  return applyFixes(text, edits);
}

/** The node's primary argument becomes the select (added first when it had none). */
function readSelect(ctx: LintContext, decl: NodeDecl, select: string): TextEdit {
  const primary = decl.args.find((a) => a.kind === "positional");
  if (primary) return { range: primary.ref.range, text: select };
  const first = decl.args[0];
  if (first) return ctx.source.insert(first.range.start.offset, `${select}, `);
  return ctx.source.insert(ctx.source.text.indexOf("(", decl.op.range.end.offset) + 1, select);
}
