// Completion from the tokens before the cursor, so that it works on the half-typed line that does
// not parse yet: declaration keywords at the start of a line in a flow, the properties of the
// block the cursor is in, stream names for arguments, models after `model`, ops after `=` in a
// node, the source op's metrics after `name.` in a gate condition or `by highest`, units after
// `per`, and `.rejected` after a gate's or review's name. Names come from the AST of the document
// and its imports (what parses), not from the semantic model (absent while the flow has errors).
import { CompletionItemKind, type CompletionItem, type CompletionParams } from "vscode-languageserver";
import type { IToken, TokenType } from "chevrotain";
import type { StreamDecl } from "../syntax/ast";
import { BUILTIN_OPS } from "../compiler/builtins";
import { lex } from "../grammar/lexer";
import * as T from "../grammar/tokens";
import type { AnalyzedDocument, DocumentStore } from "./documents";
import { catalogDecls, opMetrics, producingOp, streamDecl, streamDecls } from "./lookup";
import { rateText } from "./figures";
import { offsetOf } from "./positions";

type Block = "top" | "flow" | "model" | "op" | "node" | "gate" | "review" | "select" | "budget";

/** What each block holds, as completion offers it at the start of a statement. */
const STATEMENTS: Record<Block, string[]> = {
  top: ["import", "model", "op", "flow"],
  flow: ["input", "model", "op", "node", "gate", "review", "select", "budget", "output"],
  model: ["rate", "overhead", "family"],
  op: ["metric", "batchable", "schema"],
  node: ["model", "resolution", "duration", "variants", "cost", "cache", "retry", "batch", "expect fail", "timeout", "concurrency", "param"],
  gate: ["expect pass", "else"],
  review: ["expect approve", "else", "timeout"],
  select: ["pick"],
  budget: ["cap", "alert", "strict"],
};

const BLOCK_OWNERS: ReadonlyMap<TokenType, Block> = new Map([
  [T.Flow, "flow"],
  [T.Model, "model"],
  [T.Op, "op"],
  [T.NodeKw, "node"],
  [T.Gate, "gate"],
  [T.Review, "review"],
  [T.Select, "select"],
  [T.Budget, "budget"],
] as [TokenType, Block][]);

/** What the cursor follows: the innermost block, and the tokens of the statement in progress. */
export interface CursorContext {
  block: Block;
  /** tokens of the current statement before the word under the cursor */
  statement: IToken[];
  /** only blanks between the start of the line (or a `{`) and the word under the cursor */
  lineStart: boolean;
}

export function completion(store: DocumentStore, params: CompletionParams): CompletionItem[] {
  const doc = store.get(params.textDocument.uri, "syntax");
  const offset = offsetOf(doc.document, params.position);
  return itemsFor(doc, cursorContext(doc, offset));
}

/** The context of the cursor, lexing from the start of the declaration before it (not the whole file). */
export function cursorContext(doc: AnalyzedDocument, offset: number): CursorContext {
  const text = doc.text;
  let wordStart = offset;
  while (wordStart > 0 && /[A-Za-z0-9_]/.test(text[wordStart - 1]!)) wordStart--;
  const { from, blocks } = lexStart(doc, wordStart);
  const tokens = lex(text.slice(from, wordStart)).tokens;
  const stack = blocks.map((block) => ({ block, statement: [] as IToken[] }));
  for (const token of tokens) {
    const top = stack[stack.length - 1]!;
    if (token.tokenType === T.LCurly) stack.push({ block: ownerOf(top), statement: [] });
    else if (token.tokenType === T.RCurly) {
      if (stack.length > 1) stack.pop();
      stack[stack.length - 1]!.statement = [];
    } else if (startsStatement(top, token, text, from)) top.statement = [token];
    else top.statement.push(token);
  }
  const top = stack[stack.length - 1]!;
  return { block: top.block, statement: top.statement, lineStart: atLineStart(text, wordStart) };
}

/** Only blanks between the start of the line (or a brace) and `offset`. */
function atLineStart(text: string, offset: number): boolean {
  return /(^|[\r\n{}])[ \t]*$/.test(text.slice(Math.max(0, offset - 200), offset));
}

