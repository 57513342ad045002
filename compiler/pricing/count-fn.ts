// Functions from an item count to the worst-case credits spent downstream of a stream that many
// items enter, without a table over every count where the structure allows it.
//
// Every such function f has f(0) = 0 and is *ultimately periodic*: past a transient of `start`
// counts, `period` more items add `step` credits (f(m + period) = f(m) + step for m ≥ start).
// A flow without batches gives linear functions (start 0, period 1); a batched node gives
// ceil(m / B) steps (period B); a gate's split keeps the form, with a longer transient and period
// (the lemma at `splitMax`). A function is kept as its values over one transient and one period,
// so its size follows the flow's batches and gates, not its counts. Where transient and period
// are longer than the counts a stream can hold, the values over those counts are the function (a
// table, whose law holds vacuously); where even that is beyond the limits below, the analysis
// stops with a `PricingLimit` that names the limit (FLOW215), never with a wrong figure.
//
// Credits are whole units of the flow (`Units`), counts are BigInts: no figure depends on 2^53.

/** The most values one function may hold. */
export const VALUES_LIMIT = 1 << 20;
/** The most candidate splits the gates of one branch may weigh. */
export const WORK_LIMIT = 1 << 26;

/** The analysis cannot price the flow exactly within its limits; the message says which limit and where. */
export class PricingLimit extends Error {
  constructor(
    message: string,
    /** the stream whose function reached the limit */
    readonly stream?: string,
  ) {
    super(message);
    this.name = "PricingLimit";
  }
}

export type CountFn = Linear | Stepped;

export interface Linear {
  kind: "linear";
  /** credits per item */
  slope: bigint;
}

/** values[m] for m < values.length = start + period; beyond, f(m) = f(m − period) + step. */
export interface Stepped {
  kind: "stepped";
  values: readonly bigint[];
  start: number;
  period: number;
  step: bigint;
}

/** The law of either kind: what the general algorithms read. */
type Law = Omit<Stepped, "kind">;

export const ZERO_FN: CountFn = { kind: "linear", slope: 0n };
const ZERO_VALUES: readonly bigint[] = [0n];

export function linear(slope: bigint): CountFn {
  return slope === 0n ? ZERO_FN : { kind: "linear", slope };
}

function lawOf(f: CountFn): Law {
  return f.kind === "linear" ? { values: ZERO_VALUES, start: 0, period: 1, step: f.slope } : f;
}

/** f(m) for any count m in f's domain. */
export function at(f: CountFn, m: bigint): bigint {
  if (f.kind === "linear") return f.slope * m;
  const n = f.values.length;
  if (m < BigInt(n)) return f.values[Number(m)]!;
  const past = m - BigInt(f.start);
  const period = BigInt(f.period);
  return f.values[f.start + Number(past % period)]! + (past / period) * f.step;
}

/** f(i) for a count that is an index (the algorithms below stay within the limits). */
function valueAt(f: Law, i: number): bigint {
  if (i < f.values.length) return f.values[i]!;
  const past = i - f.start;
  const r = past % f.period;
  const periods = (past - r) / f.period;
  return f.values[f.start + r]! + (periods === 1 ? f.step : BigInt(periods) * f.step);
}

/** f(0), f(1), …, f(n − 1), in a new array: past f's values, each from the one a period before. */
function valuesUpTo(f: Law, n: number): bigint[] {
  const values = f.values.slice(0, n);
  for (let m = values.length; m < n; m++) values.push(values[m - f.period]! + f.step);
  return values;
}

/** f(top), f(top − 1), …, f(top − count + 1) (top − count + 1 ≥ 0): past f's values, each from the one a period above. */
function valuesDown(f: Law, top: number, count: number): bigint[] {
  const values = new Array<bigint>(count);
  for (let b = 0; b < count; b++) {
    const x = top - b;
    if (x < f.values.length) values[b] = f.values[x]!;
    else values[b] = b >= f.period ? values[b - f.period]! - f.step : valueAt(f, x);
  }
  return values;
}

