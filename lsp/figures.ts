// How the editor shows credit figures: by the one rule of syntax/figures.ts, as `flowc cost` and
// `flowc report` show them — worst-case figures exact, expected ones to 12 places (hover and inlay
// hints alike), shares as percentages with one decimal.
import type { RateProp } from "../syntax/ast";
export { expectedText, percentText as percent } from "../syntax/figures";

/** `4 credits per megapixel`, `1 credit per item`: a model's rate as written. */
export function rateText(rate: RateProp): string {
  return `${rate.amount.value} ${rate.amount.value === "1" ? "credit" : "credits"}${rate.units.map((u) => ` per ${u.unit}`).join("")}`;
}
