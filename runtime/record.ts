// The run record: what one run did, written as JSON (validated against
// schemas/run-record.schema.json before every write) when the run starts, pauses and ends.
import type { Clock } from "./clock";
import { iso } from "./clock";
import { exact, ZERO, type Decimal } from "./credits";
import type { FlowGraph, GraphStream, Scenario } from "./graph";
import type { CallFailure, PendingDecision, RunStatus } from "./types";
import { problems, runRecordSchema } from "./validate";

export type StreamKind = "input" | "node" | "gate" | "review" | "select";

/** What one stream did; credits are Decimals while a run executes and exact text in the record. */
export interface StreamCounts<Credits> {
  calls: number;
  attempts: number;
  itemsIn: number;
  itemsOut: number;
  rejected: number;
  retried: number;
  failedItems: number;
  /** calls given up after their attempts (or before any: see `failures`) */
  failedCalls: number;
  cacheHits: number;
  credits: Credits;
  cacheSaved: Credits;
}

/** Why a node's attempts failed, one entry per cause, counted. */
export interface FailureCount {
  /** short and countable: "HTTP 500", "connection refused", "timed out after 60000 ms" */
  cause: string;
  /** false: the attempts never reached the provider, and cost nothing */
  charged: boolean;
  /** failed attempts with this cause */
  attempts: number;
  /** calls given up with this as their last cause */
  calls: number;
}

export interface NodeRecord extends StreamCounts<string> {
  name: string;
  kind: StreamKind;
  op?: string;
  failures: FailureCount[];
}

export type RecordEventType =
  | "started"
  | "resumed"
  | "alert"
  | "budget-pause"
  | "review-pause"
  | "completed"
  | "failed"
  | "acknowledged"
  | "cache-hits"
  | "notified"
  | "notify-failed"
  | "decisions-recorded"
  | "warning";

export interface RecordEvent {
  at: string;
  type: RecordEventType;
  message: string;
  data?: Record<string, unknown>;
}

export interface Segment {
  startedAt: string;
  endedAt?: string;
  cap?: string;
  spentBefore: string;
  spent: string;
  status: RunStatus;
}

export interface RunTotals {
  spent: string;
  worstCase: string;
  expected: string;
  calls: number;
  attempts: number;
  cacheHits: number;
  cacheSaved: string;
  failedItems: number;
}

export interface RunRecord {
  schemaVersion: 1;
  runId: string;
  flow: string;
  status: RunStatus;
  /** budget: the run's cap; pool: a shared budget pool; calls: no item reached an output because calls failed; aborted: its caller's AbortSignal */
  reason?: "budget" | "pool" | "review" | "error" | "calls" | "aborted";
  error?: string;
  startedAt: string;
  endedAt?: string;
  cap?: string;
  alert?: string;
  seed: number;
  scenario?: Scenario;
  provider: string;
  flagged: boolean;
  acknowledged: boolean;
  totals: RunTotals;
  segments: Segment[];
  nodes: NodeRecord[];
  pending: PendingDecision[];
  outputs: { ref: string; items: number }[];
  events: RecordEvent[];
}

/** Live counters of one stream while a run executes. */
export interface StreamCounters extends StreamCounts<Decimal> {
  /** cause and charged → the count */
  failures: Map<string, FailureCount>;
}

export function emptyCounters(): StreamCounters {
  return { calls: 0, attempts: 0, itemsIn: 0, itemsOut: 0, rejected: 0, retried: 0, failedItems: 0, failedCalls: 0, cacheHits: 0, credits: ZERO, cacheSaved: ZERO, failures: new Map() };
}

/** The count of one cause of failure (created at zero). */
export function failureOf(counters: StreamCounters, cause: string, charged: boolean): FailureCount {
  const key = `${charged ? "c" : "u"}\u0000${cause}`;
  let found = counters.failures.get(key);
  if (!found) counters.failures.set(key, (found = { cause, charged, attempts: 0, calls: 0 }));
  return found;
}

/** A failure's countable cause: the provider's, else its message up to the first colon. */
export function causeOf(failure: CallFailure): string {
  if (failure.cause) return failure.cause;
  const head = failure.error.split(":")[0]!.trim();
  return head === "" ? "unknown error" : head.slice(0, 80);
}

/** Most frequent first, then by cause in code-point order. */
export function sortedFailures(failures: Iterable<FailureCount>): FailureCount[] {
  return [...failures].map((f) => ({ ...f })).sort((a, b) => b.attempts + b.calls - (a.attempts + a.calls) || (a.cause < b.cause ? -1 : a.cause > b.cause ? 1 : 0) || Number(b.charged) - Number(a.charged));
}

/** One line per node that gave up calls: "check: 3 call(s) failed (HTTP 500 ×9)". */
export function failureSummary(nodes: { name: string; failedCalls: number; failures: FailureCount[] }[]): string[] {
  return nodes
    .filter((n) => n.failedCalls > 0)
    .map((n) => `${n.name}: ${n.failedCalls} call(s) failed (${n.failures.map((f) => `${f.cause} ×${f.attempts || f.calls}${f.charged ? "" : ", not charged"}`).join("; ")})`);
}

export function streamKind(stream: GraphStream): StreamKind {
  if (stream.kind === "gate") return stream.human ? "review" : "gate";
  return stream.kind;
}

export function nodeRecords(graph: FlowGraph, counters: Map<string, StreamCounters>): NodeRecord[] {
  return graph.streams.map((stream) => {
    const c = counters.get(stream.name) ?? emptyCounters();
    const op = stream.kind === "node" ? { op: stream.op } : {};
    return {
      name: stream.name,
      kind: streamKind(stream),
      ...op,
      calls: c.calls,
      attempts: c.attempts,
      itemsIn: c.itemsIn,
      itemsOut: c.itemsOut,
      rejected: c.rejected,
      retried: c.retried,
      failedItems: c.failedItems,
      failedCalls: c.failedCalls,
      cacheHits: c.cacheHits,
      credits: exact(c.credits),
      cacheSaved: exact(c.cacheSaved),
      failures: sortedFailures(c.failures.values()),
    };
  });
}

export function totalsOf(graph: FlowGraph, spent: Decimal, counters: Map<string, StreamCounters>): RunTotals {
  let calls = 0;
  let attempts = 0;
  let cacheHits = 0;
  let failedItems = 0;
  let cacheSaved = ZERO;
  for (const c of counters.values()) {
    calls += c.calls;
    attempts += c.attempts;
    cacheHits += c.cacheHits;
    failedItems += c.failedItems;
    cacheSaved = cacheSaved.plus(c.cacheSaved);
  }
  return { spent: exact(spent), worstCase: graph.worstCase, expected: graph.expected, calls, attempts, cacheHits, cacheSaved: exact(cacheSaved), failedItems };
}

export function recordEvent(clock: Clock, type: RecordEventType, message: string, data?: Record<string, unknown>): RecordEvent {
  return data ? { at: iso(clock), type, message, data } : { at: iso(clock), type, message };
}

export class RecordValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`run record does not match schemas/run-record.schema.json: ${problems.join("; ")}`);
  }
}

export function validateRecord(record: unknown): string[] {
  return problems(runRecordSchema, record);
}

export function assertValidRecord(record: RunRecord): void {
  const found = validateRecord(record);
  if (found.length > 0) throw new RecordValidationError(found);
}