/** How much work the functions of one priced branch may take, and where a limit was reached. */
export class Budget {
  private work = 0;
  /** the stream being priced, named in a limit's message */
  stream: { kind: string; name: string; human?: boolean } | undefined;

  private get where(): string {
    const s = this.stream;
    return s ? `${s.kind === "gate" && s.human ? "review" : s.kind} '${s.name}'` : "the flow";
  }

  private limit(message: string): PricingLimit {
    return new PricingLimit(`${this.where}: ${message}`, this.stream?.name);
  }

  spend(steps: number | bigint, what: string): void {
    this.work += steps > WORK_LIMIT ? WORK_LIMIT + 1 : Number(steps);
    if (this.work > WORK_LIMIT) throw this.limit(`${what} takes more than ${format(WORK_LIMIT)} steps, the analysis' limit`);
  }

  /** The values to keep of a function whose law starts at `start` with `period`: those, or every count 0..most when fewer. */
  shape(start: bigint, period: bigint, most: bigint, what: string): Shape {
    if (start + period <= most + 1n) {
      if (start + period > BigInt(VALUES_LIMIT)) throw this.limit(`${what} repeats only every ${period} items after ${start}, beyond the analysis' limit of ${format(VALUES_LIMIT)} values`);
      return { start: Number(start), period: Number(period), table: false };
    }
    if (most + 1n > BigInt(VALUES_LIMIT)) {
      throw this.limit(`${what} over up to ${most} items repeats only every ${period} items after ${start}, beyond the analysis' limit of ${format(VALUES_LIMIT)} values`);
    }
    return { start: Number(most), period: 1, table: true };
  }
}

interface Shape {
  start: number;
  period: number;
  /** every count of the domain, no law past it */
  table: boolean;
}

const format = (n: number) => n.toLocaleString("en-US");

/** A function from its values over one transient and one period (for a table, over its domain). */
function build(values: bigint[], shape: Shape, step: bigint): CountFn {
  const n = values.length;
  // a table's law holds vacuously past its end: take the last step, so that a linear tail shows
  const law = shape.table ? (n > 1 ? values[n - 1]! - values[n - 2]! : 0n) : step;
  return normalize(values, shape.start, shape.period, law);
}

/**
 * The shortest transient and period that describe the same function, so sizes stay small and a
 * function that is linear after all becomes linear again.
 */
function normalize(values: bigint[], start: number, period: number, step: bigint): CountFn {
  for (const p of primeFactors(period)) {
    while (period % p === 0 && step % BigInt(p) === 0n && repeatsEvery(values, start, period, period / p, step / BigInt(p))) {
      period /= p;
      step /= BigInt(p);
    }
  }
  while (start > 0 && values[start - 1 + period]! === values[start - 1]! + step) start--;
  if (start === 0 && period === 1) return linear(step);
  if (values.length > start + period) values.length = start + period;
  return { kind: "stepped", values, start, period, step };
}

/** f(m + shorter) = f(m) + step for every m of one period, which makes it hold for all m ≥ start */
function repeatsEvery(values: bigint[], start: number, period: number, shorter: number, step: bigint): boolean {
  for (let m = start; m + shorter < start + period; m++) if (values[m + shorter] !== values[m]! + step) return false;
  return true;
}

