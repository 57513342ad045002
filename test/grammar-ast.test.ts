// The AST: every construct of section 3 of the contract, literal values as exact text, names that
// are also keywords, and positions.
import { describe, expect, test } from "vitest";
import type { Decl, FlowDecl, NodeDecl, Value } from "../syntax/ast";
import { parse, positionAt } from "../grammar/index";
import { analyzeFile } from "../compiler/index";
import { expectSoundResult } from "./grammar-helpers";

function parsed(text: string): FlowDecl {
  const result = parse(text);
  expect(result.diagnostics).toEqual([]);
  expectSoundResult(result, text);
  if (result.ast.flow === undefined) throw new Error("no flow");
  return result.ast.flow;
}

function only<K extends Decl["kind"]>(flow: FlowDecl, kind: K): Extract<Decl, { kind: K }> {
  const found = flow.decls.filter((d) => d.kind === kind);
  expect(found).toHaveLength(1);
  return found[0] as Extract<Decl, { kind: K }>;
}

function nodeProps(props: string): NodeDecl["props"] {
  return only(parsed(`flow f { node n = generate(x) { ${props} } }`), "node").props;
}

function paramValue(value: string): Value {
  const [prop] = nodeProps(`param p = ${value}`);
  if (prop.kind !== "param") throw new Error("not a param");
  return prop.value;
}

describe("literal values", () => {
  test.each([
    ["500ms", "0.5"],
    ["90s", "90"],
    ["15m", "900"],
    ["48h", "172800"],
    ["30d", "2592000"],
    ["2w", "1209600"],
    ["1.5h", "5400"],
    ["1_000ms", "1"],
  ])("duration %s is %s seconds", (text, seconds) => {
    expect(nodeProps(`timeout ${text}`)).toMatchObject([{ kind: "timeout", duration: { text, seconds } }]);
  });

  test("numbers keep their decimal text without underscores", () => {
    expect(paramValue("1_000")).toMatchObject({ kind: "number", value: "1000" });
    expect(paramValue("0.50")).toMatchObject({ kind: "number", value: "0.50" });
    expect(nodeProps("cost 0.1 credits per call")).toMatchObject([{ kind: "cost", amount: { value: "0.1" }, perCall: true }]);
  });

  test("percentages keep the figure", () => {
    expect(nodeProps("expect fail 12.5%")).toMatchObject([{ kind: "expectFail", percent: { value: "12.5" } }]);
  });

  test("strings are decoded with JSON rules", () => {
    expect(paramValue('"caf\\u00e9 \\"x\\"\\n\\t\\/"')).toMatchObject({ kind: "string", value: 'café "x"\n\t/' });
  });

  test("lists, booleans and nesting", () => {
    const value = paramValue('[true, false, [], ["a", 2]]');
    expect(value).toMatchObject({
      kind: "list",
      items: [
        { kind: "bool", value: true },
        { kind: "bool", value: false },
        { kind: "list", items: [] },
        {
          kind: "list",
          items: [
            { kind: "string", value: "a" },
            { kind: "number", value: "2" },
          ],
        },
      ],
    });
  });

  test("lists nested too deep are reported, not a crash", () => {
    const text = `flow f { node n = generate(x) { param p = ${"[".repeat(5000)}${"]".repeat(5000)} } }`;
    const result = parse(text);
    expect(result.diagnostics.map((d) => d.message)).toEqual(["lists may nest at most 64 deep"]);
    expect(result.diagnostics[0].range.start.offset).toBe(text.indexOf("[") + 64);
    expectSoundResult(result, text);
  });
});

