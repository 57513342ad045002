// The worked examples of the contract (section 9), as copied into samples/, parse without a
// diagnostic into the AST they describe.
import { describe, expect, test } from "vitest";
import type { Decl, FlowDecl, Node } from "../syntax/ast";
import { parse } from "../grammar/index";
import { expectSoundResult, GRAMMAR_SAMPLES, readSample } from "./grammar-helpers";

function flowOf(sample: string): { text: string; flow: FlowDecl } {
  const text = readSample(sample);
  const flow = parse(text).ast.flow;
  if (flow === undefined) throw new Error(`${sample} has no flow`);
  return { text, flow };
}

function decl<K extends Decl["kind"]>(flow: FlowDecl, kind: K, name: string): Extract<Decl, { kind: K }> {
  const found = flow.decls.find((d) => d.kind === kind && "name" in d && d.name.text === name);
  if (found === undefined) throw new Error(`no ${kind} ${name}`);
  return found as Extract<Decl, { kind: K }>;
}

function source(text: string, node: Node): string {
  return text.slice(node.range.start.offset, node.range.end.offset);
}

describe.each(GRAMMAR_SAMPLES)("%s", (sample) => {
  const text = readSample(sample);
  const result = parse(text);

  test("parses without diagnostics", () => {
    expect(result.diagnostics).toEqual([]);
    expect(result.ast.flow).toBeDefined();
  });

  test("every range is sound and every declaration's text starts with its keyword and name", () => {
    expectSoundResult(result, text);
    for (const d of result.ast.flow?.decls ?? []) {
      const written = source(text, d);
      expect(written.startsWith(d.kind)).toBe(true);
      if ("name" in d) expect(written).toMatch(new RegExp(`^${d.kind}\\s+${d.name.text}\\b`));
    }
  });
});

describe("campaign.flow", () => {
  const { text, flow } = flowOf("campaign.flow");

  test("declarations in order", () => {
    expect(flow.name.text).toBe("campaign_portraits");
    expect(flow.name.range.start).toEqual({ line: 3, column: 6, offset: text.indexOf("campaign_portraits") });
    expect(flow.decls.map((d) => d.kind)).toEqual([
      ...["input", "input", "budget"],
      ...["model", "model", "model", "model", "model"],
      ...["node", "node", "gate", "node", "select", "node", "review", "node", "node", "output"],
    ]);
  });

  test("inputs: count, expect and stable", () => {
    const shots = decl(flow, "input", "shots");
    expect(shots.type).toBe("image");
    expect(shots.count).toMatchObject({ min: 0, max: 50 });
    expect(shots.expect.map((e) => e.value)).toEqual(["40"]);
    expect(shots.stable).toEqual([]);
    const style = decl(flow, "input", "style");
    expect(style.count).toBeUndefined();
    expect(style.stable.map((r) => text.slice(r.start.offset, r.end.offset))).toEqual(["stable"]);
  });

  test("budget and models", () => {
    const budget = flow.decls.find((d) => d.kind === "budget");
    expect(budget?.kind === "budget" && budget.props).toMatchObject([
      { kind: "cap", amount: { value: "900" } },
      { kind: "alert", percent: { value: "75" } },
    ]);
    expect(decl(flow, "model", "flux_schnell").props).toMatchObject([
      { kind: "rate", amount: { value: "1" }, units: [{ unit: "megapixel" }] },
    ]);
    expect(decl(flow, "model", "captioner").props).toMatchObject([
      { kind: "rate", amount: { value: "0.02" }, units: [{ unit: "item" }] },
      { kind: "overhead", amount: { value: "1" } },
    ]);
  });

  test("nodes: cost, cache, named arguments, variants, retry, param, batch", () => {
    expect(decl(flow, "node", "style_ref").props).toMatchObject([
      { kind: "cost", amount: { value: "3" }, perCall: false },
      { kind: "cache", off: false, ttl: { text: "48h", seconds: "172800" } },
    ]);
    const previews = decl(flow, "node", "previews");
    expect(previews.op.text).toBe("generate");
    expect(previews.args).toMatchObject([
      { kind: "positional", ref: { name: { text: "face_ok" } } },
      { kind: "named", name: { text: "style" }, ref: { name: { text: "style_ref" } } },
    ]);
    expect(previews.props).toMatchObject([
      { kind: "model", model: { text: "flux_schnell" } },
      { kind: "resolution", resolution: { width: 512, height: 512 } },
      { kind: "variants", count: { value: "4" } },
    ]);
    expect(decl(flow, "node", "full").props.slice(2)).toMatchObject([
      { kind: "retry", count: { value: "1" } },
      { kind: "param", name: { text: "prompt" }, value: { kind: "string", value: "studio portrait, soft light" } },
    ]);
    expect(decl(flow, "node", "captions").props[1]).toMatchObject({ kind: "batch", size: { value: "25" } });
    const full = decl(flow, "node", "full");
    expect(source(text, full)).toMatch(/^node full = generate\(direction, style: style_ref\) \{[\s\S]*\n {2}\}$/);
  });

  test("gate, select, review and output", () => {
    const gate = decl(flow, "gate", "face_ok");
    expect(gate.conds).toMatchObject([
      { source: { text: "faces" }, metric: { text: "confidence" }, op: ">=", threshold: { value: "0.8" } },
    ]);
    expect(gate.props).toMatchObject([
      { kind: "expectPass", percent: { value: "85" } },
      { kind: "else", action: { kind: "discard" } },
    ]);
    expect(decl(flow, "select", "direction")).toMatchObject({ source: { text: "previews" }, by: { kind: "human" } });
    expect(decl(flow, "select", "direction").pick).toBeUndefined();
    expect(decl(flow, "review", "approved")).toMatchObject({
      source: { name: { text: "full" } },
      props: [{ kind: "expectApprove", percent: { value: "30" } }],
    });
    const output = flow.decls[flow.decls.length - 1];
    expect(output.kind === "output" && output.refs.map((r) => r.name.text)).toEqual(["final", "captions"]);
  });

  test("comments are kept, in order, with their ranges", () => {
    const { comments } = parse(text);
    expect(comments).toHaveLength(6);
    expect(comments[0]).toMatchObject({
      text: expect.stringMatching(/^\/\/ Cheap previews/),
      block: false,
      range: { start: { line: 1, column: 1 } },
    });
    expect(comments[3].text).toBe("// one style reference, rarely changes");
  });
});

