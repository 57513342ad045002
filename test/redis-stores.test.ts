// The Redis stores against a real redis-server: exact decimal arithmetic in the Lua scripts, the
// budget (a run's cap and a shared pool's, with concurrent reservations from several connections),
// the idempotent journal, the run store and its lock, and the cache with TTLs enforced by Redis.
import fc from "fast-check";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../runtime/clock";
import { credits, Decimal, exact, ZERO } from "../runtime/credits";
import type { JournalEntry } from "../runtime/journal";
import { RedisBudgetStore, windowOf, type PoolAlert, type PoolOptions } from "../runtime/redis/budget";
import { RedisCacheStore } from "../runtime/redis/cache";
import { connect, Keys, redisConfig } from "../runtime/redis/connection";
import { RedisJournal } from "../runtime/redis/journal";
import { RedisRunStore } from "../runtime/redis/runs";
import { DECIMAL_PROBE } from "../runtime/redis/scripts";
import type { RunConfig } from "../runtime/runs";
import { initialRecord } from "../runtime/session";
import { campaign } from "./helpers/runtime-graphs";
import { startRedis, type RedisServer } from "./helpers/redis-server";

let server: RedisServer;
let redis: Redis;
const extra: Redis[] = [];
let prefixes = 0;

beforeAll(async () => {
  server = await startRedis();
  redis = await connect(redisConfig(server.url));
});
afterAll(async () => {
  for (const r of [redis, ...extra]) r?.disconnect();
  await server?.stop();
});

/** A fresh key space per test: nothing one test writes is seen by another. */
function keys(): Keys {
  return new Keys(`t${++prefixes}:`);
}

async function connection(): Promise<Redis> {
  const r = await connect(redisConfig(server.url));
  extra.push(r);
  return r;
}

const decimalText = fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 24n }), fc.integer({ min: 0, max: 12 })).map(([digits, scale]) => exact(credits(digits.toString()).dividedBy(credits(10).pow(scale))));

describe("exact decimals in Lua", () => {
  it("add, sub (floored at 0) and cmp agree with decimal.js to the last digit", async () => {
    await fc.assert(
      fc.asyncProperty(decimalText, decimalText, async (a, b) => {
        const [sum, diff, order] = await Promise.all(["add", "sub", "cmp"].map((op) => DECIMAL_PROBE.run(redis, [], [op, a, b])));
        const [x, y] = [credits(a), credits(b)];
        expect(sum).toBe(exact(x.plus(y)));
        expect(diff).toBe(exact(Decimal.max(x.minus(y), ZERO)));
        expect(Number(order)).toBe(x.comparedTo(y));
      }),
      { numRuns: 200 },
    );
  });
});

describe("RedisBudgetStore", () => {
  it("concurrent reservations from four connections never pass the cap; commits and releases are exact", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 5000 }), fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 40 }), async (capCents, amounts) => {
        const k = keys();
        const clock = new ManualClock();
        const cap = credits(capCents).dividedBy(100);
        const stores = await Promise.all([0, 1, 2, 3].map(async (i) => new RedisBudgetStore(i === 0 ? redis : await connection(), k, clock)));
        await stores[0]!.open("run", ZERO, cap);
        for (const s of stores.slice(1)) await s.open("run", ZERO, cap); // every coordinator-side handle knows the run
        const asked = amounts.map((a) => credits(a).dividedBy(100));
        const granted = (await Promise.all(asked.map((a, i) => stores[i % 4]!.reserve("run", a)))).filter((r) => r !== undefined);
        const total = granted.reduce((t, r) => t.plus(r.amount), ZERO);
        expect(total.lessThanOrEqualTo(cap)).toBe(true);
        const state = await stores[0]!.state("run");
        expect(exact(state.reserved)).toBe(exact(total));
        // every refusal was a real one: the smallest refused amount would pass the cap now
        const refused = asked.filter((_, i) => !granted.some((g) => g.amount === asked[i]));
        if (refused.length > 0) expect(total.plus(Decimal.min(...refused)).greaterThan(cap)).toBe(true);
        const half = Math.floor(granted.length / 2);
        for (const r of granted.slice(0, half)) await stores[1]!.commit(r);
        for (const r of granted.slice(half)) await stores[2]!.release(r);
        const after = await stores[3]!.state("run");
        expect(exact(after.spent)).toBe(exact(granted.slice(0, half).reduce((t, r) => t.plus(r.amount), ZERO)));
        expect(exact(after.reserved)).toBe("0");
      }),
      { numRuns: 15 },
    );
  });

  it("a re-opened account forgets a killed coordinator's reservations and keeps the journal's spend", async () => {
    const k = keys();
    const store = new RedisBudgetStore(redis, k, new ManualClock());
    await store.open("run", ZERO, credits(10));
    expect(await store.reserve("run", credits("9.5"))).toBeDefined();
    expect(await store.reserve("run", credits("0.6"))).toBeUndefined();
    await store.open("run", credits("4.25"), credits(10));
    expect(await store.state("run")).toEqual({ spent: credits("4.25"), reserved: ZERO, cap: credits(10) });
    expect(await store.reserve("run", credits("5.75"))).toBeDefined();
    expect(await store.reserve("run", credits("0.000001"))).toBeUndefined();
  });
});