function primeFactors(n: number): number[] {
  const found: number[] = [];
  for (let p = 2; p * p <= n; p++) {
    if (n % p !== 0) continue;
    found.push(p);
    while (n % p === 0) n /= p;
  }
  if (n > 1) found.push(n);
  return found;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function lcm(a: number, b: number): bigint {
  const [x, y] = [BigInt(a), BigInt(b)];
  return (x / gcd(x, y)) * y;
}

const larger = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/** One round of a node over 0..most items: `perCall` for each call of up to `batch` items, `perItem` for each item. */
export function batched(perItem: bigint, perCall: bigint, batch: number, most: bigint, budget: Budget): CountFn {
  if (batch === 1 || perCall === 0n) return linear(perItem + perCall);
  const shape = budget.shape(0n, BigInt(batch), most, "a node's calls of up to " + batch + " items");
  const values = new Array<bigint>(shape.start + shape.period);
  values[0] = 0n;
  // each item adds perItem, and each item that opens a call (items 1, batch + 1, …) adds perCall too
  const opening = perCall + perItem;
  for (let m = 1; m < values.length; m++) values[m] = values[m - 1]! + ((m - 1) % batch === 0 ? opening : perItem);
  return build(values, shape, perCall + perItem * BigInt(batch));
}

/** m ↦ f(m) + g(m) over 0..most */
export function add(f: CountFn, g: CountFn, most: bigint, budget: Budget): CountFn {
  if (f.kind === "linear" && g.kind === "linear") return linear(f.slope + g.slope);
  if (f.kind === "linear" && f.slope === 0n) return g;
  if (g.kind === "linear" && g.slope === 0n) return f;
  const [a, b] = [lawOf(f), lawOf(g)];
  const period = lcm(a.period, b.period);
  const shape = budget.shape(BigInt(Math.max(a.start, b.start)), period, most, "a sum of batched steps");
  const values = valuesUpTo(a, shape.start + shape.period);
  const others = valuesUpTo(b, values.length);
  for (let m = 0; m < values.length; m++) values[m] = values[m]! + others[m]!;
  return build(values, shape, a.step * (period / BigInt(a.period)) + b.step * (period / BigInt(b.period)));
}

/** m ↦ k·f(m) */
export function times(f: CountFn, k: bigint): CountFn {
  if (k === 1n) return f;
  if (f.kind === "linear") return linear(f.slope * k);
  if (k === 0n) return ZERO_FN;
  return { ...f, values: f.values.map((v) => v * k), step: f.step * k };
}

/** m ↦ f(k·m) over 0..most (f's domain reaches k·most) */
export function scaleCount(f: CountFn, k: bigint, most: bigint, budget: Budget): CountFn {
  if (k === 1n) return f;
  if (f.kind === "linear") return linear(f.slope * k);
  const common = gcd(BigInt(f.period), k);
  const period = BigInt(f.period) / common;
  const shape = budget.shape((BigInt(f.start) + k - 1n) / k, period, most, "a count multiplied by variants");
  const values = new Array<bigint>(shape.start + shape.period);
  for (let m = 0; m < values.length; m++) values[m] = at(f, k * BigInt(m));
  return build(values, shape, f.step * (k / common));
}

/** a grows at least as fast as b on average (step per item) */
function steeperOrEqual(a: Law, b: Law): boolean {
  return a.step * BigInt(b.period) >= b.step * BigInt(a.period);
}

/**
 * Max-plus convolution: h(m) = max over a in 0..m of f(a) + g(m − a). This is a gate: a items pass
 * (worth f downstream), m − a are rejected (worth g).
 *
 * The lemma that keeps it short: let `hi` be the one that grows faster on average and L the least
 * common multiple of both periods. Moving L items from lo's share to hi's share, both past their
 * transients, adds hi's step over L and takes away lo's, never less. So some best split gives hi
 * fewer than hi.start items or lo fewer than lo.start + L items: a fixed set of candidates,
 * whatever m is (`Candidates`). And h is ultimately periodic again (`convolutionLaw`).
 */
export function splitMax(f: CountFn, g: CountFn, most: bigint, budget: Budget): CountFn {
  if (f.kind === "linear" && g.kind === "linear") return linear(larger(f.slope, g.slope));
  if (f.kind === "stepped" && g.kind === "linear") return againstLinear(f, g.slope, most, budget);
  if (f.kind === "linear" && g.kind === "stepped") return againstLinear(g, f.slope, most, budget);
  if (f.kind !== "stepped" || g.kind !== "stepped") throw new Error("internal: both sides are stepped here");
  const split = steeperOrEqual(f, g) ? new Candidates(f, g, budget) : new Candidates(g, f, budget);
  const [start, period] = convolutionLaw(split, most, budget);
  const shape = budget.shape(start, period, most, "a gate's split of batched steps");
  budget.spend((shape.start + shape.period) * split.width, "a gate's split of batched steps");
  const values = new Array<bigint>(shape.start + shape.period);
  for (let m = 0; m < values.length; m++) values[m] = split.best(m);
  return build(values, shape, split.hi.step * (period / BigInt(split.hi.period)));
}

/** The candidate splits of the lemma: hi takes a < hi.start items, or lo takes b < lo.start + L. */
class Candidates {
  /** lo's shares to weigh: lo.start + L */
  readonly span: number;
  readonly width: number;
  readonly L: bigint;
  /**
   * When hi grows by the same step every item past its transient (hi(a) = base + step·a), the best
   * of lo's window is lo's best of lo(b) − step·b so far, whatever m is: kept per b.
   */
  private readonly loLead: bigint[] | undefined;
  /** hi(a) − step·a past hi's transient, with `loLead` */
  private hiBase: bigint | undefined;

  constructor(
    readonly hi: Law,
    readonly lo: Law,
    budget: Budget,
  ) {
    this.L = lcm(hi.period, lo.period);
    budget.spend(BigInt(hi.start + lo.start) + this.L, "a gate's split of batched steps");
    this.span = lo.start + Number(this.L);
    this.width = hi.start + this.span;
    if (hi.period === 1) {
      this.loLead = new Array<bigint>(this.span);
      let lead = 0n;
      for (let b = 0; b < this.span; b++) this.loLead[b] = lead = larger(lead, valueAt(lo, b) - hi.step * BigInt(b));
      this.width = hi.start + 1;
    }
  }

  /** the best split where hi takes fewer than hi.start items; undefined when hi has no transient */
  fromHiTransient(m: number): bigint | undefined {
    let best: bigint | undefined;
    for (let a = 0; a < this.hi.start && a <= m; a++) {
      const v = valueAt(this.hi, a) + valueAt(this.lo, m - a);
      if (best === undefined || v > best) best = v;
    }
    return best;
  }

  /** the best split where lo takes fewer than lo.start + L items (and hi is past its transient) */
  fromLoWindow(m: number): bigint {
    if (this.loLead) {
      if (m < this.hi.start) return valueAt(this.hi, m); // every other split is hi's transient's
      this.hiBase ??= this.hi.values[this.hi.start]! - this.hi.step * BigInt(this.hi.start);
      return this.hiBase + this.hi.step * BigInt(m) + this.loLead[Math.min(this.span - 1, m - this.hi.start)]!;
    }
    let best = valueAt(this.hi, m);
    for (let b = 1; b < this.span && b <= m; b++) {
      const v = valueAt(this.hi, m - b) + valueAt(this.lo, b);
      if (v > best) best = v;
    }
    return best;
  }

  best(m: number): bigint {
    const a = this.fromHiTransient(m);
    const b = this.fromLoWindow(m);
    return a !== undefined && a > b ? a : b;
  }
}

/**
 * Where the convolution's law starts, and its period. From m0 = hi.start + lo.start + L on, h(m)
 * is max(A(m), B(m)): A (hi's share in its transient) grows by lo's step over L items, B (lo's
 * share in its window) by hi's step over hi's period. When both grow alike over L, h repeats
 * every L from m0; otherwise B wins for good after a number of periods found per residue, and h
 * repeats with hi's period from there.
 */
function convolutionLaw(split: Candidates, most: bigint, budget: Budget): [bigint, bigint] {
  const { hi, lo, L } = split;
  const m0 = BigInt(hi.start + lo.start) + L;
  if (m0 + L > most + 1n) return [m0, L]; // the whole domain is shorter: a table
  if (hi.start === 0) return [m0, BigInt(hi.period)];
  const growA = lo.step * (L / BigInt(lo.period));
  const growB = hi.step * (L / BigInt(hi.period));
  if (growA === growB) return [m0, L];
  budget.spend(L * BigInt(split.width), "a gate's split of batched steps");
  let periods = 0n;
  for (let r = 0; r < Number(L); r++) {
    const m = Number(m0) + r;
    const gap = split.fromHiTransient(m)! - split.fromLoWindow(m);
    if (gap > 0n) periods = larger(periods, (gap + growB - growA - 1n) / (growB - growA));
  }
  return [m0 + periods * L, BigInt(hi.period)];
}

/**
 * A gate with a linear side of slope s: h(m) = s·m + max over a ≤ m of (u(a) − s·a), a running
 * maximum. Past u's transient and one period, the running maximum stays put when u grows no
 * faster than s; otherwise it follows u's growth once that has overtaken u's transient.
 */
function againstLinear(u: Stepped, s: bigint, most: bigint, budget: Budget): CountFn {
  const lift = (m: number) => valueAt(u, m) - s * BigInt(m);
  const gain = u.step - s * BigInt(u.period);
  const [start, period] = runningMaxLaw(u, gain, lift, most, budget);
  const shape = budget.shape(start, period, most, "a gate's split of batched steps");
  budget.spend(shape.start + shape.period, "a gate's split of batched steps");
  const values = valuesUpTo(u, shape.start + shape.period);
  let best = 0n;
  let linearPart = 0n; // s·m
  for (let m = 0; m < values.length; m++, linearPart += s) {
    const v = values[m]! - linearPart;
    if (v > best) best = v;
    values[m] = best + linearPart;
  }
  return build(values, shape, gain > 0n ? u.step : s * period);
}

function runningMaxLaw(u: Stepped, gain: bigint, lift: (m: number) => bigint, most: bigint, budget: Budget): [bigint, bigint] {
  const settled = u.start + u.period - 1;
  if (gain <= 0n) return [BigInt(settled), 1n];
  if (BigInt(settled + u.period) > most + 1n) return [BigInt(settled), BigInt(u.period)]; // a table
  budget.spend(settled + u.period, "a gate's split of batched steps");
  let early: bigint | undefined;
  for (let a = 0; a < u.start; a++) early = early === undefined ? lift(a) : larger(early, lift(a));
  // Past `settled`, the maximum over u's own growth is at least lift(m): the law holds from once
  // that passes the transient's best (a start later than the first one is still a start).
  let periods = 0n;
  if (early !== undefined) {
    for (let r = 0; r < u.period; r++) {
      const behind = early - lift(settled + r);
      if (behind > 0n) periods = larger(periods, (behind + gain - 1n) / gain);
    }
  }
  return [BigInt(settled) + periods * BigInt(u.period), BigInt(u.period)];
}

const SAFE_COUNT = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The hi shares that attain the maximum among the lemma's candidates, in the order weighed: the
 * first `xs` shares, then m, m − 1, … for `bs` shares. With m a safe integer every share is one
 * too, and the values are read without a BigInt per index.
 */
function winningShares(hi: Law, lo: Law, m: number, xs: number, bs: number): bigint[] {
  let best: bigint | undefined;
  const winners: number[] = [];
  const his = valuesDown(hi, m, bs);
  const los = valuesUpTo(lo, bs);
  for (let k = 0; k < xs + bs; k++) {
    const x = k < xs ? k : m - (k - xs);
    const v = k < xs ? valueAt(hi, x) + valueAt(lo, m - x) : his[k - xs]! + los[k - xs]!;
    if (best === undefined || v > best) {
      best = v;
      winners.length = 0;
      winners.push(x);
    } else if (v === best) winners.push(x);
  }
  return winners.map((x) => BigInt(x));
}

function winningSharesOfAnyCount(hiFn: CountFn, loFn: CountFn, m: bigint, xs: number, bs: number): bigint[] {
  let best: bigint | undefined;
  let winners: bigint[] = [];
  const weigh = (x: bigint) => {
    const v = at(hiFn, x) + at(loFn, m - x);
    if (best === undefined || v > best) [best, winners] = [v, [x]];
    else if (v === best) winners.push(x);
  };
  for (let x = 0; x < xs; x++) weigh(BigInt(x));
  for (let b = 0; b < bs; b++) weigh(m - BigInt(b));
  return winners;
}

/** A pass share as an exact fraction: `numerator` / 10^places. */
export interface Rate {
  numerator: bigint;
  places: number;
}

/**
 * The split a gate takes in the witness for m items: one that attains the maximum, and among those
 * the one closest to the expected pass share (the smaller pass count on a tie), so the witness
 * reads like a plausible run. The maximizers are the best of the lemma's candidates and, when both
 * sides grow alike, those candidates moved down by multiples of L (which keeps the value).
 */
export function bestSplit(pass: CountFn, rejected: CountFn, m: bigint, rate: Rate): bigint {
  if (pass.kind === "linear" && rejected.kind === "linear" && pass.slope !== rejected.slope) return pass.slope > rejected.slope ? m : 0n;
  const closest = new Closest(m, rate);
  if (pass.kind === "linear" && rejected.kind === "linear") {
    closest.progression(0n, m, 1n);
    return closest.best!;
  }
  const passIsHi = steeperOrEqual(lawOf(pass), lawOf(rejected));
  const [hiFn, loFn] = passIsHi ? [pass, rejected] : [rejected, pass];
  const [hi, lo] = [lawOf(hiFn), lawOf(loFn)];
  const L = lcm(hi.period, lo.period);
  const asPass = (x: bigint) => (passIsHi ? x : m - x);
  // hi's share x: x < hi.start, or lo's share m − x < lo.start + L (each x once); both ranges
  // are within the limits, so they are counted in numbers
  const transient = BigInt(hi.start);
  const xs = m < transient ? Number(m) + 1 : hi.start;
  const window = BigInt(lo.start) + L;
  const room = m - transient + 1n; // lo's shares that leave hi at least hi.start items
  const bs = room <= 0n ? 0 : Number(room < window ? room : window);
  const winners = m <= SAFE_COUNT ? winningShares(hi, lo, Number(m), xs, bs) : winningSharesOfAnyCount(hiFn, loFn, m, xs, bs);
  const asSteep = hi.step * BigInt(lo.period) === lo.step * BigInt(hi.period);
  for (const x of winners) {
    closest.consider(asPass(x));
    if (!asSteep || m - x < BigInt(lo.start) || x - L < BigInt(hi.start)) continue;
    const lowest = x - ((x - BigInt(hi.start)) / L) * L;
    if (passIsHi) closest.progression(lowest, x, L);
    else closest.progression(m - x, m - lowest, L);
  }
  return closest.best!;
}

/** The pass count closest to rate·m among those considered; the smaller on a tie. */
class Closest {
  best: bigint | undefined;
  private distance = 0n;
  private readonly target: bigint;
  private readonly scale: bigint;

  constructor(
    private readonly m: bigint,
    rate: Rate,
  ) {
    this.scale = 10n ** BigInt(rate.places);
    this.target = rate.numerator * m;
  }

  consider(a: bigint): void {
    if (a < 0n || a > this.m) return;
    const d = this.target - a * this.scale;
    const distance = d < 0n ? -d : d;
    if (this.best === undefined || distance < this.distance || (distance === this.distance && a < this.best)) [this.best, this.distance] = [a, distance];
  }

  /** the closest of from, from + step, …, up to `to` */
  progression(from: bigint, to: bigint, step: bigint): void {
    const last = (to - from) / step;
    const near = (this.target / this.scale - from) / step;
    for (const k of [0n, near - 1n, near, near + 1n, last]) if (k >= 0n && k <= last) this.consider(from + k * step);
  }
}
