// Fault injection, the stores and what a run reads: damaged cache entries, a cache that cannot be
// written, damaged records and configurations, a home that is a file or read-only, flow names too
// long for a path, inputs that are not UTF-8, stream names that are Object.prototype's, records
// left stale by a dead process, and the alert a new cap moves.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { disk } from "../runtime/disk";
import { FileJournal } from "../runtime/journal";
import {
  cacheList,
  getRecord,
  listRuns,
  ManualClock,
  recordDecisions,
  resumeRun,
  startRun,
  type CallRequest,
  type FlowGraph,
  type Notifier,
  type Provider,
  type RunEvent,
  type RunSummary,
} from "../runtime/index";
import { SimulatedProvider } from "../runtime/providers/simulated";
import { campaign, campaignWorst, gate, input, node, productClips, ref, review, sharpDrafts, uncapped } from "./helpers/runtime-graphs";

let dir: string;
let homes = 0;
const newHome = () => path.join(dir, `home-${++homes}`);
const quiet = { notify: { stderr: false as const }, collectOutputs: false, simulateHumans: true };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "flowc-faults-stores-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function cacheFiles(home: string): Promise<string[]> {
  const root = path.join(home, "cache");
  const files: string[] = [];
  for (const shard of await readdir(root)) for (const name of await readdir(path.join(root, shard))) files.push(path.join(root, shard, name));
  return files;
}

describe("a damaged cache entry", () => {
  const damages: [string, (entry: Record<string, unknown>) => unknown, RegExp][] = [
    ["without outputs", ({ outputs: _outputs, ...rest }) => rest, /outputs must be a list/],
    ["with an output changed", (e) => ({ ...e, outputs: [{ ...(e.outputs as object[])[0], value: "forged" }] }), /its outputs do not match their hash/],
    ["created in the future", (e) => ({ ...e, createdAt: Date.UTC(2030, 0, 1) }), /created in the future/],
    ["that is not JSON", () => "{ not json", /not valid JSON/],
  ];

  for (const [what, damage, problem] of damages) {
    it(`${what}: a miss with a warning, the call made again and the entry rewritten`, async () => {
      const home = newHome();
      const clock = new ManualClock();
      const run = (events: RunEvent[] = []) => startRun(uncapped(campaign()), { home, clock, seed: 7, ...quiet, onEvent: (e) => events.push(e) });
      await run();
      const [file] = await cacheFiles(home);
      const entry = JSON.parse(await readFile(file!, "utf8")) as Record<string, unknown>;
      const damaged = damage(entry);
      await writeFile(file!, typeof damaged === "string" ? damaged : JSON.stringify(damaged));

      const events: RunEvent[] = [];
      const second = await run(events);
      expect(second.status).toBe("completed");
      expect(second.record.nodes.find((n) => n.name === "style_ref")).toMatchObject({ calls: 1, cacheHits: 0 });
      expect(events.filter((e) => e.type === "warning")).toEqual([{ type: "warning", code: "cache-entry", message: expect.stringMatching(problem) }]);
      expect(second.record.events.filter((e) => e.type === "warning")).toHaveLength(1);
      const third = await run();
      expect(third.record.nodes.find((n) => n.name === "style_ref")).toMatchObject({ cacheHits: 1 });
    });
  }

  it("a cache directory that cannot be written warns once, and the run completes", async () => {
    const home = newHome();
    const mkdirs = disk.mkdirs;
    vi.spyOn(disk, "mkdirs").mockImplementation(async (target) => {
      if (target.startsWith(path.join(home, "cache"))) throw Object.assign(new Error("EROFS: read-only file system"), { code: "EROFS" });
      return mkdirs(target);
    });
    const graph: FlowGraph = {
      flow: "tagging",
      streams: [input("docs", "text", 5, 5, true), node("tags", "tag", ref("docs"), { pricePerOutput: "1", cacheTtlSeconds: "3600" })],
      outputs: [ref("tags")],
      budget: { strict: false },
      worstCase: "5",
      expected: "5",
    };
    const events: RunEvent[] = [];
    const result = await startRun(graph, { home, ...quiet, onEvent: (e) => events.push(e) });
    expect(result.status).toBe("completed");
    expect(events.filter((e) => e.type === "warning")).toEqual([
      { type: "warning", code: "cache-write", message: expect.stringMatching(/^the cache cannot be written \(writing .*cache.*\.json failed: the file system is read-only \(EROFS\)\): later runs will pay for these calls again$/) },
    ]);
  });
});

