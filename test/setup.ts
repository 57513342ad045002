// Registered for every test file (vitest.config.ts). The AST's ranges are `TextRange`s, which hold
// offsets and a line map and work out lines and columns when read (syntax/lines.ts): compared
// field by field they would differ on the line map's cache and equal any range of any other text
// at the same offsets. Tests compare them as what they read as, a plain `{ start, end }`.
import { expect } from "vitest";
import { plainRange, TextRange } from "../syntax/lines";

expect.addEqualityTesters([
  function rangesAsRead(a: unknown, b: unknown, testers) {
    if (!(a instanceof TextRange) && !(b instanceof TextRange)) return undefined;
    return this.equals(asRead(a), asRead(b), testers);
  },
]);

function asRead(value: unknown): unknown {
  return value instanceof TextRange ? plainRange(value) : value;
}
