// Time as the runtime sees it: record timestamps, run ids, cache ages and the waits between
// attempts. Tests move a manual clock to expire cache entries and to back off without waiting.

export interface Clock {
  /** milliseconds since the epoch */
  now(): number;
  /** waits `ms` (a manual clock moves by `ms` at once); default: a timer */
  sleep?(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class ManualClock implements Clock {
  private ms: number;
  constructor(start: number | Date = Date.UTC(2025, 0, 1)) {
    this.ms = typeof start === "number" ? start : start.getTime();
  }
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
  async sleep(ms: number): Promise<void> {
    this.ms += ms;
  }
}

export function iso(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}

export function sleepOn(clock: Clock, ms: number): Promise<void> {
  return clock.sleep ? clock.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms));
}
