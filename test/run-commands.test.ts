// The commands around a run, through the built CLI: the cache across two runs, reviews recorded
// with `flowc review` and resumed, bad run ids, `flowc compile -o`, `flowc cache ls|clear`.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { dec } from "../syntax/credits";
import { sampleModule } from "./codegen-helpers";
import { exactField, expectOneLineError, flowcAsync, flowcIn, recordOf, runJson, tempHome } from "./run-helpers";

describe("the cache", () => {
  const home = tempHome();
  let first: ReturnType<typeof runJson>;
  let second: ReturnType<typeof runJson>;

  test("a second campaign run within the TTL pays 3 credits less: style_ref is a cache hit", () => {
    first = runJson(home, ["run", "samples/campaign.flow"]);
    second = runJson(home, ["run", "samples/campaign.flow"]);
    expect([first.status, second.status]).toEqual([0, 0]);
    expect(dec(exactField(first, "spent")).minus(dec(exactField(second, "spent"))).toFixed()).toBe("3");
    const styleRef = (run: typeof first) => run.report.nodes.find((n) => n.name === "style_ref");
    expect(styleRef(first)).toMatchObject({ cacheHits: 0, calls: 1 });
    expect(styleRef(second)).toMatchObject({ cacheHits: 1 });
  });

  test("`flowc cache ls` shows style_ref's entry; `cache clear --node` removes it and the next run pays again", () => {
    const listing = flowcIn(home, ["cache", "ls"]);
    expect(listing.status).toBe(0);
    expect(listing.stdout).toMatch(/^campaign_portraits\s+style_ref\s+1\s+\d+(\.\d)? (B|KiB)\s+\d+s\s+\d+s$/m);
    const cleared = flowcIn(home, ["cache", "clear", "--flow", "campaign_portraits", "--node", "style_ref"]);
    expect(cleared.stdout).toBe("removed 1 cache entry (flow campaign_portraits, node style_ref)\n");
    expect(flowcIn(home, ["cache", "ls"]).stdout).toBe("the cache is empty\n");
    const third = runJson(home, ["run", "samples/campaign.flow"]);
    expect(exactField(third, "spent")).toBe(exactField(first, "spent"));
  });
});

describe("reviews decided with `flowc review`, then resumed", () => {
  const home = tempHome();
  let runId = "";
  let reviewed: string[] = [];

  test("without a terminal and with --no-simulate-reviews, the run pauses awaiting review", () => {
    const run = runJson(home, ["run", "samples/product_clips.flow", "--no-simulate-reviews"]);
    expect(run.status).toBe(1);
    expect(run.report.status).toBe("awaiting-review");
    runId = run.report.runId;
    expect(recordOf(home, runId).pending.length).toBeGreaterThan(0);
  });

  test("`flowc review RUN` lists what awaits a decision", () => {
    const list = flowcIn(home, ["review", runId]);
    expect(list.status).toBe(0);
    for (const p of recordOf(home, runId).pending) expect(list.stdout).toContain(`review ${p.stream}: ${p.itemId}`);
  });

  test("an id that is not pending is refused (exit 2) and nothing is recorded", () => {
    expectOneLineError(flowcIn(home, ["review", runId, "--approve", "keyframe#999"]), 2, /keyframe#999 is not awaiting review/);
    expect(existsSync(path.join(home, "runs", runId, "decisions.json"))).toBe(false);
  });

  test("approve two, reject the rest; resume completes with exactly two clips", () => {
    const ids = recordOf(home, runId).pending.map((p) => p.itemId);
    const [a, b, ...rest] = ids;
    const recorded = flowcIn(home, ["review", runId, "--approve", a!, b!, "--reject", ...rest]);
    expect(recorded.status).toBe(0);
    expect(recorded.stdout).toContain(`recorded ${ids.length} decision(s) for run ${runId}`);
    const resumed = runJson(home, ["resume", runId]);
    expect(resumed.status).toBe(0);
    expect(resumed.report.status).toBe("completed");
    expect(resumed.report.nodes.find((n) => n.name === "clip")?.calls).toBe(2);
    reviewed = ids;
  });

  test("--decisions FILE decides the same items up front: the run completes without pausing", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "flowc-decisions-")), "decisions.json");
    writeFileSync(file, JSON.stringify({ reviews: { ok: Object.fromEntries(reviewed.map((id, i) => [id, i < 3 ? "approve" : "reject"])) } }));
    const run = runJson(tempHome(), ["run", "samples/product_clips.flow", "--decisions", file]);
    expect(run.stderr).not.toMatch(/simulated provider decides/);
    expect(run.status).toBe(0);
    expect(run.report.nodes.find((n) => n.name === "clip")?.calls).toBe(3);
  });

  test("an invalid decisions file is bad usage, before anything is spent", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "flowc-decisions-")), "decisions.json");
    writeFileSync(file, JSON.stringify({ reviews: { ok: { "keyframe#0": "maybe" } } }));
    const home = tempHome();
    expectOneLineError(flowcIn(home, ["run", "samples/product_clips.flow", "--decisions", file]), 2, /decisions\.json/);
    expect(flowcIn(home, ["runs"]).stdout).toMatch(/^no runs yet/);
  });
});

