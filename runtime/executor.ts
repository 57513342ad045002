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
import { attemptPrice, type BudgetStore } from "./budget";
import { cacheKey, nodeIdentity, type CacheStore } from "./cache";
import type { Clock } from "./clock";
import { credits, exact, rounded, ZERO, type Decimal } from "./credits";
import type { ReviewDecider, ReviewVerdict } from "./deciders";
import { RuntimeError } from "./errors";
import type { FlowGraph, GraphGate, GraphNode, GraphRef, GraphSelect, GraphStream, Scenario } from "./graph";
import { hashValue } from "./hash";
import type { InputItem } from "./inputs";
import type { AttemptEntry, Journal, JournalOutput, Replay } from "./journal";
import type { CallDispatcher } from "./provider";
import { emptyCounters, type StreamCounters } from "./record";
import type { CallOutcome, CallRequest, Item, PendingDecision, RunEvent } from "./types";

export const DEFAULT_CONCURRENCY = 16;

export interface ExecutorOptions {
  runId: string;
  graph: FlowGraph;
  /** items of every input, given or synthesised */
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
  onAlert?: (spent: Decimal) => Promise<void>;
  onEvent?: (event: RunEvent) => void;
  /** keep the items that reach the outputs (off for long runs: memory stays flat) */
  collectOutputs?: boolean;
}

export interface ExecutionResult {
  status: "completed" | "paused" | "awaiting-review" | "failed";
  reason?: "budget" | "review" | "error";
  error?: string;
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

interface Sink {
  item(item: Item): void;
  roundEnd(round: number): void;
  end(): void;
}

class Outlet implements Sink {
  readonly sinks: Sink[] = [];
  item(item: Item): void {
    for (const sink of this.sinks) sink.item(item);
  }
  roundEnd(round: number): void {
    for (const sink of this.sinks) sink.roundEnd(round);
  }
  end(): void {
    for (const sink of this.sinks) sink.end();
  }
}

/** Releases results in the order their slots were reserved. */
class Reorder<T> {
  private issued = 0;
  private next = 0;
  private readonly done = new Map<number, T>();
  constructor(private readonly emit: (value: T) => void) {}

  reserve(): number {
    return this.issued++;
  }

  complete(seq: number, value: T): void {
    if (seq !== this.next) {
      this.done.set(seq, value);
      return;
    }
    this.next++;
    this.emit(value);
    while (this.done.has(this.next)) {
      const ready = this.done.get(this.next) as T;
      this.done.delete(this.next);
      this.next++;
      this.emit(ready);
    }
  }
}

class Execution {
  readonly graph: FlowGraph;
  readonly stages = new Map<string, Stage>();
  readonly counters = new Map<string, StreamCounters>();
  readonly pending = new Map<string, PendingDecision>();
  readonly listening: boolean;
  spent: Decimal;
  flagged: boolean;
  stopping: "budget" | "error" | undefined;
  error: string | undefined;
  private busy = 0;
  private finished = false;
  private idleCheck = false;
  private ended = 0;
  private resolve!: (result: ExecutionResult) => void;
  private readonly outputs: { ref: string; count: number; items?: Item[] }[] = [];

  constructor(readonly options: ExecutorOptions) {
    this.graph = options.graph;
    this.spent = options.replay.spent;
    this.flagged = options.flagged;
    this.listening = options.onEvent !== undefined;
  }

