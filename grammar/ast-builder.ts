// Builds the typed AST of syntax/ast.ts from the parser's tokens and sub-results. The parser
// (grammar/parser.ts) calls one method here at the end of each rule, instead of building a
// Chevrotain CST and visiting it: on 150,000 tokens the CST alone took 51 ms where the grammar
// without it took 10.
//
// Error recovery may hand a method a token inserted by the parser (no text, no position) or an
// `undefined` sub-result (a rule that failed and re-synced). A part that carries a value (a name,
// a number, a sub-rule's result) and is missing makes the method return `undefined`, and the
// caller drops it: a damaged property is left out of its declaration, a declaration without its
// name or required parts is left out of the flow. The AST never holds an undefined field that its
// type does not allow. Inserted punctuation and keywords carry no value and damage nothing; the
// parser has reported them already.
import type { IToken } from "chevrotain";
import type * as A from "../syntax/ast";
import { Decimal, formatExact } from "../syntax/credits";
import { diag, type Diagnostic } from "../syntax/diagnostics";
import { LineMap, TextRange } from "../syntax/lines";
import * as T from "./tokens";

/** A token that really is in the text (not one inserted by error recovery). */
export function isReal(token: IToken | undefined): token is IToken {
  return token !== undefined && token.isInsertedInRecovery !== true;
}

/** Offset just past the token's last character. */
export function tokenEnd(token: IToken): number {
  return token.startOffset + token.image.length;
}

/** The longest number literal (digits, `_` and `.`) the builder computes with. */
export const MAX_NUMBER_LENGTH = 1000;

const SECONDS_PER_UNIT: Record<string, string> = { ms: "0.001", s: "1", m: "60", h: "3600", d: "86400", w: "604800" };

const MEDIA_TYPES: ReadonlySet<string> = new Set<A.MediaType>(["image", "video", "audio", "text", "json"]);
const PRICE_UNITS: ReadonlySet<string> = new Set<A.PriceUnit>(["megapixel", "second", "item"]);

function withoutUnderscores(text: string): string {
  return text.indexOf("_") === -1 ? text : text.replace(/_/g, "");
}

/** True when every entry is defined: a list with a hole held a damaged part. */
function complete<T>(items: readonly (T | undefined)[]): items is T[] {
  for (let i = 0; i < items.length; i++) if (items[i] === undefined) return false;
  return true;
}

/**
 * The list without its holes, in an array of just its length. A list grown by `push` keeps room
 * for 17 entries: the tens of thousands of short lists of a large flow's tree spent a fifth of its
 * memory on that room (and the garbage collector copies the tree while it is built).
 */
function defined<T>(items: (T | undefined)[]): T[] {
  return complete(items) ? items.slice() : (items.filter((item) => item !== undefined) as T[]);
}

type Maybe<T> = T | undefined;

/** What the file rule collects. */
export type TopLevel = A.ImportDecl | A.ModelDecl | A.OpDecl | A.FlowDecl;

/** An input's `stable` (its token) or `expect N`. */
export type InputFlag = IToken | A.NumberLit;

/** What follows `else`: the retry, or `DISCARD`. */
export type ElseAction = A.ElseClause["action"] | typeof DISCARD;
export const DISCARD = "discard";

/** One parse's AST construction: holds the positions of its text and the diagnostics it finds. */
export class AstBuilder {
  readonly lines: LineMap;
  readonly diagnostics: Diagnostic[] = [];

  constructor(readonly text: string) {
    this.lines = new LineMap(text);
  }

  // ---- ranges -------------------------------------------------------------------------------

  tokenRange(token: IToken): A.Range {
    return this.lines.range(token.startOffset, tokenEnd(token));
  }

  /** From the start of `first` to the end of `last` (the last token the rule consumed). */
  span(first: IToken, last: IToken): A.Range {
    const end = isReal(last) && last.startOffset >= first.startOffset ? tokenEnd(last) : tokenEnd(first);
    return this.lines.range(first.startOffset, end);
  }

  private spanRanges(start: A.Range, end: A.Range): A.Range {
    return start instanceof TextRange && end instanceof TextRange ? start.to(end) : { start: start.start, end: end.end };
  }

  private error(message: string, range: A.Range): void {
    this.diagnostics.push(diag("FLOW101", message, range));
  }

  /** A syntax error the parser found outside Chevrotain's own recovery. */
  syntaxError(message: string, token: IToken): void {
    this.error(message, this.tokenRange(token));
  }

  // ---- literals -----------------------------------------------------------------------------

  ident(token: Maybe<IToken>): Maybe<A.Ident> {
    return isReal(token) ? { text: token.image, range: this.tokenRange(token) } : undefined;
  }

