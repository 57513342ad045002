// Expected spend (section 5): the top-down walk with expected, fractional counts. Counts are fixed
// point BigInts with EXPECTED_PLACES decimals and credits are counts times the branch's integer
// price units, so the hot path never builds a decimal object. Products of the flow's short rates
// are exact at that precision; a long chain of gates rounds (half to even) at the last place,
// which leaves every figure at or above 10^-14 credits with at least 34 significant digits, and
// every figure shown (at most 12 places) unchanged.
import { Decimal } from "../../syntax/credits";
import type { GateStream, NodeStream, SelectStream } from "../model";
import type { Rate } from "./count-fn";
import { type BranchShape, cacheHit, spendOn } from "./shape";
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

/** 10^places, for the few places rates have */
const TENS: bigint[] = [];
const tenTo = (places: number): bigint => (TENS[places] ??= 10n ** BigInt(places));

function timesRate(x: bigint, rate: Rate): bigint {
  return rate.places === 0 ? x * rate.numerator : divide(x * rate.numerator, tenTo(rate.places));
}

function timesFixed(x: bigint, y: bigint): bigint {
  return y === ONE ? x : divide(x * y, ONE);
}

const GATE_RATES = new WeakMap<Decimal, { pass: Rate; reject: Rate }>();

/** A gate's pass rate and its complement, as exact Rates. */
function gateRates(passRate: Decimal): { pass: Rate; reject: Rate } {
  let rates = GATE_RATES.get(passRate);
  if (!rates) {
    const pass = rateOf(passRate);
    GATE_RATES.set(passRate, (rates = { pass, reject: { numerator: tenTo(pass.places) - pass.numerator, places: pass.places } }));
  }
  return rates;
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

/** Calls of one round of a node over `items` expected items. */
function roundCalls(n: NodeStream, items: bigint): bigint {
  return n.batch ? wholeCallsFor(n.batch, items) : items;
}

/** Credits of one round of a node that makes `calls` calls over `items` expected items, at `perItem` and `perCall` units. */
function roundCredits(n: NodeStream, items: bigint, calls: bigint, perItem: bigint, perCall: bigint, free: boolean): bigint {
  return free ? 0n : timesFixed(spendOn(perItem, items, perCall, calls), retrying(n).attempts);
}

/** The outputs of one round that survive its failed calls; a cache hit makes no call, so it cannot fail (contract, section 5). */
function roundOutputs(n: NodeStream, items: bigint, free: boolean): bigint {
  const outputs = n.variants === 1 ? items : items * BigInt(n.variants);
  return free ? outputs : timesFixed(outputs, retrying(n).survival);
}

/** batch × ONE, by batch */
const PER_CALL = new Map<number, bigint>();

/** ceil(items / batch) calls for a fixed-point count of items */
function wholeCallsFor(batch: number, items: bigint): bigint {
  let per = PER_CALL.get(batch);
  if (per === undefined) PER_CALL.set(batch, (per = BigInt(batch) * ONE));
  return ((items + per - 1n) / per) * ONE;
}

/** The expected figures of a branch's nodes, by position: credits in the branch's units with EXPECTED_PLACES more decimals. */
export interface ExpectedRun {
  credits: bigint[];
  calls: bigint[];
  items: bigint[];
}

/** The expected figures of every node of a branch. */
export function expectedRun(shape: BranchShape): ExpectedRun {
  const n = shape.streams.length;
  const counts = new Counts(shape, ONE);
  const run: ExpectedRun = { credits: new Array<bigint>(n), calls: new Array<bigint>(n), items: new Array<bigint>(n) };
  for (let i = 0; i < n; i++) {
    if (shape.handledByChain(i)) continue;
    const s = shape.streams[i]!;
    if (s.kind === "input") counts.pass[i] = s.single ? ONE : fixedCount(s.expect);
    else if (s.kind === "select") counts.pass[i] = selected(shape, i, counts);
    else if (s.kind === "node" && shape.chainStartAt[i]! >= 0) expectedRounds(shape, shape.chainStartAt[i]!, counts.entering(i), run, counts);
    else if (s.kind === "node") counts.pass[i] = charge(shape, run, i, counts.entering(i), 1n);
    else {
      const m = counts.entering(i);
      const rates = gateRates(s.passRate);
      counts.pass[i] = timesRate(m, rates.pass);
      counts.rejected[i] = timesRate(m, rates.reject);
    }
  }
  return run;
}

/** `times` rounds of the node at `i` over `items` items each, added to its figures; the outputs of one round */
function charge(shape: BranchShape, run: ExpectedRun, i: number, items: bigint, times: bigint): bigint {
  const n = shape.streams[i] as NodeStream;
  const free = shape.free(n);
  const calls = roundCalls(n, items);
  const credits = roundCredits(n, items, calls, shape.perItem[i]!, shape.perCall[i]!, free);
  if (times === 1n) add(run, i, credits, calls, items);
  else add(run, i, credits * times, calls * times, items * times);
  return roundOutputs(n, items, free);
}

function add(run: ExpectedRun, i: number, credits: bigint, calls: bigint, items: bigint): void {
  const before = run.credits[i];
  run.credits[i] = before === undefined ? credits : before + credits;
  run.calls[i] = before === undefined ? calls : run.calls[i]! + calls;
  run.items[i] = before === undefined ? items : run.items[i]! + items;
}

/** a select keeps `pick` of each group of variants that survived its node's calls */
function selected(shape: BranchShape, i: number, counts: Counts): bigint {
  const node = shape.streams[shape.sourceAt[i]!] as NodeStream;
  const survival = shape.free(node) ? ONE : retrying(node).survival;
  return timesFixed(counts.groups(i), survival) * BigInt((shape.streams[i] as SelectStream).pick);
}

/**
 * Rounds of a retried chain: n, n·q, n·q², … items; passes summed over the rounds. The rounds stop
 * mattering once no item is left, and repeat exactly once a round sends on all it received.
 */
function expectedRounds(shape: BranchShape, g: number, entering: bigint, run: ExpectedRun, counts: Counts): void {
  const gate = shape.streams[g] as GateStream;
  const { pass, reject } = gateRates(gate.passRate);
  const upTo = gate.retry!.upTo;
  const chain = gate.retry!.chain.map((name) => shape.nodeAt(name));
  let items = entering;
  let passed = 0n;
  let rejected = 0n;
  for (let round = 0; round <= upTo && items > 0n; round++) {
    let out = items;
    for (const i of chain) out = charge(shape, run, i, out, 1n);
    passed += timesRate(out, pass);
    rejected = timesRate(out, reject);
    if (rejected === items && round < upTo) {
      // every later round is this one again
      const more = BigInt(upTo - round);
      let again = items;
      for (const i of chain) again = charge(shape, run, i, again, more);
      passed += timesRate(out, pass) * more;
      break;
    }
    items = rejected;
  }
  for (const i of chain) counts.pass[i] = 0n;
  counts.pass[g] = passed;
  counts.rejected[g] = rejected;
}

/**
 * One node's expected spend over `items` expected items in one round, as in the flow: what a lint
 * compares when a change (batching) alters neither the node's counts nor anything below it.
 */
export function expectedNodeCost(n: NodeStream, items: Decimal, warm = false): Decimal {
  const units = Units.at(Math.max(n.pricePerOutput.decimalPlaces(), n.overheadPerCall.decimalPlaces()));
  const free = cacheHit(n, warm);
  const count = fixedCount(items);
  const credits = roundCredits(n, count, roundCalls(n, count), units.of(n.pricePerOutput) * BigInt(n.variants), units.of(n.overheadPerCall), free);
  return fixedDecimal(credits, units.scale);
}