/** Lex from the start of the last declaration of the flow that begins before the cursor (then the flow's block is open). */
function lexStart(doc: AnalyzedDocument, offset: number): { from: number; blocks: Block[] } {
  const flow = doc.analysis.ast.flow;
  const inside = flow?.decls ?? [];
  let from = -1;
  for (let low = 0, high = inside.length - 1; low <= high; ) {
    const mid = (low + high) >> 1;
    if (inside[mid]!.range.start.offset < offset) {
      from = inside[mid]!.range.start.offset;
      low = mid + 1;
    } else high = mid - 1;
  }
  return from >= 0 ? { from, blocks: ["top", "flow"] } : { from: 0, blocks: ["top"] };
}

function ownerOf(context: { block: Block; statement: IToken[] }): Block {
  const first = context.statement[0];
  if (context.block !== "top" && context.block !== "flow") return context.block;
  return (first && BLOCK_OWNERS.get(first.tokenType)) ?? context.block;
}

/** In the flow and at the top level, a declaration keyword first on its line begins a statement. */
function startsStatement(context: { block: Block }, token: IToken, text: string, from: number): boolean {
  if (context.block !== "flow" && context.block !== "top") return false;
  return STATEMENTS[context.block].includes(token.image) && atLineStart(text, from + token.startOffset);
}

// ---- what to offer ----------------------------------------------------------------------------

function itemsFor(doc: AnalyzedDocument, context: CursorContext): CompletionItem[] {
  const { block, statement, lineStart } = context;
  const last = statement[statement.length - 1];
  const beforeLast = statement[statement.length - 2];
  if (last?.tokenType === T.Dot && beforeLast) return afterDot(doc, statement, beforeLast.image);
  if (last?.tokenType === T.Per) return afterPer(statement);
  if (block === "flow" || block === "top") {
    if (statement.length === 0 || lineStart) return keywords(STATEMENTS[block]);
    return inDeclaration(doc, statement);
  }
  if (block === "node" && last?.tokenType === T.Model) return models(doc);
  const specific = inProperty(doc, block, statement);
  if (specific) return specific;
  // a property keyword just typed waits for its value
  if (last && STATEMENTS[block].includes(last.image) && !NO_VALUE.has(last.image)) return [];
  return keywords(STATEMENTS[block]);
}

const NO_VALUE: ReadonlySet<string> = new Set(["batchable", "strict"]);

function lastIndex<V>(items: readonly V[], test: (item: V) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}

/** `name.`: the source's metrics in a gate condition, else `rejected` for a gate or review. */
function afterDot(doc: AnalyzedDocument, statement: IToken[], name: string): CompletionItem[] {
  if (statement[0]?.tokenType === T.Gate && !statement.some((t) => t.tokenType === T.LCurly)) return metrics(doc, name);
  const target = streamDecl(doc.analysis.ast, name);
  if (target?.kind !== "gate" && target?.kind !== "review") return [];
  return [{ label: "rejected", kind: CompletionItemKind.Property, detail: `the items ${target.kind} '${name}' rejects` }];
}

/** `rate … per` takes units; `overhead … per` and `cost … per` take `call`. */
function afterPer(statement: IToken[]): CompletionItem[] {
  const rate = lastIndex(statement, (t) => t.tokenType === T.Rate);
  const other = lastIndex(statement, (t) => t.tokenType === T.Overhead || t.tokenType === T.Cost);
  const units = rate > other ? ["megapixel", "second", "item"] : ["call"];
  return units.map((label) => ({ label, kind: CompletionItemKind.Unit }));
}

