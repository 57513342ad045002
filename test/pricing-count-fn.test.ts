// The worst-case functions of compiler/pricing/count-fn.ts against plain arrays over every count:
// random expressions of batched steps, sums, variants, retry rounds and gates, evaluated both ways.
// The periodic form must give every value of the array, and a gate's witness split must reach the
// maximum and be, of all the splits that do, the one closest to the expected pass share.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { type CountFn, Budget, add, at, batched, bestSplit, linear, scaleCount, splitMax, times } from "../compiler/pricing/count-fn";

/** An expression of worst-case functions, as the analysis builds them. */
type Expr =
  | { kind: "node"; perItem: number; perCall: number; batch: number }
  | { kind: "add"; left: Expr; right: Expr }
  | { kind: "scale"; by: number; inner: Expr }
  | { kind: "times"; by: number; inner: Expr }
  | { kind: "gate"; pass: Expr; rejected: Expr };

const leaf: fc.Arbitrary<Expr> = fc.record({
  kind: fc.constant("node" as const),
  perItem: fc.nat(4),
  perCall: fc.constantFrom(0, 0, 3, 7, 10, 40, 100),
  batch: fc.constantFrom(1, 2, 3, 4, 5, 6, 9, 25),
});

const expr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.record({ kind: fc.constant("add" as const), left: tie("e"), right: tie("e") }),
    fc.record({ kind: fc.constant("scale" as const), by: fc.integer({ min: 2, max: 3 }), inner: tie("e") }),
    fc.record({ kind: fc.constant("times" as const), by: fc.integer({ min: 2, max: 3 }), inner: tie("e") }),
    fc.record({ kind: fc.constant("gate" as const), pass: tie("e"), rejected: tie("e") }),
  ),
})).e;

/** the largest factor by which an expression multiplies counts (its domain grows by it) */
function reach(e: Expr): number {
  switch (e.kind) {
    case "node":
      return 1;
    case "add":
      return Math.max(reach(e.left), reach(e.right));
    case "scale":
      return e.by * reach(e.inner);
    case "times":
      return reach(e.inner);
    case "gate":
      return Math.max(reach(e.pass), reach(e.rejected));
  }
}

/** Every value over 0..most, the plain way. */
function naive(e: Expr, most: number): bigint[] {
  const values = (f: (m: number) => bigint) => Array.from({ length: most + 1 }, (_, m) => f(m));
  switch (e.kind) {
    case "node":
      return values((m) => BigInt(e.perItem * m + (m === 0 ? 0 : e.perCall * Math.ceil(m / e.batch))));
    case "add": {
      const [l, r] = [naive(e.left, most), naive(e.right, most)];
      return values((m) => l[m]! + r[m]!);
    }
    case "scale": {
      const inner = naive(e.inner, most * e.by);
      return values((m) => inner[m * e.by]!);
    }
    case "times": {
      const inner = naive(e.inner, most);
      return values((m) => inner[m]! * BigInt(e.by));
    }
    case "gate": {
      const [p, r] = [naive(e.pass, most), naive(e.rejected, most)];
      return values((m) => {
        let best = p[0]! + r[m]!;
        for (let a = 1; a <= m; a++) if (p[a]! + r[m - a]! > best) best = p[a]! + r[m - a]!;
        return best;
      });
    }
  }
}

/** The same expression through count-fn.ts. */
function periodic(e: Expr, most: bigint, budget: Budget): CountFn {
  switch (e.kind) {
    case "node":
      return e.batch === 1 ? linear(BigInt(e.perItem + e.perCall)) : batched(BigInt(e.perItem), BigInt(e.perCall), e.batch, most, budget);
    case "add":
      return add(periodic(e.left, most, budget), periodic(e.right, most, budget), most, budget);
    case "scale":
      return scaleCount(periodic(e.inner, most * BigInt(e.by), budget), BigInt(e.by), most, budget);
    case "times":
      return times(periodic(e.inner, most, budget), BigInt(e.by));
    case "gate":
      return splitMax(periodic(e.pass, most, budget), periodic(e.rejected, most, budget), most, budget);
  }
}

