// The price of one output of a model: rate × each `per` unit at the node's resolution and
// duration. Products of terminating decimals terminate, so prices are multiplied exactly, digit
// for digit, however many digits the rate has (decimal.js would round at its precision).
import { Decimal, ONE } from "../../syntax/credits";
import type { ModelInfo } from "../model";
import { decimalText, scaledDigits } from "./units";

export interface Resolution {
  width: number;
  height: number;
}

/** a × b without rounding */
export function exactTimes(a: Decimal, b: Decimal): Decimal {
  if (a.isZero() || b.isZero()) return new Decimal(0);
  const [x, y] = [a.decimalPlaces(), b.decimalPlaces()];
  return new Decimal(decimalText(scaledDigits(a.toFixed(), x) * scaledDigits(b.toFixed(), y), x + y));
}

/** value × 10^-places without rounding (a percent of a cap, pixels as megapixels) */
export function exactShift(value: Decimal, places: number): Decimal {
  const scale = value.decimalPlaces();
  return new Decimal(decimalText(scaledDigits(value.toFixed(), scale), scale + places));
}

const MEGAPIXELS = new Map<string, Decimal>();

/** width × height / 1,000,000 */
export function megapixels(r: Resolution): Decimal {
  const key = `${r.width}x${r.height}`;
  let mp = MEGAPIXELS.get(key);
  if (!mp) MEGAPIXELS.set(key, (mp = exactShift(new Decimal((BigInt(r.width) * BigInt(r.height)).toString()), 6)));
  return mp;
}

/** What a model's units are measured against: the node's resolution and duration, when it has them. */
export interface PriceBasis {
  resolution?: Resolution;
  durationSeconds?: Decimal;
}

/** The figure of one `per` unit, or undefined when the node lacks it (FLOW206). */
export function unitFigure(unit: ModelInfo["units"][number], basis: PriceBasis): Decimal | undefined {
  if (unit === "item") return ONE;
  if (unit === "megapixel") return basis.resolution && megapixels(basis.resolution);
  return basis.durationSeconds;
}

/**
 * What a price depends on: the figures of the model's own units. Most models are priced per item:
 * their nodes share one entry without making a key string each (a large flow's thousands of nodes).
 */
function priceKey(model: ModelInfo, basis: PriceBasis): string {
  const perMegapixel = model.units.includes("megapixel");
  const perSecond = model.units.includes("second");
  if (!perMegapixel && !perSecond) return "-";
  const resolution = perMegapixel && basis.resolution ? `${basis.resolution.width}x${basis.resolution.height}` : "-";
  return `${resolution}|${perSecond ? (basis.durationSeconds?.toFixed() ?? "-") : "-"}`;
}

// Many nodes share a model and a resolution: their prices are worked out once per model.
const PRICES = new WeakMap<ModelInfo, Map<string, Decimal | null>>();

/** The model's price of one output; undefined when a unit's figure is missing. */
export function outputPrice(model: ModelInfo, basis: PriceBasis): Decimal | undefined {
  const key = priceKey(model, basis);
  let known = PRICES.get(model);
  if (!known) PRICES.set(model, (known = new Map()));
  let price = known.get(key);
  if (price === undefined) {
    price = model.rate;
    for (const unit of model.units) {
      const figure = unitFigure(unit, basis);
      price = figure && price ? exactTimes(price, figure) : null;
    }
    known.set(key, price);
  }
  return price ?? undefined;
}
