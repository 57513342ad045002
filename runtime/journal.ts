// The append-only journal of a run: every attempt charged, every cache hit and every decision, one
// JSON line each, flushed to disk (fsync) before the attempt's credits are counted. A resumed run
// replays it instead of calling again. Appends made while a flush is running are written together
// by the next one (group commit), so concurrent calls share one fsync.
import { mkdir, open, readFile, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { credits, ZERO, type Decimal } from "./credits";
import { isCode } from "./fsutil";

export interface JournalOutput {
  value: unknown;
  hash: string;
  metrics: Record<string, number>;
}

interface CallEntryBase {
  /** node/r<round>/<callId> */
  call: string;
  node: string;
  callId: string;
  round: number;
  /** ids of the items the call was made for, in order */
  items: string[];
  at: number;
}

export interface AttemptEntry extends CallEntryBase {
  type: "attempt";
  attempt: number;
  idempotencyKey: string;
  ok: boolean;
  credits: string;
  outputs?: JournalOutput[];
  error?: string;
}

export interface CacheHitEntry extends CallEntryBase {
  type: "cache-hit";
  /** what the call would have cost */
  saved: string;
  outputs: JournalOutput[];
}

export interface DecisionEntry {
  type: "decision";
  stream: string;
  itemId: string;
  decision: "approve" | "reject" | string[];
  by: string;
  at: number;
}

export type JournalEntry = AttemptEntry | CacheHitEntry | DecisionEntry;

export interface Journal {
  /** resolves once the entry is on disk */
  append(entry: JournalEntry): Promise<void>;
  read(): Promise<JournalEntry[]>;
  close(): Promise<void>;
}

export class FileJournal implements Journal {
  private handle: Promise<FileHandle> | undefined;
  private queue: { line: string; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private flushing = false;

  constructor(readonly file: string) {}

  append(entry: JournalEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ line: `${JSON.stringify(entry)}\n`, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  async read(): Promise<JournalEntry[]> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (error) {
      if (isCode(error, "ENOENT")) return [];
      throw error;
    }
    return parseJournal(text, this.file);
  }

  async close(): Promise<void> {
    while (this.flushing) await new Promise((resolve) => setImmediate(resolve));
    if (this.handle) await (await this.handle).close();
    this.handle = undefined;
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        // let the calls finishing in this turn of the event loop join the flush
        await new Promise((resolve) => setImmediate(resolve));
        const batch = this.queue;
        this.queue = [];
        try {
          const handle = await this.open();
          await handle.write(batch.map((e) => e.line).join(""));
          await handle.sync();
          for (const e of batch) e.resolve();
        } catch (error) {
          for (const e of batch) e.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private open(): Promise<FileHandle> {
    this.handle ??= mkdir(path.dirname(this.file), { recursive: true }).then(() => open(this.file, "a"));
    return this.handle;
  }
}

/** A line cut short by a crash can only be the last one: it is dropped (its call never counted). */
export function parseJournal(text: string, source: string): JournalEntry[] {
  const lines = text.split("\n");
  const entries: JournalEntry[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch (error) {
      const last = lines.slice(index + 1).every((rest) => rest.trim() === "");
      if (!last) throw new Error(`${source}: corrupt journal line ${index + 1}: ${String(error)}`);
    }
  });
  return entries;
}

export interface CallHistory {
  attempts: AttemptEntry[];
  hit?: CacheHitEntry;
}

/** What an earlier segment of the run already did, looked up by call and by decision. */
export class Replay {
  readonly spent: Decimal;
  private readonly calls = new Map<string, CallHistory>();
  private readonly decisions = new Map<string, DecisionEntry>();

  constructor(entries: JournalEntry[]) {
    let spent = ZERO;
    for (const entry of entries) {
      if (entry.type === "decision") {
        this.decisions.set(decisionKey(entry.stream, entry.itemId), entry);
        continue;
      }
      const history = this.calls.get(entry.call) ?? { attempts: [] };
      if (entry.type === "cache-hit") history.hit = entry;
      else {
        history.attempts.push(entry);
        spent = spent.plus(credits(entry.credits));
      }
      this.calls.set(entry.call, history);
    }
    this.spent = spent;
  }

  /** the call's history, handed out once (then forgotten, to keep memory flat) */
  takeCall(call: string): CallHistory | undefined {
    const history = this.calls.get(call);
    this.calls.delete(call);
    return history;
  }

  decision(stream: string, itemId: string): DecisionEntry | undefined {
    return this.decisions.get(decisionKey(stream, itemId));
  }
}

function decisionKey(stream: string, itemId: string): string {
  return `${stream}\u0000${itemId}`;
}
