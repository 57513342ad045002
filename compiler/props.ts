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
 * builder's hot path), and `owner(of)` worked out only for a repeat (a closure made for each
 * declaration would allocate its scope each time).
 */
export function keptProps<P extends { range: Range }, O>(props: readonly P[], key: (prop: P) => string, owner: (of: O) => string, of: O, sink: Diagnostic[]): readonly P[] {
  if (props.length <= 1) return props;
  const keys: string[] = [];
  const kept: P[] = [];
  for (const prop of props) {
    const k = key(prop);
    const at = keys.indexOf(k);
    if (at >= 0) sink.push(givenTwice(k, owner(of), kept[at]!, prop));
    else {
      keys.push(k);
      kept.push(prop);
    }
  }
  return kept;
}

export function givenTwice(key: string, owner: string, earlier: { range: Range }, repeat: { range: Range }): Diagnostic {
  return diag("FLOW212", `'${key}' is given twice in ${owner} (first on line ${earlier.range.start.line})`, repeat.range);
}

export interface Bounds {
  min: number;
  max?: number;
}

/**
 * A whole number within bounds, or undefined after a FLOW212 on the value. Without a maximum of
 * its own, a number is at most 2^53 − 1, where JavaScript numbers stop being exact: the limit is
 * named rather than a figure silently off.
 */
export function wholeNumber(lit: NumberLit, what: string, bounds: Bounds, sink: Diagnostic[]): number | undefined {
  const text = lit.value;
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  // up to 15 digits a number is exact as it is; longer ones are compared as decimals first
  const tooLarge = text.length <= 15 ? Number(text) > max : dec(text).gt(max);
  const problem = !/^\d+$/.test(text) ? "must be a whole number" : tooLarge ? `must be at most ${max}` : Number(text) < bounds.min ? `must be at least ${bounds.min}` : undefined;
  if (problem) {
    sink.push(diag("FLOW212", `${what} ${text} ${problem}`, lit.range));
    return undefined;
  }
  return Number(text);
}

// Flows repeat the same few literals (thresholds, rates, prices): each becomes one decimal.
const LITERALS = new Map<string, Decimal>();
const FRACTIONS = new Map<string, Decimal>();

function remember(cache: Map<string, Decimal>, text: string, value: Decimal): Decimal {
  if (cache.size >= 10_000) cache.clear(); // a language server sees many texts: stay bounded
  cache.set(text, value);
  return value;
}

/** A decimal literal of the flow (`0.5`, `1_000`) as a decimal, shared between equal texts. */
export function literal(text: string): Decimal {
  return LITERALS.get(text) ?? remember(LITERALS, text, dec(text));
}

const HUNDRED = dec(100);

/** `85%` → 0.85; above 100% is a FLOW212. */
export function fraction(lit: PercentLit, what: string, sink: Diagnostic[]): Decimal | undefined {
  const known = FRACTIONS.get(lit.value); // only fractions up to 100% are kept
  if (known) return known;
  const value = literal(lit.value);
  if (value.gt(HUNDRED)) {
    sink.push(diag("FLOW212", `${what} ${lit.value}% is above 100%`, lit.range));
    return undefined;
  }
  return remember(FRACTIONS, lit.value, exactShift(value, 2));
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
