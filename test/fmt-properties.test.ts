// Fuzzed invariants of the formatter, on every sample and on generated flows, each also with spaces,
// line breaks, `// c` and `/* c */` comments inserted between random tokens: formatting succeeds,
// formatting again changes nothing, and the formatted text parses to the same AST (ranges aside),
// has the same comments in the same order, and prices to the same worst case and expected spend.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { formatFlow } from "../compiler/format/index";
import { parse } from "../grammar/index";
import { arbitrarySpec, specToFlow } from "./helpers/random-flows";
import { FMT_SAMPLES, commentTexts, figures, fillerChoices, insertFillers, readSampleText, samplePath, stripRanges } from "./fmt-helpers";

/** Every invariant, for a text that parses; `file` resolves its imports. */
function expectInvariants(file: string, text: string): void {
  const first = formatFlow(text);
  expect(first.diagnostics).toEqual([]);
  expect(formatFlow(first.text).text, "formatting twice changes more").toBe(first.text);
  expect(stripRanges(parse(first.text).ast)).toEqual(stripRanges(parse(text).ast));
  expect(commentTexts(first.text)).toEqual(commentTexts(text));
  expect(figures(file, first.text)).toEqual(figures(file, text));
}

describe.each(FMT_SAMPLES)("%s", (sample) => {
  const text = readSampleText(sample);

  test("keeps every invariant as it is", () => {
    expectInvariants(samplePath(sample), text);
    // A flow is priced, so the figures compared are real ones; a price list has none.
    if (!sample.startsWith("models/")) expect(figures(samplePath(sample), text).join()).not.toContain("not priced");
  });

  test("keeps every invariant with whitespace and comments inserted between tokens", () => {
    fc.assert(
      fc.property(fillerChoices, (choices) => expectInvariants(samplePath(sample), insertFillers(text, choices))),
      { numRuns: 25 },
    );
  });
});

describe("generated flows", () => {
  test("keep every invariant", () => {
    fc.assert(
      fc.property(arbitrarySpec, (spec) => expectInvariants("random.flow", specToFlow(spec))),
      { numRuns: 60 },
    );
  });

  test("keep every invariant with whitespace and comments inserted between tokens", () => {
    fc.assert(
      fc.property(arbitrarySpec, fillerChoices, (spec, choices) => expectInvariants("random.flow", insertFillers(specToFlow(spec), choices))),
      { numRuns: 60 },
    );
  });
});

describe("the fillers", () => {
  test("do change the text, so the invariants above are tested on more than canonical input", () => {
    const text = readSampleText("split_batches.flow");
    const filled = insertFillers(text, Array.from({ length: 200 }, (_, i) => i));
    expect(filled).not.toBe(text);
    expect(parse(filled).diagnostics).toEqual([]);
    expect(formatFlow(filled).text).not.toBe(filled);
    expect(commentTexts(filled).length).toBeGreaterThan(commentTexts(text).length);
  });
});
