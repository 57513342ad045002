// The runtime's public API: what a generated module's `run()` and the CLI call. It writes only
// under the `home` it is given (or to the stores or Redis it is given) and prints nothing: progress,
// pauses and alerts are events (`onEvent`), and the owner is told through the notifiers given.
// Errors are RuntimeErrors with a `code`. Credits at this surface are exact decimal strings.
//
//   startRun(graph, options)        run a flow (inputs, seed, scenario, cap, provider, deciders)
//   resumeRun(runId, options)       continue a paused, awaiting-review, failed or killed run
//   recordDecisions(runId, doc)     decisions for a run awaiting review (then resumeRun)
//   ack(runId)                      acknowledge a run's alert flag
//   getRecord / listRuns / report   run records and the per-node report
//   cacheList / cacheClear          the cache (on disk, or in Redis)
//   startWorker / redisStatus       `flowc worker` and `flowc status` of a Redis deployment
//
// With `redis: URL` the run's stores live in Redis and its calls go to BullMQ workers
// (runtime/redis/, loaded only then); without it, everything stays on this machine.
import path from "node:path";
import { backoffPolicy, type BackoffPolicy } from "./backoff";
import { redisModule, withBackend, type Backend, type BackendOptions } from "./backend";
import type { CacheEntryInfo, CacheFilter } from "./cache";
import { systemClock, type Clock } from "./clock";
import { credits, exact } from "./credits";
import { historyOf, type RunHistory } from "./history";
import { checkDecisions, loadDecisionsFile, SimulatedDecider, type ReviewDecider } from "./deciders";
import { disk, storageError } from "./disk";
import { AlertFlagError, DecisionsError, HomeError, InputError, ProviderConfigError, RuntimeError } from "./errors";
import { isCode } from "./fsutil";
import { currentRecord } from "./live";
import { dict, own } from "./own";
import { retryChains } from "./executor";
import type { FlowGraph, GraphInput, Scenario } from "./graph";
import { checkCount, inputDigest, loadInputs, type InputItem } from "./inputs";
import { notifiers, notifyAll, type Notifier, type NotifyOptions, type RunSummary } from "./notify";
import { publicOutputs, type FlowOutputs } from "./outputs";
import type { CallDispatcher, Provider } from "./provider";
import { HttpProvider, loadEndpoints } from "./providers/http";
import { SimulatedProvider, synthesizeInput, synthesizedCount } from "./providers/simulated";
import { recordEvent, type RunRecord } from "./record";
import { markDecided, recordDecisionsEvent } from "./decided";
import type { PoolAlert, PoolOptions } from "./redis/budget";
import type { RedisTarget } from "./redis/connection";
import type { RedisStatus } from "./redis/status";
import type { WorkerHandle, WorkerOptions } from "./redis/worker";
import type { DecisionsDoc, ProviderSpec, RunConfig } from "./runs";
import { initialRecord, runSegment, type Stores } from "./session";
import type { PendingDecision, RunEvent, RunStatus } from "./types";

export interface StoreOptions {
  /**
   * The folder that holds runs and the cache (the CLI passes `.flowc` at the project root, or
   * $FLOWC_HOME). Needed unless `redis` keeps them: the runtime writes nowhere else.
   */
  home?: string;
  /** @internal replace the local stores (tests, embedding) */
  stores?: Partial<Stores>;
  /** keep runs, journal, budget and cache in Redis, and send calls to BullMQ workers */
  redis?: string | RedisTarget;
  clock?: Clock;
}

