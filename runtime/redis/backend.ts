// The Redis backend of a coordinator (or of `flowc runs`, `report`, `cache` with --redis): the four
// stores on one command connection and, when calls will be made, the BullMQ queue and a second
// connection that waits for the workers' results.
import { Queue } from "bullmq";
import type { Backend } from "../backend";
import type { Clock } from "../clock";
import { RedisBudgetStore, type PoolOptions } from "./budget";
import { RedisCacheStore } from "./cache";
import { RuntimeError } from "../errors";
import { connect, Keys, redisConfig, shownUrl, type RedisTarget } from "./connection";
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
  // the command connection ends once Redis has been unreachable for config.giveUpAfterMs
  let lastError = "";
  let lost: RuntimeError | undefined;
  redis.on("error", (error: Error) => (lastError = error.message));
  const onEnd = (abandon: (error: Error) => void) =>
    redis.once("end", () => {
      lost = new RuntimeError("redis", `lost the connection to Redis at ${shownUrl(config.url)}${lastError ? ` (${lastError})` : ""}`);
      abandon(lost);
    });
  if (!options.dispatch) {
    onEnd(() => undefined);
    return { stores, lost: () => lost, close: async () => redis.disconnect() };
  }

  const queue = new Queue<CallJob>(config.queue, { connection: redis, prefix: keys.bull() });
  queue.on("error", (error: Error) => (lastError = error.message)); // without a listener BullMQ prints each one
  const dispatcher = new BullMqDispatcher(queue, redis, () => connect(config, true), keys, {
    url: config.url,
    noWorkerWarningMs: config.noWorkerWarningMs,
    ...(options.maxInFlight ? { maxInFlight: options.maxInFlight } : {}),
  });
  onEnd((error) => dispatcher.abandon(error));
  return {
    stores,
    dispatcher,
    lost: () => lost,
    onPoolAlert: (handler) => budget.onPoolAlert(handler),
    async close() {
      await dispatcher.close();
      if (!lost) await queue.close();
      redis.disconnect();
    },
  };
}
