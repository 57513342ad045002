// Scale-out benchmark (issue 7): one flow of independent calls (bench/runtime.ts's graph) run by
// an in-process coordinator through BullMQ on a redis-server this benchmark starts, with 1, 2 and
// 4 `flowc worker` processes, against the local runtime measured in the same run. Three figures:
//   - calls per second on a zero-latency provider (workers at concurrency 8);
//   - the latency a call gains going through Redis: calls made one after another (node
//     concurrency 1, one worker at concurrency 1), Redis minus local, per call;
//   - with 5 ms per call, 4 workers against 1, each worker at concurrency 1 and the coordinator
//     allowing 64 calls in flight either way: the only difference is how many workers wait.
// And where the time goes: CPU per call of the coordinator, the workers and redis-server, and the
// Redis commands per call.
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import type { Redis } from "ioredis";
import { startRun, type RunOptions } from "../runtime/index";
import { hasRedisServer, spawnFlowcWorker, startRedisServer, type RedisProcess, type WorkerProcess } from "./redis-server";
import { benchGraph } from "./runtime";

const THROUGHPUT_CALLS = 2000;
const SEQUENTIAL_CALLS = 300;
const LATENCY_CALLS = 600;
const LATENCY_MS = 5;

interface Measure {
  calls: number;
  ms: number;
  /** CPU ms: coordinator (this process), workers, redis-server */
  cpu: { coordinator: number; workers: number; redis: number };
  /** Redis commands processed */
  commands: number;
}