  number(token: Maybe<IToken>): Maybe<A.NumberLit> {
    return this.figure(token) ? { value: withoutUnderscores(token.image), range: this.tokenRange(token) } : undefined;
  }

  /**
   * Whether a number token is there and short enough to compute with: decimal arithmetic on a
   * figure grows faster than its length, and a million-digit literal is a mistake, reported once.
   */
  private figure(token: Maybe<IToken>): token is IToken {
    if (!isReal(token)) return false;
    if (token.image.length <= MAX_NUMBER_LENGTH) return true;
    this.syntaxError(`a number may be at most ${MAX_NUMBER_LENGTH} characters long; this one has ${token.image.length}`, token);
    return false;
  }

  percent(token: Maybe<IToken>): Maybe<A.PercentLit> {
    if (!this.figure(token)) return undefined;
    return { value: withoutUnderscores(token.image.slice(0, -1)), range: this.tokenRange(token) };
  }

  duration(token: Maybe<IToken>): Maybe<A.DurationLit> {
    if (!this.figure(token)) return undefined;
    const image = token.image;
    const unitLength = image.endsWith("ms") ? 2 : 1;
    const figure = withoutUnderscores(image.slice(0, image.length - unitLength));
    const seconds = new Decimal(figure).times(SECONDS_PER_UNIT[image.slice(image.length - unitLength)]);
    return { text: image, seconds: formatExact(seconds), range: this.tokenRange(token) };
  }

  resolution(token: Maybe<IToken>): Maybe<A.ResolutionLit> {
    if (!this.figure(token)) return undefined;
    const [width, height] = token.image.split("x");
    const range = this.tokenRange(token);
    const w = this.wholeNumber(width, range, "a width");
    const h = this.wholeNumber(height, range, "a height");
    return w === undefined || h === undefined ? undefined : { width: w, height: h, range };
  }

  string(token: Maybe<IToken>): Maybe<A.StringLit> {
    return isReal(token) ? { value: decodeString(token.image), range: this.tokenRange(token) } : undefined;
  }

  /** Whole-number text as a JS number, reported when too large to hold exactly. */
  private wholeNumber(text: string, range: A.Range, what: string): Maybe<number> {
    const value = Number(withoutUnderscores(text));
    if (Number.isSafeInteger(value)) return value;
    this.error(`${what} must be at most ${Number.MAX_SAFE_INTEGER}`, range);
    return undefined;
  }

  // ---- file and flow ------------------------------------------------------------------------

  file(items: Maybe<TopLevel>[]): A.FlowFile {
    const file: A.FlowFile = { kind: "file", imports: [], decls: [], range: this.lines.range(0, this.text.length) };
    for (const item of items) {
      if (item === undefined) continue;
      if (item.kind === "import") file.imports.push(item);
      else if (item.kind !== "flow") file.decls.push(item);
      else if (file.flow === undefined) file.flow = item;
      else this.error(`a file holds one flow: '${item.name.text}' is a second one and is ignored`, item.name.range);
    }
    return file;
  }

  importDecl(keyword: IToken, path: Maybe<IToken>, last: IToken): Maybe<A.ImportDecl> {
    const lit = this.string(path);
    return lit && { kind: "import", path: lit, range: this.span(keyword, last) };
  }

  flowDecl(keyword: IToken, name: Maybe<IToken>, decls: Maybe<A.Decl>[], last: IToken): Maybe<A.FlowDecl> {
    const id = this.ident(name);
    return id && { kind: "flow", name: id, decls: defined(decls), range: this.span(keyword, last) };
  }

  // ---- inputs -------------------------------------------------------------------------------

  inputDecl(
    keyword: IToken,
    name: Maybe<IToken>,
    type: Maybe<IToken>,
    count: Maybe<A.CountSpec> | null,
    flags: Maybe<InputFlag>[],
    last: IToken,
  ): Maybe<A.InputDecl> {
    const id = this.ident(name);
    if (id === undefined || !isReal(type) || !MEDIA_TYPES.has(type.image) || count === undefined) return undefined;
    const decl: A.InputDecl = {
      kind: "input",
      name: id,
      type: type.image as A.MediaType,
      typeRange: this.tokenRange(type),
      stable: [],
      expect: [],
      range: this.span(keyword, last),
    };
    for (const flag of flags) {
      if (flag === undefined) continue;
      if ("image" in flag) decl.stable.push(this.tokenRange(flag));
      else decl.expect.push(flag);
    }
    if (count !== null) decl.count = count;
    return decl;
  }

