import fc from "fast-check";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { credits } from "../runtime/credits";
import { cacheClear, startRun, validateRecord } from "../runtime/index";
import { campaign, campaignWorst, productClips, productWorst, sharpDrafts, sharpWorst, splitBatches, splitWorst, uncapped } from "./helpers/runtime-graphs";

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), "flowc-rt-"));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const quiet = { notify: { stderr: false as const } };

describe("scenario runs spend exactly the static worst case", () => {
  it("campaign_portraits: 902.2896", async () => {
    const result = await startRun(uncapped(campaign()), { home, scenario: campaignWorst, ...quiet });
    expect(result.status).toBe("completed");
    expect(result.record.totals.spent).toBe("902.2896");
    const byName = Object.fromEntries(result.record.nodes.map((n) => [n.name, n]));
    expect(byName.full).toMatchObject({ calls: 50, attempts: 100, credits: "419.4304" });
    expect(byName.captions).toMatchObject({ calls: 2, itemsIn: 50, credits: "3" });
    expect(byName.previews).toMatchObject({ calls: 50, itemsOut: 200, credits: "52.4288" });
    expect(byName.direction).toMatchObject({ itemsIn: 200, itemsOut: 50 });
    expect(validateRecord(result.record)).toEqual([]);
  });

  it("sharp_drafts: 254.65824 (rejected in rounds 0 and 1)", async () => {
    const result = await startRun(sharpDrafts(), { home, scenario: sharpWorst, ...quiet });
    expect(result.record.totals.spent).toBe("254.65824");
    const byName = Object.fromEntries(result.record.nodes.map((n) => [n.name, n]));
    expect(byName.draft).toMatchObject({ calls: 60, itemsIn: 60 });
    expect(byName.sharp).toMatchObject({ itemsIn: 60, itemsOut: 7, retried: 40, rejected: 13 });
    expect(result.outputs.sharp).toHaveLength(7);
  });

  it("split_batches: 35 with 26 of 50 passing", async () => {
    const result = await startRun(splitBatches(), { home, scenario: splitWorst, ...quiet });
    expect(result.record.totals.spent).toBe("35");
    const byName = Object.fromEntries(result.record.nodes.map((n) => [n.name, n]));
    expect(byName.tag_good).toMatchObject({ calls: 2, itemsIn: 26 });
    expect(byName.tag_bad).toMatchObject({ calls: 1, itemsIn: 24 });
  });

  it("product_clips: 216.576 with three attempts per clip", async () => {
    const result = await startRun(productClips(), { home, scenario: productWorst, ...quiet });
    expect(result.record.totals.spent).toBe("216.576");
  });
});

describe("seeded runs of the worked examples", () => {
  const graphs = { campaign: () => uncapped(campaign()), sharp: sharpDrafts, split: splitBatches, clips: productClips };
  it("never spend more than the worst case, and the same seed spends the same", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...(Object.keys(graphs) as (keyof typeof graphs)[])), fc.nat(100_000), async (name, seed) => {
        const graph = graphs[name]();
        await cacheClear({}, { home });
        const first = await startRun(graph, { home, seed, simulateHumans: true, collectOutputs: false, ...quiet });
        expect(first.status).toBe("completed");
        expect(credits(first.record.totals.spent).lessThanOrEqualTo(credits(graph.worstCase))).toBe(true);
        await cacheClear({}, { home });
        const again = await startRun(graph, { home, seed, simulateHumans: true, collectOutputs: false, ...quiet });
        expect(again.record.nodes).toEqual(first.record.nodes);
      }),
      { numRuns: 16 },
    );
  });
});
