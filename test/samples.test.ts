// Every bundled sample: it checks without errors, its `flowc cost` and `flowc check` output equal
// the golden files under test/golden/cost/ and test/golden/check/ (refresh with UPDATE_EXPECT=1 and
// read the diff), the contract's worked examples come out to the digit, and the figures a sample
// states in its closing comment are the ones flowc computes.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { analyzeFile, type FileAnalysis } from "../compiler/index";
import { formatExact } from "../syntax/credits";
import { ROOT, expectGolden, flowc } from "./cli-spawn";
import { diskHost } from "./helpers/disk-host";

const SAMPLES = readdirSync(path.join(ROOT, "samples"))
  .filter((f) => f.endsWith(".flow"))
  .sort();

/** The samples written for the project rather than copied from the contract: they state their figures. */
const OWN_SAMPLES = ["comic_panels.flow", "product_catalogue.flow", "video_ad.flow"];

function analyse(sample: string, warm = false): FileAnalysis {
  const file = path.join(ROOT, "samples", sample);
  return analyzeFile(file, readFileSync(file, "utf8"), diskHost, { warm });
}

function figures(analysis: FileAnalysis): { worst: string; expected: string } {
  if (!analysis.cost) throw new Error(`${analysis.file} was not priced`);
  return { worst: formatExact(analysis.cost.worstCase), expected: formatExact(analysis.cost.expected) };
}

const goldenName = (sample: string) => sample.replace(/\.flow$/, ".txt");

test("the project's own samples are all present", () => {
  expect(SAMPLES).toEqual(expect.arrayContaining(OWN_SAMPLES));
});

describe.each(SAMPLES)("samples/%s", (sample) => {
  test("checks without errors", () => {
    const errors = analyse(sample).diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => `${d.code} ${d.range.start.line}:${d.range.start.column} ${d.message}`)).toEqual([]);
  });

  test("flowc cost prints the golden table", () => {
    const run = flowc(["cost", `samples/${sample}`], { env: { NO_COLOR: "1" } });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expectGolden(`cost/${goldenName(sample)}`, run.stdout);
  });

  test("flowc check prints the golden diagnostics", () => {
    const run = flowc(["check", `samples/${sample}`], { env: { NO_COLOR: "1" } });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expectGolden(`check/${goldenName(sample)}`, run.stdout);
  });
});

describe("the contract's worked examples (section 9)", () => {
  test.each([
    ["campaign.flow", false, "902.2896", "272.0257216"],
    ["campaign.flow", true, "899.2896", "269.0257216"],
    ["sharp_drafts.flow", false, "254.65824", "117.9916512"],
    ["split_batches.flow", false, "35", "35"],
    ["product_clips.flow", false, "216.576", "47.5776"],
    ["upscale_first.flow", false, "629.1456", "629.1456"],
    ["review_first.flow", false, "629.1456", "335.54432"],
  ])("%s (warm: %s): worst %s, expected %s", (sample, warm, worst, expected) => {
    expect(figures(analyse(sample, warm))).toEqual({ worst, expected });
  });
});

/**
 * `//   worst case  287.2496 credits` and `//   expected  72.21511936 credits` in a sample's closing
 * comment (and `warm worst case` / `warm expected` when it states them).
 */
function statedFigures(text: string): Record<string, string> {
  const stated: Record<string, string> = {};
  for (const match of text.matchAll(/^\/\/\s+(warm worst case|warm expected|worst case|expected)\s+([\d.]+) credits\b/gm)) {
    stated[match[1]!] = match[2]!;
  }
  return stated;
}

describe.each(OWN_SAMPLES)("samples/%s states its figures", (sample) => {
  test("worst case and expected, cold and warm, as flowc computes them", () => {
    const stated = statedFigures(readFileSync(path.join(ROOT, "samples", sample), "utf8"));
    const cold = figures(analyse(sample));
    const warm = figures(analyse(sample, true));
    expect(stated).toEqual({
      "worst case": cold.worst,
      expected: cold.expected,
      "warm worst case": warm.worst,
      "warm expected": warm.expected,
    });
  });

  test("its cap is 120% to 130% of its expected spend", () => {
    const cost = analyse(sample).cost!;
    const ratio = cost.cap!.div(cost.expected);
    expect(ratio.gte(1.2) && ratio.lte(1.3), `cap ${formatExact(cost.cap!)} / expected ${formatExact(cost.expected)}`).toBe(true);
  });
});
