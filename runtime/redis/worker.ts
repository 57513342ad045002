// A worker: takes call jobs from the queue and carries them out with its provider, on any machine.
// Before calling, it looks for the job's outcome in the run's results hash: a job retried after its
// worker was killed (BullMQ moves a job whose lock lapsed back to the queue) returns the outcome
// stored the first time instead of calling — and being charged — again. Outcomes are stored and
// announced to the coordinator in one script. The simulated provider draws from the run's seed and
// scenario (read from the run's configuration), so a call has the same outcome on every worker.
import { hostname } from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { LocalDispatcher, type Provider } from "../provider";
import { HttpProvider, loadEndpoints } from "../providers/http";
import { SimulatedProvider } from "../providers/simulated";
import type { RunConfig } from "../runs";
import type { CallOutcome, CallRequest } from "../types";
import { connect, Keys, redisConfig, type RedisTarget } from "./connection";
import type { CallJob, ResultNote } from "./dispatcher";
import { RedisRunStore } from "./runs";
import { STORE_RESULT } from "./scripts";

export interface WorkerOptions {
  redis: string | RedisTarget;
  /** jobs this worker runs at once (default 1) */
  concurrency?: number;
  /** default simulated; a Provider instance serves every run (embedding, tests) */
  provider?: "simulated" | "http" | Provider;
  /** endpoints file of the HTTP provider */
  endpoints?: string;
  /** per-call latency added by the worker, ms: a fixed figure or a [min, max] range drawn per call */
  latencyMs?: number | [number, number];
  /** how long a job's lock lasts without renewal: a killed worker's jobs return to the queue after it */
  lockDurationMs?: number;
  /** how often lapsed locks are looked for (default: half the lock duration) */
  stalledIntervalMs?: number;
  /** how long outcomes are kept for retries and resumes (default 7 days) */
  resultTtlMs?: number;
  /** a line per finished job (`replayed`: the stored outcome was returned) */
  onJob?: (event: { jobId: string; runId: string; ok: boolean; replayed: boolean }) => void;
  onError?: (error: Error) => void;
}

export interface WorkerHandle {
  readonly name: string;
  /** jobs finished so far */
  readonly processed: number;
  /** finish the jobs in flight, take no more, disconnect */
  close(): Promise<void>;
}

export const DEFAULT_LOCK_MS = 30_000;
export const RESULT_TTL_MS = 7 * 86_400_000;
/** a job stalled this many times (its workers killed) fails */
const MAX_STALLED = 10;
const PROVIDERS_KEPT = 64;

export async function startWorker(options: WorkerOptions): Promise<WorkerHandle> {
  const config = redisConfig(options.redis);
  const keys = new Keys(config.prefix);
  const name = `${hostname()}:${process.pid}`;
  const redis = await connect(config, true, `flowc-worker:${name}`);
  const providers = new ProviderCache(new RedisRunStore(redis, keys), options);
  const resultTtl = String(options.resultTtlMs ?? RESULT_TTL_MS);
  let processed = 0;

  const carryOut = async (job: Job<CallJob>): Promise<void> => {
    const { request, timeoutMs } = job.data;
    const jobId = job.id ?? request.idempotencyKey;
    const results = [keys.run(request.runId, "results"), keys.run(request.runId, "done")];
    const stored = await redis.hget(results[0]!, jobId);
    const outcome = stored ? (JSON.parse(stored) as CallOutcome) : await new LocalDispatcher(await providers.get(request.runId)).dispatch(request, timeoutMs);
    // a stored outcome is announced again: the coordinator now waiting may not have seen it
    const unsent = !outcome.ok && outcome.reached === false;
    const kept = JSON.parse((await STORE_RESULT.run(redis, results, [jobId, JSON.stringify(outcome), resultTtl, unsent ? "announce" : "keep"])) as string) as CallOutcome;
    processed++;
    options.onJob?.({ jobId, runId: request.runId, ok: kept.ok, replayed: stored !== null });
  };

  const lockDuration = options.lockDurationMs ?? DEFAULT_LOCK_MS;
  const worker = new Worker<CallJob>(config.queue, carryOut, {
    connection: redis,
    prefix: keys.bull(),
    name,
    concurrency: Math.max(1, options.concurrency ?? 1),
    lockDuration,
    stalledInterval: options.stalledIntervalMs ?? Math.max(500, Math.floor(lockDuration / 2)),
    maxStalledCount: MAX_STALLED,
    drainDelay: 1,
  });
  worker.on("error", (error) => options.onError?.(error));
  worker.on("failed", (job, error) => void announceFailure(redis, keys, job, error, resultTtl).catch((e: Error) => options.onError?.(e)));
  await worker.waitUntilReady();
  return {
    name,
    get processed() {
      return processed;
    },
    async close() {
      await worker.close();
      redis.disconnect();
    },
  };
}

