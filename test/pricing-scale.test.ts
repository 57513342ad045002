// The cases of issue 12 where counts or digits grow: each figure below is derived by hand in the
// comment above it. Counts past 2^53, a gate over 10^15 items, prices with 37 significant digits,
// retries without a bound, and a flow past the analysis' limits (FLOW215, never "internal error").
import { describe, expect, test } from "vitest";
import { analyzeFile } from "../compiler/index";
import type { CostReport } from "../compiler/cost-report";

function analyse(body: string, warm = false) {
  const text = `flow t {\n${body}\n  budget { cap 1 credits }\n}\n`;
  return analyzeFile("t.flow", text, { readFile: () => undefined }, { warm, lints: false });
}

function cost(body: string, warm = false): CostReport {
  const result = analyse(body, warm);
  const errors = result.diagnostics.filter((d) => d.severity === "error" && d.code !== "FLOW301" && d.code !== "FLOW302");
  expect(errors.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return result.cost!;
}

const node = (c: CostReport, name: string) => c.nodes.find((n) => n.name === name)!;

/** tag calls of 10 credits for up to 25 items (or `pass`) on the pass side, up to 30 (or `rejected`) on the other */
const splitGate = (items: string, pass = "25", rejected = "30") => `
  input docs: text[${items}]
  model tagger { rate 0 credits per item  overhead 10 credits per call }
  node check = quality_check(docs) { cost 0.1 credits  batch 7 }
  gate good = check.legibility >= 0.5 { expect pass 90% }
  node tag_good = tag(good) { model tagger  batch ${pass} }
  node tag_bad = tag(good.rejected) { model tagger  batch ${rejected} }
  output tag_good, tag_bad`;

/** three items drafted at 1 credit, retried up to `upTo` times at a 50% pass rate */
const retried = (upTo: string) => `
  input a: text[3]
  node n = generate(a) { cost 1 credit }
  gate g = n.aesthetic >= 0.5 { expect pass 50%  else retry n up to ${upTo} }
  output g`;

describe("worst case at any count", () => {
  test("a gate over 100,000 items with batched nodes on both sides", () => {
    // With b items rejected, the calls are ceil((100000 − b) / 25) + ceil(b / 30)
    // = 4000 − floor(b / 25) + ceil(b / 30), at most 4001 (b = 1..24, 31..49, 61..74, 91..99,
    // 121..124): 40010 credits of tags, plus 0.1 × 100000 = 10000 of checks. Of those splits, the
    // one closest to the expected 90% pass share rejects 124.
    const c = cost(splitGate("100_000"));
    expect(c.worstCase.toFixed()).toBe("50010");
    expect(c.witness.gates[0]!.rounds[0]).toMatchObject({ checked: 100_000n, passed: 99_876n, rejected: 124n });
    expect(node(c, "tag_good").worstCalls + node(c, "tag_bad").worstCalls).toBe(4001n);
  });

  test("the same gate over 10^15 items, exactly", () => {
    // the same reasoning: 10^15 / 25 + 1 calls of 10 credits, and 10^14 credits of checks
    const c = cost(splitGate("1_000_000_000_000_000"));
    expect(c.worstCase.toFixed()).toBe("500000000000010");
    expect(c.witness.gates[0]!.rounds[0]!.rejected).toBe(124n);
  });

  test("a gate over more items than 2^53 (variants past the input's count), split exactly", () => {
    // m = 3 × (2^53 − 1) = 27021597764222973 items reach the gate; a passed items cost
    // ceil(a / 7) + 0.01a, b rejected ones 2·ceil(b / 5) + 0.02b. Rejecting all costs
    // 2 × 5404319552844595 + 0.02m (m ≡ 3 mod 5); passing one item keeps the rejected calls
    // (m − 1 ≡ 2) and adds 1.01 − 0.02 = 0.99, two add 0.98, three lose a call of 2; moving
    // 35 items gains 5.35 and loses 14.7. So one item passes: 11349071060973649.44 of rejected
    // tags, 1.01 of passed ones and 0.3 × (2^53 − 1) = 2702159776422297.3 of checks.
    const c = cost(`
  input docs: text[9_007_199_254_740_991]
  model small { rate 0.01 credits per item  overhead 1 credits per call }
  model large { rate 0.02 credits per item  overhead 2 credits per call }
  node check = quality_check(docs) { cost 0.1 credits  variants 3 }
  gate good = check.legibility >= 0.5 { expect pass 90% }
  node tag_good = tag(good) { model small  batch 7 }
  node tag_bad = tag(good.rejected) { model large  batch 5 }
  output tag_good, tag_bad`);
    expect(c.worstCase.toFixed()).toBe("14051230837395947.75");
    expect(c.witness.gates[0]!.rounds[0]).toMatchObject({ checked: 27_021_597_764_222_973n, passed: 1n, rejected: 27_021_597_764_222_972n });
    expect(node(c, "tag_bad").worstCase.toFixed()).toBe("11349071060973649.44");
  });

  test("5,000,000,000 items in batches of 7", () => {
    // ceil(5e9 / 7) = 714285715 calls at 2 credits, and 5e9 items at 1: 6428571430
    const c = cost(`
  input a: text[5_000_000_000]
  node t = tag(a) { cost 1 credits  cost 2 credits per call  batch 7 }
  output t`);
    expect([c.worstCase.toFixed(), c.expected.toFixed()]).toEqual(["6428571430", "6428571430"]);
    expect(node(c, "t").worstCalls).toBe(714_285_715n);
  });

  test("counts past 2^53: 9,007,199,254,740,991 items with 3 variants each", () => {
    // v: 3 × 9007199254740991 = 27021597764222973 outputs at 1 credit; n tags each of them at 1
    const c = cost(`
  input a: text[9_007_199_254_740_991]
  node v = generate(a) { cost 1 credits  variants 3 }
  node n = tag(v) { cost 1 credits }
  output n`);
    expect([c.worstCase.toFixed(), c.expected.toFixed()]).toEqual(["54043195528445946", "54043195528445946"]);
    expect(node(c, "n").worstItems).toBe(27_021_597_764_222_973n);
  });

  test("a flow beyond the analysis' limits is a FLOW215 error that names the limit", () => {
    // Calls of 10,007 and 9,973 items on the two sides of a gate over 10^15 items: the split
    // repeats only every 10,007 × 9,973 items, far past the candidates the analysis weighs.
    const result = analyse(splitGate("1_000_000_000_000_000", "10_007", "9_973"));
    const limit = result.diagnostics.find((d) => d.code === "FLOW215");
    expect(limit).toMatchObject({ severity: "error", range: { start: { line: 6 } } });
    expect(limit!.message).toMatch(/^gate 'good': .*the analysis' limit/);
    expect(result.cost).toBeUndefined();
  });
});

describe("exact prices and expected figures", () => {
  test("a 37-digit rate per megapixel at 1920x1080 is the exact product", () => {
    // 0.1234567890123456789012345678901234567 × 2.0736 megapixels
    const c = cost(`
  input a: text[1]
  model m { rate 0.1234567890123456789012345678901234567 credits per megapixel }
  node n = generate(a) { model m  resolution 1920x1080 }
  output n`);
    expect(c.worstCase.toFixed()).toBe("0.25599999769599999976959999997695999981312");
  });

  test("with --warm, a cached node with expect fail cannot fail: a cache hit makes no call", () => {
    // n is a hit: no call, no failure, so t tags its one item: expected 1 (0.5 if n could fail)
    const body = `
  input a: text[1]
  node n = caption(a) { cost 1 credit  expect fail 50%  cache ttl 48h }
  node t = tag(n) { cost 1 credit }
  output t`;
    expect(cost(body, true).expected.toFixed()).toBe("1");
    // cold, n fails half its calls and loses its item half the time: 1 + 0.5
    expect(cost(body).expected.toFixed()).toBe("1.5");
  });
});

describe("retries without a bound", () => {
  test("retry 1000: every attempt is charged in the worst case, the expected attempts in closed form", () => {
    // worst: 1001 attempts of 1 credit for each of 2 items; expected attempts per call
    // (1 − 0.1^1001) / 0.9 = 1.1111…, 2.2222… credits for the two items
    const c = cost(`
  input a: text[2]
  node n = caption(a) { cost 1 credit  retry 1000  expect fail 10% }
  output n`);
    expect(c.worstCase.toFixed()).toBe("2002");
    expect(c.expected.toDecimalPlaces(12).toFixed()).toBe("2.222222222222");
  });

  test("up to 1000 rounds: every round in the worst case, a witness of 1001 rounds", () => {
    // every item runs all 1001 rounds at 1 credit in the worst case
    const c = cost(retried("1000"));
    expect(c.worstCase.toFixed()).toBe("3003");
    expect(c.witness.gates[0]!.rounds).toHaveLength(1001);
    // expected: 3 + 1.5 + 0.75 + … = 3 × (2 − 0.5^1000), which is 6 at 12 places
    expect(c.expected.toDecimalPlaces(12).toFixed()).toBe("6");
  });

  test("a witness of more rounds than its limit is a FLOW215 error", () => {
    const result = analyse(retried("20_000"));
    expect(result.diagnostics.find((d) => d.code === "FLOW215")?.message).toBe("gate 'g': its witness would list 20001 rounds, beyond the analysis' limit of 10,000");
  });
});
