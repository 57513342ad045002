// The budget in Redis: every reservation, commit and release is one Lua script, so any number of
// coordinators on any number of machines never take a run past its cap — nor a shared pool past
// its cap, which a reservation checks in the same script. A pool's spend is counted per window
// (`--pool-window 1d`: a team's daily credits), aligned to the epoch on the coordinators' clocks.
import type { Redis } from "ioredis";
import type { BudgetState, BudgetStore, Reservation } from "../budget";
import type { Clock } from "../clock";
import { credits, exact, type Decimal } from "../credits";
import { RuntimeError } from "../errors";
import type { Keys } from "./connection";
import { COMMIT, OPEN, RELEASE, RESERVE } from "./scripts";

export interface PoolOptions {
  name: string;
  /** credits per window; required the first time a pool is used, updated when given again */
  cap?: string;
  /** default one day */
  windowMs?: number;
  /** credits, or a percent of the cap ("80%"); crossing it notifies once per window */
  alert?: string;
}

export interface PoolConfig {
  name: string;
  cap: string;
  windowMs: number;
  alert?: string;
}

export interface PoolAlert {
  /** alert: the pool's spend passed its alert; exhausted: the pool refused a run's call (it pauses) */
  kind: "alert" | "exhausted";
  pool: string;
  runId: string;
  /** the pool's spend in the window (just after the commit that crossed the alert) */
  spent: string;
  /** what runs of the pool hold for calls in flight */
  reserved?: string;
  alert: string;
  cap: string;
  windowStart: string;
}

