// The lexer of `.flow` files: one loop over the text that produces Chevrotain tokens of the types in
// tokens.ts, with the same results as a Chevrotain `Lexer` over those definitions
// (test/grammar-lexer.test.ts compares the two on random texts). Building Chevrotain's lexer cost a
// tenth of the start-up of `flowc check` on a small file, and matching a token pattern by pattern
// is slower than deciding by the first character.
//
// Tokens carry offsets only: lines and columns are computed for what the AST and diagnostics need.
// A stretch of characters that begins no token is one error, as Chevrotain reports it.
//
// The loop decides by the first character, from a table, and reads nothing from the token types
// themselves (each kind of token type object has its own shape, and reading a field of whichever
// came was a tenth of the lexer's time); a token whose text is always the same (punctuation, a
// keyword) shares that one string.
import type { ILexingError, IToken, TokenType } from "chevrotain";
import * as scan from "./scanners";
import * as T from "./tokens";

export interface LexResult {
  tokens: IToken[];
  comments: IToken[];
  errors: ILexingError[];
  /** the `BadString` tokens among `tokens`, each reported once (found here, not by another pass) */
  badStrings: IToken[];
  /** how deep '[' nests at most (an unmatched ']' closes nothing) */
  deepestList: number;
}

/** A token type and what the lexer needs of it, read once. */
interface Kind {
  type: TokenType;
  typeIndex: number;
  /** the text of every token of the type, if they all have the same */
  image: string | undefined;
}

function kind(type: TokenType, image?: string): Kind {
  return { type, typeIndex: type.tokenTypeIdx as number, image };
}

const IDENTIFIER = kind(T.Identifier);
const STRING = kind(T.StringLiteral);
const BAD_STRING = kind(T.BadString);
const RESOLUTION = kind(T.ResolutionLit);
const DURATION = kind(T.DurationLit);
const PERCENT = kind(T.PercentLit);
const DECIMAL = kind(T.DecimalLit);
const INTEGER = kind(T.IntegerLit);
const DOT_DOT = kind(T.DotDot, "..");
const DOT = kind(T.Dot, ".");
const GREATER_EQ = kind(T.GreaterEq, ">=");
const GREATER = kind(T.Greater, ">");
const LESS_EQ = kind(T.LessEq, "<=");
const LESS = kind(T.Less, "<");
const LINE_COMMENT = kind(T.LineComment);
const BLOCK_COMMENT = kind(T.BlockComment);
const UNTERMINATED_COMMENT = kind(T.UnterminatedComment);

// What the first character of a token says about it (ASCII only: beyond it, only two white-space
// characters begin a token).
const OTHER = 0;
const SPACE = 1;
const DIGIT = 2;
const NAME = 3;
const SINGLE = 4;
const QUOTE = 5;
const SLASH = 6;
const PERIOD = 7;
const ANGLE = 8;

const CHAR_CLASS = new Uint8Array(128);
for (const code of [0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]) CHAR_CLASS[code] = SPACE;
for (let code = 0x30; code <= 0x39; code++) CHAR_CLASS[code] = DIGIT;
for (let code = 0x41; code <= 0x5a; code++) CHAR_CLASS[code] = CHAR_CLASS[code + 0x20] = NAME;
CHAR_CLASS[0x5f] = NAME;
CHAR_CLASS[0x22] = QUOTE;
CHAR_CLASS[0x2f] = SLASH;
CHAR_CLASS[0x2e] = PERIOD;
CHAR_CLASS[0x3e] = CHAR_CLASS[0x3c] = ANGLE;

/** The one-character tokens, by their character's code. */
const PUNCTUATION: Kind[] = [];
for (const type of [T.LCurly, T.RCurly, T.LParen, T.RParen, T.LBracket, T.RBracket, T.Comma, T.Colon, T.Equals]) {
  const text = type.PATTERN as string;
  PUNCTUATION[text.charCodeAt(0)] = kind(type, text);
  CHAR_CLASS[text.charCodeAt(0)] = SINGLE;
}
const L_BRACKET = 0x5b;
const R_BRACKET = 0x5d;

function classOf(code: number): number {
  if (code < 128) return CHAR_CLASS[code];
  return code === 0xa0 || code === 0xfeff ? SPACE : OTHER;
}

