// Front-end benchmark (issue 3): parse + check + cost of generated flows against JSON.parse of the
// same content (the floor) and js-yaml + ajv (what a user would otherwise write), measured in one
// process; the 20k/10k growth ratio; peak memory; and whole-process `flowc check` start-up.
import { spawnSync } from "node:child_process";
import path from "node:path";
import yaml from "js-yaml";
import Ajv from "ajv";
import { analyzeFile } from "../compiler/index";
import { benchDecls, benchSchema, toFlowText } from "./generate";

const noImports = { readFile: () => undefined };

/** best time of `runs` calls in this process, after one to warm up, ms */
export function best(runs: number, work: () => void): number {
  work();
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    work();
    min = Math.min(min, performance.now() - start);
  }
  return min;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export interface SizeFigures {
  declarations: number;
  flowKB: number;
  jsonKB: number;
  /** parse + check + cost (issue 3's pipeline) */
  flowMs: number;
  /** the same plus the credit-saving lints, which re-price what-if copies of the flow */
  lintedMs: number;
  jsonMs: number;
  yamlAjvMs: number;
}

export function measureSize(declarations: number, runs: number): SizeFigures {
  const decls = benchDecls(declarations);
  const text = toFlowText(decls);
  const json = JSON.stringify({ flow: "bench", decls }, null, 2);
  const yamlText = yaml.dump({ flow: "bench", decls });
  const validate = new Ajv().compile(benchSchema);
  const check = analyzeFile("bench.flow", text, noImports);
  const errors = check.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || !check.cost) throw new Error(`benchmark flow has errors: ${errors[0]?.message}`);
  return {
    declarations: decls.length,
    flowKB: text.length / 1024,
    jsonKB: json.length / 1024,
    flowMs: best(runs, () => analyzeFile("bench.flow", text, noImports, { lints: false })),
    lintedMs: best(runs, () => analyzeFile("bench.flow", text, noImports)),
    jsonMs: best(runs, () => JSON.parse(json)),
    yamlAjvMs: best(runs, () => {
      if (!validate(yaml.load(yamlText))) throw new Error("yaml does not validate");
    }),
  };
}

export function measureStartup(root: string, runs: number): { nodeMs: number; checkMs: number } {
  const time = (args: string[]) =>
    median(
      Array.from({ length: runs }, () => {
        const start = performance.now();
        const r = spawnSync(process.execPath, args, { cwd: root, stdio: "ignore" });
        if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(" ")} exited ${r.status}`);
        return performance.now() - start;
      }),
    );
  return { nodeMs: time(["-e", "0"]), checkMs: time([path.join(root, "bin/flowc.js"), "check", "samples/sharp_drafts.flow"]) };
}

export function reportParse(root: string): string[] {
  const lines: string[] = ["## Front end: parse + check + cost", ""];
  lines.push("| declarations | .flow KB | JSON KB | flowc ms | with lints ms | JSON.parse ms | js-yaml+ajv ms | flowc / JSON.parse | flowc / yaml+ajv |");
  lines.push("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  const bySize = new Map<number, SizeFigures>();
  for (const size of [1_000, 10_000, 20_000]) {
    const f = measureSize(size, size > 10_000 ? 5 : 10);
    bySize.set(size, f);
    lines.push(
      `| ${f.declarations} | ${f.flowKB.toFixed(0)} | ${f.jsonKB.toFixed(0)} | ${f.flowMs.toFixed(1)} | ${f.lintedMs.toFixed(1)} | ${f.jsonMs.toFixed(2)} | ${f.yamlAjvMs.toFixed(1)} | ${(f.flowMs / f.jsonMs).toFixed(1)}x | ${(f.flowMs / f.yamlAjvMs).toFixed(2)}x |`,
    );
  }
  const growth = bySize.get(20_000)!.flowMs / bySize.get(10_000)!.flowMs;
  lines.push("", `20k / 10k time ratio: ${growth.toFixed(2)} (linear growth is 2.0)`);
  lines.push(`peak RSS after the front-end runs: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  const s = measureStartup(root, 15);
  lines.push(`whole process, median of 15: \`node -e 0\` ${s.nodeMs.toFixed(0)} ms, \`flowc check samples/sharp_drafts.flow\` ${s.checkMs.toFixed(0)} ms (${(s.checkMs / s.nodeMs).toFixed(2)}x)`);
  return lines;
}
