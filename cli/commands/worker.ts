// `flowc worker --redis URL`: carries out the calls of runs started with `flowc run --redis`, on
// any machine that reaches the Redis server. SIGTERM (or SIGINT) stops it gracefully: the calls in
// flight finish and are reported, no new one is taken, then it disconnects.
import { type Command, InvalidArgumentError, Option } from "commander";
import { type CliCommand, type CommandContext, examples } from "../command";
import { EXIT_OK, EXIT_USAGE, type ExitCode } from "../exit";
import { type CliIo, complain } from "../io";
import { wholeNumberParser } from "../options";
import { redisOption, redisUrl, type RedisFlags } from "../redis-options";
import { guarded, loadRuntime } from "../run-support";

interface WorkerFlags extends RedisFlags {
  concurrency: number;
  provider: "simulated" | "http";
  endpoints?: string;
  latency?: number | [number, number];
  lockDuration?: number;
  verbose?: boolean;
}

const SIZING_HELP = `
Each worker runs --concurrency calls at once. Calls mostly wait on the provider, so raise the
concurrency rather than the number of processes per machine (one or two workers per core).
A worker killed mid-call loses nothing: its jobs return to the queue once their lock lapses
(--lock-duration) and another worker takes them; an outcome stored before is not asked for again.
See docs/scale-out.md.
`;

export const workerCommand: CliCommand = {
  register(program: Command, context: CommandContext) {
    program
      .command("worker")
      .description("Carry out the calls of runs started with `flowc run --redis`, from a BullMQ queue on Redis.")
      .addOption(redisOption())
      .addOption(new Option("--concurrency <n>", "calls this worker makes at once").argParser(wholeNumberParser(1, 10_000)).default(1))
      .addOption(new Option("--provider <provider>", "who carries out the calls").choices(["simulated", "http"]).default("simulated"))
      .option("--endpoints <file>", "the HTTP provider's per-model endpoints (JSON)")
      .addOption(new Option("--latency <ms>", "added latency per call, in ms: a figure (5) or a range drawn per call (2-10)").argParser(parseLatency))
      .addOption(new Option("--lock-duration <ms>", "how long a job's lock lasts unrenewed: a killed worker's jobs go back to the queue after it (default 30000)").argParser(wholeNumberParser(100, 3_600_000)))
      .option("--verbose", "a line per finished call")
      .addHelpText("after", SIZING_HELP + examples("flowc worker --redis redis://10.0.0.5:6379 --concurrency 8", "FLOWC_REDIS=redis://redis:6379 flowc worker --provider http --endpoints endpoints.json"))
      .action(async (flags: WorkerFlags) => context.finish(await work(flags, context.io)));
  },
};

function parseLatency(text: string): number | [number, number] {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!match || (match[2] !== undefined && Number(match[2]) < Number(match[1]))) throw new InvalidArgumentError("expected milliseconds such as 5, or a range such as 2-10");
  return match[2] === undefined ? Number(match[1]) : [Number(match[1]), Number(match[2])];
}

async function work(flags: WorkerFlags, io: CliIo): Promise<ExitCode> {
  const url = redisUrl(io, flags);
  if (!url) {
    complain(io, "flowc worker needs --redis URL (or FLOWC_REDIS)");
    return EXIT_USAGE;
  }
  if (flags.provider === "http" && !flags.endpoints) {
    complain(io, "--provider http needs --endpoints FILE (the per-model endpoints)");
    return EXIT_USAGE;
  }
  const runtime = await loadRuntime();
  // a Redis that is down repeats one error many times a second: it is said once, until another comes
  let last = "";
  const onError = (error: Error) => {
    if (error.message === last) return;
    last = error.message;
    complain(io, `worker: ${error.message} (the worker keeps trying)`);
  };
  return guarded(io, async () => {
    const worker = await runtime.startWorker({
      redis: url,
      concurrency: flags.concurrency,
      provider: flags.provider,
      ...(flags.endpoints ? { endpoints: flags.endpoints } : {}),
      ...(flags.latency !== undefined ? { latencyMs: flags.latency } : {}),
      ...(flags.lockDuration !== undefined ? { lockDurationMs: flags.lockDuration } : {}),
      ...(flags.verbose ? { onJob: (job) => io.out(`call ${job.jobId} ${job.ok ? "ok" : "failed"}${job.replayed ? " (stored outcome)" : ""}\n`) } : {}),
      onError,
    });
    io.out(`flowc worker ${worker.name} ready: concurrency ${flags.concurrency}, provider ${flags.provider}\n`);
    await stopSignal();
    io.out(`flowc worker ${worker.name} stopping: finishing the calls in flight\n`);
    await worker.close();
    io.out(`flowc worker ${worker.name} stopped after ${worker.processed} call(s)\n`);
    return EXIT_OK;
  });
}

function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      resolve(signal);
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
}
