// The language server's branch-by-branch cost analysis (lsp/branch-cost.ts) gives exactly the
// report of `analyzeCost` — every figure, share, row order and witness entry — on the samples, the
// generated benchmark flow and random flows, cold and warm; and after an edit it re-prices only the
// branch the edit touched.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, test, vi } from "vitest";
import * as cost from "../compiler/cost";
import type { CostReport } from "../compiler/cost-report";
import { analyzeFile } from "../compiler/index";
import type { FlowModel } from "../compiler/model";
import { BranchCostCache, branchesOf } from "../lsp/branch-cost";
import { benchDecls, toFlowText } from "../bench/generate";
import { arbitrarySpec, specToFlow } from "./helpers/random-flows";
import { ROOT } from "./lsp-client";

const disk = { readFile: (file: string) => readFileSync(file, "utf8") };

function modelOf(file: string, text: string): FlowModel {
  const analysis = analyzeFile(file, text, disk, { lints: false });
  if (!analysis.model || !analysis.cost) throw new Error(`${file} has no figures`);
  return analysis.model;
}

/** The report as plain data: decimals as their exact text. */
function plain(report: CostReport): unknown {
  return JSON.parse(JSON.stringify(report, (_key, value) => (value && typeof value === "object" && "toFixed" in value && "decimalPlaces" in value ? `D${value.toFixed()}` : value)));
}

const samples = readdirSync(path.join(ROOT, "samples"))
  .filter((f) => f.endsWith(".flow"))
  .map((f) => path.join(ROOT, "samples", f));

describe("branch-by-branch cost analysis", () => {
  test.each(samples.map((f) => [path.basename(f), f]))("equals analyzeCost on %s, cold and warm", (_name, file) => {
    const model = modelOf(file, readFileSync(file, "utf8"));
    for (const warm of [false, true]) expect(plain(new BranchCostCache().analyze(model, { warm }))).toEqual(plain(cost.analyzeCost(model, { warm })));
  });

  test("equals analyzeCost on random flows", () => {
    fc.assert(
      fc.property(arbitrarySpec, fc.boolean(), (spec, warm) => {
        const model = modelOf("random.flow", specToFlow(spec));
        expect(plain(new BranchCostCache().analyze(model, { warm }))).toEqual(plain(cost.analyzeCost(model, { warm })));
      }),
      { numRuns: 200, seed: 17 },
    );
  });

  test("after an edit, only the edited branch is priced again, and the figures are still exact", () => {
    const text = toFlowText(benchDecls(1000));
    const cache = new BranchCostCache();
    const before = modelOf("bench.flow", text);
    const branches = branchesOf(before, { warm: false }).length;
    expect(branches).toBeGreaterThan(3);
    const edited = modelOf("bench.flow", text.replace("node draft7 = generate(ok6) { model flux  resolution 512x512", "node draft7 = generate(ok6) { model flux  resolution 512x640"));
    const spy = vi.spyOn(cost, "analyzeCost");
    cache.analyze(before, { warm: false });
    expect(spy).toHaveBeenCalledTimes(branches);
    spy.mockClear();
    const report = cache.analyze(edited, { warm: false });
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    expect(plain(report)).toEqual(plain(cost.analyzeCost(edited, { warm: false })));
  });
});
