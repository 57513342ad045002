// The formatter's view of a text: its code tokens and its comments, each with the source lines
// it spans, and the comments that sit in each gap between two tokens. The formatter decides
// whitespace only: it prints these tokens and comments in this order, and nothing else.
import { LineMap } from "../../grammar/index";
import { lex } from "../../grammar/lexer";

/** A token or a comment of the source. */
export interface Piece {
  /** as written (a block comment's line breaks made `\n`) */
  text: string;
  start: number;
  end: number;
  /** 1-based lines of the first and the last character */
  startLine: number;
  endLine: number;
  /** 1-based column of the first character */
  column: number;
}

export interface CodeToken extends Piece {
  kind: TokenKind;
}

export interface CommentPiece extends Piece {
  block: boolean;
}

/** What spacing needs to know of a token: its punctuation, or that it is a name or something else. */
export type TokenKind = "(" | ")" | "[" | "]" | "," | ":" | "." | ".." | "{" | "}" | "name" | "other";

const PUNCTUATION: ReadonlySet<string> = new Set(["(", ")", "[", "]", ",", ":", ".", "..", "{", "}"]);

export interface FormatSource {
  /** in source order */
  tokens: CodeToken[];
  /** gaps[g]: the comments between tokens[g - 1] and tokens[g] (gaps[0] before the first, gaps[n] after the last) */
  gaps: readonly CommentPiece[][];
}

const NO_COMMENTS: CommentPiece[] = [];

export function formatSource(text: string): FormatSource {
  const lines = new LineMap(text);
  const lexed = lex(text);
  const tokens = lexed.tokens.map((token): CodeToken => {
    const { line, column } = lines.position(token.startOffset);
    const start = token.startOffset;
    const image = token.image;
    // A token never spans lines.
    return { text: image, start, end: start + image.length, startLine: line, endLine: line, column, kind: kindOf(image) };
  });
  const comments = lexed.comments.map((token): CommentPiece => {
    const { line, column } = lines.position(token.startOffset);
    const start = token.startOffset;
    const end = start + token.image.length;
    const block = token.image.startsWith("/*");
    const text = block ? token.image.replace(/\r\n?/g, "\n") : token.image;
    return { text, start, end, startLine: line, endLine: lines.line(end - 1), column, block };
  });
  return { tokens, gaps: commentGaps(tokens, comments) };
}

/** Index of the token starting at `offset`, or ending there (`edge: "end"`); -1 if none does. */
export function tokenAt(source: FormatSource, offset: number, edge: "start" | "end"): number {
  const { tokens } = source;
  let low = 0;
  let high = tokens.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const at = edge === "start" ? tokens[mid].start : tokens[mid].end;
    if (at === offset) return mid;
    if (at < offset) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}

function kindOf(image: string): TokenKind {
  if (PUNCTUATION.has(image)) return image as TokenKind;
  return /^[A-Za-z_]/.test(image) ? "name" : "other";
}

function commentGaps(tokens: CodeToken[], comments: CommentPiece[]): CommentPiece[][] {
  const gaps: CommentPiece[][] = new Array<CommentPiece[]>(tokens.length + 1).fill(NO_COMMENTS);
  let g = 0;
  for (const comment of comments) {
    while (g < tokens.length && tokens[g].start < comment.start) g++;
    if (gaps[g] === NO_COMMENTS) gaps[g] = [];
    gaps[g].push(comment);
  }
  return gaps;
}
