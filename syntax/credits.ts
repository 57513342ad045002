// Credits are exact decimals. Prices are multiplied digit for digit (compiler/pricing/prices.ts),
// worst-case figures are summed in whole units (compiler/pricing/units.ts), so both are exact at
// any size; expected figures are fixed point with 48 decimals (compiler/pricing/expected.ts).
// Arithmetic on these objects rounds to 40 significant digits: `exactSum` and `exactDifference`
// keep every digit where a worst-case figure is involved.
import DecimalBase from "decimal.js";
import { EXPECTED_PLACES, exactText, roundedText } from "./figures";

export const Decimal = DecimalBase.clone({ precision: 40, rounding: DecimalBase.ROUND_HALF_EVEN, toExpNeg: -1000, toExpPos: 1000 });
export type Decimal = InstanceType<typeof Decimal>;

export const ZERO = new Decimal(0);
export const ONE = new Decimal(1);

/** Decimal text as written in a flow (`1_000`, `0.5`). */
export function dec(text: string | number): Decimal {
  return new Decimal(typeof text === "string" ? text.replace(/_/g, "") : text);
}

/** Exact decimal text, never exponent notation, no trailing zeros ("902.2896", "35"): syntax/figures.ts's rule. */
export function formatExact(value: Decimal): string {
  return exactText(value);
}

/** Rounded for display or JSON: at most `places` decimals (default: an expected figure's 12), as syntax/figures.ts rounds. */
export function formatRounded(value: Decimal, places = EXPECTED_PLACES): string {
  return roundedText(value, places);
}

export function sum(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}

// Sums and differences of decimals are exact at as many digits as their operands have; decimal.js
// would round them to `precision`. Worst-case figures (a headroom, a change) must keep them all.
const Wide = DecimalBase.clone({ precision: 1e9, rounding: DecimalBase.ROUND_HALF_EVEN, toExpNeg: -1000, toExpPos: 1000 });

/** a − b, every digit kept */
export function exactDifference(a: Decimal, b: Decimal): Decimal {
  return new Decimal(new Wide(a).minus(new Wide(b)).toFixed());
}

/** the sum, every digit kept */
export function exactSum(values: Iterable<Decimal>): Decimal {
  let total = new Wide(0);
  for (const v of values) total = total.plus(new Wide(v));
  return new Decimal(total.toFixed());
}
