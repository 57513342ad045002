// The dataflow executor. Every stream is a stage; items flow from inputs through nodes, gates and
// selects as soon as they are ready, with at most `concurrency` calls in flight per node.
//
// Determinism: each stage emits its outputs in the order its inputs arrived (a reorder buffer),
// so every stream's order — and with it batch composition, scenario splits and item ids — is the
// same in every run with the same seed, however calls interleave, and a resumed run replays the
// journal into exactly the calls the interrupted one made.
//
// Rounds: a gate with `else retry X up to K` owns the chain of stages from X to its source. Items
// carry their round; each chain stage closes round r once its upstream did and its round-r work is
// done; the gate then sends the rejected items of round r back into X together as round r + 1, or
// tells X no round follows. Batched nodes cut batches within a round, the last partial one only
// once the round's input is complete.
import type { BudgetStore } from "./budget";
import type { CacheStore } from "./cache";
import type { Clock } from "./clock";
import { exact, ZERO, type Decimal } from "./credits";
import type { ReviewDecider, ReviewVerdict } from "./deciders";
import { RuntimeError } from "./errors";
import type { FlowGraph, GraphGate, GraphRef, GraphSelect, GraphStream, Scenario } from "./graph";
import type { InputItem } from "./inputs";
import type { Journal, Replay } from "./journal";
import { NodeStage } from "./node-stage";
import { own } from "./own";
export { DEFAULT_CONCURRENCY } from "./node-stage";
import type { CallDispatcher } from "./provider";
import { emptyCounters, failureSummary, sortedFailures, type StreamCounters } from "./record";
import type { BackoffPolicy } from "./backoff";
import { GateStage, InputStage, SelectStage, type Outlet, type Stage } from "./stages";
import type { Item, PendingDecision, RunEvent } from "./types";

/** Attempts dispatched and not yet journaled, across the run: keeps memory flat on a slow disk. */
const JOURNAL_BACKLOG = 1024;
/** Calls queued across the run above which inputs stop emitting, and below which they resume. */
const QUEUED_HIGH = 1024;
const QUEUED_LOW = 512;

export interface ExecutorOptions {
  runId: string;
  graph: FlowGraph;
  /** items of every input, given or synthesised (consumed: entries are cleared once emitted) */
  inputs: Record<string, InputItem[]>;
  journal: Journal;
  replay: Replay;
  budget: BudgetStore;
  cache: CacheStore;
  dispatcher: CallDispatcher;
  /** asked in order; the first answer wins (after the journal's own record of earlier answers) */
  deciders: ReviewDecider[];
  scenario?: Scenario;
  clock: Clock;
  /** per node, unless the node sets `concurrency` */
  concurrency?: number;
  cap?: Decimal;
  alert?: Decimal;
  /** the run already crossed its alert in an earlier segment */
  flagged: boolean;
  /** a later segment of the run (for the run-start event) */
  resumed?: boolean;
  onAlert?: (spent: Decimal) => Promise<void>;
  onEvent?: (event: RunEvent) => void;
  /** keep the items that reach the outputs (off for long runs: memory stays flat) */
  collectOutputs?: boolean;
  /** abort: no new call starts; the run ends paused (reason `aborted`) once the calls in flight end */
  signal?: AbortSignal | undefined;
  /** the waits between a call's attempts */
  backoff: BackoffPolicy;
  /** a node finished: the session refreshes the run's record */
  onNodeDone?: (progress: Progress) => void;
}

/** Where a run stands while it executes. */
export interface Progress {
  spent: Decimal;
  counters: Map<string, StreamCounters>;
  outputs: { ref: string; count: number }[];
}

export interface ExecutionResult {
  status: "completed" | "paused" | "awaiting-review" | "failed";
  reason?: "budget" | "review" | "error" | "calls" | "aborted";
  error?: string;
  /** what the run worked around, in order (each also emitted as a `warning` event) */
  warnings: { code: string; message: string }[];
  spent: Decimal;
  flagged: boolean;
  counters: Map<string, StreamCounters>;
  pending: PendingDecision[];
  outputs: { ref: string; count: number; items?: Item[] }[];
}

