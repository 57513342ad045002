// Syntax errors: what a person reads (golden messages with line:column), where the range points,
// and what error recovery keeps of the declarations around a mistake.
import { describe, expect, test } from "vitest";
import { parse } from "../grammar/index";
import { errorLines, expectSoundResult } from "./grammar-helpers";

const DECLARATION = "a declaration (input, model, op, node, gate, review, select, budget, output)";

/** [what is wrong, the text, the diagnostics as `line:column message`] */
const BROKEN: [string, string, string[]][] = [
  [
    "a duration missing after ttl",
    "flow f {\n  node a = generate(x) { cache ttl }\n}",
    ["2:36 expected a duration such as 48h after 'ttl' but found '}'"],
  ],
  [
    "a fraction where a percentage belongs",
    "flow f {\n  gate g = a.b >= 1 { expect pass 0.5 }\n}",
    ["2:35 expected a percentage such as 30% after 'pass' but found '0.5'"],
  ],
  [
    "a node block left open before the next declaration",
    "flow f {\n  node a = generate(x) {\n    model m\n  node b = generate(a)\n}",
    ["4:3 expected '}' to close the node block opened at line 2 but found 'node'"],
  ],
  [
    "two blocks left open at the end of the file",
    "flow f {\n  node a = generate(x) {\n    model m\n",
    [
      "3:12 expected '}' to close the flow block opened at line 1 but the file ends here",
      "3:12 expected '}' to close the node block opened at line 2 but the file ends here",
    ],
  ],
  ["an empty flow left open", "flow f {", ["1:9 expected '}' to close the flow block opened at line 1 but the file ends here"]],
  ["a stray word among declarations", "flow f {\n  foo\n  node a = generate(x)\n}", [`2:3 expected ${DECLARATION} but found 'foo'`]],
  [
    "a node outside the flow",
    "node a = generate(x)\nflow f {}",
    ["1:1 expected 'import', 'model', 'op' or 'flow' but found 'node'; 'node' declarations belong inside the flow block"],
  ],
  [
    "an unknown media type",
    "flow f {\n  input a: picture\n}",
    ["2:12 expected a media type (image, video, audio, text, json) after ':' but found 'picture'"],
  ],
  ["a missing colon", "flow f {\n  input a image\n}", ["2:11 expected ':' after 'a' but found 'image'"]],
  ["a missing name", "flow f {\n  node = generate(x)\n}", ["2:8 expected a name after 'node' but found '='"]],
  [
    "a comparison written backwards",
    "flow f {\n  gate g = a.b => 1\n}",
    ["2:16 expected a comparison (>=, >, <=, <) after 'b' but found '='"],
  ],
  ["a review by something else", "flow f {\n  review r = a by robot\n}", ["2:19 expected 'human' after 'by' but found 'robot'"]],
  ["retry without 'to'", "flow f {\n  gate g = a.b > 1 { else retry a up 2 }\n}", ["2:38 expected 'to' after 'up' but found '2'"]],
  [
    "an unknown else",
    "flow f {\n  gate g = a.b > 1 { else keep }\n}",
    ["2:27 expected 'discard' or 'retry' after 'else' but found 'keep'"],
  ],
  [
    "a count range without its end",
    "flow f {\n  input a: image[10..]\n}",
    ["2:22 expected a whole number such as 50 after '..' but found ']'"],
  ],
  ["a price without credits", "flow f {\n  model m { rate 4 per megapixel }\n}", ["2:20 expected 'credits' after '4' but found 'per'"]],
  [
    "a price without a unit",
    "flow f {\n  model m { rate 4 credits }\n}",
    ["2:28 expected 'per' and a unit (megapixel, second, item) after 'credits' but found '}'"],
  ],
  [
    "a cost per item",
    "flow f {\n  node a = generate(x) { cost 3 credits per item }\n}",
    ["2:45 expected 'call' after 'per' but found 'item'"],
  ],
  [
    "a stray word in a model",
    "flow f {\n  model m { rate 1 credit per item foo }\n}",
    ["2:36 expected a model property (rate, overhead, family) or '}' but found 'foo'"],
  ],
  ["a count too large", "flow f {\n  input a: image[99999999999999999999]\n}", ["2:17 a count must be at most 9007199254740991"]],
  ["an import without quotes", "import foo\nflow f {}", ["1:8 expected a string in double quotes after 'import' but found 'foo'"]],
  [
    "cache without ttl",
    "flow f {\n  node a = generate(x) { cache 48h }\n}",
    ["2:32 expected 'ttl' and a duration such as 48h, or 'off', after 'cache' but found '48h'"],
  ],
  [
    "select by an unknown order",
    "flow f {\n  select s = a by best\n}",
    ["2:19 expected 'human', 'highest' or 'lowest' after 'by' but found 'best'"],
  ],
  [
    "alert without an amount",
    "flow f {\n  budget { alert }\n}",
    ["2:18 expected an amount of credits or a percentage such as 75% after 'alert' but found '}'"],
  ],
  [
    "a param without a value",
    "flow f {\n  node a = generate(x) { param p = }\n}",
    ["2:36 expected a value (a string, a number, true, false or a list in [ ]) after '=' but found '}'"],
  ],
  ["a reference ending in a dot", "flow f {\n  output a.\n}", ["3:1 expected 'rejected' after '.' but found '}'"]],
  ["a missing parenthesis", "flow f {\n  node a = generate(x { model m }\n}", ["2:23 expected ')' after 'x' but found '{'"]],
  [
    "an unterminated string",
    'flow f {\n  node a = generate(x) { param p = "abc\n  }\n}',
    ["2:36 unterminated string: a closing '\"' is missing on this line"],
  ],
  [
    "a string with a bad escape",
    'flow f {\n  node a = generate(x) { param p = "a\\qb" }\n}',
    ['2:36 invalid string: use JSON escapes (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX) and no control characters'],
  ],
  ["an unterminated comment", "flow f {\n}\n/* never closed", ["3:1 unterminated comment: this '/*' has no '*/' after it"]],
  ["an unexpected character", "flow f {\n  output a, @ b\n}", ['2:13 unexpected character "@"']],
  ["two flows in one file", "flow f {}\nflow g {}", ["2:6 a file holds one flow: 'g' is a second one and is ignored"]],
  [
    "fractional variants",
    "flow f {\n  node a = generate(x) { variants 2.5 }\n}",
    ["2:35 expected a whole number such as 50 after 'variants' but found '2.5'"],
  ],
  [
    "a gate's expect in a node",
    "flow f {\n  node a = generate(x) { expect pass 10% }\n}",
    ["2:33 expected 'fail' after 'expect' but found 'pass'"],
  ],
  [
    "pick without a count",
    "flow f {\n  select s = a by human { pick }\n}",
    ["2:32 expected a whole number such as 50 after 'pick' but found '}'"],
  ],
  [
    "a select block with more than a pick",
    "flow f {\n  select s = a by human { pick 2 3 }\n}",
    ["2:34 expected '}' to close the select block opened at line 2 but found '3'"],
  ],
];

