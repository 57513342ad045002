// Parsing after an edit without parsing the whole file again: only the declarations of the flow
// that the edit touched are parsed, and the declarations after them are moved by the edit's shift.
// The result is the parse of the new text — test/lsp-reparse.test.ts checks it against `parse` on
// random edits — and whenever that is not certain (the old or the new text has syntax errors, the
// edit reaches outside the flow's declarations) this is simply `parse`.
//
// Why it is safe: a declaration of the flow begins with a declaration keyword, which no
// declaration's trailing part (`stable`, `, ref`, `and …`, `{ … }`) can take; so the declarations
// before the edited stretch parse the same, and the stretch, parsed on its own and free of errors,
// parses the same as in the whole text — provided it ends with an untouched declaration (the one
// after the edit), whose end no following token can move. The stretch is lexed and parsed on its
// own; the declarations after it get their ranges moved, in place, and the document's line map is
// updated to the new text: the previous parse must not be used after this (lsp/documents.ts keeps
// only the latest, and what it needs of older analyses as offsets).
import type { FlowDecl, FlowFile } from "../syntax/ast";
import { TextRange, type LineMap } from "../syntax/lines";
import type { IToken } from "chevrotain";
import { AstBuilder } from "../grammar/ast-builder";
import { MAX_LIST_DEPTH, parse, type Comment, type ParseResult } from "../grammar/index";
import { flowParser } from "../grammar/parser";
import { lex } from "../grammar/lexer";
import { UnterminatedComment } from "../grammar/tokens";

/** A text and its parse, as kept between edits. */
export interface Parsed {
  text: string;
  result: ParseResult;
}

export function reparse(previous: Parsed | undefined, text: string): ParseResult {
  if (previous === undefined || previous.text === text) return previous?.result ?? parse(text);
  return incrementally(previous, text) ?? parse(text);
}

function incrementally(previous: Parsed, text: string): ParseResult | undefined {
  const old = previous.result;
  const flow = old.ast.flow;
  const lines = old.ast.range instanceof TextRange ? old.ast.range.lineMap : undefined;
  if (!lines || old.diagnostics.length > 0 || !flow || flow.decls.length === 0) return undefined;
  const edit = changedStretch(previous.text, text);
  const decls = flow.decls;
  // the first declaration to parse again: the last that starts at or before the edit
  const first = lastIndex(decls, (d) => d.range.start.offset <= edit.start);
  // the last: the first that ends at or after the edit's end, and one more, untouched
  const touched = decls.findIndex((d) => d.range.end.offset >= edit.oldEnd);
  if (first < 0 || touched < 0) return undefined;
  const last = Math.min(decls.length - 1, touched + 1);
  const from = decls[first]!.range.start.offset;
  const oldTo = decls[last]!.range.end.offset;
  const stretch = parseStretch(previous.text, text, flow, from, oldTo + edit.shift);
  if (!stretch) return undefined;
  const after = decls.slice(last + 1);
  const commentsAfter = old.comments.filter((c) => c.range.start.offset >= oldTo);
  const flowRange = lines.range(flow.range.start.offset, flow.range.end.offset + edit.shift);
  // The document keeps its one line map, now of the new text: the ranges before the stretch read
  // it unchanged, those after it move by the edit's shift, and the stretch's join it.
  lines.update(stretch.lines);
  moveAll([after, commentsAfter], lines, edit.shift, new Set());
  moveAll([stretch.decls, stretch.comments], lines, 0, new Set());
  const comments = [...old.comments.filter((c) => c.range.end.offset <= from), ...stretch.comments, ...commentsAfter];
  const newFlow: FlowDecl = { ...flow, decls: [...decls.slice(0, first), ...stretch.decls, ...after], range: flowRange };
  const file: FlowFile = { ...old.ast, flow: newFlow, range: lines.range(0, text.length) };
  return { ast: file, diagnostics: [], comments };
}

/** Where two texts differ: from their common start to their common end (offsets of `before`), and by how much the length changed. */
export function changedStretch(before: string, after: string): { start: number; oldEnd: number; shift: number } {
  const limit = Math.min(before.length, after.length);
  let start = 0;
  while (start < limit && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < limit - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  return { start, oldEnd: before.length - end, shift: after.length - before.length };
}

/**
 * The declarations in `text` between `from` and `to`, parsed as the body of the flow: the tokens of
 * the flow's `flow NAME {` and of the stretch, with a `}` after them, go to the parser with a
 * builder over the whole text, so every position is the position in `text`. Undefined unless
 * error-free (lexer, parser and builder alike), as the whole text's parse would then differ.
 */
function parseStretch(oldText: string, text: string, flow: FlowDecl, from: number, to: number): { decls: FlowDecl["decls"]; comments: Comment[]; lines: LineMap } | undefined {
  const header = flow.range.start.offset;
  const open = oldText.indexOf("{", flow.name.range.end.offset);
  if (open < 0 || open >= from) return undefined;
  const head = lexAt(text, header, open + 1);
  const body = lexAt(text, from, to);
  const close = lex("}").tokens.map((t) => moved(t, to));
  if (!head || !body || head.comments.length > 0 || head.tokens.length !== 3) return undefined;
  const builder = new AstBuilder(text);
  const { file, errors } = flowParser().parseTokens([...head.tokens, ...body.tokens, ...close], builder);
  const decls = file.flow?.decls;
  if (errors.length > 0 || builder.diagnostics.length > 0 || !decls || file.decls.length > 0 || file.imports.length > 0) return undefined;
  const comments = body.comments.map((token) => ({ text: token.image, range: builder.tokenRange(token), block: token.image.startsWith("/*") }));
  return { decls, comments, lines: builder.lines };
}

/**
 * The tokens of text[from, to) at their offsets in `text`; undefined if the lexer finds a problem
 * there, or lists nested too deep for the parser (the whole text's parse reports them).
 */
function lexAt(text: string, from: number, to: number): { tokens: IToken[]; comments: IToken[] } | undefined {
  const lexed = lex(detached(text.slice(from, to)));
  const problem = lexed.errors.length > 0 || lexed.badStrings.length > 0 || lexed.comments.some((t) => t.tokenType === UnterminatedComment);
  if (problem || lexed.deepestList > MAX_LIST_DEPTH) return undefined;
  return { tokens: lexed.tokens.map((t) => moved(t, from)), comments: lexed.comments.map((t) => moved(t, from)) };
}

/**
 * A copy of a slice that does not point into the text it was cut from. V8 keeps a slice as a view
 * of the whole string, so the names the AST takes from the tokens would keep every version of a
 * large file alive, one per edit (the AST's untouched declarations outlive their text).
 */
function detached(slice: string): string {
  return JSON.parse(JSON.stringify(slice)) as string;
}

function moved(token: IToken, by: number): IToken {
  token.startOffset += by;
  if (token.endOffset !== undefined) token.endOffset += by;
  return token;
}

/**
 * Points every range in AST data at `lines`, moved by `shift`, in place: the previous parse is not
 * used again once this one exists, and copying half a large flow's AST at every keystroke cost
 * more than parsing the stretch. A range the parser shares between nodes is moved once (`seen`).
 */
function moveAll(value: unknown, lines: LineMap, shift: number, seen: Set<TextRange>): void {
  if (typeof value !== "object" || value === null) return;
  if (value instanceof TextRange) {
    if (!seen.has(value)) value.rebase(lines, shift);
    seen.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) moveAll(value[i], lines, shift, seen);
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) moveAll(record[key], lines, shift, seen);
}

function lastIndex<V>(items: readonly V[], test: (item: V) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}
