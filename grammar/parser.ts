// The grammar of section 3 of the language contract, as one Chevrotain parser reused for every
// parse. It is an EmbeddedActionsParser: each rule ends with one call into the AstBuilder, because
// building a CST took five times as long as recognising the grammar without one (51 ms against 10
// on 150,000 tokens), before any visitor ran. Rules hold grammar only; what a rule's tokens mean is
// the builder's business.
//
// Error recovery is on: a parse reports every syntax error it can and returns the declarations it
// could read. Error messages come from `FlowErrorMessages` below, in words a person understands.
import {
  Alternation,
  EmbeddedActionsParser,
  EOF,
  LLkLookaheadStrategy,
  NonTerminal,
  NotAllInputParsedException,
  Terminal,
  tokenMatcher,
  type IProduction,
  type IOrAlt,
  type IParserErrorMessageProvider,
  type IRecognitionException,
  type IToken,
  type OrMethodOpts,
  type TokenType,
} from "chevrotain";
import type * as A from "../syntax/ast";
import type { LineMap } from "../syntax/lines";
import { AstBuilder, DISCARD, isReal, type ElseAction, type InputFlag, type TopLevel } from "./ast-builder";
import * as T from "./tokens";
import { TokenStream, type Window } from "./token-stream";

type Maybe<V> = V | undefined;

// ---- error messages -----------------------------------------------------------------------

/** What each block rule is called in messages, and what it may hold. */
const BLOCKS: Record<string, { name: string; holds?: string }> = {
  flowDecl: { name: "flow", holds: "a declaration (input, model, op, node, gate, review, select, budget, output)" },
  modelDecl: { name: "model", holds: "a model property (rate, overhead, family)" },
  opDecl: { name: "op", holds: "an op property (metric, batchable, schema)" },
  nodeBlock: {
    name: "node",
    holds: "a node property (model, resolution, duration, variants, cost, cache, retry, batch, expect fail, timeout, concurrency, param)",
  },
  gateBlock: { name: "gate", holds: "a gate property (expect pass, else)" },
  reviewBlock: { name: "review", holds: "a review property (expect approve, else, timeout)" },
  selectBlock: { name: "select" },
  budgetDecl: { name: "budget", holds: "a budget property (cap, alert, strict)" },
};

/** Tokens that begin a declaration or a top-level item: finding one where '}' belongs means a block was left open. */
const BLOCK_ENDERS: ReadonlySet<TokenType> = new Set([
  T.Import,
  T.Flow,
  T.Input,
  T.Model,
  T.Op,
  T.NodeKw,
  T.Gate,
  T.Review,
  T.Select,
  T.Budget,
  T.Output,
]);

const TOP_LEVEL = "'import', 'model', 'op' or 'flow'";

/** The repetitions that recover from stray tokens with `skipStray`, and the rule each repeats. */
const LOOPS = {
  file: "topLevel",
  flowDecl: "decl",
  modelDecl: "modelProp",
  opDecl: "opProp",
  nodeBlock: "nodeProp",
  gateBlock: "gateProp",
  reviewBlock: "reviewProp",
  budgetDecl: "budgetProp",
} as const;
type Loop = keyof typeof LOOPS;

/** The tokens of the parse in progress, so that a message can say where a block was opened. */
interface MessageContext {
  stream: TokenStream;
  lines: LineMap;
}

function isEnd(token: IToken): boolean {
  return token.tokenType === EOF;
}

/** A token as quoted in a message: `'ttl'`, or `the end of the file`. */
function quote(token: IToken): string {
  if (isEnd(token)) return "the end of the file";
  const image = token.image.length > 24 ? `${token.image.slice(0, 20)}…` : token.image;
  return `'${image.replace(/[\r\n]+/g, " ")}'`;
}

function after(previous: IToken | undefined): string {
  return previous === undefined || isEnd(previous) || !isReal(previous) ? "" : ` after ${quote(previous)}`;
}

function found(actual: IToken): string {
  return isEnd(actual) ? " but the file ends here" : ` but found ${quote(actual)}`;
}

function label(tokenType: TokenType): string {
  return tokenType.LABEL ?? tokenType.name;
}

function joinChoices(choices: string[]): string {
  const unique = [...new Set(choices)];
  if (unique.length <= 1) return unique[0] ?? "something else";
  return `${unique.slice(0, -1).join(", ")} or ${unique[unique.length - 1]}`;
}

/** Chevrotain's error hooks, worded for people: what was expected, after what, and what was found. */
export class FlowErrorMessages implements IParserErrorMessageProvider {
  context: MessageContext | undefined;

  buildMismatchTokenMessage(options: { expected: TokenType; actual: IToken; previous: IToken; ruleName: string }): string {
    const { expected, actual, previous, ruleName } = options;
    if (expected === T.RCurly && BLOCKS[ruleName] !== undefined) return this.blockMessage(ruleName, actual);
    if (expected === EOF) return this.topLevelMessage(actual);
    return `expected ${label(expected)}${after(previous)}${found(actual)}`;
  }

  buildNotAllInputParsedMessage(options: { firstRedundant: IToken; ruleName: string }): string {
    return this.topLevelMessage(options.firstRedundant);
  }

  buildNoViableAltMessage(options: {
    expectedPathsPerAlt: TokenType[][][];
    actual: IToken[];
    previous: IToken;
    customUserDescription?: string;
    ruleName: string;
  }): string {
    const firsts = options.expectedPathsPerAlt.flatMap((paths) => paths.map((path) => label(path[0])));
    const expected = options.customUserDescription ?? joinChoices(firsts);
    return `expected ${expected}${after(options.previous)}${found(options.actual[0])}`;
  }

  buildEarlyExitMessage(options: {
    expectedIterationPaths: TokenType[][];
    actual: IToken[];
    previous: IToken;
    customUserDescription?: string;
    ruleName: string;
  }): string {
    const expected = options.customUserDescription ?? joinChoices(options.expectedIterationPaths.map((path) => label(path[0])));
    return `expected ${expected}${after(options.previous)}${found(options.actual[0])}`;
  }

  /** `}` expected: either the block was left open, or something that does not belong in it is there. */
  private blockMessage(ruleName: string, actual: IToken): string {
    const block = BLOCKS[ruleName];
    if (block.holds !== undefined && !isEnd(actual) && !BLOCK_ENDERS.has(actual.tokenType)) return this.stray(ruleName as Loop, actual);
    const opened = this.openingLine(ruleName, actual);
    const where = opened === undefined ? "" : ` opened at line ${opened}`;
    return `expected '}' to close the ${block.name} block${where}${found(actual)}`;
  }

  /** Tokens in a repetition that begin none of its items. */
  stray(loop: Loop, actual: IToken): string {
    if (loop === "file") return this.topLevelMessage(actual);
    const orEnd = loop === "flowDecl" ? "" : " or '}'";
    return `expected ${BLOCKS[loop].holds}${orEnd}${found(actual)}`;
  }

