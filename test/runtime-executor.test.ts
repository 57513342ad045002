import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FlowGraph } from "../runtime/graph";
import { RuntimeError, SimulatedProvider, startRun, type CallOutcome, type CallRequest, type Provider, type RunOptions, type RunRecord } from "../runtime/index";
import { campaign, gate, input, node, productClips, ref, select, sharpDrafts, sharpWorst, uncapped } from "./helpers/runtime-graphs";

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), "flowc-rt-exec-"));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const quiet = { notify: { stderr: false as const } };
const run = (graph: FlowGraph, options: RunOptions = {}) => startRun(graph, { home, ...quiet, ...options });
const counters = (record: RunRecord, name: string) => record.nodes.find((n) => n.name === name)!;

function flow(name: string, streams: FlowGraph["streams"], outputs: string[]): FlowGraph {
  return { flow: name, streams, outputs: outputs.map((o) => ref(o)), budget: { strict: false }, worstCase: "0", expected: "0" };
}

/** The simulated provider behind a delay, counting calls in flight and the items of each call. */
class Watching implements Provider {
  readonly name = "watching";
  readonly inFlight = new Map<string, number>();
  readonly peak = new Map<string, number>();
  readonly calls: { node: string; items: string[] }[] = [];
  private readonly inner: SimulatedProvider;
  constructor(
    seed: number,
    private readonly delay: (request: CallRequest) => number,
  ) {
    this.inner = new SimulatedProvider({ seed });
  }
  prepare(graph: FlowGraph): string[] {
    return this.inner.prepare(graph);
  }
  async call(request: CallRequest, signal: AbortSignal): Promise<CallOutcome> {
    const name = request.node.name;
    this.inFlight.set(name, (this.inFlight.get(name) ?? 0) + 1);
    this.peak.set(name, Math.max(this.peak.get(name) ?? 0, this.inFlight.get(name)!));
    this.calls.push({ node: name, items: request.items.map((i) => i.id) });
    await new Promise((resolve) => setTimeout(resolve, this.delay(request)));
    this.inFlight.set(name, this.inFlight.get(name)! - 1);
    return this.inner.call(request, signal);
  }
}

const jitter = (request: CallRequest) => (request.items.reduce((n, i) => n + i.key.length * 7 + Number(i.key.replace(/\D/g, "") || 0), 0) * 13) % 9;

function batchFlow(): FlowGraph {
  return flow(
    "batches",
    [
      input("docs", "text", 23),
      node("check", "quality_check", ref("docs"), { pricePerOutput: "0.1", concurrency: 5 }),
      gate("good", ref("check"), "legibility", "0.5", "0.6", { discards: false }),
      node("tag_good", "tag", ref("good"), { overheadPerCall: "1", batch: 5 }),
      node("tag_bad", "tag", ref("good", true), { overheadPerCall: "1", batch: 4 }),
    ],
    ["tag_good", "tag_bad"],
  );
}

