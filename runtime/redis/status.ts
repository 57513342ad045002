// `flowc status --redis URL`: the queue's jobs by state, the workers connected to it, the runs
// being executed (their coordinator, spend and reservations) and every budget pool's window.
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Clock } from "../clock";
import type { RunRecord } from "../record";
import { windowOf } from "./budget";
import { connect, Keys, redisConfig, shownUrl, type RedisTarget } from "./connection";
import { compareCodePoints } from "../../syntax/order";

export interface RedisStatus {
  url: string;
  queue: string;
  jobs: { waiting: number; active: number; delayed: number; completed: number; failed: number };
  workers: { name: string; address: string; ageSeconds: number; idleSeconds: number }[];
  /** runs a coordinator holds (or held until it was killed: `coordinator` undefined) */
  runs: { runId: string; flow: string; status: string; coordinator?: string; spent: string; reserved: string; cap?: string; pool?: string }[];
  pools: { name: string; cap: string; windowMs: number; windowStart: string; spent: string; reserved: string; alert?: string; alerts: { at: string; runId: string; spent: string }[] }[];
}

export async function redisStatus(target: string | RedisTarget, clock: Clock): Promise<RedisStatus> {
  const config = redisConfig(target);
  const keys = new Keys(config.prefix);
  const redis = await connect(config);
  const queue = new Queue(config.queue, { connection: redis, prefix: keys.bull() });
  try {
    const counts = await queue.getJobCounts("waiting", "active", "delayed", "completed", "failed");
    return {
      url: shownUrl(config.url),
      queue: `${keys.bull()}:${config.queue}`,
      jobs: { waiting: counts.waiting ?? 0, active: counts.active ?? 0, delayed: counts.delayed ?? 0, completed: counts.completed ?? 0, failed: counts.failed ?? 0 },
      workers: workersOf(await queue.getWorkers()),
      runs: await runsInFlight(redis, keys),
      pools: await pools(redis, keys, clock.now()),
    };
  } finally {
    await queue.close();
    redis.disconnect();
  }
}

/** A worker holds two connections (commands, blocking): one row per worker name. */
function workersOf(clients: Record<string, string>[]): RedisStatus["workers"] {
  const byName = new Map<string, RedisStatus["workers"][number]>();
  for (const client of clients) {
    const name = (client.rawname ?? "").replace(/^.*?:w:/, "") || client.addr || "?";
    if (byName.has(name)) continue;
    byName.set(name, { name, address: client.addr ?? "", ageSeconds: Number(client.age ?? 0), idleSeconds: Number(client.idle ?? 0) });
  }
  return [...byName.values()].sort((a, b) => compareCodePoints(a.name, b.name));
}

async function runsInFlight(redis: Redis, keys: Keys): Promise<RedisStatus["runs"]> {
  const ids = (await redis.smembers(keys.activeRuns())).sort();
  const rows: RedisStatus["runs"] = [];
  for (const runId of ids) {
    const [record, lock] = await redis.mget(keys.run(runId, "record"), keys.run(runId, "lock"));
    const [spent, reserved, cap, pool] = await redis.hmget(keys.run(runId, "budget"), "spent", "reserved", "cap", "pool");
    const parsed = record ? (JSON.parse(record) as RunRecord) : undefined;
    const owner = lock ? (JSON.parse(lock) as { pid: number; host: string }) : undefined;
    rows.push({
      runId,
      flow: parsed?.flow ?? "?",
      status: parsed?.status ?? "starting",
      ...(owner ? { coordinator: `${owner.host}:${owner.pid}` } : {}),
      spent: spent ?? "0",
      reserved: reserved ?? "0",
      ...(cap ? { cap } : {}),
      ...(pool ? { pool } : {}),
    });
  }
  return rows;
}

async function pools(redis: Redis, keys: Keys, now: number): Promise<RedisStatus["pools"]> {
  const rows: RedisStatus["pools"] = [];
  for (const name of (await redis.smembers(keys.pools())).sort()) {
    const [cap, windowMs, reserved, alert] = await redis.hmget(keys.pool(name, "config"), "cap", "windowMs", "reserved", "alert");
    if (!cap) continue;
    const window = Number(windowMs);
    const start = windowOf({ windowMs: window }, now);
    const spent = await redis.hget(keys.poolWindow(name, start), "spent");
    const alerts = (await redis.lrange(keys.pool(name, "alerts"), 0, 4)).map((t) => JSON.parse(t) as { at: string; runId: string; spent: string });
    rows.push({ name, cap, windowMs: window, windowStart: new Date(start).toISOString(), spent: spent ?? "0", reserved: reserved ?? "0", ...(alert ? { alert } : {}), alerts: alerts.map(({ at, runId, spent }) => ({ at, runId, spent })) });
  }
  return rows;
}
