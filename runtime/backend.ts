// Where a run's state lives and how its calls travel: on this machine (files under the home
// directory, calls made in this process), or shared through Redis (stores in Redis, calls as BullMQ
// jobs run by `flowc worker` processes anywhere). The executor is the same either way; only these
// change. The Redis side is imported only when asked for, so local runs never load bullmq/ioredis.
import path from "node:path";
import { MemoryBudgetStore } from "./budget";
import { FileCacheStore } from "./cache";
import type { Clock } from "./clock";
import { RuntimeError } from "./errors";
import type { CallDispatcher } from "./provider";
import type { PoolAlert, PoolOptions } from "./redis/budget";
import type { RedisTarget } from "./redis/connection";
import { FileRunStore } from "./runs";
import type { Stores } from "./session";

export interface BackendOptions {
  home: string;
  redis?: string | RedisTarget;
  pool?: PoolOptions;
  maxInFlight?: number;
  /** replace some stores (tests, embedding) */
  stores?: Partial<Stores>;
  clock: Clock;
  /** calls will be made: connect the queue too */
  dispatch: boolean;
}

export interface Backend {
  stores: Stores;
  /** undefined: calls are made in this process */
  dispatcher?: CallDispatcher;
  /** a shared budget pool crossed its alert (once per window) */
  onPoolAlert?(handler: (alert: PoolAlert) => void): void;
  /** the shared store is gone (Redis unreachable for too long): why, else undefined */
  lost?(): Error | undefined;
  close(): Promise<void>;
}

export async function openBackend(options: BackendOptions): Promise<Backend> {
  if (options.redis === undefined) {
    if (options.pool) throw new RuntimeError("redis", `budget pool ${options.pool.name}: pools are kept in Redis; give --redis URL (or FLOWC_REDIS)`);
    const stores: Stores = {
      runs: options.stores?.runs ?? new FileRunStore(options.home),
      cache: options.stores?.cache ?? new FileCacheStore(path.join(options.home, "cache")),
      budget: options.stores?.budget ?? new MemoryBudgetStore(),
    };
    return { stores, close: async () => undefined };
  }
  const { openRedisBackend } = await import("./redis/backend");
  const backend = await openRedisBackend({ redis: options.redis, clock: options.clock, dispatch: options.dispatch, ...(options.pool ? { pool: options.pool } : {}), ...(options.maxInFlight ? { maxInFlight: options.maxInFlight } : {}) });
  return { ...backend, stores: { ...backend.stores, ...options.stores } };
}

/** Opens the backend, does the work, closes it (connections must not keep the process alive). */
export async function withBackend<T>(options: BackendOptions, work: (backend: Backend) => Promise<T>): Promise<T> {
  const backend = await openBackend(options);
  try {
    return await work(backend);
  } finally {
    await backend.close();
  }
}
