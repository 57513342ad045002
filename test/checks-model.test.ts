// The semantic model: figures, defaults, order and wiring, on the contract's worked examples and
// the samples; and when the model is withheld.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { FlowModel, GateStream, InputStream, NodeStream, SelectStream, Stream } from "../compiler/model";
import { check, formatDiagnostic } from "./checks-helpers";
import { CAMPAIGN, PRODUCT_CLIPS, SHARP_DRAFTS, SPLIT_BATCHES } from "./checks-contract-flows";
import { readsOf } from "../compiler/checks/walk";

function modelOf(text: string): FlowModel {
  const result = check(text);
  expect(result.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic)).toEqual([]);
  expect(result.model).toBeDefined();
  return result.model!;
}

function stream<K extends Stream["kind"]>(model: FlowModel, name: string, kind: K): Extract<Stream, { kind: K }> {
  const s = model.byName.get(name);
  expect(s?.kind).toBe(kind);
  return s as Extract<Stream, { kind: K }>;
}

const node = (m: FlowModel, n: string): NodeStream => stream(m, n, "node");
const gate = (m: FlowModel, n: string): GateStream => stream(m, n, "gate");
const input = (m: FlowModel, n: string): InputStream => stream(m, n, "input");

describe("campaign_portraits", () => {
  const model = modelOf(CAMPAIGN);

  it("has no diagnostics at all", () => {
    expect(check(CAMPAIGN).diagnostics.map(formatDiagnostic)).toEqual([]);
  });

  it("prices outputs and calls from the models and the node's own cost", () => {
    expect(node(model, "full").pricePerOutput.toFixed()).toBe("4.194304");
    expect(node(model, "previews").pricePerOutput.toFixed()).toBe("0.262144");
    expect(node(model, "final").pricePerOutput.toFixed()).toBe("8.388608");
    expect(node(model, "captions").overheadPerCall.toFixed()).toBe("1");
    expect(node(model, "captions").pricePerOutput.toFixed()).toBe("0.02");
    expect(node(model, "style_ref").pricePerOutput.toFixed()).toBe("3");
    expect(node(model, "style_ref").overheadPerCall.toFixed()).toBe("0");
  });

  it("keeps node properties and defaults", () => {
    expect(node(model, "previews").variants).toBe(4);
    expect(node(model, "full").variants).toBe(1);
    expect(node(model, "full").retry).toBe(1);
    expect(node(model, "faces").retry).toBe(0);
    expect(node(model, "faces").failRate.toFixed()).toBe("0");
    expect(node(model, "captions").batch).toBe(25);
    expect(node(model, "faces").batch).toBeUndefined();
    expect(node(model, "style_ref").cacheTtlSeconds?.toFixed()).toBe("172800");
    expect(node(model, "full").params).toEqual({ prompt: "studio portrait, soft light" });
    expect(node(model, "full").named).toEqual([{ name: "style", ref: { name: "style_ref", rejected: false } }]);
    expect(node(model, "full").source).toEqual({ name: "direction", rejected: false });
    expect(node(model, "full").model?.name).toBe("flux_pro");
    expect(node(model, "style_ref").model).toBeUndefined();
  });

  it("converts rates to fractions and marks the given ones", () => {
    expect(gate(model, "face_ok").passRate.toFixed()).toBe("0.85");
    expect(gate(model, "face_ok").passRateGiven).toBe(true);
    expect(gate(model, "face_ok").discards).toBe(true);
    expect(gate(model, "face_ok").conds).toEqual([{ metric: "confidence", op: ">=", threshold: expect.anything() }]);
    expect(gate(model, "approved").human).toBe(true);
    expect(gate(model, "approved").passRate.toFixed()).toBe("0.3");
    expect(gate(model, "approved").discards).toBe(false);
    expect(stream(model, "direction", "select") satisfies SelectStream).toMatchObject({ source: "previews", pick: 1, by: { kind: "human" } });
  });

  it("reads input counts and expectations", () => {
    expect(input(model, "shots")).toMatchObject({ single: false, min: 0, max: 50, stable: false });
    expect(input(model, "shots").expect.toFixed()).toBe("40");
    expect(input(model, "style")).toMatchObject({ single: true, min: 1, max: 1, stable: true });
    expect(input(model, "style").expect.toFixed()).toBe("1");
  });

  it("converts a percent alert with the cap", () => {
    expect(model.budget?.cap?.toFixed()).toBe("900");
    expect(model.budget?.alert?.toFixed()).toBe("675");
    expect(model.budget?.strict).toBe(false);
  });

  it("wires consumers through primary inputs only and lists outputs", () => {
    expect(model.consumers.get("style_ref")).toBeUndefined(); // read only as a named argument: no primary readers, no entry
    expect(model.consumers.get("faces")).toEqual({ pass: ["face_ok"], rejected: [] });
    expect(model.consumers.get("previews")).toEqual({ pass: ["direction"], rejected: [] });
    expect(model.consumers.get("approved")).toEqual({ pass: ["final"], rejected: [] });
    expect(model.outputs).toEqual([
      { name: "final", rejected: false },
      { name: "captions", rejected: false },
    ]);
  });
});