describe("executor", () => {
  it("bounds calls in flight per node by its concurrency (else the run's default)", async () => {
    const provider = new Watching(1, () => 5);
    const g = batchFlow();
    g.streams[1] = { ...(g.streams[1] as ReturnType<typeof node>), concurrency: 3 };
    await run(g, { provider, concurrency: 2 });
    expect(provider.peak.get("check")).toBe(3);
    expect(provider.calls.filter((c) => c.node === "check")).toHaveLength(23);
    const byDefault = new Watching(1, () => 5);
    g.streams[1] = { ...(g.streams[1] as ReturnType<typeof node>), concurrency: undefined };
    await run(g, { provider: byDefault, concurrency: 2 });
    expect(byDefault.peak.get("check")).toBe(2);
  });

  it("sends batches of exactly B items, only the last one partial, the same ones whatever the timing", async () => {
    const slow = new Watching(3, jitter);
    const fast = new Watching(3, () => 0);
    const a = await run(batchFlow(), { provider: slow, concurrency: 7 });
    const b = await run(batchFlow(), { provider: fast, concurrency: 1 });
    for (const [name, size] of [["tag_good", 5], ["tag_bad", 4]] as const) {
      const sizes = slow.calls.filter((c) => c.node === name).map((c) => c.items.length);
      expect(sizes.slice(0, -1).every((s) => s === size)).toBe(true);
      expect(sizes.at(-1)).toBeLessThanOrEqual(size);
      expect(sizes.reduce((x, y) => x + y, 0)).toBe(counters(a.record, name).itemsIn);
      expect(slow.calls.filter((c) => c.node === name)).toEqual(fast.calls.filter((c) => c.node === name));
    }
    expect(counters(a.record, "good").itemsOut + counters(a.record, "good").rejected).toBe(23);
    expect(a.record.nodes).toEqual(b.record.nodes);
    expect(a.record.totals.spent).toBe(b.record.totals.spent);
  });

  it("gives the same record for the same seed whatever the concurrency and latency", async () => {
    const a = await run(uncapped(campaign()), { seed: 9, simulateHumans: true, concurrency: 1, provider: new Watching(9, jitter) });
    const b = await run(uncapped(campaign()), { home: path.join(home, "b"), seed: 9, simulateHumans: true, concurrency: 16 });
    expect(a.record.nodes).toEqual(b.record.nodes);
    expect(Object.values(a.outputs).flat().map((i) => i.id)).toEqual(Object.values(b.outputs).flat().map((i) => i.id));
  });

  it("runs a node without arguments once; a node whose named argument never arrives drops its items unpaid", async () => {
    const g = flow(
      "named",
      [
        input("shots", "image", 4),
        node("seed_image", "generate", undefined, { pricePerOutput: "2", variants: 3 }),
        gate("kept", ref("seed_image"), "aesthetic", "1", "0", { conds: [{ metric: "aesthetic", op: ">", threshold: "1" }] }),
        node("styled", "generate", ref("shots"), { pricePerOutput: "5", named: [{ name: "style", ref: ref("kept") }] }),
      ],
      ["styled", "seed_image"],
    );
    const result = await run(g);
    expect(counters(result.record, "seed_image")).toMatchObject({ calls: 1, itemsIn: 0, itemsOut: 3, credits: "6" });
    expect(counters(result.record, "kept")).toMatchObject({ itemsIn: 3, itemsOut: 0 });
    expect(counters(result.record, "styled")).toMatchObject({ calls: 0, itemsIn: 4, failedItems: 4, credits: "0" });
    expect(result.outputs.seed_image!.map((i) => i.id)).toEqual(["seed_image#0.v0", "seed_image#0.v1", "seed_image#0.v2"]);
    expect(result.record.totals.spent).toBe("6");
  });

  it("a select by highest metric keeps the best variants of each item", async () => {
    const g = flow(
      "pick_best",
      [input("prompts", "text", 6), node("drafts", "generate", ref("prompts"), { pricePerOutput: "1", variants: 4 }), select("best", "drafts", { kind: "highest", metric: "aesthetic" }, 2)],
      ["best", "drafts"],
    );
    const result = await run(g, { seed: 5 });
    const best = result.outputs.best!;
    expect(best).toHaveLength(12);
    for (const kept of best) {
      const group = result.outputs.drafts!.filter((d) => d.group?.id === kept.group?.id);
      const beaten = group.filter((d) => !best.includes(d));
      expect(beaten.every((d) => d.metrics.aesthetic! <= kept.metrics.aesthetic!)).toBe(true);
    }
    expect(counters(result.record, "best")).toMatchObject({ itemsIn: 24, itemsOut: 12, rejected: 12 });
  });

  it("gates pass and calls fail at their expected rates", async () => {
    const g = uncapped(campaign());
    g.streams[0] = input("shots", "image", 4000, 4000);
    g.streams = g.streams.slice(0, 5);
    g.outputs = [ref("face_ok")];
    const result = await run(g, { seed: 3, collectOutputs: false });
    const rate = counters(result.record, "face_ok").itemsOut / 4000;
    expect(rate).toBeGreaterThan(0.82);
    expect(rate).toBeLessThan(0.88);

    const clips = productClips();
    clips.streams[0] = input("products", "image", 3000, 3000);
    clips.streams = clips.streams.filter((s) => s.name !== "ok");
    clips.streams[2] = { ...(clips.streams[2] as ReturnType<typeof node>), source: ref("keyframe") };
    const failing = await run(clips, { seed: 4, collectOutputs: false });
    const clip = counters(failing.record, "clip");
    expect(clip.attempts / clip.calls).toBeGreaterThan(1.09);
    expect(clip.attempts / clip.calls).toBeLessThan(1.13);
    expect(clip.failedItems).toBeLessThan(10); // 0.1% of calls fail three times
  });

  it("a call that outlives the node's timeout fails; every attempt is charged; nothing reached an output, so the run failed", async () => {
    const hanging: Provider = { name: "hanging", call: () => new Promise<CallOutcome>(() => undefined) };
    const g = flow("slow", [input("docs", "text", 2), node("check", "quality_check", ref("docs"), { pricePerOutput: "1", retry: 1, timeoutSeconds: "0.05" })], ["check"]);
    const result = await run(g, { provider: hanging, backoff: { baseDelayMs: 1 } });
    expect(result.status).toBe("failed");
    expect(result.record.reason).toBe("calls");
    expect(counters(result.record, "check")).toMatchObject({ calls: 2, attempts: 4, failedItems: 2, failedCalls: 2, itemsOut: 0, credits: "4", failures: [{ cause: "timed out", charged: true, attempts: 4, calls: 2 }] });
  });

  it("retry rounds re-run the chain and name their items by round", async () => {
    const result = await run(sharpDrafts(), { scenario: sharpWorst });
    expect(result.outputs.sharp!.map((i) => i.id)).toEqual(["qc#0@r2", "qc#1@r2", "qc#2@r2", "qc#3@r2", "qc#4@r2", "qc#5@r2", "qc#6@r2"]);
    expect(result.outputs.sharp!.every((i) => i.round === 2)).toBe(true);
  });

  it("refuses a graph whose retry chains overlap or do not lead to the gate", async () => {
    const g = sharpDrafts();
    g.streams.push(gate("again", ref("qc"), "aesthetic", "0.5", "0.5", { retry: { target: "draft", upTo: 1, chain: ["draft", "qc"] } }));
    await expect(run(g)).rejects.toThrow(/qc is on the retry chains of both sharp and again|draft is on the retry chains/);
    const h = sharpDrafts();
    (h.streams[3] as ReturnType<typeof gate>).retry = { target: "prompts_x", upTo: 1, chain: [] };
    await expect(run(h)).rejects.toBeInstanceOf(RuntimeError);
  });
});
