// Fault injection, the provider side: a local HTTP server that fails in every way a real one does
// (500, 429 with Retry-After, a hang, bad JSON, missing fields, non-finite metrics, a huge body, a
// body cut short, redirects, an unreachable host). Each case: what is charged, what is counted,
// what the run's outcome says.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../runtime/clock";
import { HttpProvider, listRuns, loadEndpoints, resumeRun, startRun, type RunEvent, type RunOptions, type RunRecord } from "../runtime/index";
import { parseJournal, type AttemptEntry } from "../runtime/journal";
import type { FlowGraph } from "../runtime/graph";
import { closedPort, ok, outputsFor, startFaultServer, type FaultServer } from "./helpers/fault-server";
import { input, node, ref } from "./helpers/runtime-graphs";

let home: string;
let server: FaultServer;
const homes: string[] = [];

beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), "flowc-faults-http-"));
  homes.push(home);
  server = await startFaultServer();
});
afterEach(async () => {
  await server.close();
});
afterAll(async () => {
  await Promise.all(homes.map((h) => rm(h, { recursive: true, force: true })));
});

/** Three documents checked at 0.75 credits a call (0.25 overhead + 0.5 per output). */
function graph(retry = 0, items = 3): FlowGraph {
  return {
    flow: "http_faults",
    streams: [input("docs", "text", items), node("check", "quality_check", ref("docs"), { model: "checker", pricePerOutput: "0.5", overheadPerCall: "0.25", retry })],
    outputs: [ref("check")],
    budget: { strict: false },
    worstCase: "100",
    expected: "1",
  };
}

async function endpoints(config: unknown): Promise<string> {
  const file = path.join(home, "endpoints.json");
  await writeFile(file, JSON.stringify(config));
  return file;
}

async function run(config: unknown, options: { retry?: number; items?: number } & Partial<RunOptions> = {}) {
  const events: RunEvent[] = [];
  const { retry, items, ...rest } = options;
  const result = await startRun(graph(retry, items), {
    home,
    httpConfig: await endpoints(config),
    notify: { stderr: false },
    backoff: { baseDelayMs: 1, maxDelayMs: 2 },
    onEvent: (e) => events.push(e),
    ...rest,
  });
  return { ...result, events, check: result.record.nodes.find((n) => n.name === "check")! };
}

async function attempts(record: RunRecord): Promise<AttemptEntry[]> {
  const text = await readFile(path.join(home, "runs", record.runId, "journal.jsonl"), "utf8").catch(() => "");
  return parseJournal(text, "journal").filter((e): e is AttemptEntry => e.type === "attempt");
}

describe("a provider that answers with errors", () => {
  it("HTTP 500 on every attempt: each attempt charged, counted under one cause; nothing reached an output, so the run failed", async () => {
    server.answer((_seen, res) => void res.writeHead(500).end("internal error"));
    const result = await run({ default: { url: server.url } }, { retry: 2 });
    expect(result.status).toBe("failed");
    expect(result.record.reason).toBe("calls");
    expect(result.record.error).toBe("no item reached an output because calls failed: check: 3 call(s) failed (HTTP 500 ×9)");
    expect(result.check).toMatchObject({ calls: 3, attempts: 9, failedCalls: 3, failedItems: 3, credits: "6.75", failures: [{ cause: "HTTP 500", charged: true, attempts: 9, calls: 3 }] });
    expect(result.record.totals.spent).toBe("6.75");
  });

  it("bad JSON, a body without outputs, metrics that are not numbers: failed attempts, charged, one cause each", async () => {
    const answers = ["{not json", JSON.stringify({ result: [] }), JSON.stringify({ outputs: [{ value: 1, metrics: { sharpness: "high" } }] })];
    server.answer((seen, res) => void res.end(answers[server.seen.length - 1] ?? outputsFor(seen)));
    const result = await run({ default: { url: server.url } }, { retry: 3, items: 1 });
    expect(result.status).toBe("completed");
    expect(result.check).toMatchObject({ calls: 1, attempts: 4, failedCalls: 0, itemsOut: 1, credits: "3" });
    expect(result.check.failures.map((f) => [f.cause, f.attempts, f.calls])).toEqual([
      ["invalid output", 1, 0],
      ["response is not JSON", 1, 0],
      ["response without outputs", 1, 0],
    ]);
  });

  it("a metric that is not finite (1e999) or outside the op's range fails the attempt with that reason; the journal holds what the run used", async () => {
    const bodies = ['{"outputs":[{"value":"v","metrics":{"sharpness":1e999}}]}', '{"outputs":[{"value":"v","metrics":{"sharpness":1.5}}]}'];
    server.answer((seen, res) => void res.end(bodies[server.seen.length - 1] ?? outputsFor(seen, { sharpness: 0.25 })));
    const result = await run({ default: { url: server.url } }, { retry: 2, items: 1 });
    const journal = await attempts(result.record);
    expect(journal.map((e) => e.error)).toEqual([
      "output 1: metric sharpness is Infinity, not a finite number",
      "output 1: metric sharpness is 1.5, outside the range 0..1 op quality_check declares",
      undefined,
    ]);
    expect(journal[2]!.outputs![0]!.metrics).toEqual({ sharpness: 0.25 });
    expect(result.outputs.check!.map((i) => i.metrics)).toEqual([{ sharpness: 0.25 }]);
  });
});

