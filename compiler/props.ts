// Shared property handling for the model builder: repeated properties and value ranges (FLOW212).
import type { DurationLit, NumberLit, PercentLit, Range } from "../syntax/ast";
import { Decimal, dec } from "../syntax/credits";
import { exactShift } from "./pricing/prices";
import { diag, type Diagnostic } from "../syntax/diagnostics";

/** Keep the first property of each key; every repeat is a FLOW212 on the repeat. */
export function firstOfEach<P extends { range: Range }>(
  props: readonly P[],
  key: (prop: P) => string,
  owner: string,
  sink: Diagnostic[],
): Map<string, P> {
  const first = new Map<string, P>();
  for (const prop of props) {
    const k = key(prop);
    const earlier = first.get(k);
    if (earlier) sink.push(givenTwice(k, owner, earlier, prop));
    else first.set(k, prop);
  }
  return first;
}

/**
 * The same as a list, for the few properties of one stream: no map per declaration (the model
 * builder's hot path), and `owner` worked out only for a repeat.
 */
export function keptProps<P extends { range: Range }>(props: readonly P[], key: (prop: P) => string, owner: () => string, sink: Diagnostic[]): readonly P[] {
  if (props.length <= 1) return props;
  const keys: string[] = [];
  const kept: P[] = [];
  for (const prop of props) {
    const k = key(prop);
    const at = keys.indexOf(k);
    if (at >= 0) sink.push(givenTwice(k, owner(), kept[at]!, prop));
    else {
      keys.push(k);
      kept.push(prop);
    }
  }
  return kept;
}

function givenTwice(key: string, owner: string, earlier: { range: Range }, repeat: { range: Range }): Diagnostic {
  return diag("FLOW212", `'${key}' is given twice in ${owner} (first on line ${earlier.range.start.line})`, repeat.range);
}

export interface Bounds {
  min: number;
  max?: number;
}

/** A whole number within bounds, or undefined after a FLOW212 on the value. */
export function wholeNumber(lit: NumberLit, what: string, bounds: Bounds, sink: Diagnostic[]): number | undefined {
  const problem = !/^\d+$/.test(lit.value)
    ? "must be a whole number"
    : dec(lit.value).lt(bounds.min)
      ? `must be at least ${bounds.min}`
      : bounds.max !== undefined && dec(lit.value).gt(bounds.max)
        ? `must be at most ${bounds.max}`
        : undefined;
  if (problem) {
    sink.push(diag("FLOW212", `${what} ${lit.value} ${problem}`, lit.range));
    return undefined;
  }
  return Number(lit.value);
}

/** `85%` → 0.85; above 100% is a FLOW212. */
export function fraction(lit: PercentLit, what: string, sink: Diagnostic[]): Decimal | undefined {
  const value = dec(lit.value);
  if (value.gt(100)) {
    sink.push(diag("FLOW212", `${what} ${lit.value}% is above 100%`, lit.range));
    return undefined;
  }
  return exactShift(value, 2);
}

/** A duration in seconds that must be longer than 0. */
export function positiveSeconds(lit: DurationLit, what: string, sink: Diagnostic[]): Decimal | undefined {
  const seconds = dec(lit.seconds);
  if (seconds.lte(0)) {
    sink.push(diag("FLOW212", `${what} must be longer than 0`, lit.range));
    return undefined;
  }
  return seconds;
}