describe("shared budget pools", () => {
  const poolOf = (name: string, extra: Partial<PoolOptions> = {}): PoolOptions => ({ name, cap: "100", windowMs: 3_600_000, ...extra });

  it("two runs reserving at once never take the pool past its cap together", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 2500 }), { minLength: 2, maxLength: 60 }), async (amounts) => {
        const k = keys();
        const clock = new ManualClock();
        const a = new RedisBudgetStore(redis, k, clock, poolOf("team"));
        const b = new RedisBudgetStore(await connection(), k, clock, poolOf("team"));
        await a.open("run-a", ZERO, undefined);
        await b.open("run-b", ZERO, undefined);
        const granted = await Promise.all(amounts.map((cents, i) => (i % 2 === 0 ? a.reserve("run-a", credits(cents).dividedBy(100)) : b.reserve("run-b", credits(cents).dividedBy(100)))));
        const total = granted.reduce((t, r) => (r ? t.plus(r.amount) : t), ZERO);
        expect(total.lessThanOrEqualTo(100)).toBe(true);
        await Promise.all(granted.map((r, i) => r && (i % 2 === 0 ? a.commit(r) : b.commit(r))));
        const window = await redis.hget(k.poolWindow("team", windowOf({ windowMs: 3_600_000 }, clock.now())), "spent");
        expect(window).toBe(exact(total));
        const [sa, sb] = [await a.state("run-a"), await b.state("run-b")];
        expect(exact(sa.spent.plus(sb.spent))).toBe(exact(total));
      }),
      { numRuns: 15 },
    );
  });

  it("a pool's spend counts per window; its alert fires once per window; a refusal is announced once", async () => {
    const k = keys();
    const clock = new ManualClock(Date.UTC(2025, 0, 1, 10));
    const store = new RedisBudgetStore(redis, k, clock, poolOf("daily", { windowMs: 86_400_000, alert: "80%" }));
    const heard: PoolAlert[] = [];
    store.onPoolAlert((alert) => heard.push(alert));
    await store.open("r1", ZERO, undefined);
    const spend = async (value: string) => {
      const r = await store.reserve("r1", credits(value));
      if (r) await store.commit(r);
      return r !== undefined;
    };
    expect(await spend("79")).toBe(true);
    expect(heard).toEqual([]);
    expect(await spend("2")).toBe(true);
    expect(await spend("1")).toBe(true);
    expect(heard.map((h) => [h.kind, h.spent, h.alert])).toEqual([["alert", "81", "80"]]);
    expect(await spend("18.5")).toBe(false);
    expect(await spend("18.5")).toBe(false);
    expect(heard.map((h) => h.kind)).toEqual(["alert", "exhausted"]);
    expect(await spend("18")).toBe(true);
    clock.advance(86_400_000); // the next day: a fresh window
    expect(await spend("50")).toBe(true);
    expect(await spend("31")).toBe(true);
    expect(heard.map((h) => [h.kind, h.spent])).toEqual([
      ["alert", "81"],
      ["exhausted", "82"],
      ["alert", "81"],
    ]);
    expect(exact((await store.state("r1")).spent)).toBe("181");
  });

  it("re-opening charges the pool for spend the journal has and the account missed, and frees what a killed run held", async () => {
    const k = keys();
    const clock = new ManualClock();
    const store = new RedisBudgetStore(redis, k, clock, poolOf("p"));
    await store.open("run", ZERO, undefined);
    const held = await store.reserve("run", credits(30));
    await store.commit((await store.reserve("run", credits(10)))!);
    expect(held).toBeDefined();
    // killed after journaling 5 more credits, before committing them; resumed without pool flags
    const resumed = new RedisBudgetStore(redis, k, clock);
    await resumed.open("run", credits(15), undefined);
    expect(await redis.hget(k.pool("p", "config"), "reserved")).toBe("0");
    expect(await redis.hget(k.poolWindow("p", windowOf({ windowMs: 3_600_000 }, clock.now())), "spent")).toBe("15");
    expect(await resumed.reserve("run", credits(85))).toBeDefined();
    expect(await resumed.reserve("run", credits("0.01"))).toBeUndefined();
  });
});

function attempt(call: string, attemptNo: number, creditsText: string): JournalEntry {
  return { type: "attempt", call, node: "n", callId: call, round: 0, items: [], attempt: attemptNo, idempotencyKey: `run/${call}/a${attemptNo}`, ok: true, credits: creditsText, at: 1, outputs: [] };
}

