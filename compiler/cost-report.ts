// What the cost analysis returns. Figures are exact decimals; consumers format them.
import type { Decimal } from "../syntax/credits";
import type { Range } from "../syntax/ast";

export interface NodeCost {
  name: string;
  op: string;
  range: Range;
  /** calls in the witness run (each call may take several attempts) */
  worstCalls: number;
  /** attempts charged in the witness run */
  worstAttempts: number;
  /** items the node consumed in the witness run (summed over retry rounds) */
  worstItems: number;
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
  inputs: { name: string; count: number }[];
  /** per gate or review, per round: items checked, passed and rejected */
  gates: { name: string; human: boolean; rounds: { round: number; checked: number; passed: number; rejected: number }[] }[];
  /** per node: calls per round and the attempts every call takes */
  nodes: { name: string; rounds: { round: number; items: number; calls: number }[]; attemptsPerCall: number }[];
}

export interface CostReport {
  flow: string;
  warm: boolean;
  worstCase: Decimal;
  expected: Decimal;
  /** sorted by worst case, highest first, then by name */
  nodes: NodeCost[];
  /** share of the worst case spent by the two costliest nodes, as a fraction */
  topTwoShare: Decimal;
  cap?: Decimal;
  alert?: Decimal;
  witness: Witness;
}
