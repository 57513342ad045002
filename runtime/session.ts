// One segment of a run (its start, or a resume): lock the run, rebuild what earlier segments did
// from the journal, execute, then write the record and tell the owner when it paused.
import type { BudgetStore } from "./budget";
import type { CacheStore } from "./cache";
import { iso, type Clock } from "./clock";
import { credits, exact, type Decimal } from "./credits";
import { DocumentDecider, type ReviewDecider } from "./deciders";
import { execute, refName, type ExecutionResult } from "./executor";
import type { InputItem } from "./inputs";
import { Replay } from "./journal";
import { addMedia } from "./media";
import { notifyAll, type Notifier, type RunSummary } from "./notify";
import { LocalDispatcher, type CallDispatcher, type Provider } from "./provider";
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
  /** how calls reach the provider (default: directly, in this process) */
  dispatcher?: CallDispatcher;
  inputs: Record<string, InputItem[]>;
  /** asked after the decisions recorded for the run */
  decider?: ReviewDecider;
  notifiers: Notifier[];
  clock: Clock;
  onEvent?: (event: RunEvent) => void;
  /** stops the segment cleanly: it ends paused, reason `aborted` */
  signal?: AbortSignal;
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
    outputs: graph.outputs.map((ref) => ({ ref: refName(ref), items: 0 })),
    events: [],
  };
}

export async function runSegment(ctx: SegmentContext): Promise<SegmentResult> {
  const { config, stores } = ctx;
  const runId = config.runId;
  const unlock = await stores.runs.lock(runId);
  const journal = stores.runs.journal(runId);
  try {
    const replay = new Replay(await journal.read());
    const cap = config.cap !== undefined ? credits(config.cap) : undefined;
    const alert = config.graph.budget.alert !== undefined ? credits(config.graph.budget.alert) : undefined;
    const resumed = ctx.record.segments.length > 0;
    await beginSegment(ctx, replay.spent, cap);
    await stores.budget.open(runId, replay.spent, cap);
    const events: RecordEvent[] = [];
    const result = await execute({
      runId,
      graph: config.graph,
      inputs: ctx.inputs,
      journal,
      replay,
      budget: stores.budget,
      cache: stores.cache,
      dispatcher: ctx.dispatcher ?? new LocalDispatcher(ctx.provider),
      deciders: [new DocumentDecider(await stores.runs.decisions(runId), "recorded"), ...(ctx.decider ? [ctx.decider] : [])],
      scenario: config.scenario,
      clock: ctx.clock,
      concurrency: config.concurrency,
      cap,
      alert,
      flagged: ctx.record.flagged,
      resumed,
      onAlert: (spent) => flagRun(ctx, spent, alert ?? spent, cap, events),
      onEvent: ctx.onEvent,
      signal: ctx.signal,
      collectOutputs: ctx.collectOutputs,
    });
    await stores.budget.close(runId);
    const record = await finish(ctx, ctx.record, result, replay.spent, cap, events);
    if (result.status === "paused" || result.status === "awaiting-review") {
      ctx.onEvent?.({ type: "pause", reason: result.status === "paused" ? (result.reason === "aborted" ? "aborted" : "budget") : "review", spent: exact(result.spent), ...(cap ? { cap: exact(cap) } : {}), pending: result.pending.length });
    }
    ctx.onEvent?.({ type: "run-end", runId, status: record.status, spent: record.totals.spent, ...(record.reason ? { reason: record.reason } : {}) });
    return { record, outputs: Object.fromEntries(result.outputs.filter((o) => o.items).map((o) => [o.ref, o.items as Item[]])) };
  } finally {
    await journal.close();
    await unlock();
  }
}

/** Opens a segment in the record: a segment left running by a killed process is closed first. */
async function beginSegment(ctx: SegmentContext, spent: Decimal, cap: Decimal | undefined): Promise<void> {
  const { record, clock } = ctx;
  const last = record.segments[record.segments.length - 1];
  const interrupted = last?.status === "running";
  if (last && interrupted) {
    last.status = "failed";
    last.spent = exact(spent.minus(credits(last.spentBefore)));
  }
  const capText = cap ? exact(cap) : undefined;
  const message = last ? `resumed${interrupted ? " after an interruption" : ""} with ${exact(spent)} credits spent${capText ? `, cap ${capText}` : ""}` : `started${capText ? ` with cap ${capText}` : ""}`;
  record.events.push(recordEvent(clock, last ? "resumed" : "started", message, capText ? { cap: capText } : undefined));
  record.segments.push({ startedAt: iso(clock), ...(capText ? { cap: capText } : {}), spentBefore: exact(spent), spent: "0", status: "running" });
  record.status = "running";
  delete record.reason;
  delete record.error;
  delete record.endedAt;
  if (capText) record.cap = capText;
  await ctx.stores.runs.writeRecord(record);
}

/** Crossing the alert: the flag that holds the flow's next run, an event, and the owner told. */
async function flagRun(ctx: SegmentContext, spent: Decimal, alert: Decimal, cap: Decimal | undefined, events: RecordEvent[]): Promise<void> {
  const { config, clock } = ctx;
  await ctx.stores.runs.setFlag({ flow: config.flow, runId: config.runId, spent: exact(spent), alert: exact(alert), at: iso(clock) });
  const message = `run ${config.runId} of ${config.flow} crossed its alert: ${exact(spent)} credits spent, alert at ${exact(alert)}; the next run of ${config.flow} waits for \`flowc ack ${config.runId}\``;
  events.push(recordEvent(clock, "alert", message, { spent: exact(spent), alert: exact(alert) }));
  events.push(...(await notify(ctx, summary(config, "running", undefined, spent, cap, 0, message))));
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
  if (result.pending.length > 0) await addMedia(result.pending, graph, ctx.provider, ctx.stores.runs, config.runId);
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
  if ((result.status === "paused" && result.reason !== "aborted") || result.status === "awaiting-review") {
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
      if (record.reason === "aborted") return `run ${record.runId} of ${record.flow} was stopped by its caller: ${spent}`;
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