describe("RedisJournal", () => {
  it("journals an attempt, a hit and a decision once, however often they are appended", async () => {
    const journal = new RedisJournal(redis, keys(), "run");
    const entries: JournalEntry[] = [attempt("n/r0/0", 1, "2"), attempt("n/r0/0", 2, "2"), { type: "cache-hit", call: "n/r0/1", node: "n", callId: "1", round: 0, items: [], saved: "2", outputs: [], at: 1 }, { type: "decision", stream: "ok", itemId: "n#1", decision: "approve", by: "t", at: 1 }];
    await Promise.all([...entries, ...entries, entries[0]!].map((e) => journal.append(e)));
    expect(await journal.read()).toEqual(entries);
  });
});

function configOf(flow: string): Omit<RunConfig, "runId"> {
  return { flow, graph: campaign(), seed: 1, inputs: {}, inputDigests: {}, provider: { kind: "simulated" }, simulateHumans: true, createdAt: Date.UTC(2025, 0, 1) };
}

describe("RedisRunStore", () => {
  it("keeps configurations, flags and merged decisions; unknown ids are refused", async () => {
    const store = new RedisRunStore(redis, keys());
    const clock = new ManualClock();
    const config = await store.create(configOf("campaign_portraits"), clock, (c) => initialRecord(c, "simulated", clock));
    expect(config.runId).toMatch(/^campaign_portraits-20250101-000000-[0-9a-f]{4}$/);
    expect(await store.config(config.runId)).toEqual(config);
    await expect(store.config("nope")).rejects.toThrow(/no run with id "nope"/);
    await expect(store.readRecord("../x")).rejects.toThrow(/no run with id/);
    await store.setFlag({ flow: "f", runId: "b", spent: "2", alert: "1", at: "2025-01-02T00:00:00.000Z" });
    await store.setFlag({ flow: "f", runId: "a", spent: "2", alert: "1", at: "2025-01-01T00:00:00.000Z" });
    expect((await store.flags("f")).map((f) => f.runId)).toEqual(["a", "b"]);
    await store.clearFlag("f", "a");
    expect((await store.flags("f")).map((f) => f.runId)).toEqual(["b"]);
    await Promise.all([store.addDecisions(config.runId, { reviews: { approved: { "full#1": "approve" } } }), store.addDecisions(config.runId, { reviews: { approved: { "full#2": "reject" } } })]);
    expect(await store.decisions(config.runId)).toEqual({ reviews: { approved: { "full#1": "approve", "full#2": "reject" } }, selects: {} });
  });

  it("one coordinator per run: a live holder refuses the lock, a dead one's lock is taken over at once", async () => {
    const k = keys();
    const store = new RedisRunStore(redis, k);
    const { runId } = await store.create(configOf("f"), new ManualClock(), (c) => initialRecord(c, "simulated", new ManualClock()));
    const unlock = await store.lock(runId);
    await expect(store.lock(runId)).rejects.toThrow(new RegExp(`run ${runId} is being executed by process ${process.pid}`));
    expect(await redis.smembers(k.activeRuns())).toEqual([runId]);
    await unlock();
    expect(await redis.smembers(k.activeRuns())).toEqual([]);
    // a coordinator killed on this host: its pid no longer runs
    const { hostname } = await import("node:os");
    await redis.set(k.run(runId, "lock"), JSON.stringify({ token: "dead", pid: 2 ** 22 + 17, host: hostname() }), "PX", 60_000);
    const again = await store.lock(runId);
    expect(JSON.parse((await redis.get(k.run(runId, "lock")))!).pid).toBe(process.pid);
    await again();
  });
});

describe("RedisCacheStore", () => {
  it("Redis expires an entry at its TTL; ls and clear see flows and nodes", async () => {
    const k = keys();
    const cache = new RedisCacheStore(redis, k);
    const outputs = [{ value: "v", hash: "h", metrics: { m: 0.123456789012345 } }];
    await cache.put({ key: "k1", flow: "f", node: "a", createdAt: 1000, outputs, ttlMs: 150 });
    await cache.put({ key: "k2", flow: "f", node: "b", createdAt: 1000, outputs });
    await cache.put({ key: "k3", flow: "g", node: "a", createdAt: 2000, outputs });
    const ttl = await redis.pttl(k.cache("k1"));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(150);
    expect(await cache.get("k1", 10_000, 1500)).toEqual({ key: "k1", flow: "f", node: "a", createdAt: 1000, outputs });
    expect(await cache.get("k2", 400, 1500)).toBeUndefined(); // older than this node's TTL
    expect((await cache.list()).map((e) => [e.flow, e.node, e.key])).toEqual([
      ["f", "a", "k1"],
      ["f", "b", "k2"],
      ["g", "a", "k3"],
    ]);
    expect((await cache.list()).every((e) => e.size > 0)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await cache.get("k1", 10_000, 1500)).toBeUndefined();
    expect(await cache.clear({ node: "a" })).toBe(1);
    expect(await cache.clear({ flow: "nope" })).toBe(0);
    expect(await cache.clear()).toBe(1);
    expect(await cache.list()).toEqual([]);
  });
});
