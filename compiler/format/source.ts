// The formatter's view of a text: its code tokens and its comments, each with the source lines
// it spans, and the comments that sit in each gap between two tokens. The formatter decides
// whitespace only: it prints these tokens and comments in this order, and nothing else.
import { LineMap } from "../../grammar/index";
import { lex } from "../../grammar/tokens";

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
  tokens: CodeToken[];
  /** gaps[g]: the comments between tokens[g - 1] and tokens[g] (gaps[0] before the first, gaps[n] after the last) */
  gaps: CommentPiece[][];
  /** token index by start offset, and by end offset */
  byStart: Map<number, number>;
  byEnd: Map<number, number>;
}

export function formatSource(text: string): FormatSource {
  const lines = new LineMap(text);
  const lexed = lex(text);
  const piece = (image: string, start: number): Piece => {
    const end = start + image.length;
    const first = lines.position(start);
    return { text: image, start, end, startLine: first.line, endLine: lines.line(Math.max(start, end - 1)), column: first.column };
  };
  const tokens = lexed.tokens.map((token): CodeToken => ({ ...piece(token.image, token.startOffset), kind: kindOf(token.image) }));
  const comments = lexed.comments.map((token): CommentPiece => {
    const block = token.image.startsWith("/*");
    const found = piece(token.image, token.startOffset);
    return { ...found, text: block ? token.image.replace(/\r\n?/g, "\n") : token.image, block };
  });
  return { tokens, gaps: commentGaps(tokens, comments), ...indexes(tokens) };
}

function kindOf(image: string): TokenKind {
  if (PUNCTUATION.has(image)) return image as TokenKind;
  return /^[A-Za-z_]/.test(image) ? "name" : "other";
}

function commentGaps(tokens: CodeToken[], comments: CommentPiece[]): CommentPiece[][] {
  const gaps: CommentPiece[][] = Array.from({ length: tokens.length + 1 }, () => []);
  let g = 0;
  for (const comment of comments) {
    while (g < tokens.length && tokens[g].start < comment.start) g++;
    gaps[g].push(comment);
  }
  return gaps;
}

function indexes(tokens: CodeToken[]): Pick<FormatSource, "byStart" | "byEnd"> {
  const byStart = new Map<number, number>();
  const byEnd = new Map<number, number>();
  tokens.forEach((token, i) => {
    byStart.set(token.start, i);
    byEnd.set(token.end, i);
  });
  return { byStart, byEnd };
}
