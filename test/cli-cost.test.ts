// `flowc cost`, spawned: the contract's worked examples to the digit, the text/markdown/explain
// forms, and the golden table of samples/campaign.flow.
import { describe, expect, test } from "vitest";
import { ESCAPE, FIXTURES, expectGolden, flowc } from "./cli-spawn";

function costJson(fixture: string, ...flags: string[]): { text: string; value: Record<string, unknown> & { nodes: Record<string, unknown>[] } } {
  const run = flowc(["cost", `${FIXTURES}/${fixture}.flow`, "--format", "json", ...flags]);
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  return { text: run.stdout, value: JSON.parse(run.stdout) };
}

describe("the contract's worked examples (section 9)", () => {
  test.each([
    ["campaign_portraits", [], "902.2896", "272.0257216"],
    ["campaign_portraits", ["--warm"], "899.2896", "269.0257216"],
    ["sharp_drafts", [], "254.65824", "117.9916512"],
    ["split_batches", [], "35", "35"],
    ["product_clips", [], "216.576", "47.5776"],
    ["upscale_first", [], "629.1456", "629.1456"],
    ["review_first", [], "629.1456", "335.54432"],
  ])("%s %j: worst %s, expected %s, written with their exact digits", (fixture, flags, worst, expected) => {
    const { text, value } = costJson(fixture, ...flags);
    expect(text).toContain(`\n  "worstCase": ${worst},\n`);
    expect(text).toContain(`\n  "expected": ${expected},\n`);
    expect(value.flow).toBe(fixture);
    expect(value.warm).toBe(flags.includes("--warm"));
    for (const node of value.nodes) {
      expect(Object.keys(node)).toEqual(expect.arrayContaining(["name", "worstCase", "expected", "calls", "items", "share"]));
    }
    expect(value).toHaveProperty("topTwoShare");
    expect(value).toHaveProperty("witness");
  });

  test("campaign_portraits node by node", () => {
    const { value } = costJson("campaign_portraits");
    const worst = Object.fromEntries(value.nodes.map((n) => [n.name, n.worstCase]));
    expect(worst).toEqual({ style_ref: 3, faces: 5, previews: 52.4288, full: 419.4304, final: 419.4304, captions: 3 });
    expect(value.nodes.slice(0, 2).map((n) => n.name).sort()).toEqual(["final", "full"]);
    expect(value.nodes.find((n) => n.name === "full")).toMatchObject({ calls: 50, attempts: 100, items: 50 });
    expect(value).toMatchObject({ cap: 900, alert: 675, headroom: -2.2896 });
  });

  test("--warm makes the cached node a hit", () => {
    const { value } = costJson("campaign_portraits", "--warm");
    expect(value.nodes.find((n) => n.name === "style_ref")).toMatchObject({ worstCase: 0, cacheHit: true });
  });

  test("upscale_first: FLOW401 gives the credits saved by reviewing first", () => {
    const run = flowc(["check", `${FIXTURES}/upscale_first.flow`, "--format", "json"]);
    const lint = JSON.parse(run.stdout).diagnostics.find((d: { code: string }) => d.code === "FLOW401");
    expect(lint?.message).toContain("293.60128");
  });
});

describe("text", () => {
  test("golden: flowc cost samples/campaign.flow", () => {
    const run = flowc(["cost", "samples/campaign.flow"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).not.toContain(ESCAPE);
    expectGolden("cost-campaign.txt", run.stdout);
  });

  test("headline, top two, cap and the FLOW301 warning", () => {
    const run = flowc(["cost", `${FIXTURES}/campaign_portraits.flow`]);
    expect(run.stdout).toMatch(/^campaign_portraits — worst case 902\.2896 credits, expected 272\.0257216 credits\n/);
    expect(run.stdout).toMatch(/\ntop two nodes: (full, final|final, full) — 93\.0% of the worst case\n/);
    expect(run.stdout).toContain("\ncap 900 credits: worst case exceeds it by 2.2896\n");
    expect(run.stdout).toMatch(/\n\S+campaign_portraits\.flow:\d+:\d+ - warning FLOW301: /);
  });

  test("a flow with errors: diagnostics, no table, status 1", () => {
    const run = flowc(["cost", `${FIXTURES}/broken.flow`]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("error FLOW201");
    expect(run.stdout).not.toMatch(/worst case|^node\s+op/m);
  });
});

describe("--explain", () => {
  test("campaign_portraits: inputs, gates per round, attempts and why", () => {
    const run = flowc(["cost", `${FIXTURES}/campaign_portraits.flow`, "--explain"]);
    expect(run.stdout).toContain("  inputs: shots 50, style 1\n");
    expect(run.stdout).toMatch(/\n {2}approved \(review\)\s+50 checked, 50 passed, 0 rejected\n/);
    expect(run.stdout).toContain("every call of `full` takes 2 attempts (retry 1)");
  });

  test("sharp_drafts: the gate sends every item back twice", () => {
    const run = flowc(["cost", `${FIXTURES}/sharp_drafts.flow`, "--explain"]);
    expect(run.stdout).toContain("`sharp` sends rejected items back for 2 more rounds");
  });

  test("split_batches: the gate splits the items", () => {
    const run = flowc(["cost", `${FIXTURES}/split_batches.flow`, "--explain"]);
    expect(run.stdout).toMatch(/`good` passes ([1-9]\d*) and rejects ([1-9]\d*) of its 50 items/);
  });

  test("product_clips: three attempts per clip", () => {
    const run = flowc(["cost", `${FIXTURES}/product_clips.flow`, "--explain", "--format", "json"]);
    expect(JSON.parse(run.stdout).explanation).toContain("every call of `clip` takes 3 attempts (retry 2): each failed attempt is charged");
  });
});

describe("markdown", () => {
  test("a GitHub table with a header, an alignment row and a totals row", () => {
    const run = flowc(["cost", `${FIXTURES}/campaign_portraits.flow`, "--format", "markdown"]);
    expect(run.status).toBe(0);
    const rows = run.stdout.split("\n").filter((l) => l.startsWith("| "));
    expect(rows[0]).toBe("| node | op | calls | items | worst | exp. calls | exp. items | expected | share |");
    expect(rows[1]).toMatch(/^\| :--- \| :--- (\| ---: ){7}\|$/);
    expect(rows.at(-1)).toMatch(/^\| \*\*total\*\* \|.*\*\*902\.2896\*\*.*\*\*272\.0257216\*\*/);
    expect(rows).toHaveLength(2 + 6 + 1);
  });
});
