// The structure the formatter lays out, as token indexes: the file's items (imports, models, ops,
// the flow), the flow's declarations, and each declaration's block of properties. Everything
// inside one item or one property is a run of tokens joined on one line.
import type { Decl, FlowDecl, FlowFile, ImportDecl, ModelDecl, OpDecl, Range } from "../../syntax/ast";
import { type FormatSource, tokenAt } from "./source";

export interface Item {
  /** index of the item's first and last token */
  first: number;
  last: number;
  /** the keyword of a declaration (`model`, `node`, …): one-line blocks align among equals */
  keyword: string;
  block?: Block;
}

/** `{ … }`: a flow's declarations, one per line, or a declaration's properties. */
export interface Block {
  open: number;
  close: number;
  kind: "lines" | "props";
  items: Item[];
}

type TopLevel = ImportDecl | ModelDecl | OpDecl | FlowDecl;

/** The file's top-level items in source order. */
export function fileItems(ast: FlowFile, source: FormatSource): Item[] {
  const top: TopLevel[] = [...ast.imports, ...ast.decls, ...(ast.flow ? [ast.flow] : [])];
  return top.sort((a, b) => a.range.start.offset - b.range.start.offset).map((node) => itemOf(node, source));
}

function itemOf(node: TopLevel | Decl, source: FormatSource): Item {
  const { first, last } = tokenSpan(node.range, source);
  const item: Item = { first, last, keyword: source.tokens[first].text };
  const open = findOpen(first, last, source);
  if (open === undefined) return item;
  if (node.kind === "flow") {
    item.block = { open, close: last, kind: "lines", items: node.decls.map((decl) => itemOf(decl, source)) };
  } else {
    item.block = { open, close: last, kind: "props", items: partition(open + 1, last - 1, propStarts(node), source) };
  }
  return item;
}

function tokenSpan(range: Range, source: FormatSource): { first: number; last: number } {
  const first = tokenAt(source, range.start.offset, "start");
  const last = tokenAt(source, range.end.offset, "end");
  if (first === -1 || last === -1) throw new Error(`no tokens at ${range.start.offset}..${range.end.offset}`);
  return { first, last };
}

/** The `{` of a declaration's block: no declaration holds a `{` before its block. */
function findOpen(first: number, last: number, source: FormatSource): number | undefined {
  for (let i = first; i <= last; i++) if (source.tokens[i].kind === "{") return i;
  return undefined;
}

/** Where each property starts; a select's block holds its one `pick N` and needs none. */
function propStarts(node: TopLevel | Decl): Set<number> {
  const props: { range: Range }[] = "props" in node ? node.props : [];
  return new Set(props.map((prop) => prop.range.start.offset));
}

/** Tokens `from..to` cut into properties, a new one at each start. */
function partition(from: number, to: number, starts: Set<number>, source: FormatSource): Item[] {
  const items: Item[] = [];
  for (let i = from; i <= to; i++) {
    const token = source.tokens[i];
    if (items.length === 0 || starts.has(token.start)) items.push({ first: i, last: i, keyword: token.text });
    else items[items.length - 1].last = i;
  }
  return items;
}
