// The formatter's canonical rules, one case each: `check(input, expected)` formats the input, and
// formats the expected text again to show it is a fixed point.
import { describe, expect, test } from "vitest";
import { formatFlow, isFormatted } from "../compiler/format/index";

function check(input: string, expected: string): void {
  const result = formatFlow(input);
  expect(result.diagnostics).toEqual([]);
  expect(result.text).toBe(expected);
  expect(formatFlow(expected).text).toBe(expected);
}

const lines = (...text: string[]) => text.join("\n") + "\n";

describe("spacing and literals", () => {
  test("canonical spacing around = , : operators, none inside brackets, literals as written", () => {
    check(
      lines(
        "flow   x{input a:image [ 10 .. 50 ]expect 40 stable",
        "node n=generate( a ,style:b ){cost 1_000.50 credits per call  param v = [ 1_000 , \"caf\\u00e9\" , [ true ] ]}",
        "  gate g = n.sharpness>=0.5 and n . aesthetic<1{expect pass 50%}",
        "output g,g . rejected , n}",
      ),
      lines(
        "flow x {",
        "  input a: image[10..50] expect 40 stable",
        '  node n = generate(a, style: b) { cost 1_000.50 credits per call  param v = [1_000, "caf\\u00e9", [true]] }',
        "  gate g = n.sharpness >= 0.5 and n.aesthetic < 1 { expect pass 50% }",
        "  output g, g.rejected, n",
        "}",
      ),
    );
  });

  test("tabs and odd indentation become two spaces per level; CRLF becomes LF", () => {
    check("flow x {\r\n\tinput a: text\r\n\t\t\toutput a\r\n}\r\n", lines("flow x {", "  input a: text", "  output a", "}"));
  });
});

describe("declarations and blocks", () => {
  test("one declaration per line, even where the source put several on one", () => {
    check("flow x { input a: text  input b: text output a, b }", lines("flow x {", "  input a: text", "  input b: text", "  output a, b", "}"));
  });

  test("a block that opens and closes on one line stays there, two spaces between properties", () => {
    check(
      lines("flow x {", "  node tag_good = tag(good) {model tagger batch 25}", "  select s = n by human {   pick 2 }", "}"),
      lines("flow x {", "  node tag_good = tag(good) { model tagger  batch 25 }", "  select s = n by human { pick 2 }", "}"),
    );
  });

  test("a multi-line block: one line per group of properties the source had on one line", () => {
    check(
      lines("flow x {", "  node n = f(a) { model m   resolution 1x1", "     batch 2  retry 1", "  concurrency 2 }", "}"),
      lines("flow x {", "  node n = f(a) {", "    model m  resolution 1x1", "    batch 2  retry 1", "    concurrency 2", "  }", "}"),
    );
  });

  test("the brace goes on the header's line; a list written over lines is joined", () => {
    check(
      lines("flow x {", "  node n = f(a)", "  {", "    param v = [", '      "a",', '      "b"', "    ]", "  }", "}"),
      lines("flow x {", "  node n = f(a) {", '    param v = ["a", "b"]', "  }", "}"),
    );
  });

  test("empty blocks are {}; top-level models and ops, imports first as written", () => {
    check(
      lines('import  "models/studio.flow"', "model m {", "", "}", "op o {metric q 0..1", "batchable }", "flow x {", "}"),
      lines('import "models/studio.flow"', "model m {}", "op o {", "  metric q 0..1", "  batchable", "}", "flow x {}"),
    );
  });
});

describe("blank lines", () => {
  test("runs collapse to one; none at the start or end of a block or of the file", () => {
    check(
      lines("", "", "flow x {", "", "", "  input a: text", "", "", "", "  output a", "", "}", "", ""),
      lines("flow x {", "  input a: text", "", "  output a", "}"),
    );
  });

  test("kept between groups of properties", () => {
    check(
      lines("flow x {", "  node n = f(a) {", "    model m", "", "", "    batch 2", "  }", "}"),
      lines("flow x {", "  node n = f(a) {", "    model m", "", "    batch 2", "  }", "}"),
    );
  });

  test("an empty text stays empty; a file of comments keeps them", () => {
    check("", "");
    check("\n\n", "");
    check(lines("  // only", "", "", "/* and this */"), lines("// only", "", "/* and this */"));
  });
});

