// A node's stage: queues its calls (one per item, or per batch of B items within a round), runs at
// most `concurrency` of them at a time, one attempt after another, and for each attempt reserves
// its price, calls the provider, journals the outcome (fsync) and only then counts its credits.
// A call an earlier segment finished is replayed from the journal; a cached one costs nothing.
import { retryDelay, seconds } from "./backoff";
import { attemptPrice } from "./budget";
import { cacheKey, nodeIdentity, type CacheEntry } from "./cache";
import { sleepOn } from "./clock";
import { credits, exact, ZERO, type Decimal } from "./credits";
import type { Execution } from "./executor";
import type { GraphNode, GraphRef } from "./graph";
import { hashValue } from "./hash";
import type { AttemptEntry, JournalOutput } from "./journal";
import { dict, own } from "./own";
import { causeOf, failureOf } from "./record";
import { Reorder, Stage } from "./stages";
import type { CallFailure, CallRequest, Item, ProviderOutput } from "./types";

/** calls in flight per node, for nodes without `concurrency` */
export const DEFAULT_CONCURRENCY = 16;

/** A call, advanced one attempt at a time (a failed attempt goes back to the front of the queue). */
interface Call {
  round: number;
  callId: string;
  /** empty for a node without arguments */
  items: Item[];
  /** input slots; a node without arguments has one, for its single output group */
  inputs: Item[];
  seqs: number[];
  /** attempts charged so far (journaled) */
  attempts: number;
  /** attempts made, charged or not (a request that never reached the provider is not charged) */
  tries: number;
  /** credits charged so far */
  spent: Decimal;
  /** the journal and the cache were consulted */
  looked: boolean;
  /** when the first attempt of this segment started (for the total wait) */
  firstAt?: number;
  /** the wait before the next attempt */
  delayMs?: number;
  /** why the call gave up, when it did */
  gaveUp?: { cause: string; charged: boolean };
}

/** done (outputs, or undefined when the call gave up), another attempt, or left for a resume */
type Step = { outputs: JournalOutput[] | undefined } | "again" | "stopped";

function newCall(round: number, callId: string, items: Item[], inputs: Item[], seqs: number[]): Call {
  return { round, callId, items, inputs, seqs, attempts: 0, tries: 0, spent: ZERO, looked: false };
}

const UNIT: Item = { id: "", key: "0", value: null, hash: "", metrics: {}, round: 0, cost: ZERO };

