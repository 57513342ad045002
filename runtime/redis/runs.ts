// Runs in Redis: the configuration a resume needs, the record, the journal, recorded decisions and
// alert flags, readable from any machine (`flowc runs`, `report`, `resume --redis`). One
// coordinator executes a run at a time: it holds a lease on the run's lock and renews it; a lease
// left by a killed coordinator is taken over at once on the same host (its pid is gone), else when
// it expires.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import type { Clock } from "../clock";
import { RunNotFoundError, RuntimeError } from "../errors";
import { alive, type LockOwner } from "../fsutil";
import type { Journal } from "../journal";
import { assertValidRecord, type RunRecord } from "../record";
import { candidateRunId, mergeDecisions, RUN_ID, type AlertFlag, type DecisionsDoc, type RunConfig, type RunStore } from "../runs";
import type { Keys } from "./connection";
import { RedisJournal } from "./journal";
import { LOCK_OWNED } from "./scripts";
import { compareCodePoints } from "../order";

/** How long a coordinator's lock outlives its last renewal. */
export const LEASE_MS = 10_000;

export class RedisRunStore implements RunStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async create(config: Omit<RunConfig, "runId">, clock: Clock): Promise<RunConfig> {
    for (;;) {
      const runId = candidateRunId(config.flow, clock.now());
      const full = { runId, ...config };
      if (!(await this.redis.set(this.keys.run(runId, "config"), JSON.stringify(full), "NX"))) continue; // taken: draw again
      await this.redis.zadd(this.keys.runs(), String(config.createdAt), runId);
      return full;
    }
  }

  async config(runId: string): Promise<RunConfig> {
    const text = RUN_ID.test(runId) ? await this.redis.get(this.keys.run(runId, "config")) : null;
    if (!text) throw new RunNotFoundError(runId);
    return JSON.parse(text) as RunConfig;
  }

  async updateConfig(config: RunConfig): Promise<void> {
    await this.redis.set(this.keys.run(config.runId, "config"), JSON.stringify(config), "XX");
  }

  async writeRecord(record: RunRecord): Promise<void> {
    assertValidRecord(record);
    await this.redis.set(this.keys.run(record.runId, "record"), JSON.stringify(record));
  }

  async readRecord(runId: string): Promise<RunRecord> {
    const text = RUN_ID.test(runId) ? await this.redis.get(this.keys.run(runId, "record")) : null;
    if (!text) throw new RunNotFoundError(runId);
    return JSON.parse(text) as RunRecord;
  }

  async list(): Promise<RunRecord[]> {
    const ids = await this.redis.zrange(this.keys.runs(), "0", "-1");
    const records: RunRecord[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const texts = await this.redis.mget(ids.slice(i, i + 500).map((id) => this.keys.run(id, "record")));
      for (const text of texts) if (text) records.push(JSON.parse(text) as RunRecord);
    }
    return records.sort((a, b) => compareCodePoints(a.startedAt, b.startedAt) || compareCodePoints(a.runId, b.runId));
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

  async lock(runId: string): Promise<() => Promise<void>> {
    await this.config(runId);
    const key = this.keys.run(runId, "lock");
    const token = randomBytes(8).toString("hex");
    const owner = JSON.stringify({ token, pid: process.pid, host: hostname() });
    while (!(await this.redis.set(key, owner, "PX", LEASE_MS, "NX"))) {
      const held = await this.redis.get(key);
      if (!held) continue; // expired meanwhile
      const other = JSON.parse(held) as LockOwner & { token: string };
      if (alive(other)) throw new RuntimeError("run-busy", `run ${runId} is being executed by process ${other.pid} on ${other.host}`);
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