describe("the other worked examples", () => {
  it("sharp_drafts: the retry chain runs from the target down to the gate's source", () => {
    const model = modelOf(SHARP_DRAFTS);
    expect(gate(model, "sharp").retry).toEqual({ target: "draft", upTo: 2, chain: ["draft", "qc"] });
    expect(gate(model, "sharp").discards).toBe(false);
    expect(node(model, "qc").pricePerOutput.toFixed()).toBe("0.05");
    expect(input(model, "prompts").expect.toFixed()).toBe("20");
  });

  it("split_batches: rejected items have their own consumers; a 0 rate with an overhead", () => {
    const model = modelOf(SPLIT_BATCHES);
    expect(model.consumers.get("good")).toEqual({ pass: ["tag_good"], rejected: ["tag_bad"] });
    expect(node(model, "tag_bad").source).toEqual({ name: "good", rejected: true });
    expect(node(model, "tag_bad").overheadPerCall.toFixed()).toBe("10");
    expect(node(model, "tag_bad").pricePerOutput.toFixed()).toBe("0");
  });

  it("product_clips: per megapixel per second, and a fail rate", () => {
    const model = modelOf(PRODUCT_CLIPS);
    expect(node(model, "clip").pricePerOutput.toFixed()).toBe("6.912");
    expect(node(model, "clip").failRate.toFixed()).toBe("0.1");
    expect(node(model, "clip").durationSeconds?.toFixed()).toBe("5");
    expect(node(model, "keyframe").resolution).toEqual({ width: 1280, height: 720 });
  });

  it.each([SHARP_DRAFTS, SPLIT_BATCHES, PRODUCT_CLIPS])("warns only that there is no budget (%#)", (text) => {
    expect(check(text).diagnostics.map((d) => d.code)).toEqual(["FLOW305"]);
  });
});

describe("stream order", () => {
  it("puts every stream after the streams it reads, whatever the declaration order", () => {
    const text = `flow backwards {
      output c
      node c = upscale(b, ref: a) { cost 1 credit }
      gate b = a.aesthetic >= 0.5 { expect pass 50% }
      node a = generate(i) { cost 1 credit }
      input i: text
      budget { cap 10 credits }
    }`;
    const model = modelOf(text);
    expect(model.streams.map((s) => s.name)).toEqual(["i", "a", "b", "c"]);
    const seen = new Set<string>();
    for (const s of model.streams) {
      for (const read of readsOf(s)) expect(seen.has(read)).toBe(true);
      seen.add(s.name);
    }
  });
});

describe("samples", () => {
  const dir = fileURLToPath(new URL("../samples", import.meta.url));
  const samples = readdirSync(dir).filter((f) => f.endsWith(".flow")).sort();

  it("exist", () => {
    expect(samples.length).toBeGreaterThan(0);
  });

  it("campaign and sharp_drafts as shipped carry the contract's figures", () => {
    const campaign = check(readFileSync(path.join(dir, "campaign.flow"), "utf8"), dir).model!;
    expect(node(campaign, "full").pricePerOutput.toFixed()).toBe("4.194304");
    expect(node(campaign, "captions").overheadPerCall.toFixed()).toBe("1");
    expect(node(campaign, "previews").variants).toBe(4);
    expect(gate(campaign, "face_ok").passRate.toFixed()).toBe("0.85");
    expect(campaign.budget?.alert?.toFixed()).toBe("675");
    const sharp = check(readFileSync(path.join(dir, "sharp_drafts.flow"), "utf8"), dir).model!;
    expect(gate(sharp, "sharp").retry?.chain).toEqual(["draft", "qc"]);
  });

  it.each(samples)("%s resolves with no errors", (name) => {
    const result = check(readFileSync(path.join(dir, name), "utf8"), dir);
    expect(result.syntax.map(formatDiagnostic)).toEqual([]);
    expect(result.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic)).toEqual([]);
    expect(result.model).toBeDefined();
  });
});

describe("when the model is withheld", () => {
  const base = (extra: string) => `flow f {
    input shots: image[3]
    budget { cap 10 credits }
    node a = generate(shots) { cost 1 credit ${extra} }
    output a
  }`;

  it("keeps the model when the only errors are params, metrics or thresholds", () => {
    const result = check(base('param steps = 999'));
    expect(result.diagnostics.map((d) => d.code)).toEqual(["FLOW210"]);
    expect(result.model).toBeDefined();
  });

  it.each([
    ["an unknown name", "node b = generate(nothing) { cost 1 credit }", "FLOW201"],
    ["a duplicate name", "input a: text", "FLOW202"],
    ["a cycle", "node b = generate(b) { cost 1 credit }", "FLOW203"],
    ["an unknown op", "node b = frob(shots) { cost 1 credit }", "FLOW211"],
    ["an invalid property", "node b = generate(shots) { cost 1 credit  variants 0 }", "FLOW212"],
  ])("drops the model for %s", (_label, decl, code) => {
    const result = check(base("").replace("output a", `${decl}\n output a`));
    expect(result.diagnostics.map((d) => d.code)).toContain(code);
    expect(result.model).toBeUndefined();
  });

  it("returns no model and no errors for a file of models and ops only", () => {
    const result = check(`model m { rate 1 credit per item }\nop o { batchable }`);
    expect(result.model).toBeUndefined();
    expect(result.diagnostics).toEqual([]);
  });

  it("lets a user op replace a built-in one", () => {
    const model = modelOf(`op generate { metric fun 0..10 }
      flow f {
        input i: text
        budget { cap 10 credits }
        node a = generate(i) { cost 1 credit  param anything = 1 }
        gate g = a.fun >= 5 { expect pass 50% }
        output g
      }`);
    expect(node(model, "a").op).toMatchObject({ name: "generate", builtin: false, metrics: { fun: { min: "0", max: "10" } } });
  });
});
