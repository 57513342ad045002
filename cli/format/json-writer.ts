// JSON text written by hand so that credits keep their exact decimal digits: a Decimal goes out as
// the number literal `902.2896`, never through a binary float (`JSON.stringify(902.2896)` would be
// safe here, but 0.1 + 0.2 or a 30-digit expected figure would not).
import type { Decimal } from "../../syntax/credits";
import { formatExact, formatRounded } from "../../syntax/credits";

/** A JSON number given by its literal text. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type JsonValue = string | number | bigint | boolean | null | JsonNumber | JsonValue[] | { [key: string]: JsonValue | undefined };

/** A worst-case figure: exact. */
export function exactNumber(value: Decimal): JsonNumber {
  return new JsonNumber(formatExact(value));
}

/** An expected figure or a share: rounded to 12 decimal places (contract, section 5). */
export function roundedNumber(value: Decimal): JsonNumber {
  return new JsonNumber(formatRounded(value, 12));
}

/** Like `JSON.stringify(value, null, 2)`, with JsonNumber written as its literal text. */
export function writeJson(value: JsonValue, indent = "  "): string {
  return write(value, indent, "");
}

function write(value: JsonValue, indent: string, outer: string): string {
  if (value instanceof JsonNumber) return value.text;
  if (typeof value === "bigint") return value.toString(); // a count, exact past 2^53
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const inner = outer + indent;
  const entries = Array.isArray(value)
    ? value.map((item) => write(item, indent, inner))
    : Object.entries(value)
        .filter((entry): entry is [string, JsonValue] => entry[1] !== undefined)
        .map(([key, item]) => `${JSON.stringify(key)}: ${write(item, indent, inner)}`);
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  if (entries.length === 0) return open + close;
  return `${open}\n${inner}${entries.join(`,\n${inner}`)}\n${outer}${close}`;
}
