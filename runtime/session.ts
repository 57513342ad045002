// One segment of a run (its start, or a resume), executed while its caller holds the run's lock:
// rebuild what earlier segments did from the journal, execute, refresh the record as nodes finish,
// then write the record and tell the owner when it paused.
import type { BudgetStore } from "./budget";
import type { CacheStore } from "./cache";
import { iso, type Clock } from "./clock";
import { credits, exact, type Decimal } from "./credits";
import { DocumentDecider, type ReviewDecider } from "./deciders";
import type { BackoffPolicy } from "./backoff";
import { RuntimeError, StorageError } from "./errors";
import { execute, refName, type ExecutionResult, type Progress } from "./executor";
import type { FlowGraph } from "./graph";
import type { InputItem } from "./inputs";
import { Replay, type Journal } from "./journal";
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
  backoff: BackoffPolicy;
  /** the shared budget pool that refused a call during this segment (Redis), if one did */
  poolRefused?: () => string | undefined;
  /** the shared store is gone (Redis): why */
  lost?: () => Error | undefined;
}

export interface SegmentResult {
  record: RunRecord;
  outputs: Record<string, Item[]>;
}

/**
 * The alert of a run with this cap: a flow's `alert 75%` is 75% of the cap the run has (the flow's,
 * or the one given with `--cap`); an alert in credits stays as written.
 */
export function effectiveAlert(graph: FlowGraph, cap: string | undefined): string | undefined {
  const percent = graph.budget.alertPercent;
  if (percent === undefined || cap === undefined) return graph.budget.alert;
  return exact(credits(cap).times(credits(percent)).dividedBy(100));
}

export function initialRecord(config: RunConfig, providerName: string, clock: Clock): RunRecord {
  const graph = config.graph;
  const alert = effectiveAlert(graph, config.cap);
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
  const journal = stores.runs.journal(runId);
  const refresher = new RecordRefresher(stores.runs);
  try {
    return await executeSegment(ctx, journal, refresher);
  } catch (error) {
    throw resumable(ctx.lost?.() ?? error, runId);
  } finally {
    await refresher.settle();
    await journal.close();
  }
}

async function executeSegment(ctx: SegmentContext, journal: Journal, refresher: RecordRefresher): Promise<SegmentResult> {
  const { config, stores } = ctx;
  const runId = config.runId;
  const replay = new Replay(await journal.read());
  const cap = config.cap !== undefined ? credits(config.cap) : undefined;
  const alertText = effectiveAlert(config.graph, config.cap);
  const alert = alertText !== undefined ? credits(alertText) : undefined;
  const resumed = ctx.record.segments.length > 0;
  await beginSegment(ctx, replay.spent, cap, alertText);
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
    backoff: ctx.backoff,
    onNodeDone: (progress) => refresher.request(() => progressRecord(ctx, progress)),
  });
  await stores.budget.close(runId);
  await refresher.settle();
  const lost = ctx.lost?.();
  if (lost) throw lost;
  const record = await finish(ctx, ctx.record, result, replay.spent, cap, events);
  announceEnd(ctx, result, record, cap);
  return { record, outputs: Object.fromEntries(result.outputs.filter((o) => o.items).map((o) => [o.ref, o.items as Item[]])) };
}

function announceEnd(ctx: SegmentContext, result: ExecutionResult, record: RunRecord, cap: Decimal | undefined): void {
  if (result.status === "paused" || result.status === "awaiting-review") {
    ctx.onEvent?.({ type: "pause", reason: result.status === "paused" ? (result.reason === "aborted" ? "aborted" : "budget") : "review", spent: exact(result.spent), ...(cap ? { cap: exact(cap) } : {}), pending: result.pending.length });
  }
  ctx.onEvent?.({ type: "run-end", runId: record.runId, status: record.status, spent: record.totals.spent, ...(record.reason ? { reason: record.reason } : {}) });
}

