// Spawning `flowc run` and friends against a temporary FLOWC_HOME, and reading their output.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "vitest";
import { spawn } from "node:child_process";
import { BIN, type FlowcRun, ROOT, flowc } from "./cli-spawn";

export function tempHome(): string {
  return mkdtempSync(path.join(tmpdir(), "flowc-run-home-"));
}

export function flowcIn(home: string, args: string[]): FlowcRun {
  return flowc(args, { env: { FLOWC_HOME: home } });
}

export interface JsonRun extends FlowcRun {
  /** the report line's text (credits keep their exact digits here) */
  reportText: string;
  report: { runId: string; status: string; reason?: string; nodes: { name: string; cacheHits: number; calls: number }[] };
}

/** `flowc run … --json` (or resume): the last stdout line is the report. */
export function runJson(home: string, args: string[]): JsonRun {
  const run = flowcIn(home, [...args, "--json"]);
  const last = run.stdout.trimEnd().split("\n").pop() ?? "";
  if (!last.startsWith('{"type": "report"')) throw new Error(`no report line (status ${run.status}):\n${run.stdout}\n${run.stderr}`);
  return { ...run, reportText: last, report: JSON.parse(last).report };
}

/** A credits field of the report, as its exact decimal text. */
export function exactField(run: JsonRun, field: "spent" | "worstCase" | "cap"): string {
  const match = new RegExp(`"${field}": ([0-9.]+)`).exec(run.reportText);
  expect(match, `${field} in ${run.reportText}`).not.toBeNull();
  return match![1]!;
}

/** The stored run record (what `flowc review` reads pending decisions from). */
export function recordOf(home: string, runId: string): { pending: { stream: string; kind: string; itemId: string; variants?: string[] }[]; status: string } {
  return JSON.parse(readFileSync(path.join(home, "runs", runId, "record.json"), "utf8"));
}

export function expectOneLineError(run: FlowcRun, status: number, message: RegExp): void {
  expect(run.status).toBe(status);
  expect(run.stderr).toMatch(/^flowc: [^\n]+\n$/);
  expect(run.stderr).toMatch(message);
}

/** Like flowcIn, without blocking the test process (for tests that serve HTTP to the CLI). */
export function flowcAsync(home: string, args: string[]): Promise<FlowcRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, FLOWC_HOME: home, FORCE_COLOR: "0" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