  countSpec(open: IToken, first: Maybe<IToken>, second: Maybe<IToken> | null, last: IToken): Maybe<A.CountSpec> {
    if (!this.figure(first) || second === undefined || (second !== null && !this.figure(second))) return undefined;
    const range = this.span(open, last);
    const min = second === null ? 0 : this.wholeNumber(first.image, range, "a count");
    const max = this.wholeNumber((second ?? first).image, range, "a count");
    return min === undefined || max === undefined ? undefined : { min, max, range };
  }

  // ---- models and ops -----------------------------------------------------------------------

  modelDecl(keyword: IToken, name: Maybe<IToken>, props: Maybe<A.ModelProp>[], last: IToken): Maybe<A.ModelDecl> {
    const id = this.ident(name);
    return id && { kind: "model", name: id, props: defined(props), range: this.span(keyword, last) };
  }

  rateProp(keyword: IToken, amount: Maybe<IToken>, units: Maybe<IToken>[], last: IToken): Maybe<A.RateProp> {
    const lit = this.number(amount);
    if (lit === undefined || units.length === 0 || !complete(units)) return undefined;
    const refs: A.UnitRef[] = [];
    for (const unit of units) {
      if (!isReal(unit) || !PRICE_UNITS.has(unit.image)) return undefined;
      refs.push({ unit: unit.image as A.PriceUnit, range: this.tokenRange(unit) });
    }
    return { kind: "rate", amount: lit, units: refs, range: this.span(keyword, last) };
  }

  overheadProp(keyword: IToken, amount: Maybe<IToken>, last: IToken): Maybe<A.OverheadProp> {
    const lit = this.number(amount);
    return lit && { kind: "overhead", amount: lit, range: this.span(keyword, last) };
  }

  familyProp(keyword: IToken, family: Maybe<IToken>, last: IToken): Maybe<A.FamilyProp> {
    const id = this.ident(family);
    return id && { kind: "family", family: id, range: this.span(keyword, last) };
  }

  opDecl(keyword: IToken, name: Maybe<IToken>, props: Maybe<A.OpProp>[], last: IToken): Maybe<A.OpDecl> {
    const id = this.ident(name);
    return id && { kind: "op", name: id, props: defined(props), range: this.span(keyword, last) };
  }

  metricProp(keyword: IToken, name: Maybe<IToken>, min: Maybe<IToken>, max: Maybe<IToken>, last: IToken): Maybe<A.MetricProp> {
    const id = this.ident(name);
    const low = this.number(min);
    const high = this.number(max);
    if (id === undefined || low === undefined || high === undefined) return undefined;
    return { kind: "metric", name: id, min: low, max: high, range: this.span(keyword, last) };
  }

  batchableProp(keyword: IToken): A.BatchableProp {
    return { kind: "batchable", range: this.tokenRange(keyword) };
  }

  schemaProp(keyword: IToken, schema: Maybe<IToken>, last: IToken): Maybe<A.SchemaProp> {
    const lit = this.string(schema);
    return lit && { kind: "schema", schema: lit, range: this.span(keyword, last) };
  }

  // ---- nodes --------------------------------------------------------------------------------

  nodeDecl(
    keyword: IToken,
    name: Maybe<IToken>,
    op: Maybe<IToken>,
    args: Maybe<A.Arg>[],
    props: Maybe<A.NodeProp>[],
    last: IToken,
  ): Maybe<A.NodeDecl> {
    const id = this.ident(name);
    const opId = this.ident(op);
    // A damaged argument would change what the node consumes: drop the node rather than guess.
    if (id === undefined || opId === undefined || !complete(args)) return undefined;
    return { kind: "node", name: id, op: opId, args: defined(args), props: defined(props), range: this.span(keyword, last) };
  }

  /** `suffix` holds the tokens of `.rejected`, or is null for a plain reference. */
  ref(name: Maybe<IToken>, suffix: [IToken, IToken] | null, last: IToken): Maybe<A.Ref> {
    const id = this.ident(name);
    if (id === undefined) return undefined;
    if (suffix === null) return { name: id, range: id.range };
    const [dot, rejected] = suffix;
    if (!isReal(rejected)) return undefined;
    const start = isReal(dot) ? dot.startOffset : rejected.startOffset;
    return { name: id, rejected: this.lines.range(start, tokenEnd(rejected)), range: this.spanRanges(id.range, this.span(rejected, last)) };
  }

  positionalArg(ref: Maybe<A.Ref>): Maybe<A.PositionalArg> {
    return ref && { kind: "positional", ref, range: ref.range };
  }

