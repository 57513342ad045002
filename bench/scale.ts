// The front end at scale and the CLI's start-up (issue 12, part B), whole process as a user runs
// it: a file of 300,000 syntax errors, a 10 MB string, text output against JSON on the
// 10,000-declaration flow, a small check against `node -e 0`, SIGTERM in a long analysis, and
// output under a non-C locale. Each row: the case, the figure measured now, the target.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { benchDecls, toFlowText } from "./generate";

export interface ScaleRow {
  case: string;
  now: string;
  target: string;
}

interface ProcessFigures {
  ms: number;
  /** user + system CPU of the process */
  cpuMs: number;
  maxRssMb: number;
  status: number | null;
  stdout: string;
}

/** A preload that writes the process's CPU time and peak memory to a file when it exits. */
function usageProbe(dir: string): { probe: string; log: string } {
  const log = path.join(dir, "usage.json");
  const probe = path.join(dir, "usage-probe.mjs");
  writeFileSync(
    probe,
    `import { writeFileSync } from "node:fs";\nprocess.on("exit", () => { const u = process.resourceUsage(); writeFileSync(${JSON.stringify(log)}, JSON.stringify({ cpu: (u.userCPUTime + u.systemCPUTime) / 1000, rss: u.maxRSS / 1024 })); });\n`,
  );
  return { probe, log };
}