export const DAY_MS = 86_400_000;
const POOL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export class RedisBudgetStore implements BudgetStore {
  /** runId → its pool, known from open() on */
  private readonly pools = new Map<string, PoolConfig | undefined>();
  private alertHandler: ((alert: PoolAlert) => void) | undefined;
  /** runs told this segment that their pool refused them (concurrent calls are refused together) */
  private readonly refused = new Set<string>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly clock: Clock,
    private readonly pool?: PoolOptions,
  ) {
    if (pool && !POOL_NAME.test(pool.name)) throw new RuntimeError("redis", `budget pool name ${JSON.stringify(pool.name)}: use letters, digits, '_', '.', '-'`);
  }

  /** Called once per window when a commit takes a pool past its alert, and when the pool refuses a call. */
  onPoolAlert(handler: (alert: PoolAlert) => void): void {
    this.alertHandler = handler;
  }

  async open(runId: string, spent: Decimal, cap: Decimal | undefined): Promise<void> {
    const name = this.pool?.name ?? ((await this.redis.hget(this.keys.run(runId, "budget"), "pool")) || undefined);
    const pool = name ? await this.poolConfig(name) : undefined;
    this.pools.set(runId, pool);
    this.refused.delete(runId);
    if (pool) await this.redis.sadd(this.keys.pools(), pool.name);
    await OPEN.run(this.redis, this.budgetKeys(runId, pool), [runId, amount(spent), cap ? amount(cap) : "", pool?.name ?? "", windowTtl(pool)]);
  }

  async reserve(runId: string, value: Decimal): Promise<Reservation | undefined> {
    const pool = this.poolOf(runId);
    const [ok, refusedBy] = (await RESERVE.run(this.redis, this.budgetKeys(runId, pool), [runId, amount(value), pool?.name ?? ""])) as [number, string];
    if (ok === 1) return { runId, amount: value };
    if (refusedBy === "pool" && pool) await this.poolExhausted(runId, pool);
    return undefined;
  }

  async commit(reservation: Reservation): Promise<Decimal> {
    const { runId } = reservation;
    const pool = this.poolOf(runId);
    const keys = [...this.budgetKeys(runId, pool), pool ? this.keys.pool(pool.name, "alerts") : this.keys.run(runId, "budget")];
    const windowStart = pool ? new Date(windowOf(pool, this.clock.now())).toISOString() : "";
    const note = `{"pool":${JSON.stringify(pool?.name ?? "")},"runId":${JSON.stringify(runId)},"at":${JSON.stringify(new Date(this.clock.now()).toISOString())},"windowStart":${JSON.stringify(windowStart)}`;
    const [spent, crossed, poolSpent] = (await COMMIT.run(this.redis, keys, [runId, amount(reservation.amount), pool?.name ?? "", windowTtl(pool), note])) as [string, number, string];
    if (crossed === 1 && pool) this.alertHandler?.({ kind: "alert", pool: pool.name, runId, spent: poolSpent, alert: pool.alert ?? "", cap: pool.cap, windowStart });
    return credits(spent);
  }

  async release(reservation: Reservation): Promise<void> {
    const pool = this.poolOf(reservation.runId);
    await RELEASE.run(this.redis, this.budgetKeys(reservation.runId, pool), [reservation.runId, amount(reservation.amount), pool?.name ?? ""]);
  }

  async state(runId: string): Promise<BudgetState> {
    const [spent, reserved, cap] = await this.redis.hmget(this.keys.run(runId, "budget"), "spent", "reserved", "cap");
    return { spent: credits(spent ?? "0"), reserved: credits(reserved ?? "0"), ...(cap ? { cap: credits(cap) } : {}) };
  }

  async close(runId: string): Promise<void> {
    this.pools.delete(runId);
  }

  private async poolExhausted(runId: string, pool: PoolConfig): Promise<void> {
    if (this.refused.has(runId)) return;
    this.refused.add(runId);
    const start = windowOf(pool, this.clock.now());
    const [spent, reserved] = await Promise.all([this.redis.hget(this.keys.poolWindow(pool.name, start), "spent"), this.redis.hget(this.keys.pool(pool.name, "config"), "reserved")]);
    this.alertHandler?.({ kind: "exhausted", pool: pool.name, runId, spent: spent ?? "0", reserved: reserved ?? "0", alert: pool.alert ?? "", cap: pool.cap, windowStart: new Date(start).toISOString() });
  }

  /** The pool's configuration: the options given (stored for the next run), else the stored one. */
  private async poolConfig(name: string): Promise<PoolConfig> {
    const key = this.keys.pool(name, "config");
    const given = this.pool?.name === name ? this.pool : undefined;
    if (given?.cap !== undefined || given?.windowMs !== undefined || given?.alert !== undefined) {
      const stored = await this.redis.hmget(key, "cap", "windowMs");
      const cap = given.cap ?? stored[0] ?? undefined;
      if (cap === undefined) throw new RuntimeError("pool-cap-required", `budget pool ${name} is new: give its cap`);
      const alert = given.alert === undefined ? undefined : given.alert.endsWith("%") ? exact(credits(cap).times(credits(given.alert.slice(0, -1))).dividedBy(100)) : exact(credits(given.alert));
      await this.redis.hset(key, { cap: exact(credits(cap)), windowMs: String(given.windowMs ?? Number(stored[1] ?? DAY_MS)), ...(alert !== undefined ? { alert } : {}) });
    }
    const [cap, windowMs, alert] = await this.redis.hmget(key, "cap", "windowMs", "alert");
    if (!cap) throw new RuntimeError("pool-cap-required", `budget pool ${name} is new: give its cap`);
    return { name, cap, windowMs: Number(windowMs ?? DAY_MS), ...(alert ? { alert } : {}) };
  }

  private poolOf(runId: string): PoolConfig | undefined {
    if (!this.pools.has(runId)) throw new Error(`budget account for run ${runId} is not open`);
    return this.pools.get(runId);
  }

  private budgetKeys(runId: string, pool: PoolConfig | undefined): string[] {
    const account = this.keys.run(runId, "budget");
    // without a pool the scripts leave the pool keys alone: the account stands in for them
    if (!pool) return [account, account, account, account];
    return [account, this.keys.pool(pool.name, "config"), this.keys.pool(pool.name, "reserved"), this.keys.poolWindow(pool.name, windowOf(pool, this.clock.now()))];
  }
}

/** The start (ms since the epoch) of the window holding `now`. */
export function windowOf(pool: { windowMs: number }, now: number): number {
  return Math.floor(now / pool.windowMs) * pool.windowMs;
}

function windowTtl(pool: PoolConfig | undefined): string {
  return String(pool ? pool.windowMs * 2 : DAY_MS);
}

/** Exact, non-negative decimal text, as the scripts take it. */
function amount(value: Decimal): string {
  const text = exact(value);
  if (!/^\d+(\.\d+)?$/.test(text)) throw new RuntimeError("redis", `credits must be a non-negative decimal, got ${text}`);
  return text;
}