export interface SegmentOptions extends StoreOptions {
  /** overrides the flow's cap for this run (on resume: the new cap) */
  cap?: string | number;
  /** default: the simulated provider (on resume: the one the run started with) */
  provider?: Provider;
  /** how calls reach the provider (default: directly, in this process, with the node's timeout) */
  dispatcher?: CallDispatcher;
  /** endpoints file for the HTTP provider */
  httpConfig?: string;
  /** per-call latency of the simulated provider, in ms */
  latencyMs?: number;
  /** decides reviews and human selects (after decisions recorded for the run) */
  decider?: ReviewDecider;
  /** a decisions file (JSON, see schemas/decisions.schema.json) */
  decisionsFile?: string;
  /** the simulated provider decides reviews and human selects at their expected rates (seeded) */
  simulateHumans?: boolean;
  /** how the owner hears about pauses and alerts (default: nobody; `onEvent` sees them either way) */
  notify?: NotifyOptions;
  notifiers?: Notifier[];
  /** progress and outcome events; the runtime prints nothing itself */
  onEvent?: (event: RunEvent) => void;
  /**
   * Stops the run cleanly: no new call starts, the calls in flight finish and are recorded, and the
   * run ends `paused` with reason `aborted`, resumable like any pause.
   */
  signal?: AbortSignal;
  /** keep the items reaching the outputs in the result (default true) */
  collectOutputs?: boolean;
  /** calls in flight per node, for nodes without `concurrency` (default 16) */
  concurrency?: number;
  /** with `redis`: a budget shared with other runs, per window (e.g. a team's daily credits) */
  pool?: PoolOptions;
  /** with `redis`: jobs of this run outstanding at once (back-pressure, default 64) */
  maxInFlight?: number;
  /** the waits between a call's attempts (default: 500 ms doubling to 30 s, 10 min per call in all) */
  backoff?: Partial<BackoffPolicy>;
}

export interface RunOptions extends SegmentOptions {
  /** NAME → file or folder path(s); inputs not given are synthesised */
  inputs?: Record<string, string | string[]>;
  /** resolves relative input paths (default: the working directory) */
  cwd?: string;
  seed?: number;
  /** forced outcomes: `WORST_SCENARIO` spends exactly the worst case */
  scenario?: Scenario;
  /** acknowledge the flow's alert flags before starting */
  ack?: boolean;
}

export type ResumeOptions = SegmentOptions;

export interface RunResult<O extends object = FlowOutputs> {
  runId: string;
  status: RunStatus;
  record: RunRecord;
  /** per output ref, the items that reached it (empty lists when collectOutputs is false) */
  outputs: O;
}

export interface RunSummaryRow {
  runId: string;
  flow: string;
  /** `unreadable`: the run's record is damaged (see `problem`) */
  status: RunStatus | "unreadable";
  /** why the run cannot be listed (status `unreadable`; the other fields are empty) */
  problem?: string;
  spent: string;
  worstCase: string;
  expected: string;
  cap?: string;
  /** decisions awaiting review */
  pending: number;
  flagged: boolean;
  acknowledged: boolean;
  startedAt: string;
  endedAt?: string;
}

export interface CacheListing {
  entries: (CacheEntryInfo & { ageSeconds: number })[];
  /** per flow and node: entries and bytes */
  nodes: { flow: string; node: string; entries: number; bytes: number; oldestSeconds: number; newestSeconds: number; ttlSeconds?: number }[];
  totalBytes: number;
}

/** The home must be a directory (or not exist yet: it is created on the first write). */
async function checkHome(options: StoreOptions): Promise<void> {
  if (options.redis !== undefined || options.stores?.runs || options.home === undefined) return;
  const home = path.resolve(options.home);
  const stats = await disk.stat(home).catch((error: unknown) => {
    if (isCode(error, "ENOENT")) return undefined;
    if (isCode(error, "ENOTDIR")) throw new HomeError(home, "a part of the path is a file, not a directory");
    throw storageError(home, error, "reading");
  });
  if (stats && !stats.isDirectory()) throw new HomeError(home, "is a file, not a directory");
}

function backendOptions(options: StoreOptions & Partial<SegmentOptions>, dispatch: boolean): BackendOptions {
  return {
    ...(options.home !== undefined ? { home: path.resolve(options.home) } : {}),
    clock: options.clock ?? systemClock,
    dispatch,
    ...(options.stores ? { stores: options.stores } : {}),
    ...(options.redis !== undefined ? { redis: options.redis } : {}),
    ...(options.pool ? { pool: options.pool } : {}),
    ...(options.maxInFlight ? { maxInFlight: options.maxInFlight } : {}),
  };
}

/** The stores alone, for the commands that make no call. */
async function withStores<T>(options: StoreOptions, work: (stores: Stores) => Promise<T>): Promise<T> {
  await checkHome(options);
  return withBackend(backendOptions(options, false), (backend) => work(backend.stores));
}

/**
 * Runs a flow. `O` is the shape of its outputs, as a compiled module declares it (`Outputs`);
 * resolves when the run completes, pauses (budget, review, abort) or fails.
 */
