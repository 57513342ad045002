// What the run commands (run, resume, review, ack, report, runs, cache) share: where runs live,
// the runtime (loaded lazily so `flowc check` never pays for it), progress and notification wired
// to the command's io, the report, and one policy for runtime failures and exit statuses.
import path from "node:path";
import { Writable } from "node:stream";
import { type Command, InvalidArgumentError, Option } from "commander";
import type { PromptScreen, ReviewDecider, RunEvent, RunRecord, RunResult, RuntimeErrorCode, SegmentOptions, StoreOptions } from "../runtime/index";
import { projectRoot } from "../compiler/config";
import { LOCAL_DISK } from "./config-lookup";
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, type ExitCode } from "./exit";
import { type CliIo, complain } from "./io";
import { parseCredits } from "./options";
import { addRedisRunOptions, redisSegment, redisStore, type RedisFlags, type RedisRunFlags } from "./redis-options";
import { type Decimal, dec, formatExact } from "../syntax/credits";

export type Runtime = typeof import("../runtime/index");

export function loadRuntime(): Promise<Runtime> {
  return import("../runtime/index");
}

/**
 * Runs and the cache live in Redis with --redis URL (or $FLOWC_REDIS), else in $FLOWC_HOME, else
 * in `.flowc/` at the project's root (compiler/config.ts `projectRoot`), found from the flow file
 * (`flowFile`) or, for commands without one, from the working directory; outside any project, here.
 */
export function storeOptions(io: CliIo, flags: RedisFlags = {}, flowFile?: string): StoreOptions {
  return { home: io.env.FLOWC_HOME || stateFolder(io, flowFile), ...redisStore(io, flags) };
}

function stateFolder(io: CliIo, flowFile: string | undefined): string {
  const from = flowFile === undefined ? io.cwd : path.dirname(path.resolve(io.cwd, flowFile));
  return path.join(projectRoot(from, LOCAL_DISK) ?? io.cwd, ".flowc");
}

/** `--allow-failed N` (items) or `P%` (of the items sent to the run's nodes). */
export type AllowFailed = { items: number } | { percent: Decimal };

/**
 * Exit 0 when the run completed with no failed item (or no more than `--allow-failed`); 1 when it
 * paused (budget, awaiting review), failed, was interrupted, or lost more items than allowed.
 */
export function exitForRun(record: RunRecord, allow: AllowFailed | undefined): ExitCode {
  if (record.status !== "completed") return EXIT_PROBLEMS;
  return failedBeyond(record, allow) ? EXIT_PROBLEMS : EXIT_OK;
}

/** Failed items past what `--allow-failed` lets through (none by default). */
function failedBeyond(record: RunRecord, allow: AllowFailed | undefined): boolean {
  const failed = record.totals.failedItems;
  if (failed === 0) return false;
  if (!allow) return true;
  if ("items" in allow) return failed > allow.items;
  const sent = record.nodes.filter((n) => n.kind === "node").reduce((total, n) => total + Math.max(n.itemsIn, n.calls), 0);
  return dec(failed).times(100).greaterThan(allow.percent.times(sent));
}

export const EXIT_STATUS_HELP = `
Exit status: 0 the run completed and no item failed (or no more than --allow-failed); 1 it paused
(budget cap reached, or decisions awaiting review: continue with \`flowc resume RUN\`), failed,
lost items to failed calls, or was refused (errors in the flow, an unacknowledged alert); 2 bad
usage, an unknown run id or an unreadable input.
`;

type RuntimeFailure = Error & { code: RuntimeErrorCode; usage?: boolean; flaggedRuns?: string[]; packages?: string[]; interruptedRun?: string };

/** What the CLI says after the runtime's message: its own commands and flags, by error code. */
const CLI_HINTS: Partial<Record<RuntimeErrorCode, (error: RuntimeFailure) => string>> = {
  "unknown-run": () => " (see `flowc runs`)",
  "alert-flag": (error) => `: acknowledge it with \`flowc ack ${error.flaggedRuns?.[0] ?? "RUN"}\` or start with --ack`,
  "pool-without-redis": () => "; give --redis URL (or FLOWC_REDIS)",
  "pool-cap-required": () => " (--pool-cap N)",
  home: () => ": point FLOWC_HOME at a directory (or remove the file)",
  storage: (error) => (error.interruptedRun ? `: then continue with \`flowc resume ${error.interruptedRun}\`` : ""),
  redis: (error) => (error.interruptedRun ? `: then continue with \`flowc resume ${error.interruptedRun} --redis URL\`` : ""),
};

