// The run record: what one run did, written as JSON (validated against
// schemas/run-record.schema.json before every write) when the run starts, pauses and ends.
import type { Clock } from "./clock";
import { iso } from "./clock";
import { exact, ZERO, type Decimal } from "./credits";
import type { FlowGraph, GraphStream, Scenario } from "./graph";
import type { PendingDecision, RunStatus } from "./types";
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
  cacheHits: number;
  credits: Credits;
  cacheSaved: Credits;
}

export interface NodeRecord extends StreamCounts<string> {
  name: string;
  kind: StreamKind;
  op?: string;
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
  | "decisions-recorded";

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
  reason?: "budget" | "review" | "error" | "aborted";
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
export type StreamCounters = StreamCounts<Decimal>;

export function emptyCounters(): StreamCounters {
  return { calls: 0, attempts: 0, itemsIn: 0, itemsOut: 0, rejected: 0, retried: 0, failedItems: 0, cacheHits: 0, credits: ZERO, cacheSaved: ZERO };
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
      cacheHits: c.cacheHits,
      credits: exact(c.credits),
      cacheSaved: exact(c.cacheSaved),
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