/** Inside a declaration of the flow, before its block. */
function inDeclaration(doc: AnalyzedDocument, statement: IToken[]): CompletionItem[] {
  const [first, name] = statement;
  const last = statement[statement.length - 1]!;
  const own = name?.image;
  switch (first?.tokenType) {
    case T.NodeKw:
      if (last.tokenType === T.Equals) return ops(doc);
      if (last.tokenType === T.LParen || last.tokenType === T.Comma || last.tokenType === T.Colon) return streams(doc, own);
      return [];
    case T.Gate:
      if (last.tokenType === T.Equals || last.tokenType === T.And) return streams(doc, own, (d) => d.kind !== "input");
      return [];
    case T.Review:
      if (last.tokenType === T.Equals) return streams(doc, own);
      if (last.tokenType === T.By) return keywords(["human"]);
      return [];
    case T.Select:
      return inSelect(doc, statement, own);
    case T.Input:
      if (last.tokenType === T.Colon) return keywords(["image", "video", "audio", "text", "json"], CompletionItemKind.TypeParameter);
      return keywords(["stable", "expect"]);
    case T.Output:
      return streams(doc);
    default:
      return [];
  }
}

function inSelect(doc: AnalyzedDocument, statement: IToken[], own: string | undefined): CompletionItem[] {
  const last = statement[statement.length - 1]!;
  if (last.tokenType === T.Equals) return streams(doc, own, (d) => d.kind === "node");
  if (last.tokenType === T.By) return keywords(["human", "highest", "lowest"]);
  const source = statement[statement.findIndex((t) => t.tokenType === T.Equals) + 1];
  if ((last.tokenType === T.Highest || last.tokenType === T.Lowest) && source) return metrics(doc, source.image);
  return [];
}

/** Inside a property block: what follows the property keyword just typed. */
function inProperty(doc: AnalyzedDocument, block: Block, statement: IToken[]): CompletionItem[] | undefined {
  const last = statement[statement.length - 1];
  switch (last?.tokenType) {
    case T.Cache:
      return keywords(["ttl", "off"]);
    case T.Expect:
      return keywords(block === "gate" ? ["pass"] : block === "review" ? ["approve"] : ["fail"]);
    case T.Else:
      return keywords(["discard", "retry"]);
    case T.Retry:
      return block === "gate" || block === "review" ? streams(doc, undefined, (d) => d.kind === "node") : [];
    case T.Then:
      return keywords(["discard"]);
    case T.Up:
      return keywords(["to"]);
    default:
      return undefined;
  }
}

// ---- items ------------------------------------------------------------------------------------

function keywords(words: string[], kind: CompletionItemKind = CompletionItemKind.Keyword): CompletionItem[] {
  return words.map((label) => ({ label, kind }));
}

function streams(doc: AnalyzedDocument, except?: string, keep: (d: StreamDecl) => boolean = () => true): CompletionItem[] {
  return streamDecls(doc.analysis.ast)
    .filter((d) => d.name.text !== except && keep(d))
    .map((d) => ({ label: d.name.text, kind: CompletionItemKind.Variable, detail: d.kind === "node" ? `node · ${d.op.text}` : d.kind }));
}

function models(doc: AnalyzedDocument): CompletionItem[] {
  return unique(catalogDecls(doc, "model").map(({ decl }) => {
    const rate = decl.props.find((p) => p.kind === "rate");
    const detail = rate?.kind === "rate" ? rateText(rate) : "model";
    return { label: decl.name.text, kind: CompletionItemKind.Class, detail };
  }));
}

function ops(doc: AnalyzedDocument): CompletionItem[] {
  const declared = catalogDecls(doc, "op").map(({ decl }) => ({ label: decl.name.text, kind: CompletionItemKind.Function, detail: "op" }));
  const builtins = [...BUILTIN_OPS.keys()].map((label) => ({ label, kind: CompletionItemKind.Function, detail: "built-in op" }));
  return unique([...declared, ...builtins]);
}

function metrics(doc: AnalyzedDocument, stream: string): CompletionItem[] {
  const op = producingOp(doc.analysis.ast, stream);
  if (op === undefined) return [];
  return opMetrics(doc, op).map((m) => ({ label: m.name, kind: CompletionItemKind.Property, detail: `${op} metric, ${m.min}..${m.max}` }));
}

/** The first item of each label (a declared op hides the built-in of that name). */
function unique(items: CompletionItem[]): CompletionItem[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.label) && seen.add(item.label) !== undefined);
}
