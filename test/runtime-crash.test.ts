// Crash safety: a run killed with a real SIGKILL at random points, then resumed, ends with the same
// totals and per-node figures as an uninterrupted run with the same seed.
import { build } from "esbuild";
import fc from "fast-check";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credits } from "../runtime/credits";
import { FileJournal } from "../runtime/journal";
import { getRecord, resumeRun, startRun, validateRecord, type RunRecord } from "../runtime/index";
import { campaign, productClips, sharpDrafts, splitBatches, uncapped } from "./helpers/runtime-graphs";

const here = path.dirname(fileURLToPath(import.meta.url));
let dir: string;
let child: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "flowc-rt-crash-"));
  child = path.join(dir, "child.mjs");
  await build({
    entryPoints: [path.join(here, "helpers/runtime-crash-child.ts")],
    outfile: child,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: "warning",
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the child until it has printed `killAfter` call lines, then kills it; returns the run id. */
function runChild(args: string[], killAfter: number): Promise<{ runId?: string; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let runId: string | undefined;
    let calls = 0;
    let buffer = "";
    let stderr = "";
    proc.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    proc.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (line.startsWith("run ")) runId = line.slice(4);
        if (line.startsWith("call ") && ++calls === killAfter) proc.kill("SIGKILL");
      }
    });
    proc.on("error", reject);
    proc.on("close", (code, signal) => {
      if (signal === "SIGKILL") resolve({ runId, killed: true });
      else if (code === 0) resolve({ runId, killed: false });
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}

async function journalSpend(home: string, runId: string) {
  const entries = await new FileJournal(path.join(home, "runs", runId, "journal.jsonl")).read();
  return entries.reduce((total, e) => (e.type === "attempt" ? total.plus(credits(e.credits)) : total), credits(0));
}

function figures(record: RunRecord) {
  return {
    status: record.status,
    totals: record.totals,
    nodes: record.nodes,
    outputs: record.outputs,
  };
}

const graphs = { campaign: () => uncapped(campaign()), sharp: sharpDrafts, split: splitBatches, clips: productClips };
const cases: { graph: keyof typeof graphs; seed: number; kills: number[] }[] = [
  { graph: "campaign", seed: 10, kills: [1] },
  { graph: "campaign", seed: 11, kills: [3, 40] },
  { graph: "campaign", seed: 12, kills: [100] },
  { graph: "sharp", seed: 5, kills: [17, 9] },
  { graph: "sharp", seed: 6, kills: [45] },
  { graph: "clips", seed: 3, kills: [6, 2] },
  { graph: "split", seed: 8, kills: [30] },
  { graph: "split", seed: 9, kills: [51] },
];

async function crashAndResume(graph: keyof typeof graphs, seed: number, kills: number[], tag: string): Promise<void> {
  const home = path.join(dir, `${tag}-${graph}-${seed}`);
  const reference = await startRun(graphs[graph](), { home: path.join(dir, `ref-${tag}-${graph}-${seed}`), seed, simulateHumans: true, notify: { stderr: false }, collectOutputs: false });
  expect(reference.status).toBe("completed");

  let outcome = await runChild(["start", home, graph, String(seed), "3"], kills[0]!);
  const runId = outcome.runId!;
  let killed = outcome.killed ? 1 : 0;
  for (const kill of kills.slice(1)) {
    if (!outcome.killed) break;
    outcome = await runChild(["resume", home, runId, "3"], kill);
    killed += outcome.killed ? 1 : 0;
  }
  if (outcome.killed) {
    // before the resume, `runs` and `report` show the killed run interrupted, with what its journal holds
    const shown = await getRecord(runId, { home });
    expect(shown.status).toBe("interrupted");
    expect(shown.totals.spent).toBe((await journalSpend(home, runId)).toFixed());
  }
  const record = outcome.killed ? (await resumeRun(runId, { home, notify: { stderr: false }, collectOutputs: false })).record : await getRecord(runId, { home });

  expect(figures(record)).toEqual(figures(reference.record));
  expect(validateRecord(record)).toEqual([]);
  // the killed segments are closed as interrupted, with what they spent: segments add up to the total
  expect(record.segments.map((s) => s.status)).toEqual([...Array.from({ length: killed }, () => "interrupted"), "completed"]);
  expect(record.segments.reduce((total, s) => total.plus(credits(s.spent)), credits(0)).toFixed()).toBe(reference.record.totals.spent);
  expect(record.events.filter((e) => e.type === "resumed").map((e) => e.message)).toEqual(Array.from({ length: killed }, () => expect.stringContaining("after an interruption")));
}

describe("crash and resume", () => {
  for (const c of cases) {
    it(`${c.graph} (seed ${c.seed}) killed after ${c.kills.join(" then ")} calls`, () => crashAndResume(c.graph, c.seed, c.kills, "case"));
  }

  it("killed at random points", async () => {
    let tag = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...(Object.keys(graphs) as (keyof typeof graphs)[])), fc.nat(1000), fc.array(fc.integer({ min: 1, max: 90 }), { minLength: 1, maxLength: 3 }), (graph, seed, kills) =>
        crashAndResume(graph, seed, kills, `random${++tag}`),
      ),
      { numRuns: 6 },
    );
  });
});