export function refName(ref: GraphRef): string {
  return ref.rejected ? `${ref.name}.rejected` : ref.name;
}

export function execute(options: ExecutorOptions): Promise<ExecutionResult> {
  return new Execution(options).run();
}

export class Execution {
  readonly graph: FlowGraph;
  readonly stages = new Map<string, Stage>();
  readonly counters = new Map<string, StreamCounters>();
  readonly pending = new Map<string, PendingDecision>();
  readonly listening: boolean;
  spent: Decimal;
  flagged: boolean;
  stopping: "budget" | "aborted" | "error" | undefined;
  error: string | undefined;
  /** calls queued in every node, not yet started */
  queued = 0;
  private readonly paced = new Set<InputStage>();
  private busy = 0;
  private backlog = 0;
  private readonly blocked = new Set<NodeStage>();
  private finished = false;
  private idleCheck = false;
  private ended = 0;
  private resolve!: (result: ExecutionResult) => void;
  private readonly outputs: { ref: string; count: number; items?: Item[] }[] = [];
  private readonly warnings: { code: string; message: string }[] = [];
  private readonly warned = new Set<string>();

  constructor(readonly options: ExecutorOptions) {
    this.graph = options.graph;
    this.spent = options.replay.spent;
    this.flagged = options.flagged;
    this.listening = options.onEvent !== undefined;
    options.dispatcher.onWarning?.((code, message) => this.warn(code, message, true));
  }

  run(): Promise<ExecutionResult> {
    const done = new Promise<ExecutionResult>((resolve) => (this.resolve = resolve));
    this.build();
    this.emit({ type: "run-start", runId: this.options.runId, flow: this.graph.flow, ...(this.options.cap ? { cap: exact(this.options.cap) } : {}), spent: exact(this.spent), resumed: this.options.resumed === true, nodes: this.graph.streams.filter((s) => s.kind === "node").map((s) => s.name) });
    if (this.options.alert && !this.flagged && this.spent.greaterThan(this.options.alert)) this.crossAlert();
    this.options.signal?.addEventListener("abort", this.abort, { once: true });
    for (const stage of this.stages.values()) stage.start();
    this.checkIdle();
    return done.finally(() => this.options.signal?.removeEventListener("abort", this.abort));
  }

  emit(event: RunEvent): void {
    this.options.onEvent?.(event);
  }

  counter(name: string): StreamCounters {
    let c = this.counters.get(name);
    if (!c) this.counters.set(name, (c = emptyCounters()));
    return c;
  }

