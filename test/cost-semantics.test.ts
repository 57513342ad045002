// Cost semantics on hand-computed cases: each figure below is worked out in the comment above it.
import { describe, expect, it } from "vitest";
import { analyzeFile } from "../compiler/index";
import type { CostReport } from "../compiler/cost-report";

function cost(body: string, warm = false): CostReport {
  const text = `flow t {\n${body}\n  budget { cap 100000 credits }\n}\n`;
  const result = analyzeFile("t.flow", text, { readFile: () => undefined }, { warm });
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  expect(errors.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return result.cost!;
}

const figures = (c: CostReport) => [c.worstCase.toFixed(), c.expected.toFixed()];
const node = (c: CostReport, name: string) => c.nodes.find((n) => n.name === name)!;

describe("cost semantics", () => {
  it("counts the items a retried gate passes over all its rounds", () => {
    // draft+qc cost 1.05 per item per round; rounds of 10, 3, 0.9 items (q = 0.3): 13.9 items.
    // passed: 10·(1 − 0.3³) = 9.73 items, each captioned at 0.5 → 4.865.
    const c = cost(`
  input p: text[10]
  node draft = generate(p) { cost 1 credits }
  node qc = quality_check(draft) { cost 0.05 credits }
  gate ok = qc.aesthetic >= 0.5 { expect pass 70%  else retry draft up to 2 }
  node cap = caption(ok) { cost 0.5 credits }
  output cap`);
    expect(node(c, "draft").expected.toFixed()).toBe("13.9");
    expect(node(c, "cap").expected.toFixed()).toBe("4.865");
    // worst: three rounds of 10 items through draft and qc (31.5), then all 10 pass and are captioned (5)
    expect(c.worstCase.toFixed()).toBe("36.5");
    expect(c.witness.gates[0]!.rounds.map((r) => r.passed)).toEqual([0n, 0n, 10n]);
  });

  it("loses the items of calls that fail every attempt, in expected figures only", () => {
    // f = 0.1, retry 1: 1.1 attempts per call, survival 0.99; 10 items → 9.9 captioned.
    const c = cost(`
  input p: text[10]
  node img = generate(p) { cost 2 credits  retry 1  expect fail 10% }
  node cap = caption(img) { cost 1 credits }
  output cap`);
    expect(node(c, "img").expected.toFixed()).toBe("22");
    expect(node(c, "cap").expected.toFixed()).toBe("9.9");
    expect(figures(c)).toEqual(["50", "31.9"]);
  });

  it("keeps pick of each item's variants", () => {
    // 5 items × 3 variants at 1 credit = 15; pick 2 of each → 10 items upscaled at 2 = 20.
    const c = cost(`
  input p: text[5]
  node v = generate(p) { cost 1 credits  variants 3 }
  select best = v by highest aesthetic { pick 2 }
  node up = upscale(best) { cost 2 credits }
  output up`);
    expect(figures(c)).toEqual(["35", "35"]);
    expect(node(c, "up").worstItems).toBe(10n);
  });

  it("runs a node without arguments once", () => {
    const c = cost(`
  node bg = generate() { cost 4 credits  cost 1 credits per call  variants 2 }
  node up = upscale(bg) { cost 0.5 credits }
  output up`);
    // one call: 1 + 2 × 4 = 9; two outputs upscaled: 1
    expect(figures(c)).toEqual(["10", "10"]);
  });

  it("makes cached nodes free with --warm and only then", () => {
    const body = `
  input s: image stable
  node ref = style_extract(s) { cost 3 credits  cache ttl 48h }
  input p: text[2]
  node img = generate(p, style: ref) { cost 1 credits }
  output img`;
    expect(figures(cost(body))).toEqual(["5", "5"]);
    expect(figures(cost(body, true))).toEqual(["2", "2"]);
    expect(node(cost(body, true), "ref").cacheHit).toBe(true);
  });

  it("splits items across a gate when batches on both sides make that costlier", () => {
    // 50 items, batches of 25 at 10 per call on both sides: 3 calls at most (26/24 or 45/5 …).
    const c = cost(`
  input docs: text[50]
  node check = quality_check(docs) { cost 0.1 credits }
  gate good = check.legibility >= 0.5 { expect pass 90% }
  node a = tag(good) { cost 10 credits per call  batch 25 }
  node b = tag(good.rejected) { cost 10 credits per call  batch 25 }
  output a, b`);
    expect(figures(c)).toEqual(["35", "35"]);
    // of the splits that reach 35, the witness takes the one closest to the expected 45/5
    expect(c.witness.gates[0]!.rounds[0]).toMatchObject({ checked: 50n, passed: 45n, rejected: 5n });
    expect(node(c, "a").worstCalls + node(c, "b").worstCalls).toBe(3n);
  });

  it("charges every attempt of a batched call and rounds batches per round", () => {
    // 7 items, batch 3: 3 calls of (2 + items×1) per attempt, 2 attempts each: 2 × (6 + 7) = 26
    const c = cost(`
  input p: text[7]
  node t = tag(p) { cost 1 credits  cost 2 credits per call  batch 3  retry 1 }
  output t`);
    expect(c.worstCase.toFixed()).toBe("26");
    expect(node(c, "t").worstAttempts).toBe(6n);
  });

  it("orders nodes by worst case and reports the top two's share", () => {
    const c = cost(`
  input p: text[10]
  node a = generate(p) { cost 5 credits }
  node b = upscale(a) { cost 3 credits }
  node d = caption(b) { cost 2 credits }
  output d`);
    expect(c.nodes.map((n) => n.name)).toEqual(["a", "b", "d"]);
    expect(c.topTwoShare.toFixed()).toBe("0.8");
    expect(node(c, "a").share.toFixed()).toBe("0.5");
  });
});
