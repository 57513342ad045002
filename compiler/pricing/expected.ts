// Expected spend (section 5): the top-down walk with expected, fractional counts. Counts are fixed
// point BigInts with EXPECTED_PLACES decimals and credits are counts times the branch's integer
// price units, so the hot path never builds a decimal object. Products of the flow's short rates
// are exact at that precision; a long chain of gates rounds (half to even) at the last place,
// which leaves every figure at or above 10^-14 credits with at least 34 significant digits, and
// every figure shown (at most 12 places) unchanged.
import { Decimal } from "../../syntax/credits";
import type { GateStream, NodeStream, Stream } from "../model";
import type { Rate } from "./count-fn";
import type { BranchShape } from "./shape";
import { Counts } from "./worst";
import { Units, decimalText, scaledDigits } from "./units";

export const EXPECTED_PLACES = 48;
const ONE = 10n ** BigInt(EXPECTED_PLACES);

const RATES = new WeakMap<Decimal, Rate>();

/** A fraction of the model (a pass or fail rate) as an exact Rate. */
export function rateOf(fraction: Decimal): Rate {
  let rate = RATES.get(fraction);
  if (!rate) {
    const places = fraction.decimalPlaces();
    RATES.set(fraction, (rate = { numerator: scaledDigits(fraction.toFixed(), places), places }));
  }
  return rate;
}

/** n / d rounded half to even (n ≥ 0, d > 0) */
function divide(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r2 = (n - q * d) * 2n;
  return r2 > d || (r2 === d && q % 2n === 1n) ? q + 1n : q;
}

function timesRate(x: bigint, rate: Rate): bigint {
  return rate.places === 0 ? x * rate.numerator : divide(x * rate.numerator, 10n ** BigInt(rate.places));
}

function timesFixed(x: bigint, y: bigint): bigint {
  return y === ONE ? x : divide(x * y, ONE);
}

function complement(rate: Rate): Rate {
  return { numerator: 10n ** BigInt(rate.places) - rate.numerator, places: rate.places };
}

/** Fixed-point counts behind the decimals of a report: a lint that reads one back needs no text. */
const FIXED = new WeakMap<Decimal, bigint>();

/** A decimal count as a fixed-point count. */
export function fixedCount(count: Decimal): bigint {
  const known = FIXED.get(count);
  if (known !== undefined) return known;
  const places = count.decimalPlaces();
  return places <= EXPECTED_PLACES ? scaledDigits(count.toFixed(), EXPECTED_PLACES) : scaledDigits(count.toDecimalPlaces(EXPECTED_PLACES).toFixed(), EXPECTED_PLACES);
}

/** A fixed-point count (or credits at `places` more decimals) as a decimal. */
export function fixedDecimal(value: bigint, extraPlaces = 0): Decimal {
  const decimal = new Decimal(decimalText(value, EXPECTED_PLACES + extraPlaces));
  if (extraPlaces === 0) FIXED.set(decimal, value);
  return decimal;
}

interface Retrying {
  /** 1 + f + f² + … + f^K: expected attempts per call */
  attempts: bigint;
  /** 1 − f^(K+1): the chance that a call succeeds within its attempts */
  survival: bigint;
}

const RETRYING = new WeakMap<Decimal, Map<number, Retrying>>();

const SURE: Retrying = { attempts: ONE, survival: ONE };

/** In closed form, so that any number of retries costs the same: f^(K+1) by repeated squaring. */
function retrying(n: NodeStream): Retrying {
  if (n.failRate.isZero()) return SURE;
  let byRetry = RETRYING.get(n.failRate);
  if (!byRetry) RETRYING.set(n.failRate, (byRetry = new Map()));
  let found = byRetry.get(n.retry);
  if (!found) {
    const f = fixedCount(n.failRate);
    const allFail = power(f, BigInt(n.retry) + 1n);
    const attempts = f === ONE ? (BigInt(n.retry) + 1n) * ONE : divide((ONE - allFail) * ONE, ONE - f);
    byRetry.set(n.retry, (found = { attempts, survival: ONE - allFail }));
  }
  return found;
}

function power(x: bigint, exponent: bigint): bigint {
  let result = ONE;
  for (let base = x, e = exponent; e > 0n; e >>= 1n, base = timesFixed(base, base)) if (e & 1n) result = timesFixed(result, base);
  return result;
}

/** One node's expected figures, summed over the rounds it runs. */
export interface ExpectedFigures {
  /** credits, in the branch's units with EXPECTED_PLACES more decimals */
  credits: bigint;
  calls: bigint;
  items: bigint;
}

/**
 * One round of a node over `items` expected items: its credits (at `perItem` and `perCall` units,
 * zero for a cache hit) and calls, and the outputs that survive its failed calls.
 */
