import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HttpProvider, ProviderConfigError, listRuns, loadEndpoints, startRun, type RunRecord } from "../runtime/index";
import { input, node, ref } from "./helpers/runtime-graphs";
import type { FlowGraph } from "../runtime/graph";

let home: string;
let server: Server;
let url: string;
let handler: (body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse) => void;
const seen: { body: Record<string, unknown>; headers: IncomingMessage["headers"] }[] = [];

beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), "flowc-rt-http-"));
  seen.length = 0;
  server = createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += c.toString()));
    req.on("end", () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      seen.push({ body, headers: req.headers });
      handler(body, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(home, { recursive: true, force: true });
});

function graph(retry = 0): FlowGraph {
  return {
    flow: "http_flow",
    streams: [input("docs", "text", 3), node("check", "quality_check", ref("docs"), { model: "checker", pricePerOutput: "0.5", overheadPerCall: "0.25", retry, params: { rubric: "strict" } })],
    outputs: [ref("check")],
    budget: { strict: false },
    worstCase: String(3 * (retry + 1) * 0.75),
    expected: "2.25",
  };
}

const ok = (body: Record<string, unknown>, res: ServerResponse) => {
  const items = body.items as { id: string; value: unknown }[];
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ outputs: items.map((i) => ({ value: `checked ${String(i.value)}`, metrics: { sharpness: 0.9, legibility: 0.8, aesthetic: 0.7 } })) }));
};

async function endpoints(config: unknown): Promise<string> {
  const file = path.join(home, "endpoints.json");
  await writeFile(file, JSON.stringify(config));
  return file;
}

const run = async (config: unknown, retry = 0) => startRun(graph(retry), { home, httpConfig: await endpoints(config), notify: { stderr: false } });
const check = (record: RunRecord) => record.nodes.find((n) => n.name === "check")!;

describe("HTTP provider", () => {
  it("POSTs each call to the model's endpoint with its headers and reads the outputs", async () => {
    handler = (body, _req, res) => ok(body, res);
    const result = await run({ models: { checker: { url: `${url}/v1/check`, headers: { authorization: "Bearer t" } } } });
    expect(result.status).toBe("completed");
    expect(result.record.provider).toBe("http");
    expect(result.record.totals.spent).toBe("2.25");
    expect(result.outputs.check!.map((i) => i.value)).toEqual(["checked docs 0", "checked docs 1", "checked docs 2"]);
    expect(seen).toHaveLength(3);
    const first = seen.find((s) => (s.body.items as { id: string }[])[0]!.id === "docs#0")!;
    expect(first.headers.authorization).toBe("Bearer t");
    expect(first.headers["idempotency-key"]).toBe(`${result.runId}/check/r0/0/a1`);
    expect(first.body).toMatchObject({ flow: "http_flow", node: "check", op: "quality_check", model: "checker", params: { rubric: "strict" }, attempt: 1, variants: 1 });
  });

  it("a non-2xx answer, bad JSON or a wrong shape is a failed attempt, charged and retried", async () => {
    let calls = 0;
    handler = (body, _req, res) => {
      calls++;
      if (calls === 1) return void res.writeHead(503).end("busy");
      if (calls === 2) return void res.end("{not json");
      if (calls === 3) return void res.end(JSON.stringify({ outputs: [] }));
      ok(body, res);
    };
    const result = await run({ default: { url } }, 2);
    const counters = check(result.record);
    // every attempt is charged: 3 failures, then 3 successes (each call has 3 attempts)
    expect(counters).toMatchObject({ calls: 3, attempts: 6, failedItems: 0, itemsOut: 3 });
    expect(result.record.totals.spent).toBe("4.5");
  });

  it("a request that outlives its timeout is a failed attempt", async () => {
    handler = (body, _req, res) => {
      if ((body.items as { id: string }[])[0]!.id === "docs#1") return; // never answers
      ok(body, res);
    };
    const result = await run({ ops: { quality_check: { url, timeoutMs: 200 } } });
    expect(check(result.record)).toMatchObject({ calls: 3, attempts: 3, failedItems: 1, itemsOut: 2 });
    expect(result.status).toBe("completed");
  });

  it("reports the node's own timeout the same way", async () => {
    handler = () => undefined;
    const g = graph();
    g.streams[1] = { ...(g.streams[1] as ReturnType<typeof node>), timeoutSeconds: "0.1" };
    const result = await startRun(g, { home, httpConfig: await endpoints({ default: { url } }), notify: { stderr: false } });
    expect(check(result.record)).toMatchObject({ attempts: 3, failedItems: 3, itemsOut: 0 });
  });

  it("rejects a bad endpoints file, and a node without an endpoint, before any run starts", async () => {
    await expect(loadEndpoints(await endpoints({ models: { checker: { url: "ftp://x" } } }))).rejects.toThrow('/models/checker/url must match pattern "^https?://"');
    await expect(loadEndpoints(path.join(home, "nope.json"))).rejects.toBeInstanceOf(ProviderConfigError);
    await expect(run({ models: { other: { url } } })).rejects.toThrow("no endpoint for node check (model checker, op quality_check)");
    expect(await listRuns({ home })).toEqual([]);
    expect(new HttpProvider({ default: { url } }).prepare(graph())).toEqual([]);
  });
});