  private topLevelMessage(actual: IToken): string {
    const hint = BLOCK_ENDERS.has(actual.tokenType) ? `; ${quote(actual)} declarations belong inside the flow block` : "";
    return `expected ${TOP_LEVEL}${found(actual)}${hint}`;
  }

  /**
   * Line of the '{' that opened the block. Only the flow block holds other blocks, and error
   * recovery may have closed those with '}'s that are not in the text: so a flow block is found by
   * its `flow NAME {`, any other block by the nearest '{' before the error.
   */
  private openingLine(ruleName: string, actual: IToken): number | undefined {
    const context = this.context;
    if (context === undefined) return undefined;
    const tokens = context.stream.tokens();
    for (let i = indexOfToken(tokens, actual) - 1; i >= 0; i--) {
      const type = tokens[i].tokenType;
      if (ruleName !== "flowDecl" && type === T.LCurly) return context.lines.line(tokens[i].startOffset);
      if (type === T.Flow && tokens[i + 2]?.tokenType === T.LCurly) return context.lines.line(tokens[i + 2].startOffset);
    }
    return undefined;
  }
}

/** The `{ … }` nesting after `token`, for searches that step over whole blocks. */
function braceDepth(depth: number, token: IToken): number {
  if (token.tokenType === T.LCurly) return depth + 1;
  if (token.tokenType === T.RCurly && depth > 0) return depth - 1;
  return depth;
}

/** Index of `token` in `tokens` (sorted by offset); the length for the end of the file. */
function indexOfToken(tokens: IToken[], token: IToken): number {
  if (isEnd(token) || !isReal(token)) return tokens.length;
  let low = 0;
  let high = tokens.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (tokens[mid].startOffset < token.startOffset) low = mid + 1;
    else high = mid;
  }
  return low;
}

// ---- the grammar --------------------------------------------------------------------------

const messages = new FlowErrorMessages();
const EMPTY_BUILDER = new AstBuilder("");

/** Chevrotain's recovery internals that FlowParser adjusts (see the constructor). */
interface RecoveryInternals {
  canRecoverWithSingleTokenInsertion(expected: TokenType, follows: TokenType[]): boolean;
  attemptInRepetitionRecovery(...args: unknown[]): void;
  flattenFollowSet(): TokenType[];
  getCurrentGrammarPath(tokenType: TokenType, indexInRule: number): GrammarPath;
  getTokenToInsert(tokenType: TokenType): IToken;
  canRecoverWithSingleTokenDeletion(tokenType: TokenType): boolean;
  isBackTracking(): boolean;
  getCurrRuleFullName(): string;
  getNextPossibleTokenTypes(path: GrammarPath): TokenType[];
  getFollowSetFromFollowKey(key: unknown): TokenType[];
}
/** Chevrotain's switch of error recovery, and the follow sets its self-analysis works out for it. */
interface ResyncFollows {
  recoveryEnabled: boolean;
  resyncFollows: Record<string, TokenType[]>;
}
/** The rule stacks Chevrotain gives each error; nothing here reads them (see `SAVE_ERROR`). */
const NO_CONTEXT = { ruleStack: [], ruleOccurrenceStack: [] };

/** A place in the grammar: a path of (rule, occurrence) steps, with the follow sets found there. */
interface Place {
  next: Map<number, Place>;
  follows: Map<number, TokenType[]>;
}

/** Chevrotain's stacks of the rules being parsed (short rule names) and of where each was called. */
interface RuleStacks {
  RULE_STACK: number[];
  RULE_STACK_IDX: number;
  RULE_OCCURRENCE_STACK: number[];
}
interface GrammarPath {
  ruleStack: string[];
  occurrenceStack: number[];
}
const baseRecovery = EmbeddedActionsParser.prototype as unknown as RecoveryInternals;
const baseLA = (EmbeddedActionsParser.prototype as unknown as { LA(howMuch: number): IToken }).LA;

/** Chevrotain's place in the tokens: the index of the last token consumed. */
interface Cursor {
  currIdx: number;
}

/** The tokens that may begin `production`, as far as the grammar's own shapes need. */
function firstTokens(production: IProduction, into: Set<TokenType>): void {
  if (production instanceof Terminal) {
    into.add(production.terminalType);
  } else if (production instanceof NonTerminal) {
    firstTokens(production.referencedRule, into);
  } else if (production instanceof Alternation) {
    for (const alternative of production.definition) firstTokens(alternative, into);
  } else if ("definition" in production && Array.isArray(production.definition) && production.definition.length > 0) {
    firstTokens(production.definition[0] as IProduction, into);
  }
}

type LookaheadStrategy = InstanceType<typeof LLkLookaheadStrategy>;
type AlternationOptions = Parameters<LookaheadStrategy["buildLookaheadForAlternation"]>[0];
type OptionalOptions = Parameters<LookaheadStrategy["buildLookaheadForOptional"]>[0];

/**
 * Chevrotain's LL(k) lookahead, each decision worked out the first time the parser meets it
 * rather than all of them when the parser is built: a check of a small file meets a few of the
 * grammar's choices, and working them all out took a third of the parser's construction, which
 * every `flowc check` pays.
 */
class LookaheadOnDemand extends LLkLookaheadStrategy {
  override buildLookaheadForAlternation(options: AlternationOptions): (alternatives?: IOrAlt<unknown>[]) => number | undefined {
    let decide: ((alternatives?: IOrAlt<unknown>[]) => number | undefined) | undefined;
    const build = () => super.buildLookaheadForAlternation(options);
    return function (this: unknown, alternatives) {
      decide ??= build();
      return decide.call(this, alternatives);
    };
  }

  override buildLookaheadForOptional(options: OptionalOptions): () => boolean {
    let decide: (() => boolean) | undefined;
    const build = () => super.buildLookaheadForOptional(options);
    return function (this: unknown) {
      decide ??= build();
      return decide.call(this);
    };
  }
}

export class FlowParser extends EmbeddedActionsParser {
  /** The builder of the parse in progress (set by `parseTokens`). */
  private b = EMPTY_BUILDER;
  /** What may begin an item of each repetition, and what ends it (known after self-analysis). */
  private loops: Record<Loop, LoopTokens> | undefined;
  /** The '{' of the flow being parsed, and whether it is left open (worked out when needed). */
  private flowOpen: IToken | undefined;
  private flowOpenUnmatched: boolean | undefined;
  /** What may follow, by place in the grammar (see `getFollowsForInRuleRecovery`). */
  private readonly places: Place = { next: new Map(), follows: new Map() };
  /** Whether Chevrotain's follow sets for re-syncing are worked out (see `analyse`). */
  private resyncFollowsReady: boolean;
  // Rules build their AST piece only after Chevrotain's recording phase (when rules run once with
  // placeholder tokens to learn the grammar): this is what `ACTION` does, without allocating a
  // closure per rule call. For the same reason the alternatives of a choice are built once, as
  // fields, rather than on every call (the performance guide of Chevrotain recommends both).
  private building = false;
  /** What Chevrotain reads past the last token (its own end-of-file token). */
  private readonly end: IToken = baseLA.call(this, -2);
  /** The tokens of the parse in progress; none between parses. */
  private readonly noTokens = TokenStream.of([], this.end);
  private stream = this.noTokens;