/** A job that failed for good (retries spent, or stalled too often) is reported to its coordinator. */
async function announceFailure(redis: Redis, keys: Keys, job: Job<CallJob> | undefined, error: Error, ttl: string): Promise<void> {
  if (!job?.id || !(await job.isFailed())) return; // retried: not final
  const note: ResultNote = { jobId: job.id, error: error.message };
  const list = keys.run(job.data.request.runId, "done");
  await redis.multi().rpush(list, JSON.stringify(note)).pexpire(list, Number(ttl)).exec();
}

/** Providers per run, built from the run's configuration, the most recent few kept. */
class ProviderCache {
  private readonly providers = new Map<string, Promise<Provider>>();

  constructor(
    private readonly runs: RedisRunStore,
    private readonly options: WorkerOptions,
  ) {}

  get(runId: string): Promise<Provider> {
    let provider = this.providers.get(runId);
    if (!provider) {
      provider = this.build(runId);
      provider.catch(() => this.providers.delete(runId));
      this.providers.set(runId, provider);
      if (this.providers.size > PROVIDERS_KEPT) this.providers.delete(this.providers.keys().next().value!);
    }
    return provider;
  }

  private async build(runId: string): Promise<Provider> {
    const config = await this.runs.config(runId);
    const provider = await this.providerFor(config);
    const problems = provider.prepare?.(config.graph) ?? [];
    if (problems.length > 0) throw new UnrecoverableError(`provider ${provider.name} cannot serve run ${runId}: ${problems.join("; ")}`);
    const latency = this.options.latencyMs ?? (config.provider.kind === "simulated" ? config.provider.latencyMs : undefined);
    return latency ? withLatency(provider, latency) : provider;
  }

  private async providerFor(config: RunConfig): Promise<Provider> {
    const chosen = this.options.provider ?? "simulated";
    if (typeof chosen !== "string") return chosen;
    if (config.provider.kind !== chosen) {
      throw new UnrecoverableError(`run ${config.runId} uses the ${config.provider.kind} provider; this worker serves ${chosen} (start a worker with the ${config.provider.kind} provider)`);
    }
    if (chosen === "simulated") return new SimulatedProvider({ seed: config.seed, ...(config.scenario ? { scenario: config.scenario } : {}) });
    if (!this.options.endpoints) throw new UnrecoverableError("this worker serves the http provider without its endpoints");
    return new HttpProvider(await loadEndpoints(this.options.endpoints));
  }
}

/** The provider, after a wait: a fixed latency or one drawn per call from a range. */
export function withLatency(provider: Provider, latency: number | [number, number]): Provider {
  const [min, max] = typeof latency === "number" ? [latency, latency] : latency;
  return {
    name: provider.name,
    ...(provider.prepare ? { prepare: (graph) => provider.prepare!(graph) } : {}),
    async call(request: CallRequest, signal: AbortSignal): Promise<CallOutcome> {
      await delay(min + Math.random() * (max - min), undefined, { signal });
      return provider.call(request, signal);
    },
  };
}
