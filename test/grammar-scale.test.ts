// The front end at any size (issue 12): the lexer's hand-written matchers accept exactly what the
// regular expressions they replace accepted, and no token, list or repetition is too long for the
// lexer, the parser or the AST builder — the work is a loop, never recursion or backtracking
// proportional to the input.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { parse } from "../grammar/index";
import { MAX_NUMBER_LENGTH } from "../grammar/ast-builder";
import * as scan from "../grammar/scanners";
import { lex } from "../grammar/lexer";
import { analyzeFile } from "../compiler/index";

// The regular expressions the lexer used before: the specification of each matcher.
const DIGITS = String.raw`\d(?:_?\d)*`;
const FIGURE = String.raw`${DIGITS}(?:\.${DIGITS})?`;
const REFERENCE: [string, (text: string, offset: number) => number, RegExp][] = [
  ["jsonStringEnd", scan.jsonStringEnd, /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9A-Fa-f]{4}))*"/y],
  ["looseStringEnd", scan.looseStringEnd, /"(?:[^"\\\r\n]|\\[^\r\n]?)*"?/y],
  ["digitsEnd", scan.digitsEnd, new RegExp(DIGITS, "y")],
  ["decimalEnd", scan.decimalEnd, new RegExp(`${DIGITS}\\.${DIGITS}`, "y")],
  ["percentEnd", scan.percentEnd, new RegExp(`${FIGURE}%`, "y")],
  ["durationEnd", scan.durationEnd, new RegExp(`${FIGURE}(?:ms|[smhdw])(?![A-Za-z0-9_])`, "y")],
  ["resolutionEnd", scan.resolutionEnd, /\d+x\d+/y],
];

function regexEnd(pattern: RegExp, text: string, offset: number): number {
  pattern.lastIndex = offset;
  const match = pattern.exec(text);
  return match === null ? -1 : offset + match[0].length;
}

/** Characters that matter to strings and numbers, so that short random texts hit every branch. */
const SCAN_CHARS = [..."0123456789_.x%mshdwq\"\\/bfnrtuAfF \n\r\t\u0001é"];

describe("the lexer's matchers", () => {
  test.each(REFERENCE)("%s agrees with the regular expression it replaces", (_name, end, pattern) => {
    const text = fc.array(fc.constantFrom(...SCAN_CHARS), { maxLength: 14 }).map((chars) => chars.join(""));
    fc.assert(
      fc.property(text, fc.nat(3), (body, offset) => {
        const at = Math.min(offset, body.length);
        expect(end(body, at)).toBe(regexEnd(pattern, body, at));
      }),
      { numRuns: 3000 },
    );
  });

  test("the lexer picks the number token the regular expressions would have picked", () => {
    // in the lexer's order: the first whose expression matches at a token's start is its type
    const order: [string, RegExp][] = [
      ["ResolutionLit", REFERENCE[6][2]],
      ["DurationLit", REFERENCE[5][2]],
      ["PercentLit", REFERENCE[4][2]],
      ["DecimalLit", REFERENCE[3][2]],
      ["IntegerLit", REFERENCE[2][2]],
    ];
    const text = fc.array(fc.constantFrom(..."0123456789_.x%msh "), { maxLength: 24 }).map((chars) => chars.join(""));
    fc.assert(
      fc.property(text, (body) => {
        for (const token of lex(body).tokens) {
          const first = order.find(([, pattern]) => regexEnd(pattern, body, token.startOffset) !== -1);
          const expected = first === undefined ? undefined : [first[0], body.slice(token.startOffset, regexEnd(first[1], body, token.startOffset))];
          if (expected !== undefined || order.some(([name]) => name === token.tokenType.name)) expect([token.tokenType.name, token.image]).toEqual(expected);
        }
      }),
      { numRuns: 2000 },
    );
  });

  test("a string ending in an escaped quote is unterminated", () => {
    expect(scan.endsWithEscapedQuote('"a\\"')).toBe(true);
    expect(scan.endsWithEscapedQuote('"a\\\\"')).toBe(false);
    expect(scan.endsWithEscapedQuote('"' + "\\".repeat(99_999) + '"')).toBe(true);
  });
});

const MB = 1024 * 1024;

/** Diagnostics that say the parser itself failed. */
function internalErrors(text: string): string[] {
  return parse(text)
    .diagnostics.filter((d) => /internal/i.test(d.message))
    .map((d) => d.message);
}

