import fc from "fast-check";
import { createServer } from "node:http";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { credits } from "../runtime/credits";
import { AlertFlagError, ack, getRecord, listRuns, resumeRun, startRun, validateRecord, type RunEvent, type RunRecord } from "../runtime/index";
import { campaign, campaignWorst, uncapped } from "./helpers/runtime-graphs";

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), "flowc-rt-budget-"));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const quiet = { notify: { stderr: false as const }, collectOutputs: false };

function perNode(record: RunRecord) {
  return record.nodes.map(({ name, calls, attempts, itemsIn, itemsOut, failedItems, cacheHits, credits }) => ({ name, calls, attempts, itemsIn, itemsOut, failedItems, cacheHits, credits }));
}

/** Every call-done event reports spend at or under the cap. */
function capWatch(cap: string) {
  const over: string[] = [];
  const onEvent = (e: RunEvent) => {
    if (e.type === "call-done" && credits(e.spent).greaterThan(credits(cap))) over.push(e.spent);
  };
  return { over, onEvent };
}

let iterations = 0;

describe("budget cap", () => {
  it("a worst-case campaign run pauses at its cap of 900, then resumes to the full worst case", async () => {
    const watch = capWatch("900");
    const paused = await startRun(campaign(), { home, scenario: campaignWorst, ack: true, onEvent: watch.onEvent, ...quiet });
    expect(paused.status).toBe("paused");
    expect(paused.record.reason).toBe("budget");
    expect(credits(paused.record.totals.spent).lessThanOrEqualTo(900)).toBe(true);
    expect(watch.over).toEqual([]);
    expect(paused.record.events.map((e) => e.type)).toContain("budget-pause");
    const resumed = await resumeRun(paused.runId, { home, cap: 1000, ...quiet });
    expect(resumed.status).toBe("completed");
    expect(resumed.record.totals.spent).toBe("902.2896");
    expect(resumed.record.segments).toHaveLength(2);
    expect(resumed.record.events.map((e) => e.type)).toEqual(expect.arrayContaining(["started", "budget-pause", "resumed", "completed"]));
    expect(validateRecord(resumed.record)).toEqual([]);
  });

  it("with random caps and concurrency spend never passes the cap, and resumed segments add up to the uninterrupted spend", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(1000), fc.integer({ min: 1, max: 8 }), fc.array(fc.integer({ min: 0, max: 30000 }), { minLength: 1, maxLength: 3 }), async (seed, concurrency, capCents) => {
        const graph = uncapped(campaign());
        const base = { seed, concurrency, simulateHumans: true, ...quiet };
        const iteration = ++iterations; // fresh homes: a cache left by an earlier iteration would change spend
        const full = await startRun(graph, { ...base, home: path.join(home, `full-${iteration}`) });
        expect(full.status).toBe("completed");
        const caps = [...capCents].sort((a, b) => a - b).map((c) => credits(c).dividedBy(100));
        const segHome = path.join(home, `seg-${iteration}`);
        const watch = capWatch(caps[0]!.toFixed());
        let result = await startRun(graph, { ...base, home: segHome, cap: caps[0]!.toFixed(), onEvent: watch.onEvent });
        for (const cap of caps) {
          if (result.status === "completed") break;
          expect(result.status).toBe("paused");
          expect(credits(result.record.totals.spent).lessThanOrEqualTo(cap)).toBe(true);
          result = await resumeRun(result.runId, { home: segHome, cap: cap.toFixed(), ...quiet });
        }
        expect(watch.over).toEqual([]);
        if (result.status !== "completed") result = await resumeRun(result.runId, { home: segHome, cap: "100000", ...quiet });
        expect(result.status).toBe("completed");
        expect(result.record.totals.spent).toBe(full.record.totals.spent);
        const segments = result.record.segments.reduce((total, s) => total.plus(credits(s.spent)), credits(0));
        expect(segments.toFixed()).toBe(full.record.totals.spent);
        expect(perNode(result.record)).toEqual(perNode(full.record));
      }),
      { numRuns: 12 },
    );
  });

  it("a per-run cap overrides the flow's", async () => {
    const result = await startRun(uncapped(campaign()), { home, scenario: campaignWorst, cap: 100, ...quiet });
    expect(result.status).toBe("paused");
    expect(result.record.cap).toBe("100");
    expect(credits(result.record.totals.spent).lessThanOrEqualTo(100)).toBe(true);
  });
});

