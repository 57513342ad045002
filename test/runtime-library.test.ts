// The runtime as a library (issue 10): it writes only under the `home` it is given, prints
// nothing (events go to `onEvent`, the owner hears through the notifiers given), fails with typed
// errors whose messages name no CLI command or flag, stops cleanly on an AbortSignal (state kept,
// resumable), and hands back outputs as plain data with exact decimal strings.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLineLogger, getRecord, resumeRun, startRun, validateRecord, type FlowGraph, type RunEvent } from "../runtime/index";
import { campaign, campaignWorst, input, node, ref } from "./helpers/runtime-graphs";

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), "flowc-rt-library-"));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(home, { recursive: true, force: true });
});

/** Messages meant for a program: no `flowc …` command and no `--flag`. */
const NO_CLI = /^(?!.*(`flowc |--[a-z])).*$/s;

describe("where it writes and what it prints", () => {
  it("without a home (or Redis) it refuses with a typed error before anything is written", async () => {
    await expect(startRun(campaign(), { seed: 1 })).rejects.toMatchObject({ name: "RuntimeError", code: "home-required", message: expect.stringMatching(NO_CLI) });
  });

  it("a run that pauses at its budget and crosses its alert writes nothing to stdout or stderr", async () => {
    const stdout = vi.spyOn(process.stdout, "write");
    const stderr = vi.spyOn(process.stderr, "write");
    const events: RunEvent["type"][] = [];
    const paused = await startRun(campaign(), { home, scenario: campaignWorst, onEvent: (e) => events.push(e.type) });
    expect(paused.status).toBe("paused");
    expect(events).toEqual(expect.arrayContaining(["alert", "pause", "run-end"]));
    expect([...stdout.mock.calls, ...stderr.mock.calls]).toEqual([]);
  });
});

describe("errors", () => {
  it("carry codes and the details a program needs; their messages name no CLI command or flag", async () => {
    const graph = { ...campaign(), budget: { cap: "1000", alert: "10", strict: false } };
    const first = await startRun(graph, { home, seed: 1, simulateHumans: true });
    const refusals = [
      startRun(graph, { home, seed: 1 }),
      getRecord("no-such-run", { home }),
      resumeRun("no-such-run", { home }),
      startRun(graph, { home, ack: true, pool: { name: "team", cap: "5" } }),
    ];
    const errors = await Promise.all(refusals.map((p) => p.then(() => undefined, (error: unknown) => error)));
    expect(errors).toMatchObject([
      { code: "alert-flag", flaggedRuns: [first.runId], usage: false },
      { code: "unknown-run", runId: "no-such-run", usage: true },
      { code: "unknown-run", runId: "no-such-run", usage: true },
      { code: "pool-without-redis", usage: false },
    ]);
    for (const error of errors) expect((error as Error).message).toMatch(NO_CLI);
  });
});

describe("AbortSignal", () => {
  it("stops the run cleanly: paused (aborted), a valid record, and a resume ends where an uninterrupted run does", async () => {
    const graph = { ...campaign(), budget: { strict: false } };
    const whole = await startRun(graph, { home: path.join(home, "whole"), scenario: campaignWorst });
    const stop = new AbortController();
    let shown = "";
    const log = createLineLogger({ write: (text: string) => (shown += text) });
    const stopAfterPreviews = (e: RunEvent) => {
      log(e);
      if (e.type === "call-done" && e.node === "previews") stop.abort();
    };
    const paused = await startRun(graph, { home, scenario: campaignWorst, signal: stop.signal, onEvent: stopAfterPreviews });
    expect([paused.status, paused.record.reason]).toEqual(["paused", "aborted"]);
    expect(paused.record.nodes.find((n) => n.name === "final")?.calls).toBe(0);
    expect(validateRecord(paused.record)).toEqual([]);
    expect(shown).toMatch(/^paused: stopped by its caller \(\d+(\.\d+)? credits spent\)$/m);
    const resumed = await resumeRun(paused.runId, { home });
    expect(resumed.status).toBe("completed");
    expect(resumed.record.totals).toEqual(whole.record.totals);
    expect(resumed.record.nodes).toEqual(whole.record.nodes);
  });

  it("an already aborted signal starts nothing", async () => {
    const stop = new AbortController();
    stop.abort();
    await expect(startRun(campaign(), { home, signal: stop.signal })).rejects.toMatchObject({ name: "AbortError" });
    await expect(startRun(campaign(), { home, scenario: campaignWorst, cap: "1000" })).resolves.toMatchObject({ status: "completed" });
  });
});

describe("outputs", () => {
  it("plain data: each output's items with their media type and credits as exact decimal strings", async () => {
    const graph: FlowGraph = {
      flow: "typed",
      streams: [
        input("prompts", "text", 3),
        node("draft", "generate", ref("prompts"), { pricePerOutput: "0.1", mediaType: "image" }),
        node("label", "custom_op", ref("draft"), { pricePerOutput: "0.2" }),
      ],
      outputs: [ref("draft"), ref("label"), ref("prompts")],
      budget: { strict: false },
      worstCase: "0.9",
      expected: "0.9",
    };
    const result = await startRun(graph, { home });
    expect(Object.keys(result.outputs)).toEqual(["draft", "label", "prompts"]);
    expect(result.outputs.draft?.map((i) => [i.mediaType, i.cost])).toEqual([["image", "0.1"], ["image", "0.1"], ["image", "0.1"]]);
    expect(result.outputs.label?.map((i) => [i.mediaType, i.cost])).toEqual([["unknown", "0.3"], ["unknown", "0.3"], ["unknown", "0.3"]]);
    expect(result.outputs.prompts?.map((i) => [i.mediaType, i.cost])).toEqual([["text", "0"], ["text", "0"], ["text", "0"]]);
    expect(JSON.parse(JSON.stringify(result.outputs))).toEqual(result.outputs);
  });
});
