// Functions from an item count to the worst-case credits spent downstream of a stream holding that
// many items. Most are linear (no batching downstream), which keeps the analysis O(1) per node;
// batching makes them step functions, kept as tables over 0..max.
import { Decimal, ZERO } from "./credits";

export type CountFn = { kind: "linear"; slope: Decimal } | { kind: "table"; values: Decimal[] };

export const ZERO_FN: CountFn = { kind: "linear", slope: ZERO };

export function linear(slope: Decimal): CountFn {
  return { kind: "linear", slope };
}

export function at(f: CountFn, m: number): Decimal {
  if (f.kind === "linear") return f.slope.times(m);
  const v = f.values[m];
  if (v === undefined) throw new RangeError(`count ${m} outside table of ${f.values.length}`);
  return v;
}

export function tabulate(size: number, value: (m: number) => Decimal): CountFn {
  const values = new Array<Decimal>(size + 1);
  for (let m = 0; m <= size; m++) values[m] = value(m);
  return { kind: "table", values };
}

export function add(f: CountFn, g: CountFn, size: number): CountFn {
  if (f.kind === "linear" && g.kind === "linear") return linear(f.slope.plus(g.slope));
  return tabulate(size, (m) => at(f, m).plus(at(g, m)));
}

/**
 * Max-plus convolution: h(m) = max over a in 0..m of f(a) + g(m − a). This is a gate: a items pass
 * (worth f downstream), m − a are rejected (worth g).
 */
export function splitMax(f: CountFn, g: CountFn, size: number): CountFn {
  if (f.kind === "linear" && g.kind === "linear") return linear(Decimal.max(f.slope, g.slope));
  if (g.kind === "linear") return againstLinear(f, g.slope, size);
  if (f.kind === "linear") return againstLinear(g, f.slope, size);
  return tableSplitMax(f.values, g.values, size);
}

/** h(m) = s·m + max over a ≤ m of (f(a) − s·a): one pass with a running maximum. */
function againstLinear(f: CountFn, slope: Decimal, size: number): CountFn {
  const values = new Array<Decimal>(size + 1);
  let best: Decimal | undefined;
  for (let m = 0; m <= size; m++) {
    const candidate = at(f, m).minus(slope.times(m));
    if (best === undefined || candidate.greaterThan(best)) best = candidate;
    values[m] = best.plus(slope.times(m));
  }
  return { kind: "table", values };
}

/**
 * Both sides are step functions: the quadratic scan, done on scaled BigInts because decimal
 * arithmetic in the inner loop would dominate the whole analysis.
 */
function tableSplitMax(f: Decimal[], g: Decimal[], size: number): CountFn {
  const places = Math.max(maxPlaces(f, size), maxPlaces(g, size));
  const scale = new Decimal(10).pow(places);
  const fi = f.slice(0, size + 1).map((v) => BigInt(v.times(scale).toFixed(0)));
  const gi = g.slice(0, size + 1).map((v) => BigInt(v.times(scale).toFixed(0)));
  const values = new Array<Decimal>(size + 1);
  for (let m = 0; m <= size; m++) {
    let best = fi[0]! + gi[m]!;
    for (let a = 1; a <= m; a++) {
      const s = fi[a]! + gi[m - a]!;
      if (s > best) best = s;
    }
    values[m] = new Decimal(best.toString()).div(scale);
  }
  return { kind: "table", values };
}

function maxPlaces(values: Decimal[], size: number): number {
  let places = 0;
  for (let m = 0; m <= size && m < values.length; m++) places = Math.max(places, values[m]!.decimalPlaces());
  return places;
}

/**
 * The split a gate takes in the witness for m items: one that attains the maximum, and among
 * those the one closest to the expected pass share (so the witness looks like a plausible run).
 */
export function bestSplit(f: CountFn, g: CountFn, m: number, passRate: Decimal): number {
  if (f.kind === "linear" && g.kind === "linear" && !f.slope.equals(g.slope)) return f.slope.greaterThan(g.slope) ? m : 0;
  const target = passRate.times(m);
  let bestA = 0;
  let best: Decimal | undefined;
  for (let a = 0; a <= m; a++) {
    const v = at(f, a).plus(at(g, m - a));
    const closer = best !== undefined && v.equals(best) && target.minus(a).abs().lessThan(target.minus(bestA).abs());
    if (best === undefined || v.greaterThan(best) || closer) {
      best = v;
      bestA = a;
    }
  }
  return bestA;
}
