// Policies in flowc.json (FLOW501–FLOW506): the glob matcher, which entries apply to a file, each
// limit at and past its boundary, the schema's messages, and `flowc check` enforcing them.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { matchesGlob } from "../compiler/glob";
import { type AppliedPolicy, type PolicyDoc, policiesOf, policyFor } from "../compiler/policy";
import { parseConfig } from "../compiler/config";
import { analyze, cli, fixture, sample, tempDir } from "./diff-helpers";

const codes = (text: string, policy: Omit<AppliedPolicy, "source">) =>
  analyze(text, { policy: { ...policy, source: "flowc.json" } })
    .diagnostics.filter((d) => d.code.startsWith("FLOW5"))
    .map((d) => `${d.code} ${d.message}`);

const limits = (...docs: PolicyDoc[]) => {
  const read = policiesOf(docs, "flowc.json");
  if (!read.ok) throw new Error(read.errors.join("; "));
  return read.policies;
};

describe("globs", () => {
  test.each([
    ["samples/campaign.flow", "samples/*.flow", true],
    ["samples/deep/campaign.flow", "samples/*.flow", false],
    ["samples/deep/campaign.flow", "samples/**/*.flow", true],
    ["samples/campaign.flow", "samples/**/*.flow", true],
    ["campaign.flow", "**/*.flow", true],
    ["a/b/c.flow", "**", true],
    ["flows/video_ad.flow", "flows/{video,clip}_*.flow", true],
    ["flows/still.flow", "flows/{video,clip}_*.flow", false],
    ["flows/a.flow", "./flows/?.flow", true],
    ["flows/ab.flow", "flows/?.flow", false],
    ["flows/a+b.flow", "flows/a+b.flow", true],
    ["flowsXa.flow", "flows.a.flow", false],
    // where the hand-written matcher differed from minimatch: dotfiles, classes, extglobs
    [".drafts/a.flow", "**/*.flow", false],
    ["flows/.old/a.flow", "flows/**/*.flow", false],
    [".drafts/a.flow", ".drafts/*.flow", true],
    ["flows/a.flow", "flows/[ab].flow", true],
    ["flows/c.flow", "flows/[!ab].flow", true],
    ["flows/a.flow", "flows/[!ab].flow", false],
    ["flows/clip.flow", "flows/@(video|clip).flow", true],
    ["flows/still.flow", "flows/!(still).flow", false],
    ["flows/ad.flow", "flows/!(still).flow", true],
  ])("%s matches %s: %s", (file, glob, expected) => {
    expect(matchesGlob(file, glob)).toBe(expected);
  });
});

describe("which policy applies", () => {
  const policies = limits(
    { files: "**/*.flow", maxWorstCase: 1000, requireBudget: true },
    { files: ["flows/big/*.flow", "legacy.flow"], maxWorstCase: 5000 },
    { files: "flows/big/huge.flow", requireBudget: false },
  );

  test("every matching entry, later ones overriding earlier ones key by key", () => {
    expect(policyFor(policies, "flows/small.flow")).toMatchObject({ maxWorstCase: expect.anything(), requireBudget: ["cap"] });
    expect(policyFor(policies, "flows/small.flow")!.maxWorstCase!.toFixed()).toBe("1000");
    expect(policyFor(policies, "flows/big/a.flow")!.maxWorstCase!.toFixed()).toBe("5000");
    expect(policyFor(policies, "legacy.flow")!.maxWorstCase!.toFixed()).toBe("5000");
    expect(policyFor(policies, "flows/big/huge.flow")!.requireBudget).toEqual(["cap"]);
  });

  test("none matching: no policy", () => {
    expect(policyFor(limits({ files: "flows/*.flow", maxExpected: 1 }), "samples/a.flow")).toBeUndefined();
  });

  test("capHeadroom with min above max is refused", () => {
    const read = policiesOf([{ files: "*.flow", capHeadroom: { min: 1.3, max: 1.2 } }], "flowc.json");
    expect(read.ok ? "" : read.errors.join()).toBe("flowc.json: policies.0.capHeadroom: min 1.3 is above max 1.2");
  });
});

