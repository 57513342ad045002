// The Lua scripts that change shared state in one step on the Redis server: budget reservations,
// commits and releases (against a run's cap and a pool's cap together), idempotent journal appends,
// a worker's result, and lock release. Credits stay exact: amounts travel as decimal strings and
// the scripts add, subtract and compare them digit by digit (Lua's numbers are binary floats).
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/** Non-negative decimal strings: add, sub (floored at 0), cmp. */
const DECIMAL = `
local function parts(s)
  local i, f = string.match(s or '0', '^(%d*)%.?(%d*)$')
  return i or '0', f or ''
end
local function align(a, b)
  local ai, af = parts(a)
  local bi, bf = parts(b)
  local il = math.max(#ai, #bi)
  local fl = math.max(#af, #bf)
  local x = string.rep('0', il - #ai) .. ai .. af .. string.rep('0', fl - #af)
  local y = string.rep('0', il - #bi) .. bi .. bf .. string.rep('0', fl - #bf)
  return x, y, fl
end
local function norm(digits, fl)
  local i = string.gsub(string.sub(digits, 1, #digits - fl), '^0+', '')
  local f = string.gsub(string.sub(digits, #digits - fl + 1), '0+$', '')
  if i == '' then i = '0' end
  if f == '' then return i end
  return i .. '.' .. f
end
local function cmp(a, b)
  local x, y = align(a, b)
  if x == y then return 0 elseif x < y then return -1 else return 1 end
end
local function add(a, b)
  local x, y, fl = align(a, b)
  local out, carry = {}, 0
  for k = #x, 1, -1 do
    local d = string.byte(x, k) + string.byte(y, k) - 96 + carry
    if d >= 10 then d = d - 10; carry = 1 else carry = 0 end
    out[k] = d
  end
  local s = table.concat(out)
  if carry == 1 then s = '1' .. s end
  return norm(s, fl)
end
local function sub(a, b)
  local x, y, fl = align(a, b)
  if x <= y then return '0' end
  local out, borrow = {}, 0
  for k = #x, 1, -1 do
    local d = string.byte(x, k) - string.byte(y, k) - borrow
    if d < 0 then d = d + 10; borrow = 1 else borrow = 0 end
    out[k] = d
  end
  return norm(table.concat(out), fl)
end
`;

