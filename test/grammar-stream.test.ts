// The parser reads its tokens from a stream that lexes them as it goes and lets go of those it has
// passed (grammar/token-stream.ts). With windows far smaller than the real one — a token lexed at a
// time, two kept behind — every chunk boundary and every drop is exercised: the parse must be the
// parse of all the tokens at once, errors and recovery included.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { IToken } from "chevrotain";
import { AstBuilder } from "../grammar/ast-builder";
import { lex } from "../grammar/lexer";
import { flowParser } from "../grammar/parser";
import { ListDepthFilter, MAX_LIST_DEPTH, type Window } from "../grammar/token-stream";
import { GRAMMAR_SAMPLES, readSample, tokenPieces } from "./grammar-helpers";

interface Outcome {
  ast: unknown;
  errors: { message: string; offset: number }[];
  diagnostics: unknown[];
}

function outcome(text: string, tokens: IToken[] | Window): Outcome {
  const parser = flowParser();
  const builder = new AstBuilder(text);
  const { file, errors } = parser.parseTokens(Array.isArray(tokens) ? tokens : parser.streamOf(text, tokens), builder);
  return { ast: file, errors: errors.map((e) => ({ message: e.message, offset: e.token.startOffset })), diagnostics: builder.diagnostics };
}

/** The tokens the parser reads, all at once: the text's, without lists nested too deep. */
function allTokens(text: string): IToken[] {
  const tokens = lex(text).tokens;
  new ListDepthFilter().keep(tokens, 0, 0);
  return tokens;
}

function expectSameParse(text: string, window: Window): void {
  expect(outcome(text, window)).toEqual(outcome(text, allTokens(text)));
}

const windows = fc.record({ chunk: fc.integer({ min: 1, max: 4 }), behind: fc.integer({ min: 1, max: 3 }) });

/** A sample with a few of its tokens deleted, duplicated or moved. */
function mutated(sample: string) {
  const pieces = tokenPieces(readSample(sample));
  const edit = fc.record({ at: fc.nat(pieces.length - 1), to: fc.nat(pieces.length - 1), kind: fc.constantFrom("delete", "duplicate", "move") });
  return fc.array(edit, { maxLength: 4 }).map((edits) => {
    const cut = [...pieces];
    for (const { at, to, kind } of edits) {
      if (at >= cut.length) continue;
      const [piece] = kind === "duplicate" ? [cut[at]!] : cut.splice(at, 1);
      if (kind !== "delete") cut.splice(Math.min(to, cut.length), 0, piece!);
    }
    return cut.join("");
  });
}

describe("the streamed parse is the parse of all the tokens at once", () => {
  test.each(GRAMMAR_SAMPLES)("on %s, as written and with tokens deleted, duplicated or moved", (sample) => {
    fc.assert(fc.property(mutated(sample), windows, expectSameParse), { numRuns: 40 });
  });

  test("on soups of flow tokens", () => {
    const words = ["flow", "f", "{", "}", "node", "n", "=", "tag", "(", ")", "x", "gate", "g", "x.score", ">=", "0.5", "model", "m", "cost", "1", "credits", "[", "]", ",", '"s"', '"open', "@", "//c\n", "output", "budget", "cap"];
    const soup = fc.array(fc.constantFrom(...words), { maxLength: 60 }).map((parts) => parts.join(" "));
    fc.assert(fc.property(soup, windows, expectSameParse), { numRuns: 300 });
  });

  test("with lists nested too deep, across chunks", () => {
    const nested = (depth: number) => "[".repeat(depth) + "1" + "]".repeat(depth);
    const flow = fc
      .array(fc.integer({ min: MAX_LIST_DEPTH - 2, max: MAX_LIST_DEPTH + 3 }), { minLength: 1, maxLength: 3 })
      .map((depths) => `flow f {\n  input a: text\n${depths.map((d, i) => `  node n${i} = tag(a) { param p = ${nested(d)} }\n`).join("")}  output a\n}\n`);
    fc.assert(fc.property(flow, windows, expectSameParse), { numRuns: 40 });
  });
});