  /** Runs async work; the run is idle (finished, paused or waiting) when none is left. */
  track(work: Promise<unknown>): void {
    this.busy++;
    work
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.busy--;
        if (this.busy === 0) this.checkIdle();
      });
  }

  fail(error: unknown): void {
    if (this.stopping === "error") return;
    this.stopping = "error";
    this.error = error instanceof Error ? error.message : String(error);
  }

  queuesFull(input: InputStage): boolean {
    if (this.queued < QUEUED_HIGH) return false;
    this.paced.add(input);
    return true;
  }

  dequeued(): void {
    this.queued--;
    if (this.queued > QUEUED_LOW || this.paced.size === 0) return;
    const waiting = [...this.paced];
    this.paced.clear();
    // woken after the current pump, not inside it
    queueMicrotask(() => waiting.forEach((input) => input.emit()));
  }

  /** an attempt's journal append: counted while it waits for its flush */
  async journaled(append: Promise<void>): Promise<void> {
    this.backlog++;
    try {
      await append;
    } finally {
      this.backlog--;
      if (this.blocked.size > 0 && this.backlog < JOURNAL_BACKLOG) {
        const waiting = [...this.blocked];
        this.blocked.clear();
        for (const stage of waiting) stage.pump();
      }
    }
  }

  /** true (and the stage is woken later) when too many attempts wait for the journal */
  backlogged(stage: NodeStage): boolean {
    if (this.backlog < JOURNAL_BACKLOG) return false;
    this.blocked.add(stage);
    return true;
  }

  /** Something the run works around; `once`: said the first time only (per code). */
  warn(code: string, message: string, once = false): void {
    if (once && this.warned.has(code)) return;
    this.warned.add(code);
    this.warnings.push({ code, message });
    this.emit({ type: "warning", code, message });
  }

  pauseForBudget(): void {
    this.stopping ??= "budget";
  }

  private readonly abort = (): void => {
    this.stopping ??= "aborted";
    this.checkIdle();
  };

  spentNow(spent: Decimal): void {
    if (spent.greaterThan(this.spent)) this.spent = spent;
    if (this.options.alert && !this.flagged && this.spent.greaterThan(this.options.alert)) this.crossAlert();
  }

  stageEnded(stage: Stage): void {
    this.ended++;
    if (!(stage instanceof NodeStage)) return;
    this.emit({ type: "node-done", node: stage.name });
    this.options.onNodeDone?.({ spent: this.spent, counters: this.counters, outputs: this.outputs });
  }

  async reviewVerdict(gate: GraphGate, item: Item): Promise<ReviewVerdict | undefined> {
    const replayed = this.options.replay.decision(gate.name, item.id);
    if (replayed) return replayed.decision === "approve" ? "approve" : "reject";
    const request = { runId: this.options.runId, review: gate.name, item: decisionItem(item), cost: exact(item.cost), expectedApprove: gate.passRate };
    for (const decider of this.options.deciders) {
      const verdict = await withTimeout(decider.review(request), gate.timeoutSeconds);
      if (verdict !== "approve" && verdict !== "reject") continue;
      await this.recordDecision(gate.name, item.id, verdict, decider.name);
      return verdict;
    }
    return undefined;
  }

  async selectVerdict(select: GraphSelect, groupId: string, items: Item[], pick: number): Promise<string[] | undefined> {
    const ids = items.map((i) => i.id);
    const replayed = this.options.replay.decision(select.name, groupId);
    if (replayed && Array.isArray(replayed.decision)) return replayed.decision;
    const cost = items.reduce((total, i) => total.plus(i.cost), ZERO);
    const request = { runId: this.options.runId, select: select.name, groupId, variants: items.map(decisionItem), pick, cost: exact(cost) };
    for (const decider of this.options.deciders) {
      const chosen = await decider.select(request);
      if (!chosen || !validChoice(chosen, ids, pick)) continue;
      await this.recordDecision(select.name, groupId, chosen, decider.name);
      return chosen;
    }
    return undefined;
  }

  private async recordDecision(stream: string, itemId: string, decision: ReviewVerdict | string[], by: string): Promise<void> {
    await this.options.journal.append({ type: "decision", stream, itemId, decision, by, at: this.options.clock.now() });
  }

  private crossAlert(): void {
    this.flagged = true;
    this.emit({ type: "alert", spent: exact(this.spent), alert: exact(this.options.alert ?? ZERO) });
    if (this.options.onAlert) this.track(this.options.onAlert(this.spent));
  }

  private checkIdle(): void {
    if (this.idleCheck || this.finished) return;
    this.idleCheck = true;
    setImmediate(() => {
      this.idleCheck = false;
      if (this.busy === 0 && !this.finished) this.finish();
    });
  }

  private finish(): void {
    this.finished = true;
    const pending = [...this.pending.values()];
    const base = { spent: this.spent, flagged: this.flagged, counters: this.counters, pending, outputs: this.outputs, warnings: this.warnings };
    if (this.stopping === "error") return this.resolve({ ...base, status: "failed", reason: "error", error: this.error });
    if (this.ended === this.stages.size) return this.resolve(this.outcome(base));
    if (this.stopping === "budget" || this.stopping === "aborted") return this.resolve({ ...base, status: "paused", reason: this.stopping });
    if (pending.length > 0) return this.resolve({ ...base, status: "awaiting-review", reason: "review" });
    const stuck = [...this.stages.values()].filter((s) => !s.isEnded()).map((s) => s.name);
    this.resolve({ ...base, status: "failed", reason: "error", error: `run stalled with streams unfinished: ${stuck.join(", ")}` });
  }

  /** A run that ended: failed when calls failed and nothing reached an output, else completed. */
  private outcome(base: Omit<ExecutionResult, "status">): ExecutionResult {
    const nodes = [...this.counters].map(([name, c]) => ({ name, failedCalls: c.failedCalls, failures: sortedFailures(c.failures.values()) }));
    const lost = failureSummary(nodes);
    if (lost.length === 0 || this.outputs.some((o) => o.count > 0)) return { ...base, status: "completed" };
    return { ...base, status: "failed", reason: "calls", error: `no item reached an output because calls failed: ${lost.join("; ")}` };
  }

  private build(): void {
    const chains = retryChains(this.graph);
    for (const stream of this.graph.streams) this.stages.set(stream.name, this.stage(stream, chains));
    for (const stream of this.graph.streams) this.stages.get(stream.name)!.wire();
    for (const ref of this.graph.outputs) {
      const output: { ref: string; count: number; items?: Item[] } = { ref: refName(ref), count: 0 };
      if (this.options.collectOutputs) output.items = [];
      this.outputs.push(output);
      this.outlet(ref).sinks.push({
        item: (item) => {
          output.count++;
          output.items?.push(item);
        },
        roundEnd: () => undefined,
        end: () => undefined,
      });
    }
  }

  private stage(stream: GraphStream, chains: Map<string, GraphGate>): Stage {
    const chain = chains.get(stream.name);
    const target = chain?.retry?.target === stream.name;
    switch (stream.kind) {
      case "input":
        return new InputStage(this, stream.name, own(this.options.inputs, stream.name) ?? []);
      case "node":
        return new NodeStage(this, stream, chain !== undefined, target);
      case "gate":
        return new GateStage(this, stream, chain !== undefined);
      case "select":
        return new SelectStage(this, stream, chain !== undefined);
    }
  }

  outlet(ref: GraphRef): Outlet {
    const stage = this.stages.get(ref.name);
    if (!stage) throw new RuntimeError("graph", `unknown stream ${ref.name}`);
    return ref.rejected ? stage.rejected : stage.pass;
  }

  stageOf(name: string): Stage {
    const stage = this.stages.get(name);
    if (!stage) throw new RuntimeError("graph", `unknown stream ${name}`);
    return stage;
  }
}

