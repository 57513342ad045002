// The semantic model of one flow: every stream resolved, priced and wired. Built from the AST by
// compiler/resolve.ts (which reports FLOW2xx while building it); read by the cost analysis, the
// lints, codegen and the language server. Plain data: no methods, no source text.
import type { Decimal } from "../syntax/credits";
import type { OpInfo } from "./builtins";
import type { FlowDecl, MediaType, Range, StreamDecl, BudgetDecl } from "../syntax/ast";

/** A reference to a stream: its pass items, or (for gates and reviews) its `.rejected` items. */
export interface StreamRef {
  name: string;
  rejected: boolean;
}

export interface ModelInfo {
  name: string;
  /** price of one output: rate × each `per` unit */
  rate: Decimal;
  units: ("megapixel" | "second" | "item")[];
  overhead: Decimal;
  family?: string;
  range: Range;
}

interface StreamBase {
  name: string;
  decl: StreamDecl;
}

export interface InputStream extends StreamBase {
  kind: "input";
  mediaType: MediaType;
  /** declared with no count: exactly one item */
  single: boolean;
  min: number;
  max: number;
  /** expected item count (default: max) */
  expect: Decimal;
  stable: boolean;
}

export interface NodeStream extends StreamBase {
  kind: "node";
  op: OpInfo;
  model?: ModelInfo;
  /** primary (positional) argument; absent for a node without arguments (one call) */
  source?: StreamRef;
  named: { name: string; ref: StreamRef }[];
  variants: number;
  /** items per call; absent: one call per item */
  batch?: number;
  /** extra attempts allowed for a failed call */
  retry: number;
  /** chance that one attempt fails, as a fraction */
  failRate: Decimal;
  /** credits per output (the node's `cost`, else the model's price at the node's resolution/duration) */
  pricePerOutput: Decimal;
  /** credits per call (the node's `cost … per call`, else the model's overhead) */
  overheadPerCall: Decimal;
  /** cache TTL in seconds; absent: no cache */
  cacheTtlSeconds?: Decimal;
  timeoutSeconds?: Decimal;
  concurrency?: number;
  resolution?: { width: number; height: number };
  durationSeconds?: Decimal;
  params: Record<string, unknown>;
}

/** A gate (`human: false`) or a review (`human: true`). */
export interface GateStream extends StreamBase {
  kind: "gate";
  human: boolean;
  /** the stream whose items are checked (for a gate: the stream named in its conditions) */
  source: StreamRef;
  conds: { metric: string; op: ">=" | ">" | "<=" | "<"; threshold: Decimal }[];
  /** chance that an item passes, as a fraction (default 1) */
  passRate: Decimal;
  passRateGiven: boolean;
  /** `else discard` or `then discard` was written: `.rejected` carries nothing */
  discards: boolean;
  retry?: {
    target: string;
    upTo: number;
    /** node names from the retry target down to the gate's source, upstream first */
    chain: string[];
  };
}

export interface SelectStream extends StreamBase {
  kind: "select";
  /** a node with variants > 1 */
  source: string;
  pick: number;
  by: { kind: "human" } | { kind: "highest" | "lowest"; metric: string };
}

export type Stream = InputStream | NodeStream | GateStream | SelectStream;

export interface Budget {
  cap?: Decimal;
  /** absolute credits (a percent alert is converted with the cap) */
  alert?: Decimal;
  strict: boolean;
  decl: BudgetDecl;
}

export interface FlowModel {
  name: string;
  decl: FlowDecl;
  /** every stream, in an order where each stream comes after the streams it reads (primary and named) */
  streams: Stream[];
  byName: Map<string, Stream>;
  /** who reads each stream's pass items and `.rejected` items through their primary input (no entry: nobody) */
  consumers: Map<string, { pass: string[]; rejected: string[] }>;
  outputs: StreamRef[];
  budget?: Budget;
}
