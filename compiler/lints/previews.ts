// FLOW402: a node renders full-quality variants for a select, so every variant that is not kept is
// paid at full price. Half-resolution previews with the cheapest model of the same op, then one
// full render of each kept item, cost less; the hint gives how much. Fix: a preview node (a copy
// of the node at half resolution with that model) feeds the select, and the node renders what the
// select keeps, for whatever read the select before.
import type { NodeDecl, Range, SelectDecl } from "../../syntax/ast";
import { ONE, dec, type Decimal } from "../../syntax/credits";
import { diag, type Diagnostic, type Fix, type TextEdit } from "../../syntax/diagnostics";
import { applyFixes } from "../fixes";
import type { FlowModel, ModelInfo, NodeStream, SelectStream, Stream } from "../model";
import { credits, rounded, type LintContext } from "./context";
import { renameReads } from "./edits";
import { savingOf } from "./what-if";
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
    const saving = savingOf(ctx.model, node.name, (branch) => previewed(branch, plan)).expected;
    if (saving.lte(0)) continue;
    const { preview, select } = plan;
    const res = (r: Resolution) => `${r.width}x${r.height}`;
    const message =
      `'${node.name}' renders ${node.variants} full-quality variants (${res(node.resolution!)}) for select '${select.name}': ` +
      `${node.variants} previews at ${res(preview.resolution!)} with ${preview.model!.name}, then one full render of each kept item, ` +
      `save ${credits(saving, "rounded")} of expected spend (${rounded(ctx.cost.expected)} → ${rounded(ctx.cost.expected.minus(saving))})`;
    found.push(diag("FLOW402", message, node.decl.name.range, { fix: previewFix(ctx, plan) }));
  }
  return found;
}

function planFor(ctx: LintContext, node: NodeStream): Plan | undefined {
  const decl = ctx.nodeDecl(node);
  if (node.variants <= 1 || !node.resolution || !node.model || decl.props.some((p) => p.kind === "cost")) return undefined;
  const readers = ctx.readers(node.name);
  const select = readers[0];
  if (readers.length !== 1 || select?.kind !== "select" || ctx.namedUses(node.name).length > 0 || ctx.isOutput(node.name)) return undefined;
  if (rendersAgain(ctx, select, node.op.name)) return undefined;
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

/** The variants are previews already when a node of the same op renders the kept items again (past gates and reviews). */
function rendersAgain(ctx: LintContext, select: SelectStream, op: string): boolean {
  const queue: Stream[] = [select];
  for (let i = 0; i < queue.length; i++) {
    for (const s of ctx.readers(queue[i]!.name)) {
      if (s.kind === "node" && s.op.name === op) return true;
      if (s.kind === "gate") queue.push(s);
    }
  }
  return false;
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
    const price = priceAt(model, resolution, node.durationSeconds);
    if (price && (!best || price.lt(best.price))) best = { model, price };
  }
  return best;
}

/** The model's price of one output; undefined when it needs a duration the node lacks. */
function priceAt(model: ModelInfo, resolution: Resolution, durationSeconds: Decimal | undefined): Decimal | undefined {
  let price = model.rate;
  for (const unit of model.units) {
    const figure = unit === "item" ? ONE : unit === "megapixel" ? dec(resolution.width).times(resolution.height).div(1_000_000) : durationSeconds;
    if (!figure) return undefined;
    price = price.times(figure);
  }
  return price;
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
      source.insert(decl.range.start.offset, `${copy}${gap}${indent}`),
      { range: (select.decl as SelectDecl).source.range, text: preview.name },
      readSelect(ctx, decl, select.name),
      source.removeProperty(variants.range),
      ...renameReads(ctx.sites(), select.name, node.name),
    ],
  };
}

/** The node's declaration with the preview's name, model and resolution. */
function previewText(ctx: LintContext, decl: NodeDecl, preview: NodeStream): string {
  const base = decl.range.start.offset;
  const local = (range: Range, text: string): TextEdit => ({
    range: { start: { ...range.start, offset: range.start.offset - base }, end: { ...range.end, offset: range.end.offset - base } },
    text,
  });
  const edits = [local(decl.name.range, preview.name)];
  for (const prop of decl.props) {
    if (prop.kind === "model") edits.push(local(prop.model.range, preview.model!.name));
    if (prop.kind === "resolution") edits.push(local(prop.resolution.range, `${preview.resolution!.width}x${preview.resolution!.height}`));
  }
  return applyFixes(ctx.source.slice(decl.range), edits);
}

/** The node's primary argument becomes the select (added first when it had none). */
function readSelect(ctx: LintContext, decl: NodeDecl, select: string): TextEdit {
  const primary = decl.args.find((a) => a.kind === "positional");
  if (primary) return { range: primary.ref.range, text: select };
  const first = decl.args[0];
  if (first) return ctx.source.insert(first.range.start.offset, `${select}, `);
  return ctx.source.insert(ctx.source.text.indexOf("(", decl.op.range.end.offset) + 1, select);
}
