// Credits as whole numbers of one flow's smallest price unit: worst-case figures are sums of whole
// multiples of the flow's prices, so BigInts in units of 10^-scale credits hold them exactly, and
// far more cheaply than decimal objects.
import { Decimal } from "../../syntax/credits";

/** Converts between credits and the integer units of one flow (by digits, not arithmetic). */
export class Units {
  private readonly known = new Map<string, bigint>();
  /** most nodes share their price objects (a model's price at a resolution): no text for those */
  private readonly seen = new WeakMap<Decimal, bigint>();
  constructor(readonly scale: number) {}

  /** shared units of a scale, for callers that price one node at a time */
  static at(scale: number): Units {
    let units = SHARED.get(scale);
    if (!units) SHARED.set(scale, (units = new Units(scale)));
    return units;
  }

  /** the smallest scale at which every given figure is a whole number of units */
  static fitting(figures: Iterable<Decimal>): Units {
    let scale = 0;
    for (const f of figures) scale = Math.max(scale, f.decimalPlaces());
    return Units.at(scale);
  }

  of(credits: Decimal): bigint {
    let units = this.seen.get(credits);
    if (units !== undefined) return units;
    const text = credits.toFixed();
    units = this.known.get(text);
    if (units === undefined) {
      units = scaledDigits(text, this.scale);
      this.known.set(text, units);
    }
    this.seen.set(credits, units);
    return units;
  }

  credits(units: bigint): Decimal {
    return new Decimal(decimalText(units, this.scale));
  }

  /** a/b as a decimal fraction with 12 places (shares) */
  static ratio(a: bigint, b: bigint): Decimal {
    if (b === 0n) return new Decimal(0);
    return new Decimal(decimalText((a * 10n ** 12n) / b, 12));
  }
}

const SHARED = new Map<number, Units>();

/** Decimal text ("12.5", "-0.25") as an integer of 10^-scale units; the text has at most `scale` places. */
export function scaledDigits(text: string, scale: number): bigint {
  const point = text.indexOf(".");
  if (point < 0) return BigInt(text) * 10n ** BigInt(scale);
  const fraction = text.slice(point + 1);
  return BigInt(text.slice(0, point) + fraction.padEnd(scale, "0"));
}

/** An integer of 10^-scale units as exact decimal text, trailing zeros dropped. */
export function decimalText(units: bigint, scale: number): string {
  if (scale === 0) return units.toString();
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const point = digits.length - scale;
  const fraction = digits.slice(point).replace(/0+$/, "");
  return `${negative ? "-" : ""}${digits.slice(0, point)}${fraction ? `.${fraction}` : ""}`;
}
