// The Redis backend of a coordinator (or of `flowc runs`, `report`, `cache` with --redis): the four
// stores on one command connection and, when calls will be made, the BullMQ queue and a second
// connection that waits for the workers' results.
import { Queue } from "bullmq";
import type { Backend } from "../backend";
import type { Clock } from "../clock";
import { RedisBudgetStore, type PoolOptions } from "./budget";
import { RedisCacheStore } from "./cache";
import { connect, Keys, redisConfig, type RedisTarget } from "./connection";
import { BullMqDispatcher, type CallJob } from "./dispatcher";
import { RedisRunStore } from "./runs";

export interface RedisBackendOptions {
  redis: string | RedisTarget;
  clock: Clock;
  dispatch: boolean;
  pool?: PoolOptions;
  maxInFlight?: number;
}

export async function openRedisBackend(options: RedisBackendOptions): Promise<Backend> {
  const config = redisConfig(options.redis);
  const keys = new Keys(config.prefix);
  const redis = await connect(config);
  const budget = new RedisBudgetStore(redis, keys, options.clock, options.pool);
  const stores = { runs: new RedisRunStore(redis, keys), cache: new RedisCacheStore(redis, keys), budget };
  if (!options.dispatch) return { stores, close: async () => redis.disconnect() };

  const queue = new Queue<CallJob>(config.queue, { connection: redis, prefix: keys.bull() });
  const dispatcher = new BullMqDispatcher(queue, redis, () => connect(config, true), keys, options.maxInFlight);
  return {
    stores,
    dispatcher,
    onPoolAlert: (handler) => budget.onPoolAlert(handler),
    async close() {
      await dispatcher.close();
      await queue.close();
      redis.disconnect();
    },
  };
}
