// Where a run's state lives and how its calls travel: on this machine (files under the home
// directory, calls made in this process), or shared through Redis (stores in Redis, calls as BullMQ
// jobs run by `flowc worker` processes anywhere). The executor is the same either way; only these
// change. The Redis side is imported only when asked for, so local runs never load bullmq/ioredis.
import path from "node:path";
import { MemoryBudgetStore } from "./budget";
import { FileCacheStore } from "./cache";
import type { Clock } from "./clock";
import { HomeRequiredError, MissingPackageError, RuntimeError } from "./errors";
import type { CallDispatcher } from "./provider";
import type { PoolAlert, PoolOptions } from "./redis/budget";
import type { RedisTarget } from "./redis/connection";
import { FileRunStore } from "./runs";
import type { Stores } from "./session";

export interface BackendOptions {
  /** the folder of local runs and cache; needed unless `stores` or `redis` replace them */
  home?: string;
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
    if (options.pool) throw new RuntimeError("pool-without-redis", `budget pool ${options.pool.name}: pools are kept in Redis`);
    const home = (): string => {
      if (options.home === undefined) throw new HomeRequiredError();
      return options.home;
    };
    const stores: Stores = {
      runs: options.stores?.runs ?? new FileRunStore(home()),
      cache: options.stores?.cache ?? new FileCacheStore(path.join(home(), "cache")),
      budget: options.stores?.budget ?? new MemoryBudgetStore(),
    };
    return { stores, close: async () => undefined };
  }
  const { openRedisBackend } = await redisModule(() => import("./redis/backend"));
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

const REDIS_PACKAGES = ["bullmq", "ioredis"];

/**
 * Loads a module of runtime/redis/: bullmq and ioredis are optional peer dependencies, so a missing
 * one is a MissingPackageError naming both, not a stack trace.
 */
export async function redisModule<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const missing = code === "ERR_MODULE_NOT_FOUND" && REDIS_PACKAGES.some((name) => String((error as Error).message).includes(`'${name}'`));
    if (missing) throw new MissingPackageError("Redis", REDIS_PACKAGES);
    throw error;
  }
}
