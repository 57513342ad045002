// The JSON the `flowc ui` server sends the page: one shape per page. Credits are exact decimal
// text, as in run records; where the page must place a figure on a chart it gets a number made
// for drawing only, next to the exact text it shows.

import type { Witness } from "../compiler/cost-report";
import type { ReportRow } from "../runtime/report";

/** `interrupted`: the process running it is gone; `unreadable`: its record is damaged */
export type RunStatus = "running" | "completed" | "paused" | "awaiting-review" | "failed" | "interrupted" | "unreadable";

export interface RunRow {
  runId: string;
  flow: string;
  status: RunStatus;
  spent: string;
  cap?: string;
  worstCase: string;
  expected: string;
  startedAt: string;
  endedAt?: string;
  /** whole seconds from start to end (to now while running) */
  durationSeconds?: number;
  flagged: boolean;
  acknowledged: boolean;
  pending: number;
}

export interface RunsView {
  runs: RunRow[];
}

/** a row of `flowc report`, credits as exact text and the share as a percent ("84.0") */
export type NodeRow = Omit<ReportRow, "credits" | "share"> & { credits: string; share: string };

export interface SpendPointView {
  at: number;
  spent: string;
  /** `spent` for drawing only */
  y: number;
  node: string;
}

export interface EventView {
  at: string;
  type: string;
  message: string;
}

export interface Media {
  kind: "image" | "video" | "audio";
  /** where the page loads it from: the server's file route, or the item's own URL */
  src: string;
}

export interface ItemView {
  id: string;
  /** a short text of the value (what a person reads when there is no picture) */
  value?: string;
  metrics: Record<string, number>;
  cost: string;
  media?: Media;
}

export interface DecisionView {
  stream: string;
  kind: "review" | "select";
  itemId: string;
  pick?: number;
  items: ItemView[];
  decision?: "approve" | "reject" | string[];
  /** a decided item held back by undecided ones before it in the same review or select */
  waitsFor?: string[];
}

export interface RunView {
  runId: string;
  flow: string;
  status: RunStatus;
  reason?: string;
  error?: string;
  spent: string;
  cap?: string;
  alert?: string;
  worstCase: string;
  expected: string;
  startedAt: string;
  endedAt?: string;
  flagged: boolean;
  acknowledged: boolean;
  provider: string;
  seed: number;
  nodes: NodeRow[];
  topTwo: string[];
  topTwoShare: string;
  spend: SpendPointView[];
  /** caps of the run's segments, in order, for the cap line */
  caps: { at: number; cap: string; y: number }[];
  alertY?: number;
  events: EventView[];
  failures: { at: string; node: string; callId: string; attempt: number; error: string }[];
  failedAttempts: number;
  pending: DecisionView[];
  /** a resume started from this page is still going */
  resuming: boolean;
  /** why the last resume from this page failed */
  resumeError?: string;
  /** the flow file among the ones shown, when there is one with this flow's name */
  flowFile?: string;
}

export type GraphKind = "input" | "node" | "gate" | "review" | "select" | "output";

export interface GraphNodeView {
  id: string;
  kind: GraphKind;
  label: string;
  /** op and model, a gate's conditions, a review's rate, a select's rule */
  detail: string;
  worstCase?: string;
  expected?: string;
  /** percent of the flow's worst case */
  share?: string;
  /** one of the two costliest nodes */
  top: boolean;
  line?: number;
}

export interface GraphEdgeView {
  from: string;
  to: string;
  kind: "primary" | "named" | "rejected" | "output";
}

export interface DiagnosticView {
  code: string;
  severity: "error" | "warning" | "hint";
  message: string;
  file: string;
  line: number;
  column: number;
}

/** the cost analysis' witness, as `flowc cost --format json` has it */
export type WitnessView = Witness;

export interface FlowView {
  /** the file, relative to where `flowc ui` started; absent for a run's own graph */
  file?: string;
  /** the run whose graph this is, when there is no file */
  runId?: string;
  flow: string;
  worstCase?: string;
  expected?: string;
  cap?: string;
  alert?: string;
  topTwoShare?: string;
  nodes: GraphNodeView[];
  edges: GraphEdgeView[];
  witness?: WitnessView;
  diagnostics: DiagnosticView[];
  /** the file could not be read or the flow has errors (then there are no figures) */
  problem?: string;
}

export interface FlowRow {
  file: string;
  flow?: string;
  worstCase?: string;
  expected?: string;
  cap?: string;
  errors: number;
  warnings: number;
  problem?: string;
}

export interface FlowsView {
  flows: FlowRow[];
}

export interface CacheNodeView {
  flow: string;
  node: string;
  entries: number;
  bytes: number;
  oldestSeconds: number;
  newestSeconds: number;
  ttlSeconds?: number;
}

export interface CacheView {
  nodes: CacheNodeView[];
  totalBytes: number;
  entries: number;
}
