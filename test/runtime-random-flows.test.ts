// Small random flows through the real front end: a run that follows the cost analysis' witness
// spends exactly its worst case, and a run with any seed never spends more.
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeFile } from "../compiler/index";
import { toGraph, witnessToScenario } from "../compiler/to-graph";
import { credits } from "../runtime/credits";
import type { FlowGraph, Scenario } from "../runtime/graph";
import { cacheClear, startRun } from "../runtime/index";
import { arbitrarySpec, specToFlow } from "./helpers/random-flows";

let home: string;
beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), "flowc-rt-random-"));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

function compile(text: string, file = "random.flow"): { graph: FlowGraph; scenario: Scenario } {
  const analysis = analyzeFile(file, text, { readFile: (f) => readFileSync(f, "utf8") });
  if (!analysis.model || !analysis.cost) throw new Error(`flow does not compile:\n${text}\n${analysis.diagnostics.map((d) => d.message).join("\n")}`);
  return { graph: toGraph(analysis.model, analysis.cost), scenario: witnessToScenario(analysis.cost.witness) };
}

const quiet = { notify: { stderr: false as const }, collectOutputs: false };

const samples = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "samples");

describe("samples", () => {
  for (const name of readdirSync(samples).filter((f) => f.endsWith(".flow")).sort()) {
    it(`${name}: a witness run spends exactly the worst case, a seeded run no more`, async () => {
      const file = path.join(samples, name);
      const { graph, scenario } = compile(readFileSync(file, "utf8"), file);
      const uncapped = { ...graph, budget: { strict: false } };
      await cacheClear({}, { home });
      const worst = await startRun(uncapped, { home, scenario, ...quiet });
      expect(worst.status).toBe("completed");
      expect(worst.record.totals.spent).toBe(graph.worstCase);
      await cacheClear({}, { home });
      const seeded = await startRun(uncapped, { home, seed: 3, simulateHumans: true, ...quiet });
      expect(seeded.status).toBe("completed");
      expect(credits(seeded.record.totals.spent).lessThanOrEqualTo(credits(graph.worstCase))).toBe(true);
    });
  }
});

describe("random flows", () => {
  it("a witness run spends exactly the worst case", async () => {
    await fc.assert(
      fc.asyncProperty(arbitrarySpec, async (spec) => {
        const text = specToFlow(spec);
        const { graph, scenario } = compile(text);
        await cacheClear({}, { home }); // the analysis counts cached nodes as misses
        const result = await startRun(graph, { home, scenario, ...quiet });
        expect(result.status, text).toBe("completed");
        expect(result.record.totals.spent, text).toBe(graph.worstCase);
      }),
      { numRuns: 40 },
    );
  });

  it("a seeded run never spends more than the worst case", async () => {
    await fc.assert(
      fc.asyncProperty(arbitrarySpec, fc.nat(10_000), async (spec, seed) => {
        const text = specToFlow(spec);
        const { graph } = compile(text);
        await cacheClear({}, { home });
        const result = await startRun(graph, { home, seed, simulateHumans: true, ...quiet });
        expect(result.status, text).toBe("completed");
        expect(credits(result.record.totals.spent).lessThanOrEqualTo(credits(graph.worstCase)), `${text}\nspent ${result.record.totals.spent} > ${graph.worstCase}`).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
