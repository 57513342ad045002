// Runs through BullMQ on a real redis-server with `flowc worker` processes: the same records as a
// local run with the same seed, call for call; the worst scenario spends exactly the static worst
// case; with eight workers, random caps and random call latencies spend never passes the cap and
// resumed runs end at the uninterrupted total.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credits } from "../runtime/credits";
import { resumeRun, startRun, validateRecord, type RunEvent } from "../runtime/index";
import { campaign, sharpDrafts, uncapped } from "./helpers/runtime-graphs";
import { capWatch, clearSharedCache, expectSameRun, localRun, quiet, samples, tempHome, type Sample } from "./helpers/redis-flows";
import { spawnWorkers, startRedis, type RedisServer, type WorkerProcess } from "./helpers/redis-server";

let server: RedisServer;
let workers: WorkerProcess[] = [];
let flows: Sample[];

beforeAll(async () => {
  server = await startRedis();
  [workers, flows] = await Promise.all([spawnWorkers(server.url, 4, () => ["--concurrency", "4"]), samples()]);
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await server?.stop();
});

const redisRun = (url: string) => ({ ...quiet, home: tempHome(), redis: url });

describe("the samples through four worker processes", () => {
  it("every sample: the same totals and per-node records as a local run with the same seed", async () => {
    for (const [i, sample] of flows.entries()) {
      const graph = uncapped(sample.graph);
      const seed = 100 + i;
      const local = await localRun(graph, seed);
      await clearSharedCache(server.url);
      const shared = await startRun(graph, { ...redisRun(server.url), seed });
      expect(shared.status, sample.file).toBe(local.status);
      expectSameRun(shared.record, local.record);
      expect(validateRecord(shared.record)).toEqual([]);
    }
  });

  it("--scenario worst: every sample spends exactly its static worst case", async () => {
    for (const sample of flows) {
      await clearSharedCache(server.url);
      const worst = sample.graph.worstCase;
      const run = await startRun(uncapped(sample.graph), { ...redisRun(server.url), scenario: sample.worst, cap: worst });
      expect([sample.file, run.status, run.record.totals.spent]).toEqual([sample.file, "completed", worst]);
    }
  });
});

describe("eight workers, random caps and random call latencies", () => {
  let more: WorkerProcess[] = [];
  beforeAll(async () => {
    // worker i waits 0 to 2i+1 ms per call, drawn per call: calls finish in a random order
    more = await spawnWorkers(server.url, 4, (i) => ["--concurrency", "4", "--latency", `0-${2 * i + 1}`]);
  });
  afterAll(async () => {
    await Promise.all(more.map((w) => w.stop()));
  });

  it("spend never passes the cap, and resumed runs complete with the uninterrupted total", async () => {
    const graphs = { campaign: () => uncapped(campaign()), sharp: sharpDrafts };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("campaign", "sharp" as const), fc.nat(1000), fc.array(fc.integer({ min: 0, max: 25_000 }), { minLength: 1, maxLength: 3 }), async (name, seed, capCents) => {
        const graph = graphs[name as keyof typeof graphs]();
        const full = await localRun(graph, seed);
        await clearSharedCache(server.url);
        const caps = [...capCents].sort((a, b) => a - b).map((c) => credits(c).dividedBy(100).toFixed());
        const options = { ...redisRun(server.url), seed, concurrency: 8 };
        const over: string[] = [];
        const segment = (cap: string) => {
          const watch = capWatch(cap);
          return { ...options, cap, onEvent: (e: RunEvent) => (watch.onEvent(e), over.push(...watch.over.splice(0))) };
        };
        let result = await startRun(graph, segment(caps[0]!));
        for (const cap of caps) {
          if (result.status === "completed") break;
          expect(result.status).toBe("paused");
          expect(credits(result.record.totals.spent).lessThanOrEqualTo(credits(cap))).toBe(true);
          result = await resumeRun(result.runId, segment(cap));
        }
        expect(over).toEqual([]);
        if (result.status !== "completed") result = await resumeRun(result.runId, { ...options, cap: "100000" });
        expect(result.status).toBe("completed");
        expectSameRun(result.record, full.record);
        const segments = result.record.segments.reduce((total, s) => total.plus(credits(s.spent)), credits(0));
        expect(segments.toFixed()).toBe(full.record.totals.spent);
      }),
      { numRuns: 4 },
    );
  });
});