describe("waiting between attempts", () => {
  it("a 429's Retry-After is honoured: the next attempt starts no sooner (a manual clock, so nothing sleeps)", async () => {
    server.answer((_seen, res) => void res.writeHead(429, { "retry-after": "7" }).end("slow down"));
    const clock = new ManualClock();
    const result = await run({ default: { url: server.url } }, { retry: 2, items: 1, clock, backoff: {} });
    const at = (await attempts(result.record)).map((e) => e.at);
    expect(at).toHaveLength(3);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(7000);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(7000);
    const waits = result.events.flatMap((e) => (e.type === "attempt-failed" ? [e.retryInMs] : []));
    expect(waits).toEqual([7000, 7000, undefined]);
    expect(result.check.failures).toEqual([{ cause: "HTTP 429", charged: true, attempts: 3, calls: 1 }]);
  });

  it("without Retry-After, attempts back off exponentially with jitter", async () => {
    server.answer((_seen, res) => void res.writeHead(503).end());
    const clock = new ManualClock();
    const result = await run({ default: { url: server.url } }, { retry: 3, items: 1, clock, backoff: { baseDelayMs: 1000, maxDelayMs: 3000, random: () => 0.5 } });
    const waits = result.events.flatMap((e) => (e.type === "attempt-failed" && e.retryInMs ? [e.retryInMs] : []));
    // half the step plus half of the other half: 1000 → 750, 2000 → 1500, 3000 (capped) → 2250
    expect(waits).toEqual([750, 1500, 2250]);
  });

  it("a Retry-After past the total wait gives the call up at once and says why", async () => {
    server.answer((_seen, res) => void res.writeHead(429, { "retry-after": "3600" }).end());
    const result = await run({ default: { url: server.url } }, { retry: 5, items: 1, clock: new ManualClock(), backoff: { totalWaitMs: 600_000 } });
    expect(server.seen).toHaveLength(1);
    expect(result.check.failures).toEqual([
      { cause: "HTTP 429", charged: true, attempts: 1, calls: 0 },
      { cause: "gave up: the next attempt would start past the total wait of 600 s per call (the provider asked to wait 3600 s)", charged: false, attempts: 0, calls: 1 },
    ]);
  });

  it("a hanging provider: the attempt times out and says which timeout fired (the default one, named as such)", async () => {
    server.answer(() => undefined);
    const result = await run({ default: { url: server.url, timeoutMs: 100 } }, { items: 1 });
    expect(result.events.find((e) => e.type === "attempt-failed")).toMatchObject({ error: "timed out after 100 ms", charged: true });
    const provider = new HttpProvider({ default: { url: server.url } }, { defaultTimeoutMs: 100 });
    const outcome = await provider.call({ runId: "r", flow: "f", node: graph().streams[1] as never, callId: "0", round: 0, attempt: 1, idempotencyKey: "k", items: [], named: {}, variants: 1 }, new AbortController().signal);
    expect(outcome).toMatchObject({ ok: false, error: 'timed out after 100 ms (the default per-attempt timeout of 0.1 s: set "timeoutMs" for the endpoint to change it)' });
  });
});

describe("bodies", () => {
  it("a body past maxResponseBytes fails the attempt (charged: the provider answered); so does a body cut short", async () => {
    server.answer((seen, res) => {
      if (server.seen.length === 1) return void res.end(`{"outputs":[{"value":"${"x".repeat(5000)}"}]}`);
      if (server.seen.length === 2) {
        res.writeHead(200, { "content-length": "1000" });
        res.write('{"outputs":[');
        return void setTimeout(() => res.destroy(), 10);
      }
      ok(seen, res);
    });
    const result = await run({ default: { url: server.url, maxResponseBytes: 1000 } }, { retry: 2, items: 1 });
    expect(result.check).toMatchObject({ attempts: 3, itemsOut: 1, credits: "2.25" });
    expect(result.check.failures.map((f) => f.cause).sort()).toEqual(["response cut short", "response too large"]);
  });
});

