// The `.flow` formatter: text in, text out, no IO. It changes whitespace only — the tokens and
// comments of the output are those of the input, in the same order — and refuses a text with
// syntax errors. `flowc fmt`, the Prettier plugin and the language server all call `formatFlow`.
//
// Canonical form (docs/language.md, "Formatting"): two-space indentation; one declaration per
// line; a block that opened and closed on one line stays on one line, `{ a  b }`, two spaces
// between its properties; a multi-line block keeps one line per group of properties the author
// put on one line; single spaces around `=`, `:`, comparisons and after `,`, none inside `( )`,
// `[ ]` or around `.` and `..`; literals as written; at most one blank line in a row, none at the
// start or end of a block or of the file; every comment where it was (see emit.ts and render.ts
// for how they are placed and aligned).
import type { IToken } from "chevrotain";
import type { Diagnostic } from "../../syntax/diagnostics";
import { parse } from "../../grammar/index";
import { lex } from "../../grammar/lexer";
import { emitLines } from "./emit";
import { layoutGaps } from "./layout";
import { renderLines } from "./render";
import { fileItems } from "./skeleton";
import { formatSource, type FormatSource } from "./source";

export interface FormatResult {
  /** the formatted text, or the input unchanged when it has syntax errors */
  text: string;
  /** the FLOW101 syntax errors that stopped formatting; empty when the text was formatted */
  diagnostics: Diagnostic[];
}

export function formatFlow(text: string): FormatResult {
  const parsed = parse(text);
  if (parsed.diagnostics.length > 0) return { text, diagnostics: parsed.diagnostics };
  const source = formatSource(text);
  const lines = emitLines(source, layoutGaps(fileItems(parsed.ast, source), source));
  const formatted = renderLines(lines);
  assertSameContent(source, formatted);
  return { text: formatted, diagnostics: [] };
}

/** Whether the text is already formatted (a text with syntax errors is not). */
export function isFormatted(text: string): boolean {
  const result = formatFlow(text);
  return result.diagnostics.length === 0 && result.text === text;
}

/** The formatter may move whitespace only: anything else is a bug in it, never the author's. */
function assertSameContent(source: FormatSource, formatted: string): void {
  const before = inOrder(source.tokens, source.gaps.flat());
  const lexed = lex(formatted);
  const piece = (token: IToken) => ({ text: token.image, start: token.startOffset });
  const after = inOrder(lexed.tokens.map(piece), lexed.comments.map(piece));
  if (before.length !== after.length || before.some((text, i) => text !== after[i])) {
    throw new Error("the formatter changed more than whitespace (a bug in flowc): the text is left as it was");
  }
}

/** Token and comment texts merged in source order. */
function inOrder(tokens: { text: string; start: number }[], comments: { text: string; start: number }[]): string[] {
  const texts: string[] = [];
  let c = 0;
  for (const token of tokens) {
    for (; c < comments.length && comments[c].start < token.start; c++) texts.push(comments[c].text);
    texts.push(token.text);
  }
  for (; c < comments.length; c++) texts.push(comments[c].text);
  return texts;
}
