// Runtime overhead per call: a 10,000-item flow on the simulated provider with zero latency,
// journal on (every attempt fsynced before its credits count), against a hand-written loop making
// the same calls to the same provider. Also the peak heap, at two sizes, to show memory stays flat
// in the number of finished items.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FlowGraph, GraphInput, GraphNode } from "../runtime/graph";
import { SimulatedProvider, startRun } from "../runtime/index";
import type { CallRequest } from "../runtime/types";

export interface RuntimeBench {
  items: number;
  calls: number;
  /** wall time of the run, ms */
  runMs: number;
  /** wall time of the hand-written loop, ms */
  loopMs: number;
  /** (run - loop) / calls, in µs */
  overheadUsPerCall: number;
  /** run / loop */
  ratio: number;
  /** peak heap held during the run (sampled after a forced GC when --expose-gc is on), MB */
  peakHeapMb: number;
  /** heap held when half the calls had finished, and when all had: flat or falling as items finish */
  heapAtHalfMb: number;
  heapAtEndMb: number;
  /** the same flow at a fifth of the items, for comparison */
  peakHeapSmallMb: number;
  /** false: heap figures include garbage not yet collected (run node with --expose-gc) */
  gcForced: boolean;
}

export function benchGraph(items: number): FlowGraph {
  const docs: GraphInput = { kind: "input", name: "docs", mediaType: "text", single: false, min: 0, max: items, expect: String(items), stable: false, line: 1 };
  const check: GraphNode = {
    kind: "node",
    name: "check",
    op: "quality_check",
    source: { name: "docs", rejected: false },
    named: [],
    variants: 1,
    retry: 0,
    failRate: "0",
    pricePerOutput: "0.001",
    overheadPerCall: "0",
    params: {},
    metrics: { sharpness: { min: "0", max: "1" } },
    line: 1,
  };
  return { flow: "bench", streams: [docs, check], outputs: [{ name: "check", rejected: false }], budget: { strict: false }, worstCase: String(items * 0.001), expected: String(items * 0.001) };
}

/** The baseline: the same calls, one after another, nothing else. */
async function handLoop(graph: FlowGraph, items: number): Promise<number> {
  const provider = new SimulatedProvider({ seed: 1 });
  provider.prepare(graph);
  const node = graph.streams[1] as GraphNode;
  const signal = new AbortController().signal;
  const start = performance.now();
  for (let i = 0; i < items; i++) {
    const request: CallRequest = { runId: "loop", flow: graph.flow, node, callId: String(i), round: 0, attempt: 1, idempotencyKey: `loop/${i}`, items: [{ id: `docs#${i}`, key: String(i), value: `docs ${i}`, hash: String(i) }], named: {}, variants: 1 };
    await provider.call(request, signal);
  }
  return performance.now() - start;
}

const gc = (globalThis as { gc?: () => void }).gc;

async function inHome<T>(work: (home: string) => Promise<T>): Promise<T> {
  const home = await mkdtemp(path.join(tmpdir(), "flowc-bench-"));
  try {
    return await work(home);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

const options = (home: string) => ({ home, seed: 1, collectOutputs: false, notify: { stderr: false as const } });

async function timedRun(graph: FlowGraph): Promise<{ ms: number; calls: number }> {
  return inHome(async (home) => {
    gc?.();
    const start = performance.now();
    const result = await startRun(graph, options(home));
    return { ms: performance.now() - start, calls: result.record.totals.calls };
  });
}

/** Heap held above the starting point, sampled every 50 ms (after a GC when possible). */
async function memoryRun(graph: FlowGraph, calls: number): Promise<{ peak: number; half: number; end: number }> {
  return inHome(async (home) => {
    const held = () => {
      gc?.();
      return process.memoryUsage().heapUsed;
    };
    const base = held();
    let done = 0;
    let peak = 0;
    let half = 0;
    const sample = setInterval(() => {
      const now = held() - base;
      peak = Math.max(peak, now);
      if (done <= calls / 2) half = now;
    }, 50);
    try {
      await startRun(graph, { ...options(home), onEvent: (e) => void (e.type === "call-done" && done++) });
    } finally {
      clearInterval(sample);
    }
    return { peak, half, end: held() - base };
  });
}

export async function benchRuntime(items = 10_000): Promise<RuntimeBench> {
  const graph = benchGraph(items);
  await timedRun(benchGraph(Math.min(items, 500))); // warm up
  await handLoop(graph, Math.min(items, 500));
  const run = await timedRun(graph);
  const loopMs = await handLoop(graph, items);
  const memory = await memoryRun(graph, items);
  const small = await memoryRun(benchGraph(Math.max(1, Math.floor(items / 5))), Math.floor(items / 5));
  const mb = (bytes: number) => Math.round((Math.max(0, bytes) / 1024 / 1024) * 10) / 10;
  return {
    items,
    calls: run.calls,
    runMs: Math.round(run.ms),
    loopMs: Math.round(loopMs),
    overheadUsPerCall: Math.round(((run.ms - loopMs) * 1000) / run.calls),
    ratio: Math.round((run.ms / loopMs) * 10) / 10,
    peakHeapMb: mb(memory.peak),
    heapAtHalfMb: mb(memory.half),
    heapAtEndMb: mb(memory.end),
    peakHeapSmallMb: mb(small.peak),
    gcForced: gc !== undefined,
  };
}

export async function reportRuntime(): Promise<string[]> {
  const r = await benchRuntime(10_000);
  return [
    "## Runtime: overhead per call",
    "",
    `${r.items} items, ${r.calls} calls on the simulated provider with zero latency, journal on (fsync before credits count):`,
    `flowc run ${r.runMs} ms, hand-written loop over the same provider ${r.loopMs} ms: ${r.overheadUsPerCall} µs of overhead per call, ${r.ratio}x the loop`,
    `heap held: peak ${r.peakHeapMb} MB (${r.peakHeapSmallMb} MB at a fifth of the items), ${r.heapAtHalfMb} MB at half way, ${r.heapAtEndMb} MB at the end${r.gcForced ? "" : " (no --expose-gc: figures include uncollected garbage)"}`,
  ];
}