describe("inputs", () => {
  it("a text file that is not UTF-8 is refused with its byte offset; two Latin-1 files no longer look alike", async () => {
    const home = newHome();
    await mkdir(home, { recursive: true });
    const a = path.join(home, "a.txt");
    await writeFile(a, Buffer.from("caf\u00e9 au lait\n", "latin1"));
    const graph: FlowGraph = { flow: "texts", streams: [input("lines", "text", 5), node("tags", "tag", ref("lines"), { pricePerOutput: "1", cacheTtlSeconds: "60" })], outputs: [ref("tags")], budget: { strict: false }, worstCase: "5", expected: "5" };
    await expect(startRun(graph, { home, inputs: { lines: a }, ...quiet })).rejects.toThrow(`input lines: ${a} is not UTF-8 text: the byte at offset 3 does not decode (save the file as UTF-8)`);
    expect(await listRuns({ home })).toEqual([]);
  });

  it("stream names such as __proto__ and constructor are streams like any other", async () => {
    const home = newHome();
    await mkdir(home, { recursive: true });
    const file = path.join(home, "lines.txt");
    await writeFile(file, "one\ntwo\nthree\n");
    const graph: FlowGraph = {
      flow: "prototypes",
      streams: [
        input("__proto__", "text", 5),
        input("valueOf", "text"),
        node("constructor", "tag", ref("__proto__"), { pricePerOutput: "1", named: [{ name: "__proto__", ref: ref("valueOf") }] }),
        gate("hasOwnProperty", ref("constructor"), "confidence", "0", "1"),
        review("toString", ref("hasOwnProperty"), "1"),
      ],
      outputs: [ref("toString")],
      budget: { strict: false },
      worstCase: "5",
      expected: "3",
    };
    const decisions = path.join(home, "decisions.json");
    await writeFile(decisions, JSON.stringify({ reviews: { toString: { "constructor#0": "approve", "constructor#1": "approve", "constructor#2": "reject" } } }));
    // (an object literal's `__proto__: x` would set its prototype: the key is defined, as a CLI does)
    const inputs: Record<string, string> = Object.fromEntries([["__proto__", file]]);
    const result = await startRun(graph, { home, inputs, decisionsFile: decisions, notify: { stderr: false } });
    expect(result.status).toBe("completed");
    expect(result.record.nodes.map((n) => [n.name, n.itemsIn, n.itemsOut])).toEqual([
      ["__proto__", 0, 3],
      ["valueOf", 0, 1],
      ["constructor", 3, 3],
      ["hasOwnProperty", 3, 3],
      ["toString", 3, 2],
    ]);
    expect(Object.keys(result.outputs)).toEqual(["toString"]);
  });

  it("a decisions file is checked as `flowc review` checks it, before any credit is spent", async () => {
    const home = newHome();
    await mkdir(home, { recursive: true });
    const decisions = path.join(home, "decisions.json");
    await writeFile(decisions, JSON.stringify({ reviews: { faces: { "x#1": "approve" } }, selects: { direction: { "faces#0": ["previews#0.v0", "previews#0.v1"] } } }));
    await expect(startRun(uncapped(campaign()), { home, decisionsFile: decisions, notify: { stderr: false } })).rejects.toThrow(
      `${decisions}: faces is not a review of flow campaign_portraits; direction: faces#0 keeps exactly 1 variant(s), got 2`,
    );
    expect(await listRuns({ home })).toEqual([]);
  });
});

