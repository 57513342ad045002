// The append-only journal of a run: every attempt charged, every cache hit and every decision, one
// JSON line each, flushed to disk (fsync) before the attempt's credits are counted. A resumed run
// replays it instead of calling again. Appends made while a flush is running are written together
// by the next one (group commit), so concurrent calls share one fsync.
//
// Every line ends with a checksum of the rest of it (`,"sum":"<16 hex>"}`), and every entry is
// checked for its shape (credits are non-negative exact decimals) when read. A last line cut short
// (kill -9 mid-write, a full disk, power loss) is cut off before the next append; anything else
// that does not check is an error naming the file and line, never replayed.
import type { FileHandle } from "node:fs/promises";
import path from "node:path";
import { credits, ZERO, type Decimal } from "./credits";
import { disk, storageError } from "./disk";
import { JournalCorruptError } from "./errors";
import { isCode } from "./fsutil";
import { journalLine, readJournalLine } from "./journal-entry";

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
  /** a failed attempt's cause, short and countable ("HTTP 500", "timed out") */
  cause?: string;
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
  /** bytes of whole entries on disk: a failed write is cut back to it */
  private size = 0;
  /** a write failed and could not be undone: later appends fail too, nothing is glued on */
  private broken: unknown;

  constructor(readonly file: string) {}

  append(entry: JournalEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ line: journalLine(entry), resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  async read(): Promise<JournalEntry[]> {
    const bytes = await readIfExists(this.file);
    return bytes ? scanJournal(bytes, this.file).entries : [];
  }

  async close(): Promise<void> {
    while (this.flushing) await new Promise((resolve) => setImmediate(resolve));
    const handle = this.handle;
    this.handle = undefined;
    if (handle) await (await handle.catch(() => undefined))?.close();
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
          await this.write(batch.map((e) => e.line).join(""));
          for (const e of batch) e.resolve();
        } catch (error) {
          for (const e of batch) e.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async write(text: string): Promise<void> {
    if (this.broken) throw this.broken;
    const handle = await this.open();
    try {
      await disk.write(handle, text);
      await disk.sync(handle);
      this.size += Buffer.byteLength(text);
    } catch (error) {
      // a partial write must not become the start of the next entry's line
      await disk.truncate(handle, this.size).catch(() => (this.broken = storageError(this.file, error)));
      throw storageError(this.file, error);
    }
  }

  private open(): Promise<FileHandle> {
    this.handle ??= this.repairAndOpen().catch((error: unknown) => {
      throw storageError(this.file, error);
    });
    return this.handle;
  }

  /** Cuts a torn last line off (or ends a whole one with its newline), then opens for appending. */
  private async repairAndOpen(): Promise<FileHandle> {
    await disk.mkdirs(path.dirname(this.file));
    const bytes = await readIfExists(this.file);
    const scan = bytes ? scanJournal(bytes, this.file) : { goodLength: 0, endsLine: true };
    const handle = await disk.open(this.file, "a");
    try {
      if (bytes && scan.goodLength < bytes.length) await disk.truncate(handle, scan.goodLength);
      this.size = scan.goodLength;
      if (!scan.endsLine) {
        await disk.write(handle, "\n");
        this.size += 1;
      }
    } catch (error) {
      await handle.close();
      throw error;
    }
    return handle;
  }
}

async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await disk.readFile(file);
  } catch (error) {
    if (isCode(error, "ENOENT")) return undefined;
    throw storageError(file, error, "reading");
  }
}

export interface JournalScan {
  entries: JournalEntry[];
  /** bytes up to the end of the last whole entry (a torn last line is left out) */
  goodLength: number;
  /** false: the last entry is whole but its newline was not written */
  endsLine: boolean;
}

/**
 * Reads a journal. A last line without its newline that does not check is a torn write: it is
 * left out (its attempt was never counted, so its call is made again under the same idempotency
 * key). Any other line that does not check throws JournalCorruptError naming the file and line.
 */
export function scanJournal(bytes: Buffer, source: string): JournalScan {
  const entries: JournalEntry[] = [];
  let start = 0;
  let lineNo = 0;
  while (start < bytes.length) {
    lineNo++;
    const newline = bytes.indexOf(0x0a, start);
    const end = newline === -1 ? bytes.length : newline;
    const line = bytes.subarray(start, end).toString("utf8");
    if (line.trim() === "") {
      if (newline === -1) return { entries, goodLength: start, endsLine: true };
    } else {
      const read = readJournalLine(line);
      if ("entry" in read) entries.push(read.entry);
      else if (newline === -1) return { entries, goodLength: start, endsLine: true };
      else throw new JournalCorruptError(source, lineNo, read.problem);
      if (newline === -1) return { entries, goodLength: bytes.length, endsLine: false };
    }
    start = newline + 1;
  }
  return { entries, goodLength: bytes.length, endsLine: true };
}

/** The entries of a journal's text (see scanJournal). */
export function parseJournal(text: string | Buffer, source: string): JournalEntry[] {
  return scanJournal(typeof text === "string" ? Buffer.from(text) : text, source).entries;
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
