// Shared by the Redis run tests: the samples' graphs and witnesses (from their generated modules),
// the figures a run must reproduce, and options for quiet in-process coordinators.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "vitest";
import { loadFlowModule } from "../../cli/load-module";
import type { FlowGraph, Scenario } from "../../runtime/graph";
import { cacheClear, startRun, type RunEvent, type RunRecord, type RunResult } from "../../runtime/index";
import { credits } from "../../runtime/credits";
import { SAMPLES, sampleModule } from "../codegen-helpers";
import { BIN, ROOT, type FlowcRun } from "../cli-spawn";

export interface Sample {
  file: string;
  graph: FlowGraph;
  worst: Scenario;
}

export async function samples(): Promise<Sample[]> {
  return Promise.all(
    SAMPLES.map(async (file) => {
      const flow = await loadFlowModule(await sampleModule(file));
      return { file, graph: flow.graph, worst: flow.WORST_SCENARIO };
    }),
  );
}

export const quiet = { notify: { stderr: false as const }, collectOutputs: false, simulateHumans: true };

const homes: string[] = [];
process.once("exit", () => homes.forEach((home) => rmSync(home, { recursive: true, force: true })));

/** A fresh FLOWC_HOME, removed when the test process exits. */
export function tempHome(): string {
  const home = mkdtempSync(path.join(tmpdir(), "flowc-redis-home-"));
  homes.push(home);
  return home;
}

/** What two runs of one flow with one seed must agree on, call for call. */
export function figures(record: RunRecord) {
  return { status: record.status, totals: record.totals, nodes: record.nodes, outputs: record.outputs };
}

/** The uninterrupted run on this machine, in a fresh home (the reference). */
export async function localRun(graph: FlowGraph, seed: number, scenario?: Scenario): Promise<RunResult> {
  return startRun(graph, { ...quiet, home: tempHome(), seed, ...(scenario ? { scenario } : {}) });
}

/** A run through Redis starts from an empty shared cache, as a local run in a fresh home does. */
export async function clearSharedCache(url: string): Promise<void> {
  await cacheClear({}, { redis: url });
}

/** Every call-done event reports spend at or under the cap. */
export function capWatch(cap: string) {
  const over: string[] = [];
  const onEvent = (e: RunEvent) => {
    if (e.type === "call-done" && credits(e.spent).greaterThan(credits(cap))) over.push(e.spent);
  };
  return { over, onEvent };
}

export function expectSameRun(actual: RunRecord, expected: RunRecord): void {
  expect(figures(actual)).toEqual(figures(expected));
}

/** flowc run as a child process with a fresh local home, without blocking (workers run beside it). */
export function flowcAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<FlowcRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, FLOWC_HOME: tempHome(), NO_COLOR: "1", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
