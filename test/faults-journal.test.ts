// Fault injection, the journal side: a journal cut at any byte (kill -9 mid-write, power loss) and
// resumed spends exactly what the uninterrupted run spends and asks for no recorded call again; an
// entry that is not what flowc wrote stops the resume with the file and line; a full disk (ENOSPC,
// injected through the `disk` seam) stops the run with a clear message and leaves it resumable;
// concurrent resumes take turns through the run's lock.
import fc from "fast-check";
import { appendFile, cp, mkdtemp, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { credits } from "../runtime/credits";
import { disk } from "../runtime/disk";
import { getRecord, listRuns, resumeRun, SimulatedProvider, startRun, type CallRequest, type RunRecord } from "../runtime/index";
import { scanJournal } from "../runtime/journal";
import { journalLine } from "../runtime/journal-entry";
import { campaign, sharpDrafts, uncapped } from "./helpers/runtime-graphs";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "flowc-faults-journal-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

let homes = 0;
const newHome = () => path.join(dir, `home-${++homes}`);
const quiet = { notify: { stderr: false as const }, collectOutputs: false, simulateHumans: true };

function figures(record: RunRecord) {
  return { status: record.status, totals: record.totals, nodes: record.nodes, outputs: record.outputs };
}

/** The simulated provider, remembering every attempt it is asked for. */
class Recording extends SimulatedProvider {
  readonly asked: string[] = [];
  override call(request: CallRequest, signal: AbortSignal) {
    this.asked.push(request.idempotencyKey);
    return super.call(request, signal);
  }
}

function journalFile(home: string, runId: string): string {
  return path.join(home, "runs", runId, "journal.jsonl");
}

function keysOf(bytes: Buffer): string[] {
  return scanJournal(bytes, "journal").entries.flatMap((e) => (e.type === "attempt" ? [e.idempotencyKey] : []));
}

describe("a journal cut at any byte, then resumed", () => {
  let reference: RunRecord;
  let referenceHome: string;
  let full: Buffer;

  beforeAll(async () => {
    referenceHome = newHome();
    reference = (await startRun(uncapped(campaign()), { home: referenceHome, seed: 21, ...quiet })).record;
    full = await readFile(journalFile(referenceHome, reference.runId));
  });

  it("spends exactly what the uninterrupted run spent, and never asks again for a call the journal holds", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: full.length }), async (cut) => {
        // the run's directory as a process killed at that byte would leave it
        const home = newHome();
        await cp(path.join(referenceHome, "runs"), path.join(home, "runs"), { recursive: true });
        const file = journalFile(home, reference.runId);
        await truncate(file, cut);
        const crashed = { ...reference, status: "running" as const, segments: [{ ...reference.segments[0]!, status: "running" as const }] };
        delete crashed.endedAt;
        await writeFile(path.join(home, "runs", reference.runId, "record.json"), JSON.stringify(crashed));
        const kept = keysOf(await readFile(file));

        const provider = new Recording({ seed: 21 });
        const resumed = await resumeRun(reference.runId, { home, provider, ...quiet });

        expect(figures(resumed.record)).toEqual(figures(reference));
        expect(provider.asked.filter((key) => kept.includes(key))).toEqual([]);
        // the torn line was cut off before the first append: every line of the journal checks
        const after = await readFile(file);
        expect(scanJournal(after, file).goodLength).toBe(after.length);
        expect(keysOf(after).sort()).toEqual(keysOf(full).sort());
      }),
      { numRuns: 12 },
    );
  });
});

describe("a journal entry that is not what flowc wrote", () => {
  async function pausedRun(): Promise<{ home: string; runId: string; spent: string }> {
    const home = newHome();
    const graph = { ...sharpDrafts(), budget: { cap: "20", strict: false } };
    const first = await startRun(graph, { home, seed: 3, ...quiet });
    expect(first.status).toBe("paused");
    return { home, runId: first.runId, spent: first.record.totals.spent };
  }

  it("an appended negative charge (checksummed or not) is refused with the file and line: the resume spends nothing", async () => {
    const { home, runId, spent } = await pausedRun();
    const file = journalFile(home, runId);
    const lines = (await readFile(file, "utf8")).split("\n").filter(Boolean).length;
    const negative = { type: "attempt" as const, call: "draft/r0/99", node: "draft", callId: "99", round: 0, items: [], at: 1, attempt: 1, idempotencyKey: "x", ok: false, error: "x", credits: "-1000" };
    await appendFile(file, journalLine(negative));
    const provider = new Recording({ seed: 3 });
    await expect(resumeRun(runId, { home, cap: "40", provider, ...quiet })).rejects.toThrow(`${file}:${lines + 1}: corrupt journal entry: credits must be a non-negative exact decimal, got "-1000"`);
    expect(provider.asked).toEqual([]);
    expect((await getRecord(runId, { home })).totals.spent).toBe(spent);

    await writeFile(file, `${(await readFile(file, "utf8")).split("\n").slice(0, lines).join("\n")}\n${JSON.stringify(negative)}\n`);
    await expect(resumeRun(runId, { home, cap: "40", ...quiet })).rejects.toThrow(`${file}:${lines + 1}: corrupt journal entry: no checksum at the end of the line`);
  });

  it("a damaged line in the middle is an error naming the file and line, never replayed", async () => {
    const { home, runId } = await pausedRun();
    const file = journalFile(home, runId);
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace('"credits":"4.194304"', '"credits":"0.194304"'));
    await expect(resumeRun(runId, { home, cap: "40", ...quiet })).rejects.toMatchObject({ code: "journal-corrupt", line: 1, message: expect.stringContaining("the checksum does not match the entry") });
  });
});