describe("runs and records", () => {
  it("a damaged record.json or run.json is named; `runs` lists the run as unreadable", async () => {
    const home = newHome();
    const run = await startRun(sharpDrafts(), { home, ...quiet });
    const recordFile = path.join(home, "runs", run.runId, "record.json");
    await writeFile(recordFile, '{"runId": ');
    await expect(getRecord(run.runId, { home })).rejects.toThrow(`${recordFile}: not valid JSON (it ends early): the file is damaged; restore it or remove the run`);
    expect(await listRuns({ home })).toEqual([expect.objectContaining({ runId: run.runId, status: "unreadable", problem: expect.stringContaining(recordFile) })]);
    await writeFile(recordFile, JSON.stringify({ ...run.record, totals: { ...run.record.totals, spent: "-5" } }));
    await expect(getRecord(run.runId, { home })).rejects.toThrow(/record\.json: not a run record flowc wrote: \/totals\/spent must match pattern/);

    const configFile = path.join(home, "runs", run.runId, "run.json");
    await writeFile(recordFile, JSON.stringify({ ...run.record, status: "paused" }));
    await writeFile(configFile, JSON.stringify({ runId: run.runId }));
    await expect(resumeRun(run.runId, { home, ...quiet })).rejects.toThrow(`${configFile}: not a run configuration flowc wrote: runId and flow must be strings`);
  });

  it("a flow name of 260 characters runs (its run id is shortened, with a hash); a read-only home is a clear error, at once", async () => {
    const home = newHome();
    const long = `a${"b".repeat(259)}`;
    const run = await startRun({ ...sharpDrafts(), flow: long }, { home, ...quiet });
    expect(run.status).toBe("completed");
    expect(run.runId).toMatch(/^ab{54}-[0-9a-f]{8}-\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect((await listRuns({ home }))[0]).toMatchObject({ flow: long });

    const mkdirOnce = vi.spyOn(disk, "mkdirOnce").mockRejectedValue(Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" }));
    await expect(startRun(sharpDrafts(), { home, ...quiet })).rejects.toMatchObject({ code: "storage", message: expect.stringMatching(/creating .*\.new-sharp_drafts-.* failed: permission denied \(EACCES\)/) });
    expect(mkdirOnce).toHaveBeenCalledTimes(1);
  });

  it("a run is created whole or not at all: no half-made run is listed, and one left by a killed process is ignored", async () => {
    const home = newHome();
    const rename = disk.rename;
    vi.spyOn(disk, "rename").mockImplementation(async (from, to) => {
      if (path.basename(from).startsWith(".new-")) throw Object.assign(new Error("EIO: i/o error"), { code: "EIO" });
      return rename(from, to);
    });
    await expect(startRun(sharpDrafts(), { home, ...quiet })).rejects.toMatchObject({ code: "storage" });
    vi.restoreAllMocks();
    expect(await readdir(path.join(home, "runs"))).toEqual([]);
    // a process killed between writing its files and the rename leaves a temporary directory
    await mkdir(path.join(home, "runs", ".new-sharp_drafts-20250101-000000-abcd"), { recursive: true });
    await writeFile(path.join(home, "runs", ".new-sharp_drafts-20250101-000000-abcd", "run.json"), "{}");
    expect(await listRuns({ home })).toEqual([]);
  });

  it("a home that is a file is named, for runs and for the cache", async () => {
    const home = newHome();
    await writeFile(home, "not a directory");
    // the library's message names no environment variable or flag: the CLI adds its hint (run-faults-cli)
    const message = `flowc home ${home}: is a file, not a directory`;
    await expect(startRun(sharpDrafts(), { home, ...quiet })).rejects.toThrow(message);
    await expect(listRuns({ home })).rejects.toThrow(message);
    await expect(cacheList({ home })).rejects.toThrow(message);
    await expect(listRuns({ home: path.join(home, "below") })).rejects.toThrow("a part of the path is a file");
  });

  it("a record left running by a dead process shows interrupted, with the spend its journal holds", async () => {
    const home = newHome();
    const run = await startRun(sharpDrafts(), { home, ...quiet });
    const runDir = path.join(home, "runs", run.runId);
    // as a process killed mid-run leaves it: the record still says running, spent 0
    const stale = { ...run.record, status: "running", totals: { ...run.record.totals, spent: "0", attempts: 0 }, segments: [{ ...run.record.segments[0]!, status: "running", spent: "0" }] };
    delete (stale as { endedAt?: string }).endedAt;
    await writeFile(path.join(runDir, "record.json"), JSON.stringify(stale));
    const { hostname } = await import("node:os");
    await writeFile(path.join(runDir, "lock"), JSON.stringify({ pid: 2 ** 22 + 17, host: hostname() }));
    const shown = await getRecord(run.runId, { home });
    expect(shown).toMatchObject({ status: "interrupted", totals: { spent: run.record.totals.spent, attempts: run.record.totals.attempts } });
    expect(shown.segments[0]).toMatchObject({ status: "interrupted", spent: run.record.totals.spent });
    expect((await listRuns({ home }))[0]).toMatchObject({ status: "interrupted", spent: run.record.totals.spent });
    // while a live process holds it, it is running, with the journal's spend so far
    await writeFile(path.join(runDir, "lock"), JSON.stringify({ pid: process.pid, host: hostname() }));
    expect(await getRecord(run.runId, { home })).toMatchObject({ status: "running", totals: { spent: run.record.totals.spent } });
  });

  it("decisions are not recorded while a process executes the run (they would be overwritten)", async () => {
    const home = newHome();
    const paused = await startRun(productClips(), { home, notify: { stderr: false }, collectOutputs: false });
    expect(paused.status).toBe("awaiting-review");
    const { hostname } = await import("node:os");
    const lock = path.join(home, "runs", paused.runId, "lock");
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname() }));
    const item = paused.record.pending[0]!;
    const doc = { reviews: { [item.stream]: { [item.itemId]: "approve" } } };
    await expect(recordDecisions(paused.runId, doc, { home })).rejects.toMatchObject({ code: "run-busy" });
    await rm(lock);
    expect((await recordDecisions(paused.runId, doc, { home })).events.at(-1)).toMatchObject({ type: "decisions-recorded" });
  });

  it("the record is refreshed as nodes finish, while the run goes on", async () => {
    const home = newHome();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const simulated = new SimulatedProvider({ seed: 1 });
    const provider: Provider = {
      name: "held",
      prepare: (graph) => simulated.prepare(graph),
      call: async (request: CallRequest, signal) => {
        if (request.node.name === "qc") await held;
        return simulated.call(request, signal);
      },
    };
    const graph: FlowGraph = { ...sharpDrafts(), streams: sharpDrafts().streams.map((s) => (s.kind === "gate" ? { ...s, retry: undefined, discards: false } : s)) };
    let draftDone!: () => void;
    const drafted = new Promise<void>((resolve) => (draftDone = resolve));
    const running = startRun(graph, { home, provider, ...quiet, onEvent: (e) => e.type === "node-done" && e.node === "draft" && draftDone() });
    await drafted;
    const runId = (await readdir(path.join(home, "runs")))[0]!;
    let record = JSON.parse(await readFile(path.join(home, "runs", runId, "record.json"), "utf8"));
    for (let i = 0; i < 100 && record.nodes[1].calls === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      record = JSON.parse(await readFile(path.join(home, "runs", runId, "record.json"), "utf8"));
    }
    expect(record.status).toBe("running");
    expect(record.nodes[1]).toMatchObject({ name: "draft", calls: 20, credits: "83.88608" });
    expect(record.totals.spent).toBe("83.88608");
    release();
    expect((await running).status).toBe("completed");
  });
});

