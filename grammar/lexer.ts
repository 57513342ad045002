// The lexer of `.flow` files: one loop over the text that produces Chevrotain tokens of the types in
// tokens.ts, with the same results as a Chevrotain `Lexer` over those definitions (test/grammar-
// lexer-equivalence.test.ts compares the two on random texts). Building Chevrotain's lexer cost a
// tenth of the start-up of `flowc check` on a small file, and matching a token pattern by pattern
// is slower than deciding by the first character.
//
// Tokens carry offsets only: lines and columns are computed for what the AST and diagnostics need.
// A stretch of characters that begins no token is one error, as Chevrotain reports it.
import type { ILexingError, IToken, TokenType } from "chevrotain";
import * as scan from "./scanners";
import * as T from "./tokens";

export interface LexResult {
  tokens: IToken[];
  comments: IToken[];
  errors: ILexingError[];
  /** the `BadString` tokens among `tokens`, each reported once (found here, not by another pass) */
  badStrings: IToken[];
}

export function lex(text: string): LexResult {
  const tokens: IToken[] = [];
  const comments: IToken[] = [];
  const errors: ILexingError[] = [];
  const badStrings: IToken[] = [];
  let errorStart = -1;
  for (let at = 0; at < text.length; ) {
    const end = scanAt(text, at);
    if (end === -1) {
      if (errorStart === -1) errorStart = at;
      at++;
      continue;
    }
    if (errorStart !== -1) {
      errors.push(lexingError(text, errorStart, at));
      errorStart = -1;
    }
    if (scanned !== T.WhiteSpace) {
      const keyword = scanned === T.Identifier ? keywordAt(text, at, end) : undefined;
      const type = keyword === undefined ? scanned : keyword.type;
      const token = { image: keyword === undefined ? text.slice(at, end) : keyword.text, startOffset: at, tokenTypeIdx: type.tokenTypeIdx as number, tokenType: type };
      if (scanned.GROUP === T.COMMENTS_GROUP) comments.push(token);
      else tokens.push(token);
      if (scanned === T.BadString) badStrings.push(token);
    }
    at = end;
  }
  if (errorStart !== -1) errors.push(lexingError(text, errorStart, text.length));
  return { tokens, comments, errors, badStrings };
}

function lexingError(text: string, start: number, end: number): ILexingError {
  const message = `unexpected character: ->${text.charAt(start)}<- at offset: ${start}, skipped ${end - start} characters.`;
  return { offset: start, length: end - start, line: undefined, column: undefined, message };
}

/** The type of the token `scanAt` found last (set with its end, to return one number). */
let scanned: TokenType = T.WhiteSpace;

/** The end of the token that starts at `at` (its type in `scanned`), or -1 when none does. */
function scanAt(text: string, at: number): number {
  const code = text.charCodeAt(at);
  if (isWhiteSpace(code)) return found(T.WhiteSpace, whiteSpaceEnd(text, at));
  if (code >= 0x30 && code <= 0x39) return numberAt(text, at);
  if (isNameStart(code)) return found(T.Identifier, nameEnd(text, at));
  const single = PUNCTUATION[code];
  if (single !== undefined) return found(single, at + 1);
  switch (code) {
    case 0x22: // "
      return stringAt(text, at);
    case 0x2f: // /
      return commentAt(text, at);
    case 0x2e: // .
      return text.charCodeAt(at + 1) === 0x2e ? found(T.DotDot, at + 2) : found(T.Dot, at + 1);
    case 0x3e: // >
      return text.charCodeAt(at + 1) === 0x3d ? found(T.GreaterEq, at + 2) : found(T.Greater, at + 1);
    case 0x3c: // <
      return text.charCodeAt(at + 1) === 0x3d ? found(T.LessEq, at + 2) : found(T.Less, at + 1);
    default:
      return -1;
  }
}

function found(type: TokenType, end: number): number {
  scanned = type;
  return end;
}

/**
 * The number forms, the longest first so that `1024x1024`, `48h` or `30%` is one token: a
 * resolution, a duration, a percentage, a decimal, a whole number.
 */
function numberAt(text: string, at: number): number {
  const resolution = scan.resolutionEnd(text, at);
  if (resolution !== -1) return found(T.ResolutionLit, resolution);
  const whole = scan.digitsEnd(text, at);
  const figure = scan.fractionEnd(text, whole);
  const duration = scan.durationUnitEnd(text, figure);
  if (duration !== -1) return found(T.DurationLit, duration);
  const percent = scan.percentSignEnd(text, figure);
  if (percent !== -1) return found(T.PercentLit, percent);
  return figure > whole ? found(T.DecimalLit, figure) : found(T.IntegerLit, whole);
}

function stringAt(text: string, at: number): number {
  const end = scan.jsonStringEnd(text, at);
  return end !== -1 ? found(T.StringLiteral, end) : found(T.BadString, scan.looseStringEnd(text, at));
}

function commentAt(text: string, at: number): number {
  const next = text.charCodeAt(at + 1);
  if (next === 0x2f) return found(T.LineComment, lineEnd(text, at + 2));
  if (next !== 0x2a) return -1;
  const close = text.indexOf("*/", at + 2);
  return close === -1 ? found(T.UnterminatedComment, text.length) : found(T.BlockComment, close + 2);
}

const PUNCTUATION: (TokenType | undefined)[] = [];
for (const type of [T.LCurly, T.RCurly, T.LParen, T.RParen, T.LBracket, T.RBracket, T.Comma, T.Colon, T.Equals]) {
  PUNCTUATION[(type.PATTERN as string).charCodeAt(0)] = type;
}

/** `[ \t\r\n\f\v\u00a0\ufeff]` */
function isWhiteSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0 || code === 0xfeff;
}

function whiteSpaceEnd(text: string, at: number): number {
  let end = at + 1;
  while (isWhiteSpace(text.charCodeAt(end))) end++;
  return end;
}

function lineEnd(text: string, at: number): number {
  let end = at;
  for (let code = text.charCodeAt(end); end < text.length && code !== 0x0a && code !== 0x0d; code = text.charCodeAt(++end));
  return end;
}

/** `[A-Za-z_]` */
function isNameStart(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f;
}

/** End of `[A-Za-z_][A-Za-z0-9_]*` at `at`. */
function nameEnd(text: string, at: number): number {
  let end = at + 1;
  for (let code = text.charCodeAt(end); isNameStart(code) || (code >= 0x30 && code <= 0x39); code = text.charCodeAt(++end));
  return end;
}

// Keywords by length and first letter: a look-up compares a name with one or two words at most,
// in place, without hashing it (twice as fast as a Map over the 150,000 tokens of a large flow); a
// keyword's image is the one string of its word, not a copy per token.
interface Keyword {
  text: string;
  type: TokenType;
}
const keywordBuckets: Keyword[][] = [];
for (const [text, type] of T.KEYWORD_BY_TEXT) (keywordBuckets[bucketOf(text.length, text.charCodeAt(0))] ??= []).push({ text, type });

function bucketOf(length: number, first: number): number {
  return length * 128 + first;
}

/** The keyword that `text` spells from `at` to `end` (a name: a keyword takes the keyword's type, a category of which is `Identifier`). */
function keywordAt(text: string, at: number, end: number): Keyword | undefined {
  const bucket = keywordBuckets[bucketOf(end - at, text.charCodeAt(at))];
  if (bucket === undefined) return undefined;
  for (let i = 0; i < bucket.length; i++) if (text.startsWith(bucket[i]!.text, at)) return bucket[i];
  return undefined;
}
