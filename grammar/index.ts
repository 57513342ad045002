// The front end's one entry point: text in, AST + diagnostics + comments out. Never throws.
import { EOF, type ILexingError, type IRecognitionException, type IToken } from "chevrotain";
import type { FlowFile, Position, Range } from "../syntax/ast";
import { diag, sortDiagnostics, type Diagnostic } from "../syntax/diagnostics";
import { LineMap } from "../syntax/lines";
import { AstBuilder, isReal, tokenEnd } from "./ast-builder";
import { flowParser } from "./parser";
import type { Lexer } from "./lexer";
import { MAX_LIST_DEPTH } from "./token-stream";
import { BadString, badStringMessage, UnterminatedComment } from "./tokens";

/** A line comment or a block comment, kept for the formatter. */
export interface Comment {
  /** as written, delimiters included */
  text: string;
  range: Range;
  /** true for a block comment */
  block: boolean;
}

export interface ParseResult {
  ast: FlowFile;
  /** FLOW101 syntax errors, sorted by position */
  diagnostics: Diagnostic[];
  comments: Comment[];
}

/** Parse a `.flow` text. Syntax errors come back as FLOW101 diagnostics, never as exceptions. */
export function parse(text: string): ParseResult {
  try {
    return parseText(text);
  } catch (error) {
    return internalError(text, error);
  }
}

/** 1-based line and column of a 0-based offset (clamped to the text). For many, make one `LineMap`. */
export function positionAt(text: string, offset: number): Position {
  return new LineMap(text).position(offset);
}

export { LineMap };

export { MAX_LIST_DEPTH };

function parseText(text: string): ParseResult {
  const builder = new AstBuilder(text);
  const parser = flowParser();
  const stream = parser.streamOf(text);
  const { file, errors } = parser.parseTokens(stream, builder);
  stream.finish(); // the parse may stop short of the end: its comments and errors still count
  const lexed = stream.lexed!;
  for (const opening of stream.filter.tooDeep) builder.syntaxError(`lists may nest at most ${MAX_LIST_DEPTH} deep`, opening);
  const diagnostics = [
    ...lexDiagnostics(lexed, builder),
    // A bad string is reported once, by the lexer pass, not again wherever it makes the parse fail.
    ...errors.filter((error) => error.token.tokenType !== BadString).map((error) => syntaxDiagnostic(error, stream.lastToken, builder)),
    ...builder.diagnostics,
  ];
  return { ast: file, diagnostics: withoutRepeats(sortDiagnostics(diagnostics)), comments: lexed.comments.map((token) => comment(token, builder)) };
}

function lexDiagnostics(lexed: Lexer, builder: AstBuilder): Diagnostic[] {
  const found = lexed.errors.map((error) => unexpectedCharacters(error, builder));
  for (const token of lexed.badStrings) found.push(diag("FLOW101", badStringMessage(token.image), builder.tokenRange(token)));
  for (const token of lexed.comments) {
    if (token.tokenType === UnterminatedComment) {
      const opening = builder.lines.range(token.startOffset, token.startOffset + 2);
      found.push(diag("FLOW101", "unterminated comment: this '/*' has no '*/' after it", opening));
    }
  }
  return found;
}

/** Characters of a stretch the lexer could not read that its message quotes. */
const QUOTED_CHARACTERS = 20;

function unexpectedCharacters(error: ILexingError, builder: AstBuilder): Diagnostic {
  const range = builder.lines.range(error.offset, error.offset + error.length);
  if (error.length === 1) return diag("FLOW101", `unexpected character ${JSON.stringify(builder.text[error.offset])}`, range);
  const shown = Math.min(error.length, QUOTED_CHARACTERS);
  const quoted = JSON.stringify(builder.text.slice(error.offset, error.offset + shown));
  const rest = error.length > shown ? ` and ${error.length - shown} more` : "";
  return diag("FLOW101", `unexpected characters ${quoted}${rest}`, range);
}

/** The offending token's range; at the end of the file, the point just after the last token. */
function syntaxDiagnostic(error: IRecognitionException, last: IToken | undefined, builder: AstBuilder): Diagnostic {
  const token = error.token;
  if (isReal(token) && token.tokenType !== EOF) return diag("FLOW101", error.message, builder.tokenRange(token));
  const end = last === undefined ? 0 : tokenEnd(last);
  return diag("FLOW101", error.message, builder.lines.range(end, end));
}

/** Recovery can report one error twice (once when it re-syncs, once when it gives up): sorted, the two are neighbours. */
function withoutRepeats(sorted: Diagnostic[]): Diagnostic[] {
  return sorted.filter((d, i) => i === 0 || d.range.start.offset !== sorted[i - 1].range.start.offset || d.message !== sorted[i - 1].message);
}

function comment(token: IToken, builder: AstBuilder): Comment {
  return { text: token.image, range: builder.tokenRange(token), block: token.image.startsWith("/*") };
}

function internalError(text: unknown, error: unknown): ParseResult {
  const source = typeof text === "string" ? text : "";
  const lines = new LineMap(source);
  const range = lines.range(0, 0);
  const reason = error instanceof Error ? error.message : String(error);
  return {
    ast: { kind: "file", imports: [], decls: [], range: lines.range(0, source.length) },
    diagnostics: [diag("FLOW101", `internal parser error: ${reason}`, range)],
    comments: [],
  };
}