describe("each limit", () => {
  const campaign = fixture("campaign_portraits");

  test("FLOW501/FLOW502: worst case and expected above the limit; at the limit is within it", () => {
    expect(codes(campaign, limits({ files: "*", maxWorstCase: 902.2896, maxExpected: 272.0257216 })[0]!)).toEqual([]);
    expect(codes(campaign, limits({ files: "*", maxWorstCase: 902.2895, maxExpected: 272 })[0]!)).toEqual([
      "FLOW501 worst case 902.2896 credits exceeds the limit of 902.2895 credits set in flowc.json (maxWorstCase)",
      "FLOW502 expected spend 272.0257216 credits exceeds the limit of 272 credits set in flowc.json (maxExpected)",
    ]);
  });

  test("FLOW503: the 120–130% rule against the cap", () => {
    const rule = limits({ files: "*", capHeadroom: { min: 1.2, max: 1.3 } })[0]!;
    expect(codes(campaign, rule)).toEqual([
      "FLOW503 the cap of 900 credits is 330.9% of the expected 272.0257216 credits: flowc.json asks for a cap between 120% and 130% of the expected spend (capHeadroom)",
    ]);
    // 272.0257216 × 1.25 = 340.032152
    expect(codes(campaign.replace("cap 900 credits", "cap 340 credits"), rule)).toEqual([]);
    expect(codes(campaign.replace("cap 900 credits", "cap 300 credits"), rule)[0]).toMatch(/^FLOW503 the cap of 300 credits is 110\.3% /);
    expect(codes(fixture("sharp_drafts"), rule)).toEqual([
      "FLOW503 no cap: flowc.json asks for a cap between 120% and 130% of the expected spend, 117.9916512 credits (capHeadroom)",
    ]);
  });

  test("FLOW504: the budget block, and what the policy requires in it", () => {
    expect(codes(fixture("sharp_drafts"), limits({ files: "*", requireBudget: true })[0]!)).toEqual(["FLOW504 no budget block: flowc.json requires one with cap (requireBudget)"]);
    expect(codes(campaign, limits({ files: "*", requireBudget: true })[0]!)).toEqual([]);
    expect(codes(campaign, limits({ files: "*", requireBudget: ["cap", "alert", "strict"] })[0]!)).toEqual([
      "FLOW504 the budget block has no strict: flowc.json requires it (requireBudget)",
    ]);
    expect(codes(campaign.replace("alert 75%", ""), limits({ files: "*", requireBudget: ["alert", "strict"] })[0]!)).toEqual([
      "FLOW504 the budget block has no alert, no strict: flowc.json requires them (requireBudget)",
    ]);
  });

  test("FLOW505: a review must stand upstream of the guarded ops, through gates and selects", () => {
    const rule = limits({ files: "*", requireReviewBefore: ["video", "upscale"] })[0]!;
    expect(codes(fixture("product_clips"), rule)).toEqual([]);
    expect(codes(campaign, rule)).toEqual([]);
    expect(codes(fixture("upscale_first"), rule)).toEqual([
      "FLOW505 node 'big' runs upscale on items no person has reviewed: flowc.json requires a review before upscale (requireReviewBefore)",
    ]);
    // the review's rejected items were seen by a person too
    const rejected = fixture("review_first").replace("node big = upscale(approved)", "node big = upscale(approved.rejected)");
    expect(codes(rejected, rule)).toEqual([]);
  });

  test("FLOW506: banned models by name (globs) or by family", () => {
    expect(codes(campaign, limits({ files: "*", bannedModels: ["flux_*"] })[0]!)).toEqual([
      "FLOW506 node 'previews' uses model 'flux_schnell', which flowc.json bans (bannedModels)",
      "FLOW506 node 'full' uses model 'flux_pro', which flowc.json bans (bannedModels)",
    ]);
    const family = campaign.replace("model flux_pro     { rate 4 credits per megapixel }", "model flux_pro     { rate 4 credits per megapixel  family flux }");
    expect(codes(family, limits({ files: "*", bannedFamilies: ["flux"] })[0]!)).toEqual([
      "FLOW506 node 'full' uses model 'flux_pro' of family 'flux', which flowc.json bans (bannedFamilies)",
    ]);
  });

  test("a flow with errors gets what can be judged without figures", () => {
    const broken = fixture("sharp_drafts").replace("generate(prompts)", "generate(prompt)");
    expect(codes(broken, limits({ files: "*", maxWorstCase: 1, requireBudget: true })[0]!)).toEqual([
      "FLOW504 no budget block: flowc.json requires one with cap (requireBudget)",
    ]);
  });
});

