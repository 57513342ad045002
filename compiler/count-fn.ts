// Functions from an item count to the worst-case credits spent downstream of a stream holding that
// many items. Most are linear (no batching downstream), which keeps the analysis O(1) per node;
// batching makes them step functions, kept as tables over 0..max.
//
// Worst-case credits are sums of whole multiples of the flow's prices, so they are held as BigInts
// in units of 10^-scale credits (the flow's `Units`): exact, and far cheaper than decimal objects
// in the tables' inner loops.
import { Decimal } from "../syntax/credits";

export type CountFn = { kind: "linear"; slope: bigint } | { kind: "table"; values: bigint[] };

export const ZERO_FN: CountFn = { kind: "linear", slope: 0n };

/** Converts between credits and the integer units of one flow (by digits, not arithmetic). */
export class Units {
  private readonly known = new Map<string, bigint>();
  constructor(readonly scale: number) {}

  /** the smallest scale at which every given figure is a whole number of units */
  static fitting(figures: Iterable<Decimal>): Units {
    let scale = 0;
    for (const f of figures) scale = Math.max(scale, f.decimalPlaces());
    return new Units(scale);
  }

  of(credits: Decimal): bigint {
    const text = credits.toFixed();
    let units = this.known.get(text);
    if (units === undefined) {
      const [whole = "0", fraction = ""] = text.split(".");
      units = BigInt(whole + fraction.padEnd(this.scale, "0"));
      this.known.set(text, units);
    }
    return units;
  }

  credits(units: bigint): Decimal {
    if (this.scale === 0) return new Decimal(units.toString());
    const negative = units < 0n;
    const digits = (negative ? -units : units).toString().padStart(this.scale + 1, "0");
    const point = digits.length - this.scale;
    return new Decimal(`${negative ? "-" : ""}${digits.slice(0, point)}.${digits.slice(point)}`);
  }

  /** a/b as a decimal fraction with 12 places (shares) */
  static ratio(a: bigint, b: bigint): Decimal {
    if (b === 0n) return new Decimal(0);
    return SHARE_UNITS.credits((a * 10n ** 12n) / b);
  }
}

const SHARE_UNITS = new Units(12);

export function linear(slope: bigint): CountFn {
  return { kind: "linear", slope };
}

export function at(f: CountFn, m: number): bigint {
  if (f.kind === "linear") return f.slope * BigInt(m);
  const v = f.values[m];
  if (v === undefined) throw new RangeError(`count ${m} outside table of ${f.values.length}`);
  return v;
}

export function tabulate(size: number, value: (m: number) => bigint): CountFn {
  const values = new Array<bigint>(size + 1);
  for (let m = 0; m <= size; m++) values[m] = value(m);
  return { kind: "table", values };
}

export function add(f: CountFn, g: CountFn, size: number): CountFn {
  if (f.kind === "linear" && g.kind === "linear") return linear(f.slope + g.slope);
  if (f.kind === "linear" && f.slope === 0n) return g;
  if (g.kind === "linear" && g.slope === 0n) return f;
  return tabulate(size, (m) => at(f, m) + at(g, m));
}

/** m ↦ k·f(m) */
export function times(f: CountFn, k: number, size: number): CountFn {
  const factor = BigInt(k);
  return f.kind === "linear" ? linear(f.slope * factor) : tabulate(size, (m) => at(f, m) * factor);
}

/** m ↦ f(k·m) */
export function scaleCount(f: CountFn, k: number, size: number): CountFn {
  return f.kind === "linear" ? linear(f.slope * BigInt(k)) : tabulate(size, (m) => at(f, k * m));
}

/**
 * Max-plus convolution: h(m) = max over a in 0..m of f(a) + g(m − a). This is a gate: a items pass
 * (worth f downstream), m − a are rejected (worth g).
 */
export function splitMax(f: CountFn, g: CountFn, size: number): CountFn {
  if (f.kind === "linear" && g.kind === "linear") return linear(f.slope > g.slope ? f.slope : g.slope);
  if (g.kind === "linear") return againstLinear(f, g.slope, size);
  if (f.kind === "linear") return againstLinear(g, f.slope, size);
  return tableSplitMax(f.values, g.values, size);
}

/** h(m) = s·m + max over a ≤ m of (f(a) − s·a): one pass with a running maximum. */
function againstLinear(f: CountFn, slope: bigint, size: number): CountFn {
  const values = new Array<bigint>(size + 1);
  let best = at(f, 0);
  for (let m = 0; m <= size; m++) {
    const shift = slope * BigInt(m);
    const candidate = at(f, m) - shift;
    if (candidate > best) best = candidate;
    values[m] = best + shift;
  }
  return { kind: "table", values };
}

function tableSplitMax(f: bigint[], g: bigint[], size: number): CountFn {
  const values = new Array<bigint>(size + 1);
  for (let m = 0; m <= size; m++) {
    let best = f[0]! + g[m]!;
    for (let a = 1; a <= m; a++) {
      const s = f[a]! + g[m - a]!;
      if (s > best) best = s;
    }
    values[m] = best;
  }
  return { kind: "table", values };
}

/**
 * The split a gate takes in the witness for m items: one that attains the maximum, and among
 * those the one closest to the expected pass share (so the witness looks like a plausible run).
 */
export function bestSplit(f: CountFn, g: CountFn, m: number, passRate: Decimal): number {
  const target = passRate.times(m);
  if (f.kind === "linear" && g.kind === "linear") {
    if (f.slope !== g.slope) return f.slope > g.slope ? m : 0;
    return Math.min(m, Math.max(0, target.round().toNumber()));
  }
  const distance = (a: number) => target.minus(a).abs();
  let bestA = 0;
  let best = at(f, 0) + at(g, m);
  for (let a = 1; a <= m; a++) {
    const v = at(f, a) + at(g, m - a);
    if (v > best || (v === best && distance(a).lessThan(distance(bestA)))) {
      best = v;
      bestA = a;
    }
  }
  return bestA;
}
