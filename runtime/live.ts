// A run's record as it stands now. A record says `running` from the start of a segment until its
// end and is refreshed only as nodes finish, so for a running record the journal is the truth of
// what was charged: its calls, attempts, credits and cache hits replace the record's. When no live
// process holds the run's lock, the process is gone (killed, a full disk, a lost Redis) and the run
// is shown `interrupted`; `flowc resume` continues it.
import { credits, Decimal, exact, ZERO } from "./credits";
import type { JournalEntry } from "./journal";
import { causeOf, emptyCounters, failureOf, sortedFailures, totalsOf, type NodeRecord, type RunRecord, type StreamCounters } from "./record";
import type { RunStore } from "./runs";

export async function currentRecord(runs: RunStore, record: RunRecord): Promise<RunRecord> {
  if (record.status !== "running") return record;
  const [entries, holder, config] = await Promise.all([runs.journal(record.runId).read(), runs.holder(record.runId), runs.config(record.runId)]);
  const charged = journalCounters(entries);
  const nodes = record.nodes.map((node) => withJournal(node, charged.get(node.name)));
  const spent = [...charged.values()].reduce((total: Decimal, c) => total.plus(c.credits), ZERO);
  const totals = { ...totalsOf(config.graph, spent, new Map()), ...sums(nodes), spent: exact(spent) };
  const live: RunRecord = { ...record, nodes, totals, segments: record.segments.map((s) => ({ ...s })) };
  const last = live.segments[live.segments.length - 1];
  if (last) last.spent = exact(Decimal.max(ZERO, spent.minus(credits(last.spentBefore))));
  if (!holder) {
    live.status = "interrupted";
    if (last) last.status = "interrupted";
  }
  return live;
}

/** Per node, what the journal holds: calls, attempts, credits, cache hits and failures. */
function journalCounters(entries: JournalEntry[]): Map<string, StreamCounters> {
  const counters = new Map<string, StreamCounters>();
  const calls = new Set<string>();
  for (const entry of entries) {
    if (entry.type === "decision") continue;
    let c = counters.get(entry.node);
    if (!c) counters.set(entry.node, (c = emptyCounters()));
    if (entry.type === "cache-hit") {
      c.cacheHits++;
      c.cacheSaved = c.cacheSaved.plus(credits(entry.saved));
      continue;
    }
    if (!calls.has(entry.call)) {
      calls.add(entry.call);
      c.calls++;
    }
    c.attempts++;
    c.credits = c.credits.plus(credits(entry.credits));
    if (!entry.ok) failureOf(c, entry.cause ?? causeOf({ ok: false, error: entry.error ?? "" }), true).attempts++;
  }
  return counters;
}

function withJournal(node: NodeRecord, charged: StreamCounters | undefined): NodeRecord {
  if (node.kind !== "node" || !charged) return node;
  const uncharged = node.failures.filter((f) => !f.charged);
  return {
    ...node,
    calls: Math.max(node.calls, charged.calls),
    attempts: charged.attempts,
    credits: exact(charged.credits),
    cacheHits: charged.cacheHits,
    cacheSaved: exact(charged.cacheSaved),
    failures: sortedFailures([...charged.failures.values(), ...uncharged]),
  };
}

function sums(nodes: NodeRecord[]): Pick<RunRecord["totals"], "calls" | "attempts" | "cacheHits" | "cacheSaved" | "failedItems"> {
  let cacheSaved = ZERO;
  const totals = { calls: 0, attempts: 0, cacheHits: 0, failedItems: 0 };
  for (const n of nodes) {
    totals.calls += n.calls;
    totals.attempts += n.attempts;
    totals.cacheHits += n.cacheHits;
    totals.failedItems += n.failedItems;
    cacheSaved = cacheSaved.plus(credits(n.cacheSaved));
  }
  return { ...totals, cacheSaved: exact(cacheSaved) };
}
