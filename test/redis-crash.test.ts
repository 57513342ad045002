// Durability through Redis: workers killed with SIGKILL at random points, and a coordinator killed
// mid-run then resumed by another process — nothing charged twice, nothing lost, the same total
// as an uninterrupted run. A retried job whose call completed returns the stored outcome without
// calling again. Two runs at once against one budget pool never pass the pool's cap together.
import { spawn } from "node:child_process";
import { Queue } from "bullmq";
import fc from "fast-check";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credits } from "../runtime/credits";
import type { FlowGraph } from "../runtime/graph";
import type { AttemptEntry, JournalEntry } from "../runtime/journal";
import { openBackend, redisStatus, startRun, startWorker, type CallRequest, type Provider, type RunEvent, type RunRecord } from "../runtime/index";
import { connect, Keys, redisConfig } from "../runtime/redis/connection";
import { SimulatedProvider } from "../runtime/providers/simulated";
import { BIN, ROOT } from "./cli-spawn";
import { campaign, input, node, productClips, ref, sharpDrafts, uncapped } from "./helpers/runtime-graphs";
import { clearSharedCache, expectSameRun, flowcAsync, localRun, quiet, samples, tempHome } from "./helpers/redis-flows";
import { spawnWorker, spawnWorkers, startRedis, stopProcess, type RedisServer, type WorkerProcess } from "./helpers/redis-server";

let server: RedisServer;
let redis: Redis;
let workers: WorkerProcess[] = [];
const keys = new Keys("flowc:");
const WORKER_ARGS = ["--concurrency", "2", "--latency", "2-8", "--lock-duration", "1000"];

beforeAll(async () => {
  server = await startRedis();
  redis = await connect(redisConfig(server.url));
  workers = await spawnWorkers(server.url, 4, () => WORKER_ARGS);
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  redis?.disconnect();
  await server?.stop();
});

async function journalOf(runId: string, on = redis): Promise<JournalEntry[]> {
  return (await on.lrange(keys.run(runId, "journal"), 0, -1)).map((line) => JSON.parse(line) as JournalEntry);
}

/** Every attempt journaled once, and the journal's credits are the record's total. */
async function expectChargedOnce(record: RunRecord, on = redis): Promise<void> {
  const attempts = (await journalOf(record.runId, on)).filter((e): e is AttemptEntry => e.type === "attempt");
  const ids = attempts.map((a) => a.idempotencyKey);
  expect(new Set(ids).size).toBe(ids.length);
  expect(attempts.length).toBe(record.nodes.reduce((n, row) => n + row.attempts, 0));
  expect(attempts.reduce((total, a) => total.plus(credits(a.credits)), credits(0)).toFixed()).toBe(record.totals.spent);
}

