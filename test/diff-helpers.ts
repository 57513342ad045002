// Shared by the issue-6 suites (diff, policy, baseline, simulate, calibrate): flowc run in-process
// on a working directory, temporary folders, and flows analysed from text.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { runCli } from "../cli/program";
import type { CliIo } from "../cli/io";
import { type AnalyzeOptions, type FileAnalysis, analyzeFile } from "../compiler/index";
import { ROOT } from "./cli-spawn";

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** `flowc ARGS` in-process, in `cwd`, without colour; `stdin` is what standard input holds. */
export async function cli(args: string[], cwd: string, stdin?: string): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    color: false,
    cwd,
    env: {},
    stdin: () => (stdin === undefined ? { ok: false, reason: "no standard input in this test" } : { ok: true, text: stdin }),
  };
  const status = await runCli(args, io);
  return { status, stdout, stderr };
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the suite. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `flowc-${prefix}-`));
  made.push(dir);
  return dir;
}

export function fixture(name: string): string {
  return readFileSync(path.join(ROOT, "test/cli-fixtures", `${name}.flow`), "utf8");
}

export function sample(name: string): string {
  return readFileSync(path.join(ROOT, "samples", `${name}.flow`), "utf8");
}

/** A flow analysed from text (no imports). */
export function analyze(text: string, options: AnalyzeOptions = {}, file = "/virtual/flow.flow"): FileAnalysis {
  return analyzeFile(file, text, { readFile: () => undefined }, options);
}

/** The analysis, which must have priced the flow. */
export function priced(text: string, options: AnalyzeOptions = {}): Required<Pick<FileAnalysis, "model" | "cost">> & FileAnalysis {
  const analysis = analyze(text, options);
  if (!analysis.model || !analysis.cost) throw new Error(`the flow does not price: ${analysis.diagnostics.map((d) => d.message).join("; ")}`);
  return analysis as Required<Pick<FileAnalysis, "model" | "cost">> & FileAnalysis;
}
