// The generated module: every sample compiles to a module that type-checks with --strict, the text
// is deterministic (golden file for campaign), and importing it runs the flow on the runtime.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { analyzeFile } from "../compiler/index";
import { generateModule } from "../compiler/codegen";
import { arbitrarySpec, specToFlow } from "./helpers/random-flows";
import { literal } from "../compiler/codegen";
import { toGraph, witnessToScenario } from "../compiler/to-graph";
import { transpile, loadFlowModule } from "../cli/load-module";
import { expectGolden, flowc } from "./cli-spawn";
import { SAMPLES, analyzeSample, sampleModule, typeCheck } from "./codegen-helpers";

const modules = new Map<string, Promise<string>>();
function moduleOf(file: string): Promise<string> {
  if (!modules.has(file)) modules.set(file, sampleModule(file));
  return modules.get(file)!;
}

const moduleName = (file: string) => path.basename(file, ".flow") + ".ts";

/** a type-check loads TypeScript over the runtime's sources: slow on a busy 2-core machine */
const TYPE_CHECK_TIMEOUT = 180_000;

describe("every sample compiles", () => {
  test("the samples are there", () => {
    expect(SAMPLES).toContain("samples/campaign.flow");
    expect(SAMPLES.length).toBeGreaterThanOrEqual(5);
  });

  test.each(SAMPLES)("%s: figures, a comment per stream, run()", async (file) => {
    const analysis = analyzeSample(file);
    const code = await moduleOf(file);
    expect(code).toContain(`export const WORST_CASE = ${JSON.stringify(analysis.cost!.worstCase.toFixed())};`);
    expect(code).toContain(`export const EXPECTED = ${JSON.stringify(analysis.cost!.expected.toFixed())};`);
    expect(code).toMatch(/^export async function run\(inputs: Inputs = \{\}, options: RunOptions = \{\}\): Promise<RunResult<Outputs>> \{$/m);
    expect(code).toMatch(/^export async function resume\(runId: string, options: ResumeOptions = \{\}\): Promise<RunResult<Outputs>> \{$/m);
    for (const stream of analysis.model!.streams) {
      expect(code).toContain(`// ${file}:${stream.decl.range.start.line}  `);
      expect(code).toContain(`name: ${JSON.stringify(stream.name)},`);
    }
  });

  test("all generated modules type-check with --strict, and so does code calling them", async () => {
    const files: Record<string, string> = {};
    for (const file of SAMPLES) files[moduleName(file)] = await moduleOf(file);
    files["usage.ts"] = [
      'import { run, WORST_SCENARIO, graph } from "./campaign";',
      'export const started = run({ shots: ["a.png", "b.png"], style: "style.png" }, { seed: 3, scenario: WORST_SCENARIO, cap: "1000" });',
      "export const flow: string = graph.flow;",
      "// @ts-expect-error a counted input takes paths, not one string",
      'export const wrongShape = run({ shots: "a.png" });',
      "// @ts-expect-error the flow has no such input",
      "export const unknownInput = run({ nope: [] });",
      "",
    ].join("\n");
    expect(await typeCheck(files)).toEqual([]);
  }, TYPE_CHECK_TIMEOUT);

  test("the outputs are typed per flow: output names, items by media type, credits as strings", async () => {
    const files: Record<string, string> = { "campaign.ts": await moduleOf("samples/campaign.flow"), "split_batches.ts": await moduleOf("samples/split_batches.flow") };
    files["outputs.ts"] = [
      'import { run, type Outputs } from "./campaign";',
      'import type { FlowItem } from "flowc/runtime";',
      "export async function use(): Promise<string[]> {",
      "  const r = await run();",
      '  const images: FlowItem<"image">[] = r.outputs.final;',
      '  const texts: FlowItem<"text">[] = r.outputs.captions;',
      "  // @ts-expect-error a typo in an output's name does not compile",
      "  const typo = r.outputs.finall;",
      '  // @ts-expect-error captions are text, not images',
      '  const wrong: FlowItem<"image">[] = r.outputs.captions;',
      "  const spent: string = images[0]!.cost;",
      "  return [spent, texts.length.toString(), String(typo), String(wrong)];",
      "}",
      "export type Keys = keyof Outputs;",
      'export const keys: Keys[] = ["final", "captions"];',
      "",
    ].join("\n");
    expect(await typeCheck(files)).toEqual([]);
  }, TYPE_CHECK_TIMEOUT);

  test("the type-check can fail: a figure written as a number is an error", async () => {
    const code = (await moduleOf("samples/campaign.flow")).replace('pricePerOutput: "3"', "pricePerOutput: 3");
    const errors = await typeCheck({ "campaign.ts": code });
    expect(errors.join("\n")).toMatch(/campaign\.ts:\d+: Type 'number' is not assignable to type 'string'/);
  });
});

describe("determinism", () => {
  test("the same flow gives the same text", async () => {
    expect(await sampleModule("samples/sharp_drafts.flow")).toBe(await sampleModule("samples/sharp_drafts.flow"));
  });

  test("campaign's module matches the golden file (UPDATE_EXPECT=1 refreshes it)", async () => {
    expectGolden("codegen-campaign.ts.txt", await moduleOf("samples/campaign.flow"));
  });

  test("`flowc compile` prints the same module", async () => {
    const run = flowc(["compile", "samples/campaign.flow"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(await moduleOf("samples/campaign.flow"));
  });
});

describe("the graph and the scenario", () => {
  test("decimal strings, source lines and op metrics", () => {
    const analysis = analyzeSample("samples/campaign.flow");
    const graph = toGraph(analysis.model!, analysis.cost!);
    expect(graph).toMatchObject({ flow: "campaign_portraits", worstCase: "902.2896", expected: "272.0257216", budget: { cap: "900", alert: "675", strict: false } });
    const full = graph.streams.find((s) => s.name === "full");
    expect(full).toMatchObject({ kind: "node", pricePerOutput: "4.194304", retry: 1, metrics: { aesthetic: { min: "0", max: "1" } } });
    expect(full?.line).toBe(analysis.model!.byName.get("full")!.decl.range.start.line);
    expect(graph.streams.find((s) => s.name === "style_ref")).toMatchObject({ cacheTtlSeconds: "172800", pricePerOutput: "3" });
    expect(JSON.parse(JSON.stringify(graph))).toEqual(graph);
  });

  test("a retried gate's rounds: nothing passes until the last round", () => {
    const analysis = analyzeSample("samples/sharp_drafts.flow");
    const scenario = witnessToScenario(analysis.cost!.witness);
    expect(scenario.inputs).toEqual({ prompts: 20 });
    expect(scenario.gates.sharp?.map((r) => r.passed).slice(0, 2)).toEqual([0, 0]);
    expect(scenario.gates.sharp).toHaveLength(3);
  });

  test("campaign's witness: two attempts for every call of full", () => {
    const scenario = witnessToScenario(analyzeSample("samples/campaign.flow").cost!.witness);
    expect(scenario.attempts.full).toBe(2);
    expect(scenario.inputs.shots).toBe(50);
  });

  test("literals: undefined fields dropped, odd keys quoted, nested objects expanded", () => {
    expect(literal({ a: 1, b: undefined, "x-y": "s" })).toBe('{ a: 1, "x-y": "s" }');
    expect(literal({ a: { b: { c: 1 } } })).toBe("{\na: { b: { c: 1 } },\n}");
    expect(literal({ a: 1 }, true)).toBe("{\na: 1,\n}");
    expect(literal([1, "2", null, true])).toBe('[1, "2", null, true]');
  });
});

describe("loading a module in memory", () => {
  test("only the runtime import is rewritten; types are erased", async () => {
    const code = 'import { startRun, type FlowGraph } from "flowc/runtime";\nexport const text: string = "from \\"flowc/runtime\\"";\nexport const f = startRun;\nexport type G = FlowGraph;\n';
    const js = await transpile(code, "file:///opt/runtime.js");
    expect(js).toContain('from "file:///opt/runtime.js"');
    expect(js).toContain('"from \\"flowc/runtime\\""');
    expect(js).not.toContain("FlowGraph");
  });

  test("what runs is the module's own code", async () => {
    const code = (await moduleOf("samples/split_batches.flow")).replace(/export const WORST_CASE = "[^"]*";/, 'export const WORST_CASE = "0.5";');
    const flow = await loadFlowModule(code);
    expect(flow.WORST_CASE).toBe("0.5");
    expect(flow.graph.worstCase).toBe("0.5");
  });

  test.each(SAMPLES)("%s: run() with WORST_SCENARIO spends exactly WORST_CASE", async (file) => {
    const flow = await loadFlowModule(await moduleOf(file));
    const home = mkdtempSync(path.join(tmpdir(), "flowc-codegen-run-"));
    const result = await flow.run({}, { home, scenario: flow.WORST_SCENARIO, simulateHumans: true, cap: flow.WORST_CASE, notifiers: [] });
    expect(result.status).toBe("completed");
    expect(result.record.totals.spent).toBe(flow.WORST_CASE);
  });
});

describe("small random flows", () => {
  async function randomModule(text: string): Promise<string> {
    const analysis = analyzeFile("random.flow", text, { readFile: () => undefined });
    expect(analysis.diagnostics.filter((d) => d.severity === "error"), text).toEqual([]);
    return generateModule(analysis.model!, analysis.cost!, { sourceFile: "random.flow" });
  }

  test("the generated module runs WORST_SCENARIO to exactly WORST_CASE", async () => {
    await fc.assert(
      fc.asyncProperty(arbitrarySpec, async (spec) => {
        const flow = await loadFlowModule(await randomModule(specToFlow(spec)));
        const home = mkdtempSync(path.join(tmpdir(), "flowc-codegen-random-"));
        const result = await flow.run({}, { home, scenario: flow.WORST_SCENARIO, simulateHumans: true, notifiers: [] });
        expect(result.status).toBe("completed");
        expect(result.record.totals.spent).toBe(flow.WORST_CASE);
      }),
      { numRuns: 25 },
    );
  });

  test("generated modules type-check with --strict", async () => {
    const specs = fc.sample(arbitrarySpec, { numRuns: 12, seed: 7 });
    const files: Record<string, string> = {};
    for (const [i, spec] of specs.entries()) files[`random${i}.ts`] = await randomModule(specToFlow(spec));
    expect(await typeCheck(files)).toEqual([]);
  }, TYPE_CHECK_TIMEOUT);
});
