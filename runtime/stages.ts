// The stages of the executor other than nodes: inputs, gates (and reviews) and selects, with what
// they share — outlets, the reorder buffer that keeps every stream in arrival order, and the
// round bookkeeping of retry chains (see executor.ts).
import { exact, ZERO } from "./credits";
import type { Execution } from "./executor";
import type { GraphGate, GraphNode, GraphSelect } from "./graph";
import type { InputItem } from "./inputs";
import type { NodeStage } from "./node-stage";
import { own } from "./own";
import type { StreamCounters } from "./record";
import type { Item, PendingItem } from "./types";

export interface Sink {
  item(item: Item): void;
  roundEnd(round: number): void;
  end(): void;
}

export class Outlet implements Sink {
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
export class Reorder<T> {
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

export abstract class Stage implements Sink {
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

export class InputStage extends Stage {

  item(): void {}

  private next = 0;
  /** the run's input items: each is released once emitted, so a long input does not stay in memory */
  private readonly items: (InputItem | undefined)[];

  constructor(run: Execution, name: string, items: InputItem[]) {
    super(run, name, false, false);
    this.items = items;
  }

  override start(): void {
    this.emit();
  }

  /**
   * Emits items while the run's queues have room (a long input would otherwise turn into as many
   * queued calls at once); the run wakes it when they drain. A single item is never held back: it
   * may be the named argument everything else waits for.
   */
  emit(): void {
    while (this.next < this.items.length) {
      if (this.items.length > 1 && this.run.queuesFull(this)) return;
      const i = this.next++;
      const input = this.items[i]!;
      this.items[i] = undefined; // emitted items are the stages' to keep, or to let go
      const item: Item = { id: `${this.name}#${i}`, key: String(i), value: input.value, hash: input.hash, metrics: {}, round: 0, cost: ZERO };
      this.counters.itemsOut++;
      this.pass.item(item);
    }
    if (!this.isEnded()) this.end();
  }
}

type Verdict = { pass: boolean; item: Item };

export class GateStage extends Stage {
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
    this.scenarioRounds = own(run.options.scenario?.gates, gate.name);
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
      this.run.pending.set(`${this.name}\u0000${item.id}`, { stream: this.name, kind: "review", itemId: item.id, items: [pendingItem(item)] });
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
      const value = own(item.metrics, c.metric);
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

export class SelectStage extends Stage {
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
      this.run.pending.set(`${this.name}\u0000${group.id}`, { stream: this.name, kind: "select", itemId: group.id, variants: group.items.map((i) => i.id), pick, items: group.items.map(pendingItem) });
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
  const score = (item: Item) => own(item.metrics, metric) ?? (highest ? -Infinity : Infinity);
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => (highest ? score(b.item) - score(a.item) : score(a.item) - score(b.item)) || a.index - b.index)
    .map((entry) => entry.item);
}

/** longest value (as JSON) kept with a pending item: a URL, a path or a caption, not a document */
const PENDING_VALUE_LIMIT = 2048;
/** longest `data:` picture kept (it is the item's picture: nothing else shows it) */
const PENDING_PICTURE_LIMIT = 1024 * 1024;

/** What the record keeps of an item awaiting a decision (its picture is added when the run pauses). */
function pendingItem(item: Item): PendingItem {
  const json = JSON.stringify(item.value);
  const limit = typeof item.value === "string" && /^data:(image|video|audio)\//.test(item.value) ? PENDING_PICTURE_LIMIT : PENDING_VALUE_LIMIT;
  return { id: item.id, ...(json !== undefined && json.length <= limit ? { value: item.value } : {}), metrics: item.metrics, cost: exact(item.cost) };
}
