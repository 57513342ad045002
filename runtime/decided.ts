// Decisions recorded for a paused run, as its record shows them until it resumes: each pending
// entry carries its decision, and what a decided item still waits for. A review or select passes
// items on in the order they reached it (so every run with the same seed sees the same batches),
// so a decided item goes on only once every item before it in the same review or select is
// decided too — `flowc review` and `flowc ui` say so rather than leave the person guessing.
import type { Clock } from "./clock";
import { recordEvent, type RunRecord } from "./record";
import type { DecisionsDoc } from "./runs";
import type { PendingDecision } from "./types";

/** Sets `decision` on every pending entry the document decides (in place). */
export function markDecided(pending: PendingDecision[], doc: DecisionsDoc): void {
  for (const p of pending) {
    const decision = p.kind === "review" ? doc.reviews?.[p.stream]?.[p.itemId] : doc.selects?.[p.stream]?.[p.itemId];
    if (decision !== undefined) p.decision = decision;
  }
}

export interface Waiting {
  /** a decided item (a review item, or a select's group) */
  itemId: string;
  stream: string;
  /** the undecided items before it in the same review or select */
  waitsFor: string[];
}

/** Decided entries that cannot go on yet, and the undecided entries they wait for. */
export function waitingOn(pending: readonly PendingDecision[]): Waiting[] {
  const undecided = new Map<string, string[]>();
  const waiting: Waiting[] = [];
  for (const p of pending) {
    const before = undecided.get(p.stream) ?? [];
    if (p.decision === undefined) undecided.set(p.stream, [...before, p.itemId]);
    else if (before.length > 0) waiting.push({ itemId: p.itemId, stream: p.stream, waitsFor: before });
  }
  return waiting;
}

/** One line on what a resume would do with the decisions recorded so far. */
export function decisionsSummary(record: RunRecord): string {
  if (record.pending.length === 0) return `decisions recorded ahead of the run's reviews; they apply when \`flowc resume ${record.runId}\` meets them`;
  const decided = record.pending.filter((p) => p.decision !== undefined).length;
  const left = record.pending.length - decided;
  const resume = `\`flowc resume ${record.runId}\``;
  if (left === 0) return `all ${decided} pending decision(s) recorded; continue the run with ${resume}`;
  const waiting = waitingOn(record.pending);
  const stuck = waiting.length > 0 ? `; ${waitsText(waiting)}` : "";
  return `${decided} of ${record.pending.length} pending decision(s) recorded, ${left} left${stuck}; ${resume} goes on with what is decided`;
}

/** `previews#2 waits for previews#0, previews#1 (select direction passes items on in order)` */
export function waitsText(waiting: readonly Waiting[]): string {
  const byFirst = new Map<string, Waiting[]>();
  for (const w of waiting) {
    const key = `${w.stream}\u0000${w.waitsFor.join(",")}`;
    byFirst.set(key, [...(byFirst.get(key) ?? []), w]);
  }
  return [...byFirst.values()]
    .map((group) => {
      const items = group.map((w) => w.itemId);
      const shown = items.length > 3 ? `${items.slice(0, 3).join(", ")} and ${items.length - 3} more` : items.join(", ");
      const before = group[0]!.waitsFor;
      const blockers = before.length > 3 ? `${before.slice(0, 3).join(", ")} and ${before.length - 3} more` : before.join(", ");
      return `${shown} ${items.length === 1 ? "waits" : "wait"} for ${blockers} (${group[0]!.stream} passes items on in order)`;
    })
    .join("; ");
}

/** The record's event for recorded decisions: one for a series of them, updated as they come. */
export function recordDecisionsEvent(record: RunRecord, clock: Clock): void {
  const decided = record.pending.filter((p) => p.decision !== undefined).length;
  const event = recordEvent(clock, "decisions-recorded", decisionsSummary(record), { decided, pending: record.pending.length });
  const last = record.events[record.events.length - 1];
  if (last?.type === "decisions-recorded") record.events[record.events.length - 1] = event;
  else record.events.push(event);
}