  run(): Promise<ExecutionResult> {
    const done = new Promise<ExecutionResult>((resolve) => (this.resolve = resolve));
    this.build();
    this.emit({ type: "run-start", runId: this.options.runId, flow: this.graph.flow, ...(this.options.cap ? { cap: exact(this.options.cap) } : {}), spent: exact(this.spent), resumed: !this.spent.isZero(), nodes: this.graph.streams.filter((s) => s.kind === "node").map((s) => s.name) });
    if (this.options.alert && !this.flagged && this.spent.greaterThan(this.options.alert)) this.crossAlert();
    for (const stage of this.stages.values()) stage.start();
    this.checkIdle();
    return done;
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

  pauseForBudget(): void {
    this.stopping ??= "budget";
  }

  spentNow(spent: Decimal): void {
    if (spent.greaterThan(this.spent)) this.spent = spent;
    if (this.options.alert && !this.flagged && this.spent.greaterThan(this.options.alert)) this.crossAlert();
  }

  stageEnded(stage: Stage): void {
    this.ended++;
    if (stage instanceof NodeStage) this.emit({ type: "node-done", node: stage.name });
  }

  async reviewVerdict(gate: GraphGate, item: Item): Promise<ReviewVerdict | undefined> {
    const replayed = this.options.replay.decision(gate.name, item.id);
    if (replayed) return replayed.decision === "approve" ? "approve" : "reject";
    const request = { runId: this.options.runId, review: gate.name, item: decisionItem(item), cost: rounded(item.cost, 6), expectedApprove: gate.passRate };
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
    const request = { runId: this.options.runId, select: select.name, groupId, variants: items.map(decisionItem), pick, cost: rounded(cost, 6) };
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
    const base = { spent: this.spent, flagged: this.flagged, counters: this.counters, pending, outputs: this.outputs };
    if (this.stopping === "error") return this.resolve({ ...base, status: "failed", reason: "error", error: this.error });
    if (this.ended === this.stages.size) return this.resolve({ ...base, status: "completed" });
    if (this.stopping === "budget") return this.resolve({ ...base, status: "paused", reason: "budget" });
    if (pending.length > 0) return this.resolve({ ...base, status: "awaiting-review", reason: "review" });
    const stuck = [...this.stages.values()].filter((s) => !s.isEnded()).map((s) => s.name);
    this.resolve({ ...base, status: "failed", reason: "error", error: `run stalled with streams unfinished: ${stuck.join(", ")}` });
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
        return new InputStage(this, stream.name, this.options.inputs[stream.name] ?? []);
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

/** stream name → the retry gate whose chain (from its target to its source) holds it */
export function retryChains(graph: FlowGraph): Map<string, GraphGate> {
  const byName = new Map(graph.streams.map((s) => [s.name, s]));
  const chains = new Map<string, GraphGate>();
  for (const gate of graph.streams) {
    if (gate.kind !== "gate" || !gate.retry) continue;
    const path: string[] = [];
    let current: string | undefined = gate.source.name;
    while (current !== undefined && current !== gate.retry.target) {
      path.push(current);
      current = sourceName(byName.get(current) ?? ({ kind: "input" } as GraphStream));
    }
    if (current === undefined) throw new RuntimeError("graph", `gate ${gate.name}: ${gate.retry.target} is not upstream of ${gate.source.name}`);
    path.push(current);
    for (const name of path) {
      const other = chains.get(name);
      if (other) throw new RuntimeError("graph", `stream ${name} is on the retry chains of both ${other.name} and ${gate.name}`);
      chains.set(name, gate);
    }
  }
  return chains;
}

abstract class Stage implements Sink {
  readonly pass = new Outlet();
  readonly rejected = new Outlet();
  protected round = 0;
  protected inputOpen = true;
  protected moreRounds = true;
  /** items accepted and not yet released */
  protected outstanding = 0;
  private lastRoundEnd = -1;
  private ended = false;
  protected readonly counters: StreamCounters;

  constructor(
    readonly run: Execution,
    readonly name: string,
    /** on a retry chain: passes round ends downstream */
    readonly inChain: boolean,
    /** takes its rounds from upstream round ends */
    protected readonly followsRounds: boolean,
  ) {
    this.counters = run.counter(name);
  }

  abstract item(item: Item): void;

  wire(): void {}

  start(): void {}

  isEnded(): boolean {
    return this.ended;
  }

  roundEnd(round: number): void {
    if (!this.followsRounds) return;
    this.round = round;
    this.closeInput();
  }

  end(): void {
    this.moreRounds = false;
    this.closeInput();
  }

  protected closeInput(): void {
    this.inputOpen = false;
    this.onInputClosed();
    this.settle();
  }

  /** an item of a later round opens that round */
  protected enterRound(item: Item): void {
    if (this.followsRounds && item.round > this.round) {
      this.round = item.round;
      this.inputOpen = true;
    }
  }

  protected onInputClosed(): void {}

  /** false: the stage took over the end of this round (a retry gate starting the next) */
  protected beforeRoundEnd(): boolean {
    return true;
  }

  protected settle(): void {
    if (this.inputOpen || this.outstanding > 0 || this.ended) return;
    if (!this.beforeRoundEnd()) return;
    if (this.inChain && this.round > this.lastRoundEnd) {
      this.lastRoundEnd = this.round;
      this.pass.roundEnd(this.round);
      this.rejected.roundEnd(this.round);
    }
    if (!this.moreRounds && !this.ended) {
      this.ended = true;
      this.pass.end();
      this.rejected.end();
      this.run.stageEnded(this);
    }
  }

  protected itemDone(item: Item, result: "out" | "rejected" | "retried" | "failed"): void {
    if (this.run.listening) this.run.emit({ type: "item-done", stream: this.name, itemId: item.id, result });
  }
}

class InputStage extends Stage {
  constructor(run: Execution, name: string, private readonly items: InputItem[]) {
    super(run, name, false, false);
  }

  item(): void {}

  override start(): void {
    this.items.forEach((input, i) => {
      const item: Item = { id: `${this.name}#${i}`, key: String(i), value: input.value, hash: input.hash, metrics: {}, round: 0, cost: ZERO };
      this.counters.itemsOut++;
      this.pass.item(item);
    });
    this.end();
  }
}

interface Call {
  round: number;
  callId: string;
  /** empty for a node without arguments */
  items: Item[];
  /** input slots; a node without arguments has one, for its single output group */
  inputs: Item[];
  seqs: number[];
}

type CallResult = { outputs: JournalOutput[]; credits: Decimal } | { outputs: undefined; credits: Decimal } | "stopped";

const UNIT: Item = { id: "", key: "0", value: null, hash: "", metrics: {}, round: 0, cost: ZERO };

class NodeStage extends Stage {
  private readonly queue: Call[] = [];
  private head = 0;
  private inFlight = 0;
  private started = false;
  private readonly concurrency: number;
  private readonly order: Reorder<Item[]>;
  private batch: { items: Item[]; seqs: number[] } = { items: [], seqs: [] };
  private batches = 0;
  private readonly named: { name: string; item?: Item; missing: boolean; ref: GraphRef }[];
  private readonly prices = new Map<number, Decimal>();
  private readonly identity: string;
  private readonly overhead: Decimal;
  private readonly price: Decimal;
  private readonly timeoutMs: number | undefined;
  private readonly ttlMs: number | undefined;

  constructor(
    run: Execution,
    readonly node: GraphNode,
    inChain: boolean,
    private readonly target: boolean,
  ) {
    super(run, node.name, inChain, inChain && !target);
    this.concurrency = Math.max(1, node.concurrency ?? run.options.concurrency ?? DEFAULT_CONCURRENCY);
    this.order = new Reorder((items) => this.release(items));
    this.named = node.named.map((n) => ({ name: n.name, ref: n.ref, missing: false }));
    this.identity = nodeIdentity(node);
    this.overhead = credits(node.overheadPerCall);
    this.price = credits(node.pricePerOutput);
    this.timeoutMs = node.timeoutSeconds !== undefined ? Math.round(Number(node.timeoutSeconds) * 1000) : undefined;
    this.ttlMs = node.cacheTtlSeconds !== undefined ? Number(node.cacheTtlSeconds) * 1000 : undefined;
  }

  override wire(): void {
    if (this.node.source) this.run.outlet(this.node.source).sinks.push(this);
    for (const arg of this.named) {
      this.run.outlet(arg.ref).sinks.push({
        item: (item) => {
          if (arg.item) return;
          arg.item = item;
          this.pump();
        },
        roundEnd: () => undefined,
        end: () => {
          if (arg.item) return;
          arg.missing = true;
          this.pump();
        },
      });
    }
  }

  override start(): void {
    if (this.node.source) return;
    this.accept(UNIT, 0);
    this.end();
  }

  item(item: Item): void {
    this.enterRound(item);
    this.accept(item, this.inChain && !this.target ? item.round : 0);
  }

  override end(): void {
    // the first node of a retry chain hears from its gate when the rounds are over
    if (this.target) this.closeInput();
    else super.end();
  }

  /** the retry gate sends rejected items back as the next round */
  retryRound(round: number, items: Item[]): void {
    this.round = round;
    this.inputOpen = true;
    for (const item of items) this.accept(item, round);
    this.closeInput();
  }

  finishRounds(): void {
    this.moreRounds = false;
    this.settle();
  }

  private accept(item: Item, round: number): void {
    if (item !== UNIT) this.counters.itemsIn++;
    this.outstanding++;
    const seq = this.order.reserve();
    const size = this.node.batch;
    if (size === undefined) {
      this.enqueue({ round, callId: item === UNIT ? "0" : item.key, items: item === UNIT ? [] : [item], inputs: [item], seqs: [seq] });
      return;
    }
    this.batch.items.push(item);
    this.batch.seqs.push(seq);
    if (this.batch.items.length >= size) this.cutBatch(round);
  }

  protected override onInputClosed(): void {
    if (this.batch.items.length > 0) this.cutBatch(this.round);
  }

  private cutBatch(round: number): void {
    const { items, seqs } = this.batch;
    this.batch = { items: [], seqs: [] };
    this.enqueue({ round, callId: `b${this.batches++}`, items, inputs: items, seqs });
  }

  private enqueue(call: Call): void {
    this.queue.push(call);
    this.pump();
  }

  private pump(): void {
    if (this.named.some((n) => !n.item && !n.missing)) return;
    while (this.head < this.queue.length && this.inFlight < this.concurrency && !this.run.stopping) {
      const call = this.queue[this.head]!;
      this.queue[this.head++] = undefined as unknown as Call;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      if (!this.started) {
        this.started = true;
        this.run.emit({ type: "node-start", node: this.name });
      }
      this.inFlight++;
      this.run.track(this.execute(call));
    }
  }

  private async execute(call: Call): Promise<void> {
    try {
      const result = this.named.some((n) => n.missing) ? { outputs: undefined, credits: ZERO } : await this.perform(call);
      if (result !== "stopped") this.complete(call, result.outputs, result.credits);
    } finally {
      this.inFlight--;
      this.pump();
    }
  }

  private priceOf(items: number): Decimal {
    let price = this.prices.get(items);
    if (!price) this.prices.set(items, (price = attemptPrice(this.overhead, this.price, items, this.node.variants)));
    return price;
  }

  private callKey(call: Call): string {
    return `${this.name}/r${call.round}/${call.callId}`;
  }

  private async perform(call: Call): Promise<CallResult> {
    const key = this.callKey(call);
    const units = Math.max(1, call.items.length);
    const price = this.priceOf(units);
    const history = this.run.options.replay.takeCall(key);
    if (history?.hit) return this.replayHit(call, history.hit.outputs, price);
    let attempts = 0;
    let spent = ZERO;
    if (history && history.attempts.length > 0) {
      this.counters.calls++;
      for (const entry of history.attempts) {
        attempts++;
        const charged = credits(entry.credits);
        spent = spent.plus(charged);
        this.counters.attempts++;
        this.counters.credits = this.counters.credits.plus(charged);
        if (entry.ok && entry.outputs) return this.callDone(call, attempts, spent, entry.outputs, false);
      }
    } else if (call.round === 0 && this.ttlMs !== undefined) {
      const hit = await this.cacheLookup(call, key, price);
      if (hit) return hit;
    }
    const ids = call.items.map((i) => i.id);
    while (attempts < this.node.retry + 1) {
      if (this.run.stopping) return "stopped";
      const reservation = await this.run.options.budget.reserve(this.run.options.runId, price);
      if (!reservation) {
        this.run.pauseForBudget();
        return "stopped";
      }
      attempts++;
      if (attempts === 1) this.counters.calls++;
      const outcome = await this.attempt(call, attempts, units);
      const entry: AttemptEntry = {
        type: "attempt",
        call: key,
        node: this.name,
        callId: call.callId,
        round: call.round,
        items: ids,
        attempt: attempts,
        idempotencyKey: `${this.run.options.runId}/${key}/a${attempts}`,
        ok: outcome.ok,
        credits: exact(price),
        at: this.run.options.clock.now(),
        ...(outcome.ok ? { outputs: outcome.outputs.map(journalOutput) } : { error: outcome.error }),
      };
      try {
        await this.run.options.journal.append(entry);
      } catch (error) {
        await this.run.options.budget.release(reservation);
        throw error;
      }
      this.run.spentNow(await this.run.options.budget.commit(reservation));
      spent = spent.plus(price);
      this.counters.attempts++;
      this.counters.credits = this.counters.credits.plus(price);
      if (entry.outputs) {
        if (this.ttlMs !== undefined && call.round === 0) await this.cacheStore(call, entry.outputs);
        return this.callDone(call, attempts, spent, entry.outputs, false);
      }
      if (this.run.listening) this.run.emit({ type: "attempt-failed", node: this.name, callId: call.callId, attempt: attempts, error: entry.error ?? "" });
    }
    return this.callDone(call, attempts, spent, undefined, false);
  }

  private async attempt(call: Call, attempt: number, units: number): Promise<CallOutcome> {
    const request: CallRequest = {
      runId: this.run.options.runId,
      flow: this.run.graph.flow,
      node: this.node,
      callId: call.callId,
      round: call.round,
      attempt,
      idempotencyKey: `${this.run.options.runId}/${this.callKey(call)}/a${attempt}`,
      items: call.items.map((i) => ({ id: i.id, key: i.key, value: i.value, hash: i.hash })),
      named: this.namedArgs(),
      variants: this.node.variants,
    };
    const outcome = await this.run.options.dispatcher.dispatch(request, this.timeoutMs);
    const expected = units * this.node.variants;
    if (outcome.ok && outcome.outputs.length !== expected) return { ok: false, error: `provider returned ${outcome.outputs.length} outputs, expected ${expected}` };
    return outcome;
  }

  private namedArgs(): CallRequest["named"] {
    const named: CallRequest["named"] = {};
    for (const arg of this.named) if (arg.item) named[arg.name] = { id: arg.item.id, value: arg.item.value, hash: arg.item.hash };
    return named;
  }

  private cacheKeyOf(call: Call): string {
    const named: Record<string, string> = {};
    for (const arg of this.named) named[arg.name] = arg.item?.hash ?? "";
    return cacheKey(this.identity, call.items.map((i) => i.hash), named);
  }

  private async cacheLookup(call: Call, key: string, price: Decimal): Promise<CallResult | undefined> {
    const entry = await this.run.options.cache.get(this.cacheKeyOf(call), this.ttlMs ?? 0, this.run.options.clock.now());
    if (!entry || entry.outputs.length !== Math.max(1, call.items.length) * this.node.variants) return undefined;
    await this.run.options.journal.append({
      type: "cache-hit",
      call: key,
      node: this.name,
      callId: call.callId,
      round: call.round,
      items: call.items.map((i) => i.id),
      saved: exact(price),
      outputs: entry.outputs,
      at: this.run.options.clock.now(),
    });
    return this.replayHit(call, entry.outputs, price);
  }

  private replayHit(call: Call, outputs: JournalOutput[], price: Decimal): CallResult {
    this.counters.cacheHits++;
    this.counters.cacheSaved = this.counters.cacheSaved.plus(price);
    return this.callDone(call, 0, ZERO, outputs, true);
  }

  private async cacheStore(call: Call, outputs: JournalOutput[]): Promise<void> {
    try {
      await this.run.options.cache.put({ key: this.cacheKeyOf(call), flow: this.run.graph.flow, node: this.name, createdAt: this.run.options.clock.now(), outputs });
    } catch {
      // a cache that cannot be written costs a future run a call, not this run its result
    }
  }

  private callDone(call: Call, attempts: number, spent: Decimal, outputs: JournalOutput[] | undefined, cached: boolean): CallResult {
    if (this.run.listening) {
      this.run.emit({
        type: "call-done",
        node: this.name,
        callId: call.callId,
        round: call.round,
        items: call.items.length,
        attempts,
        credits: exact(spent),
        cached,
        ok: outputs !== undefined,
        spent: exact(this.run.spent),
        ...(this.run.options.cap ? { cap: exact(this.run.options.cap) } : {}),
      });
    }
    return { outputs, credits: spent };
  }

  private complete(call: Call, outputs: JournalOutput[] | undefined, spent: Decimal): void {
    const variants = this.node.variants;
    const share = spent.isZero() ? ZERO : spent.dividedBy(call.inputs.length * variants);
    call.inputs.forEach((input, i) => {
      if (!outputs) {
        if (input !== UNIT) {
          this.counters.failedItems++;
          this.itemDone(input, "failed");
        }
        this.order.complete(call.seqs[i]!, []);
        return;
      }
      const made: Item[] = [];
      for (let v = 0; v < variants; v++) made.push(this.outputItem(input, call.round, v, outputs[i * variants + v]!, share));
      this.order.complete(call.seqs[i]!, made);
    });
    this.outstanding -= call.inputs.length;
    this.settle();
  }

  private outputItem(input: Item, round: number, variant: number, output: JournalOutput, share: Decimal): Item {
    const variants = this.node.variants;
    const key = variants > 1 ? `${input.key}.v${variant}` : input.key;
    const suffix = round > 0 ? `@r${round}` : "";
    const item: Item = {
      id: `${this.name}#${key}${suffix}`,
      key,
      value: output.value,
      hash: output.hash,
      metrics: output.metrics,
      round,
      cost: share.isZero() ? input.cost : input.cost.plus(share),
    };
    if (variants > 1) item.group = { id: `${this.name}#${input.key}${suffix}`, size: variants, index: variant };
    if (this.inChain) item.origin = this.target ? input : input.origin;
    return item;
  }

  private release(items: Item[]): void {
    for (const item of items) {
      this.counters.itemsOut++;
      this.itemDone(item, "out");
      this.pass.item(item);
    }
  }
}

function journalOutput(output: { value: unknown; metrics: Record<string, number>; hash?: string }): JournalOutput {
  return { value: output.value, hash: output.hash ?? hashValue(output.value), metrics: output.metrics };
}

type Verdict = { pass: boolean; item: Item };

class GateStage extends Stage {
  private readonly order: Reorder<Verdict>;
  private retryItems: Item[] = [];
  private retryKeys = new Set<string>();
  private handledRound = -1;
  private readonly scenarioRounds: { passed: number }[] | undefined;
  private readonly passedInRound = new Map<number, number>();
  private readonly conds: { metric: string; op: string; threshold: number }[];

  constructor(
    run: Execution,
    readonly gate: GraphGate,
    inChain: boolean,
  ) {
    super(run, gate.name, inChain, inChain || gate.retry !== undefined);
    this.order = new Reorder((v) => this.release(v));
    this.scenarioRounds = run.options.scenario?.gates[gate.name];
    this.conds = gate.conds.map((c) => ({ metric: c.metric, op: c.op, threshold: Number(c.threshold) }));
  }

  override wire(): void {
    this.run.outlet(this.gate.source).sinks.push(this);
  }

  item(item: Item): void {
    this.enterRound(item);
    this.counters.itemsIn++;
    this.outstanding++;
    const seq = this.order.reserve();
    const round = this.followsRounds ? item.round : 0;
    const forced = this.scenarioVerdict(round);
    if (forced !== undefined) return this.decided(seq, item, forced);
    if (!this.gate.human) return this.decided(seq, item, this.meets(item));
    this.run.track(this.ask(seq, item));
  }

  private async ask(seq: number, item: Item): Promise<void> {
    const verdict = await this.run.reviewVerdict(this.gate, item);
    if (verdict === undefined) {
      this.run.pending.set(`${this.name}\u0000${item.id}`, { stream: this.name, kind: "review", itemId: item.id });
      this.run.emit({ type: "decision-pending", stream: this.name, itemId: item.id });
      return;
    }
    this.decided(seq, item, verdict === "approve");
  }

  private decided(seq: number, item: Item, pass: boolean): void {
    this.order.complete(seq, { pass, item });
    this.outstanding--;
    this.settle();
  }

  private scenarioVerdict(round: number): boolean | undefined {
    const spec = this.scenarioRounds?.[round];
    if (!spec) return undefined;
    const passed = this.passedInRound.get(round) ?? 0;
    const pass = passed < spec.passed;
    if (pass) this.passedInRound.set(round, passed + 1);
    return pass;
  }

  private meets(item: Item): boolean {
    return this.conds.every((c) => {
      const value = item.metrics[c.metric];
      if (value === undefined) return false;
      switch (c.op) {
        case ">=":
          return value >= c.threshold;
        case ">":
          return value > c.threshold;
        case "<=":
          return value <= c.threshold;
        default:
          return value < c.threshold;
      }
    });
  }

  private release({ pass, item }: Verdict): void {
    if (pass) {
      this.counters.itemsOut++;
      this.itemDone(item, "out");
      this.pass.item(item);
      return;
    }
    const retry = this.gate.retry;
    if (retry && item.round < retry.upTo && item.origin) {
      this.counters.retried++;
      this.itemDone(item, "retried");
      if (!this.retryKeys.has(item.origin.key)) {
        this.retryKeys.add(item.origin.key);
        this.retryItems.push(item.origin);
      }
      return;
    }
    this.counters.rejected++;
    this.itemDone(item, "rejected");
    if (!this.gate.discards) this.rejected.item(item);
  }

  protected override beforeRoundEnd(): boolean {
    const retry = this.gate.retry;
    if (!retry || this.handledRound >= this.round) return true;
    this.handledRound = this.round;
    const target = this.run.stageOf(retry.target) as NodeStage;
    const items = this.retryItems;
    this.retryItems = [];
    this.retryKeys = new Set();
    if (items.length > 0 && this.round < retry.upTo) target.retryRound(this.round + 1, items);
    else target.finishRounds();
    return false;
  }
}

class SelectStage extends Stage {
  private readonly order: Reorder<Item[]>;
  private group: { id: string; items: Item[]; seq: number } | undefined;
  private readonly source: GraphNode | undefined;

  constructor(
    run: Execution,
    readonly select: GraphSelect,
    inChain: boolean,
  ) {
    super(run, select.name, inChain, inChain);
    this.order = new Reorder((items) => this.release(items));
    const source = run.graph.streams.find((s) => s.name === select.source);
    this.source = source?.kind === "node" ? source : undefined;
  }

  override wire(): void {
    this.run.outlet({ name: this.select.source, rejected: false }).sinks.push(this);
  }

  item(item: Item): void {
    this.enterRound(item);
    this.counters.itemsIn++;
    const groupId = item.group?.id ?? item.id;
    if (!this.group || this.group.id !== groupId) {
      this.outstanding++;
      this.group = { id: groupId, items: [], seq: this.order.reserve() };
    }
    this.group.items.push(item);
    if (this.group.items.length >= (item.group?.size ?? this.source?.variants ?? 1)) {
      const group = this.group;
      this.group = undefined;
      this.choose(group);
    }
  }

  private choose(group: { id: string; items: Item[]; seq: number }): void {
    const by = this.select.by;
    const pick = Math.min(this.select.pick, group.items.length);
    if (by.kind !== "human") return this.decided(group, rankBy(group.items, by.metric, by.kind === "highest").slice(0, pick));
    if (this.run.options.scenario) return this.decided(group, group.items.slice(0, pick));
    this.run.track(this.ask(group, pick));
  }

  private async ask(group: { id: string; items: Item[]; seq: number }, pick: number): Promise<void> {
    const chosen = await this.run.selectVerdict(this.select, group.id, group.items, pick);
    if (chosen === undefined) {
      this.run.pending.set(`${this.name}\u0000${group.id}`, { stream: this.name, kind: "select", itemId: group.id, variants: group.items.map((i) => i.id), pick });
      this.run.emit({ type: "decision-pending", stream: this.name, itemId: group.id });
      return;
    }
    this.decided(group, group.items.filter((i) => chosen.includes(i.id)));
  }

  private decided(group: { items: Item[]; seq: number }, kept: Item[]): void {
    this.counters.rejected += group.items.length - kept.length;
    const keptIds = new Set(kept.map((i) => i.id));
    this.order.complete(
      group.seq,
      group.items.filter((i) => keptIds.has(i.id)),
    );
    this.outstanding--;
    this.settle();
  }

  private release(items: Item[]): void {
    for (const item of items) {
      this.counters.itemsOut++;
      this.itemDone(item, "out");
      this.pass.item(item);
    }
  }
}

/** best first; ties keep the lower variant first */
function rankBy(items: Item[], metric: string, highest: boolean): Item[] {
  const score = (item: Item) => item.metrics[metric] ?? (highest ? -Infinity : Infinity);
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => (highest ? score(b.item) - score(a.item) : score(a.item) - score(b.item)) || a.index - b.index)
    .map((entry) => entry.item);
}
