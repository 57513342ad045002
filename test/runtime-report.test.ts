import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credits } from "../runtime/credits";
import { FileJournal, parseJournal, Replay } from "../runtime/journal";
import { crc32, journalLine } from "../runtime/journal-entry";
import {
  createJsonLogger,
  createLineLogger,
  createTtyRenderer,
  getRecord,
  listRuns,
  renderReport,
  report,
  RunNotFoundError,
  resumeRun,
  startRun,
  validateRecord,
  type RunEvent,
  type RunResult,
} from "../runtime/index";
import { campaign, campaignWorst, uncapped } from "./helpers/runtime-graphs";

let home: string;
let worst: RunResult;
const events: RunEvent[] = [];
beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), "flowc-rt-report-"));
  worst = await startRun(uncapped(campaign()), { home, scenario: campaignWorst, notify: { stderr: false }, onEvent: (e) => events.push(e) });
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe("report", () => {
  it("lists nodes by credits, highest first, with shares and the top two's share", () => {
    const r = report(worst.record);
    expect(r.rows.map((row) => [row.name, row.credits])).toEqual([
      ["final", "419.4304"],
      ["full", "419.4304"],
      ["previews", "52.4288"],
      ["faces", "5"],
      ["captions", "3"],
      ["style_ref", "3"],
    ]);
    expect(r.topTwo).toEqual(["final", "full"]);
    expect(r.topTwoShare).toBe(credits("838.8608").dividedBy("902.2896").toDecimalPlaces(12).toFixed());
    // credits and shares are exact decimal text: never a decimal.js value that prints 100 digits
    expect(r.rows.map((row) => typeof row.credits + typeof row.share)).toEqual(Array(6).fill("stringstring"));
    expect(r.rows.every((row) => /^0(\.\d{1,12})?$|^1$/.test(row.share))).toBe(true);
  });

  it("renders text, markdown and JSON with exact credits", () => {
    const r = report(worst.record);
    const text = renderReport(r, "text");
    expect(text).toContain(`run ${worst.runId} · flow campaign_portraits · completed`);
    expect(text).toContain("spent 902.2896 credits · worst case 902.2896");
    expect(text).toMatch(/final +50 +50 +50 +50 +0 +0 +419\.4304 +46\.5%/);
    expect(text).toContain("top two: final, full = 93.0% of the spend");
    const markdown = renderReport(r, "markdown");
    expect(markdown).toContain("| node | calls | attempts | items in | items out | failed | cache hits | credits | share |");
    expect(markdown).toContain("| full | 50 | 100 | 50 | 50 | 0 | 0 | 419.4304 | 46.5% |");
    const json = renderReport(r, "json");
    expect(json).toContain('"spent": 902.2896');
    const parsed = JSON.parse(json);
    expect(parsed.nodes[0]).toMatchObject({ name: "final", credits: 419.4304, calls: 50 });
    expect(parsed.topTwo).toEqual(["final", "full"]);
  });
});

describe("records", () => {
  it("are written valid, listed, and read back; an unknown id is a typed usage error", async () => {
    const file = JSON.parse(await readFile(path.join(home, "runs", worst.runId, "record.json"), "utf8"));
    expect(validateRecord(file)).toEqual([]);
    expect(file).toEqual(await getRecord(worst.runId, { home }));
    expect(await listRuns({ home })).toEqual([
      { runId: worst.runId, flow: "campaign_portraits", status: "completed", spent: "902.2896", worstCase: "902.2896", expected: worst.record.totals.expected, pending: 0, flagged: false, acknowledged: false, startedAt: worst.record.startedAt, endedAt: worst.record.endedAt },
    ]);
    for (const id of ["nope", "../etc", ""]) {
      const error = await getRecord(id, { home }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RunNotFoundError);
      expect((error as RunNotFoundError).usage).toBe(true);
    }
    await expect(resumeRun("nope", { home })).rejects.toThrow('no run with id "nope"');
    await expect(resumeRun(worst.runId, { home })).rejects.toThrow("already completed");
  });

  it("the schema rejects what a record must not hold", () => {
    expect(validateRecord({ ...worst.record, status: "done" })[0]).toContain("/status must be equal to one of the allowed values");
    expect(validateRecord({ ...worst.record, totals: { ...worst.record.totals, spent: 902.2896 } })).toContain("/totals/spent must be string");
  });
});

describe("journal", () => {
  it("holds every attempt with its idempotency key, and replays spend", async () => {
    const text = await readFile(path.join(home, "runs", worst.runId, "journal.jsonl"), "utf8");
    const entries = parseJournal(text, "journal");
    const attempts = entries.filter((e) => e.type === "attempt");
    expect(attempts).toHaveLength(worst.record.totals.attempts);
    expect(attempts.find((e) => e.node === "full" && e.attempt === 2)).toMatchObject({ ok: true, credits: "4.194304", idempotencyKey: expect.stringMatching(new RegExp(`^${worst.runId}/full/r0/\\d+\\.v\\d/a2$`)) });
    expect(new Replay(entries).spent.toFixed()).toBe("902.2896");
  });

  it("drops a line cut short at the end, and refuses a corrupt line elsewhere", () => {
    const line = journalLine({ type: "decision", stream: "s", itemId: "i", decision: "approve", by: "x", at: 1 });
    expect(parseJournal(`${line}{"type":"att`, "j")).toHaveLength(1);
    expect(() => parseJournal(`{"type":"att\n${line}`, "j")).toThrow("j:1: corrupt journal entry: no checksum at the end of the line");
    expect(crc32("123456789")).toBe("cbf43926"); // the standard check value of CRC-32
  });

  it("writes concurrent appends, each durable before it resolves", async () => {
    const journal = new FileJournal(path.join(home, "j", "journal.jsonl"));
    await Promise.all(Array.from({ length: 200 }, (_, i) => journal.append({ type: "decision", stream: "s", itemId: String(i), decision: "reject", by: "t", at: i })));
    const read = await journal.read();
    await journal.close();
    expect(read.map((e) => (e.type === "decision" ? e.itemId : ""))).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
  });
});

describe("progress", () => {
  const sink = () => {
    const out = { text: "", write: (s: string) => void (out.text += s) };
    return out;
  };

  it("plain lines: nodes finishing, spend and the end", () => {
    const out = sink();
    const log = createLineLogger(out);
    events.forEach(log);
    expect(out.text).toContain(`run ${worst.runId} of campaign_portraits: spent 0 credits`);
    expect(out.text).toContain("full: 50 item(s), 50 call(s), 419.4304 credits — done; spent");
    expect(out.text.trim().split("\n").at(-1)).toBe(`run ${worst.runId} completed: 902.2896 credits spent`);
  });

  it("a terminal block redrawn in place, finished nodes scrolling above it", () => {
    const out = sink();
    const render = createTtyRenderer(out, { intervalMs: 0 });
    events.forEach(render);
    expect(out.text).toContain("✓ captions: 50 item(s), 2 call(s), 3 credits");
    expect(out.text).toMatch(/\x1b\[\d+A\r\x1b\[0J/);
    expect(out.text).toContain("spent 902.2896 credits");
    expect(out.text.endsWith(`run ${worst.runId} completed: 902.2896 credits spent\n`)).toBe(true);
  });

  it("JSON lines, one event each", () => {
    const out = sink();
    const log = createJsonLogger(out);
    events.slice(0, 3).forEach(log);
    expect(out.text.trim().split("\n").map((l) => JSON.parse(l).type)).toEqual(events.slice(0, 3).map((e) => e.type));
    expect(events.filter((e) => e.type === "call-done")).toHaveLength(worst.record.totals.calls);
  });
});
