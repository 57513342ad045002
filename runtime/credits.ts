// Credits at run time: exact decimals, the same settings as the compiler's (the runtime may not
// import the compiler, since generated modules import the runtime alone).
import DecimalBase from "decimal.js";

export const Decimal = DecimalBase.clone({ precision: 100, rounding: DecimalBase.ROUND_HALF_EVEN, toExpNeg: -1000, toExpPos: 1000 });
export type Decimal = InstanceType<typeof Decimal>;

export const ZERO = new Decimal(0);

/** A credit figure from a graph, a record or a user (`"1_000"`, `900`). */
export function credits(value: string | number | Decimal): Decimal {
  if (typeof value === "string") return new Decimal(value.replace(/_/g, ""));
  return new Decimal(value);
}

/** Exact decimal text, never exponent notation ("902.2896", "35"). */
export function exact(value: Decimal): string {
  return value.toFixed();
}