describe("redirects", () => {
  it("are refused by default; configured headers never reach another host", async () => {
    const other = await startFaultServer();
    try {
      server.answer((_seen, res) => void res.writeHead(307, { location: `${other.url}/steal?token=abc` }).end());
      const result = await run({ default: { url: server.url, headers: { "x-api-key": "k-1234567890" } } }, { items: 1 });
      expect(other.seen).toHaveLength(0);
      expect(result.check.failures[0]).toMatchObject({ cause: "redirect refused", charged: true });
      expect(result.events.find((e) => e.type === "attempt-failed")).toMatchObject({ error: expect.stringContaining(`redirect to http://${new URL(other.url).host}/… refused`) });

      const followed = await run({ default: { url: server.url, redirect: "same-origin", headers: { "x-api-key": "k-1234567890" } } }, { items: 1 });
      expect(other.seen).toHaveLength(0);
      expect(followed.events.find((e) => e.type === "attempt-failed")).toMatchObject({ error: expect.stringContaining("redirect to another origin") });
    } finally {
      await other.close();
    }
  });

  it("within the endpoint's origin, are followed when allowed, headers and body included", async () => {
    server.answer((seen, res) => (seen.path === "/v1" ? void res.writeHead(308, { location: "/v2" }).end() : ok(seen, res)));
    const result = await run({ default: { url: `${server.url}/v1`, redirect: "same-origin", headers: { "x-api-key": "k-1" } } }, { items: 1 });
    expect(result.status).toBe("completed");
    expect(server.seen.map((s) => [s.path, s.headers["x-api-key"], (s.body.items as unknown[]).length])).toEqual([
      ["/v1", "k-1", 1],
      ["/v2", "k-1", 1],
    ]);
    expect(result.check).toMatchObject({ attempts: 1, credits: "0.75" });
  });
});

describe("a provider that cannot be reached", () => {
  it("connection refused and an unknown host cost nothing and are not charged attempts; a resume tries them again", async () => {
    const refused = `http://127.0.0.1:${await closedPort()}`;
    const result = await run({ models: { checker: { url: refused } } }, { retry: 1, items: 2 });
    expect(result.status).toBe("failed");
    expect(result.record.totals.spent).toBe("0");
    expect(result.check).toMatchObject({ calls: 2, attempts: 0, credits: "0", failedCalls: 2, failures: [{ cause: "connection refused", charged: false, attempts: 4, calls: 2 }] });
    expect(await attempts(result.record)).toEqual([]);
    expect(result.events.find((e) => e.type === "attempt-failed")).toMatchObject({ charged: false });

    // the endpoint comes back: the same run, resumed, makes the calls (charged once each)
    await writeFile(path.join(home, "endpoints.json"), JSON.stringify({ models: { checker: { url: server.url } } }));
    const resumed = await resumeRun(result.runId, { home, notify: { stderr: false } });
    expect(resumed.status).toBe("completed");
    expect(resumed.record.totals.spent).toBe("1.5");

    const unknown = await run({ default: { url: "http://flowc-test.invalid/x" } }, { items: 1 });
    expect(unknown.check).toMatchObject({ attempts: 0, credits: "0", failures: [{ cause: "unknown host", charged: false }] });
  });

  it("an invalid URL or header value is refused before any run starts, without repeating the value", async () => {
    const bad = [{ default: { url: "http://exa mple.com/" } }, { default: { url: server.url, headers: { "x-api-key": "secret\nvalue-123456" } } }];
    const messages: Error[] = [];
    for (const config of bad) messages.push((await startRun(graph(), { home, httpConfig: await endpoints(config) }).catch((e: Error) => e)) as Error);
    expect(messages.map((e) => e.message)).toEqual([
      expect.stringContaining("default.url is not a valid URL"),
      expect.stringContaining('default.headers: header "x-api-key" cannot be sent'),
    ]);
    expect(messages[1]!.message).not.toContain("secret");
    expect(await listRuns({ home })).toEqual([]);
    await writeFile(path.join(home, "broken.json"), '{"default": {"url": "http://x", "headers": {"a": "sekret-123456"}');
    await expect(loadEndpoints(path.join(home, "broken.json"))).rejects.toThrow(/not valid JSON \(/);
    await expect(loadEndpoints(path.join(home, "broken.json"))).rejects.not.toThrow(/sekret/);
    expect(server.seen).toHaveLength(0);
  });
});
