import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { credits } from "../runtime/credits";
import { cacheClear, cacheList, ManualClock, startRun, type RunRecord } from "../runtime/index";
import { campaign, uncapped } from "./helpers/runtime-graphs";

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), "flowc-rt-cache-"));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const node = (record: RunRecord, name: string) => record.nodes.find((n) => n.name === name)!;

describe("cache", () => {
  const clock = new ManualClock();
  const run = () => startRun(uncapped(campaign()), { home, clock, seed: 7, simulateHumans: true, notify: { stderr: false }, collectOutputs: false });

  it("a second run within the TTL pays nothing for style_ref; after the TTL or a clear it pays again", async () => {
    const first = await run();
    expect(node(first.record, "style_ref")).toMatchObject({ calls: 1, cacheHits: 0, credits: "3" });

    clock.advance(47 * 3600 * 1000);
    const second = await run();
    expect(node(second.record, "style_ref")).toMatchObject({ calls: 0, attempts: 0, cacheHits: 1, credits: "0", cacheSaved: "3" });
    expect(credits(first.record.totals.spent).minus(credits(second.record.totals.spent)).toFixed()).toBe("3");
    expect(second.record.totals.cacheHits).toBe(1);
    expect(second.record.events.find((e) => e.type === "cache-hits")?.message).toContain("style_ref 1");

    clock.advance(2 * 3600 * 1000); // 49 hours after the entry was written
    const third = await run();
    expect(node(third.record, "style_ref")).toMatchObject({ calls: 1, cacheHits: 0, credits: "3" });
    expect(third.record.totals.spent).toBe(first.record.totals.spent);

    const fourth = await run();
    expect(node(fourth.record, "style_ref").cacheHits).toBe(1);
    expect(await cacheClear({}, { home })).toBe(1);
    const fifth = await run();
    expect(node(fifth.record, "style_ref")).toMatchObject({ calls: 1, credits: "3" });
  });

  it("lists entries per flow and node with sizes and ages, and clears by flow or node", async () => {
    await run();
    clock.advance(90_000);
    const listing = await cacheList({ home, clock });
    expect(listing.entries).toHaveLength(1);
    expect(listing.entries[0]).toMatchObject({ flow: "campaign_portraits", node: "style_ref", ageSeconds: 90 });
    expect(listing.entries[0]!.size).toBeGreaterThan(0);
    expect(listing.nodes).toEqual([{ flow: "campaign_portraits", node: "style_ref", entries: 1, bytes: listing.entries[0]!.size, oldestSeconds: 90, newestSeconds: 90, ttlSeconds: 172800 }]);
    expect(listing.totalBytes).toBe(listing.entries[0]!.size);

    expect(await cacheClear({ flow: "other" }, { home })).toBe(0);
    expect(await cacheClear({ node: "faces" }, { home })).toBe(0);
    expect(await cacheClear({ flow: "campaign_portraits", node: "style_ref" }, { home })).toBe(1);
    expect((await cacheList({ home })).entries).toEqual([]);
  });

  it("the key covers the node's settings and its inputs' content", async () => {
    await run();
    const changed = uncapped(campaign());
    changed.streams = changed.streams.map((s) => (s.name === "style_ref" && s.kind === "node" ? { ...s, params: { strength: 0.5 } } : s));
    const other = await startRun(changed, { home, clock, seed: 7, simulateHumans: true, notify: { stderr: false }, collectOutputs: false });
    expect(node(other.record, "style_ref").cacheHits).toBe(0);
    const styleFile = path.join(home, "style.png");
    await (await import("node:fs/promises")).writeFile(styleFile, "a different style image");
    const withInput = await startRun(uncapped(campaign()), { home, clock, seed: 7, simulateHumans: true, inputs: { style: styleFile }, notify: { stderr: false }, collectOutputs: false });
    expect(node(withInput.record, "style_ref").cacheHits).toBe(0);
    expect((await cacheList({ home })).entries).toHaveLength(3);
  });

  it("two runs at once share the cache safely", async () => {
    await Promise.all([run(), run(), run()]);
    const again = await run();
    expect(node(again.record, "style_ref").cacheHits).toBe(1);
    expect((await cacheList({ home })).entries).toHaveLength(1);
  });
});