describe("flowc.json's schema", () => {
  test.each([
    ['{ "policies": [{ "maxWorstCase": 10 }] }', /policies\.0 must have required property 'files'/],
    ['{ "policies": [{ "files": "*.flow", "maxWorstcase": 10 }] }', /unknown key policies\.0\."maxWorstcase" \(a policy accepts: files, maxWorstCase,/],
    ['{ "policies": [{ "files": "*.flow", "maxWorstCase": "ten" }] }', /policies\.0\.maxWorstCase must be number/],
    ['{ "policies": [{ "files": "*.flow", "requireBudget": ["cap", "limit"] }] }', /policies\.0\.requireBudget/],
    ['{ "policies": { "files": "*.flow" } }', /policies must be array/],
  ])("%s is refused: %s", (text, message) => {
    const parsed = parseConfig(text, "flowc.json");
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.join("\n")).toMatch(message);
  });

  test("a full policy is accepted", () => {
    const text = JSON.stringify({
      policies: [
        {
          files: ["flows/**/*.flow"],
          maxWorstCase: 2000,
          maxExpected: 800.5,
          capHeadroom: { min: 1.2, max: 1.3 },
          requireBudget: ["cap", "alert"],
          requireReviewBefore: ["video", "upscale"],
          bannedModels: ["legacy_*"],
          bannedFamilies: ["sdxl"],
        },
      ],
    });
    expect(parseConfig(text, "flowc.json").ok).toBe(true);
  });
});

describe("flowc check with policies", () => {
  function project(config: unknown): string {
    const dir = tempDir("policy");
    mkdirSync(path.join(dir, ".git"));
    mkdirSync(path.join(dir, "flows"));
    writeFileSync(path.join(dir, "flows/campaign.flow"), sample("campaign"));
    writeFileSync(path.join(dir, "flows/clips.flow"), fixture("product_clips"));
    writeFileSync(path.join(dir, "flowc.json"), JSON.stringify(config));
    return dir;
  }

  test("the nearest flowc.json applies, its globs relative to its folder; policy errors fail the check", async () => {
    const dir = project({ policies: [{ files: "flows/camp*.flow", maxWorstCase: 900 }] });
    // run from the flows folder: flowc.json is found one folder up, and its globs start there
    const run = await cli(["check", "campaign.flow", "clips.flow", "--format", "json"], path.join(dir, "flows"));
    expect(run.status).toBe(1);
    const found = JSON.parse(run.stdout).diagnostics.filter((d: { code: string }) => d.code.startsWith("FLOW5"));
    expect(found).toEqual([expect.objectContaining({ file: "campaign.flow", code: "FLOW501", severity: "error", line: 3, column: 6 })]);
  });

  test("flowc.json rules reach policy codes: FLOW501 as a warning passes", async () => {
    const dir = project({ rules: { FLOW501: "warning" }, policies: [{ files: "**/*.flow", maxWorstCase: 900 }] });
    const run = await cli(["check", "flows/campaign.flow"], dir);
    expect(run.stdout).toMatch(/warning FLOW501: worst case 902\.2896 credits exceeds the limit of 900 credits/);
    expect(run.status).toBe(0);
  });

  test("an invalid flowc.json is bad usage: exit 2, its problems on stderr", async () => {
    const dir = project({ policies: [{ files: "*.flow", capHeadroom: { min: 2, max: 1 } }] });
    const run = await cli(["check", "flows/campaign.flow", "flows/clips.flow"], dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("flowc: flowc.json: policies.0.capHeadroom: min 2 is above max 1\n");
  });

  test("--config names the file for every flow", async () => {
    const dir = project({});
    writeFileSync(path.join(dir, "strict.json"), JSON.stringify({ policies: [{ files: "**", requireReviewBefore: ["video"], bannedModels: ["kling"] }] }));
    const run = await cli(["check", "flows/clips.flow", "--config", "strict.json"], dir);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/error FLOW506: node 'clip' uses model 'kling', which strict\.json bans/);
    expect(run.stdout).not.toContain("FLOW505");
  });
});
