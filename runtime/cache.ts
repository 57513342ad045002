// The content-addressed cache of call outputs. The key covers everything that shapes a call's
// result (op, model, resolution, duration, variants, params, cost figures) and the content of its
// input items and named arguments; an entry older than the node's TTL is a miss. Entries are
// written atomically (temporary file, rename), so two runs may share the cache: the last writer
// of a key wins with an equivalent entry, and a reader never sees half a file.
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { GraphNode } from "./graph";
import { canonicalJson, sha256 } from "./hash";
import { isCode, listDir, readJsonIfExists, removeIfExists, writeJsonAtomic } from "./fsutil";
import type { JournalOutput } from "./journal";

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
  /** undefined when absent or older than maxAgeMs at `now` */
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

/** Layout: <dir>/<first two hex digits>/<key>.json */
export class FileCacheStore implements CacheStore {
  constructor(readonly dir: string) {}

  async get(key: string, maxAgeMs: number, now: number): Promise<CacheEntry | undefined> {
    let entry: CacheEntry | undefined;
    try {
      entry = await readJsonIfExists<CacheEntry>(this.file(key));
    } catch {
      return undefined; // unreadable: a miss, rewritten by the call
    }
    if (!entry || entry.key !== key) return undefined;
    return now - entry.createdAt > maxAgeMs ? undefined : entry;
  }

  async put(entry: CacheEntry): Promise<void> {
    await writeJsonAtomic(this.file(entry.key), entry);
  }

  async list(): Promise<CacheEntryInfo[]> {
    const infos: CacheEntryInfo[] = [];
    for (const file of await this.files()) {
      const info = await readInfo(file);
      if (info) infos.push(info);
    }
    return infos.sort((a, b) => a.flow.localeCompare(b.flow) || a.node.localeCompare(b.node) || a.createdAt - b.createdAt || a.key.localeCompare(b.key));
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

async function readInfo(file: string): Promise<CacheEntryInfo | undefined> {
  try {
    const [text, stats] = await Promise.all([readFile(file, "utf8"), stat(file)]);
    const entry = JSON.parse(text) as CacheEntry;
    return { key: entry.key, flow: entry.flow, node: entry.node, size: stats.size, createdAt: entry.createdAt, ...(entry.ttlMs !== undefined ? { ttlMs: entry.ttlMs } : {}) };
  } catch (error) {
    if (isCode(error, "ENOENT") || error instanceof SyntaxError) return undefined;
    throw error;
  }
}
