// The lexer: literal forms are never split, keywords are names wherever a name is expected, and
// comments go to their own group.
import { Lexer, tokenMatcher, type IToken } from "chevrotain";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { lex } from "../grammar/lexer";
import * as T from "../grammar/tokens";

function kinds(text: string): string[] {
  return lex(text).tokens.map((token) => `${token.tokenType.name} ${token.image}`);
}

describe("literals", () => {
  test.each([
    ["1_000", "IntegerLit 1_000"],
    ["0.5", "DecimalLit 0.5"],
    ["30%", "PercentLit 30%"],
    ["12.5%", "PercentLit 12.5%"],
    ["1024x1024", "ResolutionLit 1024x1024"],
    ["500ms", "DurationLit 500ms"],
    ["90s", "DurationLit 90s"],
    ["15m", "DurationLit 15m"],
    ["48h", "DurationLit 48h"],
    ["30d", "DurationLit 30d"],
    ["2w", "DurationLit 2w"],
    ['"a \\"quoted\\" \\u00e9"', 'StringLiteral "a \\"quoted\\" \\u00e9"'],
  ])("%s is one token", (text, expected) => {
    expect(kinds(text)).toEqual([expected]);
  });

  test("a range is a number, '..' and a number", () => {
    expect(kinds("10..50")).toEqual(["IntegerLit 10", "DotDot ..", "IntegerLit 50"]);
    expect(kinds("0..0.5")).toEqual(["IntegerLit 0", "DotDot ..", "DecimalLit 0.5"]);
  });

  test("a unit glued to more letters is not a duration", () => {
    expect(kinds("5min")).toEqual(["IntegerLit 5", "Identifier min"]);
  });

  test("punctuation and comparisons", () => {
    expect(kinds("{}()[],:.=>=><=<").map((k) => k.split(" ")[0])).toEqual([
      ...["LCurly", "RCurly", "LParen", "RParen", "LBracket", "RBracket", "Comma", "Colon", "Dot", "Equals"],
      ...["GreaterEq", "Greater", "LessEq", "Less"],
    ]);
  });

  test("every number form belongs to the number category", () => {
    for (const token of lex("12 0.5").tokens) expect(tokenMatcher(token, T.NumberLit)).toBe(true);
  });
});

describe("keywords", () => {
  test("are keywords and names at once", () => {
    const [video, model, final] = lex("video model final").tokens;
    expect(video.tokenType).toBe(T.Video);
    expect(model.tokenType).toBe(T.Model);
    expect(final.tokenType).toBe(T.Identifier);
    for (const token of [video, model, final]) expect(tokenMatcher(token, T.Identifier)).toBe(true);
    expect(tokenMatcher(video, T.MediaTypeKw)).toBe(true);
  });

  test("only whole words are keywords", () => {
    expect(kinds("videos batchable batch modeled")).toEqual([
      "Identifier videos",
      "Kw_batchable batchable",
      "Kw_batch batch",
      "Identifier modeled",
    ]);
  });

  test("credit and credits are one keyword", () => {
    const [one, many] = lex("credit credits").tokens;
    expect(one.tokenType).toBe(T.Credits);
    expect(many.tokenType).toBe(T.Credits);
  });

  test("every keyword maps from its text", () => {
    for (const keyword of T.KEYWORDS) {
      const text = keyword.name.replace(/^Kw_/, "");
      expect(lex(text).tokens[0].tokenType).toBe(keyword);
    }
  });
});

describe("comments and errors", () => {
  test("comments are kept apart from the tokens", () => {
    const result = lex("a // line\n/* block\n */ b");
    expect(result.tokens.map((t) => t.image)).toEqual(["a", "b"]);
    expect(result.comments.map((t) => t.image)).toEqual(["// line", "/* block\n */"]);
  });

  test("an unterminated comment runs to the end of the file", () => {
    const result = lex("a /* b c");
    expect(result.comments.map((t) => t.tokenType)).toEqual([T.UnterminatedComment]);
    expect(result.errors).toEqual([]);
  });

  test("a broken string is one string token", () => {
    expect(kinds('"abc\n"a\\q"')).toEqual(['BadString "abc', 'BadString "a\\q"']);
    expect(T.badStringMessage('"abc')).toMatch(/^unterminated string/);
    expect(T.badStringMessage('"ab\\"')).toMatch(/^unterminated string/);
    expect(T.badStringMessage('"a\\q"')).toMatch(/^invalid string/);
  });

  test("characters no token matches are lexer errors with their offset", () => {
    expect(lex("a @# b").errors).toMatchObject([{ offset: 2, length: 2 }]);
  });
});

// grammar/lexer.ts is written by hand; tokens.ts defines the tokens as Chevrotain patterns. A
// Chevrotain lexer over those definitions (with keywords re-typed as names, as `lex` does) is the
// reference the hand-written one must match on any text.
describe("the hand-written lexer", () => {
  const reference = new Lexer(T.LEXED_TOKENS, { positionTracking: "onlyOffset" });

  function referenceLex(text: string) {
    const result = reference.tokenize(text);
    const typeOf = (token: IToken) => (token.tokenType === T.Identifier ? (T.KEYWORD_BY_TEXT.get(token.image) ?? T.Identifier) : token.tokenType);
    const shape = (token: IToken) => [typeOf(token).name, token.image, token.startOffset];
    return {
      tokens: result.tokens.map(shape),
      comments: (result.groups[T.COMMENTS_GROUP] ?? []).map(shape),
      errors: result.errors.map((e) => [e.offset, e.length]),
    };
  }

  function handLex(text: string) {
    const result = lex(text);
    const shape = (token: IToken) => [token.tokenType.name, token.image, token.startOffset];
    return { tokens: result.tokens.map(shape), comments: result.comments.map(shape), errors: result.errors.map((e) => [e.offset, e.length]) };
  }

  const expectSame = (text: string): void => {
    expect(handLex(text)).toEqual(referenceLex(text));
  };

  test("on texts of the characters that matter to tokens", () => {
    const chars = [..."az_Z09.%xmsh\"\\/*{}()[],:=<>@# \t\r\n\u00a0\ufeff\u2028é😀"];
    const text = fc.array(fc.constantFrom(...chars), { maxLength: 40 }).map((parts) => parts.join(""));
    fc.assert(fc.property(text, expectSame), { numRuns: 3000 });
  });

  test("on arbitrary Unicode", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 60 }), expectSame), { numRuns: 500 });
  });

  test("on fragments of flows", () => {
    const fragments = ["flow", "input", "model", "credits", "1024x1024", "48h", "30%", "0.5", "1_000", "..", ">=", '"s"', '"\\q', "//c\n", "/*c*/", "/*", " ", "\n"];
    const text = fc.array(fc.constantFrom(...fragments), { maxLength: 30 }).map((parts) => parts.join(""));
    fc.assert(fc.property(text, expectSame), { numRuns: 1000 });
  });
});
