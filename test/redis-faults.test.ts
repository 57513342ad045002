// Fault injection through Redis: a run whose jobs no worker takes warns; Redis lost mid-run stops
// the coordinator with one line (no stack traces) and leaves the run interrupted and resumable; a
// budget pool's refusal names --pool-cap.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { listRuns, resumeRun, startRun, startWorker, type RunEvent, type WorkerHandle } from "../runtime/index";
import { connect, Keys, redisConfig } from "../runtime/redis/connection";
import { SimulatedProvider } from "../runtime/providers/simulated";
import type { FlowGraph, Provider } from "../runtime/index";
import { input, node, ref, sharpDrafts } from "./helpers/runtime-graphs";
import { figures, localRun, quiet } from "./helpers/redis-flows";
import { startRedis, stopProcess, type RedisServer } from "./helpers/redis-server";

let server: RedisServer;
let prefixes = 0;
/** A key prefix and queue of their own for each test: no other test's worker takes their jobs. */
const target = (more: Record<string, unknown> = {}) => ({ url: server.url, prefix: `faults${++prefixes}:`, queue: `faults${prefixes}`, ...more });

beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  await server?.stop();
});

describe("no worker", () => {
  it("a run whose jobs no worker takes warns, naming the command that starts one; a worker then finishes it", async () => {
    const redis = target({ noWorkerWarningMs: 200 });
    let worker: WorkerHandle | undefined;
    const events: RunEvent[] = [];
    const result = await startRun(sharpDrafts(), {
      ...quiet,
      redis,
      seed: 1,
      onEvent: (event) => {
        events.push(event);
        if (event.type === "warning") void startWorker({ redis }).then((w) => (worker = w));
      },
    });
    await worker?.close();
    expect(result.status).toBe("completed");
    expect(events.filter((e) => e.type === "warning")).toEqual([
      { type: "warning", code: "no-worker", message: `no worker took a job in 200 ms: start \`flowc worker --redis ${server.url}\` (the run waits for one)` },
    ]);
    expect(result.record.events.filter((e) => e.type === "warning").map((e) => e.data)).toEqual([{ code: "no-worker" }]);
  });
});

describe("a provider the workers cannot reach", () => {
  it("costs nothing; once it is back, the resumed run makes the calls (a finished job without an outcome runs again)", async () => {
    const redis = target();
    let reachable = false;
    const simulated = new SimulatedProvider({ seed: 1 });
    const provider: Provider = {
      name: "simulated",
      call: (request, signal) => (reachable ? simulated.call(request, signal) : Promise.resolve({ ok: false, error: "request failed: connection refused", cause: "connection refused", reached: false })),
    };
    const worker = await startWorker({ redis, provider });
    try {
      const graph: FlowGraph = { flow: "unreachable", streams: [input("docs", "text", 3), node("check", "quality_check", ref("docs"), { pricePerOutput: "1", retry: 1 })], outputs: [ref("check")], budget: { strict: false }, worstCase: "6", expected: "3" };
      const first = await startRun(graph, { ...quiet, redis, backoff: { baseDelayMs: 1 } });
      expect(first.record).toMatchObject({ status: "failed", reason: "calls", totals: { spent: "0", attempts: 0 } });
      expect(first.record.nodes[1]!.failures).toEqual([{ cause: "connection refused", charged: false, attempts: 6, calls: 3 }]);
      reachable = true;
      const resumed = await resumeRun(first.runId, { ...quiet, redis });
      expect(resumed.record).toMatchObject({ status: "completed", totals: { spent: "3", attempts: 3 } });
    } finally {
      await worker.close();
    }
  });
});

describe("a budget pool that refuses a call", () => {
  it("pauses the run naming --pool-cap, not --cap", async () => {
    const redis = target();
    const worker = await startWorker({ redis });
    try {
      const result = await startRun(sharpDrafts(), { ...quiet, redis, seed: 2, pool: { name: `pool${prefixes}`, cap: "10" } });
      expect(result.record).toMatchObject({ status: "paused", reason: "pool" });
      const pause = result.record.events.find((e) => e.type === "budget-pause")!.message;
      expect(pause).toContain("--pool-cap N");
      expect(pause).not.toContain("--cap N");
    } finally {
      await worker.close();
    }
  });
});

describe("Redis lost mid-run", () => {
  let dir: string;
  let port: number;
  let proc: ChildProcess | undefined;

  /** A redis-server that keeps its data (AOF, fsync always) in `dir`, so a restart finds the run. */
  async function durableRedis(): Promise<ChildProcess> {
    const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", dir], { stdio: ["ignore", "pipe", "ignore"] });
    await new Promise<void>((resolve) => {
      let seen = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes("Ready to accept connections")) resolve();
      });
    });
    return child;
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "flowc-redis-durable-"));
    port = Number(new URL(server.url).port) + 1;
    proc = await durableRedis();
  });
  afterAll(async () => {
    if (proc) await stopProcess(proc, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("stops the coordinator with one message; the run shows interrupted and resumes to the same figures", async () => {
    const url = `redis://127.0.0.1:${port}`;
    const redis = { url, giveUpAfterMs: 500 };
    const worker = await startWorker({ redis: url, latencyMs: 20 });
    const printed = vi.spyOn(console, "error");
    let calls = 0;
    const outcome = await startRun(sharpDrafts(), {
      ...quiet,
      redis,
      seed: 3,
      onEvent: (event) => {
        if (event.type === "call-done" && ++calls === 5) void stopProcess(proc!, "SIGKILL");
      },
    }).catch((error: Error) => error);
    expect(outcome).toBeInstanceOf(Error);
    const error = outcome as Error & { code: string };
    expect(error.code).toBe("redis");
    expect(error.message).toMatch(new RegExp(`^lost the connection to Redis at ${url.replace(/[.]/g, "\\.")} \\(.*\\): run (sharp_drafts-\\S+) is interrupted and can be resumed once Redis is back$`));
    expect(printed).not.toHaveBeenCalled();
    printed.mockRestore();

    proc = await durableRedis();
    const runId = /run (sharp_drafts-\S+) is/.exec(error.message)![1]!;
    // the coordinator's lease lapses within 10 s; here it is dropped at once
    const admin = await connect(redisConfig(url));
    await admin.del(new Keys("flowc:").run(runId, "lock"));
    admin.disconnect();
    const [row] = await listRuns({ redis: url });
    expect(row).toMatchObject({ runId, status: "interrupted" });

    // the worker waited for Redis to come back (workers never give up) and serves the resume
    try {
      const resumed = await resumeRun(runId, { ...quiet, redis: url });
      expect(figures(resumed.record)).toEqual(figures((await localRun(sharpDrafts(), 3)).record));
    } finally {
      await worker.close();
    }
  });
});