/** A script run with EVALSHA, loaded with EVAL the first time a server has not seen it. */
export class Script {
  readonly sha: string;
  constructor(
    readonly lua: string,
    readonly keys: number,
  ) {
    this.sha = createHash("sha1").update(lua).digest("hex");
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    if (keys.length !== this.keys) throw new Error(`script expects ${this.keys} keys, got ${keys.length}`);
    try {
      return await redis.evalsha(this.sha, this.keys, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return redis.eval(this.lua, this.keys, ...keys, ...args);
    }
  }
}

const decimal = (body: string, keys: number) => new Script(DECIMAL + body, keys);

/** Test hook: ARGV op, a, b → the exact result as text. */
export const DECIMAL_PROBE = decimal(
  `
local op, a, b = ARGV[1], ARGV[2], ARGV[3]
if op == 'add' then return add(a, b) elseif op == 'sub' then return sub(a, b) else return tostring(cmp(a, b)) end
`,
  0,
);

// The budget keys of every script below:
//   KEYS[1] the run's account (hash: spent, reserved, cap, pool)
//   KEYS[2] the pool's configuration and reservation total (hash: cap, windowMs, alert, reserved)
//   KEYS[3] the pool's reservations per run (hash: runId → amount)
//   KEYS[4] the pool's current window (hash: spent, alerted), expiring two windows later
// With ARGV pool = '' the pool keys are not touched.

/**
 * Open (or re-open) a run's account at the spend its journal holds. What the run still held in the
 * pool (a coordinator killed mid-call) is given back, and spend the journal has but the account
 * missed (killed between the journal append and the commit) is charged to the pool's window.
 * ARGV: runId, spent, cap ('' none), pool ('' none), window ttl ms.
 */
export const OPEN = decimal(
  `
local runId, spent, cap, pool, ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local before = redis.call('HGET', KEYS[1], 'spent') or '0'
if pool ~= '' then
  local held = redis.call('HGET', KEYS[3], runId)
  if held then
    redis.call('HDEL', KEYS[3], runId)
    redis.call('HSET', KEYS[2], 'reserved', sub(redis.call('HGET', KEYS[2], 'reserved') or '0', held))
  end
  if cmp(spent, before) > 0 then
    redis.call('HSET', KEYS[4], 'spent', add(redis.call('HGET', KEYS[4], 'spent') or '0', sub(spent, before)))
    redis.call('PEXPIRE', KEYS[4], ttl)
  end
end
redis.call('HSET', KEYS[1], 'spent', spent, 'reserved', '0', 'cap', cap, 'pool', pool)
return 1
`,
  4,
);

/**
 * Reserve `amount` if neither the run nor its pool would pass its cap:
 * spent + reserved + amount <= cap for both. Returns 1, or 0 with who refused ('run' or 'pool').
 * ARGV: runId, amount, pool ('' none).
 */
export const RESERVE = decimal(
  `
local runId, amount, pool = ARGV[1], ARGV[2], ARGV[3]
local account = redis.call('HMGET', KEYS[1], 'spent', 'reserved', 'cap')
if not account[1] then return redis.error_reply('budget account not open: ' .. runId) end
local reserved = account[2] or '0'
if account[3] and account[3] ~= '' and cmp(add(add(account[1], reserved), amount), account[3]) > 0 then return {0, 'run'} end
if pool ~= '' then
  local config = redis.call('HMGET', KEYS[2], 'cap', 'reserved')
  local poolReserved = config[2] or '0'
  local poolSpent = redis.call('HGET', KEYS[4], 'spent') or '0'
  if config[1] and config[1] ~= '' and cmp(add(add(poolSpent, poolReserved), amount), config[1]) > 0 then return {0, 'pool'} end
  redis.call('HSET', KEYS[2], 'reserved', add(poolReserved, amount))
  redis.call('HSET', KEYS[3], runId, add(redis.call('HGET', KEYS[3], runId) or '0', amount))
end
redis.call('HSET', KEYS[1], 'reserved', add(reserved, amount))
return {1, ''}
`,
  4,
);

/**
 * A reservation becomes spend, in the run's account and the pool's current window. The first
 * commit of a window that takes the pool past its alert returns crossed = 1 and logs the alert.
 * KEYS[5] the pool's alert log (list). ARGV: runId, amount, pool, window ttl ms, alert JSON prefix.
 * Returns {run spent, crossed, pool window spent}.
 */
export const COMMIT = decimal(
  `
local runId, amount, pool, ttl, note = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local account = redis.call('HMGET', KEYS[1], 'spent', 'reserved')
local spent = add(account[1] or '0', amount)
redis.call('HSET', KEYS[1], 'spent', spent, 'reserved', sub(account[2] or '0', amount))
if pool == '' then return {spent, 0, ''} end
redis.call('HSET', KEYS[2], 'reserved', sub(redis.call('HGET', KEYS[2], 'reserved') or '0', amount))
local held = sub(redis.call('HGET', KEYS[3], runId) or '0', amount)
if held == '0' then redis.call('HDEL', KEYS[3], runId) else redis.call('HSET', KEYS[3], runId, held) end
local before = redis.call('HGET', KEYS[4], 'spent') or '0'
local after = add(before, amount)
redis.call('HSET', KEYS[4], 'spent', after)
redis.call('PEXPIRE', KEYS[4], ttl)
local alert = redis.call('HGET', KEYS[2], 'alert')
local crossed = 0
if alert and alert ~= '' and cmp(after, alert) > 0 and redis.call('HSETNX', KEYS[4], 'alerted', '1') == 1 then
  crossed = 1
  redis.call('LPUSH', KEYS[5], note .. ',"spent":"' .. after .. '","alert":"' .. alert .. '"}')
  redis.call('LTRIM', KEYS[5], 0, 99)
end
return {spent, crossed, after}
`,
  5,
);

/** Gives a reservation back. ARGV: runId, amount, pool. */
export const RELEASE = decimal(
  `
local runId, amount, pool = ARGV[1], ARGV[2], ARGV[3]
redis.call('HSET', KEYS[1], 'reserved', sub(redis.call('HGET', KEYS[1], 'reserved') or '0', amount))
if pool ~= '' then
  redis.call('HSET', KEYS[2], 'reserved', sub(redis.call('HGET', KEYS[2], 'reserved') or '0', amount))
  local held = sub(redis.call('HGET', KEYS[3], runId) or '0', amount)
  if held == '0' then redis.call('HDEL', KEYS[3], runId) else redis.call('HSET', KEYS[3], runId, held) end
end
return 1
`,
  4,
);

/**
 * Appends an entry unless one with the same id was appended before (a retried job, a resumed
 * coordinator): every completed call is journaled once. KEYS: journal list, ids set.
 * ARGV: id, entry JSON. Returns 1 when appended.
 */
export const APPEND_ONCE = new Script(
  `
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[2])
return 1
`,
  2,
);

/**
 * A worker's outcome for a job: kept if it is the first (a retried job keeps the first outcome),
 * and the stored one announced on the run's results list. KEYS: results hash, results list.
 * ARGV: jobId, outcome JSON, ttl ms, and 'announce' for an outcome that is only announced, never
 * kept (an attempt that never reached the provider: the next try must make it again). Returns the
 * stored (or announced) outcome.
 */
export const STORE_RESULT = new Script(
  `
if ARGV[4] == 'announce' then
  redis.call('RPUSH', KEYS[2], '{"jobId":' .. cjson.encode(ARGV[1]) .. ',"outcome":' .. ARGV[2] .. '}')
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
  return ARGV[2]
end
redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
local stored = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
-- the stored text is spliced in as is: re-encoding it would round the metrics' floats
redis.call('RPUSH', KEYS[2], '{"jobId":' .. cjson.encode(ARGV[1]) .. ',"outcome":' .. stored .. '}')
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return stored
`,
  2,
);

/** Deletes (ARGV[2] = 'del') or extends (ARGV[2] = ttl ms) a lock only while it holds our token. */
export const LOCK_OWNED = new Script(
  `
local value = redis.call('GET', KEYS[1])
if not value or not string.find(value, ARGV[1], 1, true) then return 0 end
if ARGV[2] == 'del' then redis.call('DEL', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
`,
  1,
);

/**
 * A new run's configuration and first record, together or not at all (a coordinator killed while
 * starting leaves no half-made run). KEYS: config, record, the runs index. ARGV: config JSON,
 * record JSON, score, runId. Returns 0 when the id is taken.
 */
export const CREATE_RUN = new Script(
  `
if redis.call('SETNX', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
return 1
`,
  3,
);
