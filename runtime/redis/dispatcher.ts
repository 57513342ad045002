// Calls through BullMQ: the coordinator enqueues each attempt as a job whose id is the attempt's
// idempotency key (run/node/round/call/attempt), and a worker on any machine runs it. The worker
// keeps the first outcome of a job in the run's results hash and announces it on the run's results
// list, which the coordinator drains on a connection of its own. Enqueuing an attempt that exists
// already (a resumed coordinator) adds nothing, and an outcome stored before is taken as is, so an
// attempt is carried out once and charged once. At most `maxInFlight` jobs of a run are
// outstanding at a time (back-pressure), whatever the nodes' concurrency.
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { CallDispatcher } from "../provider";
import type { CallOutcome, CallRequest } from "../types";
import { shownUrl, type Keys } from "./connection";

export const DEFAULT_MAX_IN_FLIGHT = 64;

/** What a job carries. */
export interface CallJob {
  request: CallRequest;
  timeoutMs?: number;
}

/** An entry of a run's results list: the stored outcome, or why the job failed for good. */
export interface ResultNote {
  jobId: string;
  outcome?: CallOutcome;
  error?: string;
}

/** BullMQ's retries cover a worker's infrastructure errors only: a provider's failure is an outcome. */
export const JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: "exponential", delay: 500 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 86_400 },
} as const;

interface Waiter {
  resolve: (outcome: CallOutcome) => void;
  reject: (error: Error) => void;
}

export interface DispatcherOptions {
  maxInFlight?: number;
  /** shown (password masked) in the warning when no worker takes the jobs */
  url: string;
  noWorkerWarningMs: number;
}

export class BullMqDispatcher implements CallDispatcher {
  private readonly waiters = new Map<string, Waiter>();
  /** runId → its listener, started (a blocked connection serves one results list) */
  private readonly listening = new Map<string, Promise<void>>();
  private readonly listeners = new Set<Redis>();
  private readonly queued: (() => void)[] = [];
  private inFlight = 0;
  private closed = false;
  /** set when Redis is lost: every dispatch fails with it */
  private abandoned: Error | undefined;
  readonly maxInFlight: number;
  private warning: ((code: string, message: string) => void) | undefined;
  private watch: NodeJS.Timeout | undefined;
  private answered = false;

  constructor(
    private readonly queue: Queue<CallJob>,
    /** commands */
    private readonly redis: Redis,
    /** opens a connection for blocking reads */
    private readonly blocking: () => Promise<Redis>,
    private readonly keys: Keys,
    private readonly options: DispatcherOptions,
  ) {
    this.maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  }

  onWarning(handler: (code: string, message: string) => void): void {
    this.warning = handler;
  }

  /** Redis is gone: the calls waiting fail with `error`, and so does every later one. */
  abandon(error: Error): void {
    this.abandoned ??= error;
    for (const waiter of this.waiters.values()) waiter.reject(error);
    this.waiters.clear();
  }

  async dispatch(request: CallRequest, timeoutMs: number | undefined): Promise<CallOutcome> {
    if (this.abandoned) throw this.abandoned;
    this.watchWorkers();
    await this.slot();
    try {
      return await this.submit(request, timeoutMs);
    } finally {
      this.inFlight--;
      this.queued.shift()?.();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.watch);
    for (const waiter of this.waiters.values()) waiter.reject(new Error("the dispatcher was closed"));
    this.waiters.clear();
    for (const listener of this.listeners) listener.disconnect();
    this.listeners.clear();
    this.listening.clear();
  }

  private slot(): Promise<void> {
    if (this.inFlight < this.maxInFlight) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.queued.push(() => {
        this.inFlight++;
        resolve();
      }),
    );
  }

  private async submit(request: CallRequest, timeoutMs: number | undefined): Promise<CallOutcome> {
    const jobId = request.idempotencyKey;
    const answer = new Promise<CallOutcome>((resolve, reject) => this.waiters.set(jobId, { resolve, reject }));
    answer.catch(() => undefined); // a failure before it is awaited is still seen by the caller
    try {
      await this.listen(request.runId);
      await this.queue.add("call", { request, ...(timeoutMs !== undefined ? { timeoutMs } : {}) }, { ...JOB_OPTIONS, jobId });
      // an attempt made before (by a coordinator since killed) answers at once
      const [stored, state] = await Promise.all([this.redis.hget(this.keys.run(request.runId, "results"), jobId), this.queue.getJobState(jobId)]);
      if (stored) this.settle({ jobId, outcome: JSON.parse(stored) as CallOutcome });
      else if (state === "completed" || state === "failed") await this.again(jobId, state);
    } catch (error) {
      this.waiters.delete(jobId);
      throw error;
    }
    return answer;
  }

  /** Once: a warning when no job has been answered after a while and no worker is connected. */
  private watchWorkers(): void {
    if (this.watch || this.answered) return;
    this.watch = setTimeout(() => void this.checkWorkers(), this.options.noWorkerWarningMs);
    this.watch.unref();
  }

  private async checkWorkers(): Promise<void> {
    if (this.answered || this.closed) return;
    const workers = await this.queue.getWorkersCount().catch(() => 0);
    if (workers > 0 || this.answered) return;
    const after = this.options.noWorkerWarningMs >= 1000 ? `${Math.round(this.options.noWorkerWarningMs / 1000)} s` : `${this.options.noWorkerWarningMs} ms`;
    this.warning?.("no-worker", `no worker took a job in ${after}: start \`flowc worker --redis ${shownUrl(this.options.url)}\` (the run waits for one)`);
  }

  /**
   * A job that finished without a kept outcome — it never reached the provider, or failed on the
   * workers for good — is run again: adding a job whose id exists adds nothing.
   */
  private async again(jobId: string, state: "completed" | "failed"): Promise<void> {
    const job = await this.queue.getJob(jobId);
    await job?.retry(state).catch(() => undefined);
  }

  private settle(note: ResultNote): void {
    this.answered = true;
    const waiter = this.waiters.get(note.jobId);
    if (!waiter) return; // a job nobody here waits for (answered already, or sent by an earlier coordinator)
    this.waiters.delete(note.jobId);
    if (note.outcome) waiter.resolve(note.outcome);
    else waiter.reject(new Error(`call ${note.jobId} failed on the workers: ${note.error ?? "unknown error"}`));
  }

  private listen(runId: string): Promise<void> {
    let started = this.listening.get(runId);
    if (!started) {
      started = this.startListening(runId);
      started.catch(() => this.listening.delete(runId));
      this.listening.set(runId, started);
    }
    return started;
  }

  /** Drains the run's results list on a connection of its own: one blocking pop, then the rest. */
  private async startListening(runId: string): Promise<void> {
    const listener = await this.blocking();
    this.listeners.add(listener);
    const key = this.keys.run(runId, "done");
    const loop = async () => {
      while (!this.closed) {
        const first = await listener.blpop(key, 1);
        if (!first) continue;
        this.settle(JSON.parse(first[1]) as ResultNote);
        // what else arrived meanwhile, in one round trip rather than one blocking pop each
        for (const text of (await listener.lpop(key, 256)) ?? []) this.settle(JSON.parse(text) as ResultNote);
      }
    };
    loop().catch((error: unknown) => {
      if (this.closed) return;
      listener.disconnect();
      this.listeners.delete(listener);
      this.listening.delete(runId); // the next dispatch listens again
      for (const waiter of this.waiters.values()) waiter.reject(error instanceof Error ? error : new Error(String(error)));
      this.waiters.clear();
    });
  }
}
