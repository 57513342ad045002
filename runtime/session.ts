// One segment of a run (its start, or a resume): lock the run, rebuild what earlier segments did
// from the journal, execute, then write the record and tell the owner when it paused.
import type { BudgetStore } from "./budget";
import type { CacheStore } from "./cache";
import { iso, type Clock } from "./clock";
import { credits, exact, type Decimal } from "./credits";
import { DocumentDecider, type ReviewDecider } from "./deciders";
import { execute, type ExecutionResult } from "./executor";
import type { InputItem } from "./inputs";
import { Replay } from "./journal";
import { notifyAll, type Notifier, type RunSummary } from "./notify";
import { LocalDispatcher, type Provider } from "./provider";
import { nodeRecords, recordEvent, totalsOf, type RecordEvent, type RunRecord } from "./record";
import type { RunConfig, RunStore } from "./runs";
import type { Item, RunEvent, RunStatus } from "./types";

export interface Stores {
  runs: RunStore;
  cache: CacheStore;
  budget: BudgetStore;
}

export interface SegmentContext {
  config: RunConfig;
  record: RunRecord;
  stores: Stores;
  provider: Provider;
  inputs: Record<string, InputItem[]>;
  /** asked after the decisions recorded for the run */
  decider?: ReviewDecider;
  notifiers: Notifier[];
  clock: Clock;
  onEvent?: (event: RunEvent) => void;
  collectOutputs: boolean;
}

export interface SegmentResult {
  record: RunRecord;
  outputs: Record<string, Item[]>;
}

export function initialRecord(config: RunConfig, providerName: string, clock: Clock): RunRecord {
  const graph = config.graph;
  const alert = graph.budget.alert;
  return {
    schemaVersion: 1,
    runId: config.runId,
    flow: config.flow,
    status: "running",
    startedAt: iso(clock),
    ...(config.cap !== undefined ? { cap: config.cap } : {}),
    ...(alert !== undefined ? { alert } : {}),
    seed: config.seed,
    ...(config.scenario ? { scenario: config.scenario } : {}),
    provider: providerName,
    flagged: false,
    acknowledged: false,
    totals: totalsOf(graph, credits(0), new Map()),
    segments: [],
    nodes: nodeRecords(graph, new Map()),
    pending: [],
    outputs: graph.outputs.map((ref) => ({ ref: ref.rejected ? `${ref.name}.rejected` : ref.name, items: 0 })),
    events: [],
  };
}

export async function runSegment(ctx: SegmentContext): Promise<SegmentResult> {
  const { config, stores, clock } = ctx;
  const runId = config.runId;
  const unlock = await stores.runs.lock(runId);
  const journal = stores.runs.journal(runId);
  try {
    const replay = new Replay(await journal.read());
    const cap = config.cap !== undefined ? credits(config.cap) : undefined;
    const alert = config.graph.budget.alert !== undefined ? credits(config.graph.budget.alert) : undefined;
    const events: RecordEvent[] = [];
    const record = ctx.record;
    const resumed = record.segments.length > 0;
    events.push(recordEvent(clock, resumed ? "resumed" : "started", resumed ? `resumed with ${exact(replay.spent)} credits spent${cap ? `, cap ${exact(cap)}` : ""}` : `started${cap ? ` with cap ${exact(cap)}` : ""}`, cap ? { cap: exact(cap) } : undefined));
    record.segments.push({ startedAt: iso(clock), ...(cap ? { cap: exact(cap) } : {}), spentBefore: exact(replay.spent), spent: "0", status: "running" });
    record.status = "running";
    delete record.reason;
    delete record.error;
    delete record.endedAt;
    if (cap) record.cap = exact(cap);
    record.events.push(...events.splice(0));
    await stores.runs.writeRecord(record);

    await stores.budget.open(runId, replay.spent, cap);
    const stored = new DocumentDecider(await stores.runs.decisions(runId), "recorded");
    const result = await execute({
      runId,
      graph: config.graph,
      inputs: ctx.inputs,
      journal,
      replay,
      budget: stores.budget,
      cache: stores.cache,
      dispatcher: new LocalDispatcher(ctx.provider),
      deciders: ctx.decider ? [stored, ctx.decider] : [stored],
      scenario: config.scenario,
      clock,
      concurrency: config.concurrency,
      cap,
      alert,
      flagged: record.flagged,
      onAlert: async (spent) => {
        await stores.runs.setFlag({ flow: config.flow, runId, spent: exact(spent), alert: exact(alert ?? spent), at: iso(clock) });
        const message = `run ${runId} of ${config.flow} crossed its alert: ${exact(spent)} credits spent, alert at ${exact(alert ?? spent)}; the next run of ${config.flow} waits for \`flowc ack ${runId}\``;
        events.push(recordEvent(clock, "alert", message, { spent: exact(spent), alert: exact(alert ?? spent) }));
        events.push(...(await notify(ctx, summary(config, "running", undefined, spent, cap, 0, message))));
      },
      onEvent: ctx.onEvent,
      collectOutputs: ctx.collectOutputs,
    });
    await stores.budget.close(runId);
    const finalRecord = await finish(ctx, record, result, replay.spent, cap, events);
    if (result.status === "paused" || result.status === "awaiting-review") {
      ctx.onEvent?.({ type: "pause", reason: result.status === "paused" ? "budget" : "review", spent: exact(result.spent), ...(cap ? { cap: exact(cap) } : {}), pending: result.pending.length });
    }
    ctx.onEvent?.({ type: "run-end", runId, status: finalRecord.status, spent: finalRecord.totals.spent, ...(finalRecord.reason ? { reason: finalRecord.reason } : {}) });
    return { record: finalRecord, outputs: Object.fromEntries(result.outputs.filter((o) => o.items).map((o) => [o.ref, o.items as Item[]])) };
  } finally {
    await journal.close();
    await unlock();
  }
}

