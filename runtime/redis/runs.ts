// Runs in Redis: the configuration a resume needs, the record, the journal, recorded decisions and
// alert flags, readable from any machine (`flowc runs`, `report`, `resume --redis`). One
// coordinator executes a run at a time: it holds a lease on the run's lock and renews it; a lease
// left by a killed coordinator is taken over at once on the same host (its pid is gone), else when
// it expires.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import type { Clock } from "../clock";
import { RunFileError, RunNotFoundError, RuntimeError } from "../errors";
import { alive, busyMessage, jsonProblem, type LockOwner } from "../fsutil";
import type { Journal } from "../journal";
import { assertValidRecord, type RunRecord } from "../record";
import { candidateRunId, checkedConfig, checkedRecord, MAX_ID_DRAWS, mergeDecisions, RUN_ID, type AlertFlag, type DecisionsDoc, type RunConfig, type RunListing, type RunStore } from "../runs";
import type { Keys } from "./connection";
import { RedisJournal } from "./journal";
import { CREATE_RUN, LOCK_OWNED } from "./scripts";
import { compareCodePoints } from "../../syntax/order";

/** How long a coordinator's lock outlives its last renewal. */
export const LEASE_MS = 10_000;

export class RedisRunStore implements RunStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async create(config: Omit<RunConfig, "runId">, clock: Clock, firstRecord: (config: RunConfig) => RunRecord): Promise<RunConfig> {
    for (let draw = 0; draw < MAX_ID_DRAWS; draw++) {
      const runId = candidateRunId(config.flow, clock.now());
      const full = { runId, ...config };
      const record = firstRecord(full);
      assertValidRecord(record);
      const keys = [this.keys.run(runId, "config"), this.keys.run(runId, "record"), this.keys.runs()];
      if (await CREATE_RUN.run(this.redis, keys, [JSON.stringify(full), JSON.stringify(record), String(config.createdAt), runId])) return full;
    }
    throw new RuntimeError("run-state", `could not find a free run id in Redis after ${MAX_ID_DRAWS} tries`);
  }

  async config(runId: string): Promise<RunConfig> {
    const key = this.keys.run(runId, "config");
    const text = RUN_ID.test(runId) ? await this.redis.get(key) : null;
    if (!text) throw new RunNotFoundError(runId);
    return checkedConfig(parseStored(text, key), `Redis key ${key}`);
  }

  async updateConfig(config: RunConfig): Promise<void> {
    await this.redis.set(this.keys.run(config.runId, "config"), JSON.stringify(config), "XX");
  }

  async writeRecord(record: RunRecord): Promise<void> {
    assertValidRecord(record);
    await this.redis.set(this.keys.run(record.runId, "record"), JSON.stringify(record));
  }

  async readRecord(runId: string): Promise<RunRecord> {
    const key = this.keys.run(runId, "record");
    const text = RUN_ID.test(runId) ? await this.redis.get(key) : null;
    if (!text) throw new RunNotFoundError(runId);
    return checkedRecord(parseStored(text, key), `Redis key ${key}`);
  }

  async list(): Promise<RunListing> {
    const ids = await this.redis.zrange(this.keys.runs(), "0", "-1");
    const listing: RunListing = { records: [], unreadable: [] };
    for (let i = 0; i < ids.length; i += 500) {
      const batch = ids.slice(i, i + 500);
      const texts = await this.redis.mget(batch.map((id) => this.keys.run(id, "record")));
      texts.forEach((text, j) => {
        if (!text) return;
        const key = this.keys.run(batch[j]!, "record");
        try {
          listing.records.push(checkedRecord(parseStored(text, key), `Redis key ${key}`));
        } catch (error) {
          listing.unreadable.push({ runId: batch[j]!, problem: error instanceof Error ? error.message : String(error) });
        }
      });
    }
    listing.records.sort((a, b) => compareCodePoints(a.startedAt, b.startedAt) || compareCodePoints(a.runId, b.runId));
    return listing;
  }

  journal(runId: string): Journal {
    return new RedisJournal(this.redis, this.keys, runId);
  }

  async flags(flow: string): Promise<AlertFlag[]> {
    const texts = await this.redis.hvals(this.keys.flags(flow));
    return texts.map((t) => JSON.parse(t) as AlertFlag).sort((a, b) => compareCodePoints(a.at, b.at) || compareCodePoints(a.runId, b.runId));
  }

  async setFlag(flag: AlertFlag): Promise<void> {
    await this.redis.hset(this.keys.flags(flag.flow), flag.runId, JSON.stringify(flag));
  }

  async clearFlag(flow: string, runId: string): Promise<void> {
    await this.redis.hdel(this.keys.flags(flow), runId);
  }

  async decisions(runId: string): Promise<DecisionsDoc> {
    await this.config(runId);
    const text = await this.redis.get(this.keys.run(runId, "decisions"));
    return text ? (JSON.parse(text) as DecisionsDoc) : {};
  }

  /** Read, merge, write under WATCH: a concurrent `flowc review` makes this one try again. */
  async addDecisions(runId: string, doc: DecisionsDoc): Promise<DecisionsDoc> {
    await this.config(runId);
    const key = this.keys.run(runId, "decisions");
    const watcher = this.redis.duplicate();
    try {
      for (;;) {
        await watcher.watch(key);
        const text = await watcher.get(key);
        const merged = mergeDecisions(text ? (JSON.parse(text) as DecisionsDoc) : {}, doc);
        if (await watcher.multi().set(key, JSON.stringify(merged)).exec()) return merged;
      }
    } finally {
      watcher.disconnect();
    }
  }

  async holder(runId: string): Promise<LockOwner | undefined> {
    const held = RUN_ID.test(runId) ? await this.redis.get(this.keys.run(runId, "lock")) : null;
    if (!held) return undefined;
    const owner = JSON.parse(held) as LockOwner;
    return alive(owner) ? owner : undefined;
  }

  async lock(runId: string): Promise<() => Promise<void>> {
    await this.config(runId);
    const key = this.keys.run(runId, "lock");
    const token = randomBytes(8).toString("hex");
    const owner = JSON.stringify({ token, pid: process.pid, host: hostname() });
    while (!(await this.redis.set(key, owner, "PX", LEASE_MS, "NX"))) {
      const held = await this.redis.get(key);
      if (!held) continue; // expired meanwhile
      const other = JSON.parse(held) as LockOwner & { token: string };
      if (alive(other)) throw new RuntimeError("run-busy", busyMessage(runId, other, `the Redis key ${key}`));
      await LOCK_OWNED.run(this.redis, [key], [other.token, "del"]);
    }
    const renew = setInterval(() => void LOCK_OWNED.run(this.redis, [key], [token, String(LEASE_MS)]).catch(() => undefined), LEASE_MS / 3);
    renew.unref();
    await this.redis.sadd(this.keys.activeRuns(), runId);
    return async () => {
      clearInterval(renew);
      await LOCK_OWNED.run(this.redis, [key], [token, "del"]);
      await this.redis.srem(this.keys.activeRuns(), runId);
    };
  }
}

function parseStored(text: string, key: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RunFileError(`Redis key ${key}`, `not valid JSON (${jsonProblem(error)})`);
  }
}