describe("every construct", () => {
  const text = `
import "models/studio.flow"
model before { rate 1 credit per item  family cheap }
op scorer { metric score 0..1  metric size 0.5..100  batchable  schema "{\\"type\\":\\"object\\"}" }
flow all {
  input a: image[10..50] stable expect 20
  input b: json
  node n = generate(a, style: b) {
    model before resolution 512x512 duration 5s variants 3 cost 2 credits cache off
    retry 1 batch 4 expect fail 5% timeout 90s concurrency 8 param seed = 7
  }
  node m = caption(n) { cache ttl 2w }
  gate g = n.score >= 0.5 and n.size < 10 and n.score <= 0.9 and n.size > 1 {
    expect pass 80%
    else retry n up to 3 then discard
  }
  review r = g.rejected by human { expect approve 25%  else discard  timeout 48h }
  select s = n by highest score { pick 2 }
  select t = n by lowest size
  budget { cap 100 credits  alert 80 credits  strict }
  output r, s.rejected, t
}
model after { overhead 0.5 credits per call }`;
  const result = parse(text);
  const flow = result.ast.flow as FlowDecl;

  test("parses cleanly with sound ranges", () => {
    expect(result.diagnostics).toEqual([]);
    expectSoundResult(result, text);
  });

  test("imports, and models and ops outside the flow, before and after it", () => {
    expect(result.ast.imports.map((i) => i.path.value)).toEqual(["models/studio.flow"]);
    expect(result.ast.decls.map((d) => `${d.kind} ${d.name.text}`)).toEqual(["model before", "op scorer", "model after"]);
    expect(result.ast.decls[0].props).toMatchObject([{ kind: "rate" }, { kind: "family", family: { text: "cheap" } }]);
    expect(result.ast.decls[1].props).toMatchObject([
      { kind: "metric", name: { text: "score" }, min: { value: "0" }, max: { value: "1" } },
      { kind: "metric", min: { value: "0.5" }, max: { value: "100" } },
      { kind: "batchable" },
      { kind: "schema", schema: { value: '{"type":"object"}' } },
    ]);
  });

  test("inputs", () => {
    const [a, b] = flow.decls.filter((d) => d.kind === "input");
    expect(a).toMatchObject({ type: "image", count: { min: 10, max: 50 }, expect: [{ value: "20" }] });
    expect(a.kind === "input" && a.stable).toHaveLength(1);
    expect(b).toMatchObject({ type: "json" });
    expect(b.kind === "input" && b.count).toBeUndefined();
  });

  test("node properties, several to a line", () => {
    const n = flow.decls.find((d): d is NodeDecl => d.kind === "node" && d.name.text === "n") as NodeDecl;
    expect(n.props.map((p) => p.kind)).toEqual([
      ...["model", "resolution", "duration", "variants", "cost", "cache"],
      ...["retry", "batch", "expectFail", "timeout", "concurrency", "param"],
    ]);
    expect(n.props[5]).toEqual({ kind: "cache", off: true, range: expect.anything() });
    expect(n.props[11]).toMatchObject({ kind: "param", name: { text: "seed" }, value: { kind: "number", value: "7" } });
  });

  test("gate conditions and else forms", () => {
    const g = only(flow, "gate");
    expect(g.conds.map((c) => `${c.source.text}.${c.metric.text} ${c.op} ${c.threshold.value}`)).toEqual([
      "n.score >= 0.5",
      "n.size < 10",
      "n.score <= 0.9",
      "n.size > 1",
    ]);
    expect(g.props[1]).toMatchObject({
      kind: "else",
      action: { kind: "retry", target: { text: "n" }, upTo: { value: "3" }, thenDiscard: true },
    });
  });

  test("review, selects, budget and output", () => {
    expect(only(flow, "review")).toMatchObject({
      source: { name: { text: "g" }, rejected: expect.anything() },
      props: [
        { kind: "expectApprove" },
        { kind: "else", action: { kind: "discard" } },
        { kind: "timeout", duration: { seconds: "172800" } },
      ],
    });
    const [s, t] = flow.decls.filter((d) => d.kind === "select");
    expect(s).toMatchObject({ by: { kind: "highest", metric: { text: "score" } }, pick: { value: "2" } });
    expect(t).toMatchObject({ by: { kind: "lowest", metric: { text: "size" } } });
    expect(only(flow, "budget").props).toMatchObject([
      { kind: "cap", amount: { value: "100" } },
      { kind: "alert", amount: { value: "80" } },
      { kind: "strict" },
    ]);
    expect(only(flow, "output").refs.map((r) => `${r.name.text}${r.rejected ? ".rejected" : ""}`)).toEqual(["r", "s.rejected", "t"]);
  });
});