async function finish(ctx: SegmentContext, record: RunRecord, result: ExecutionResult, spentBefore: Decimal, cap: Decimal | undefined, events: RecordEvent[]): Promise<RunRecord> {
  const { config, clock } = ctx;
  const graph = config.graph;
  record.status = result.status;
  if (result.reason) record.reason = result.reason;
  if (result.error) record.error = result.error;
  record.endedAt = iso(clock);
  record.flagged = result.flagged;
  record.acknowledged = result.flagged && !(await ctx.stores.runs.flags(config.flow)).some((f) => f.runId === config.runId);
  record.totals = totalsOf(graph, result.spent, result.counters);
  record.nodes = nodeRecords(graph, result.counters);
  record.pending = result.pending;
  record.outputs = result.outputs.map((o) => ({ ref: o.ref, items: o.count }));
  const segment = record.segments[record.segments.length - 1]!;
  segment.endedAt = record.endedAt;
  segment.spent = exact(result.spent.minus(spentBefore));
  segment.status = result.status;

  const hits = record.nodes.filter((n) => n.cacheHits > 0);
  if (hits.length > 0) {
    events.push(recordEvent(clock, "cache-hits", `cache hits: ${hits.map((n) => `${n.name} ${n.cacheHits}`).join(", ")} (saved ${record.totals.cacheSaved} credits)`, Object.fromEntries(hits.map((n) => [n.name, n.cacheHits]))));
  }
  const message = outcomeMessage(record, cap);
  const type = result.status === "paused" ? "budget-pause" : result.status === "awaiting-review" ? "review-pause" : result.status === "failed" ? "failed" : "completed";
  events.push(recordEvent(clock, type, message, result.status === "awaiting-review" ? { pending: result.pending.length } : undefined));
  if (result.status === "paused" || result.status === "awaiting-review") {
    events.push(...(await notify(ctx, summary(config, result.status, result.reason, result.spent, cap, result.pending.length, message))));
  }
  record.events.push(...events);
  await ctx.stores.runs.writeRecord(record);
  return record;
}

function outcomeMessage(record: RunRecord, cap: Decimal | undefined): string {
  const spent = `${record.totals.spent} credits spent${cap ? ` of a cap of ${exact(cap)}` : ""}`;
  switch (record.status) {
    case "paused":
      return `run ${record.runId} of ${record.flow} paused at its budget: ${spent}; the next call would pass the cap. Resume with \`flowc resume ${record.runId} --cap N\``;
    case "awaiting-review":
      return `run ${record.runId} of ${record.flow} is awaiting review: ${record.pending.length} decision(s) pending, ${spent}. Record them with \`flowc review ${record.runId}\`, then \`flowc resume ${record.runId}\``;
    case "failed":
      return `run ${record.runId} of ${record.flow} failed: ${record.error ?? "unknown error"} (${spent})`;
    default:
      return `run ${record.runId} of ${record.flow} completed: ${spent}`;
  }
}

function summary(config: RunConfig, status: RunStatus, reason: string | undefined, spent: Decimal, cap: Decimal | undefined, pending: number, message: string): RunSummary {
  const alert = config.graph.budget.alert;
  return {
    runId: config.runId,
    flow: config.flow,
    status,
    ...(reason ? { reason } : {}),
    spent: exact(spent),
    ...(cap ? { cap: exact(cap) } : {}),
    ...(alert !== undefined ? { alert } : {}),
    pending,
    message,
  };
}

async function notify(ctx: SegmentContext, runSummary: RunSummary): Promise<RecordEvent[]> {
  if (ctx.notifiers.length === 0) return [];
  const failures = await notifyAll(ctx.notifiers, runSummary);
  for (const failure of failures) ctx.onEvent?.({ type: "notify-failed", channel: failure.channel, error: failure.error });
  const failed = new Set(failures.map((f) => f.channel));
  const sent = ctx.notifiers.map((n) => n.channel).filter((c) => !failed.has(c));
  const events = failures.map((f) => recordEvent(ctx.clock, "notify-failed", `notifying ${f.channel} failed: ${f.error}`));
  if (sent.length > 0) events.unshift(recordEvent(ctx.clock, "notified", `notified ${sent.join(", ")}`));
  return events;
}
