// Monte Carlo spend (`flowc cost --simulate`): the sample mean converges to the exact expected
// figure where that figure is the mean (no batched node: `ceil(items / B)` of an expected count is
// not the expected number of calls), no run ever spends more than the exact worst case, credits
// stay exact, and the same seed gives the same runs.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Decimal } from "../syntax/credits";
import { binomial, makeRandom, simulateSpend, type SimulateOptions, type SimulationReport } from "../compiler/simulate";
import { arbitrarySpec, specToFlow, type FlowSpec } from "./helpers/random-flows";
import { cli, fixture, priced } from "./diff-helpers";
import { ROOT } from "./cli-spawn";

const options = (over: Partial<SimulateOptions> = {}): SimulateOptions => ({ runs: 2000, seed: 1, inputs: "expect", warm: false, ...over });

function simulate(text: string, over: Partial<SimulateOptions> = {}): SimulationReport {
  const analysis = priced(text, { warm: over.warm ?? false });
  return simulateSpend(analysis.model, analysis.cost, options(over));
}

/**
 * Five standard errors: for a normal sample mean a miss has a chance of 6 in 10 million, and the
 * seeds are fixed, so a pass is a pass for good. A flow with no randomness has a standard error of
 * 0 and must hit the expected figure exactly.
 */
function expectMeanNearExpected(r: SimulationReport): void {
  const gap = r.mean.minus(r.expected).abs();
  expect(gap.lte(r.standardError.times(5)), `mean ${r.mean} vs expected ${r.expected} (standard error ${r.standardError})`).toBe(true);
}

const unbatched = (spec: FlowSpec): FlowSpec => ({ streams: spec.streams.map((s) => (s.kind === "node" ? { ...s, batch: undefined } : s)) });

describe("the sample mean converges to the exact expected figure", () => {
  test.each([
    ["sharp_drafts", true],
    ["product_clips", true],
    ["review_first", true],
    // the review comes last: nothing after it is paid for, so every run spends the same
    ["upscale_first", false],
  ])("%s (retry rounds, failed attempts, reviews); spend varies: %s", (name, varies) => {
    const r = simulate(fixture(name), { runs: 20_000 });
    expectMeanNearExpected(r);
    expect(r.standardError.gt(0)).toBe(varies);
  });

  test("inputs uniform from 0 to 10 have the mean of `expect 5`", () => {
    const flow = `flow f {
      input xs: image[10] expect 5
      node a = quality_check(xs) { cost 0.3 credits }
      gate g = a.sharpness >= 0.5 { expect pass 40% }
      node b = generate(g) { cost 1.25 credits  retry 2  expect fail 20% }
      output b
    }`;
    expectMeanNearExpected(simulate(flow, { runs: 20_000, inputs: "uniform" }));
    expectMeanNearExpected(simulate(flow, { runs: 20_000, inputs: "expect" }));
  });

  test("a fractional `expect` is drawn as its floor or ceiling, keeping its mean", () => {
    const r = simulate(`flow f { input xs: image[10] expect 2.5  node a = generate(xs) { cost 1 credit }  output a }`, { runs: 20_000 });
    expect(r.min.toFixed()).toBe("2");
    expect(r.max.toFixed()).toBe("3");
    expectMeanNearExpected(r);
  });

  test("random flows without batches", () => {
    fc.assert(
      fc.property(arbitrarySpec, fc.nat(1000), (spec, seed) => {
        const r = simulate(specToFlow(unbatched(spec)), { runs: 3000, seed });
        expectMeanNearExpected(r);
      }),
      { numRuns: 25, seed: 6 },
    );
  });

  test("a flow without chance spends its expected figure in every run, exactly", () => {
    const r = simulate(`flow f { input xs: text[7]  node a = tag(xs) { cost 0.1 credits  cost 0.2 credits per call  batch 3 }  output a }`, { runs: 50 });
    expect(r.standardError.isZero()).toBe(true);
    for (const figure of [r.min, r.p50, r.p99, r.max, r.mean]) expect(figure.toFixed()).toBe("1.3");
    expect(r.expected.toFixed()).toBe("1.3");
  });
});