export async function startRun<O extends object = FlowOutputs>(graph: FlowGraph, options: RunOptions = {}): Promise<RunResult<O>> {
  options.signal?.throwIfAborted();
  await checkHome(options);
  return withBackend(backendOptions(options, true), (backend) => start(graph, options, backend)) as Promise<RunResult<O>>;
}

/** Holds the run's lock (a live process holding it already: a `run-busy` error naming it) while working. */
async function withRunLock<T>(stores: Stores, runId: string, work: () => Promise<T>): Promise<T> {
  const unlock = await stores.runs.lock(runId);
  let result: T;
  try {
    result = await work();
  } catch (error) {
    // the work's error is the one to report; a lock left behind is taken over once its process is gone
    await unlock().catch(() => undefined);
    throw error;
  }
  await unlock();
  return result;
}

async function start(graph: FlowGraph, options: RunOptions, backend: Backend): Promise<RunResult> {
  const stores = backend.stores;
  const clock = options.clock ?? systemClock;
  retryChains(graph);
  await checkFlags(graph.flow, stores, options.ack === true, clock);
  const seed = options.seed ?? 0;
  const spec: ProviderSpec = options.provider ? { kind: "custom", name: options.provider.name } : options.httpConfig ? { kind: "http", configPath: path.resolve(options.httpConfig) } : { kind: "simulated", ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}) };
  const provider = options.provider ?? (await providerOf(spec, seed, options.scenario, options.latencyMs));
  prepare(provider, graph);
  const decider = await deciderOf(options, graph, seed, options.simulateHumans === true);
  const given = resolvePaths(options.inputs ?? {}, options.cwd);
  const inputs = await allInputs(graph, given, options.scenario);
  const cap = options.cap !== undefined ? exact(credits(options.cap)) : graph.budget.cap;
  let record: RunRecord | undefined;
  const config = await stores.runs.create(
    {
      flow: graph.flow,
      graph,
      seed,
      ...(options.scenario ? { scenario: options.scenario } : {}),
      ...(cap !== undefined ? { cap } : {}),
      inputs: given,
      inputDigests: Object.fromEntries(Object.entries(inputs).map(([name, items]) => [name, inputDigest(items)])),
      provider: spec,
      simulateHumans: options.simulateHumans === true,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      createdAt: clock.now(),
    },
    clock,
    (created) => (record = initialRecord(created, provider.name, clock)),
  );
  return withRunLock(stores, config.runId, () => segment(config, record!, backend, provider, inputs, decider, options, clock));
}

/** Continues a paused, awaiting-review, failed or interrupted run where it stopped. */
export async function resumeRun<O extends object = FlowOutputs>(runId: string, options: ResumeOptions = {}): Promise<RunResult<O>> {
  options.signal?.throwIfAborted();
  await checkHome(options);
  return withBackend(backendOptions(options, true), (backend) => withRunLock(backend.stores, runId, () => resume(runId, options, backend))) as Promise<RunResult<O>>;
}

/** Runs under the run's lock: nothing is read or changed before it is held. */
async function resume(runId: string, options: ResumeOptions, backend: Backend): Promise<RunResult> {
  const stores = backend.stores;
  const clock = options.clock ?? systemClock;
  let config = await stores.runs.config(runId);
  const record = await stores.runs.readRecord(runId);
  if (record.status === "completed") throw new RuntimeError("run-state", `run ${runId} already completed; nothing to resume`);
  if (options.cap !== undefined) config = { ...config, cap: exact(credits(options.cap)) };
  if (options.latencyMs !== undefined && config.provider.kind === "simulated") config = { ...config, provider: { kind: "simulated", latencyMs: options.latencyMs } };
  if (options.concurrency !== undefined) config = { ...config, concurrency: options.concurrency };
  const provider = options.provider ?? (await providerOf(config.provider, config.seed, config.scenario, options.latencyMs));
  prepare(provider, config.graph);
  // `--simulate-reviews` on resume decides what is left, whatever the run started with
  const decider = await deciderOf(options, config.graph, config.seed, options.simulateHumans ?? config.simulateHumans);
  const inputs = await allInputs(config.graph, config.inputs, config.scenario);
  for (const [name, items] of Object.entries(inputs)) {
    const before = own(config.inputDigests, name);
    if (before !== undefined && before !== inputDigest(items)) throw new InputError(name, `its items changed since run ${runId} started; a resumed run must see the same inputs`);
  }
  await stores.runs.updateConfig(config);
  return segment(config, record, backend, provider, inputs, decider, options, clock);
}