function runFlowc(root: string, args: string[], env: NodeJS.ProcessEnv = {}): ProcessFigures {
  const dir = mkdtempSync(path.join(tmpdir(), "flowc-bench-"));
  const { probe, log } = usageProbe(dir);
  const start = performance.now();
  const run = spawnSync(process.execPath, ["--import", probe, path.join(root, "bin/flowc.js"), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  const ms = performance.now() - start;
  const usage = JSON.parse(readFileSync(log, "utf8")) as { cpu: number; rss: number };
  return { ms, cpuMs: usage.cpu, maxRssMb: usage.rss, status: run.status, stdout: run.stdout };
}

function best(runs: ProcessFigures[]): ProcessFigures {
  return runs.reduce((a, b) => (b.ms < a.ms ? b : a));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const scratch = () => mkdtempSync(path.join(tmpdir(), "flowc-bench-"));

/** The 1.5 MB one-line file of 300,000 syntax errors (`cost` where a number belongs, each time). */
function syntaxErrorsFile(): string {
  const file = path.join(scratch(), "errors.flow");
  writeFileSync(file, "flow f { node n = tag(a) { " + "cost ".repeat(300_000) + "} }");
  return file;
}

function errorsRow(root: string, file: string): ScaleRow {
  const run = runFlowc(root, ["check", file]);
  const counted = /\n(\d+) errors?,/.exec(run.stdout)?.[1] ?? "?";
  return {
    case: "`flowc check` of a 1.5 MB one-line file of 300,000 syntax errors",
    now: `${(run.ms / 1000).toFixed(1)} s (${(run.cpuMs / 1000).toFixed(1)} s of CPU), ${run.maxRssMb.toFixed(0)} MB peak (${counted} errors counted, 50 shown)`,
    target: "≤ 10 s, < 1 GB",
  };
}

function stringRow(root: string): ScaleRow {
  const file = path.join(scratch(), "string.flow");
  const value = "x".repeat(10 * 1024 * 1024);
  writeFileSync(file, `flow f {\n  input a: text\n  node n = caption(a) { cost 1 credit  param tone = "${value}" }\n  output n\n  budget { cap 5 credits }\n}\n`);
  const run = runFlowc(root, ["check", file]);
  const parsed = run.status === 0 && !run.stdout.includes("FLOW101");
  return {
    case: "`flowc check` of a flow with a 10 MB string literal",
    now: `${parsed ? "parsed, no errors" : "FAILED"}: ${(run.ms / 1000).toFixed(2)} s, ${run.maxRssMb.toFixed(0)} MB peak`,
    target: "parsed, or a clear limit",
  };
}

/** The 10,000-declaration flow of the generator, with 100-item inputs. */
function benchFile(declarations: number): string {
  const decls = benchDecls(declarations);
  for (const d of decls) if (d.kind === "input") Object.assign(d, { count: 100, expect: 80 });
  const file = path.join(scratch(), `bench-${declarations}.flow`);
  writeFileSync(file, toFlowText(decls));
  return file;
}

/** flowc.json asking the saving lints for every saving, however small: the flow's many hints. */
function everySaving(): string {
  const file = path.join(scratch(), "flowc.json");
  const rules = Object.fromEntries(["FLOW401", "FLOW402", "FLOW404", "FLOW406"].map((code) => [code, ["hint", { minSaving: 0 }]]));
  writeFileSync(file, JSON.stringify({ rules }));
  return file;
}

function textRow(root: string, file: string): ScaleRow {
  const config = everySaving();
  const text = best([0, 1, 2].map(() => runFlowc(root, ["check", file, "--config", config, "--max-diagnostics", "0"])));
  const json = best([0, 1, 2].map(() => runFlowc(root, ["check", file, "--config", config, "--format", "json"])));
  const count = /(\d+) errors?, (\d+) warnings?, (\d+) hints?/.exec(text.stdout)?.slice(1).reduce((n, c) => n + Number(c), 0) ?? 0;
  return {
    case: `text output of all ${count} diagnostics of the 10,000-declaration flow (every saving hinted; \`--max-diagnostics 0\`) vs its JSON output`,
    now: `${(text.ms / 1000).toFixed(2)} s vs ${(json.ms / 1000).toFixed(2)} s = ${(text.ms / json.ms).toFixed(2)}x (best of 3)`,
    target: "≤ 1.5x",
  };
}

function startupRow(root: string): ScaleRow {
  const time = (args: string[]) => {
    const runs = Array.from({ length: 15 }, () => {
      const start = performance.now();
      spawnSync(process.execPath, args, { cwd: root, stdio: "ignore" });
      return performance.now() - start;
    });
    return median(runs);
  };
  const check = [path.join(root, "bin/flowc.js"), "check", "samples/sharp_drafts.flow"];
  const node = time(["-e", "0"]);
  const flowc = time(check);
  const cpu = median(Array.from({ length: 7 }, () => runFlowc(root, check.slice(1)).cpuMs));
  return {
    case: "`flowc check` of a small file (samples/sharp_drafts.flow) vs `node -e 0`",
    now: `${flowc.toFixed(0)} ms vs ${node.toFixed(0)} ms = ${(flowc / node).toFixed(2)}x (median of 15; the check uses ${cpu.toFixed(0)} ms of CPU)`,
    target: "≤ 2.5x",
  };
}

/** CPU seconds a process has used, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function sigtermRow(root: string, file: string): Promise<ScaleRow> {
  const child = spawn(process.execPath, [path.join(root, "bin/flowc.js"), "cost", file], { cwd: root, stdio: "ignore" });
  const exited = new Promise<number>((resolve) => child.on("exit", () => resolve(performance.now())));
  while (child.exitCode === null && cpuSeconds(child.pid!) < 1) await new Promise((resolve) => setTimeout(resolve, 10));
  const sent = performance.now();
  child.kill("SIGTERM");
  const latency = (await exited) - sent;
  return {
    case: "`flowc cost` sent SIGTERM after 1 s of analysis (the 300,000-error file)",
    now: `stopped ${latency.toFixed(0)} ms later`,
    target: "within 1 s",
  };
}

function localeRow(root: string, file: string): ScaleRow {
  const under = (locale: string) => runFlowc(root, ["cost", file], { LC_ALL: locale, LANG: locale }).stdout;
  const c = under("C");
  const same = ["et_EE.UTF-8", "da_DK.UTF-8"].filter((locale) => under(locale) === c);
  return {
    case: "`flowc cost` of the 10,000-declaration flow under LC_ALL=et_EE.UTF-8 and da_DK.UTF-8",
    now: same.length === 2 ? "byte-identical to C" : `differs from C under ${2 - same.length} of 2 locales`,
    target: "byte-identical to C",
  };
}

/** Every row of part B of the table. */
export async function scaleRows(root: string): Promise<ScaleRow[]> {
  const errors = syntaxErrorsFile();
  const bench = benchFile(10_000);
  return [errorsRow(root, errors), stringRow(root), textRow(root, bench), startupRow(root), await sigtermRow(root, errors), localeRow(root, bench)];
}

export async function reportScale(root: string): Promise<string[]> {
  const rows = await scaleRows(root);
  return [
    "## The front end at scale, start-up and signals (whole process)",
    "",
    "| case | now | target |",
    "|---|---|---|",
    ...rows.map((row) => `| ${row.case} | ${row.now} | ${row.target} |`),
  ];
}