describe("syntax error messages", () => {
  test.each(BROKEN)("%s", (_what, text, expected) => {
    const result = parse(text);
    expect(errorLines(result)).toEqual(expected);
    expect(result.diagnostics.every((d) => d.code === "FLOW101" && d.severity === "error")).toBe(true);
    expectSoundResult(result, text);
  });

  test("no message dumps token names", () => {
    for (const [, text] of BROKEN) {
      for (const d of parse(text).diagnostics) expect(d.message).not.toMatch(/Kw_|Identifier|LCurly|RCurly|-->|<--|Lit\b/);
    }
  });
});

describe("diagnostic ranges", () => {
  test("cover the offending token", () => {
    const text = "flow f {\n  node a = generate(x) { variants 2.5 }\n}";
    const [d] = parse(text).diagnostics;
    expect(text.slice(d.range.start.offset, d.range.end.offset)).toBe("2.5");
    expect(d.range.end).toEqual({ line: 2, column: 38, offset: text.indexOf("2.5") + 3 });
  });

  test("at the end of the file, sit just after the last token", () => {
    const text = "flow f {\n  output a\n\n// trailing comment\n";
    const [d] = parse(text).diagnostics;
    const end = text.indexOf("output a") + "output a".length;
    expect(d.range).toEqual({ start: { line: 2, column: 11, offset: end }, end: { line: 2, column: 11, offset: end } });
  });
});