async function segment(config: RunConfig, record: RunRecord, backend: Backend, provider: Provider, inputs: Record<string, InputItem[]>, decider: ReviewDecider | undefined, options: SegmentOptions, clock: Clock): Promise<RunResult> {
  const owner = options.notifiers ?? notifiers({ ...options.notify, stderr: options.notify?.stderr ?? false });
  let poolRefused: string | undefined;
  backend.onPoolAlert?.((alert) => {
    if (alert.kind === "exhausted") poolRefused = alert.pool;
    void notifyAll(owner, poolSummary(config, alert));
  });
  const dispatcher = options.dispatcher ?? backend.dispatcher;
  const result = await runSegment({
    config,
    record,
    stores: backend.stores,
    provider,
    ...(dispatcher ? { dispatcher } : {}),
    inputs,
    ...(decider ? { decider } : {}),
    notifiers: owner,
    clock,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    collectOutputs: options.collectOutputs !== false,
    backoff: backoffPolicy({ ...provider.backoff, ...options.backoff }),
    poolRefused: () => poolRefused,
    ...(backend.lost ? { lost: () => backend.lost!() } : {}),
  });
  return { runId: config.runId, status: result.record.status, record: result.record, outputs: publicOutputs(config.graph, result.outputs) };
}

function poolSummary(config: RunConfig, alert: PoolAlert): RunSummary {
  const since = `since ${alert.windowStart}`;
  const message =
    alert.kind === "alert"
      ? `budget pool ${alert.pool} crossed its alert: ${alert.spent} credits spent ${since} (alert ${alert.alert}, cap ${alert.cap}), last by run ${alert.runId} of ${config.flow}`
      : `budget pool ${alert.pool} refused a call of run ${alert.runId}: ${alert.spent} credits spent ${since} and ${alert.reserved ?? "0"} reserved, of a cap of ${alert.cap}; the run pauses (raise the pool's cap, or resume in the next window)`;
  return { runId: alert.runId, flow: config.flow, status: "running", reason: `pool-${alert.kind}`, spent: alert.spent, cap: alert.cap, ...(alert.alert ? { alert: alert.alert } : {}), pending: 0, message };
}

async function checkFlags(flow: string, stores: Stores, acknowledge: boolean, clock: Clock): Promise<void> {
  const flags = await stores.runs.flags(flow);
  if (flags.length === 0) return;
  if (!acknowledge) throw new AlertFlagError(flow, flags.map((f) => f.runId));
  for (const flag of flags) await acknowledgeRun(flag.runId, stores, clock);
}

async function providerOf(spec: ProviderSpec, seed: number, scenario: Scenario | undefined, latencyMs: number | undefined): Promise<Provider> {
  switch (spec.kind) {
    case "simulated":
      return new SimulatedProvider({ seed, ...(scenario ? { scenario } : {}), latencyMs: latencyMs ?? spec.latencyMs ?? 0 });
    case "http":
      return new HttpProvider(await loadEndpoints(spec.configPath));
    case "custom":
      throw new ProviderConfigError("resume", [`the run used provider "${spec.name}": pass it again`]);
  }
}

function prepare(provider: Provider, graph: FlowGraph): void {
  const found = provider.prepare?.(graph) ?? [];
  if (found.length > 0) throw new ProviderConfigError(`provider ${provider.name}`, found);
}

async function deciderOf(options: SegmentOptions, graph: FlowGraph, seed: number, simulateHumans: boolean): Promise<ReviewDecider | undefined> {
  if (options.decider) return options.decider;
  if (options.decisionsFile) {
    // checked as `flowc review` checks decisions, before any credit is spent
    const decider = await loadDecisionsFile(options.decisionsFile);
    const found = decisionProblems(graph, [], decider.doc);
    if (found.length > 0) throw new DecisionsError(options.decisionsFile, found);
    return decider;
  }
  return simulateHumans ? new SimulatedDecider(seed) : undefined;
}

function resolvePaths(given: Record<string, string | string[]>, cwd = process.cwd()): Record<string, string[]> {
  return Object.fromEntries(Object.entries(given).map(([name, paths]) => [name, [paths].flat().map((p) => path.resolve(cwd, p))]));
}