describe("workers killed with SIGKILL", () => {
  it("at random points: the run completes with the uninterrupted records, nothing charged twice", async () => {
    const graphs = { campaign: () => uncapped(campaign()), sharp: sharpDrafts, clips: productClips };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...(Object.keys(graphs) as (keyof typeof graphs)[])), fc.nat(1000), fc.array(fc.tuple(fc.nat(3), fc.integer({ min: 1, max: 30 })), { minLength: 1, maxLength: 2 }), async (name, seed, kills) => {
        const graph = graphs[name]();
        const reference = await localRun(graph, seed);
        await clearSharedCache(server.url);
        // the kills happen after the given numbers of finished calls: mid-run, with jobs in flight
        const pending = [...kills].sort((a, b) => a[1] - b[1]);
        let done = 0;
        const killing: Promise<void>[] = [];
        const onEvent = (event: RunEvent) => {
          if (event.type !== "call-done") return;
          done++;
          while (pending[0] && pending[0][1] <= done) killing.push(replaceWorker(pending.shift()![0]));
        };
        const result = await startRun(graph, { ...quiet, home: tempHome(), redis: server.url, seed, concurrency: 8, onEvent });
        await Promise.all(killing);
        expect(result.status).toBe("completed");
        expectSameRun(result.record, reference.record);
        await expectChargedOnce(result.record);
      }),
      { numRuns: 3 },
    );
  });

  it("with a call in flight: BullMQ finds its job stalled, another worker runs it, charged once", async () => {
    // a server of its own, so that the slow worker is the only one that can take the job
    const own = await startRedis();
    const connection = await connect(redisConfig(own.url));
    const slow = await spawnWorker(own.url, ["--concurrency", "1", "--latency", "20000", "--lock-duration", "1000"]);
    let fast: WorkerProcess | undefined;
    try {
      const graph: FlowGraph = { flow: "stalled", streams: [input("docs", "text", 2), node("check", "quality_check", ref("docs"), { pricePerOutput: "1" })], outputs: [ref("check")], budget: { strict: false }, worstCase: "2", expected: "2" };
      const run = startRun(graph, { ...quiet, home: tempHome(), redis: own.url, seed: 5 });
      while ((await redisStatus(own.url)).jobs.active < 1) await new Promise((resolve) => setTimeout(resolve, 20));
      await slow.kill();
      fast = await spawnWorker(own.url, ["--concurrency", "2", "--lock-duration", "1000"]); // checks for stalled jobs every 500 ms
      const result = await run;
      expect([result.status, result.record.totals.spent]).toEqual(["completed", "2"]);
      await expectChargedOnce(result.record, connection);
      expect(await stalledJobs(connection)).toBeGreaterThan(0);
    } finally {
      await fast?.stop();
      connection.disconnect();
      await own.stop();
    }
  });
});

/** SIGKILL a worker, start another in its place. */
async function replaceWorker(which: number): Promise<void> {
  await workers[which]!.kill();
  workers[which] = await spawnWorker(server.url, WORKER_ARGS);
}

/** How many times BullMQ moved a job whose worker died back to the queue. */
async function stalledJobs(on: Redis): Promise<number> {
  const events = await on.xrange("flowc:bull:calls:events", "-", "+");
  return events.filter(([, fields]) => fields[0] === "event" && fields[1] === "stalled").length;
}

/** `flowc run … --json` in a child process, killed (SIGKILL) after `calls` finished calls. */
function killedCoordinator(args: string[], calls: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, "--json"], { cwd: ROOT, env: { ...process.env, FLOWC_HOME: tempHome() }, stdio: ["ignore", "pipe", "pipe"] });
    let runId = "";
    let seen = 0;
    let buffer = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.startsWith('{"type":')) continue;
        const event = JSON.parse(line) as { type: string; runId?: string };
        if (event.type === "run-start") runId = event.runId!;
        if (event.type === "call-done" && ++seen === calls) void stopProcess(child, "SIGKILL");
      }
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => (signal === "SIGKILL" && runId ? resolve(runId) : reject(new Error(`the coordinator was not killed (exit ${code}, ${seen} calls):\n${stderr}`))));
  });
}

describe("a coordinator killed mid-run", () => {
  it("is resumed by `flowc resume RUN --redis URL` from another process: the uninterrupted total, nothing charged twice", async () => {
    const sharp = (await samples()).find((s) => s.file === "samples/sharp_drafts.flow")!;
    const seed = 7;
    const reference = await localRun(sharp.graph, seed);
    await clearSharedCache(server.url);
    const runId = await killedCoordinator(["run", "samples/sharp_drafts.flow", "--redis", server.url, "--seed", String(seed)], 9);
    const interrupted = JSON.parse((await redis.get(keys.run(runId, "record")))!) as RunRecord;
    expect(interrupted.status).toBe("running");
    const resumed = await flowcAsync(["resume", runId, "--redis", server.url, "--json"]);
    expect(resumed.status, resumed.stderr).toBe(0);
    const record = JSON.parse((await redis.get(keys.run(runId, "record")))!) as RunRecord;
    expect(record.status).toBe("completed");
    expectSameRun(record, reference.record);
    expect(record.segments.map((s) => s.status)).toEqual(["interrupted", "completed"]);
    await expectChargedOnce(record);
  });
});