/** 1 for the characters of `[A-Za-z0-9_]`. */
const WORD_CHAR = new Uint8Array(128);
for (let code = 0; code < 128; code++) WORD_CHAR[code] = CHAR_CLASS[code] === NAME || CHAR_CLASS[code] === DIGIT ? 1 : 0;

function token(image: string, startOffset: number, kind: Kind): IToken {
  return { image, startOffset, tokenTypeIdx: kind.typeIndex, tokenType: kind.type };
}

/** The whole text's tokens. */
export function lex(text: string): LexResult {
  const lexer = new Lexer(text);
  const tokens: IToken[] = [];
  while (lexer.lexSome(tokens, Number.MAX_SAFE_INTEGER));
  return { tokens, comments: lexer.comments, errors: lexer.errors, badStrings: lexer.badStrings, deepestList: lexer.deepestList };
}

/**
 * The lexer, resumable: `lexSome` lexes a few more tokens each time, so that a parser may take
 * them as it goes and let go of those it has passed (grammar/token-stream.ts) instead of holding
 * all of a large file's tokens at once.
 */
export class Lexer {
  readonly comments: IToken[] = [];
  readonly errors: ILexingError[] = [];
  readonly badStrings: IToken[] = [];
  /** how deep '[' nests at most so far (an unmatched ']' closes nothing) */
  deepestList = 0;
  /** how deep '[' nests where the lexer is */
  listDepth = 0;
  private at = 0;
  private errorStart = -1;

  constructor(readonly text: string) {}

  /** Adds at least `count` tokens to `tokens` unless the text ends first; false once it has ended. */
  lexSome(tokens: IToken[], count: number): boolean {
    const text = this.text;
    const until = tokens.length + count;
    let at = this.at;
    while (at < text.length && tokens.length < until) {
      const code = text.charCodeAt(at);
      let charClass = classOf(code);
      if (charClass === SLASH && !opensComment(text, at)) charClass = OTHER;
      if (charClass === OTHER) {
        if (this.errorStart === -1) this.errorStart = at;
        at++;
        continue;
      }
      if (this.errorStart !== -1) {
        this.errors.push(lexingError(text, this.errorStart, at));
        this.errorStart = -1;
      }
      if (charClass === SPACE) {
        at = whiteSpaceEnd(text, at);
      } else if (charClass === NAME) {
        const end = nameEnd(text, at);
        const keyword = keywordAt(text, at, end);
        tokens.push(keyword === undefined ? token(text.slice(at, end), at, IDENTIFIER) : token(keyword.image!, at, keyword));
        at = end;
      } else if (charClass === SINGLE) {
        const single = PUNCTUATION[code];
        if (code === L_BRACKET && ++this.listDepth > this.deepestList) this.deepestList = this.listDepth;
        if (code === R_BRACKET && this.listDepth > 0) this.listDepth--;
        tokens.push(token(single.image!, at, single));
        at++;
      } else if (charClass === DIGIT) {
        at = numberAt(text, at, tokens);
      } else if (charClass === QUOTE) {
        at = stringAt(text, at, tokens, this.badStrings);
      } else if (charClass === SLASH) {
        at = commentAt(text, at, this.comments);
      } else {
        const found = fixedAt(text, at, code);
        tokens.push(token(found.image!, at, found));
        at += found.image!.length;
      }
    }
    this.at = at;
    if (at < text.length) return true;
    if (this.errorStart !== -1) this.errors.push(lexingError(text, this.errorStart, text.length));
    this.errorStart = -1;
    return false;
  }
}

function lexingError(text: string, start: number, end: number): ILexingError {
  const message = `unexpected character: ->${text.charAt(start)}<- at offset: ${start}, skipped ${end - start} characters.`;
  return { offset: start, length: end - start, line: undefined, column: undefined, message };
}

/** A '/' begins a comment only before another '/' or a '*'. */
function opensComment(text: string, at: number): boolean {
  const next = text.charCodeAt(at + 1);
  return next === 0x2f || next === 0x2a;
}