  namedArg(name: Maybe<IToken>, ref: Maybe<A.Ref>): Maybe<A.NamedArg> {
    const id = this.ident(name);
    if (id === undefined || ref === undefined) return undefined;
    return { kind: "named", name: id, ref, range: this.spanRanges(id.range, ref.range) };
  }

  modelRef(keyword: IToken, model: Maybe<IToken>, last: IToken): Maybe<A.NodeProp> {
    const id = this.ident(model);
    return id && { kind: "model", model: id, range: this.span(keyword, last) };
  }

  resolutionProp(keyword: IToken, value: Maybe<IToken>, last: IToken): Maybe<A.NodeProp> {
    const resolution = this.resolution(value);
    return resolution && { kind: "resolution", resolution, range: this.span(keyword, last) };
  }

  durationProp(keyword: IToken, value: Maybe<IToken>, last: IToken): Maybe<A.NodeProp> {
    const duration = this.duration(value);
    return duration && { kind: "duration", duration, range: this.span(keyword, last) };
  }

  /** `variants N`, `retry N`, `batch N`, `concurrency N`: a keyword and a whole number. */
  countProp(kind: "variants" | "retry" | "batch" | "concurrency", keyword: IToken, value: Maybe<IToken>, last: IToken): Maybe<A.NodeProp> {
    const lit = this.number(value);
    if (lit === undefined) return undefined;
    const range = this.span(keyword, last);
    switch (kind) {
      case "variants":
        return { kind, count: lit, range };
      case "retry":
        return { kind, count: lit, range };
      case "batch":
        return { kind, size: lit, range };
      case "concurrency":
        return { kind, count: lit, range };
    }
  }

  costProp(keyword: IToken, amount: Maybe<IToken>, perCall: boolean, last: IToken): Maybe<A.NodeProp> {
    const lit = this.number(amount);
    return lit && { kind: "cost", amount: lit, perCall, range: this.span(keyword, last) };
  }

  cacheProp(keyword: IToken, ttl: Maybe<IToken> | null, last: IToken): Maybe<A.NodeProp> {
    const range = this.span(keyword, last);
    if (ttl === null) return { kind: "cache", off: true, range };
    const duration = this.duration(ttl);
    return duration && { kind: "cache", ttl: duration, off: false, range };
  }

  expectFailProp(keyword: IToken, percent: Maybe<IToken>, last: IToken): Maybe<A.NodeProp> {
    const lit = this.percent(percent);
    return lit && { kind: "expectFail", percent: lit, range: this.span(keyword, last) };
  }

  timeoutProp(keyword: IToken, value: Maybe<IToken>, last: IToken): Maybe<{ kind: "timeout"; duration: A.DurationLit; range: A.Range }> {
    const duration = this.duration(value);
    return duration && { kind: "timeout", duration, range: this.span(keyword, last) };
  }

  paramProp(keyword: IToken, name: Maybe<IToken>, value: Maybe<A.Value>, last: IToken): Maybe<A.NodeProp> {
    const id = this.ident(name);
    if (id === undefined || value === undefined) return undefined;
    return { kind: "param", name: id, value, range: this.span(keyword, last) };
  }

  /** A string, number, `true` or `false` value. */
  literalValue(token: IToken): Maybe<A.Value> {
    const range = this.tokenRange(token);
    const type = token.tokenType;
    if (type === T.True || type === T.False) return { kind: "bool", value: type === T.True, range };
    if (type === T.IntegerLit || type === T.DecimalLit) return this.figure(token) ? { kind: "number", value: withoutUnderscores(token.image), range } : undefined;
    return { kind: "string", value: decodeString(token.image), range };
  }

  listValue(open: IToken, items: Maybe<A.Value>[], last: IToken): Maybe<A.Value> {
    return complete(items) ? { kind: "list", items: defined(items), range: this.span(open, last) } : undefined;
  }

  // ---- gates, reviews, selects --------------------------------------------------------------

  gateDecl(keyword: IToken, name: Maybe<IToken>, conds: Maybe<A.Cond>[], props: Maybe<A.GateProp>[], last: IToken): Maybe<A.GateDecl> {
    const id = this.ident(name);
    // Dropping one condition would let more items through than written: drop the gate instead.
    if (id === undefined || conds.length === 0 || !complete(conds)) return undefined;
    return { kind: "gate", name: id, conds: defined(conds), props: defined(props), range: this.span(keyword, last) };
  }

  cond(source: IToken, metric: Maybe<IToken>, op: Maybe<IToken>, threshold: Maybe<IToken>, last: IToken): Maybe<A.Cond> {
    const sourceId = this.ident(source);
    const metricId = this.ident(metric);
    const value = this.number(threshold);
    if (sourceId === undefined || metricId === undefined || value === undefined || !isReal(op)) return undefined;
    return { source: sourceId, metric: metricId, op: op.image as A.Comparison, threshold: value, range: this.span(source, last) };
  }