/** Given inputs read from disk; the others synthesised (scenario count, else expected count). */
async function allInputs(graph: FlowGraph, given: Record<string, string | string[]>, scenario: Scenario | undefined): Promise<Record<string, InputItem[]>> {
  const loaded = await loadInputs(graph, given);
  const inputs = dict<InputItem[]>();
  for (const input of graph.streams.filter((s): s is GraphInput => s.kind === "input")) {
    const given = own(loaded, input.name);
    const items = given ?? synthesizeInput(input, synthesizedCount(input, scenario));
    if (!given) checkCount(input, items.length, "the synthesised input");
    inputs[input.name] = items;
  }
  return inputs;
}

export async function recordDecisions(runId: string, decisions: unknown, options: StoreOptions = {}): Promise<RunRecord> {
  return withStores(options, (stores) => storeDecisions(runId, decisions, stores, options.clock ?? systemClock));
}

async function storeDecisions(runId: string, decisions: unknown, stores: Stores, clock: Clock): Promise<RunRecord> {
  const doc = checkDecisions(decisions, `decisions for run ${runId}`);
  return withRunLock(stores, runId, async () => {
    const config = await stores.runs.config(runId);
    const record = await stores.runs.readRecord(runId);
    return addDecisions(runId, doc, config.graph, record, stores, clock);
  });
}

async function addDecisions(runId: string, doc: DecisionsDoc, graph: FlowGraph, record: RunRecord, stores: Stores, clock: Clock): Promise<RunRecord> {
  const found = decisionProblems(graph, record.pending, doc);
  if (found.length > 0) throw new DecisionsError(`decisions for run ${runId}`, found);
  const merged = await stores.runs.addDecisions(runId, doc);
  markDecided(record.pending, merged);
  recordDecisionsEvent(record, clock);
  await stores.runs.writeRecord(record);
  return record;
}

/**
 * Stream names must be reviews and human selects; items must be pending (when any are); a select
 * keeps exactly its `pick` variants.
 */
function decisionProblems(graph: FlowGraph, pending: PendingDecision[], doc: DecisionsDoc): string[] {
  const found: string[] = [];
  const byName = new Map(graph.streams.map((s) => [s.name, s]));
  const waiting = new Map(pending.map((p) => [`${p.stream}\u0000${p.itemId}`, p]));
  for (const [stream, items] of Object.entries(doc.reviews ?? {})) {
    const s = byName.get(stream);
    if (s?.kind !== "gate" || !s.human) {
      found.push(`${stream} is not a review of flow ${graph.flow}`);
      continue;
    }
    for (const itemId of Object.keys(items)) if (waiting.size > 0 && !waiting.has(`${stream}\u0000${itemId}`)) found.push(`${stream}: item ${itemId} is not awaiting review (pending: ${pendingIds(pending, stream)})`);
  }
  for (const [stream, groups] of Object.entries(doc.selects ?? {})) {
    const s = byName.get(stream);
    if (s?.kind !== "select" || s.by.kind !== "human") {
      found.push(`${stream} is not a human select of flow ${graph.flow}`);
      continue;
    }
    for (const [groupId, chosen] of Object.entries(groups)) {
      const p = waiting.get(`${stream}\u0000${groupId}`);
      if (!p && waiting.size > 0) {
        found.push(`${stream}: ${groupId} is not awaiting a choice (pending: ${pendingIds(pending, stream)})`);
        continue;
      }
      const unknown = p ? chosen.filter((id) => !(p.variants ?? []).includes(id)) : [];
      if (unknown.length > 0) found.push(`${stream}: ${unknown.join(", ")} not among the variants of ${groupId} (${(p?.variants ?? []).join(", ")})`);
      const pick = p?.pick ?? s.pick;
      if (chosen.length !== pick) found.push(`${stream}: ${groupId} keeps exactly ${pick} variant(s), got ${chosen.length}`);
    }
  }
  return found;
}

function pendingIds(pending: PendingDecision[], stream: string): string {
  return pending.filter((p) => p.stream === stream).map((p) => p.itemId).join(", ") || "none";
}

export async function ack(runId: string, options: StoreOptions = {}): Promise<RunRecord> {
  return withStores(options, (stores) => acknowledgeRun(runId, stores, options.clock ?? systemClock));
}

/**
 * Clears the flag; the record says so too, under the run's lock. A run executing right now writes
 * `acknowledged` itself when its segment ends (it reads the flags then).
 */
