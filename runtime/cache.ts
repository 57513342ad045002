// The content-addressed cache of call outputs. The key covers everything that shapes a call's
// result (op, model, resolution, duration, variants, params, cost figures) and the content of its
// input items and named arguments; an entry older than the node's TTL is a miss. Entries are
// written atomically (temporary file, rename), so two runs may share the cache: the last writer
// of a key wins with an equivalent entry, and a reader never sees half a file. Every entry read is
// checked (its shape, a hash of its outputs, a creation time not in the future): a damaged one is
// a CacheEntryError, which the executor turns into a miss and a warning.
import path from "node:path";
import { disk, storageError } from "./disk";
import { CacheEntryError, RunFileError } from "./errors";
import type { GraphNode } from "./graph";
import { canonicalJson, sha256 } from "./hash";
import { isCode, listDir, readJsonIfExists, removeIfExists, writeJsonAtomic } from "./fsutil";
import type { JournalOutput } from "./journal";
import { outputsProblem } from "./journal-entry";
import { compareCodePoints } from "../syntax/order";

export interface CacheEntry {
  key: string;
  flow: string;
  node: string;
  /** ms since the epoch */
  createdAt: number;
  outputs: JournalOutput[];
  /** the writer's TTL: a store that can expire entries itself (Redis) drops the entry then */
  ttlMs?: number;
}

export interface CacheEntryInfo {
  key: string;
  flow: string;
  node: string;
  /** bytes on disk */
  size: number;
  createdAt: number;
  /** the writer's TTL */
  ttlMs?: number;
}

export interface CacheFilter {
  flow?: string;
  node?: string;
}

export interface CacheStore {
  /** undefined when absent or older than maxAgeMs at `now`; CacheEntryError when damaged */
  get(key: string, maxAgeMs: number, now: number): Promise<CacheEntry | undefined>;
  put(entry: CacheEntry): Promise<void>;
  list(): Promise<CacheEntryInfo[]>;
  /** returns how many entries were removed */
  clear(filter?: CacheFilter): Promise<number>;
}

/** The part of a node's cache key that does not depend on its inputs. */
export function nodeIdentity(node: GraphNode): string {
  return canonicalJson({
    op: node.op,
    model: node.model ?? null,
    resolution: node.resolution ?? null,
    duration: node.durationSeconds ?? null,
    variants: node.variants,
    params: node.params,
    pricePerOutput: node.pricePerOutput,
    overheadPerCall: node.overheadPerCall,
  });
}

export function cacheKey(identity: string, itemHashes: string[], named: Record<string, string>): string {
  const namedPart = Object.keys(named)
    .sort()
    .map((name) => `${name}=${named[name]}`)
    .join(",");
  return sha256(`${identity}\n${itemHashes.join(",")}\n${namedPart}`);
}

/** A hash of an entry's outputs, stored with it: an entry whose outputs changed is not used. */
export function outputsSum(outputs: JournalOutput[]): string {
  return sha256(canonicalJson(outputs));
}

/**
 * A stored entry checked before use; undefined when it is too old. `stored` is what the store
 * read back (parsed JSON, or Redis fields put together); `source` names it in the error.
 */
export function checkedEntry(stored: unknown, key: string, maxAgeMs: number, now: number, source: string): CacheEntry | undefined {
  const entry = stored as Partial<CacheEntry> & { sum?: unknown };
  const problem = entryShapeProblem(entry, key) ?? (entry.createdAt! > now ? "it was created in the future (a clock set wrong?)" : undefined);
  if (problem) throw new CacheEntryError(source, problem);
  if (now - entry.createdAt! > maxAgeMs) return undefined;
  return { key, flow: entry.flow!, node: entry.node!, createdAt: entry.createdAt!, outputs: entry.outputs! };
}

function entryShapeProblem(entry: Partial<CacheEntry> & { sum?: unknown }, key: string): string | undefined {
  if (typeof entry !== "object" || entry === null) return "not an object";
  if (entry.key !== key) return "its key does not match its name";
  if (typeof entry.flow !== "string" || typeof entry.node !== "string") return "flow and node must be strings";
  if (typeof entry.createdAt !== "number" || !Number.isFinite(entry.createdAt)) return "createdAt must be a time in milliseconds";
  const outputs = outputsProblem(entry.outputs);
  if (outputs) return outputs;
  if (entry.sum !== outputsSum(entry.outputs!)) return "its outputs do not match their hash";
  return undefined;
}

/** Layout: <dir>/<first two hex digits>/<key>.json */
export class FileCacheStore implements CacheStore {
  constructor(readonly dir: string) {}

  async get(key: string, maxAgeMs: number, now: number): Promise<CacheEntry | undefined> {
    const file = this.file(key);
    let entry: unknown;
    try {
      entry = await readJsonIfExists<unknown>(file);
    } catch (error) {
      throw new CacheEntryError(file, error instanceof RunFileError ? "not valid JSON" : error instanceof Error ? error.message : String(error));
    }
    return entry === undefined ? undefined : checkedEntry(entry, key, maxAgeMs, now, file);
  }

  async put(entry: CacheEntry): Promise<void> {
    await writeJsonAtomic(this.file(entry.key), { ...entry, sum: outputsSum(entry.outputs) });
  }

  async list(): Promise<CacheEntryInfo[]> {
    const infos: CacheEntryInfo[] = [];
    for (const file of await this.files()) {
      const info = await readInfo(file);
      if (info) infos.push(info);
    }
    return infos.sort(compareInfos);
  }

  async clear(filter: CacheFilter = {}): Promise<number> {
    let removed = 0;
    for (const file of await this.files()) {
      if (filter.flow !== undefined || filter.node !== undefined) {
        const info = await readInfo(file);
        if (!info || (filter.flow !== undefined && info.flow !== filter.flow) || (filter.node !== undefined && info.node !== filter.node)) continue;
      }
      if (await removeIfExists(file)) removed++;
    }
    return removed;
  }

  private file(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  private async files(): Promise<string[]> {
    const files: string[] = [];
    for (const shard of await listDir(this.dir)) {
      for (const name of await listDir(path.join(this.dir, shard))) {
        if (name.endsWith(".json")) files.push(path.join(this.dir, shard, name));
      }
    }
    return files;
  }
}

export function compareInfos(a: CacheEntryInfo, b: CacheEntryInfo): number {
  return compareCodePoints(a.flow, b.flow) || compareCodePoints(a.node, b.node) || a.createdAt - b.createdAt || compareCodePoints(a.key, b.key);
}

/** What `cache ls` shows of an entry; undefined for one that is gone or cannot be read as one. */
async function readInfo(file: string): Promise<CacheEntryInfo | undefined> {
  try {
    const [bytes, stats] = await Promise.all([disk.readFile(file), disk.stat(file)]);
    const entry = JSON.parse(bytes.toString("utf8")) as Partial<CacheEntry>;
    if (typeof entry?.key !== "string" || typeof entry.flow !== "string" || typeof entry.node !== "string" || typeof entry.createdAt !== "number") return undefined;
    const ttl = typeof entry.ttlMs === "number" ? { ttlMs: entry.ttlMs } : {};
    return { key: entry.key, flow: entry.flow, node: entry.node, size: stats.size, createdAt: entry.createdAt, ...ttl };
  } catch (error) {
    if (isCode(error, "ENOENT") || error instanceof SyntaxError) return undefined;
    throw storageError(file, error, "reading");
  }
}