  constructor(followsNow = false) {
    super(T.ALL_TOKENS, {
      recoveryEnabled: true,
      maxLookahead: 2,
      lookaheadStrategy: new LookaheadOnDemand({ maxLookahead: 2 }),
      errorMessageProvider: messages,
      skipValidations: T.SKIP_DEFINITION_CHECKS,
    });
    // Chevrotain re-syncs a repetition that meets a stray token by searching ahead for a token
    // that may follow the enclosing rules, then re-enters the repetition recursively: the search
    // runs to the end of the block (or file) for every error, and the recursion is one level
    // deeper per error, so a block with thousands of stray words took seconds and then overflowed
    // the stack. `skipStray` recovers instead, in one forward pass; elsewhere a stray token ends
    // the repetition and the enclosing rule re-syncs.
    (this as unknown as RecoveryInternals).attemptInRepetitionRecovery = () => {};
    this.resyncFollowsReady = followsNow;
    this.analyse();
    this.loops = loopTokens(this.getGAstProductions());
    this.building = true;
  }

  /**
   * Chevrotain's self-analysis, without the follow sets that re-syncing after an error reads unless
   * `followsNow`: they were half its cost, which every `flowc check` pays, and only a syntax error
   * needs them (`getFollowSetFromFollowKey` borrows them from a parser built with them then).
   */
  private analyse(): void {
    const recovery = this as unknown as ResyncFollows;
    if (this.resyncFollowsReady) return this.performSelfAnalysis();
    recovery.recoveryEnabled = false;
    try {
      this.performSelfAnalysis();
    } finally {
      recovery.recoveryEnabled = true;
    }
  }

  getFollowSetFromFollowKey(key: unknown): TokenType[] {
    if (!this.resyncFollowsReady) {
      (this as unknown as ResyncFollows).resyncFollows = (new FlowParser(true) as unknown as ResyncFollows).resyncFollows;
      this.resyncFollowsReady = true;
    }
    return baseRecovery.getFollowSetFromFollowKey.call(this, key);
  }

  /** The tokens of `text`, lexed as the parser reads them (`window`: for tests). */
  streamOf(text: string, window?: Window): TokenStream {
    return TokenStream.lexing(text, this.end, window);
  }

