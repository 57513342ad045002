// The pricing core prices a flow branch by branch (compiler/pricing/branches.ts); the language
// server keeps the figures of branches between edits in a BranchCache, and the streams of
// unchanged declarations in a ResolveMemo. A branch found again by its fingerprint must give
// exactly what pricing it afresh gives — every figure, share, row order and witness entry — an
// edit must re-price only the branch it touched, and the analysis with both kept must be the
// analysis of the whole text.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { CostReport } from "../compiler/cost-report";
import { analyzeFile } from "../compiler/index";
import type { FlowModel } from "../compiler/model";
import { BranchCache, branchesOf, priceFlow } from "../compiler/pricing/index";
import { ResolveMemo } from "../compiler/resolve";
import { parse } from "../grammar/index";
import { reparse, type Parsed } from "../lsp/reparse";
import { benchDecls, toFlowText } from "../bench/generate";
import { arbitrarySpec, specToFlow, type FlowSpec } from "./helpers/random-flows";
import { ROOT } from "./lsp-client";

const disk = { readFile: (file: string) => readFileSync(file, "utf8") };

function modelOf(file: string, text: string): FlowModel {
  const analysis = analyzeFile(file, text, disk, { lints: false });
  if (!analysis.model || !analysis.cost) throw new Error(`${file} has no figures`);
  return analysis.model;
}

/** The report as plain data: decimals as their exact text, counts as digits. */
function plain(report: CostReport | undefined): unknown {
  const text = JSON.stringify(report, (_key, value) =>
    typeof value === "bigint" ? `n${value}` : value && typeof value === "object" && "toFixed" in value && "decimalPlaces" in value ? `D${value.toFixed()}` : value,
  );
  return JSON.parse(text);
}

const fresh = (model: FlowModel, warm: boolean) => priceFlow(model, { warm }).report;

const samples = readdirSync(path.join(ROOT, "samples"))
  .filter((f) => f.endsWith(".flow"))
  .map((f) => path.join(ROOT, "samples", f));

/** The spec with one node's price or batch changed, or one gate's kind: an edit inside one branch. */
function edited(spec: FlowSpec, pick: number): FlowSpec {
  const streams = spec.streams.map((s) => ({ ...s }));
  const nodes = streams.filter((s) => s.kind === "node");
  const node = nodes[pick % Math.max(1, nodes.length)];
  if (node?.kind === "node") {
    if (pick % 3 === 0) node.priceCents += 25;
    else if (pick % 3 === 1) node.batch = node.batch ? undefined : 2;
    else node.overheadCents += 100;
  }
  return { streams };
}

describe("branch-by-branch pricing with a cache", () => {
  test.each(samples.map((f) => [path.basename(f), f]))("gives a fresh pricing's report on %s, cold and warm", (_name, file) => {
    const model = modelOf(file, readFileSync(file, "utf8"));
    const cache = new BranchCache();
    for (const warm of [false, true, false]) expect(plain(priceFlow(model, { warm, cache }).report)).toEqual(plain(fresh(model, warm)));
  });

  test("gives a fresh pricing's report after edits of random flows", () => {
    fc.assert(
      fc.property(arbitrarySpec, fc.nat(100), fc.boolean(), (spec, pick, warm) => {
        const cache = new BranchCache();
        priceFlow(modelOf("random.flow", specToFlow(spec)), { warm, cache });
        const after = modelOf("random.flow", specToFlow(edited(spec, pick)));
        expect(plain(priceFlow(after, { warm, cache }).report)).toEqual(plain(fresh(after, warm)));
      }),
      { numRuns: 150, seed: 17 },
    );
  });

  test("after an edit, only the edited branch is priced again", () => {
    const text = toFlowText(benchDecls(1000));
    const cache = new BranchCache();
    const before = modelOf("bench.flow", text);
    const branches = branchesOf(before).length;
    expect(branches).toBeGreaterThan(3);
    priceFlow(before, { warm: false, cache });
    expect(cache.misses).toBe(branches);
    const edited = modelOf("bench.flow", text.replace("node draft7 = generate(ok6) { model flux  resolution 512x512", "node draft7 = generate(ok6) { model flux  resolution 512x640"));
    const report = priceFlow(edited, { warm: false, cache }).report;
    expect(cache.misses).toBe(1);
    expect(plain(report)).toEqual(plain(fresh(edited, false)));
  });
});

describe("the language server's memo of streams by declaration", () => {
  test("gives the analysis of the whole text after edits of the bench flow", () => {
    const random = fc.sample(fc.tuple(fc.nat(), fc.nat(9)), { numRuns: 12, seed: 9 });
    const memo = { streams: new ResolveMemo(), pricing: new BranchCache() };
    let text = toFlowText(benchDecls(300));
    let previous: Parsed = { text, result: parse(text) };
    for (const [pick, digit] of random) {
      // a digit typed into a resolution, a batch or a price: every kind of stream changes
      const spots = [...text.matchAll(/resolution 512x\d+|batch \d+|rate 0\.0\d+/g)];
      const spot = spots[pick % spots.length]!;
      text = text.slice(0, spot.index! + spot[0].length) + String(digit) + text.slice(spot.index! + spot[0].length);
      const parsed = reparse(previous, text);
      previous = { text, result: parsed };
      const incremental = analyzeFile("bench.flow", text, disk, { parsed, ...memo });
      const whole = analyzeFile("bench.flow", text, disk);
      expect(plain(incremental.cost)).toEqual(plain(whole.cost));
      expect(JSON.stringify(incremental.diagnostics)).toBe(JSON.stringify(whole.diagnostics));
    }
  });
});
