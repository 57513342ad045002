// The deterministic simulated provider: every outcome is a seeded draw keyed by what it is about
// (node, item, round, attempt), never by the order calls happen in, so a resumed or re-ordered run
// sees the same outcomes. Metrics are drawn inside each op's ranges so that every gate passes at
// its expected rate; `expect fail` sets each attempt's chance to fail. With a Scenario, every call
// of a node takes exactly the scenario's attempts (all but the last failing).
import { originNode, type FlowGraph, type GraphGate, type GraphInput, type Scenario } from "../graph";
import { hashValue, sha256, uniform } from "../hash";
import { dict, own } from "../own";
import type { Provider } from "../provider";
import type { CallOutcome, CallRequest, ProviderOutput } from "../types";
import { simulatedPicture, type Picture, type PictureSubject } from "./picture";

export interface SimulatedOptions {
  seed?: number;
  scenario?: Scenario;
  /** per-call latency in ms (demos, and tests that kill a run part-way) */
  latencyMs?: number;
}

type Cond = GraphGate["conds"][number];

/** How to draw one metric so that the gate reading it passes at its rate. */
interface MetricPlan {
  cond: Cond;
  /** chance this condition holds */
  chance: number;
}

export class SimulatedProvider implements Provider {
  readonly name = "simulated";
  /** its failures are draws, not an overloaded service: retried at once */
  readonly backoff = { baseDelayMs: 0 };
  readonly seed: number;
  private readonly plans = new Map<string, Map<string, MetricPlan>>();

  constructor(readonly options: SimulatedOptions = {}) {
    this.seed = options.seed ?? 0;
  }

  prepare(graph: FlowGraph): string[] {
    this.plans.clear();
    const byName = new Map(graph.streams.map((s) => [s.name, s]));
    for (const stream of graph.streams) {
      if (stream.kind !== "gate" || stream.human || stream.conds.length === 0) continue;
      const origin = originNode(byName, stream.source.name);
      if (!origin) continue;
      // conditions on independent metrics all hold with the gate's pass rate
      const chance = Math.pow(Number(stream.passRate), 1 / stream.conds.length);
      const plan = this.plans.get(origin.name) ?? new Map<string, MetricPlan>();
      for (const cond of stream.conds) if (!plan.has(cond.metric)) plan.set(cond.metric, { cond, chance });
      this.plans.set(origin.name, plan);
    }
    return [];
  }

  async call(request: CallRequest, signal: AbortSignal): Promise<CallOutcome> {
    if (this.options.latencyMs) await sleep(this.options.latencyMs, signal);
    if (this.fails(request)) return { ok: false, error: `simulated failure (attempt ${request.attempt})`, cause: "simulated failure" };
    const outputs: ProviderOutput[] = [];
    const units = request.items.length > 0 ? request.items : [{ key: "0", hash: "" }];
    const named = Object.keys(request.named)
      .sort()
      .map((n) => request.named[n]!.hash)
      .join(",");
    for (const item of units) {
      for (let v = 0; v < request.variants; v++) outputs.push(this.output(request, item, v, named));
    }
    return { ok: true, outputs };
  }

  /** a small deterministic SVG: id, op, model, variant and metrics */
  picture(subject: PictureSubject): Picture {
    return simulatedPicture(subject);
  }

  private fails(request: CallRequest): boolean {
    const node = request.node;
    const forced = own(this.options.scenario?.attempts, node.name);
    if (forced !== undefined) return request.attempt < forced;
    const rate = Number(node.failRate);
    return rate > 0 && uniform(this.seed, `f|${node.name}|${request.round}|${request.callId}|${request.attempt}`) < rate;
  }

  private output(request: CallRequest, item: { key: string; hash: string }, variant: number, named: string): ProviderOutput {
    const node = request.node;
    const hash = sha256(`${node.op}|${node.model ?? ""}|${JSON.stringify(node.params)}|${item.hash}|${named}|${variant}|${request.round}`);
    const metrics = dict<number>();
    const plan = this.plans.get(node.name);
    const drawKey = `${node.name}|${item.key}|${request.round}|${variant}`;
    for (const [metric, range] of Object.entries(node.metrics)) {
      const u = uniform(this.seed, `m|${drawKey}|${metric}`);
      const w = uniform(this.seed, `w|${drawKey}|${metric}`);
      metrics[metric] = drawMetric(Number(range.min), Number(range.max), plan?.get(metric), u, w);
    }
    return { value: `sim:${node.op}/${hash.slice(0, 20)}`, hash, metrics };
  }
}

/**
 * u decides whether the condition holds (with the plan's chance); w places the value uniformly in
 * the region that makes it hold, or the one that breaks it.
 */
export function drawMetric(min: number, max: number, plan: MetricPlan | undefined, u: number, w: number): number {
  if (!plan) return min + w * (max - min);
  const t = Number(plan.cond.threshold);
  const holds = u < plan.chance;
  switch (plan.cond.op) {
    case ">=":
      return holds ? t + w * (max - t) : t > min ? min + w * (t - min) : t + w * (max - t);
    case ">":
      return holds && t < max ? t + (1 - w) * (max - t) : min + w * (t - min);
    case "<=":
      return holds ? min + (1 - w) * (t - min) : t < max ? t + (1 - w) * (max - t) : min + (1 - w) * (t - min);
    case "<":
      return holds && t > min ? min + w * (t - min) : t + w * (max - t);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error("aborted"));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Items for an input the user did not give: deterministic, the same in every run. */
export function synthesizeInput(input: GraphInput, count: number): { value: unknown; hash: string }[] {
  return Array.from({ length: count }, (_, i) => {
    const value = input.mediaType === "text" ? `${input.name} ${i}` : input.mediaType === "json" ? { input: input.name, index: i } : `sim:${input.mediaType}/${input.name}/${i}`;
    return { value, hash: hashValue(value) };
  });
}

/** How many items to synthesise: the scenario's count, else the expected count rounded. */
export function synthesizedCount(input: GraphInput, scenario?: Scenario): number {
  if (input.single) return 1;
  const forced = own(scenario?.inputs, input.name);
  const count = forced ?? Math.round(Number(input.expect));
  return Math.max(input.min, Math.min(input.max, count));
}
