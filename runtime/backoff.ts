// The wait before a call's next attempt: exponential backoff with jitter, never shorter than the
// provider's Retry-After, and a bound on how long one call may keep trying (its total wait). The
// figures are options so that tests (and impatient users) can shrink them; the clock does the
// waiting, so a manual clock backs off without sleeping.

export interface BackoffPolicy {
  /** the wait after a first failed attempt; doubled after each further one (default 500 ms) */
  baseDelayMs: number;
  /** the longest wait between two attempts, Retry-After aside (default 30 s) */
  maxDelayMs: number;
  /**
   * the longest a call may take from its first attempt to the start of its last (default 10 min);
   * a Retry-After that reaches past it gives the call up at once
   */
  totalWaitMs: number;
  /** uniform draws in [0, 1) for the jitter (default Math.random) */
  random: () => number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  totalWaitMs: 600_000,
  random: Math.random,
};

export function backoffPolicy(given: Partial<BackoffPolicy> = {}): BackoffPolicy {
  return { ...DEFAULT_BACKOFF, ...given };
}

/**
 * The wait before attempt `failed + 1` of a call whose `failed` attempts failed: "equal jitter"
 * (half the exponential step, plus a random share of the other half), at least `retryAfterMs`.
 */
export function retryDelay(policy: BackoffPolicy, failed: number, retryAfterMs: number | undefined): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failed - 1));
  const jittered = step / 2 + (policy.random() * step) / 2;
  return Math.ceil(Math.max(jittered, retryAfterMs ?? 0));
}

/** Seconds for messages: "45 s", "1.5 s". */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`;
}
