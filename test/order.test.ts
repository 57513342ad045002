// One order of text in every output, the runtime's included: by Unicode code point (syntax/order.ts)
// — not by locale (`localeCompare`), not by UTF-16 code unit.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { compareCodePoints } from "../syntax/order";

/** The reference: compare the arrays of code points. */
function byArrays(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

// characters around the places where code point and code unit orders part: below and above the
// surrogates, and astral ones (stored as surrogate pairs)
const text = fc.array(fc.constantFrom("a", "Z", "z", "é", "\ud7ff", "\ue000", "\uffff", "𐀀", "😀", "\u{10ffff}"), { maxLength: 6 }).map((cs) => cs.join(""));

describe("code point order", () => {
  test("compareCodePoints orders as the code points do", () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(byArrays(a, b)));
      }),
      { numRuns: 2000 },
    );
  });

  test("U+10000 and above come after U+E000–U+FFFF, unlike in UTF-16 order", () => {
    expect(["😀", "\uffff", "z", "Z"].sort(compareCodePoints)).toEqual(["Z", "z", "\uffff", "😀"]);
  });
});
