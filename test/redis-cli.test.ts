// The command line over Redis: `flowc run --redis`, then `runs`, `report`, `status` and
// `cache ls/clear` reading Redis (by flag or FLOWC_REDIS); a worker's graceful SIGTERM; usage
// errors; local commands never loading bullmq or ioredis; the compose file in docs/scale-out.md;
// and .ci/run installing redis-server.
import { readFileSync } from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlowGraph } from "../runtime/graph";
import { redisStatus, startRun, startWorker, type Provider } from "../runtime/index";
import { SimulatedProvider } from "../runtime/providers/simulated";
import { ROOT, flowc } from "./cli-spawn";
import { input, node, ref } from "./helpers/runtime-graphs";
import { flowcAsync, quiet, tempHome } from "./helpers/redis-flows";
import { spawnWorker, startRedis, type RedisServer, type WorkerProcess } from "./helpers/redis-server";

let server: RedisServer;
let workers: WorkerProcess[] = [];

beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await server?.stop();
});

describe("back-pressure", () => {
  it("a run never has more than --max-in-flight calls outstanding, whatever its nodes' concurrency", async () => {
    // counted where the calls are carried out: BullMQ's own counts briefly hold a finished job
    // as active after its outcome reached the coordinator
    const target = { url: server.url, prefix: "pressed:", queue: "pressed" };
    const simulated = new SimulatedProvider({ seed: 1, latencyMs: 40 });
    let now = 0;
    let most = 0;
    const counting: Provider = {
      name: "simulated",
      prepare: (graph) => simulated.prepare(graph),
      call: async (request, signal) => {
        most = Math.max(most, ++now);
        try {
          return await simulated.call(request, signal);
        } finally {
          now--;
        }
      },
    };
    const worker = await startWorker({ redis: target, provider: counting, concurrency: 8 });
    try {
      const graph: FlowGraph = { flow: "pressed", streams: [input("docs", "text", 24), node("check", "quality_check", ref("docs"), { pricePerOutput: "1" })], outputs: [ref("check")], budget: { strict: false }, worstCase: "24", expected: "24" };
      const result = await startRun(graph, { ...quiet, home: tempHome(), redis: target, concurrency: 16, maxInFlight: 3 });
      expect([result.status, result.record.totals.spent]).toEqual(["completed", "24"]);
      expect(most).toBe(3);
    } finally {
      await worker.close();
    }
  });
});

describe("a worker stopped with SIGTERM", () => {
  it("finishes its calls in flight, takes no more, and exits 0", async () => {
    const worker = await spawnWorker(server.url, ["--concurrency", "2", "--latency", "400", "--verbose"]);
    const graph: FlowGraph = { flow: "slow", streams: [input("docs", "text", 4), node("check", "quality_check", ref("docs"), { pricePerOutput: "1" })], outputs: [ref("check")], budget: { strict: false }, worstCase: "4", expected: "4" };
    const run = startRun(graph, { ...quiet, home: tempHome(), redis: server.url });
    while ((await redisStatus(server.url)).jobs.active < 2) await new Promise((resolve) => setTimeout(resolve, 20)); // two calls in flight on the worker
    const exited = new Promise<number | null>((resolve) => worker.proc.once("exit", resolve));
    worker.proc.kill("SIGTERM");
    expect(await exited).toBe(0);
    const lines = worker.output().split("\n");
    const stopping = lines.findIndex((l) => l.includes("stopping"));
    expect(stopping).toBeGreaterThan(0);
    expect(lines.slice(stopping).filter((l) => l.startsWith("call ") && l.endsWith(" ok"))).toHaveLength(2);
    expect(worker.output()).toMatch(/stopped after 2 call\(s\)/);
    // the other two calls wait for a worker; one more finishes the run
    workers.push(await spawnWorker(server.url, ["--concurrency", "4"]));
    const result = await run;
    expect([result.status, result.record.totals.spent]).toEqual(["completed", "4"]);
  });
});