describe("comments", () => {
  test("leading comments move with their declaration's indentation, blank lines around them kept", () => {
    check(
      lines("// header", "", "", "flow x {", "      // about a", "  input a: text", "", "    // about the output", "", "  output a", "}"),
      lines("// header", "", "flow x {", "  // about a", "  input a: text", "", "  // about the output", "", "  output a", "}"),
    );
  });

  test("comments before a closing brace stay inside the block; comments after the flow stay after it", () => {
    check(
      lines("flow x {", "  input a: text", "  output a", "", "// last words", "}", "// the end", "", "", "/* really */"),
      lines("flow x {", "  input a: text", "  output a", "", "  // last words", "}", "// the end", "", "/* really */"),
    );
  });

  test("a comment in an otherwise empty block", () => {
    check(lines("model o { /* nothing */ }", "model p {", "// to do", "}"), lines("model o { /* nothing */ }", "model p {", "  // to do", "}"));
  });

  test("block comments between tokens stay between the same tokens", () => {
    check(
      lines("flow x {", "  node p = generate(n /* inline */ , style: /*named*/ s) {", "    model a /* after a */  resolution 1x1", "    /* leading */ batch 2", "  }", "}"),
      lines("flow x {", "  node p = generate(n /* inline */, style: /*named*/ s) {", "    model a /* after a */  resolution 1x1", "    /* leading */ batch 2", "  }", "}"),
    );
  });

  test("comments after an opening or a closing brace stay on its line", () => {
    check(
      lines("flow x { // the flow", "  node n = f(a) {   // why", "    model m", "  }  /* done */ // really", "}"),
      // The first two are adjacent, so they share the column `// why` was written at.
      lines("flow x {            // the flow", "  node n = f(a) {   // why", "    model m", "  } /* done */  // really", "}"),
    );
  });

  test("a multi-line block comment is kept as written", () => {
    check(lines("flow x {", "  input a: text /* one", "     two */", "output a }"), lines("flow x {", "  input a: text /* one", "     two */", "  output a", "}"));
  });

  test("a // comment inside a declaration breaks it there; the rest goes on four spaces further in", () => {
    check(
      lines("flow x {", "  node m = generate(n, // why", "    style: s) { model a }", "  node o = generate(", "// own line", "n) { model a }", "}"),
      lines("flow x {", "  node m = generate(n,  // why", "      style: s) { model a }", "  node o = generate(", "      // own line", "      n) { model a }", "}"),
    );
  });
});

describe("alignment", () => {
  test("a run of trailing comments shares the rightmost column; two spaces at least", () => {
    check(
      lines("flow x {", "  input shots: image[50] expect 40 // up to 50", "  input style: image stable    // one style", "  input third: text                      // far right", "", "  output shots // alone", "}"),
      lines(
        "flow x {",
        "  input shots: image[50] expect 40       // up to 50",
        "  input style: image stable              // one style",
        "  input third: text                      // far right",
        "",
        "  output shots  // alone",
        "}",
      ),
    );
  });

  test("a lone trailing comment keeps the column its author chose", () => {
    check(lines("flow x {", "  output a                // why", "  input a: text", "}"), lines("flow x {", "  output a                // why", "  input a: text", "}"));
  });

  test("one-line blocks the author lined up stay lined up; others get one space", () => {
    check(
      lines("model a { rate 1 credit per item }", "model bbb   { rate 1 credit per item }", "model cc { rate 1 credit per item }", "", "model d { rate 1 credit per item }", "model eeeee { rate 1 credit per item }", "", "model f     { rate 1 credit per item }"),
      lines(
        "model a     { rate 1 credit per item }",
        "model bbb   { rate 1 credit per item }",
        "model cc    { rate 1 credit per item }",
        "",
        "model d { rate 1 credit per item }",
        "model eeeee { rate 1 credit per item }",
        "",
        "model f { rate 1 credit per item }",
      ),
    );
  });

  test("a lined-up run grows to fit a longer name", () => {
    check(
      lines("model a   { rate 1 credit per item }", "model b   { rate 1 credit per item }", "model longer_name { rate 1 credit per item }"),
      lines("model a           { rate 1 credit per item }", "model b           { rate 1 credit per item }", "model longer_name { rate 1 credit per item }"),
    );
  });
});

describe("refusal", () => {
  test("a text with syntax errors comes back unchanged, with its FLOW101 diagnostics", () => {
    const text = "flow x {\n  input a: text\n  node n = f(a {\n";
    const result = formatFlow(text);
    expect(result.text).toBe(text);
    expect(result.diagnostics.length).toBeGreaterThan(0);
    expect(result.diagnostics.every((d) => d.code === "FLOW101")).toBe(true);
  });

  test("isFormatted tells a canonical text from others", () => {
    expect(isFormatted(lines("flow x {", "  input a: text", "  output a", "}"))).toBe(true);
    expect(isFormatted(lines("flow x {", "input a: text", "  output a", "}"))).toBe(false);
    expect(isFormatted("flow x {")).toBe(false);
  });
});