export class NodeStage extends Stage {
  private readonly queue: Call[] = [];
  private head = 0;
  private inFlight = 0;
  private started = false;
  private readonly concurrency: number;
  private readonly order: Reorder<Item[]>;
  private batch: { items: Item[]; seqs: number[] } = { items: [], seqs: [] };
  private batches = 0;
  private readonly named: { name: string; item?: Item; missing: boolean; ref: GraphRef }[];
  private readonly prices = new Map<number, { price: Decimal; text: string }>();
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
      this.enqueue(newCall(round, item === UNIT ? "0" : item.key, item === UNIT ? [] : [item], [item], [seq]));
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
    this.enqueue(newCall(round, `b${this.batches++}`, items, items, seqs));
  }

  private enqueue(call: Call): void {
    this.queue.push(call);
    this.run.queued++;
    this.pump();
  }

  pump(): void {
    if (this.named.some((n) => !n.item && !n.missing)) return;
    while (this.head < this.queue.length && this.inFlight < this.concurrency && !this.run.stopping) {
      if (this.run.backlogged(this)) return;
      const call = this.queue[this.head]!;
      this.queue[this.head++] = undefined as unknown as Call;
      this.run.dequeued();
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      if (!this.started) {
        this.started = true;
        this.run.emit({ type: "node-start", node: this.name });
      }
      this.inFlight++;
      this.run.track(this.step(call));
    }
  }

  /**
   * One attempt of a call. The concurrency slot covers the provider's work only: it is given back
   * as soon as the attempt returns, so calls waiting for the journal's fsync share one flush.
   */
  private async step(call: Call): Promise<void> {
    let holding = true;
    const release = () => {
      if (!holding) return;
      holding = false;
      this.inFlight--;
      this.pump();
    };
    try {
      const missing = this.named.find((n) => n.missing);
      if (missing) call.gaveUp = { cause: `named argument ${missing.name} has no item (${missing.ref.name} produced none)`, charged: false };
      const step = missing ? { outputs: undefined } : await this.advance(call, release);
      if (step === "again") {
        release();
        if (call.delayMs) await sleepOn(this.run.options.clock, call.delayMs);
        // back to the front of the queue: the slot before the head is free once a call was taken
        if (this.head > 0) this.queue[--this.head] = call;
        else this.queue.unshift(call);
        this.run.queued++;
        this.pump();
      } else if (step !== "stopped") {
        this.callDone(call, step.outputs);
        this.complete(call, step.outputs);
      }
    } finally {
      release();
    }
  }

  /** the price of one attempt over `items` items, and its exact text for the journal */
  private priceOf(items: number): { price: Decimal; text: string } {
    let entry = this.prices.get(items);
    if (!entry) {
      const price = attemptPrice(this.overhead, this.price, items, this.node.variants);
      this.prices.set(items, (entry = { price, text: exact(price) }));
    }
    return entry;
  }

  private callKey(call: Call): string {
    return `${this.name}/r${call.round}/${call.callId}`;
  }

  private async advance(call: Call, release: () => void): Promise<Step> {
    const key = this.callKey(call);
    const units = Math.max(1, call.items.length);
    const { price, text } = this.priceOf(units);
    if (!call.looked) {
      call.looked = true;
      const earlier = await this.lookUp(call, key, price);
      if (earlier) return earlier;
    }
    if (call.tries >= this.node.retry + 1) return { outputs: undefined };
    if (this.run.stopping) return "stopped";
    const reservation = await this.run.options.budget.reserve(this.run.options.runId, price);
    if (!reservation) {
      this.run.pauseForBudget();
      return "stopped";
    }
    const attempt = call.attempts + 1;
    if (call.firstAt === undefined) {
      call.firstAt = this.run.options.clock.now();
      if (call.attempts === 0) this.counters.calls++;
    }
    const outcome = await this.attempt(call, attempt, units);
    release();
    if (!outcome.ok && outcome.reached === false) {
      // never reached the provider: nothing to journal, nothing charged
      await this.run.options.budget.release(reservation);
      call.tries++;
      return this.failedAttempt(call, outcome, false);
    }
    const entry: AttemptEntry = {
      type: "attempt",
      call: key,
      node: this.name,
      callId: call.callId,
      round: call.round,
      items: call.items.map((i) => i.id),
      attempt,
      idempotencyKey: `${this.run.options.runId}/${key}/a${attempt}`,
      ok: outcome.ok,
      credits: text,
      at: this.run.options.clock.now(),
      ...(outcome.ok ? { outputs: outcome.outputs } : { error: outcome.error, cause: causeOf(outcome) }),
    };
    try {
      await this.run.journaled(this.run.options.journal.append(entry));
    } catch (error) {
      await this.run.options.budget.release(reservation);
      throw error;
    }
    this.run.spentNow(await this.run.options.budget.commit(reservation));
    this.charge(call, price);
    if (outcome.ok) {
      if (this.ttlMs !== undefined && call.round === 0) await this.cacheStore(call, outcome.outputs);
      return { outputs: outcome.outputs };
    }
    return this.failedAttempt(call, outcome, true);
  }

  /** Counts a failed attempt's cause; then another attempt after a wait, or the call gives up. */
  private failedAttempt(call: Call, outcome: CallFailure, charged: boolean): Step {
    const cause = causeOf(outcome);
    failureOf(this.counters, cause, charged).attempts++;
    call.gaveUp = { cause, charged };
    const next = this.nextAttempt(call, outcome.retryAfterMs);
    if (this.run.listening) {
      const retryInMs = next === "again" ? call.delayMs : undefined;
      this.run.emit({ type: "attempt-failed", node: this.name, callId: call.callId, attempt: call.tries, error: outcome.error, charged, ...(retryInMs !== undefined ? { retryInMs } : {}) });
    }
    return next;
  }

  private nextAttempt(call: Call, retryAfterMs: number | undefined): Step {
    if (call.tries >= this.node.retry + 1) return { outputs: undefined };
    const policy = this.run.options.backoff;
    const delay = retryDelay(policy, call.tries, retryAfterMs);
    const waited = this.run.options.clock.now() - (call.firstAt ?? this.run.options.clock.now());
    if (waited + delay > policy.totalWaitMs) {
      const asked = retryAfterMs !== undefined && retryAfterMs >= delay ? ` (the provider asked to wait ${seconds(retryAfterMs)})` : "";
      call.gaveUp = { cause: `gave up: the next attempt would start past the total wait of ${seconds(policy.totalWaitMs)} per call${asked}`, charged: false };
      return { outputs: undefined };
    }
    call.delayMs = delay;
    return "again";
  }

  private charge(call: Call, price: Decimal): void {
    call.attempts++;
    call.tries++;
    call.spent = call.spent.plus(price);
    this.counters.attempts++;
    this.counters.credits = this.counters.credits.plus(price);
  }

  /** What an earlier segment did for this call (replayed, never repeated), else a cache hit. */
  private async lookUp(call: Call, key: string, price: Decimal): Promise<Step | undefined> {
    const history = this.run.options.replay.takeCall(key);
    if (history?.hit) return this.hit(history.hit.outputs, price);
    if (history && history.attempts.length > 0) {
      this.counters.calls++;
      for (const entry of history.attempts) {
        this.charge(call, credits(entry.credits));
        if (entry.ok && entry.outputs) return { outputs: entry.outputs };
        const cause = entry.cause ?? causeOf({ ok: false, error: entry.error ?? "" });
        failureOf(this.counters, cause, true).attempts++;
        call.gaveUp = { cause, charged: true };
      }
      return undefined;
    }
    if (call.round !== 0 || this.ttlMs === undefined) return undefined;
    return this.cacheLookup(call, key, price);
  }

  private async attempt(call: Call, attempt: number, units: number): Promise<{ ok: true; outputs: JournalOutput[] } | CallFailure> {
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
    if (!outcome.ok) return outcome;
    const expected = units * this.node.variants;
    if (outcome.outputs.length !== expected) return { ok: false, error: `provider returned ${outcome.outputs.length} outputs, expected ${expected}`, cause: "wrong number of outputs" };
    return checkedOutputs(this.node, outcome.outputs);
  }

  private namedArgs(): CallRequest["named"] {
    const named: CallRequest["named"] = dict();
    for (const arg of this.named) if (arg.item) named[arg.name] = { id: arg.item.id, value: arg.item.value, hash: arg.item.hash };
    return named;
  }

  private cacheKeyOf(call: Call): string {
    const named = dict<string>();
    for (const arg of this.named) named[arg.name] = arg.item?.hash ?? "";
    return cacheKey(this.identity, call.items.map((i) => i.hash), named);
  }

  private async cacheLookup(call: Call, key: string, price: Decimal): Promise<Step | undefined> {
    const cacheKey = this.cacheKeyOf(call);
    let entry: CacheEntry | undefined;
    try {
      entry = await this.run.options.cache.get(cacheKey, this.ttlMs ?? 0, this.run.options.clock.now());
    } catch (error) {
      // a damaged entry is a miss: the call is made and its result replaces the entry
      this.run.warn("cache-entry", `${error instanceof Error ? error.message : String(error)}; treated as a miss`);
      return undefined;
    }
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
    return this.hit(entry.outputs, price);
  }

  private hit(outputs: JournalOutput[], price: Decimal): Step {
    this.counters.cacheHits++;
    this.counters.cacheSaved = this.counters.cacheSaved.plus(price);
    return { outputs };
  }

  private async cacheStore(call: Call, outputs: JournalOutput[]): Promise<void> {
    try {
      await this.run.options.cache.put({ key: this.cacheKeyOf(call), flow: this.run.graph.flow, node: this.name, createdAt: this.run.options.clock.now(), outputs, ttlMs: this.ttlMs });
    } catch (error) {
      // a cache that cannot be written costs a future run a call, not this run its result
      this.run.warn("cache-write", `the cache cannot be written (${error instanceof Error ? error.message : String(error)}): later runs will pay for these calls again`, true);
    }
  }

  private callDone(call: Call, outputs: JournalOutput[] | undefined): void {
    if (!this.run.listening) return;
    this.run.emit({
      type: "call-done",
      node: this.name,
      callId: call.callId,
      round: call.round,
      items: call.items.length,
      attempts: call.attempts,
      credits: exact(call.spent),
      cached: call.attempts === 0 && outputs !== undefined,
      ok: outputs !== undefined,
      spent: exact(this.run.spent),
      ...(this.run.options.cap ? { cap: exact(this.run.options.cap) } : {}),
    });
  }

  private complete(call: Call, outputs: JournalOutput[] | undefined): void {
    const variants = this.node.variants;
    const shares = call.inputs.length * variants;
    const share = call.spent.isZero() ? ZERO : shares === 1 ? call.spent : call.spent.dividedBy(shares);
    if (!outputs) {
      this.counters.failedCalls++;
      const last = call.gaveUp ?? { cause: "every attempt failed", charged: true };
      failureOf(this.counters, last.cause, last.charged).calls++;
    }
    call.inputs.forEach((input, i) => {
      if (!outputs) {
        // a node without arguments loses its one output group: counted as one failed item
        this.counters.failedItems++;
        if (input !== UNIT) this.itemDone(input, "failed");
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

/**
 * Outputs exactly as the journal will hold them (a value through JSON, so a resumed run sees what
 * this one used), or why they cannot be used: metrics must be finite numbers, and inside the
 * ranges the op declares.
 */
export function checkedOutputs(node: GraphNode, outputs: ProviderOutput[]): { ok: true; outputs: JournalOutput[] } | CallFailure {
  const checked: JournalOutput[] = [];
  for (const [i, output] of outputs.entries()) {
    const result = checkedOutput(node, output);
    if (typeof result === "string") return { ok: false, error: `output ${i + 1}: ${result}`, cause: "invalid output" };
    checked.push(result);
  }
  return { ok: true, outputs: checked };
}

function checkedOutput(node: GraphNode, output: ProviderOutput): JournalOutput | string {
  if (typeof output !== "object" || output === null) return "not an object";
  let value: unknown = output.value;
  if (typeof value !== "string") {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (error) {
      return `its value cannot be stored as JSON (${error instanceof Error ? error.message : String(error)})`;
    }
    value = text === undefined ? null : JSON.parse(text);
  }
  if (output.hash !== undefined && typeof output.hash !== "string") return "its hash must be a string";
  const metrics = output.metrics ?? {};
  if (typeof metrics !== "object" || metrics === null || Array.isArray(metrics)) return "its metrics must be an object of numbers";
  for (const [name, metric] of Object.entries(metrics)) {
    if (typeof metric !== "number" || !Number.isFinite(metric)) return `metric ${name} is ${typeof metric === "number" ? String(metric) : JSON.stringify(metric) ?? typeof metric}, not a finite number`;
    const range = own(node.metrics, name);
    if (range && (metric < Number(range.min) || metric > Number(range.max))) return `metric ${name} is ${metric}, outside the range ${range.min}..${range.max} op ${node.op} declares`;
  }
  return { value, hash: output.hash ?? hashValue(value), metrics: Object.fromEntries(Object.entries(metrics)) };
}
