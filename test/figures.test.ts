// One rule for numbers across outputs (syntax/figures.ts): one rounding mode; the expected figure
// the same in `cost`, `report` and the editor's inlay hints; ASCII minus signs in text; shares and
// rates as fractions of 1 in every JSON output; witness rounds numbered from 1 everywhere.
import { describe, expect, test } from "vitest";
import { Decimal } from "../syntax/credits";
import { estimateText, expectedText, percentText, signedPercentText } from "../syntax/figures";
import { renderReport, type RunReport } from "../runtime/report";
import { DocumentStore } from "../lsp/documents";
import { hover } from "../lsp/hover";
import { inlayHints } from "../lsp/inlay-hints";
import { cli, sample, tempDir } from "./diff-helpers";
import { ROOT, positionOf, sampleText, sampleUri } from "./lsp-client";
import { writeFileSync } from "node:fs";
import path from "node:path";

const dec = (text: string) => new Decimal(text);

describe("the rule", () => {
  test("one rounding mode, half up, for expected figures, estimates and percentages", () => {
    expect(expectedText(dec("0.0000000000005"))).toBe("0.000000000001");
    expect(expectedText(dec("-0.0000000000005"))).toBe("-0.000000000001");
    expect(estimateText(dec("2.00005"))).toBe("2.0001");
    expect(percentText(dec("0.0125"))).toBe("1.3%");
    expect(percentText(dec("0.0000004"))).toBe("<0.1%");
    expect(percentText(dec("0.9999996"))).toBe(">99.9%");
    expect(percentText(dec("1"))).toBe("100.0%");
    expect(signedPercentText(dec("-0.012"))).toBe("-1.2%");
  });
});

describe("the same figure everywhere", () => {
  test("the expected figure reads the same in cost, report and the inlay hints (272.0257216)", async () => {
    const cost = await cli(["cost", "samples/campaign.flow"], ROOT);
    expect(cost.stdout).toContain("expected 272.0257216 credits");
    const run: RunReport = {
      runId: "r1", flow: "campaign_portraits", status: "completed", spent: "250", worstCase: "902.2896", expected: "272.0257216",
      cacheHits: 0, cacheSaved: "0", pending: 0, flagged: false, rows: [], topTwo: [], topTwoShare: "0",
    };
    expect(renderReport(run, "text")).toContain("· expected 272.0257216\n");
    const store = new DocumentStore();
    const uri = sampleUri("campaign.flow");
    store.open(uri, 1, sampleText("campaign.flow"));
    const hints = inlayHints(store, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } } });
    expect(hints.map((h) => h.label)).toContain("worst 902.2896 · exp 272.0257216 · cap 900");
  });

  test("text uses ASCII minus signs: a fall in spend greps as -", async () => {
    const dir = tempDir("figures");
    writeFileSync(path.join(dir, "old.flow"), sample("campaign"));
    writeFileSync(path.join(dir, "new.flow"), sample("campaign").replace("rate 4 credits per megapixel", "rate 3 credits per megapixel"));
    const diff = await cli(["diff", "old.flow", "new.flow"], dir);
    expect(diff.stdout).toMatch(/^flowc: worst case -104\.8576 credits \(-11\.6%\), expected -35\.651584 credits \(-13\.1%\)/);
    for (const format of ["text", "markdown"]) expect((await cli(["diff", "old.flow", "new.flow", "--format", format], dir)).stdout).not.toContain("\u2212");
    const json = JSON.parse((await cli(["diff", "old.flow", "new.flow", "--format", "json"], dir)).stdout);
    // a relative change is a fraction of 1, as shares are
    expect(json.totals.worstCase).toMatchObject({ change: -104.8576, ratio: -0.116212799084 });
  });

  test("JSON: shares and rates are fractions of 1 in cost, report and calibrate", async () => {
    const cost = JSON.parse((await cli(["cost", "samples/campaign.flow", "--format", "json"], ROOT)).stdout);
    expect(cost.nodes[0].share).toBe(0.464851196334);
    const run: RunReport = {
      runId: "r1", flow: "f", status: "completed", spent: "4", worstCase: "4", expected: "4", cacheHits: 0, cacheSaved: "0", pending: 0, flagged: false,
      rows: [{ name: "a", calls: 1, attempts: 1, itemsIn: 1, itemsOut: 1, failedItems: 0, failedCalls: 0, failures: [], cacheHits: 0, credits: "1", share: "0.25" }], topTwo: ["a"], topTwoShare: "0.25",
    };
    expect(JSON.parse(renderReport(run, "json"))).toMatchObject({ nodes: [{ share: 0.25 }], topTwoShare: 0.25 });
    const dir = tempDir("figures");
    writeFileSync(path.join(dir, "labels.csv"), "value,label\n0.9,good\n0.8,good\n0.7,good\n0.2,bad\n");
    const calibrated = JSON.parse((await cli(["calibrate", path.join(ROOT, "samples/sharp_drafts.flow"), "sharp", "--labels", "labels.csv", "--format", "json"], dir)).stdout);
    expect(calibrated).toMatchObject({ target: 0.9, expectPass: 0.75, best: { passRate: 0.75 } });
  });

  test("witness rounds are numbered from 1 in JSON, --explain and hover", async () => {
    const json = JSON.parse((await cli(["cost", "samples/sharp_drafts.flow", "--format", "json"], ROOT)).stdout);
    expect(json.witness.gates[0].rounds.map((r: { round: number }) => r.round)).toEqual([1, 2, 3]);
    const explained = await cli(["cost", "samples/sharp_drafts.flow", "--explain"], ROOT);
    expect(explained.stdout).toMatch(/round 1: 20 checked, 0 passed, 20 rejected; round 2: /);
    const store = new DocumentStore();
    const uri = sampleUri("sharp_drafts.flow");
    const text = sampleText("sharp_drafts.flow");
    store.open(uri, 1, text);
    const shown = hover(store, { textDocument: { uri }, position: positionOf(text, "gate sharp", 5) });
    expect(JSON.stringify(shown)).toContain("round 1: 20 checked");
    expect(JSON.stringify(shown)).not.toContain("round 0");
  });
});
