// Credits are exact decimals. Prices are products of a few short decimals, exact at this
// precision; worst-case totals are summed in whole units (compiler/count-fn.ts `Units`), so they
// are exact at any size; expected figures keep 40 significant digits (the contract asks for 34).
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
