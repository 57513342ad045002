// The shared cache in Redis: one hash per content-addressed key (flow, node, createdAt, outputs)
// whose lifetime Redis enforces (PEXPIRE, set with the entry in one MULTI): an expired entry is
// gone for every machine at once. `flowc cache ls/clear --redis` walk the keys with SCAN.
import type { Redis } from "ioredis";
import { checkedEntry, compareInfos, outputsSum, type CacheEntry, type CacheEntryInfo, type CacheFilter, type CacheStore } from "../cache";
import { CacheEntryError } from "../errors";
import type { Keys } from "./connection";

const SCAN_COUNT = 500;

export class RedisCacheStore implements CacheStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async get(key: string, maxAgeMs: number, now: number): Promise<CacheEntry | undefined> {
    const name = this.keys.cache(key);
    const [flow, node, createdAt, outputs, sum] = await this.redis.hmget(name, "flow", "node", "createdAt", "outputs", "sum");
    if (flow === null && node === null && createdAt === null && outputs === null) return undefined;
    let parsed: unknown;
    try {
      parsed = outputs === null ? undefined : JSON.parse(outputs);
    } catch {
      throw new CacheEntryError(`Redis key ${name}`, "its outputs are not valid JSON");
    }
    // a node with a shorter TTL than the writer's sees the entry expire sooner
    return checkedEntry({ key, flow, node, createdAt: createdAt === null ? null : Number(createdAt), outputs: parsed, sum }, key, maxAgeMs, now, `Redis key ${name}`);
  }

  async put(entry: CacheEntry): Promise<void> {
    const key = this.keys.cache(entry.key);
    const transaction = this.redis.multi().hset(key, { flow: entry.flow, node: entry.node, createdAt: String(entry.createdAt), outputs: JSON.stringify(entry.outputs), sum: outputsSum(entry.outputs) });
    if (entry.ttlMs !== undefined) transaction.pexpire(key, Math.max(1, Math.round(entry.ttlMs)));
    await transaction.exec();
  }

  async list(): Promise<CacheEntryInfo[]> {
    const infos: CacheEntryInfo[] = [];
    await this.scan(async (keys) => {
      const pipeline = this.redis.pipeline();
      for (const key of keys) pipeline.hmget(key, "flow", "node", "createdAt").memory("USAGE", key);
      const replies = (await pipeline.exec()) ?? [];
      keys.forEach((key, i) => {
        const fields = replies[2 * i]?.[1] as (string | null)[] | undefined;
        const size = replies[2 * i + 1]?.[1] as number | null | undefined;
        if (!fields || fields.some((f) => f === null) || size == null) return; // expired meanwhile
        infos.push({ key: key.slice(this.keys.cache("").length), flow: fields[0]!, node: fields[1]!, createdAt: Number(fields[2]), size });
      });
    });
    return infos.sort(compareInfos);
  }

  async clear(filter: CacheFilter = {}): Promise<number> {
    let removed = 0;
    await this.scan(async (keys) => {
      let doomed = keys;
      if (filter.flow !== undefined || filter.node !== undefined) {
        const pipeline = this.redis.pipeline();
        for (const key of keys) pipeline.hmget(key, "flow", "node");
        const replies = (await pipeline.exec()) ?? [];
        doomed = keys.filter((_, i) => {
          const [flow, node] = (replies[i]?.[1] as (string | null)[] | undefined) ?? [];
          return flow != null && (filter.flow === undefined || flow === filter.flow) && (filter.node === undefined || node === filter.node);
        });
      }
      if (doomed.length > 0) removed += await this.redis.unlink(...doomed);
    });
    return removed;
  }

  private async scan(each: (keys: string[]) => Promise<void>): Promise<void> {
    let cursor = "0";
    do {
      const [next, keys] = await this.redis.scan(cursor, "MATCH", this.keys.cachePattern(), "COUNT", SCAN_COUNT);
      cursor = next;
      if (keys.length > 0) await each(keys);
    } while (cursor !== "0");
  }
}
