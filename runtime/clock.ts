// Time as the runtime sees it: record timestamps, run ids and cache ages. Tests move a manual
// clock to expire cache entries without waiting.

export interface Clock {
  /** milliseconds since the epoch */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

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
}

export function iso(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}
