// `flowc diff`, the pure part (compiler/diff.ts): figures before and after to the digit, nodes and
// flows added and removed, cap changes, diagnostics matched by code, declaration and message (not
// by line), totals, sorting, and the --max-increase limits.
import { describe, expect, test } from "vitest";
import { type DiffSide, diffFlows, increasesPast } from "../compiler/diff";
import { Decimal } from "../syntax/credits";
import type { AnalyzeOptions } from "../compiler/index";
import { analyze, fixture } from "./diff-helpers";

function side(text: string, options: AnalyzeOptions = {}): DiffSide {
  const a = analyze(text, options);
  return { file: a.file, ast: a.ast, cost: a.cost, diagnostics: a.diagnostics };
}

const sides = (entries: Record<string, string>) => new Map(Object.entries(entries).map(([k, text]) => [k, side(text)]));

const campaign = fixture("campaign_portraits");
const dearer = campaign.replace("rate 4 credits per megapixel", "rate 4.5 credits per megapixel");

describe("one flow, a price change", () => {
  const report = diffFlows(sides({ "campaign.flow": campaign }), sides({ "campaign.flow": dearer }));
  const flow = report.flows[0]!;

  test("worst case and expected before, after, change and percent, exactly", () => {
    expect(flow.status).toBe("changed");
    expect(flow.worstCase.before!.toFixed()).toBe("902.2896");
    expect(flow.worstCase.after!.toFixed()).toBe("954.7184");
    // full: 50 items, two attempts each, 1.048576 MP × 0.5 more credits
    expect(flow.worstCase.delta!.toFixed()).toBe("52.4288");
    expect(flow.worstCase.ratio!.eq(new Decimal("52.4288").div("902.2896"))).toBe(true);
    expect(flow.expected.delta!.toFixed()).toBe("17.825792");
  });

  test("only the node whose model changed moved; the rest are unchanged", () => {
    expect(flow.nodes.filter((n) => n.status !== "unchanged").map((n) => [n.name, n.worstCase.delta!.toFixed()])).toEqual([["full", "52.4288"]]);
    expect(flow.nodes).toHaveLength(6);
  });

  test("the budget diagnostics whose figures moved are changed, not fixed and new", () => {
    expect(flow.newDiagnostics).toEqual([]);
    expect(flow.fixedDiagnostics).toEqual([]);
    expect(flow.changedDiagnostics.map((c) => `${c.after.diagnostic.code} ${c.after.node}`)).toContain("FLOW301 budget");
  });

  test("totals", () => {
    expect(report.totals.worstCase.delta!.toFixed()).toBe("52.4288");
    expect(report.totals).toMatchObject({ flows: 1, changed: 1 });
    expect(report.changed).toBe(true);
  });
});

describe("what is matched, and how", () => {
  test("the same flow, moved down by an edit above it: nothing changed", () => {
    const moved = `// a new comment at the top\n\n\n${campaign.replace("node faces = face_detect(shots) { model face_v1 }", "node faces = face_detect(shots) {\n    model face_v1\n  }")}`;
    const report = diffFlows(sides({ f: campaign }), sides({ f: moved }));
    expect(report.changed).toBe(false);
    expect(report.flows[0]!.status).toBe("unchanged");
  });

  test("a new diagnostic is new, a removed cause is fixed", () => {
    const before = fixture("sharp_drafts");
    const after = before.replace("output sharp", "node spare = generate(prompts) { model flux_pro  resolution 1024x1024 }\n  output sharp");
    const report = diffFlows(sides({ f: before }), sides({ f: after }));
    const flow = report.flows[0]!;
    expect(flow.newDiagnostics.map((c) => `${c.diagnostic.code} ${c.node}`)).toContain("FLOW407 spare");
    expect(flow.nodes.find((n) => n.name === "spare")).toMatchObject({ status: "added" });
    const back = diffFlows(sides({ f: after }), sides({ f: before })).flows[0]!;
    expect(back.fixedDiagnostics.map((c) => `${c.diagnostic.code} ${c.node}`)).toContain("FLOW407 spare");
    expect(back.nodes.find((n) => n.name === "spare")).toMatchObject({ status: "removed" });
    expect(back.nodes.find((n) => n.name === "spare")!.worstCase.after).toBeUndefined();
  });

  test("policy diagnostics take part: a new FLOW501 is new", () => {
    const policy = { source: "flowc.json", maxWorstCase: new Decimal(950) };
    const report = diffFlows(new Map([["f", side(campaign, { policy })]]), new Map([["f", side(dearer, { policy })]]));
    expect(report.flows[0]!.newDiagnostics.map((c) => c.diagnostic.code)).toEqual(["FLOW501"]);
  });

  test("cap and alert changes", () => {
    const report = diffFlows(sides({ f: campaign }), sides({ f: campaign.replace("cap 900 credits", "cap 1000 credits") }));
    const flow = report.flows[0]!;
    expect(flow.status).toBe("changed");
    expect([flow.cap.before!.toFixed(), flow.cap.after!.toFixed()]).toEqual(["900", "1000"]);
    expect([flow.alert.before!.toFixed(), flow.alert.after!.toFixed()]).toEqual(["675", "750"]);
    expect(flow.worstCase.delta!.isZero()).toBe(true);
  });
});