  /** Parse tokens (of `lex`, or a stream of `streamOf`). Diagnostics of the builder go to `builder.diagnostics`. */
  parseTokens(tokens: IToken[] | TokenStream, builder: AstBuilder): { file: A.FlowFile; errors: IRecognitionException[] } {
    const stream = Array.isArray(tokens) ? TokenStream.of(tokens, this.end) : tokens;
    this.b = builder;
    messages.context = { stream, lines: builder.lines };
    this.flowOpen = undefined;
    // Chevrotain reports each syntax error by throwing an Error, whose stack trace nobody reads:
    // capturing it took a fifth of the time of a parse with 200,000 errors.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      this.input = []; // resets Chevrotain's state for a new parse; the tokens come from the stream
      this.stream = stream;
      const file = this.file() ?? builder.file([]);
      return { file, errors: this.errors };
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
      // The parser outlives the parse: let go of its text and tokens.
      messages.context = undefined;
      this.b = EMPTY_BUILDER;
      this.stream = this.noTokens;
      this.flowOpen = undefined;
    }
  }

  // Chevrotain reads its tokens from an array through these; they read the stream instead. The
  // stream answers the end past the last token, so the end tokens Chevrotain pads its array with
  // before a parse (`onBeforeParse`) are not needed.
  protected override LA_FAST(howMuch: number): IToken {
    const place = (this as unknown as Cursor).currIdx;
    return this.stream.at(place + howMuch, place);
  }

  protected override LA(howMuch: number): IToken {
    const place = (this as unknown as Cursor).currIdx;
    return place + howMuch < 0 ? this.end : this.stream.at(place + howMuch, place);
  }

  /** Skips the next token and returns the one after it (the end, at the end). */
  protected override SKIP_TOKEN(): IToken {
    if (this.LA(1) === this.end) return this.end;
    (this as unknown as Cursor).currIdx++;
    return this.LA(1);
  }

  moveToTerminatedState(): void {
    (this as unknown as Cursor).currIdx = this.stream.finish() - 1;
  }

  onBeforeParse(): void {}

  /** Chevrotain's check that the whole input was parsed, without its padding to undo. */
  onAfterParse(): void {
    const next = this.LA(1);
    if (next.tokenType === EOF) return;
    const message = messages.buildNotAllInputParsedMessage({ firstRedundant: next, ruleName: baseRecovery.getCurrRuleFullName.call(this) });
    this.SAVE_ERROR(new NotAllInputParsedException(message, next));
  }

  // Chevrotain works out the tokens that may follow a mismatched token, and those that may follow
  // the rules being parsed, by walking the grammar at every syntax error (more than half the time
  // of a parse with 300,000 errors). Both depend only on where in the grammar the error is:
  // worked out once per place.
  getFollowsForInRuleRecovery(tokenType: TokenType, indexInRule: number): TokenType[] {
    const key = (tokenType.tokenTypeIdx as number) * 256 + indexInRule;
    return this.followsOnce(key, () =>
      baseRecovery.getNextPossibleTokenTypes.call(this, baseRecovery.getCurrentGrammarPath.call(this, tokenType, indexInRule)),
    );
  }

  flattenFollowSet(): TokenType[] {
    return this.followsOnce(-1, () => baseRecovery.flattenFollowSet.call(this));
  }

  /** The follows `key` names at the current place in the grammar, worked out by `work` the first time. */
  private followsOnce(key: number, work: () => TokenType[]): TokenType[] {
    const { follows } = this.place();
    let found = follows.get(key);
    if (found === undefined) {
      found = work();
      follows.set(key, found);
    }
    return found;
  }

  /** The rules being parsed, each with where it was called from, as a path in `places`. */
  private place(): Place {
    const stacks = this as unknown as RuleStacks;
    let place = this.places;
    for (let i = 0; i <= stacks.RULE_STACK_IDX; i++) {
      // a rule's short name has its low 12 bits clear; an occurrence index fits in 8
      const step = stacks.RULE_STACK[i]! + stacks.RULE_OCCURRENCE_STACK[i]!;
      let next = place.next.get(step);
      if (next === undefined) {
        next = { next: new Map(), follows: new Map() };
        place.next.set(step, next);
      }
      place = next;
    }
    return place;
  }

  // Chevrotain reports a mismatched token by throwing a MismatchedTokenException, an Error whose
  // constructor resets its prototype and captures a stack trace: a fifth of the cost of a syntax
  // error. Recovery reads only its name, message and tokens, which a plain object carries.
  consumeInternalError(expected: TokenType, actual: IToken, options?: { ERR_MSG?: string }): never {
    const previous = this.LA(0);
    const ruleName = baseRecovery.getCurrRuleFullName.call(this);
    const message = options?.ERR_MSG ?? messages.buildMismatchTokenMessage({ expected, actual, previous, ruleName });
    const error = { name: "MismatchedTokenException", message, token: actual, previousToken: previous, resyncedTokens: [], context: NO_CONTEXT };
    throw this.SAVE_ERROR(error);
  }

  // Chevrotain's recovery inside a rule (insert the missing token, or delete a stray one), with the
  // same decisions, but without signalling "neither" by throwing and catching a second exception:
  // each exception is a fifth of the cost of a syntax error.
  consumeInternalRecovery(tokenType: TokenType, indexInRule: number, error: Error): IToken {
    if (error.name !== "MismatchedTokenException" || baseRecovery.isBackTracking.call(this)) throw error;
    const follows = this.getFollowsForInRuleRecovery(tokenType, indexInRule);
    if (this.canRecoverWithSingleTokenInsertion(tokenType, follows)) return baseRecovery.getTokenToInsert.call(this, tokenType);
    if (!baseRecovery.canRecoverWithSingleTokenDeletion.call(this, tokenType)) throw error;
    const skipped = this.SKIP_TOKEN();
    (this as unknown as { consumeToken(): void }).consumeToken();
    return skipped;
  }

  // Chevrotain inserts a missing token only when the token found may follow it. A '}' missing at
  // the end of the file is the commonest slip of all: insert it there too, so that the blocks it
  // leaves open keep their declarations.
  canRecoverWithSingleTokenInsertion(expected: TokenType, follows: TokenType[]): boolean {
    if (expected === T.RCurly && this.LA(1).tokenType === EOF) return true;
    return baseRecovery.canRecoverWithSingleTokenInsertion.call(this, expected, follows);
  }

  /**
   * A '}' where the flow could end, but with a declaration that only a flow holds after it (past
   * any models and ops): it closes a block that was never opened, or is one too many, and ending
   * the flow there would lose the rest.
   */
  private closesNothing(token: IToken, flowStarts: ReadonlySet<TokenType>): boolean {
    if (token.tokenType !== T.RCurly) return false;
    let depth = 0;
    for (let k = 2; ; k++) {
      const type = this.LA(k).tokenType;
      if (depth === 0 && flowStarts.has(type) && type !== T.Model && type !== T.Op) return true;
      if (type === EOF || (depth === 0 && (type === T.Flow || type === T.Import))) return false;
      depth = braceDepth(depth, this.LA(k));
    }
  }

  /**
   * Whether the '{' that opened the flow has no '}' to match it: then a stray '{' among the
   * declarations is one too many, and skipping the group it opens would take the flow's '}'.
   */
  private flowLeftOpen(): boolean {
    if (this.flowOpen === undefined || !isReal(this.flowOpen)) return false;
    if (this.flowOpenUnmatched === undefined) {
      const tokens = this.stream.tokens();
      let depth = 0;
      this.flowOpenUnmatched = true;
      for (let i = indexOfToken(tokens, this.flowOpen) + 1; i < tokens.length; i++) {
        if (tokens[i].tokenType === T.RCurly && depth === 0) {
          this.flowOpenUnmatched = false;
          break;
        }
        depth = braceDepth(depth, tokens[i]);
      }
    }
    return this.flowOpenUnmatched;
  }

  // After an error in a rule, Chevrotain looks ahead for a token that may follow one of the rules
  // being parsed and skips to it. Its search would stop at the `model` inside the next node's
  // block and read it as a model declaration; these two step over every { … } group they open.
  findReSyncTokenType(): TokenType {
    const follows = this.flattenFollowSet();
    let depth = 0;
    for (let k = 1; ; k++) {
      const token = this.LA(k);
      if (depth === 0 || token.tokenType === EOF) {
        const match = follows.find((type) => tokenMatcher(token, type));
        if (match !== undefined) return match;
        if (token.tokenType === EOF) return EOF;
      }
      depth = braceDepth(depth, token);
    }
  }

  // Chevrotain keeps the tokens it skips on the error; nothing here reads them.
  reSyncTo(tokenType: TokenType): IToken[] {
    let depth = 0;
    for (let token = this.LA(1); token.tokenType !== EOF && !(depth === 0 && tokenMatcher(token, tokenType)); token = this.SKIP_TOKEN()) {
      depth = braceDepth(depth, token);
    }
    return [];
  }

  // Chevrotain also gives each error it keeps two arrays of the rules being parsed, which no
  // message here needs (50 MB on a file of 300,000 errors).
  SAVE_ERROR(error: IRecognitionException): IRecognitionException {
    (this as unknown as { _errors: IRecognitionException[] })._errors.push(error);
    return error;
  }


  /**
   * After a repetition stops at a token that can neither begin one of its items nor end it: skip
   * to one that can, stepping over any `{ … }` group at the top level and in the flow, and report
   * the skipped stretch once.
   * Returns whether it skipped anything (then the repetition goes on).
   */
  private skipStray(loop: Loop): boolean {
    if (this.loops === undefined) return false; // the recording phase
    const { starts, ends } = this.loops[loop];
    const first = this.LA(1);
    const inFlow = loop === "flowDecl";
    if (inFlow && this.closesNothing(first, starts)) {
      this.b.syntaxError("this '}' closes no block: the declarations after it belong to the flow", first);
      this.SKIP_TOKEN();
      return true;
    }
    if (first.tokenType === EOF || starts.has(first.tokenType) || ends.has(first.tokenType)) return false;
    this.b.syntaxError(messages.stray(loop, first), first);
    // Blocks hold no braces: one there is one too many. Between declarations a '{' opens what a
    // misspelt declaration would have held, unless the flow's own '{' is the one too many.
    const loneBraces = inFlow ? this.flowLeftOpen() : loop !== "file";
    let depth = 0;
    for (let token = first; token.tokenType !== EOF; token = this.SKIP_TOKEN()) {
      if (depth === 0 && (starts.has(token.tokenType) || ends.has(token.tokenType))) break;
      if (!loneBraces) depth = braceDepth(depth, token);
    }
    return true;
  }

  // ---- file and flow ------------------------------------------------------------------------

  private readonly file = this.RULE("file", () => {
    const items: Maybe<TopLevel>[] = [];
    do {
      this.MANY(() => items.push(this.SUBRULE(this.topLevel)));
    } while (this.skipStray("file"));
    return this.building ? this.b.file(items) : undefined;
  });

  private readonly topLevelChoices: IOrAlt<Maybe<TopLevel>>[] = [
    { ALT: () => this.SUBRULE(this.importDecl) },
    { ALT: () => this.SUBRULE(this.modelDecl) },
    { ALT: () => this.SUBRULE(this.opDecl) },
    { ALT: () => this.SUBRULE(this.flowDecl) },
  ];
  private readonly topLevel = this.RULE("topLevel", () => this.OR(this.topLevelChoices));

  private readonly importDecl = this.RULE("importDecl", () => {
    const keyword = this.CONSUME(T.Import);
    const path = this.CONSUME(T.StringLiteral);
    return this.building ? this.b.importDecl(keyword, path, this.LA(0)) : undefined;
  });

  private readonly flowDecl = this.RULE("flowDecl", () => {
    const keyword = this.CONSUME(T.Flow);
    const name = this.CONSUME(T.Identifier);
    this.flowOpen = this.CONSUME(T.LCurly);
    this.flowOpenUnmatched = undefined;
    const decls: Maybe<A.Decl>[] = [];
    do {
      this.MANY(() => decls.push(this.SUBRULE(this.decl)));
    } while (this.skipStray("flowDecl"));
    this.CONSUME(T.RCurly);
    return this.building ? this.b.flowDecl(keyword, name, decls, this.LA(0)) : undefined;
  });

  private readonly declChoices: IOrAlt<Maybe<A.Decl>>[] = [
    { ALT: () => this.SUBRULE(this.inputDecl) },
    { ALT: () => this.SUBRULE(this.modelDecl) },
    { ALT: () => this.SUBRULE(this.opDecl) },
    { ALT: () => this.SUBRULE(this.nodeDecl) },
    { ALT: () => this.SUBRULE(this.gateDecl) },
    { ALT: () => this.SUBRULE(this.reviewDecl) },
    { ALT: () => this.SUBRULE(this.selectDecl) },
    { ALT: () => this.SUBRULE(this.budgetDecl) },
    { ALT: () => this.SUBRULE(this.outputDecl) },
  ];
  private readonly decl = this.RULE("decl", () => this.OR(this.declChoices));

  // ---- inputs -------------------------------------------------------------------------------

  private readonly inputDecl = this.RULE("inputDecl", () => {
    const keyword = this.CONSUME(T.Input);
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    const type = this.CONSUME(T.MediaTypeKw);
    let count: Maybe<A.CountSpec> | null = null;
    this.OPTION(() => {
      count = this.SUBRULE(this.countSpec);
    });
    const flags: Maybe<InputFlag>[] = [];
    this.MANY(() => flags.push(this.SUBRULE(this.inputFlag)));
    return this.building ? this.b.inputDecl(keyword, name, type, count, flags, this.LA(0)) : undefined;
  });

  private readonly countSpec = this.RULE("countSpec", () => {
    const open = this.CONSUME(T.LBracket);
    const first = this.CONSUME(T.IntegerLit);
    let second: Maybe<IToken> | null = null;
    this.OPTION(() => {
      this.CONSUME(T.DotDot);
      second = this.CONSUME2(T.IntegerLit);
    });
    this.CONSUME(T.RBracket);
    return this.building ? this.b.countSpec(open, first, second, this.LA(0)) : undefined;
  });

  private readonly inputFlagChoices: IOrAlt<Maybe<InputFlag>>[] = [
    { ALT: () => this.CONSUME(T.Stable) },
    { ALT: () => this.SUBRULE(this.inputExpect) },
  ];
  private readonly inputFlag = this.RULE("inputFlag", () => this.OR(this.inputFlagChoices));

  private readonly inputExpect = this.RULE("inputExpect", () => {
    this.CONSUME(T.Expect);
    const value = this.CONSUME(T.NumberLit);
    return this.building ? this.b.number(value) : undefined;
  });

  // ---- models -------------------------------------------------------------------------------

  private readonly modelDecl = this.RULE("modelDecl", () => {
    const keyword = this.CONSUME(T.Model);
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.LCurly);
    const props: Maybe<A.ModelProp>[] = [];
    do {
      this.MANY(() => props.push(this.SUBRULE(this.modelProp)));
    } while (this.skipStray("modelDecl"));
    this.CONSUME(T.RCurly);
    return this.building ? this.b.modelDecl(keyword, name, props, this.LA(0)) : undefined;
  });

  private readonly modelPropChoices: IOrAlt<Maybe<A.ModelProp>>[] = [
    { ALT: () => this.SUBRULE(this.rateProp) },
    { ALT: () => this.SUBRULE(this.overheadProp) },
    { ALT: () => this.SUBRULE(this.familyProp) },
  ];
  private readonly modelProp = this.RULE("modelProp", () => this.OR(this.modelPropChoices));

  private readonly rateProp = this.RULE("rateProp", () => {
    const keyword = this.CONSUME(T.Rate);
    const amount = this.CONSUME(T.NumberLit);
    this.CONSUME(T.Credits);
    const units: IToken[] = [];
    this.AT_LEAST_ONE({
      DEF: () => {
        this.CONSUME(T.Per);
        units.push(this.CONSUME(T.UnitKw));
      },
      ERR_MSG: "'per' and a unit (megapixel, second, item)",
    });
    return this.building ? this.b.rateProp(keyword, amount, units, this.LA(0)) : undefined;
  });

  private readonly overheadProp = this.RULE("overheadProp", () => {
    const keyword = this.CONSUME(T.Overhead);
    const amount = this.CONSUME(T.NumberLit);
    this.CONSUME(T.Credits);
    this.CONSUME(T.Per);
    this.CONSUME(T.Call);
    return this.building ? this.b.overheadProp(keyword, amount, this.LA(0)) : undefined;
  });

  private readonly familyProp = this.RULE("familyProp", () => {
    const keyword = this.CONSUME(T.Family);
    const family = this.CONSUME(T.Identifier);
    return this.building ? this.b.familyProp(keyword, family, this.LA(0)) : undefined;
  });

  // ---- ops ----------------------------------------------------------------------------------

  private readonly opDecl = this.RULE("opDecl", () => {
    const keyword = this.CONSUME(T.Op);
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.LCurly);
    const props: Maybe<A.OpProp>[] = [];
    do {
      this.MANY(() => props.push(this.SUBRULE(this.opProp)));
    } while (this.skipStray("opDecl"));
    this.CONSUME(T.RCurly);
    return this.building ? this.b.opDecl(keyword, name, props, this.LA(0)) : undefined;
  });

  private readonly opPropChoices: IOrAlt<Maybe<A.OpProp>>[] = [
    { ALT: () => this.SUBRULE(this.metricProp) },
    { ALT: () => this.SUBRULE(this.batchableProp) },
    { ALT: () => this.SUBRULE(this.schemaProp) },
  ];
  private readonly opProp = this.RULE("opProp", () => this.OR(this.opPropChoices));

  private readonly metricProp = this.RULE("metricProp", () => {
    const keyword = this.CONSUME(T.Metric);
    const name = this.CONSUME(T.Identifier);
    const min = this.CONSUME(T.NumberLit);
    this.CONSUME(T.DotDot);
    const max = this.CONSUME2(T.NumberLit);
    return this.building ? this.b.metricProp(keyword, name, min, max, this.LA(0)) : undefined;
  });

  private readonly batchableProp = this.RULE("batchableProp", () => {
    const keyword = this.CONSUME(T.Batchable);
    return this.building ? this.b.batchableProp(keyword) : undefined;
  });

  private readonly schemaProp = this.RULE("schemaProp", () => {
    const keyword = this.CONSUME(T.Schema);
    const schema = this.CONSUME(T.StringLiteral);
    return this.building ? this.b.schemaProp(keyword, schema, this.LA(0)) : undefined;
  });

  // ---- nodes --------------------------------------------------------------------------------

  private readonly nodeDecl = this.RULE("nodeDecl", () => {
    const keyword = this.CONSUME(T.NodeKw);
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    const op = this.CONSUME2(T.Identifier);
    this.CONSUME(T.LParen);
    const args: Maybe<A.Arg>[] = [];
    this.MANY_SEP({ SEP: T.Comma, DEF: () => args.push(this.SUBRULE(this.arg)) });
    this.CONSUME(T.RParen);
    const props = this.OPTION(this.nodeBlockIfAny);
    return this.building ? this.b.nodeDecl(keyword, name, op, args, props ?? [], this.LA(0)) : undefined;
  });

  // A positional argument is a reference and nothing else, so it has no rule of its own (a rule
  // call is most of what the parser does per argument). Recovery is the same without one: the
  // rule consumed no token itself, and nothing may follow it within `arg`, so it only passed
  // errors on to `arg`.
  private readonly argChoices: IOrAlt<Maybe<A.Arg>>[] = [
    { ALT: () => this.SUBRULE(this.namedArg) },
    { ALT: () => this.positionalArg(this.SUBRULE(this.ref)) },
  ];
  private readonly arg = this.RULE("arg", () => this.OR(this.argChoices));

  private readonly namedArg = this.RULE("namedArg", () => {
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    const ref = this.SUBRULE(this.ref);
    return this.building ? this.b.namedArg(name, ref) : undefined;
  });

  private positionalArg(ref: Maybe<A.Ref>): Maybe<A.Arg> {
    return this.building ? this.b.positionalArg(ref) : undefined;
  }

  private readonly ref = this.RULE("ref", () => {
    const name = this.CONSUME(T.Identifier);
    const rejected = this.OPTION(this.rejectedSuffix);
    return this.building ? this.b.ref(name, rejected ?? null, this.LA(0)) : undefined;
  });
  /** `.rejected`: the two tokens, or undefined. */
  private readonly rejectedSuffix = (): [IToken, IToken] => [this.CONSUME(T.Dot), this.CONSUME(T.Rejected)];

  private readonly nodeBlockIfAny = () => this.SUBRULE(this.nodeBlock);
  private readonly nodeBlock = this.RULE("nodeBlock", () => {
    this.CONSUME(T.LCurly);
    const props: Maybe<A.NodeProp>[] = [];
    do {
      this.MANY(() => props.push(this.SUBRULE(this.nodeProp)));
    } while (this.skipStray("nodeBlock"));
    this.CONSUME(T.RCurly);
    return props;
  });

  // A node's properties are parsed within `nodeProp`, not each by a rule of its own: rule calls
  // were most of the parser's work per property. Recovery is the same without them: each took a
  // whole alternative of `nodeProp`, so nothing followed it within `nodeProp`, and its errors went
  // on to `nodeProp`, which re-syncs. Within one rule Chevrotain tells two CONSUMEs of a token type
  // apart by their numbers: each number below is used once per token type in `nodeProp`.
  private readonly nodePropChoices: IOrAlt<Maybe<A.NodeProp>>[] = [
    { ALT: () => this.modelRef() },
    { ALT: () => this.resolutionProp() },
    { ALT: () => this.durationProp() },
    { ALT: () => this.variantsProp() },
    { ALT: () => this.costProp() },
    { ALT: () => this.cacheProp() },
    { ALT: () => this.retryProp() },
    { ALT: () => this.batchProp() },
    { ALT: () => this.expectFailProp() },
    { ALT: () => this.timeout() },
    { ALT: () => this.concurrencyProp() },
    { ALT: () => this.paramProp() },
  ];
  private readonly nodeProp = this.RULE("nodeProp", () => this.OR(this.nodePropChoices));

  private modelRef(): Maybe<A.NodeProp> {
    const keyword = this.CONSUME(T.Model);
    const model = this.CONSUME1(T.Identifier);
    return this.building ? this.b.modelRef(keyword, model, this.LA(0)) : undefined;
  }

  private resolutionProp(): Maybe<A.NodeProp> {
    const keyword = this.CONSUME(T.ResolutionKw);
    const value = this.CONSUME(T.ResolutionLit);
    return this.building ? this.b.resolutionProp(keyword, value, this.LA(0)) : undefined;
  }

  private durationProp(): Maybe<A.NodeProp> {
    const keyword = this.CONSUME(T.DurationKw);
    const value = this.CONSUME1(T.DurationLit);
    return this.building ? this.b.durationProp(keyword, value, this.LA(0)) : undefined;
  }

  private variantsProp(): Maybe<A.NodeProp> {
    const keyword = this.CONSUME(T.Variants);
    const value = this.CONSUME1(T.IntegerLit);
    return this.building ? this.b.countProp("variants", keyword, value, this.LA(0)) : undefined;
  }

  private costProp(): Maybe<A.NodeProp> {
    const keyword = this.CONSUME(T.Cost);
    const amount = this.CONSUME(T.NumberLit);
    this.CONSUME(T.Credits);
    const perCall = this.OPTION(this.perCall) === true;
    return this.building ? this.b.costProp(keyword, amount, perCall, this.LA(0)) : undefined;
  }
  private readonly perCall = (): boolean => {
    this.CONSUME(T.Per);
    this.CONSUME(T.Call);
    return true;
  };

  private readonly cacheChoices: OrMethodOpts<Maybe<IToken> | null> = {
    DEF: [
      {
        ALT: () => {
          this.CONSUME(T.Ttl);
          return this.CONSUME2(T.DurationLit);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Off);
          return null;
        },
      },
    ],
    ERR_MSG: "'ttl' and a duration such as 48h, or 'off',",
  };
  private cacheProp(): Maybe<A.NodeProp> {
    const keyword = this.CONSUME(T.Cache);
    const ttl = this.OR1(this.cacheChoices);
    return this.building ? this.b.cacheProp(keyword, ttl, this.LA(0)) : undefined;
  }

  private retryProp(): Maybe<A.NodeProp> {
    const keyword = this.CONSUME(T.Retry);
    const value = this.CONSUME2(T.IntegerLit);
    return this.building ? this.b.countProp("retry", keyword, value, this.LA(0)) : undefined;
  }

  private batchProp(): Maybe<A.NodeProp> {
    const keyword = this.CONSUME(T.Batch);
    const value = this.CONSUME3(T.IntegerLit);
    return this.building ? this.b.countProp("batch", keyword, value, this.LA(0)) : undefined;
  }

  private expectFailProp(): Maybe<A.NodeProp> {
    const keyword = this.CONSUME(T.Expect);
    this.CONSUME(T.Fail);
    const percent = this.CONSUME(T.PercentLit);
    return this.building ? this.b.expectFailProp(keyword, percent, this.LA(0)) : undefined;
  }

  /** `timeout D`, of a node (within `nodeProp`) and of a review (the rule `timeoutProp`). */
  private timeout(): Maybe<A.NodeProp & A.ReviewProp> {
    const keyword = this.CONSUME(T.Timeout);
    const value = this.CONSUME3(T.DurationLit);
    return this.building ? this.b.timeoutProp(keyword, value, this.LA(0)) : undefined;
  }
  private readonly timeoutProp = this.RULE("timeoutProp", () => this.timeout());

  private concurrencyProp(): Maybe<A.NodeProp> {
    const keyword = this.CONSUME(T.Concurrency);
    const value = this.CONSUME4(T.IntegerLit);
    return this.building ? this.b.countProp("concurrency", keyword, value, this.LA(0)) : undefined;
  }

  private paramProp(): Maybe<A.NodeProp> {
    const keyword = this.CONSUME(T.Param);
    const name = this.CONSUME2(T.Identifier);
    this.CONSUME(T.Equals);
    const value = this.SUBRULE(this.value);
    return this.building ? this.b.paramProp(keyword, name, value, this.LA(0)) : undefined;
  }

  private readonly valueChoices: OrMethodOpts<Maybe<A.Value>> = {
    DEF: [
      { ALT: () => this.literalValue(this.CONSUME(T.StringLiteral)) },
      { ALT: () => this.literalValue(this.CONSUME(T.NumberLit)) },
      { ALT: () => this.literalValue(this.CONSUME(T.True)) },
      { ALT: () => this.literalValue(this.CONSUME(T.False)) },
      { ALT: () => this.SUBRULE(this.listValue) },
    ],
    ERR_MSG: "a value (a string, a number, true, false or a list in [ ])",
  };
  private readonly value: (idx?: number) => Maybe<A.Value> = this.RULE("value", () => this.OR(this.valueChoices));

  private literalValue(token: IToken): Maybe<A.Value> {
    return this.building ? this.b.literalValue(token) : undefined;
  }

  private readonly listValue: (idx?: number) => Maybe<A.Value> = this.RULE("listValue", () => {
    const open = this.CONSUME(T.LBracket);
    const items: Maybe<A.Value>[] = [];
    this.MANY_SEP({ SEP: T.Comma, DEF: () => items.push(this.SUBRULE(this.value)) });
    this.CONSUME(T.RBracket);
    return this.building ? this.b.listValue(open, items, this.LA(0)) : undefined;
  });

  // ---- gates --------------------------------------------------------------------------------

  private readonly gateDecl = this.RULE("gateDecl", () => {
    const keyword = this.CONSUME(T.Gate);
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    const conds: Maybe<A.Cond>[] = [this.SUBRULE(this.cond)];
    this.MANY(() => {
      this.CONSUME(T.And);
      conds.push(this.SUBRULE2(this.cond));
    });
    const props = this.OPTION(this.gateBlockIfAny);
    return this.building ? this.b.gateDecl(keyword, name, conds, props ?? [], this.LA(0)) : undefined;
  });

  private readonly cond = this.RULE("cond", () => {
    const source = this.CONSUME(T.Identifier);
    this.CONSUME(T.Dot);
    const metric = this.CONSUME2(T.Identifier);
    const op = this.CONSUME(T.Comparison);
    const threshold = this.CONSUME(T.NumberLit);
    return this.building ? this.b.cond(source, metric, op, threshold, this.LA(0)) : undefined;
  });

  private readonly gateBlockIfAny = () => this.SUBRULE(this.gateBlock);
  private readonly gateBlock = this.RULE("gateBlock", () => {
    this.CONSUME(T.LCurly);
    const props: Maybe<A.GateProp>[] = [];
    do {
      this.MANY(() => props.push(this.SUBRULE(this.gateProp)));
    } while (this.skipStray("gateBlock"));
    this.CONSUME(T.RCurly);
    return props;
  });

  // `expect pass` is parsed within `gateProp`, as a node's properties are within `nodeProp`.
  private readonly gatePropChoices: IOrAlt<Maybe<A.GateProp>>[] = [
    { ALT: () => this.expectPassProp() },
    { ALT: () => this.SUBRULE(this.elseClause) },
  ];
  private readonly gateProp = this.RULE("gateProp", () => this.OR(this.gatePropChoices));

  private expectPassProp(): Maybe<A.GateProp> {
    const keyword = this.CONSUME(T.Expect);
    this.CONSUME(T.Pass);
    const percent = this.CONSUME(T.PercentLit);
    return this.building ? this.b.expectPassProp(keyword, percent, this.LA(0)) : undefined;
  }

  private readonly elseChoices: OrMethodOpts<Maybe<ElseAction>> = {
    DEF: [{ ALT: () => (this.CONSUME(T.Discard), DISCARD) }, { ALT: () => this.SUBRULE(this.retryAction) }],
    ERR_MSG: "'discard' or 'retry'",
  };
  private readonly elseClause = this.RULE("elseClause", () => {
    const keyword = this.CONSUME(T.Else);
    const action = this.OR(this.elseChoices);
    return this.building ? this.b.elseClause(keyword, action, this.LA(0)) : undefined;
  });

  private readonly retryAction = this.RULE("retryAction", () => {
    this.CONSUME(T.Retry);
    const target = this.CONSUME(T.Identifier);
    this.CONSUME(T.Up);
    this.CONSUME(T.To);
    const upTo = this.CONSUME(T.IntegerLit);
    const thenDiscard = this.OPTION(this.thenDiscard) === true;
    return this.building ? this.b.retryAction(target, upTo, thenDiscard) : undefined;
  });
  private readonly thenDiscard = (): boolean => {
    this.CONSUME(T.Then);
    this.CONSUME2(T.Discard);
    return true;
  };

  // ---- reviews and selects ------------------------------------------------------------------

  private readonly reviewDecl = this.RULE("reviewDecl", () => {
    const keyword = this.CONSUME(T.Review);
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    const source = this.SUBRULE(this.ref);
    this.CONSUME(T.By);
    this.CONSUME(T.Human);
    const props = this.OPTION(this.reviewBlockIfAny);
    return this.building ? this.b.reviewDecl(keyword, name, source, props ?? [], this.LA(0)) : undefined;
  });
  private readonly reviewBlockIfAny = () => this.SUBRULE(this.reviewBlock);

  private readonly reviewBlock = this.RULE("reviewBlock", () => {
    this.CONSUME(T.LCurly);
    const props: Maybe<A.ReviewProp>[] = [];
    do {
      this.MANY(() => props.push(this.SUBRULE(this.reviewProp)));
    } while (this.skipStray("reviewBlock"));
    this.CONSUME(T.RCurly);
    return props;
  });

  private readonly reviewPropChoices: IOrAlt<Maybe<A.ReviewProp>>[] = [
    { ALT: () => this.SUBRULE(this.expectApproveProp) },
    { ALT: () => this.SUBRULE(this.elseClause) },
    { ALT: () => this.SUBRULE(this.timeoutProp) },
  ];
  private readonly reviewProp = this.RULE("reviewProp", () => this.OR(this.reviewPropChoices));

  private readonly expectApproveProp = this.RULE("expectApproveProp", () => {
    const keyword = this.CONSUME(T.Expect);
    this.CONSUME(T.Approve);
    const percent = this.CONSUME(T.PercentLit);
    return this.building ? this.b.expectApproveProp(keyword, percent, this.LA(0)) : undefined;
  });

  private readonly selectDecl = this.RULE("selectDecl", () => {
    const keyword = this.CONSUME(T.Select);
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    const source = this.CONSUME2(T.Identifier);
    this.CONSUME(T.By);
    const by = this.SUBRULE(this.selectBy);
    const pick = this.OPTION(this.selectBlockIfAny);
    // `pick` is null when there is no block, undefined when the block was damaged.
    return this.building ? this.b.selectDecl(keyword, name, source, by, pick === undefined ? null : pick[0], this.LA(0)) : undefined;
  });
  private readonly selectBlockIfAny = (): [Maybe<A.NumberLit>] => [this.SUBRULE(this.selectBlock)];

  private readonly selectByChoices: IOrAlt<Maybe<A.SelectBy>>[] = [
    { ALT: () => this.byHuman(this.CONSUME(T.Human)) },
    { ALT: () => this.SUBRULE(this.byMetric) },
  ];
  private readonly selectBy = this.RULE("selectBy", () => this.OR(this.selectByChoices));

  private byHuman(keyword: IToken): Maybe<A.SelectBy> {
    return this.building ? this.b.byHuman(keyword) : undefined;
  }

  private readonly metricOrderChoices: IOrAlt<IToken>[] = [{ ALT: () => this.CONSUME(T.Highest) }, { ALT: () => this.CONSUME(T.Lowest) }];
  private readonly byMetric = this.RULE("byMetric", () => {
    const keyword = this.OR(this.metricOrderChoices);
    const metric = this.CONSUME(T.Identifier);
    return this.building ? this.b.byMetric(keyword, metric, this.LA(0)) : undefined;
  });

  private readonly selectBlock = this.RULE("selectBlock", () => {
    this.CONSUME(T.LCurly);
    this.CONSUME(T.Pick);
    const count = this.CONSUME(T.IntegerLit);
    this.CONSUME(T.RCurly);
    return this.building ? this.b.number(count) : undefined;
  });

  // ---- budget and output --------------------------------------------------------------------

  private readonly budgetDecl = this.RULE("budgetDecl", () => {
    const keyword = this.CONSUME(T.Budget);
    this.CONSUME(T.LCurly);
    const props: Maybe<A.BudgetProp>[] = [];
    do {
      this.MANY(() => props.push(this.SUBRULE(this.budgetProp)));
    } while (this.skipStray("budgetDecl"));
    this.CONSUME(T.RCurly);
    return this.building ? this.b.budgetDecl(keyword, props, this.LA(0)) : undefined;
  });

  private readonly budgetPropChoices: IOrAlt<Maybe<A.BudgetProp>>[] = [
    { ALT: () => this.SUBRULE(this.capProp) },
    { ALT: () => this.SUBRULE(this.alertProp) },
    { ALT: () => this.strictProp(this.CONSUME(T.Strict)) },
  ];
  private readonly budgetProp = this.RULE("budgetProp", () => this.OR(this.budgetPropChoices));

  private strictProp(keyword: IToken): Maybe<A.BudgetProp> {
    return this.building ? this.b.strictProp(keyword) : undefined;
  }

  private readonly capProp = this.RULE("capProp", () => {
    const keyword = this.CONSUME(T.Cap);
    const amount = this.CONSUME(T.NumberLit);
    this.CONSUME(T.Credits);
    return this.building ? this.b.capProp(keyword, amount, this.LA(0)) : undefined;
  });

  private readonly alertChoices: OrMethodOpts<IToken> = {
    DEF: [
      {
        ALT: () => {
          const amount = this.CONSUME(T.NumberLit);
          this.CONSUME(T.Credits);
          return amount;
        },
      },
      { ALT: () => this.CONSUME(T.PercentLit) },
    ],
    ERR_MSG: "an amount of credits or a percentage such as 75%",
  };
  private readonly alertProp = this.RULE("alertProp", () => {
    const keyword = this.CONSUME(T.Alert);
    const amount = this.OR(this.alertChoices);
    return this.building ? this.b.alertProp(keyword, amount, this.LA(0)) : undefined;
  });

  private readonly outputDecl = this.RULE("outputDecl", () => {
    const keyword = this.CONSUME(T.Output);
    const refs: Maybe<A.Ref>[] = [this.SUBRULE(this.ref)];
    this.MANY(() => {
      this.CONSUME(T.Comma);
      refs.push(this.SUBRULE2(this.ref));
    });
    return this.building ? this.b.outputDecl(keyword, refs, this.LA(0)) : undefined;
  });
}

