// The command-line side of running through Redis: `--redis URL` (else $FLOWC_REDIS) on every
// command that reads or writes runs or the cache, and the options only a shared run has — a budget
// pool and the bound on jobs in flight. Pool options without a pool are a usage error (exit 2);
// a pool without Redis is refused by the runtime.
import { type Command, InvalidArgumentError, Option } from "commander";
import type { PoolOptions, SegmentOptions, StoreOptions } from "../runtime/index";
import type { CliIo } from "./io";
import { parseCredits, wholeNumberParser } from "./options";
import { formatExact } from "../syntax/credits";

export interface RedisFlags {
  redis?: string;
}

export interface RedisRunFlags extends RedisFlags {
  budgetPool?: string;
  poolCap?: string;
  poolWindow?: number;
  poolAlert?: string;
  maxInFlight?: number;
}

const REDIS_HELP = "keep runs, journal, budget and cache in Redis (default $FLOWC_REDIS), e.g. redis://127.0.0.1:6379";

export function redisOption(): Option {
  return new Option("--redis <url>", REDIS_HELP);
}

/** The Redis URL of a command: `--redis`, else $FLOWC_REDIS, else none (local). */
export function redisUrl(io: CliIo, flags: RedisFlags): string | undefined {
  return flags.redis ?? (io.env.FLOWC_REDIS || undefined);
}

export function redisStore(io: CliIo, flags: RedisFlags): Pick<StoreOptions, "redis"> {
  const url = redisUrl(io, flags);
  return url ? { redis: url } : {};
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A duration as the language writes it (`500ms`, `90s`, `15m`, `48h`, `1d`, `2w`), in ms. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d|w)$/.exec(text.trim());
  const ms = match ? Number(match[1]) * UNITS[match[2]!]! : NaN;
  if (!(ms > 0)) throw new InvalidArgumentError("expected a duration such as 1d, 12h, 90m or 30s");
  return ms;
}

/** `80%` of the pool's cap, or credits. */
function parseAlert(text: string): string {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text.trim());
  if (percent) return `${percent[1]}%`;
  return formatExact(parseCredits(text));
}

/** --redis and the options of a shared run, checked together before the command runs. */
export function addRedisRunOptions(command: Command): Command {
  return command
    .addOption(redisOption())
    .option("--budget-pool <name>", "share a budget with other runs through Redis: a pool's spend per window never passes its cap")
    .addOption(new Option("--pool-cap <credits>", "the pool's cap per window (needed the first time a pool is used; updates it)").argParser((t) => formatExact(parseCredits(t))))
    .addOption(new Option("--pool-window <duration>", "the pool's window, e.g. 1d (default) or 12h").argParser(parseDuration))
    .addOption(new Option("--pool-alert <credits|percent>", "notify once per window when the pool's spend passes this (e.g. 80%)").argParser(parseAlert))
    .addOption(new Option("--max-in-flight <n>", "with --redis: jobs of this run outstanding at once (default 64)").argParser(wholeNumberParser(1, 100_000)))
    .hook("preAction", (_program, action) => {
      const flags = action.opts<RedisRunFlags>();
      const pooled = flags.poolCap !== undefined || flags.poolWindow !== undefined || flags.poolAlert !== undefined;
      if (pooled && flags.budgetPool === undefined) action.error("--pool-cap, --pool-window and --pool-alert need --budget-pool NAME", { exitCode: 2 });
    });
}

/** What a start or a resume takes from the flags above. */
export function redisSegment(io: CliIo, flags: RedisRunFlags): Pick<SegmentOptions, "redis" | "pool" | "maxInFlight"> {
  const pool: PoolOptions | undefined = flags.budgetPool
    ? { name: flags.budgetPool, ...(flags.poolCap !== undefined ? { cap: flags.poolCap } : {}), ...(flags.poolWindow !== undefined ? { windowMs: flags.poolWindow } : {}), ...(flags.poolAlert !== undefined ? { alert: flags.poolAlert } : {}) }
    : undefined;
  return { ...redisStore(io, flags), ...(pool ? { pool } : {}), ...(flags.maxInFlight !== undefined ? { maxInFlight: flags.maxInFlight } : {}) };
}