describe("--input", () => {
  test("a folder of images and a single file: one call of faces per image", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "flowc-inputs-"));
    mkdirSync(path.join(dir, "shots"));
    for (const name of ["a.png", "b.png", "c.png"]) writeFileSync(path.join(dir, "shots", name), `image ${name}`);
    writeFileSync(path.join(dir, "style.png"), "a style");
    const run = runJson(tempHome(), ["run", "samples/campaign.flow", "--input", `shots=${path.join(dir, "shots")}`, "--input", `style=${path.join(dir, "style.png")}`]);
    expect(run.status).toBe(0);
    expect(run.report.nodes.find((n) => n.name === "faces")?.calls).toBe(3);
  });
});

describe("bad or missing run ids", () => {
  const home = tempHome();
  test.each([["resume"], ["report"], ["ack"], ["review"]])("flowc %s: one line, exit 2", (command) => {
    expectOneLineError(flowcIn(home, [command, "no-such-run"]), 2, /no run with id "no-such-run"/);
  });

  test("a missing run id argument is bad usage", () => {
    expectOneLineError(flowcIn(home, ["resume"]), 2, /missing required argument 'run'/);
  });
});

describe("flowc compile", () => {
  test("-o writes the module", async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "flowc-compile-")), "campaign.ts");
    const run = flowcIn(tempHome(), ["compile", "samples/campaign.flow", "-o", out]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("");
    expect(readFileSync(out, "utf8")).toBe(await sampleModule("samples/campaign.flow"));
  });

  test("-o OUT.js writes ESM JavaScript and OUT.d.ts beside it, making missing folders", () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "flowc-compile-")), "lib/flows/split.js");
    const run = flowcIn(tempHome(), ["compile", "samples/split_batches.flow", "-o", out]);
    expect([run.status, run.stderr]).toEqual([0, ""]);
    const javascript = readFileSync(out, "utf8");
    expect(javascript).toMatch(/^import \{ resumeRun, startRun \} from "flowc\/runtime";$/m);
    expect(javascript).toContain('export const WORST_CASE = "35";');
    expect(javascript).not.toMatch(/: (Inputs|RunOptions|FlowGraph)\b/);
    const declarations = readFileSync(out.replace(/\.js$/, ".d.ts"), "utf8");
    expect(declarations).toContain('export declare const WORST_CASE = "35";');
    expect(declarations).toMatch(/export interface Outputs \{[^}]*tag_good: FlowItem<"json">\[\];[^}]*tag_bad: FlowItem<"json">\[\];/s);
  });

  test("-o with an extension that is neither TypeScript nor JavaScript is bad usage", () => {
    expectOneLineError(flowcIn(tempHome(), ["compile", "samples/split_batches.flow", "-o", "split.txt"]), 2, /-o split\.txt: expected a \.ts, \.mts, \.js or \.mjs file/);
  });

  test("a flow with errors: its diagnostics on stderr, no module, exit 1", () => {
    const run = flowcIn(tempHome(), ["compile", "test/cli-fixtures/broken.flow"]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/broken\.flow:\d+:\d+ - error FLOW\d{3}: /);
  });

  test("an unreadable file: one line, exit 2", () => {
    expectOneLineError(flowcIn(tempHome(), ["compile", "samples/nope.flow"]), 2, /cannot read 'samples\/nope\.flow': no such file/);
  });
});

describe("--provider http", () => {
  test("calls go to the configured endpoint; the run completes and is charged per call", async () => {
    const calls: { node: string; items: unknown[] }[] = [];
    const server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        const call = JSON.parse(body) as { node: string; items: unknown[]; variants: number };
        calls.push(call);
        const metrics = { sharpness: 0.9, legibility: 0.9, aesthetic: 0.9, confidence: 0.9 };
        const outputs = Array.from({ length: Math.max(1, call.items.length) * call.variants }, (_, i) => ({ value: `out ${i}`, metrics }));
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify({ outputs }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const endpoints = path.join(mkdtempSync(path.join(tmpdir(), "flowc-endpoints-")), "endpoints.json");
      writeFileSync(endpoints, JSON.stringify({ default: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/call` } }));
      const run = await flowcAsync(tempHome(), ["run", "samples/split_batches.flow", "--provider", "http", "--endpoints", endpoints, "--json"]);
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      const report = run.stdout.trimEnd().split("\n").pop()!;
      expect(report).toContain('"spent": 25,');
      expect(calls.filter((c) => c.node === "check")).toHaveLength(50);
      expect(calls.filter((c) => c.node === "tag_good").map((c) => c.items.length)).toEqual([25, 25]);
      expect(calls.filter((c) => c.node === "tag_bad")).toEqual([]);
    } finally {
      server.close();
    }
  });

  test("--provider http without --endpoints is bad usage", () => {
    expectOneLineError(flowcIn(tempHome(), ["run", "samples/split_batches.flow", "--provider", "http"]), 2, /--provider http needs --endpoints FILE/);
  });
});