async function acknowledgeRun(runId: string, stores: Stores, clock: Clock): Promise<RunRecord> {
  const seen = await stores.runs.readRecord(runId);
  await stores.runs.clearFlag(seen.flow, runId);
  if (await stores.runs.holder(runId)) return { ...seen, acknowledged: seen.flagged };
  return withRunLock(stores, runId, () => markAcknowledged(runId, stores, clock));
}

async function markAcknowledged(runId: string, stores: Stores, clock: Clock): Promise<RunRecord> {
  const record = await stores.runs.readRecord(runId);
  if (!record.flagged || record.acknowledged) return record;
  record.acknowledged = true;
  record.events.push(recordEvent(clock, "acknowledged", `alert acknowledged; runs of ${record.flow} may start again`));
  await stores.runs.writeRecord(record);
  return record;
}

/** The record as it stands now: a `running` one with its journal's spend, or `interrupted`. */
export async function getRecord(runId: string, options: StoreOptions = {}): Promise<RunRecord> {
  return withStores(options, async (stores) => currentRecord(stores.runs, await stores.runs.readRecord(runId)));
}

/** A run's record, its flow's graph, spend over time and failed attempts (from the journal). */
export async function runHistory(runId: string, options: StoreOptions = {}): Promise<RunHistory> {
  return withStores(options, async (stores) => {
    const [stored, config] = await Promise.all([stores.runs.readRecord(runId), stores.runs.config(runId)]);
    const record = await currentRecord(stores.runs, stored);
    const journal = stores.runs.journal(runId);
    try {
      return historyOf(record, config.graph, await journal.read());
    } finally {
      await journal.close();
    }
  });
}

/** The folder of a run kept on this machine (its item pictures live there); undefined with Redis. */
export async function runFolder(runId: string, options: StoreOptions = {}): Promise<string | undefined> {
  return withStores(options, async (stores) => {
    await stores.runs.config(runId);
    return stores.runs.folder?.(runId);
  });
}

export async function listRuns(options: StoreOptions = {}): Promise<RunSummaryRow[]> {
  return withStores(options, async (stores) => {
    const listing = await stores.runs.list();
    const rows: RunSummaryRow[] = [];
    for (const stored of listing.records) {
      try {
        rows.push(summaryRow(await currentRecord(stores.runs, stored)));
      } catch (error) {
        rows.push(unreadableRow(stored.runId, error instanceof Error ? error.message : String(error)));
      }
    }
    return [...rows, ...listing.unreadable.map((u) => unreadableRow(u.runId, u.problem))];
  });
}

function summaryRow(r: RunRecord): RunSummaryRow {
  return {
    runId: r.runId,
    flow: r.flow,
    status: r.status,
    spent: r.totals.spent,
    worstCase: r.totals.worstCase,
    expected: r.totals.expected,
    ...(r.cap !== undefined ? { cap: r.cap } : {}),
    pending: r.pending.length,
    flagged: r.flagged,
    acknowledged: r.acknowledged,
    startedAt: r.startedAt,
    ...(r.endedAt ? { endedAt: r.endedAt } : {}),
  };
}

function unreadableRow(runId: string, problem: string): RunSummaryRow {
  return { runId, flow: "", status: "unreadable", problem, spent: "", worstCase: "", expected: "", pending: 0, flagged: false, acknowledged: false, startedAt: "" };
}

export async function cacheList(options: StoreOptions = {}): Promise<CacheListing> {
  const now = (options.clock ?? systemClock).now();
  const entries = (await withStores(options, (stores) => stores.cache.list())).map((e) => ({ ...e, ageSeconds: Math.max(0, Math.floor((now - e.createdAt) / 1000)) }));
  const nodes = new Map<string, CacheListing["nodes"][number]>();
  for (const e of entries) {
    const key = `${e.flow}\u0000${e.node}`;
    const row = nodes.get(key) ?? { flow: e.flow, node: e.node, entries: 0, bytes: 0, oldestSeconds: e.ageSeconds, newestSeconds: e.ageSeconds };
    row.entries++;
    row.bytes += e.size;
    row.oldestSeconds = Math.max(row.oldestSeconds, e.ageSeconds);
    row.newestSeconds = Math.min(row.newestSeconds, e.ageSeconds);
    if (e.ttlMs !== undefined) row.ttlSeconds = Math.round(e.ttlMs / 1000);
    nodes.set(key, row);
  }
  return { entries, nodes: [...nodes.values()], totalBytes: entries.reduce((n, e) => n + e.size, 0) };
}

