// The parser's tokens, lexed as it reads them. The parser reads the token after the one it is at,
// a few more to decide or to recover, and the one before; the tokens it has passed are let go.
// Lexed all at once, the 160,000 tokens of a large flow lived through the whole parse, and the
// garbage collector copied them as they were made: lexing took twice as long as lexing alone.
import type { IToken } from "chevrotain";
import { lex, Lexer } from "./lexer";
import { LBracket, RBracket } from "./tokens";

/** Lists nested deeper than this are reported and left out: the parser recurses once per level. */
export const MAX_LIST_DEPTH = 64;

/** How many tokens are lexed at a time, and how many before the parser's place are kept. */
export interface Window {
  chunk: number;
  behind: number;
}

/** The parser reads one token back, so 64 is a wide margin; 512 at a time keep the lexer in its loop, not in calls. */
const WINDOW: Window = { chunk: 512, behind: 64 };

/**
 * Leaves the lists nested deeper than MAX_LIST_DEPTH out of a token sequence, part after part,
 * noting each such list's '['.
 */
export class ListDepthFilter {
  /** the '[' of each list left out, in order */
  readonly tooDeep: IToken[] = [];
  private skipFrom = -1;

  /** Keeps, in place, the tokens of tokens[from…] outside too deep a list; `depth` is the nesting at `from`. */
  keep(tokens: IToken[], from: number, depth: number): void {
    let kept = from;
    for (let i = from; i < tokens.length; i++) {
      const token = tokens[i]!;
      const type = token.tokenType;
      if (type === LBracket) depth++;
      if (this.skipFrom === -1 && depth > MAX_LIST_DEPTH) {
        this.tooDeep.push(token);
        this.skipFrom = depth;
      }
      if (type === RBracket && depth > 0) depth--;
      if (this.skipFrom === -1) tokens[kept++] = token;
      else if (depth < this.skipFrom) this.skipFrom = -1;
    }
    tokens.length = kept;
  }
}

/** The tokens the parser reads: given (the language server's stretches), or lexed from a text as it reads. */
export class TokenStream {
  /** tokens from index `base` of the stream on */
  private buffer: IToken[];
  private base = 0;
  private lexing: boolean;
  private last: IToken | undefined;
  private all: IToken[] | undefined;
  readonly filter = new ListDepthFilter();

  private constructor(
    private readonly lexer: Lexer | undefined,
    tokens: IToken[],
    /** what to answer past the last token */
    private readonly end: IToken,
    private readonly window: Window,
  ) {
    this.buffer = tokens;
    this.lexing = lexer !== undefined;
    this.last = tokens[tokens.length - 1];
  }

  static of(tokens: IToken[], end: IToken): TokenStream {
    return new TokenStream(undefined, tokens, end, WINDOW);
  }

  static lexing(text: string, end: IToken, window = WINDOW): TokenStream {
    return new TokenStream(new Lexer(text), [], end, window);
  }

  /** The token at `index`, or the end past the last one; `place` is the parser's, whose earlier tokens may go. */
  at(index: number, place: number): IToken {
    const k = index - this.base;
    if (k < this.buffer.length) return this.buffer[k]!;
    return this.more(index, place);
  }

  /** The comments, errors and bad strings the lexer found (all of them once `finish` has run). */
  get lexed(): Lexer | undefined {
    return this.lexer;
  }

  /** The last token, once the stream is finished. */
  get lastToken(): IToken | undefined {
    return this.last;
  }

  /** The number of tokens, once every one is lexed (the rest of the text is lexed now, and let go). */
  finish(): number {
    while (this.lexing) this.lexChunk(this.base + this.buffer.length - this.window.behind);
    return this.base + this.buffer.length;
  }

  /** Every token of the stream, from the first (lexed again if they are gone: only a syntax error's message asks). */
  tokens(): IToken[] {
    if (this.lexer === undefined) return this.buffer;
    if (this.all === undefined) {
      const lexed = lex(this.lexer.text);
      this.all = lexed.tokens;
      if (lexed.deepestList > MAX_LIST_DEPTH) new ListDepthFilter().keep(this.all, 0, 0);
    }
    return this.all;
  }

  private more(index: number, place: number): IToken {
    while (this.lexing && index - this.base >= this.buffer.length) this.lexChunk(place - this.window.behind);
    const k = index - this.base;
    return k < this.buffer.length ? this.buffer[k]! : this.end;
  }

  /** Lexes some more tokens, first letting go of those before `keepFrom` when there are many. */
  private lexChunk(keepFrom: number): void {
    const lexer = this.lexer!;
    const { chunk } = this.window;
    if (keepFrom - this.base > 4 * chunk) {
      this.buffer = this.buffer.slice(keepFrom - this.base);
      this.base = keepFrom;
    }
    const from = this.buffer.length;
    const depth = lexer.listDepth;
    this.lexing = lexer.lexSome(this.buffer, chunk);
    if (lexer.deepestList > MAX_LIST_DEPTH) this.filter.keep(this.buffer, from, depth);
    if (this.buffer.length > from) this.last = this.buffer[this.buffer.length - 1];
  }
}