describe("a full disk", () => {
  const enospc = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });

  it("stops the run with a clear message; the journal keeps no half line; the run resumes to the same spend", async () => {
    const graph = uncapped(campaign());
    const reference = await startRun(graph, { home: newHome(), seed: 8, ...quiet });
    const home = newHome();
    const write = disk.write;
    let journalWrites = 0;
    vi.spyOn(disk, "write").mockImplementation(async (handle, text) => {
      if (!text.includes('"sum":"') || ++journalWrites < 6) return write(handle, text);
      await write(handle, text.slice(0, Math.floor(text.length / 2))); // half a batch reached the disk
      throw enospc();
    });
    const failed = await startRun(graph, { home, seed: 8, ...quiet });
    vi.restoreAllMocks();
    expect(failed.status).toBe("failed");
    expect(failed.record.error).toBe(`writing ${journalFile(home, failed.runId)} failed: no space left on the device (ENOSPC)`);
    const id = failed.runId;
    const bytes = await readFile(journalFile(home, id));
    expect(scanJournal(bytes, "journal").goodLength).toBe(bytes.length);

    const resumed = await resumeRun(id, { home, ...quiet });
    expect(figures(resumed.record)).toEqual(figures(reference.record));
  });

  it("a record that cannot be written stops the run with a message naming the file and how to go on", async () => {
    const home = newHome();
    const write = disk.write;
    let records = 0;
    vi.spyOn(disk, "write").mockImplementation(async (handle, text) => {
      if (text.includes('"schemaVersion": 1') && ++records > 2) throw enospc();
      return write(handle, text);
    });
    const error = (await startRun(uncapped(campaign()), { home, seed: 2, ...quiet }).catch((e: Error) => e)) as Error;
    vi.restoreAllMocks();
    expect(error).toMatchObject({ code: "storage", systemCode: "ENOSPC", interruptedRun: expect.stringMatching(/^campaign_portraits-/) });
    expect(error.message).not.toMatch(/flowc |--[a-z]/);
    expect(error.message).toMatch(/record\.json failed: no space left on the device \(ENOSPC\); what the run spent is in its journal, and run campaign_portraits-\S+ can be resumed once this is fixed$/);
    const [row] = await listRuns({ home });
    expect(row).toMatchObject({ status: "interrupted" });
    expect(credits(row!.spent).greaterThan(0)).toBe(true);
  });
});

describe("concurrent resumes", () => {
  it("take turns through the run's lock: one goes on, the others are told who holds it; run.json and the record agree; no resume passes its cap", async () => {
    const home = newHome();
    const graph = { ...sharpDrafts(), budget: { cap: "30", strict: false } };
    const first = await startRun(graph, { home, seed: 5, ...quiet });
    expect(first.status).toBe("paused");
    const outcomes = await Promise.allSettled(["50", "60", "70"].map((cap) => resumeRun(first.runId, { home, cap, latencyMs: 50, ...quiet })));
    const won = outcomes.filter((o) => o.status === "fulfilled");
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(won).toHaveLength(1);
    expect(refused.map((r) => (r.reason as Error).message)).toEqual([expect.stringMatching(/is being executed by process \d+ on this machine: wait for it to finish or pause/), expect.anything()]);
    const record = await getRecord(first.runId, { home });
    const config = JSON.parse(await readFile(path.join(home, "runs", first.runId, "run.json"), "utf8")) as { cap: string };
    expect(config.cap).toBe(record.cap);
    expect(credits(record.totals.spent).lessThanOrEqualTo(credits(record.cap!))).toBe(true);

    const later = credits(record.totals.spent).plus(10).toFixed();
    const last = await resumeRun(first.runId, { home, cap: later, ...quiet });
    expect(credits(last.record.totals.spent).lessThanOrEqualTo(credits(later))).toBe(true);
  });

  it("a lock left by a dead process is taken over at once", async () => {
    const home = newHome();
    const graph = { ...sharpDrafts(), budget: { cap: "30", strict: false } };
    const first = await startRun(graph, { home, seed: 5, ...quiet });
    const { hostname } = await import("node:os");
    await writeFile(path.join(home, "runs", first.runId, "lock"), JSON.stringify({ pid: 2 ** 22 + 17, host: hostname() }));
    expect((await resumeRun(first.runId, { home, cap: "1000", ...quiet })).status).toBe("completed");
  });
});

describe("what the CLI adds to a run a full disk or Redis stopped", () => {
  it("names the command that continues the run, which the library's message does not", async () => {
    const { runtimeFailure } = await import("../cli/run-support");
    const { StorageError, RuntimeError } = await import("../runtime/errors");
    const said: string[] = [];
    const io = { out: () => undefined, err: (text: string) => void said.push(text), color: false, cwd: process.cwd(), env: {}, stdin: () => ({ ok: false as const, reason: "none" }) };
    const storage = Object.assign(new StorageError("/h/r/record.json", "ENOSPC", "writing record.json failed"), { interruptedRun: "f-1" });
    const redis = Object.assign(new RuntimeError("redis", "lost the connection to Redis"), { interruptedRun: "f-2" });
    expect([runtimeFailure(io, storage), runtimeFailure(io, redis)]).toEqual([1, 1]);
    expect(said).toEqual([
      "flowc: writing record.json failed: then continue with `flowc resume f-1`\n",
      "flowc: lost the connection to Redis: then continue with `flowc resume f-2 --redis URL`\n",
    ]);
  });
});