describe("notifications", () => {
  it("a budget pause writes a line, runs the command with the summary on stdin and POSTs the webhook", async () => {
    const posted: string[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        posted.push(body);
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const lines: string[] = [];
    const out = path.join(home, "notified.json");
    try {
      const result = await startRun(uncapped(campaign()), {
        home,
        scenario: campaignWorst,
        cap: 50,
        collectOutputs: false,
        notify: { stderr: { write: (s: string) => lines.push(s) }, command: `cat > '${out}'`, webhook: `http://127.0.0.1:${port}/hook` },
      });
      expect(result.status).toBe("paused");
      const summary = JSON.parse(await readFile(out, "utf8"));
      expect(summary).toMatchObject({ runId: result.runId, flow: "campaign_portraits", status: "paused", reason: "budget", cap: "50" });
      expect(JSON.parse(posted[0]!)).toEqual(summary);
      expect(lines.join("")).toContain(`run ${result.runId} of campaign_portraits paused at its budget`);
      expect(result.record.events.find((e) => e.type === "notified")?.message).toContain("webhook");
    } finally {
      server.close();
    }
  });

  it("a failing notifier is an event, not a failed run", async () => {
    const result = await startRun(uncapped(campaign()), { home, scenario: campaignWorst, cap: 10, collectOutputs: false, notify: { stderr: false, command: "exit 3" } });
    expect(result.status).toBe("paused");
    expect(result.record.events.find((e) => e.type === "notify-failed")?.message).toContain("status 3");
  });
});

describe("alerts", () => {
  it("crossing the alert flags the run; the next run waits for an acknowledgement", async () => {
    const graph = { ...campaign(), budget: { cap: "1000", alert: "675", strict: false } };
    const events: RunEvent[] = [];
    const first = await startRun(graph, { home, scenario: campaignWorst, onEvent: (e) => events.push(e), ...quiet });
    expect(first.status).toBe("completed");
    expect(first.record.flagged).toBe(true);
    expect(first.record.acknowledged).toBe(false);
    expect(first.record.events.find((e) => e.type === "alert")?.message).toContain("crossed its alert");
    expect(events.filter((e) => e.type === "alert")).toHaveLength(1);

    const refused = startRun(graph, { home, seed: 2, simulateHumans: true, ...quiet });
    await expect(refused).rejects.toBeInstanceOf(AlertFlagError);
    await expect(refused).rejects.toThrow(first.runId);
    expect((await listRuns({ home })).map((r) => r.runId)).toEqual([first.runId]);

    const acked = await ack(first.runId, { home });
    expect(acked.acknowledged).toBe(true);
    expect((await getRecord(first.runId, { home })).events.map((e) => e.type)).toContain("acknowledged");
    const second = await startRun(graph, { home, seed: 2, simulateHumans: true, ...quiet });
    expect(second.status).toBe("completed");
    expect(second.record.flagged).toBe(false);
  });

  it("`ack: true` acknowledges the flag and starts", async () => {
    const graph = { ...campaign(), budget: { cap: "1000", alert: "10", strict: false } };
    const first = await startRun(graph, { home, seed: 1, simulateHumans: true, ...quiet });
    expect(first.record.flagged).toBe(true);
    await expect(startRun(graph, { home, seed: 1, simulateHumans: true, ...quiet })).rejects.toMatchObject({ code: "alert-flag", flow: "campaign_portraits", flaggedRuns: [first.runId] });
    const second = await startRun(graph, { home, seed: 1, simulateHumans: true, ack: true, ...quiet });
    expect(second.status).toBe("completed");
    expect((await getRecord(first.runId, { home })).acknowledged).toBe(true);
  });

  it("runs of other flows are not held", async () => {
    const graph = { ...campaign(), budget: { cap: "1000", alert: "10", strict: false } };
    await startRun(graph, { home, seed: 1, simulateHumans: true, ...quiet });
    const other = await startRun({ ...graph, flow: "other_flow" }, { home, seed: 1, simulateHumans: true, ...quiet });
    expect(other.status).toBe("completed");
  });
});