function round(n: NodeStream, items: bigint, perItem: bigint, perCall: bigint, free: boolean): { credits: bigint; calls: bigint; outputs: bigint } {
  const calls = n.batch ? wholeCallsFor(n.batch, items) : items;
  const outputs = n.variants === 1 ? items : items * BigInt(n.variants);
  // a cache hit makes no call, so it cannot fail (contract, section 5)
  if (free) return { credits: 0n, calls, outputs };
  const { attempts, survival } = retrying(n);
  const credits = timesFixed(perItem * items + perCall * calls, attempts);
  return { credits, calls, outputs: timesFixed(outputs, survival) };
}

/** ceil(items / batch) calls for a fixed-point count of items */
function wholeCallsFor(batch: number, items: bigint): bigint {
  const per = BigInt(batch) * ONE;
  return ((items + per - 1n) / per) * ONE;
}

/** The expected figures of every node of a branch. */
export function expectedRun(shape: BranchShape): Map<string, ExpectedFigures> {
  const counts = new Counts<bigint>(shape, ONE);
  const figures = new Map<string, ExpectedFigures>();
  /** `times` rounds of the node over `items` items each */
  const charge = (n: NodeStream, items: bigint, times = 1n): bigint => {
    const r = round(n, items, shape.perItem.get(n.name)!, shape.perCall.get(n.name)!, shape.free(n));
    const f = figures.get(n.name);
    if (f) [f.credits, f.calls, f.items] = [f.credits + r.credits * times, f.calls + r.calls * times, f.items + items * times];
    else figures.set(n.name, { credits: r.credits * times, calls: r.calls * times, items: items * times });
    return r.outputs;
  };
  for (const s of shape.branch.streams) {
    if (shape.handledByChain(s)) continue;
    if (s.kind === "input") counts.set(s.name, s.single ? ONE : fixedCount(s.expect));
    else if (s.kind === "node" && shape.chainStart.has(s.name)) expectedRounds(shape, shape.chainStart.get(s.name)!, counts.entering(s), charge, counts);
    else if (s.kind === "node") counts.set(s.name, charge(s, counts.entering(s)));
    else if (s.kind === "gate") {
      const m = counts.entering(s);
      const rate = rateOf(s.passRate);
      counts.set(s.name, timesRate(m, rate), timesRate(m, complement(rate)));
    } else counts.set(s.name, selected(shape, s, counts));
  }
  return figures;
}

/** a select keeps `pick` of each group of variants that survived its node's calls */
function selected(shape: BranchShape, s: Extract<Stream, { kind: "select" }>, counts: Counts<bigint>): bigint {
  const node = shape.node(s.source);
  const survival = shape.free(node) ? ONE : retrying(node).survival;
  return timesFixed(counts.groups(s), survival) * BigInt(s.pick);
}

/**
 * Rounds of a retried chain: n, n·q, n·q², … items; passes summed over the rounds. The rounds stop
 * mattering once no item is left, and repeat exactly once a round sends on all it received.
 */
function expectedRounds(shape: BranchShape, g: GateStream, entering: bigint, charge: (n: NodeStream, items: bigint, times?: bigint) => bigint, counts: Counts<bigint>): void {
  const pass = rateOf(g.passRate);
  const reject = complement(pass);
  const chain = g.retry!.chain.map((name) => shape.node(name));
  let items = entering;
  let passed = 0n;
  let rejected = 0n;
  for (let round = 0; round <= g.retry!.upTo && items > 0n; round++) {
    let out = items;
    for (const n of chain) out = charge(n, out);
    passed += timesRate(out, pass);
    rejected = timesRate(out, reject);
    if (rejected === items && round < g.retry!.upTo) {
      // every later round is this one again
      const more = BigInt(g.retry!.upTo - round);
      let again = items;
      for (const n of chain) again = charge(n, again, more);
      passed += timesRate(out, pass) * more;
      break;
    }
    items = rejected;
  }
  for (const n of chain) counts.set(n.name, 0n);
  counts.set(g.name, passed, rejected);
}

/**
 * One node's expected spend over `items` expected items in one round, as in the flow: what a lint
 * compares when a change (batching) alters neither the node's counts nor anything below it.
 */
export function expectedNodeCost(n: NodeStream, items: Decimal, warm = false): Decimal {
  const units = Units.at(Math.max(n.pricePerOutput.decimalPlaces(), n.overheadPerCall.decimalPlaces()));
  const free = warm && n.cacheTtlSeconds !== undefined;
  const r = round(n, fixedCount(items), units.of(n.pricePerOutput) * BigInt(n.variants), units.of(n.overheadPerCall), free);
  return fixedDecimal(r.credits, units.scale);
}