describe("no run spends more than the exact worst case", () => {
  test("random flows, both input modes, cold and warm", () => {
    fc.assert(
      fc.property(arbitrarySpec, fc.nat(1000), fc.constantFrom<"expect" | "uniform">("expect", "uniform"), fc.boolean(), (spec, seed, inputs, warm) => {
        const r = simulate(specToFlow(spec), { runs: 300, seed, inputs, warm });
        expect(r.max.lte(r.worstCase), `max ${r.max} above worst case ${r.worstCase}`).toBe(true);
        expect(r.min.gte(0)).toBe(true);
        expect(r.p50.lte(r.p90) && r.p90.lte(r.p99) && r.p99.lte(r.max) && r.min.lte(r.p50)).toBe(true);
        expect(r.histogram.reduce((n, b) => n + b.runs, 0)).toBe(300);
      }),
      { numRuns: 60, seed: 61 },
    );
  });

  test("every call failing every attempt reaches the worst case and no further", () => {
    // fail 99.99%: almost every call takes all three attempts, as in the witness
    const r = simulate(`flow f { input xs: image[4]  node a = generate(xs) { cost 2 credits  retry 2  expect fail 99.99% }  output a }`, { runs: 500 });
    expect(r.max.toFixed()).toBe("24");
    expect(r.worstCase.toFixed()).toBe("24");
  });
});

describe("credits stay exact", () => {
  test("0.1 + 0.2 credits is 0.3 credits in every run", () => {
    const r = simulate(`flow f { input x: text  node a = tag(x) { cost 0.1 credits }  node b = tag(a) { cost 0.2 credits }  output b }`, { runs: 10 });
    expect(r.p50.toFixed()).toBe("0.3");
    expect(r.mean.toFixed()).toBe("0.3");
  });

  test("spend beyond 2^53 price units is summed in BigInt, to the last digit", () => {
    const flow = `flow f {
      input xs: image[1000]
      node a = generate(xs) { cost 99999.999999999999 credits }
      node b = tag(a) { cost 0.000000000007 credits }
      output b
    }`;
    const r = simulate(flow, { runs: 20 });
    // 1000 × 99999.999999999999 + 1000 × 0.000000000007
    expect(r.max.toFixed()).toBe("100000000.000000006");
    expect(r.max.eq(r.worstCase)).toBe(true);
    expect(r.mean.eq(r.expected)).toBe(true);
  });
});

describe("the report", () => {
  const coin = `flow coin {
    input x: text
    budget { cap 15 credits  alert 10 credits }
    node a = quality_check(x) { cost 10 credits }
    gate g = a.sharpness >= 0.5 { expect pass 50% }
    node b = tag(g) { cost 10 credits }
    output b
  }`;

  test("runs over the cap (they would pause) and over the alert: a run of exactly the limit is under it", () => {
    const r = simulate(coin, { runs: 10_000 });
    // every run spends 10 (rejected) or 20 (passed): half pass the cap and the alert; none spends above 20
    expect(r.overCap).toBe(r.overAlert);
    expect(Math.abs(r.overCap - 5000)).toBeLessThan(5 * 50);
    const atCap = simulate(coin.replace("cap 15 credits  alert 10 credits", "cap 20 credits  alert 20 credits"), { runs: 1000 });
    expect(atCap.overCap).toBe(0);
    expect(atCap.overAlert).toBe(0);
  });

  test("percentiles by nearest rank; the histogram covers every run with round bins", () => {
    const r = simulate(coin, { runs: 1000 });
    expect(r.min.toFixed()).toBe("10");
    expect(r.max.toFixed()).toBe("20");
    expect(r.p99.toFixed()).toBe("20");
    const bins = r.histogram;
    expect(bins[0]!.from.lte(r.min)).toBe(true);
    expect(bins[bins.length - 1]!.to.gt(r.max)).toBe(true);
    for (let i = 1; i < bins.length; i++) expect(bins[i]!.from.eq(bins[i - 1]!.to)).toBe(true);
    expect(bins.reduce((n, b) => n + b.runs, 0)).toBe(1000);
    expect(bins[0]!.to.minus(bins[0]!.from).toFixed()).toMatch(/^(1|2|5)(0*)$/);
  });

  test("the same seed gives the same runs; another seed other runs", () => {
    const text = fixture("campaign_portraits");
    const a = simulate(text, { seed: 42 });
    expect(simulate(text, { seed: 42 })).toEqual(a);
    expect(simulate(text, { seed: 43 }).mean.eq(a.mean)).toBe(false);
  });
});