  expectPassProp(keyword: IToken, percent: Maybe<IToken>, last: IToken): Maybe<A.GateProp> {
    const lit = this.percent(percent);
    return lit && { kind: "expectPass", percent: lit, range: this.span(keyword, last) };
  }

  expectApproveProp(keyword: IToken, percent: Maybe<IToken>, last: IToken): Maybe<A.ReviewProp> {
    const lit = this.percent(percent);
    return lit && { kind: "expectApprove", percent: lit, range: this.span(keyword, last) };
  }

  elseClause(keyword: IToken, action: Maybe<ElseAction>, last: IToken): Maybe<A.ElseClause> {
    if (action === undefined) return undefined;
    return { kind: "else", action: action === DISCARD ? { kind: "discard" } : action, range: this.span(keyword, last) };
  }

  retryAction(target: Maybe<IToken>, upTo: Maybe<IToken>, thenDiscard: boolean): Maybe<ElseAction> {
    const id = this.ident(target);
    const count = this.number(upTo);
    if (id === undefined || count === undefined) return undefined;
    return { kind: "retry", target: id, upTo: count, thenDiscard };
  }

  reviewDecl(keyword: IToken, name: Maybe<IToken>, source: Maybe<A.Ref>, props: Maybe<A.ReviewProp>[], last: IToken): Maybe<A.ReviewDecl> {
    const id = this.ident(name);
    if (id === undefined || source === undefined) return undefined;
    return { kind: "review", name: id, source, props: defined(props), range: this.span(keyword, last) };
  }

  selectDecl(
    keyword: IToken,
    name: Maybe<IToken>,
    source: Maybe<IToken>,
    by: Maybe<A.SelectBy>,
    pick: Maybe<A.NumberLit> | null,
    last: IToken,
  ): Maybe<A.SelectDecl> {
    const id = this.ident(name);
    const sourceId = this.ident(source);
    if (id === undefined || sourceId === undefined || by === undefined || pick === undefined) return undefined;
    const decl: A.SelectDecl = { kind: "select", name: id, source: sourceId, by, range: this.span(keyword, last) };
    if (pick !== null) decl.pick = pick;
    return decl;
  }

  byHuman(keyword: IToken): A.SelectBy {
    return { kind: "human", range: this.tokenRange(keyword) };
  }

  byMetric(keyword: IToken, metric: Maybe<IToken>, last: IToken): Maybe<A.SelectBy> {
    const id = this.ident(metric);
    const kind = keyword.image === "highest" ? "highest" : "lowest";
    return id && { kind, metric: id, range: this.span(keyword, last) };
  }

  // ---- budget and output --------------------------------------------------------------------

  budgetDecl(keyword: IToken, props: Maybe<A.BudgetProp>[], last: IToken): A.BudgetDecl {
    return { kind: "budget", keyword: this.tokenRange(keyword), props: defined(props), range: this.span(keyword, last) };
  }

  capProp(keyword: IToken, amount: Maybe<IToken>, last: IToken): Maybe<A.BudgetProp> {
    const lit = this.number(amount);
    return lit && { kind: "cap", amount: lit, range: this.span(keyword, last) };
  }

  /** `alert N credits` or `alert P%`. */
  alertProp(keyword: IToken, amount: Maybe<IToken>, last: IToken): Maybe<A.BudgetProp> {
    if (!isReal(amount)) return undefined;
    const range = this.span(keyword, last);
    if (amount.tokenType === T.PercentLit) return { kind: "alert", percent: this.percent(amount), range };
    return { kind: "alert", amount: this.number(amount), range };
  }

  strictProp(keyword: IToken): A.BudgetProp {
    return { kind: "strict", range: this.tokenRange(keyword) };
  }

  outputDecl(keyword: IToken, refs: Maybe<A.Ref>[], last: IToken): Maybe<A.OutputDecl> {
    const kept = defined(refs);
    return kept.length === 0 ? undefined : { kind: "output", refs: kept, range: this.span(keyword, last) };
  }
}

/**
 * The value of a string token. A `BadString` (reported by the lexer pass) is decoded as far as
 * JSON allows, else taken as written between its quotes.
 */
export function decodeString(image: string): string {
  try {
    return JSON.parse(image) as string;
  } catch {
    const inner = image.length > 1 && image.endsWith('"') ? image.slice(1, -1) : image.slice(1);
    try {
      return JSON.parse(`"${inner}"`) as string;
    } catch {
      return inner;
    }
  }
}
