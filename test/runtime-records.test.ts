import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ack, FileRunStore, recordDecisions, resumeRun, RuntimeError, SimulatedDecider, startRun, validateRecord, type RunRecord } from "../runtime/index";
import { campaign } from "./helpers/runtime-graphs";

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), "flowc-rt-records-"));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

/** A run store that checks every record handed to it against the schema, and keeps a copy. */
class CheckingStore extends FileRunStore {
  readonly written: { record: RunRecord; problems: string[] }[] = [];
  override async writeRecord(record: RunRecord): Promise<void> {
    this.written.push({ record: structuredClone(record), problems: validateRecord(record) });
    await super.writeRecord(record);
  }
}

describe("run records", () => {
  it("every record written through a run's life validates against the schema", async () => {
    const runs = new CheckingStore(home);
    const options = { home, stores: { runs }, notify: { stderr: false as const }, collectOutputs: false };
    const graph = { ...campaign(), budget: { cap: "60", alert: "20", strict: false } };
    const first = await startRun(graph, { ...options, seed: 2 });
    expect(first.status).toBe("awaiting-review");
    const selects = Object.fromEntries(first.record.pending.map((p) => [p.itemId, [p.variants![0]!]]));
    await recordDecisions(first.runId, { selects: { direction: selects } }, options);
    const second = await resumeRun(first.runId, options);
    expect(second.status).toBe("paused");
    const third = await resumeRun(first.runId, { ...options, cap: 1000 });
    expect(third.status).toBe("awaiting-review");
    await ack(first.runId, options);
    const fourth = await resumeRun(first.runId, { ...options, decider: new SimulatedDecider(1) });
    expect(fourth.status).toBe("completed");
    expect(fourth.record.acknowledged).toBe(true);

    const statuses = runs.written.map((w) => w.record.status);
    expect(statuses).toEqual(expect.arrayContaining(["running", "awaiting-review", "paused", "completed"]));
    expect(runs.written.filter((w) => w.problems.length > 0)).toEqual([]);
    expect(fourth.record.events.map((e) => e.type)).toEqual(expect.arrayContaining(["started", "review-pause", "decisions-recorded", "resumed", "alert", "budget-pause", "acknowledged", "completed"]));
  });

  it("a run executing in one process cannot be resumed by another at the same time", async () => {
    let runId = "";
    const started = startRun(campaign(), {
      home,
      seed: 1,
      latencyMs: 20,
      simulateHumans: true,
      notify: { stderr: false },
      onEvent: (e) => {
        if (e.type === "run-start") runId = e.runId;
      },
    });
    while (!runId) await new Promise((resolve) => setTimeout(resolve, 5));
    const error = await resumeRun(runId, { home }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as RuntimeError).code).toBe("run-busy");
    expect((error as RuntimeError).message).toContain(`process ${process.pid}`);
    expect((await started).status).not.toBe("running");
  });
});