describe("a 10 MB string literal", () => {
  const value = "x".repeat(10 * MB);
  const flow = `flow f {\n  input a: text\n  node n = caption(a) { cost 1 credit  param tone = "${value}" }\n  output n\n  budget { cap 5 credits }\n}\n`;

  test("is one token", () => {
    const tokens = lex(flow).tokens.filter((t) => t.image.length > MB);
    expect(tokens.map((t) => [t.tokenType.name, t.image.length])).toEqual([["StringLiteral", value.length + 2]]);
  });

  test("is a param's value, and the flow checks without errors", () => {
    const analysis = analyzeFile("big.flow", flow, { readFile: () => undefined });
    expect(analysis.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const node = analysis.ast.flow?.decls.find((d) => d.kind === "node");
    const param = node?.kind === "node" ? node.props.find((p) => p.kind === "param") : undefined;
    expect(param?.kind === "param" && param.value.kind === "string" ? param.value.value.length : 0).toBe(value.length);
  });

  test("unterminated, is one diagnostic", () => {
    const result = parse(`flow f { node n = caption(a) { param tone = "${value}\n} }\n`);
    expect(result.diagnostics.map((d) => d.message)).toEqual(["unterminated string: a closing '\"' is missing on this line"]);
  });
});

/** One long construct: `before`, then `piece` repeated, then `after`. */
interface Long {
  name: string;
  before: string;
  piece: string;
  after: string;
}

const LONG_TOKENS: Long[] = [
  { name: "string", before: 'import "', piece: "ab", after: '"' },
  { name: "string of escapes", before: 'import "', piece: "\\n\\u00e9", after: '"' },
  { name: "unterminated string", before: 'import "', piece: "a\\q", after: "\n" },
  { name: "string with a bad escape", before: 'import "\\q', piece: "ab", after: '"' },
  { name: "number", before: "flow f { input a: text[", piece: "12", after: "] }" },
  { name: "number with underscores", before: "flow f { input a: text[", piece: "1_", after: "1] }" },
  { name: "decimal", before: "flow f { budget { cap 1.", piece: "05", after: " credits } }" },
  { name: "percentage", before: "flow f { budget { alert 1", piece: "0_0", after: "% } }" },
  { name: "duration", before: "flow f { node n = tag(a) { timeout 1", piece: "0_0", after: "ms } }" },
  { name: "resolution", before: "flow f { node n = tag(a) { resolution 1", piece: "00", after: "x1 } }" },
  { name: "name", before: "flow f { input a", piece: "b_", after: ": text }" },
  { name: "block comment", before: "/*", piece: "* /", after: "*/ flow f {}" },
  { name: "unterminated block comment", before: "/*", piece: "/* ", after: "" },
  { name: "line comment", before: "//", piece: "ab", after: "\nflow f {}" },
  { name: "whitespace", before: "flow", piece: " \n", after: "f {}" },
  { name: "unexpected characters", before: "flow f {", piece: "@#", after: "}" },
];

const LONG_LISTS: Long[] = [
  { name: "conditions joined by and", before: "flow f { gate g = a.x > 1", piece: " and a.x > 1", after: " }" },
  { name: "outputs", before: "flow f { output a", piece: ", a", after: " }" },
  { name: "list in a param", before: "flow f { node n = tag(a) { param p = [1", piece: ", 1", after: "] } }" },
  { name: "arguments", before: "flow f { node n = tag(a", piece: ", x: a", after: ") }" },
  { name: "properties", before: "flow f { node n = tag(a) {", piece: " batch 2", after: " } }" },
  { name: "declarations", before: "flow f {", piece: " input a: text", after: " }" },
  { name: "nested lists", before: "flow f { node n = tag(a) { param p = ", piece: "[", after: " } }" },
  { name: "open blocks", before: "flow f {", piece: " {", after: " }" },
  { name: "stray closing braces", before: "flow f { input a: text }", piece: " }", after: "" },
  { name: "stray words in a block", before: "flow f { node n = tag(a) {", piece: " oops", after: " } }" },
  { name: "declarations without names", before: "flow f {", piece: " node =", after: " }" },
  { name: "dots", before: "flow f { output a", piece: ".", after: " }" },
];

function build(long: Long, length: number): string {
  return long.before + long.piece.repeat(Math.ceil(length / long.piece.length)) + long.after;
}

describe("a number of a million digits", () => {
  test("is one diagnostic that names the limit", () => {
    const digits = "9".repeat(1_000_000);
    for (const flow of [`flow f { input a: text[${digits}] }`, `flow f { budget { cap ${digits}.5 credits } }`, `flow f { node n = tag(a) { param p = ${digits} } }`]) {
      expect(parse(flow).diagnostics.map((d) => d.message)).toEqual([`a number may be at most ${MAX_NUMBER_LENGTH} characters long; this one has ${flow.includes(".5") ? 1_000_002 : 1_000_000}`]);
    }
  });
});

describe("no construct is too long", () => {
  // V8 ran out of backtracking stack between 5 and 10 million repetitions of a group: sizes up to
  // 12 million characters would find any pattern that backtracks.
  test("tokens of up to 12 million characters", () => {
    const cases = fc.record({ long: fc.constantFrom(...LONG_TOKENS), length: fc.integer({ min: 1, max: 12 * MB }) });
    fc.assert(
      fc.property(cases, ({ long, length }) => {
        expect(internalErrors(build(long, length)), long.name).toEqual([]);
      }),
      // the examples count among the runs: each kind at the largest size, then two at random
      { numRuns: LONG_TOKENS.length + 2, examples: LONG_TOKENS.map((long) => [{ long, length: 12 * MB }]) },
    );
  });

  // A recursion per item overflows the stack after some thousands of items.
  test("lists and repetitions of up to 20,000 items", () => {
    const cases = fc.record({ long: fc.constantFrom(...LONG_LISTS), items: fc.integer({ min: 1, max: 20_000 }) });
    fc.assert(
      fc.property(cases, ({ long, items }) => {
        expect(internalErrors(build(long, items * long.piece.length)), long.name).toEqual([]);
      }),
      { numRuns: LONG_LISTS.length + 6, examples: LONG_LISTS.map((long) => [{ long, items: 20_000 }]) },
    );
  });
});