/**
 * A store that cannot be written (a full disk) or is gone (Redis) stops the run; its journal keeps
 * what was spent, and the error says how to go on.
 */
function resumable(error: unknown, runId: string): unknown {
  if (error instanceof StorageError) return interrupted(new StorageError(error.file, error.systemCode, `${error.message}; what the run spent is in its journal, and run ${runId} can be resumed once this is fixed`), runId);
  if (error instanceof RuntimeError && error.code === "redis") return interrupted(new RuntimeError("redis", `${error.message}: run ${runId} is interrupted and can be resumed once Redis is back`), runId);
  return error;
}

function interrupted(error: RuntimeError, runId: string): RuntimeError {
  error.interruptedRun = runId;
  return error;
}

/** The record while a segment runs: counters so far, status still running. */
function progressRecord(ctx: SegmentContext, progress: Progress): RunRecord {
  const graph = ctx.config.graph;
  return {
    ...ctx.record,
    totals: totalsOf(graph, progress.spent, progress.counters),
    nodes: nodeRecords(graph, progress.counters),
    outputs: progress.outputs.map((o) => ({ ref: o.ref, items: o.count })),
  };
}

/**
 * Writes the record as nodes finish, one write at a time (a burst of finishing nodes writes the
 * latest state once more). Best effort: the journal holds what was charged, and `runs` and
 * `report` read it when a record is stale.
 */
class RecordRefresher {
  private writing: Promise<void> | undefined;
  private next: (() => RunRecord) | undefined;

  constructor(private readonly runs: RunStore) {}

  request(make: () => RunRecord): void {
    this.next = make;
    this.writing ??= this.drain();
  }

  async settle(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    while (this.next) {
      const make = this.next;
      this.next = undefined;
      await this.runs.writeRecord(make()).catch(() => undefined);
    }
    this.writing = undefined;
  }
}

/** Opens a segment in the record: a segment left running by a killed process is closed first. */
async function beginSegment(ctx: SegmentContext, spent: Decimal, cap: Decimal | undefined, alert: string | undefined): Promise<void> {
  const { record, clock } = ctx;
  const last = record.segments[record.segments.length - 1];
  const interrupted = last?.status === "running" || last?.status === "interrupted";
  if (last && interrupted) {
    last.status = "interrupted";
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
  if (alert !== undefined) record.alert = alert;
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
  const pool = result.status === "paused" ? ctx.poolRefused?.() : undefined;
  if (result.reason) record.reason = pool !== undefined ? "pool" : result.reason;
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
  for (const warning of result.warnings) events.push(recordEvent(clock, "warning", warning.message, { code: warning.code }));
  const message = outcomeMessage(record, cap, pool);
  const type = result.status === "paused" ? "budget-pause" : result.status === "awaiting-review" ? "review-pause" : result.status === "failed" ? "failed" : "completed";
  events.push(recordEvent(clock, type, message, result.status === "awaiting-review" ? { pending: result.pending.length } : undefined));
  if ((result.status === "paused" && result.reason !== "aborted") || result.status === "awaiting-review") {
    events.push(...(await notify(ctx, summary(config, result.status, record.reason, result.spent, cap, result.pending.length, message))));
  }
  record.events.push(...events);
  await ctx.stores.runs.writeRecord(record);
  return record;
}

function outcomeMessage(record: RunRecord, cap: Decimal | undefined, pool: string | undefined): string {
  const spent = `${record.totals.spent} credits spent${cap ? ` of a cap of ${exact(cap)}` : ""}`;
  switch (record.status) {
    case "paused":
      if (record.reason === "aborted") return `run ${record.runId} of ${record.flow} was stopped by its caller: ${spent}`;
      if (pool !== undefined) return `run ${record.runId} of ${record.flow} paused: budget pool ${pool} refused the next call (${spent}). Raise the pool's cap with \`flowc resume ${record.runId} --budget-pool ${pool} --pool-cap N\`, or resume in the pool's next window`;
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
  const alert = effectiveAlert(config.graph, config.cap);
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
