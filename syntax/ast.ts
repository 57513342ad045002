// The typed AST of a `.flow` file, built by grammar/ast-builder.ts as the parser goes.
// Every node carries a source range. Numbers are kept as their decimal text (underscores
// removed) so that no value ever passes through a binary float.

export interface Position {
  /** 1-based line */
  line: number;
  /** 1-based column, in UTF-16 code units */
  column: number;
  /** 0-based offset into the source text */
  offset: number;
}

/**
 * A half-open source range: `end` is the position just after the last character. The parser's are
 * `TextRange`s (syntax/lines.ts), which work their positions out when read: read them, do not change them.
 */
export interface Range {
  start: Position;
  end: Position;
}

export interface Node {
  range: Range;
}

export interface Ident extends Node {
  text: string;
}

/** A number literal, as decimal text without `_` (`1_000` → "1000", `0.5` → "0.5"). */
export interface NumberLit extends Node {
  value: string;
}

/** `30%`: value is the percent figure as decimal text ("30"), not the fraction. */
export interface PercentLit extends Node {
  value: string;
}

/** `48h`: seconds is the duration in seconds as decimal text ("172800"); text is as written. */
export interface DurationLit extends Node {
  text: string;
  seconds: string;
}

/** `1024x1024` */
export interface ResolutionLit extends Node {
  width: number;
  height: number;
}

/** A JSON string literal; value is the decoded string. */
export interface StringLit extends Node {
  value: string;
}

export interface FlowFile extends Node {
  kind: "file";
  imports: ImportDecl[];
  /** model and op declarations outside the flow */
  decls: (ModelDecl | OpDecl)[];
  flow?: FlowDecl;
}

export interface ImportDecl extends Node {
  kind: "import";
  path: StringLit;
}

export interface FlowDecl extends Node {
  kind: "flow";
  name: Ident;
  decls: Decl[];
}

export type Decl =
  | InputDecl
  | ModelDecl
  | OpDecl
  | NodeDecl
  | GateDecl
  | ReviewDecl
  | SelectDecl
  | BudgetDecl
  | OutputDecl;

export type MediaType = "image" | "video" | "audio" | "text" | "json";

/** `[50]` is min 0 max 50; `[10..50]` is min 10 max 50. */
export interface CountSpec extends Node {
  min: number;
  max: number;
}

export interface InputDecl extends Node {
  kind: "input";
  name: Ident;
  type: MediaType;
  typeRange: Range;
  /** absent: exactly one item */
  count?: CountSpec;
  /** range of each `stable` keyword (normally zero or one) */
  stable: Range[];
  /** each `expect N` (normally zero or one) */
  expect: NumberLit[];
}

export type PriceUnit = "megapixel" | "second" | "item";

export interface UnitRef extends Node {
  unit: PriceUnit;
}

export type ModelProp = RateProp | OverheadProp | FamilyProp;

export interface RateProp extends Node {
  kind: "rate";
  amount: NumberLit;
  units: UnitRef[];
}

export interface OverheadProp extends Node {
  kind: "overhead";
  amount: NumberLit;
}

export interface FamilyProp extends Node {
  kind: "family";
  family: Ident;
}

export interface ModelDecl extends Node {
  kind: "model";
  name: Ident;
  props: ModelProp[];
}

export type OpProp = MetricProp | BatchableProp | SchemaProp;

export interface MetricProp extends Node {
  kind: "metric";
  name: Ident;
  min: NumberLit;
  max: NumberLit;
}

export interface BatchableProp extends Node {
  kind: "batchable";
}

export interface SchemaProp extends Node {
  kind: "schema";
  schema: StringLit;
}

export interface OpDecl extends Node {
  kind: "op";
  name: Ident;
  props: OpProp[];
}

/** `shots` or `gate.rejected` */
export interface Ref extends Node {
  name: Ident;
  /** range of `.rejected` when present */
  rejected?: Range;
}

export interface PositionalArg extends Node {
  kind: "positional";
  ref: Ref;
}

export interface NamedArg extends Node {
  kind: "named";
  name: Ident;
  ref: Ref;
}

export type Arg = PositionalArg | NamedArg;

export type Value = StringValue | NumberValue | BoolValue | ListValue;
export interface StringValue extends Node {
  kind: "string";
  value: string;
}
export interface NumberValue extends Node {
  kind: "number";
  value: string;
}
export interface BoolValue extends Node {
  kind: "bool";
  value: boolean;
}
export interface ListValue extends Node {
  kind: "list";
  items: Value[];
}

export type NodeProp =
  | { kind: "model"; model: Ident; range: Range }
  | { kind: "resolution"; resolution: ResolutionLit; range: Range }
  | { kind: "duration"; duration: DurationLit; range: Range }
  | { kind: "variants"; count: NumberLit; range: Range }
  | { kind: "cost"; amount: NumberLit; perCall: boolean; range: Range }
  | { kind: "cache"; ttl?: DurationLit; off: boolean; range: Range }
  | { kind: "retry"; count: NumberLit; range: Range }
  | { kind: "batch"; size: NumberLit; range: Range }
  | { kind: "expectFail"; percent: PercentLit; range: Range }
  | { kind: "timeout"; duration: DurationLit; range: Range }
  | { kind: "concurrency"; count: NumberLit; range: Range }
  | { kind: "param"; name: Ident; value: Value; range: Range };

export interface NodeDecl extends Node {
  kind: "node";
  name: Ident;
  op: Ident;
  args: Arg[];
  props: NodeProp[];
}

export type Comparison = ">=" | ">" | "<=" | "<";

export interface Cond extends Node {
  source: Ident;
  metric: Ident;
  op: Comparison;
  threshold: NumberLit;
}

/** `else discard` or `else retry NODE up to K [then discard]` */
export interface ElseClause extends Node {
  kind: "else";
  action: { kind: "discard" } | { kind: "retry"; target: Ident; upTo: NumberLit; thenDiscard: boolean };
}

export type GateProp = { kind: "expectPass"; percent: PercentLit; range: Range } | ElseClause;

export interface GateDecl extends Node {
  kind: "gate";
  name: Ident;
  conds: Cond[];
  props: GateProp[];
}

export type ReviewProp =
  | { kind: "expectApprove"; percent: PercentLit; range: Range }
  | ElseClause
  | { kind: "timeout"; duration: DurationLit; range: Range };

export interface ReviewDecl extends Node {
  kind: "review";
  name: Ident;
  source: Ref;
  props: ReviewProp[];
}

export type SelectBy =
  | { kind: "human"; range: Range }
  | { kind: "highest" | "lowest"; metric: Ident; range: Range };

export interface SelectDecl extends Node {
  kind: "select";
  name: Ident;
  source: Ident;
  by: SelectBy;
  pick?: NumberLit;
}

export type BudgetProp =
  | { kind: "cap"; amount: NumberLit; range: Range }
  | { kind: "alert"; amount?: NumberLit; percent?: PercentLit; range: Range }
  | { kind: "strict"; range: Range };

export interface BudgetDecl extends Node {
  kind: "budget";
  /** range of the `budget` keyword */
  keyword: Range;
  props: BudgetProp[];
}

export interface OutputDecl extends Node {
  kind: "output";
  refs: Ref[];
}

/** Declarations that name a stream of items. */
export type StreamDecl = InputDecl | NodeDecl | GateDecl | ReviewDecl | SelectDecl;

export function isStreamDecl(d: Decl): d is StreamDecl {
  return d.kind === "input" || d.kind === "node" || d.kind === "gate" || d.kind === "review" || d.kind === "select";
}