describe("keywords are names where a name is expected", () => {
  test("node, op, input, model, metric and reference names", () => {
    const flow = parsed(`flow model {
  input video: video
  model second { rate 1 credit per second }
  node clip = video(video) { model second duration 5s }
  node final = upscale(clip) { param output = "x" }
  gate pass = final.rate >= 1 { else retry final up to 1 }
  select stable = final by highest item
  output pass, stable
}`);
    expect(flow.name.text).toBe("model");
    expect(flow.decls.map((d) => ("name" in d ? d.name.text : d.kind))).toEqual([
      "video",
      "second",
      "clip",
      "final",
      "pass",
      "stable",
      "output",
    ]);
    expect(flow.decls[2]).toMatchObject({ op: { text: "video" }, args: [{ ref: { name: { text: "video" } } }] });
  });
});

describe("positions", () => {
  test("line and column of each declaration", () => {
    const text = "flow f {\n  input a: text\n\tnode b = tag(a)\n}";
    const flow = parsed(text);
    expect(flow.decls.map((d) => [d.range.start.line, d.range.start.column])).toEqual([
      [2, 3],
      [3, 2],
    ]);
    expect(flow.decls[1].range.end).toEqual({ line: 3, column: 17, offset: text.indexOf("(a)") + 3 });
  });

  test("CRLF and CR line ends count as one line break each", () => {
    for (const eol of ["\r\n", "\r"]) {
      const flow = parsed(["flow f {", "  input a: text", "  output a", "}"].join(eol));
      expect(flow.decls.map((d) => d.range.start.line)).toEqual([2, 3]);
    }
  });

  // The parser's ranges hold offsets and work out lines and columns when read (syntax/lines.ts):
  // to everything outside the AST they must be what plain ranges were.
  test("a range of the AST is written to JSON as plain positions", () => {
    const text = "flow f {\n  input a: text\n  output a\n}\n";
    const written = JSON.parse(JSON.stringify(parse(text).ast)) as { flow: { decls: { range: unknown }[] } };
    expect(written.flow.decls[1]!.range).toStrictEqual({ start: { line: 3, column: 3, offset: 27 }, end: { line: 3, column: 11, offset: 35 } });
  });

  test("diagnostics are plain data: they survive structured cloning", () => {
    const analysis = analyzeFile("f.flow", "flow f {\n  input a: text\n  node n = tag(b) { cost 1 credits }\n  output n\n}\n", { readFile: () => undefined });
    expect(analysis.diagnostics.length).toBeGreaterThan(0);
    expect(structuredClone(analysis.diagnostics)).toStrictEqual(analysis.diagnostics);
  });

  test("positionAt clamps to the text", () => {
    expect(positionAt("ab\ncd", 4)).toEqual({ line: 2, column: 2, offset: 4 });
    expect(positionAt("ab\ncd", 99)).toEqual({ line: 2, column: 3, offset: 5 });
    expect(positionAt("ab", -3)).toEqual({ line: 1, column: 1, offset: 0 });
  });

  test("an empty file is an empty AST", () => {
    const result = parse("");
    expect(result).toEqual({
      ast: {
        kind: "file",
        imports: [],
        decls: [],
        range: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } },
      },
      diagnostics: [],
      comments: [],
    });
  });
});

describe("never throws", () => {
  test("a value that is not a string becomes a diagnostic", () => {
    const result = parse(undefined as unknown as string);
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0].message).toMatch(/^internal parser error/);
    expect(result.ast.decls).toEqual([]);
  });
});