describe("error recovery", () => {
  const text = [
    "flow shop {",
    "  input shots: image[50]",
    "  node a = generate(shots) { model m  cache ttl  resolution 512x512 }",
    "  input bad: picture",
    "  node b = upscale(a) { model m }",
    "  gate g = b.sharpness >= { expect pass 50% }",
    "  node c = caption(b) { retry two }",
    "  output c",
    "}",
  ].join("\n");
  const result = parse(text);

  test("reports every broken declaration once", () => {
    expect(errorLines(result)).toEqual([
      "3:50 expected a duration such as 48h after 'ttl' but found 'resolution'",
      "4:14 expected a media type (image, video, audio, text, json) after ':' but found 'picture'",
      "6:27 expected a number such as 0.5 after '>=' but found '{'",
      "7:31 expected a whole number such as 50 after 'retry' but found 'two'",
    ]);
  });

  test("keeps the declarations around them, and the good properties of a damaged node", () => {
    const decls = result.ast.flow?.decls ?? [];
    expect(decls.map((d) => ("name" in d ? `${d.kind} ${d.name.text}` : d.kind))).toEqual([
      "input shots",
      "node a",
      "node b",
      "node c",
      "output",
    ]);
    const a = decls[1];
    expect(a.kind === "node" && a.props.map((p) => p.kind)).toEqual(["model", "resolution"]);
    expectSoundResult(result, text);
  });

  /** [what is wrong, the text, the diagnostics, the kinds of the declarations kept] */
  const BRACES: [string, string, string[], string[]][] = [
    [
      "a node after the flow's end",
      "flow f {\n  input x: text\n}\nnode a = tag(x)\n",
      [
        "3:1 this '}' closes no block: the declarations after it belong to the flow",
        "4:16 expected '}' to close the flow block opened at line 1 but the file ends here",
      ],
      ["input", "node"],
    ],
    [
      "one '}' too many",
      "flow f {\n  node a = tag(x) { batch 2 } }\n  output a\n}",
      ["2:31 this '}' closes no block: the declarations after it belong to the flow"],
      ["node", "output"],
    ],
    ["one '{' too many", "flow f { {\n  input x: text\n  output x\n}", [`1:10 expected ${DECLARATION} but found '{'`], ["input", "output"]],
    [
      "a misspelt keyword before a block",
      "flow f {\n  nod a = tag(x) { model m }\n  output a\n}",
      [`2:3 expected ${DECLARATION} but found 'nod'`],
      ["output"],
    ],
  ];

  test.each(BRACES)("%s", (_what, text, errors, kinds) => {
    const braces = parse(text);
    expect(errorLines(braces)).toEqual(errors);
    expect(braces.ast.flow?.decls.map((d) => d.kind)).toEqual(kinds);
  });

  test("a missing '}' at the end keeps the flow and its declarations", () => {
    const open = parse("flow f {\n  input x: image\n  node a = generate(x) {\n    model m\n");
    expect(open.ast.flow?.decls.map((d) => d.kind)).toEqual(["input", "node"]);
  });

  test("a block left open is closed where the next declaration starts", () => {
    const open = parse("flow f {\n  node a = generate(x) {\n    model m\n  output a\n}");
    expect(open.ast.flow?.decls.map((d) => d.kind)).toEqual(["node", "output"]);
  });

  test("a declaration without its name is dropped, not given an undefined name", () => {
    const nameless = parse("flow f {\n  node = generate(x)\n  output x\n}");
    expect(nameless.ast.flow?.decls.map((d) => d.kind)).toEqual(["output"]);
    expectSoundResult(nameless, "flow f {\n  node = generate(x)\n  output x\n}");
  });
});

// Node and gate properties are parsed within the rules of the blocks that hold them (not each by a
// rule of its own, for speed): recovery inside them must keep what it kept.
describe("recovery inside a node's or a gate's block", () => {
  const kept = (result: ReturnType<typeof parse>) =>
    (result.ast.flow?.decls ?? []).map((d) => ("props" in d ? `${d.kind}(${d.props.map((p) => p.kind).join(",")})` : d.kind));

  /** [what is wrong, the text, the diagnostics, the declarations kept with their properties] */
  const INSIDE: [string, string, string[], string[]][] = [
    [
      "a damaged property between good ones",
      "flow f {\n  node a = generate(x) { model m  cache 48h  batch 2 }\n  output a\n}",
      ["2:41 expected 'ttl' and a duration such as 48h, or 'off', after 'cache' but found '48h'"],
      ["node(model,batch)", "output"],
    ],
    [
      "a property without its value at the block's end",
      "flow f {\n  node a = generate(x) { model }\n  output a\n}",
      ["2:32 expected a name after 'model' but found '}'"],
      ["node()", "output"],
    ],
    [
      "a stray word between properties",
      "flow f {\n  node a = generate(x) { model m  foo  retry 2 }\n}",
      [
        "2:35 expected a node property (model, resolution, duration, variants, cost, cache, retry, batch, expect fail, timeout, concurrency, param) or '}' but found 'foo'",
      ],
      ["node(model,retry)"],
    ],
    [
      "a gate block left open",
      "flow f {\n  gate g = a.b >= 1 { expect pass 80%\n  node c = tag(g)\n}",
      ["3:3 expected '}' to close the gate block opened at line 2 but found 'node'"],
      ["gate(expectPass)", "node()"],
    ],
    [
      "a gate's expect without its percentage",
      "flow f {\n  gate g = a.b >= 1 { expect pass  else discard }\n  output g\n}",
      ["2:36 expected a percentage such as 30% after 'pass' but found 'else'"],
      ["gate(else)", "output"],
    ],
    [
      "timeouts of a review and of a node",
      "flow f {\n  review r = a by human { timeout 2h  expect approve 90% }\n  node n = g(r) { timeout 30s  concurrency 4 }\n}",
      [],
      ["review(timeout,expectApprove)", "node(timeout,concurrency)"],
    ],
  ];

  test.each(INSIDE)("%s", (_what, text, errors, decls) => {
    const result = parse(text);
    expect(errorLines(result)).toEqual(errors);
    expect(kept(result)).toEqual(decls);
    expectSoundResult(result, text);
  });
});
