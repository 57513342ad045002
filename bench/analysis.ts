// The analysis rows of the issue 12 table: `flowc check` of generated flows (bench/generate.ts,
// 100-item inputs) against JSON.parse of the same content, whole process and in process; growth
// from 10k to 20k declarations; a gate over 100,000 items; counts and digits that used to break
// the figures; the language server's latency after an edit.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { analyzeFile } from "../compiler/index";
import { benchDecls, toFlowText } from "./generate";
import { measureLsp, percentile } from "./lsp";
import { best } from "./parse";
import type { TableRow } from "./table";

const noImports = { readFile: () => undefined };

/** best wall time of `runs` runs of a node process, ms */
function processMs(args: string[], cwd: string, runs: number): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const r = spawnSync(process.execPath, args, { cwd, stdio: "ignore" });
    if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(" ")} exited ${r.status}`);
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const times = (x: number) => `${x.toFixed(1)}x`;

/** The generated flows and their JSON, written once to a temporary folder. */
class Fixtures {
  readonly dir = mkdtempSync(path.join(tmpdir(), "flowc-bench-"));
  private readonly made = new Map<string, { flow: string; json: string; text: string; jsonText: string }>();

  flow(declarations: number) {
    let found = this.made.get(String(declarations));
    if (!found) {
      const decls = benchDecls(declarations);
      const text = toFlowText(decls);
      const jsonText = JSON.stringify({ flow: "bench", decls }, null, 2);
      const flow = path.join(this.dir, `bench-${declarations}.flow`);
      const json = path.join(this.dir, `bench-${declarations}.json`);
      writeFileSync(flow, text);
      writeFileSync(json, jsonText);
      this.made.set(String(declarations), (found = { flow, json, text, jsonText }));
    }
    return found;
  }

  file(name: string, text: string): string {
    const file = path.join(this.dir, name);
    writeFileSync(file, text);
    return file;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The cost figures `flowc cost --format json` prints for a flow, or its first error. */
function costFigures(root: string, file: string): string {
  const r = spawnSync(process.execPath, [path.join(root, "bin/flowc.js"), "cost", file, "--format", "json"], { encoding: "utf8" });
  const worst = /"worstCase": ([0-9.]+)/.exec(r.stdout)?.[1];
  const expected = /"expected": ([0-9.]+)/.exec(r.stdout)?.[1];
  if (worst) return `worst ${worst}, expected ${expected}`;
  return (r.stdout + r.stderr).split("\n").find((l) => /error|internal/.test(l))?.trim() ?? "no figures";
}

const GATE_100K = `flow big_gate {
  input docs: text[100_000]
  model tagger { rate 0 credits per item  overhead 10 credits per call }
  node check = quality_check(docs) { cost 0.1 credits  batch 7 }
  gate good = check.legibility >= 0.5 { expect pass 90% }
  node tag_good = tag(good) { model tagger  batch 25 }
  node tag_bad = tag(good.rejected) { model tagger  batch 30 }
  output tag_good, tag_bad
  budget { cap 100000 credits }
}
`;

const flowOf = (body: string) => `flow t {\n${body}\n  budget { cap 1 credits }\n}\n`;

export function analysisRows(root: string): TableRow[] {
  const fixtures = new Fixtures();
  const bin = path.join(root, "bin/flowc.js");
  const check = (file: string) => [bin, "check", file, "--format", "json"];
  const jsonParse = (file: string) => ["-e", `JSON.parse(require("fs").readFileSync(${JSON.stringify(file)}, "utf8"))`];
  let inProcess10k = 0;
  return [
    {
      case: "`flowc check` of a 10,000-declaration flow (100-item inputs; bench generator) vs a `node` process doing JSON.parse of the same content",
      now: () => {
        const f = fixtures.flow(10_000);
        const [flowc, json] = [processMs(check(f.flow), root, 5), processMs(jsonParse(f.json), root, 5)];
        return `${seconds(flowc)} vs ${seconds(json)} = ${times(flowc / json)}`;
      },
      target: "≤ 6x (goal 3x)",
    },
    {
      case: "same in-process vs JSON.parse",
      now: () => {
        const f = fixtures.flow(10_000);
        inProcess10k = best(5, () => analyzeFile("bench.flow", f.text, noImports));
        const json = best(10, () => JSON.parse(f.jsonText));
        return `${inProcess10k.toFixed(0)} ms vs ${json.toFixed(1)} ms = ${times(inProcess10k / json)}`;
      },
      target: "≤ 12x",
    },
    {
      case: "20k / 10k declarations (in process)",
      now: () => {
        const f = fixtures.flow(20_000);
        const ms = best(5, () => analyzeFile("bench.flow", f.text, noImports));
        return (ms / inProcess10k).toFixed(2);
      },
      target: "≤ 2.2",
    },
    {
      case: "a gate over 100,000 items with batched nodes on both sides (`flowc cost`) vs `node -e 0`",
      now: () => {
        const file = fixtures.file("gate-100k.flow", GATE_100K);
        const [flowc, node] = [processMs([bin, "cost", file], root, 5), processMs(["-e", "0"], root, 5)];
        return `${seconds(flowc)} = ${times(flowc / node)} ${costFigures(root, file)}`;
      },
      target: "≤ 15x `node -e 0`, still exact (worst 50010)",
    },
    {
      case: "`input a: text[5_000_000_000]` with batch 7",
      now: () => costFigures(root, fixtures.file("huge.flow", flowOf("  input a: text[5_000_000_000]\n  node t = tag(a) { cost 1 credits  cost 2 credits per call  batch 7 }\n  output t"))),
      target: "exact figure (6428571430)",
    },
    {
      case: "`text[9_007_199_254_740_991]` → variants 3 → a second node",
      now: () =>
        costFigures(root, fixtures.file("max-safe.flow", flowOf("  input a: text[9_007_199_254_740_991]\n  node v = generate(a) { cost 1 credits  variants 3 }\n  node n = tag(v) { cost 1 credits }\n  output n"))),
      target: "exact (54043195528445946)",
    },
    {
      case: "`rate 0.1234567890123456789012345678901234567 credits per megapixel` at 1920x1080",
      now: () =>
        costFigures(
          root,
          fixtures.file("rate.flow", flowOf("  input a: text[1]\n  model m { rate 0.1234567890123456789012345678901234567 credits per megapixel }\n  node n = generate(a) { model m  resolution 1920x1080 }\n  output n")),
        ),
      target: "the exact product (0.25599999769599999976959999997695999981312)",
    },
    {
      case: "LSP didChange → diagnostics, 5,300-line flow (p50, p95)",
      now: async () => {
        const f = await measureLsp(root, { lines: 5_300, edits: 100, memoryEdits: 0, requests: 5 });
        fixtures.remove();
        return `p50 ${percentile(f.diagnostics, 50).toFixed(0)} ms, p95 ${percentile(f.diagnostics, 95).toFixed(0)} ms`;
      },
      target: "p95 ≤ 50 ms (goal 20)",
    },
  ];
}
