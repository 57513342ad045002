// The lexer: literal forms are never split, keywords are names wherever a name is expected, and
// comments go to their own group.
import { tokenMatcher } from "chevrotain";
import { describe, expect, test } from "vitest";
import * as T from "../grammar/tokens";

function kinds(text: string): string[] {
  return T.lex(text).tokens.map((token) => `${token.tokenType.name} ${token.image}`);
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
    for (const token of T.lex("12 0.5").tokens) expect(tokenMatcher(token, T.NumberLit)).toBe(true);
  });
});

describe("keywords", () => {
  test("are keywords and names at once", () => {
    const [video, model, final] = T.lex("video model final").tokens;
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
    const [one, many] = T.lex("credit credits").tokens;
    expect(one.tokenType).toBe(T.Credits);
    expect(many.tokenType).toBe(T.Credits);
  });

  test("every keyword maps from its text", () => {
    for (const keyword of T.KEYWORDS) {
      const text = keyword.name.replace(/^Kw_/, "");
      expect(T.lex(text).tokens[0].tokenType).toBe(keyword);
    }
  });
});

describe("comments and errors", () => {
  test("comments are kept apart from the tokens", () => {
    const result = T.lex("a // line\n/* block\n */ b");
    expect(result.tokens.map((t) => t.image)).toEqual(["a", "b"]);
    expect(result.comments.map((t) => t.image)).toEqual(["// line", "/* block\n */"]);
  });

  test("an unterminated comment runs to the end of the file", () => {
    const result = T.lex("a /* b c");
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
    expect(T.lex("a @# b").errors).toMatchObject([{ offset: 2, length: 2 }]);
  });
});
