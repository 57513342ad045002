// The one rule for numbers that people read and JSON carries, wherever they are shown — `flowc
// cost`, `check`, `diff`, `report`, `calibrate`, lint messages, hover and inlay hints:
//
// - figures that are sums of prices (worst case, cap, alert, spend of a run, a simulated run's
//   spend) are exact: all their digits, never rounded;
// - expected figures (they carry probabilities, so may have many digits) are rounded to 12 decimal
//   places, the same in text and JSON, tables included;
// - statistical estimates (the mean and standard error of simulated runs, histogram bounds) to 4;
// - one rounding mode for all of them, half up (away from zero on a tie), as people round;
// - percentages in text have one decimal (`46.5%`, `100.0%`); a share that is not 0 or 100% but
//   would round to it reads `<0.1%` or `>99.9%`; shares, rates and relative changes in JSON are
//   fractions of 1 (`0.465`), rounded like expected figures;
// - signs are ASCII: `+12.5`, `-4` (U+2212 would break grep and spreadsheets);
// - witness rounds are numbered from 1 wherever they are shown (the analysis counts from 0).
//
// A leaf: decimal.js only, so that the runtime's report can follow the same rule.
import DecimalBase from "decimal.js";

/** What the rule needs of a decimal: either of flowc's `Decimal` clones (compiler's or runtime's). */
type Decimal = DecimalBase;

export const ROUNDING = DecimalBase.ROUND_HALF_UP;
export const EXPECTED_PLACES = 12;
export const ESTIMATE_PLACES = 4;

/** At most `places` decimals, half up, trailing zeros dropped, never `-0`. */
export function roundedText(value: Decimal, places: number): string {
  const text = value.toDecimalPlaces(places, ROUNDING).toFixed();
  return text === "-0" ? "0" : text;
}

/** A worst-case figure, cap, alert or spend: exact, never exponent notation ("902.2896", "35"). */
export function exactText(value: Decimal): string {
  return value.toFixed();
}

/** An expected figure: 12 decimal places at most ("272.0257216"). */
export function expectedText(value: Decimal): string {
  return roundedText(value, EXPECTED_PLACES);
}

/** A statistical estimate (a simulation's mean): 4 decimal places at most. */
export function estimateText(value: Decimal): string {
  return roundedText(value, ESTIMATE_PLACES);
}

/** "1 credit", "2.5 credits" around a figure's text. */
export function creditsText(figure: string): string {
  return `${figure} ${figure === "1" ? "credit" : "credits"}`;
}

/** A fraction of 1 as a percentage with one decimal: 0.465 → "46.5%"; 0.0001 → "<0.1%". */
export function percentText(fraction: Decimal): string {
  const percent = fraction.times(100);
  const text = percent.abs().toDecimalPlaces(1, ROUNDING).toFixed(1);
  if (text === "0.0" && !percent.isZero()) return percent.isNegative() ? ">-0.1%" : "<0.1%";
  if (text === "100.0" && percent.abs().lt(100)) return percent.isNegative() ? "<-99.9%" : ">99.9%";
  return `${percent.isNegative() ? "-" : ""}${text}%`;
}

/** A percentage as a number to write into a flow (`expect pass 93.5%`): one decimal at most, half up. */
export function percentValue(fraction: Decimal): Decimal {
  return fraction.times(100).toDecimalPlaces(1, ROUNDING);
}

/** "+12.5", "-4", "0": a change, with its sign in ASCII. */
export function signedText(value: Decimal, figure: (magnitude: Decimal) => string): string {
  const text = figure(value.abs());
  if (text === "0") return "0";
  return `${value.isNegative() ? "-" : "+"}${text}`;
}

/** "+3.1%", "-1.2%", "0%": a relative change (a fraction of 1) with its sign in ASCII. */
export function signedPercentText(ratio: Decimal): string {
  const text = percentText(ratio.abs());
  if (text === "0.0%") return "0%";
  return `${ratio.isNegative() ? "-" : "+"}${text}`;
}

/** A share, rate or relative change in JSON: a fraction of 1, rounded like an expected figure. */
export function fractionText(fraction: Decimal): string {
  return expectedText(fraction);
}

/** How a witness round is numbered wherever it is shown: the analysis's round 0 is round 1. */
export function roundNumber(index: number): number {
  return index + 1;
}