/**
 * A runtime error as one `flowc: …` line. Errors may come from a second copy of the runtime (the
 * one a generated module imports), so they are recognised by name, not by class.
 */
export function runtimeFailure(io: CliIo, error: unknown): ExitCode {
  if (error instanceof Error && error.name === "RuntimeError") {
    const failure = error as RuntimeFailure;
    complain(io, failure.code === "missing-package" ? missingPackages(failure) : failure.message + (CLI_HINTS[failure.code]?.(failure) ?? ""));
    return failure.usage ? EXIT_USAGE : EXIT_PROBLEMS;
  }
  throw error;
}

/** The one line `--redis` and `flowc worker` print when bullmq or ioredis is not installed. */
function missingPackages(error: RuntimeFailure): string {
  const packages = error.packages ?? [];
  return `--redis needs the packages ${packages.join(" and ")}, which are not installed: npm i ${packages.join(" ")}`;
}

/** Runs a command body, turning runtime errors into their exit status. */
export async function guarded(io: CliIo, body: () => Promise<ExitCode>): Promise<ExitCode> {
  try {
    return await body();
  } catch (error) {
    return runtimeFailure(io, error);
  }
}

/** A Writable over the command's standard error, for the runtime's notifiers and prompts. */
export function stderrStream(io: CliIo): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      io.err(chunk.toString());
      done();
    },
  });
}

export interface SegmentFlags extends RedisRunFlags {
  cap?: string;
  allowFailed?: AllowFailed;
  json?: boolean;
  decisions?: string;
  simulateReviews?: boolean;
  latency?: number;
  notify?: string;
  webhook?: string;
}

/**
 * Progress: JSON lines on stdout with `--json`, a live block on a terminal, plain lines otherwise.
 * The live block gives the screen to the prompts of `reviews` while one is open.
 */
export function progress(runtime: Runtime, io: CliIo, json: boolean, reviews?: Reviews): (event: RunEvent) => void {
  if (json) return runtime.createJsonLogger({ write: io.out });
  const stream = { write: io.err };
  if (process.stderr.isTTY !== true) return runtime.createLineLogger(stream);
  const renderer = runtime.createTtyRenderer(stream);
  if (reviews?.screen) reviews.screen.target = renderer;
  return renderer;
}

/** The options a run segment (a start or a resume) takes from the command line. */
export function segmentOptions(runtime: Runtime, io: CliIo, flags: SegmentFlags, reviews?: Reviews, flowFile?: string): SegmentOptions {
  return {
    ...storeOptions(io, flags, flowFile),
    ...redisSegment(io, flags),
    ...(flags.cap !== undefined ? { cap: flags.cap } : {}),
    ...(flags.latency !== undefined ? { latencyMs: flags.latency } : {}),
    ...(flags.decisions !== undefined ? { decisionsFile: path.resolve(io.cwd, flags.decisions) } : {}),
    ...(flags.simulateReviews === true ? { simulateHumans: true } : {}),
    notify: { stderr: stderrStream(io), ...(flags.notify ? { command: flags.notify } : {}), ...(flags.webhook ? { webhook: flags.webhook } : {}) },
    onEvent: progress(runtime, io, flags.json === true, reviews),
  };
}

/**
 * Runs a segment that Ctrl-C or SIGTERM stops the way the library stops on an abort: no new call
 * starts, calls in flight finish, and the run pauses with its state kept for `flowc resume`. A
 * second signal quits at once (the journal still holds every charged attempt).
 */
