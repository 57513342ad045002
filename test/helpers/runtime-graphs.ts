// FlowGraph values built by hand for the runtime tests: the contract's worked examples (section 9)
// with their exact prices, and small builders for random graphs.
import type { FlowGraph, GraphGate, GraphInput, GraphNode, GraphRef, GraphSelect, Scenario } from "../../runtime/graph";

const UNIT = { min: "0", max: "1" };
const METRICS: Record<string, string[]> = {
  generate: ["aesthetic", "prompt_match"],
  upscale: ["sharpness"],
  video: ["motion", "aesthetic"],
  face_detect: ["confidence"],
  quality_check: ["sharpness", "legibility", "aesthetic"],
  style_extract: ["consistency"],
  caption: ["confidence"],
  tag: ["confidence"],
};

export function ref(name: string, rejected = false): GraphRef {
  return { name, rejected };
}

export function input(name: string, mediaType: GraphInput["mediaType"], max?: number, expect?: number, stable = false): GraphInput {
  const single = max === undefined;
  return { kind: "input", name, mediaType, single, min: single ? 1 : 0, max: max ?? 1, expect: String(expect ?? max ?? 1), stable, line: 1 };
}

export function node(name: string, op: string, source: GraphRef | undefined, props: Partial<GraphNode> = {}): GraphNode {
  return {
    kind: "node",
    name,
    op,
    source,
    named: [],
    variants: 1,
    retry: 0,
    failRate: "0",
    pricePerOutput: "0",
    overheadPerCall: "0",
    params: {},
    metrics: Object.fromEntries((METRICS[op] ?? []).map((m) => [m, UNIT])),
    line: 1,
    ...props,
  };
}

export function gate(name: string, source: GraphRef, metric: string, threshold: string, passRate: string, props: Partial<GraphGate> = {}): GraphGate {
  return { kind: "gate", name, human: false, source, conds: [{ metric, op: ">=", threshold }], passRate, discards: true, line: 1, ...props };
}

export function review(name: string, source: GraphRef, passRate: string, props: Partial<GraphGate> = {}): GraphGate {
  return { kind: "gate", name, human: true, source, conds: [], passRate, discards: true, line: 1, ...props };
}

export function select(name: string, source: string, by: GraphSelect["by"] = { kind: "human" }, pick = 1): GraphSelect {
  return { kind: "select", name, source, pick, by, line: 1 };
}

export function campaign(): FlowGraph {
  const style = ref("style_ref");
  return {
    flow: "campaign_portraits",
    streams: [
      input("shots", "image", 50, 40),
      input("style", "image", undefined, undefined, true),
      node("style_ref", "style_extract", ref("style"), { pricePerOutput: "3", cacheTtlSeconds: "172800" }),
      node("faces", "face_detect", ref("shots"), { model: "face_v1", pricePerOutput: "0.1" }),
      gate("face_ok", ref("faces"), "confidence", "0.8", "0.85"),
      node("previews", "generate", ref("face_ok"), { model: "flux_schnell", resolution: { width: 512, height: 512 }, variants: 4, pricePerOutput: "0.262144", named: [{ name: "style", ref: style }] }),
      select("direction", "previews"),
      node("full", "generate", ref("direction"), { model: "flux_pro", resolution: { width: 1024, height: 1024 }, retry: 1, pricePerOutput: "4.194304", named: [{ name: "style", ref: style }], params: { prompt: "studio portrait, soft light" } }),
      review("approved", ref("full"), "0.3"),
      node("final", "upscale", ref("approved"), { model: "esrgan", resolution: { width: 4096, height: 4096 }, pricePerOutput: "8.388608" }),
      node("captions", "caption", ref("final"), { model: "captioner", pricePerOutput: "0.02", overheadPerCall: "1", batch: 25 }),
    ],
    outputs: [ref("final"), ref("captions")],
    budget: { cap: "900", alert: "675", strict: false },
    worstCase: "902.2896",
    expected: "272.0257216",
  };
}

export const campaignWorst: Scenario = {
  inputs: { shots: 50, style: 1 },
  gates: { face_ok: [{ passed: 50 }], approved: [{ passed: 50 }] },
  attempts: { style_ref: 1, faces: 1, previews: 1, full: 2, final: 1, captions: 1 },
};

export function sharpDrafts(): FlowGraph {
  return {
    flow: "sharp_drafts",
    streams: [
      input("prompts", "text", 20),
      node("draft", "generate", ref("prompts"), { model: "flux_pro", resolution: { width: 1024, height: 1024 }, pricePerOutput: "4.194304" }),
      node("qc", "quality_check", ref("draft"), { pricePerOutput: "0.05" }),
      gate("sharp", ref("qc"), "sharpness", "0.6", "0.7", { discards: false, retry: { target: "draft", upTo: 2, chain: ["draft", "qc"] } }),
    ],
    outputs: [ref("sharp")],
    budget: { strict: false },
    worstCase: "254.65824",
    expected: "117.9916512",
  };
}

export const sharpWorst: Scenario = {
  inputs: { prompts: 20 },
  gates: { sharp: [{ passed: 0 }, { passed: 0 }, { passed: 7 }] },
  attempts: { draft: 1, qc: 1 },
};

export function splitBatches(): FlowGraph {
  return {
    flow: "split_batches",
    streams: [
      input("docs", "text", 50),
      node("check", "quality_check", ref("docs"), { pricePerOutput: "0.1" }),
      gate("good", ref("check"), "legibility", "0.5", "0.9", { discards: false }),
      node("tag_good", "tag", ref("good"), { model: "tagger", overheadPerCall: "10", batch: 25 }),
      node("tag_bad", "tag", ref("good", true), { model: "tagger", overheadPerCall: "10", batch: 25 }),
    ],
    outputs: [ref("tag_good"), ref("tag_bad")],
    budget: { strict: false },
    worstCase: "35",
    expected: "35",
  };
}

export const splitWorst: Scenario = {
  inputs: { docs: 50 },
  gates: { good: [{ passed: 26 }] },
  attempts: { check: 1, tag_good: 1, tag_bad: 1 },
};

export function productClips(): FlowGraph {
  return {
    flow: "product_clips",
    streams: [
      input("products", "image", 10),
      node("keyframe", "generate", ref("products"), { model: "flux_schnell", resolution: { width: 1280, height: 720 }, pricePerOutput: "0.9216" }),
      review("ok", ref("keyframe"), "0.5"),
      node("clip", "video", ref("ok"), { model: "kling", resolution: { width: 1280, height: 720 }, durationSeconds: "5", retry: 2, failRate: "0.1", pricePerOutput: "6.912" }),
    ],
    outputs: [ref("clip")],
    budget: { strict: false },
    worstCase: "216.576",
    expected: "47.5776",
  };
}

export const productWorst: Scenario = {
  inputs: { products: 10 },
  gates: { ok: [{ passed: 10 }] },
  attempts: { keyframe: 1, clip: 3 },
};

/** A copy without a cap or alert (a worst-case run of campaign passes its cap of 900). */
export function uncapped(graph: FlowGraph): FlowGraph {
  return { ...graph, budget: { strict: graph.budget.strict } };
}