describe("a retried job", () => {
  it("whose call completed returns the stored outcome: the provider is not called again", async () => {
    const target = { url: server.url, prefix: "solo:", queue: "solo" };
    let calls = 0;
    const simulated = new SimulatedProvider({ seed: 3 });
    const counting: Provider = {
      name: "simulated",
      prepare: (graph) => simulated.prepare(graph),
      call: (request, signal) => {
        calls++;
        return simulated.call(request, signal);
      },
    };
    const worker = await startWorker({ redis: target, provider: counting, concurrency: 2 });
    const graph: FlowGraph = { flow: "solo", streams: [input("docs", "text", 3), node("check", "quality_check", ref("docs"), { pricePerOutput: "0.5" })], outputs: [ref("check")], budget: { strict: false }, worstCase: "1.5", expected: "1.5" };
    const queue = new Queue("solo", { connection: redis, prefix: "solo:bull" });
    const backend = await openBackend({ home: tempHome(), redis: target, clock: { now: () => Date.now() }, dispatch: true });
    try {
      const first = await startRun(graph, { ...quiet, home: tempHome(), redis: target, seed: 3 });
      expect([first.status, first.record.totals.spent, calls]).toEqual(["completed", "1.5", 3]);
      // the job of one call, retried as BullMQ retries a job whose worker died before acking it
      const [entry] = (await backend.stores.runs.journal(first.runId).read()).filter((e): e is AttemptEntry => e.type === "attempt");
      const request: CallRequest = { runId: first.runId, flow: "solo", node: graph.streams[1] as CallRequest["node"], callId: entry!.callId, round: 0, attempt: 1, idempotencyKey: entry!.idempotencyKey, items: [], named: {}, variants: 1 };
      await (await queue.getJob(entry!.idempotencyKey))!.remove(); // the finished job forgotten by BullMQ
      const again = await backend.dispatcher!.dispatch(request, undefined);
      expect(again).toEqual({ ok: true, outputs: entry!.outputs!.map((o) => ({ value: o.value, hash: o.hash, metrics: o.metrics })) });
      const job = (await queue.getJob(entry!.idempotencyKey))!;
      while (!(await job.isCompleted())) await new Promise((resolve) => setTimeout(resolve, 10)); // the worker ran the job again
      expect(calls).toBe(3);
      // and journaling it again adds nothing
      await backend.stores.runs.journal(first.runId).append(entry!);
      expect((await backend.stores.runs.journal(first.runId).read()).filter((e) => e.type === "attempt")).toHaveLength(3);
    } finally {
      await backend.close();
      await queue.close();
      await worker.close();
    }
  });
});

describe("a shared budget pool", () => {
  it("two runs at once never pass the pool's cap together; the pool's window holds exactly their spend", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 30_000 }), fc.nat(1000), async (capCents, seed) => {
        const pool = { name: `team${capCents}-${seed}`, cap: credits(capCents).dividedBy(100).toFixed(), windowMs: 86_400_000 };
        await clearSharedCache(server.url);
        const start = (graph: FlowGraph) => startRun(graph, { ...quiet, home: tempHome(), redis: server.url, seed, pool, concurrency: 8 });
        const [a, b] = await Promise.all([start(uncapped(campaign())), start(sharpDrafts())]);
        const together = credits(a.record.totals.spent).plus(credits(b.record.totals.spent));
        expect(together.lessThanOrEqualTo(credits(pool.cap))).toBe(true);
        for (const run of [a, b]) expect(run.status === "completed" || (run.status === "paused" && run.record.reason === "pool")).toBe(true);
        const status = await redisStatus(server.url);
        const row = status.pools.find((p) => p.name === pool.name)!;
        expect([row.spent, row.reserved, row.cap]).toEqual([together.toFixed(), "0", pool.cap]);
      }),
      { numRuns: 4 },
    );
  });
});