/** Removes cache entries (all, one flow's, one node's); returns how many. */
export async function cacheClear(filter: CacheFilter = {}, options: StoreOptions = {}): Promise<number> {
  return withStores(options, (stores) => stores.cache.clear(filter));
}

/** `flowc worker`: runs call jobs from the queue until closed (see runtime/redis/worker.ts). */
export async function startWorker(options: WorkerOptions): Promise<WorkerHandle> {
  return (await redisModule(() => import("./redis/worker"))).startWorker(options);
}

/** `flowc status`: the queue, the workers, the runs in flight and the budget pools. */
export async function redisStatus(target: string | RedisTarget, options: { clock?: Clock } = {}): Promise<RedisStatus> {
  return (await redisModule(() => import("./redis/status"))).redisStatus(target, options.clock ?? systemClock);
}

export type { FlowGraph, GraphGate, GraphInput, GraphNode, GraphRef, GraphSelect, GraphStream, MediaType, Scenario } from "./graph";
export type { FlowItem, FlowOutputs, ItemMediaType, MediaValue, MediaValues } from "./outputs";
export type { RunEvent, RunStatus, PendingDecision, PendingItem, ItemMedia, CallRequest, CallOutcome, ProviderOutput } from "./types";
export type { RunHistory, SpendPoint, FailedAttempt } from "./history";
export type { Picture, PictureSubject } from "./providers/picture";
export { waitingOn, waitsText, decisionsSummary, type Waiting } from "./decided";
export type { RunRecord, NodeRecord, RecordEvent } from "./record";
export type { Provider, CallDispatcher } from "./provider";
export type { CacheEntryInfo, CacheFilter } from "./cache";
export type { DecisionsDoc } from "./runs";
export type { DecisionItem, InteractiveOptions, ReviewDecider, ReviewRequest, ReviewVerdict, SelectRequest } from "./deciders";
export type { Endpoint, EndpointsConfig } from "./providers/http";
export type { SimulatedOptions } from "./providers/simulated";
export type { Notifier, NotifyOptions, RunSummary } from "./notify";
export type { Clock } from "./clock";
export type { RedisTarget } from "./redis/connection";
export type { PoolOptions, PoolAlert } from "./redis/budget";
export type { WorkerOptions, WorkerHandle } from "./redis/worker";
export type { RedisStatus } from "./redis/status";
export { ManualClock, systemClock } from "./clock";
// The stores behind a run, for tests and embedding: their credits are decimal.js values, so they
// stay out of the published declarations (`@internal`, stripped from dist/runtime.d.ts).
/** @internal */
export type { BudgetStore, Reservation } from "./budget";
/** @internal */
export type { CacheStore, CacheEntry } from "./cache";
/** @internal */
export type { Journal, JournalEntry } from "./journal";
/** @internal */
export type { RunStore, RunConfig, AlertFlag } from "./runs";
/** @internal */
export type { Stores } from "./session";
/** @internal */
export type { Backend } from "./backend";
/** @internal */
export { MemoryBudgetStore } from "./budget";
/** @internal */
export { FileCacheStore } from "./cache";
/** @internal */
export { FileJournal } from "./journal";
/** @internal */
export { FileRunStore } from "./runs";
/** @internal */
export { openBackend } from "./backend";
export { SimulatedProvider } from "./providers/simulated";
export { HttpProvider, loadEndpoints } from "./providers/http";
export { LocalDispatcher } from "./provider";
export { DocumentDecider, InteractiveDecider, SimulatedDecider, checkDecisions, loadDecisionsFile } from "./deciders";
export { CommandNotifier, StreamNotifier, WebhookNotifier } from "./notify";
export { loadInputs } from "./inputs";
export { validateRecord } from "./record";
export { report, renderReport, type RunReport, type ReportRow, type ReportFormat } from "./report";
export { createTtyRenderer, createLineLogger, createJsonLogger, type PromptScreen, type TtyRenderer } from "./progress";
export { RuntimeError, RunNotFoundError, InputError, AlertFlagError, DecisionsError, ProviderConfigError, HomeError, StorageError, JournalCorruptError, RunFileError, CacheEntryError, HomeRequiredError, MissingPackageError, type RuntimeErrorCode } from "./errors";
export type { BackoffPolicy } from "./backoff";
export type { FailureCount } from "./record";
export type { CallFailure } from "./types";