describe("flows added, removed, and with errors", () => {
  test("an added flow counts from 0 and has no percentage; a removed one goes to 0", () => {
    const report = diffFlows(sides({ a: campaign }), sides({ b: fixture("sharp_drafts") }));
    const added = report.flows.find((f) => f.path === "b")!;
    const removed = report.flows.find((f) => f.path === "a")!;
    expect(added).toMatchObject({ status: "added", flow: "sharp_drafts" });
    expect(added.worstCase.delta!.toFixed()).toBe("254.65824");
    expect(added.worstCase.ratio).toBeUndefined();
    expect(removed.status).toBe("removed");
    expect(removed.worstCase.delta!.toFixed()).toBe("-902.2896");
    expect(removed.worstCase.ratio!.toFixed()).toBe("-1");
    expect(report.totals.worstCase.delta!.toFixed()).toBe("-647.63136");
  });

  test("a side with errors has no figures: no change is computed, and the totals leave it out", () => {
    const broken = campaign.replace("face_detect(shots)", "face_detect(shot)");
    const report = diffFlows(sides({ f: campaign, g: fixture("sharp_drafts") }), sides({ f: broken, g: fixture("sharp_drafts") }));
    const flow = report.flows.find((f) => f.path === "f")!;
    expect(flow.status).toBe("changed");
    expect(flow.priced).toEqual({ before: true, after: false });
    expect(flow.worstCase.delta).toBeUndefined();
    expect(flow.nodes).toEqual([]);
    expect(flow.newDiagnostics.map((c) => c.diagnostic.code)).toContain("FLOW201");
    expect(report.totals.worstCase.before!.toFixed()).toBe("254.65824");
  });

  test("flows are sorted by the size of their change", () => {
    const report = diffFlows(
      sides({ a: fixture("sharp_drafts"), b: campaign, c: fixture("product_clips") }),
      sides({ a: fixture("sharp_drafts").replace("cost 0.05 credits", "cost 0.06 credits"), b: dearer, c: fixture("product_clips") }),
    );
    expect(report.flows.map((f) => [f.path, f.status])).toEqual([
      ["b", "changed"],
      ["a", "changed"],
      ["c", "unchanged"],
    ]);
  });
});

describe("--max-increase", () => {
  const report = diffFlows(sides({ c: campaign }), sides({ c: dearer, s: fixture("sharp_drafts") }));
  const past = (limit: Parameters<typeof increasesPast>[1]) => increasesPast(report, limit).map((e) => `${e.path} ${e.figure}`);

  test("credits: any flow whose figure grew by more", () => {
    expect(past({ kind: "credits", credits: new Decimal("52.4288") })).toEqual(["s worst case", "s expected"]);
    expect(past({ kind: "credits", credits: new Decimal("17") })).toEqual(["s worst case", "s expected", "c worst case", "c expected"]);
  });

  test("percent: flows that existed before only (5.8% and 6.6% here)", () => {
    expect(past({ kind: "percent", percent: new Decimal(6) })).toEqual(["c expected"]);
    expect(past({ kind: "percent", percent: new Decimal(5) })).toEqual(["c worst case", "c expected"]);
    expect(past({ kind: "percent", percent: new Decimal(7) })).toEqual([]);
  });
});