describe("binomial draws", () => {
  const random = makeRandom(9);
  const moments = (n: number, p: number, draws: number) => {
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < draws; i++) {
      const x = binomial(n, p, random);
      expect(Number.isInteger(x) && x >= 0 && x <= n).toBe(true);
      sum += x;
      squares += x * x;
    }
    const mean = sum / draws;
    return { mean, variance: squares / draws - mean * mean };
  };

  test.each([
    [10, 0.3],
    [1000, 0.3],
    [1000, 0.85],
    [40, 0.5],
  ])("Binomial(%i, %f) has mean n·p and variance n·p·(1−p)", (n, p) => {
    const { mean, variance } = moments(n, p, 20_000);
    const sd = Math.sqrt(n * p * (1 - p));
    expect(Math.abs(mean - n * p)).toBeLessThan((5 * sd) / Math.sqrt(20_000));
    expect(Math.abs(variance / (n * p * (1 - p)) - 1)).toBeLessThan(0.1);
  });

  test("edge cases: n = 0, p = 0, p = 1", () => {
    expect(binomial(0, 0.5, random)).toBe(0);
    expect(binomial(50, 0, random)).toBe(0);
    expect(binomial(50, 1, random)).toBe(50);
  });
});

describe("flowc cost --simulate", () => {
  test("JSON: percentiles, chances, histogram, exact figures; the same output for the same seed", async () => {
    const args = ["cost", "test/cli-fixtures/campaign_portraits.flow", "--simulate", "3000", "--seed", "7", "--format", "json"];
    const run = await cli(args, ROOT);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const value = JSON.parse(run.stdout);
    expect(value).toMatchObject({ flow: "campaign_portraits", runs: 3000, seed: 7, inputs: "expect", worstCase: 902.2896, cap: 900, alert: 675 });
    expect(run.stdout).toContain('"expected": 272.0257216,');
    for (const key of ["mean", "p50", "p90", "p99", "max", "capChance", "alertChance", "histogram"]) expect(value).toHaveProperty(key);
    expect(new Decimal(value.max).lte(new Decimal("902.2896"))).toBe(true);
    expect((await cli(args, ROOT)).stdout).toBe(run.stdout);
  });

  test("text: the figures, the cap and alert lines, a histogram with bars", async () => {
    const run = await cli(["cost", "test/cli-fixtures/campaign_portraits.flow", "--simulate", "2000", "--inputs", "uniform"], ROOT);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^campaign_portraits — 2000 simulated runs \(seed 1, input counts uniform from minimum to maximum\)\n/);
    expect(run.stdout).toMatch(/\n {2}p90 +[\d.]+ credits/);
    expect(run.stdout).toMatch(/\ncap 900 credits: \d+ of 2000 runs \([\d.]+%\) would pause\n/);
    expect(run.stdout).toContain("█");
  });

  test("bad usage: --seed without --simulate, --simulate 0", async () => {
    const seedAlone = await cli(["cost", "test/cli-fixtures/sharp_drafts.flow", "--seed", "3"], ROOT);
    expect(seedAlone.status).toBe(2);
    expect(seedAlone.stderr).toMatch(/--seed applies to --simulate/);
    expect((await cli(["cost", "test/cli-fixtures/sharp_drafts.flow", "--simulate", "0"], ROOT)).status).toBe(2);
  });
});