describe("the alert", () => {
  it("given as a percent of the cap, follows a cap given with the run (record and notification alike)", async () => {
    const home = newHome();
    const summaries: RunSummary[] = [];
    const notifier: Notifier = { channel: "test", notify: async (s) => void summaries.push(s) };
    const graph = { ...campaign(), budget: { cap: "900", alert: "675", alertPercent: "75", strict: false } };
    const result = await startRun(graph, { home, cap: "800", scenario: campaignWorst, notifiers: [notifier], collectOutputs: false, simulateHumans: true });
    expect(result.record).toMatchObject({ cap: "800", alert: "600", flagged: true });
    expect(summaries.find((s) => s.reason === undefined)).toMatchObject({ alert: "600", cap: "800", message: expect.stringContaining("alert at 600") });
    expect(summaries.find((s) => s.status === "paused")).toMatchObject({ alert: "600", cap: "800" });

    const resumed = await resumeRun(result.runId, { home, cap: "1000", notifiers: [notifier], collectOutputs: false });
    expect(resumed.record).toMatchObject({ cap: "1000", alert: "750" });
  });
});

describe("the journal file", () => {
  it("appends made after a torn last line start on a line of their own", async () => {
    const file = path.join(newHome(), "journal.jsonl");
    const first = new FileJournal(file);
    await first.append({ type: "decision", stream: "s", itemId: "1", decision: "approve", by: "t", at: 1 });
    await first.close();
    await writeFile(file, `${await readFile(file, "utf8")}{"type":"decision","str`);
    const second = new FileJournal(file);
    await second.append({ type: "decision", stream: "s", itemId: "2", decision: "reject", by: "t", at: 2 });
    await second.close();
    expect((await new FileJournal(file).read()).map((e) => (e.type === "decision" ? e.itemId : ""))).toEqual(["1", "2"]);
  });
});