function decisionItem(item: Item): { id: string; value: unknown; metrics: Record<string, number> } {
  return { id: item.id, value: item.value, metrics: item.metrics };
}

/** exactly `pick` distinct ids among the variants */
function validChoice(chosen: string[], ids: string[], pick: number): boolean {
  return chosen.length === pick && new Set(chosen).size === pick && chosen.every((id) => ids.includes(id));
}

/** undefined when no answer came within the review's timeout */
async function withTimeout<T>(work: Promise<T>, seconds: string | undefined): Promise<T | undefined> {
  if (seconds === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), Number(seconds) * 1000)));
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function sourceName(stream: GraphStream): string | undefined {
  if (stream.kind === "input") return undefined;
  if (stream.kind === "select") return stream.source;
  return stream.source?.name;
}

/**
 * stream name → the retry gate whose chain holds it. The chain comes with the graph (the compiler
 * worked it out once); the runtime only checks that it is one: the target first, each stream
 * reading the one before, the gate's source last.
 */
export function retryChains(graph: FlowGraph): Map<string, GraphGate> {
  const byName = new Map(graph.streams.map((s) => [s.name, s]));
  const chains = new Map<string, GraphGate>();
  for (const gate of graph.streams) {
    if (gate.kind !== "gate" || !gate.retry) continue;
    const path = gate.retry.chain;
    const linked = path.every((name, i) => byName.has(name) && (i === 0 || sourceName(byName.get(name)!) === path[i - 1]));
    if (path[0] !== gate.retry.target || path[path.length - 1] !== gate.source.name || !linked) {
      throw new RuntimeError("graph", `gate ${gate.name}: its retry chain ${path.join(" → ") || "(empty)"} does not lead from ${gate.retry.target} to ${gate.source.name}`);
    }
    for (const name of path) {
      const other = chains.get(name);
      if (other) throw new RuntimeError("graph", `stream ${name} is on the retry chains of both ${other.name} and ${gate.name}`);
      chains.set(name, gate);
    }
  }
  return chains;
}