describe("the other worked examples", () => {
  test("sharp_drafts: else retry up to 2", () => {
    const { flow } = flowOf("sharp_drafts.flow");
    expect(decl(flow, "gate", "sharp").props[1]).toMatchObject({
      kind: "else",
      action: { kind: "retry", target: { text: "draft" }, upTo: { value: "2" }, thenDiscard: false },
    });
    expect(decl(flow, "node", "qc").props).toMatchObject([{ kind: "cost", amount: { value: "0.05" } }]);
  });

  test("split_batches: a .rejected reference and two properties on one line", () => {
    const { text, flow } = flowOf("split_batches.flow");
    const ref = decl(flow, "node", "tag_bad").args[0].ref;
    expect(ref.name.text).toBe("good");
    expect(ref.rejected && text.slice(ref.rejected.start.offset, ref.rejected.end.offset)).toBe(".rejected");
    expect(text.slice(ref.range.start.offset, ref.range.end.offset)).toBe("good.rejected");
    expect(decl(flow, "node", "tag_good").props.map((p) => p.kind)).toEqual(["model", "batch"]);
    expect(decl(flow, "model", "tagger").props).toMatchObject([
      { kind: "rate", amount: { value: "0" } },
      { kind: "overhead", amount: { value: "10" } },
    ]);
  });

  test("product_clips: a node named for the video op, duration, expect fail", () => {
    const { flow } = flowOf("product_clips.flow");
    const clip = decl(flow, "node", "clip");
    expect(clip.op.text).toBe("video");
    expect(clip.props).toMatchObject([
      { kind: "model", model: { text: "kling" } },
      { kind: "resolution", resolution: { width: 1280, height: 720 } },
      { kind: "duration", duration: { text: "5s", seconds: "5" } },
      { kind: "retry", count: { value: "2" } },
      { kind: "expectFail", percent: { value: "10" } },
    ]);
    expect(decl(flow, "model", "kling").props).toMatchObject([{ kind: "rate", units: [{ unit: "megapixel" }, { unit: "second" }] }]);
  });

  test("the deferred-upscale pair differ only in order", () => {
    const first = flowOf("upscale_first.flow").flow;
    const second = flowOf("review_first.flow").flow;
    expect(decl(first, "review", "ok").source.name.text).toBe("up");
    expect(decl(second, "review", "ok").source.name.text).toBe("draft");
    expect(decl(second, "node", "up").args[0].ref.name.text).toBe("ok");
    for (const flow of [first, second]) {
      expect(decl(flow, "node", "up").props).toMatchObject([
        { kind: "model" },
        { kind: "resolution", resolution: { width: 4096, height: 4096 } },
      ]);
    }
  });
});
