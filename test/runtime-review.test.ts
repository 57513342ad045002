import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DecisionsError, InteractiveDecider, SimulatedDecider, getRecord, loadDecisionsFile, recordDecisions, resumeRun, startRun, validateRecord, type RunRecord } from "../runtime/index";
import { campaign, productClips, review, uncapped } from "./helpers/runtime-graphs";

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), "flowc-rt-review-"));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const quiet = { notify: { stderr: false as const } };
const node = (record: RunRecord, name: string) => record.nodes.find((n) => n.name === name)!;

describe("reviews and human selects without a decider", () => {
  it("pause awaiting review, take recorded decisions, and resume to completion", async () => {
    const first = await startRun(uncapped(campaign()), { home, seed: 4, ...quiet });
    expect(first.status).toBe("awaiting-review");
    expect(first.record.reason).toBe("review");
    const selects = first.record.pending;
    expect(selects.length).toBe(node(first.record, "face_ok").itemsOut);
    expect(selects.every((p) => p.stream === "direction" && p.kind === "select" && p.pick === 1 && p.variants?.length === 4)).toBe(true);
    expect(selects[0]!.itemId).toMatch(/^previews#\d+$/);
    expect(selects[0]!.variants![2]).toBe(`${selects[0]!.itemId}.v2`);
    expect(node(first.record, "full").calls).toBe(0);
    expect(first.record.events.at(-1)).toMatchObject({ type: "review-pause", data: { pending: selects.length } });

    const choices = Object.fromEntries(selects.map((p) => [p.itemId, [p.variants![1]!]]));
    const recorded = await recordDecisions(first.runId, { selects: { direction: choices } }, { home });
    expect(recorded.events.at(-1)?.type).toBe("decisions-recorded");

    const second = await resumeRun(first.runId, { home, ...quiet });
    expect(second.status).toBe("awaiting-review");
    const reviews = second.record.pending;
    expect(reviews).toHaveLength(selects.length);
    expect(reviews.map((p) => p.itemId)).toEqual(selects.map((p) => `full#${p.itemId.slice("previews#".length)}.v1`));
    expect(node(second.record, "full").calls).toBe(selects.length);

    const verdicts = Object.fromEntries(reviews.map((p, i) => [p.itemId, i % 3 === 0 ? "approve" : "reject"] as const));
    await recordDecisions(first.runId, { reviews: { approved: verdicts } }, { home });
    const third = await resumeRun(first.runId, { home, ...quiet });
    expect(third.status).toBe("completed");
    const approvals = Object.values(verdicts).filter((v) => v === "approve").length;
    expect(node(third.record, "approved")).toMatchObject({ itemsIn: reviews.length, itemsOut: approvals, rejected: reviews.length - approvals });
    expect(node(third.record, "final").calls).toBe(approvals);
    expect(third.record.segments.map((s) => s.status)).toEqual(["awaiting-review", "awaiting-review", "completed"]);
    // nothing paid twice: a run that had every decision from the start spends the same
    const straight = await startRun(uncapped(campaign()), { home: path.join(home, "straight"), seed: 4, decisionsFile: await decisionsFile({ selects: { direction: choices }, reviews: { approved: verdicts } }), ...quiet });
    expect(straight.status).toBe("completed");
    expect(straight.record.totals.spent).toBe(third.record.totals.spent);
    expect(validateRecord(await getRecord(first.runId, { home }))).toEqual([]);
  });

  it("rejects decisions for unknown streams, items not pending, unknown variants and wrong counts", async () => {
    const first = await startRun(uncapped(campaign()), { home, seed: 4, ...quiet });
    const pending = first.record.pending[0]!;
    const attempt = (doc: unknown) => recordDecisions(first.runId, doc, { home });
    await expect(attempt({ reviews: { approved: { x: "maybe" } } })).rejects.toThrow(/approve.*reject/);
    await expect(attempt({ reviews: { faces: { x: "approve" } } })).rejects.toThrow("faces is not a review");
    await expect(attempt({ selects: { approved: {} } })).rejects.toThrow("approved is not a human select");
    await expect(attempt({ selects: { direction: { "previews#999": ["previews#999.v0"] } } })).rejects.toThrow("is not awaiting a choice");
    await expect(attempt({ selects: { direction: { [pending.itemId]: ["nope"] } } })).rejects.toThrow("not among the variants");
    await expect(attempt({ selects: { direction: { [pending.itemId]: pending.variants!.slice(0, 2) } } })).rejects.toThrow("keeps exactly 1");
    await expect(attempt({ extra: 1 })).rejects.toBeInstanceOf(DecisionsError);
    await expect(recordDecisions("no-such-run", {}, { home })).rejects.toThrow(/no run with id "no-such-run"/);
  });
});

async function decisionsFile(doc: unknown, text = JSON.stringify(doc)): Promise<string> {
  const file = path.join(home, `decisions-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, text);
  return file;
}

describe("decisions files", () => {
  it("are validated with clear messages", async () => {
    await expect(loadDecisionsFile(await decisionsFile(null, "{ not json"))).rejects.toThrow(/decisions-.*\.json/);
    await expect(loadDecisionsFile(await decisionsFile({ reviews: { ok: { "keyframe#1": "yes" } } }))).rejects.toThrow('/reviews/ok/keyframe#1 must be equal to one of the allowed values ("approve", "reject")');
    await expect(loadDecisionsFile(await decisionsFile({ selects: { s: { g: [] } } }))).rejects.toThrow("/selects/s/g must NOT have fewer than 1 items");
    await expect(startRun(productClips(), { home, decisionsFile: path.join(home, "missing.json"), ...quiet })).rejects.toBeInstanceOf(DecisionsError);
  });

  it("decide the items they name; the rest wait", async () => {
    const file = await decisionsFile({ reviews: { ok: { "keyframe#0": "approve", "keyframe#1": "reject", "keyframe#2": "approve" } } });
    const result = await startRun(productClips(), { home, decisionsFile: file, ...quiet });
    expect(result.status).toBe("awaiting-review");
    expect(result.record.pending.map((p) => p.itemId)).toEqual(["keyframe#3", "keyframe#4", "keyframe#5", "keyframe#6", "keyframe#7", "keyframe#8", "keyframe#9"]);
    expect(node(result.record, "ok")).toMatchObject({ itemsIn: 10, itemsOut: 2, rejected: 1 });
    expect(node(result.record, "clip").itemsIn).toBe(2);
  });
});

describe("deciders", () => {
  it("the interactive decider shows the item, its metrics and cost, and reads answers", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = "";
    output.on("data", (c: Buffer) => (shown += c.toString()));
    input.end(["y", "n", "maybe", "yes", "s", ...Array.from({ length: 6 }, () => "n")].join("\n") + "\n");
    const result = await startRun(productClips(), { home, decider: new InteractiveDecider({ input, output }), ...quiet });
    expect(result.status).toBe("awaiting-review");
    expect(result.record.pending.map((p) => p.itemId)).toEqual(["keyframe#3"]);
    // items decided after the skipped one wait behind it: streams keep their order
    expect(node(result.record, "ok")).toMatchObject({ itemsIn: 10, itemsOut: 2, rejected: 1 });
    expect(shown).toContain("review ok: keyframe#0 (cost so far 0.9216 credits)");
    expect(shown).toMatch(/keyframe#0 {2}sim:generate\/\w+ {2}\[aesthetic \d\.\d{3}, prompt_match \d\.\d{3}\]/);
    expect(shown).toContain("approve? [y]es / [n]o / [s]kip: ");
  });

  it("hands the remaining questions to the simulated reviewer on `d`", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = "";
    output.on("data", (c: Buffer) => (shown += c.toString()));
    input.end("y\nd\n");
    const fallback = new SimulatedDecider(4);
    const result = await startRun(productClips(), { home, seed: 4, decider: new InteractiveDecider({ input, output, fallback }), ...quiet });
    expect(result.status).toBe("completed");
    expect(shown.match(/approve\? /g)).toHaveLength(2);
    expect(shown).toContain("[d]ecide the rest at the expected rates");
    expect(node(result.record, "ok").itemsIn).toBe(10);
  });

  it("a review's timeout leaves unanswered items waiting", async () => {
    const clips = productClips();
    clips.streams[2] = { ...(clips.streams[2] as ReturnType<typeof review>), timeoutSeconds: "0.02" };
    const silent = new InteractiveDecider({ input: new PassThrough(), output: new PassThrough() });
    const result = await startRun(clips, { home, decider: silent, ...quiet });
    expect(result.status).toBe("awaiting-review");
    expect(result.record.pending).toHaveLength(10);
  });

  it("the interactive decider picks variants by number or id", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const decider = new InteractiveDecider({ input, output });
    input.end("9\n2\n");
    const variants = ["a", "b", "c"].map((id) => ({ id, value: id, metrics: {} }));
    await expect(decider.select({ runId: "r", select: "s", groupId: "g", variants, pick: 1, cost: "1" })).resolves.toEqual(["b"]);
    await expect(decider.select({ runId: "r", select: "s", groupId: "g", variants, pick: 1, cost: "1" })).resolves.toBeUndefined();
    const open = new InteractiveDecider({ input: new PassThrough(), output: new PassThrough() });
    const asked = open.review({ runId: "r", review: "ok", item: variants[0]!, cost: "1", expectedApprove: "0.5" });
    open.close();
    await expect(asked).resolves.toBeUndefined();
  });

  it("the simulated decider approves at the expected rate, the same way for the same seed", async () => {
    const decider = new SimulatedDecider(42);
    const item = (i: number) => ({ id: `full#${i}`, value: null, metrics: {} });
    const verdicts = await Promise.all(Array.from({ length: 4000 }, (_, i) => decider.review({ runId: "r", review: "approved", item: item(i), cost: "0", expectedApprove: "0.3" })));
    const rate = verdicts.filter((v) => v === "approve").length / verdicts.length;
    expect(rate).toBeGreaterThan(0.27);
    expect(rate).toBeLessThan(0.33);
    const again = await Promise.all(Array.from({ length: 4000 }, (_, i) => new SimulatedDecider(42).review({ runId: "x", review: "approved", item: item(i), cost: "0", expectedApprove: "0.3" })));
    expect(again).toEqual(verdicts);
  });
});