describe("flowc run --redis and the commands that read Redis", () => {
  let runId = "";

  beforeAll(async () => {
    workers.push(await spawnWorker(server.url, ["--concurrency", "4"]));
  });

  it("`flowc run FILE --redis URL` runs on the workers; `runs`, `report` and `status` read Redis", async () => {
    const run = await flowcAsync(["run", "samples/campaign.flow", "--redis", server.url, "--seed", "2", "--cap", "1000", "--json"]);
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout.trimEnd().split("\n").pop()!).report as { runId: string; status: string };
    expect(report.status).toBe("completed");
    runId = report.runId;
    const [byFlag, byEnv, local] = await Promise.all([flowcAsync(["runs", "--redis", server.url]), flowcAsync(["runs"], { FLOWC_REDIS: server.url }), flowcAsync(["runs"])]);
    expect(byFlag.stdout).toMatch(new RegExp(`^${runId}\\s+campaign_portraits\\s+completed\\s`, "m"));
    expect(byEnv.stdout).toBe(byFlag.stdout);
    expect(local.stdout).not.toContain(runId);
    const shown = await flowcAsync(["report", runId, "--redis", server.url, "--format", "markdown"]);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain(`run ${runId}`);
    const status = await flowcAsync(["status", "--redis", server.url, "--format", "json"]);
    const parsed = JSON.parse(status.stdout) as { jobs: { completed: number; waiting: number }; workers: unknown[]; runs: unknown[] };
    expect(parsed.workers).toHaveLength(workers.length);
    expect(parsed.jobs.completed).toBeGreaterThan(0);
    expect([parsed.jobs.waiting, parsed.runs]).toEqual([0, []]);
    expect((await flowcAsync(["status", "--redis", server.url])).stdout).toMatch(/^workers: \d+$/m);
  });

  it("`flowc cache ls/clear --redis` list and clear the shared cache", async () => {
    const listed = await flowcAsync(["cache", "ls", "--redis", server.url]);
    expect(listed.stdout).toMatch(/^campaign_portraits\s+style_ref\s+1\s/m);
    const cleared = await flowcAsync(["cache", "clear", "--redis", server.url, "--node", "style_ref"]);
    expect(cleared.stdout).toBe("removed 1 cache entry (node style_ref)\n");
    expect((await flowcAsync(["cache", "ls", "--redis", server.url])).stdout).toBe("the cache is empty\n");
  });

  it("a budget pool: announced when exhausted, shown by status", async () => {
    const run = await flowcAsync(["run", "samples/sharp_drafts.flow", "--redis", server.url, "--budget-pool", "cli-team", "--pool-cap", "10", "--pool-alert", "50%", "--json"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/budget pool cli-team crossed its alert/);
    expect(run.stderr).toMatch(/budget pool cli-team refused a call of run/);
    const status = JSON.parse((await flowcAsync(["status", "--redis", server.url, "--format", "json"])).stdout) as { pools: { name: string; cap: string; alert: string; spent: string }[] };
    const pool = status.pools.find((p) => p.name === "cli-team")!;
    expect([pool.cap, pool.alert, Number(pool.spent) <= 10]).toEqual(["10", "5", true]);
  });
});

describe("usage", () => {
  it("pool options need a pool; a pool needs Redis; a worker and status need Redis; an unreachable Redis is one line", async () => {
    const noPool = await flowcAsync(["run", "samples/sharp_drafts.flow", "--pool-cap", "5"]);
    expect([noPool.status, noPool.stderr]).toEqual([2, "flowc: --pool-cap, --pool-window and --pool-alert need --budget-pool NAME\n"]);
    const noRedis = await flowcAsync(["run", "samples/sharp_drafts.flow", "--budget-pool", "p", "--pool-cap", "5", "--json"]);
    expect(noRedis.status).toBe(1);
    expect(noRedis.stderr).toMatch(/^flowc: budget pool p: pools are kept in Redis; give --redis URL \(or FLOWC_REDIS\)$/m);
    for (const command of [["worker"], ["status"]]) {
      const refused = await flowcAsync(command, { FLOWC_REDIS: "" });
      expect([refused.status, refused.stderr]).toEqual([2, `flowc: flowc ${command[0]} needs --redis URL (or FLOWC_REDIS)\n`]);
    }
    const unreachable = await flowcAsync(["runs", "--redis", "redis://127.0.0.1:1"]);
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr).toMatch(/^flowc: cannot reach Redis at redis:\/\/127\.0\.0\.1:1: [^\n]+\n$/);
  });
});

describe("packaging", () => {
  it("local commands never load bullmq or ioredis", () => {
    const probe = path.join(ROOT, "test/cli-load-probe.mjs");
    for (const args of [["check", "samples/campaign.flow"], ["run", "samples/sharp_drafts.flow", "--json"]]) {
      const log = path.join(tempHome(), "modules.log");
      const run = flowc(args, { nodeArgs: ["--import", probe], env: { FLOWC_LOAD_LOG: log, FLOWC_HOME: tempHome() } });
      expect(run.status).toBe(0);
      const modules = readFileSync(log, "utf8");
      // check starts from the code-cached script (bin/code-cache.js), run from dist/cli.js
      expect(modules).toMatch(/dist\/cli\.js|bin\/code-cache\.js/);
      expect(modules).not.toMatch(/bullmq|ioredis/);
    }
  });

  it("docs/scale-out.md: its compose file parses, with Redis and N workers pointed at it", () => {
    const text = readFileSync(path.join(ROOT, "docs/scale-out.md"), "utf8");
    const block = /```yaml\n([\s\S]*?)```/.exec(text);
    expect(block).not.toBeNull();
    const compose = yaml.load(block![1]!) as { services: Record<string, { image?: string; command?: string | string[]; environment?: Record<string, string>; deploy?: { replicas?: number }; depends_on?: unknown }> };
    expect(compose.services.redis?.image).toMatch(/^redis:/);
    const worker = compose.services.worker!;
    expect(String(worker.command)).toMatch(/flowc(\.js)? worker/);
    expect(worker.environment?.FLOWC_REDIS).toBe("redis://redis:6379");
    expect(worker.deploy?.replicas).toBeGreaterThan(1);
  });

  it(".ci/run installs redis-server when it is missing", () => {
    const script = readFileSync(path.join(ROOT, ".ci/run"), "utf8");
    expect(script).toMatch(/^command -v redis-server .*apt-get install -y[^\n]*redis-server/m);
  });
});
