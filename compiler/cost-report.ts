// What the pricing core (compiler/pricing/) returns. Figures are exact decimals and counts are
// BigInts (a count may pass 2^53); consumers format them.
import type { Decimal } from "../syntax/credits";
import type { Range } from "../syntax/ast";

export interface NodeCost {
  name: string;
  op: string;
  range: Range;
  /** calls in the witness run (each call may take several attempts) */
  worstCalls: bigint;
  /** attempts charged in the witness run */
  worstAttempts: bigint;
  /** items the node consumed in the witness run (summed over retry rounds) */
  worstItems: bigint;
  expectedCalls: Decimal;
  expectedItems: Decimal;
  worstCase: Decimal;
  expected: Decimal;
  /** share of the flow's worst case, as a fraction */
  share: Decimal;
  /** true when `--warm` made this node a cache hit */
  cacheHit: boolean;
}

/** One execution that spends exactly the worst case. */
export interface Witness {
  inputs: { name: string; count: bigint }[];
  /** per gate or review, per round: items checked, passed and rejected */
  gates: { name: string; human: boolean; rounds: { round: number; checked: bigint; passed: bigint; rejected: bigint }[] }[];
  /** per node: calls per round and the attempts every call takes */
  nodes: { name: string; rounds: { round: number; items: bigint; calls: bigint }[]; attemptsPerCall: number }[];
}

/**
 * The flow's figures. The pricing core gives its rows as objects whose decimals are worked out on
 * first read: read their fields (or JSON.stringify them), do not spread them.
 */
export interface CostReport {
  flow: string;
  warm: boolean;
  worstCase: Decimal;
  expected: Decimal;
  /** sorted by worst case, then by expected spend, highest first, then by name (code point order) */
  nodes: NodeCost[];
  /** share of the worst case spent by the two costliest nodes, as a fraction */
  topTwoShare: Decimal;
  cap?: Decimal;
  alert?: Decimal;
  witness: Witness;
}