/** utime + stime of a process, in ms (Linux /proc). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

async function commandsProcessed(redis: Redis): Promise<number> {
  return Number(/total_commands_processed:(\d+)/.exec(await redis.info("stats"))?.[1] ?? 0);
}

async function measure(run: () => Promise<number>, workers: WorkerProcess[], server: RedisProcess | undefined, redis: Redis | undefined): Promise<Measure> {
  const pids = workers.map((w) => w.proc.pid!);
  const before = { self: process.cpuUsage(), workers: pids.reduce((t, p) => t + cpuMs(p), 0), redis: server ? cpuMs(server.pid) : 0, commands: redis ? await commandsProcessed(redis) : 0 };
  const start = performance.now();
  const calls = await run();
  const ms = performance.now() - start;
  const self = process.cpuUsage(before.self);
  const commands = redis ? (await commandsProcessed(redis)) - before.commands : 0;
  return {
    calls,
    ms,
    cpu: { coordinator: (self.user + self.system) / 1000, workers: pids.reduce((t, p) => t + cpuMs(p), 0) - before.workers, redis: server ? cpuMs(server.pid) - before.redis : 0 },
    commands,
  };
}

async function timedRun(items: number, options: RunOptions): Promise<number> {
  const home = await mkdtemp(path.join(tmpdir(), "flowc-bench-redis-"));
  try {
    const result = await startRun(benchGraph(items), { home, seed: 1, collectOutputs: false, notify: { stderr: false }, ...options });
    if (result.status !== "completed") throw new Error(`bench run ${result.status}: ${result.record.error ?? ""}`);
    return result.record.totals.calls;
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

const perSecond = (m: Measure) => Math.round((m.calls * 1000) / m.ms);
const perCallUs = (ms: number, calls: number) => Math.round((ms * 1000) / calls);

export async function reportRedis(root: string): Promise<string[]> {
  const title = "## Scale-out through Redis and BullMQ (`flowc worker`)";
  if (!hasRedisServer()) return [title, "", "skipped: no redis-server"];
  const server = await startRedisServer();
  // loaded here, not at the top: loading ioredis slows string work in the whole process (scripts/build.mjs)
  const { Redis } = await import("ioredis");
  const redis = new Redis(server.url);
  const bin = path.join(root, "bin/flowc.js");
  const pool: WorkerProcess[] = [];
  const workers = async (count: number, args: string[]) => {
    await Promise.all(pool.splice(0).map((w) => w.stop()));
    pool.push(...(await Promise.all(Array.from({ length: count }, () => spawnFlowcWorker(bin, root, server.url, args)))));
    return pool;
  };
  const viaRedis = { redis: server.url, concurrency: 64, maxInFlight: 64 };
  try {
    // warm up both paths (module loading, script caches, JIT)
    await timedRun(200, {});
    await workers(1, ["--concurrency", "8"]);
    await timedRun(200, viaRedis);

    const local = await measure(() => timedRun(THROUGHPUT_CALLS, { concurrency: 64 }), [], undefined, undefined);
    const scaled: [number, Measure][] = [];
    for (const count of [1, 2, 4]) {
      const running = await workers(count, ["--concurrency", "8"]);
      scaled.push([count, await measure(() => timedRun(THROUGHPUT_CALLS, viaRedis), running, server, redis)]);
    }

    const one = await workers(1, ["--concurrency", "1"]);
    const sequentialLocal = await measure(() => timedRun(SEQUENTIAL_CALLS, { concurrency: 1 }), [], undefined, undefined);
    const sequentialRedis = await measure(() => timedRun(SEQUENTIAL_CALLS, { ...viaRedis, concurrency: 1 }), one, server, redis);
    const added = (sequentialRedis.ms - sequentialLocal.ms) / SEQUENTIAL_CALLS;

    const slow = ["--concurrency", "1", "--latency", String(LATENCY_MS)];
    const slowOne = await measure(() => timedRun(LATENCY_CALLS, viaRedis), await workers(1, slow), server, redis);
    const slowFour = await measure(() => timedRun(LATENCY_CALLS, viaRedis), await workers(4, slow), server, redis);
    const ratio = perSecond(slowFour) / perSecond(slowOne);

    const rows = [
      `| local runtime (journal on disk, fsync) | ${perSecond(local)} | — | ${perCallUs(local.cpu.coordinator, local.calls)} | — | — | — |`,
      ...scaled.map(([count, m]) => `| ${count} worker${count > 1 ? "s" : ""} × concurrency 8 | ${perSecond(m)} | ${(perSecond(m) / perSecond(local)).toFixed(2)}x | ${perCallUs(m.cpu.coordinator, m.calls)} | ${perCallUs(m.cpu.workers, m.calls)} | ${perCallUs(m.cpu.redis, m.calls)} | ${(m.commands / m.calls).toFixed(1)} |`),
    ];
    return [
      title,
      "",
      `A flow of ${THROUGHPUT_CALLS} independent calls on the simulated provider with no latency; the coordinator in the benchmark's process (64 calls in flight), redis-server and the workers on this machine (${availableParallelism()} cores).`,
      "",
      "| | calls/s | vs local | coordinator µs CPU/call | workers µs CPU/call | redis-server µs CPU/call | Redis commands/call (with those inside Lua scripts) |",
      "|---|---:|---:|---:|---:|---:|---:|",
      ...rows,
      "",
      `Added latency per call (${SEQUENTIAL_CALLS} calls one after another, one worker at concurrency 1): local ${(sequentialLocal.ms / SEQUENTIAL_CALLS).toFixed(2)} ms, through Redis ${(sequentialRedis.ms / SEQUENTIAL_CALLS).toFixed(2)} ms: **+${added.toFixed(2)} ms per call**.`,
      "",
      `With ${LATENCY_MS} ms per call (${LATENCY_CALLS} calls; every worker at concurrency 1; the coordinator allows 64 calls in flight in both runs): 1 worker ${perSecond(slowOne)} calls/s, 4 workers ${perSecond(slowFour)} calls/s: **${ratio.toFixed(2)}x** (target ≥ 2.5x).`,
    ];
  } finally {
    await Promise.all(pool.map((w) => w.stop()));
    redis.disconnect();
    await server.stop();
  }
}
