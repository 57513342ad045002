// `flowc check` and `flowc cost` must not load typescript, ts-morph or prettier: start-up is module
// loading (shared/perf-notes.md). Checked twice: what a spawned run actually resolves, and what
// the bundle imports statically from its entry.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { FIXTURES, ROOT, flowc } from "./cli-spawn";

const HEAVY = /(?:^|[\s/"'])(typescript|ts-morph|prettier)(?:[/"'\s]|$)/m;
const PROBE = path.join(ROOT, "test/cli-load-probe.mjs");

function loadLog(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), "flowc-load-")), "modules.log");
}

function modulesLoadedBy(args: string[]): string {
  const log = loadLog();
  flowc(args, { nodeArgs: ["--import", PROBE], env: { FLOWC_LOAD_LOG: log } });
  return readFileSync(log, "utf8");
}

describe("start-up loads no heavy module", () => {
  test("the probe sees a module that is imported (so the checks below can fail)", () => {
    const log = loadLog();
    const run = spawnSync(process.execPath, ["--import", PROBE, "--input-type=module", "-e", 'await import("prettier");'], {
      cwd: ROOT,
      env: { ...process.env, FLOWC_LOAD_LOG: log },
    });
    expect(run.status).toBe(0);
    expect(readFileSync(log, "utf8")).toMatch(HEAVY);
  });

  test.each([
    [["check", `${FIXTURES}/campaign_portraits.flow`, `${FIXTURES}/broken.flow`, "--format", "sarif"]],
    [["cost", `${FIXTURES}/campaign_portraits.flow`, "--explain"]],
  ])("flowc %j", (args) => {
    const modules = modulesLoadedBy(args);
    // the code-cached script (bin/code-cache.js), not the ES modules of dist/cli.js
    expect(modules).toMatch(/bin\/code-cache\.js/);
    expect(modules).not.toMatch(/dist\/cli\.js/);
    expect(modules).not.toMatch(HEAVY);
    const withoutCache = loadLog();
    flowc(args, { nodeArgs: ["--import", PROBE], env: { FLOWC_LOAD_LOG: withoutCache, FLOWC_NO_CODE_CACHE: "1" } });
    expect(readFileSync(withoutCache, "utf8")).toMatch(/dist\/cli\.js/);
    expect(readFileSync(withoutCache, "utf8")).not.toMatch(HEAVY);
  });

  // Optional peers, and ioredis 6 subclasses String, which leaves String.prototype with slow
  // properties for the whole process: the analysis, and the benchmarks measuring it in process, ran
  // 15% slower once it was loaded (scripts/build.mjs).
  test.each([["dist/cli.js"], ["dist/runtime.js"], ["dist/bench.js"]])("%s reaches no Redis client or BullMQ statically", (entry) => {
    expect(flowc(["--version"]).status).toBe(0);
    for (const file of staticallyReachable(path.join(ROOT, entry))) {
      expect(staticImports(readFileSync(file, "utf8")).filter((s) => /^(ioredis|bullmq)(\/|$)/.test(s)), file).toEqual([]);
    }
  });

  test("static imports are told from lazy ones", () => {
    const code = 'import {\n  Project as P\n} from "ts-morph";\nimport "./chunks/a.js";\nconst x = await import("prettier");\nrequire("typescript");';
    expect(staticImports(code)).toEqual(["ts-morph", "./chunks/a.js", "typescript"]);
  });

  test("the bundle's entry reaches no heavy import statically", () => {
    expect(flowc(["--version"]).status).toBe(0);
    const reached = [...staticallyReachable(path.join(ROOT, "dist/cli.js")), path.join(ROOT, "dist/cli.cjs")];
    for (const file of reached) {
      const imports = staticImports(readFileSync(file, "utf8"));
      expect(imports.filter((s) => HEAVY.test(`"${s}"`)), file).toEqual([]);
    }
  });
});

/** `import … from "x"`, `import "x"` and `require("x")` — not `import("x")`, which is lazy. */
function staticImports(code: string): string[] {
  const found: string[] = [];
  for (const m of code.matchAll(/(?:^|[;\n])\s*import\s*(?:[\w*${}\s,]+?\s*from\s*)?["']([^"']+)["']/g)) found.push(m[1]);
  for (const m of code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) found.push(m[1]);
  return found;
}

function staticallyReachable(entry: string): string[] {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    for (const specifier of staticImports(readFileSync(file, "utf8"))) {
      if (!specifier.startsWith(".")) continue;
      const target = path.resolve(path.dirname(file), specifier);
      if (seen.has(target)) continue;
      seen.add(target);
      queue.push(target);
    }
  }
  return [...seen];
}