interface LoopTokens {
  starts: ReadonlySet<TokenType>;
  ends: ReadonlySet<TokenType>;
}

/**
 * From the grammar: the tokens that begin an item of each repetition, and those that end it. The
 * top level ends nowhere; the flow ends at '}' (or a second `flow` or an `import`); a block ends
 * at '}' or at a token that begins a declaration but none of its properties (the block was left
 * open).
 */
function loopTokens(productions: Record<string, IProduction>): Record<Loop, LoopTokens> {
  const starts = (loop: Loop): Set<TokenType> => {
    const found = new Set<TokenType>();
    firstTokens(productions[LOOPS[loop]], found);
    return found;
  };
  const block = (loop: Loop): LoopTokens => {
    const own = starts(loop);
    return { starts: own, ends: new Set([T.RCurly, ...[...BLOCK_ENDERS].filter((type) => !own.has(type))]) };
  };
  return {
    file: { starts: starts("file"), ends: new Set() },
    flowDecl: { starts: starts("flowDecl"), ends: new Set([T.RCurly, T.Flow, T.Import]) },
    modelDecl: block("modelDecl"),
    opDecl: block("opDecl"),
    nodeBlock: block("nodeBlock"),
    gateBlock: block("gateBlock"),
    reviewBlock: block("reviewBlock"),
    budgetDecl: block("budgetDecl"),
  };
}

let shared: FlowParser | undefined;

/** The one parser instance, built on first use (its self-analysis costs a few milliseconds). */
export function flowParser(): FlowParser {
  shared ??= new FlowParser();
  return shared;
}
