// A run's history for `flowc ui`: its record, the flow it ran, spend over time and the failed
// attempts with their causes, read from the journal (the one place every charged attempt is
// written, in the order it was charged).
import { credits, exact, ZERO } from "./credits";
import type { FlowGraph } from "./graph";
import type { JournalEntry } from "./journal";
import type { RunRecord } from "./record";

/** most points kept for the spend chart: a long run is thinned evenly, its last point kept */
const MAX_POINTS = 2000;
/** most failed attempts listed (the latest) */
const MAX_FAILURES = 200;

export interface SpendPoint {
  /** ms since the epoch */
  at: number;
  /** spend of the run after this attempt, exact decimal text */
  spent: string;
  node: string;
}

export interface FailedAttempt {
  at: number;
  node: string;
  callId: string;
  attempt: number;
  error: string;
}

export interface RunHistory {
  record: RunRecord;
  graph: FlowGraph;
  spend: SpendPoint[];
  failures: FailedAttempt[];
  /** failed attempts in all, of which `failures` holds the latest */
  failedAttempts: number;
}

export function historyOf(record: RunRecord, graph: FlowGraph, journal: readonly JournalEntry[]): RunHistory {
  const spend: SpendPoint[] = [];
  const failures: FailedAttempt[] = [];
  let failedAttempts = 0;
  let spent = ZERO;
  for (const entry of journal) {
    if (entry.type !== "attempt") continue;
    spent = spent.plus(credits(entry.credits));
    spend.push({ at: entry.at, spent: exact(spent), node: entry.node });
    if (!entry.ok) {
      failedAttempts++;
      failures.push({ at: entry.at, node: entry.node, callId: entry.callId, attempt: entry.attempt, error: entry.error ?? "failed" });
      if (failures.length > MAX_FAILURES) failures.shift();
    }
  }
  return { record, graph, spend: thinned(spend), failures, failedAttempts };
}

function thinned(points: SpendPoint[]): SpendPoint[] {
  if (points.length <= MAX_POINTS) return points;
  const step = points.length / MAX_POINTS;
  const kept = Array.from({ length: MAX_POINTS - 1 }, (_, i) => points[Math.floor(i * step)]!);
  kept.push(points[points.length - 1]!);
  return kept;
}
