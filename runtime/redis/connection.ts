// Where a Redis deployment keeps flowc's state: the URL, the key prefix, the BullMQ queue, and the
// names of every key (docs/scale-out.md lists them). Connections are opened here so every part
// (coordinator, worker, `flowc status`) fails the same way when Redis cannot be reached.
import { Redis, type RedisOptions } from "ioredis";
import { RuntimeError } from "../errors";

export interface RedisTarget {
  /** redis://[user:password@]host:port[/db], rediss:// for TLS */
  url: string;
  /** prefix of every key flowc writes (default "flowc:") */
  prefix?: string;
  /** the BullMQ queue calls go through (default "calls") */
  queue?: string;
  /**
   * a coordinator that cannot reach Redis for this long gives up: the run stops as interrupted,
   * to be resumed once Redis is back (default 15 s; workers never give up)
   */
  giveUpAfterMs?: number;
  /** a coordinator whose jobs no worker has taken for this long warns (default 10 s) */
  noWorkerWarningMs?: number;
}

export type RedisConfig = Required<RedisTarget>;

export const DEFAULT_GIVE_UP_MS = 15_000;
export const DEFAULT_NO_WORKER_WARNING_MS = 10_000;

export const DEFAULT_PREFIX = "flowc:";
export const DEFAULT_QUEUE = "calls";

export function redisConfig(target: string | RedisTarget): RedisConfig {
  const given = typeof target === "string" ? { url: target } : target;
  const queue = given.queue ?? DEFAULT_QUEUE;
  if (queue.includes(":")) throw new RuntimeError("redis", `queue name ${queue}: BullMQ queue names cannot contain ':'`);
  return {
    url: given.url,
    prefix: given.prefix ?? DEFAULT_PREFIX,
    queue,
    giveUpAfterMs: given.giveUpAfterMs ?? DEFAULT_GIVE_UP_MS,
    noWorkerWarningMs: given.noWorkerWarningMs ?? DEFAULT_NO_WORKER_WARNING_MS,
  };
}

/** The URL without its password, for messages. */
export function shownUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}

/**
 * A connection for commands. `blocking`: BullMQ workers and the results listener wait on it, so
 * commands retry forever while Redis restarts; otherwise the connection gives up (and ends) once
 * Redis has been unreachable for `giveUpAfterMs`.
 */
export async function connect(config: RedisConfig, blocking = false, name?: string): Promise<Redis> {
  let lostSince: number | undefined;
  const options: RedisOptions = {
    lazyConnect: true,
    enableAutoPipelining: true,
    maxRetriesPerRequest: blocking ? null : 20,
    connectTimeout: Math.min(5000, config.giveUpAfterMs),
    ...(name ? { connectionName: name } : {}),
    ...(blocking
      ? {}
      : {
          retryStrategy: (times: number) => {
            lostSince ??= Date.now();
            return Date.now() - lostSince >= config.giveUpAfterMs ? null : Math.min(times * 100, 1000, config.giveUpAfterMs);
          },
        }),
  };
  const redis = new Redis(config.url, options);
  redis.on("error", () => undefined); // reported by the command that fails
  redis.on("ready", () => (lostSince = undefined));
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new RuntimeError("redis", `cannot reach Redis at ${shownUrl(config.url)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return redis;
}

/** Key names. A run's keys share `run:<id>:`, a pool's `pool:<name>:`. */
export class Keys {
  constructor(readonly prefix: string) {}

  run(runId: string, part: "config" | "record" | "journal" | "journal-ids" | "decisions" | "lock" | "results" | "done" | "budget"): string {
    return `${this.prefix}run:${runId}:${part}`;
  }
  runs(): string {
    return `${this.prefix}runs`;
  }
  activeRuns(): string {
    return `${this.prefix}runs:active`;
  }
  flags(flow: string): string {
    return `${this.prefix}flags:${flow}`;
  }
  cache(key: string): string {
    return `${this.prefix}cache:${key}`;
  }
  cachePattern(): string {
    return `${this.prefix}cache:*`;
  }
  pools(): string {
    return `${this.prefix}pools`;
  }
  pool(name: string, part: "config" | "reserved" | "alerts"): string {
    return `${this.prefix}pool:${name}:${part}`;
  }
  poolWindow(name: string, start: number): string {
    return `${this.prefix}pool:${name}:window:${start}`;
  }
  /** BullMQ's own prefix: its keys are `<prefix>bull:<queue>:…` */
  bull(): string {
    return `${this.prefix}bull`;
  }
}