describe("worst-case functions in periodic form", () => {
  test("give every value a table over every count gives", () => {
    fc.assert(
      fc.property(expr, fc.integer({ min: 0, max: 400 }), (e, most) => {
        fc.pre(most * reach(e) <= 1_200);
        const expected = naive(e, most);
        const fn = periodic(e, BigInt(most), new Budget());
        for (let m = 0; m <= most; m++) expect(at(fn, BigInt(m))).toBe(expected[m]);
      }),
      { numRuns: 300, seed: 12 },
    );
  });

  test("stay exact past any table: at 10^15 items they agree with the law of the same function at small counts", () => {
    // one call per 25 items on one side, per 30 on the other, 10 credits a call: some best split
    // sends 1 to 24 items one way, so the most calls is 10^15 / 25 + 1
    const [most, budget] = [10n ** 15n, new Budget()];
    const fn = splitMax(batched(0n, 10n, 25, most, budget), batched(0n, 10n, 30, most, budget), most, budget);
    expect(at(fn, 10n ** 15n)).toBe(10n * (10n ** 15n / 25n + 1n));
    expect(fn.kind === "stepped" && fn.values.length).toBeLessThan(1_000);
  });

  test("find where a gate's law starts when one side's transient wins for a while", () => {
    const every = (fn: CountFn, most: number) => Array.from({ length: most + 1 }, (_, m) => at(fn, BigInt(m)));
    const naiveSplit = (f: (m: number) => bigint, g: (m: number) => bigint, most: number) =>
      Array.from({ length: most + 1 }, (_, m) => Array.from({ length: m + 1 }, (_, a) => f(a) + g(m - a)).reduce((x, y) => (y > x ? y : x)));
    // hi: 500 for its first 30 items, then 11 an item; lo: 100 a call of ten items, 10 an item on
    // average. Giving hi one item and lo the rest wins until hi's extra 1 an item makes up for its
    // flat start, past 200 items: the law of the split starts there, not at m0 = 40.
    const hi: CountFn = { kind: "stepped", values: Array.from({ length: 31 }, (_, a) => (a === 0 ? 0n : 500n)), start: 30, period: 1, step: 11n };
    const most = 600;
    const lo = batched(0n, 100n, 10, BigInt(most), new Budget());
    expect(every(splitMax(hi, lo, BigInt(most), new Budget()), most)).toEqual(naiveSplit((a) => at(hi, BigInt(a)), (b) => at(lo, BigInt(b)), most));
    // against a linear side: u's transient (1000 at one item) stays the best until u's growth over
    // 19 an item catches up, 18 counts in
    const u: CountFn = { kind: "stepped", values: [0n, 1000n, 1001n], start: 2, period: 1, step: 20n };
    expect(every(splitMax(u, linear(19n), BigInt(most), new Budget()), most)).toEqual(naiveSplit((a) => at(u, BigInt(a)), (b) => 19n * BigInt(b), most));
  });

  test("split a gate the witness way: a best split, the closest to the expected share", () => {
    fc.assert(
      fc.property(expr, expr, fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 100 }), (p, r, m, percent) => {
        fc.pre(m * Math.max(reach(p), reach(r)) <= 2_000);
        const [pass, rejected] = [naive(p, m), naive(r, m)];
        const budget = new Budget();
        const a = bestSplit(periodic(p, BigInt(m), budget), periodic(r, BigInt(m), budget), BigInt(m), { numerator: BigInt(percent), places: 2 });
        const value = (x: number) => pass[x]! + rejected[m - x]!;
        const best = Math.max(...Array.from({ length: m + 1 }, (_, x) => Number(value(x))));
        // the closest maximiser to percent·m/100, the smaller on a tie
        const winners = Array.from({ length: m + 1 }, (_, x) => x).filter((x) => Number(value(x)) === best);
        const distance = (x: number) => Math.abs(percent * m - 100 * x);
        const closest = winners.reduce((w, x) => (distance(x) < distance(w) ? x : w));
        expect(Number(a)).toBe(closest);
      }),
      { numRuns: 300, seed: 5 },
    );
  });
});