export async function untilStopped<T>(io: CliIo, segment: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(130);
    complain(io, `${signal}: stopping once the calls in flight finish (again to quit at once); the run can be resumed`);
    controller.abort();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  try {
    return await segment(controller.signal);
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

/** The report at the end of a run (or as the last JSON line with `--json`); the exit status. */
export function finishRun(runtime: Runtime, io: CliIo, result: RunResult, flags: Pick<SegmentFlags, "json" | "allowFailed">): ExitCode {
  const text = runtime.renderReport(runtime.report(result.record), flags.json ? "json" : "text");
  const exit = exitForRun(result.record, flags.allowFailed);
  if (flags.json) io.out(`{"type": "report", "report": ${text.replace(/\n\s*/g, "")}}\n`);
  else io.out(`\n${text}${nextStep(result, exit)}`);
  return exit;
}

function nextStep(result: RunResult, exit: ExitCode): string {
  const record = result.record;
  const uncharged = record.nodes.some((n) => n.failures?.some((f) => !f.charged && f.calls > 0));
  const retry = uncharged ? `\ncalls that never reached the provider cost nothing: \`flowc resume ${result.runId}\` tries them again\n` : "";
  if (result.status === "paused" && record.reason === "budget") return `\nresume with a higher cap: flowc resume ${result.runId} --cap N\n`;
  if (result.status === "paused" && record.reason === "pool") return `\nthe budget pool refused the next call: raise its cap with \`flowc resume ${result.runId} --budget-pool POOL --pool-cap N\`, or resume in its next window\n`;
  if (result.status === "awaiting-review") return `\ndecide with \`flowc review ${result.runId}\`, then \`flowc resume ${result.runId}\`\n`;
  if (result.status === "failed" && record.reason === "calls") return `\nthe run failed: ${record.error ?? "see its record"}\n${retry}`;
  if (result.status === "failed") return `\nthe run failed: ${record.error ?? "see its record"}\ncontinue with: flowc resume ${result.runId}\n`;
  if (result.status === "paused") return `\ncontinue with: flowc resume ${result.runId}\n`;
  if (exit !== EXIT_OK) return `\n${record.totals.failedItems} item(s) failed (see the failures above; --allow-failed N or P% accepts some)\n${retry}`;
  return retry;
}

/** `--allow-failed 3` (items) or `--allow-failed 5%` (of the items sent to the run's nodes). */
export function parseAllowFailed(text: string): AllowFailed {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { items: Number(trimmed) };
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(trimmed);
  if (percent && dec(percent[1]!).lessThanOrEqualTo(100)) return { percent: dec(percent[1]!) };
  throw new InvalidArgumentError("expected a number of items such as 3, or a percent of the items such as 5%");
}

/** `--cap N`: credits as written in a flow, passed on as exact decimal text. */
export function parseCap(text: string): string {
  return formatExact(parseCredits(text));
}

export function parseNonNegativeInteger(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new InvalidArgumentError("expected a whole number such as 0 or 42");
  return Number(text.trim());
}

/** The options `flowc run` and `flowc resume` share. */
export function addSegmentOptions(command: Command, capHelp: string): Command {
  return addRedisRunOptions(command)
    .addOption(new Option("--cap <credits>", capHelp).argParser(parseCap))
    .addOption(new Option("--allow-failed <n|p%>", "exit 0 even when up to N items (or P% of the items sent to nodes) failed").argParser(parseAllowFailed))
    .option("--json", "machine output: one JSON event per line on stdout, then the report")
    .option("--decisions <file>", "decide reviews and human selects from a JSON file (schemas/decisions.schema.json)")
    .option("--simulate-reviews", "the simulated provider decides reviews and human selects at their expected rates (seeded)")
    .addOption(new Option("--latency <ms>", "per-call latency of the simulated provider, in milliseconds").argParser(parseNonNegativeInteger))
    .option("--notify <command>", "run this shell command with the run's summary (JSON on stdin) when it pauses or crosses its alert")
    .option("--webhook <url>", "POST the run's summary as JSON to this URL when it pauses or crosses its alert");
}

export interface Reviews {
  /** the simulated provider decides */
  simulate: boolean;
  decider?: ReviewDecider;
  /** said once the run starts */
  notice?: string;
  /** lets go of the terminal after the run */
  release(): void;
  /** the prompts' hold on the screen, passed on to the progress renderer once there is one */
  screen?: ScreenLink;
}

/** A PromptScreen whose renderer is known later (the prompts are made before the progress). */
export class ScreenLink implements PromptScreen {
  target: PromptScreen | undefined;
  hold(): void {
    this.target?.hold();
  }
  release(): void {
    this.target?.release();
  }
}

/** Reviews and human selects decided by the person at the terminal. */
export function terminalReviews(runtime: Runtime, io: CliIo, seed: number): Reviews {
  const fallback = new runtime.SimulatedDecider(seed);
  const screen = new ScreenLink();
  const decider = new runtime.InteractiveDecider({ input: process.stdin, output: stderrStream(io), fallback, screen });
  return { simulate: false, decider, screen, release: () => process.stdin.pause() };
}
