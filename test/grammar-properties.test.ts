// Fuzzed invariants of the front end: `parse` never throws and never fails internally, on any
// string and on the samples with their tokens deleted, duplicated and swapped; every range it
// returns lies in the text and agrees with its offsets; no AST field is left undefined.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { parse } from "../grammar/index";
import { expectSoundResult, GRAMMAR_SAMPLES, readSample, tokenPieces } from "./grammar-helpers";

function expectParses(text: string): void {
  let result: ReturnType<typeof parse> | undefined;
  expect(() => {
    result = parse(text);
  }).not.toThrow();
  if (result !== undefined) expectSoundResult(result, text);
}

/** A sample cut into pieces: each token with the whitespace and comments before it. */
const pieces = (sample: string) => tokenPieces(readSample(sample));

type Mutation = { kind: "delete" | "duplicate" | "swap"; at: number; other: number };

function mutate(original: string[], mutations: Mutation[]): string {
  const cut = [...original];
  for (const { kind, at, other } of mutations) {
    const i = at % cut.length;
    const j = other % cut.length;
    if (kind === "delete") cut.splice(i, 1);
    else if (kind === "duplicate") cut.splice(i, 0, cut[i]);
    else [cut[i], cut[j]] = [cut[j], cut[i]];
    if (cut.length === 0) break;
  }
  return cut.join("");
}

const mutation = fc.record({
  kind: fc.constantFrom<Mutation["kind"]>("delete", "duplicate", "swap"),
  at: fc.nat(),
  other: fc.nat(),
});

/** Fragments that make token soups close to real flows. */
const FRAGMENTS = [
  ...["flow", "input", "model", "op", "node", "gate", "review", "select", "budget", "output", "import"],
  ...["rate", "per", "credits", "megapixel", "cache", "ttl", "expect", "pass", "else", "retry", "up", "to", "by", "human"],
  ...["x", "y", ".rejected", "image", "{", "}", "(", ")", "[", "]", ",", ":", ".", "..", "=", ">=", "<"],
  ...["1", "0.5", "1_000", "30%", "48h", "1024x1024", '"s"', '"\\q"', '"open', "//c\n", "/*c*/", "/*", "@", " ", "\n"],
];

describe("parse never throws", () => {
  test("on arbitrary ASCII", () => {
    fc.assert(fc.property(fc.string({ unit: "binary-ascii", maxLength: 200 }), expectParses), { numRuns: 500 });
  });

  test("on arbitrary Unicode", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 200 }), expectParses), { numRuns: 300 });
  });

  test("on soups of flow tokens", () => {
    const soup = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 80 }).map((parts) => parts.join(" "));
    fc.assert(fc.property(soup, expectParses), { numRuns: 500 });
  });

  test.each(GRAMMAR_SAMPLES)("on %s with tokens deleted, duplicated or swapped", (sample) => {
    const cut = pieces(sample);
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => expectParses(mutate(cut, mutations))),
      { numRuns: 150 },
    );
  });
});

describe("error recovery", () => {
  test.each(GRAMMAR_SAMPLES)("deleting any one token of %s is reported and loses at most one declaration", (sample) => {
    const cut = pieces(sample);
    const whole = parse(cut.join("")).ast.flow?.decls.length ?? 0;
    // The first two tokens are `flow NAME`: without them there is no flow to keep.
    for (let at = 2; at < cut.length - 1; at++) {
      const result = parse(mutate(cut, [{ kind: "delete", at, other: 0 }]));
      const decls = result.ast.flow?.decls.length ?? 0;
      // Either the mistake is reported, or the token was optional (`stable`, a property, ...).
      if (result.diagnostics.length === 0) expect(decls).toBe(whole);
      expect(decls, `deleting token ${at}: ${JSON.stringify(cut[at])}`).toBeGreaterThanOrEqual(whole - 1);
    }
  });

  test("duplicating a brace loses no declaration", () => {
    const cut = pieces("campaign.flow");
    const whole = parse(cut.join("")).ast.flow?.decls.length;
    cut.forEach((piece, at) => {
      if (!/[{}]$/.test(piece)) return;
      const result = parse(mutate(cut, [{ kind: "duplicate", at, other: 0 }]));
      expect(result.diagnostics).toHaveLength(1);
      expect(result.ast.flow?.decls.length).toBe(whole);
    });
  });
});
