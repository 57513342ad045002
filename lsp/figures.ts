// How the editor shows credit figures: worst-case figures exact, expected ones rounded (they may
// carry many digits), shares as percentages with one decimal, as `flowc cost` shows them.
import type { RateProp } from "../syntax/ast";
import { type Decimal, formatRounded } from "../syntax/credits";

/** hover shows 12 places, like the totals of `flowc cost` */
export const EXPECTED_PLACES = 12;
/** inlay hints are short: enough for the contract's figures */
export const HINT_PLACES = 6;

export function percent(fraction: Decimal): string {
  return `${fraction.times(100).toDecimalPlaces(1).toFixed(1)}%`;
}

export function expectedText(value: Decimal, places = EXPECTED_PLACES): string {
  return formatRounded(value, places);
}

/** `4 credits per megapixel`, `1 credit per item`: a model's rate as written. */
export function rateText(rate: RateProp): string {
  return `${rate.amount.value} ${rate.amount.value === "1" ? "credit" : "credits"}${rate.units.map((u) => ` per ${u.unit}`).join("")}`;
}