/** `.`, `..`, `>`, `>=`, `<`, `<=` at `at`, whose first character is `code`. */
function fixedAt(text: string, at: number, code: number): Kind {
  const next = text.charCodeAt(at + 1);
  if (code === 0x2e) return next === 0x2e ? DOT_DOT : DOT;
  if (code === 0x3e) return next === 0x3d ? GREATER_EQ : GREATER;
  return next === 0x3d ? LESS_EQ : LESS;
}

/**
 * The number forms, the longest first so that `1024x1024`, `48h` or `30%` is one token: a
 * resolution, a duration, a percentage, a decimal, a whole number. Returns the token's end.
 */
function numberAt(text: string, at: number, tokens: IToken[]): number {
  let end = scan.resolutionEnd(text, at);
  let found = RESOLUTION;
  if (end === -1) {
    const whole = scan.digitsEnd(text, at);
    const figure = scan.fractionEnd(text, whole);
    end = scan.durationUnitEnd(text, figure);
    found = DURATION;
    if (end === -1) {
      end = scan.percentSignEnd(text, figure);
      found = PERCENT;
    }
    if (end === -1) {
      end = figure;
      found = figure > whole ? DECIMAL : INTEGER;
    }
  }
  tokens.push(token(text.slice(at, end), at, found));
  return end;
}

function stringAt(text: string, at: number, tokens: IToken[], badStrings: IToken[]): number {
  const end = scan.jsonStringEnd(text, at);
  if (end !== -1) {
    tokens.push(token(text.slice(at, end), at, STRING));
    return end;
  }
  const looseEnd = scan.looseStringEnd(text, at);
  const bad = token(text.slice(at, looseEnd), at, BAD_STRING);
  tokens.push(bad);
  badStrings.push(bad);
  return looseEnd;
}

function commentAt(text: string, at: number, comments: IToken[]): number {
  let end: number;
  let found: Kind;
  if (text.charCodeAt(at + 1) === 0x2f) {
    end = lineEnd(text, at + 2);
    found = LINE_COMMENT;
  } else {
    const close = text.indexOf("*/", at + 2);
    end = close === -1 ? text.length : close + 2;
    found = close === -1 ? UNTERMINATED_COMMENT : BLOCK_COMMENT;
  }
  comments.push(token(text.slice(at, end), at, found));
  return end;
}

// The two loops below, over most of the text's characters, test a character in place rather than
// by a call: a call per character costs most before V8 has optimised the lexer, and a large file
// is lexed in one call, mostly before that.

/** `[ \t\r\n\f\v\u00a0\ufeff]` */
function whiteSpaceEnd(text: string, at: number): number {
  let end = at + 1;
  for (let code = text.charCodeAt(end); code < 128 ? CHAR_CLASS[code] === SPACE : code === 0xa0 || code === 0xfeff; code = text.charCodeAt(++end));
  return end;
}

function lineEnd(text: string, at: number): number {
  let end = at;
  for (let code = text.charCodeAt(end); end < text.length && code !== 0x0a && code !== 0x0d; code = text.charCodeAt(++end));
  return end;
}

/** End of `[A-Za-z_][A-Za-z0-9_]*` at `at`. */
function nameEnd(text: string, at: number): number {
  let end = at + 1;
  for (let code = text.charCodeAt(end); code < 128 && WORD_CHAR[code] === 1; code = text.charCodeAt(++end));
  return end;
}

// Keywords by length and first letter: a look-up compares a name with one or two words at most,
// in place, without hashing it (twice as fast as a Map over the 150,000 tokens of a large flow); a
// keyword's image is the one string of its word, not a copy per token.
const keywordBuckets: Kind[][] = [];
for (const [text, type] of T.KEYWORD_BY_TEXT) (keywordBuckets[bucketOf(text.length, text.charCodeAt(0))] ??= []).push(kind(type, text));

function bucketOf(length: number, first: number): number {
  return length * 128 + first;
}

/** The keyword that `text` spells from `at` to `end` (a name: a keyword takes the keyword's type, a category of which is `Identifier`). */
function keywordAt(text: string, at: number, end: number): Kind | undefined {
  const bucket = keywordBuckets[bucketOf(end - at, text.charCodeAt(at))];
  if (bucket === undefined) return undefined;
  for (let i = 0; i < bucket.length; i++) if (text.startsWith(bucket[i]!.image!, at)) return bucket[i];
  return undefined;
}
