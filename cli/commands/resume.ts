// `flowc resume RUN`: continue a paused, awaiting-review, failed or killed run where it stopped,
// without repeating or re-charging a completed call; `--cap N` raises (or sets) its cap.
import type { Command } from "commander";
import { type CliCommand, type CommandContext, examples } from "../command";
import type { ExitCode } from "../exit";
import type { CliIo } from "../io";
import {
  EXIT_STATUS_HELP,
  type Reviews,
  type SegmentFlags,
  addSegmentOptions,
  finishRun,
  guarded,
  loadRuntime,
  segmentOptions,
  storeOptions,
  terminalReviews,
  untilStopped,
} from "../run-support";

export const resumeCommand: CliCommand = {
  register(program: Command, context: CommandContext) {
    const command = program
      .command("resume")
      .description("Continue a paused, awaiting-review, failed or interrupted run where it stopped.")
      .argument("<run>", "the run id (see `flowc runs`)");
    addSegmentOptions(command, "the run's new cap (credits), e.g. to go past a budget pause")
      .addHelpText("after", EXIT_STATUS_HELP + examples("flowc resume campaign_portraits-20250101-120000-ab12 --cap 1000", "flowc resume RUN --decisions decisions.json"))
      .action(async (runId: string, flags: SegmentFlags) => context.finish(await resume(runId, flags, context.io)));
  },
};

async function resume(runId: string, flags: SegmentFlags, io: CliIo): Promise<ExitCode> {
  const runtime = await loadRuntime();
  return guarded(io, async () => {
    const record = await runtime.getRecord(runId, storeOptions(io, flags));
    const humanSteps = record.nodes.some((n) => n.kind === "review" || n.kind === "select");
    const reviews: Reviews =
      flags.decisions === undefined && flags.simulateReviews !== true && humanSteps && process.stdin.isTTY === true
        ? terminalReviews(runtime, io, record.seed)
        : { simulate: flags.simulateReviews === true, release: () => undefined };
    try {
      const options = { ...segmentOptions(runtime, io, flags, reviews), ...(reviews.decider ? { decider: reviews.decider } : {}) };
      return finishRun(runtime, io, await untilStopped(io, (signal) => runtime.resumeRun(runId, { ...options, signal })), flags);
    } finally {
      reviews.release();
    }
  });
}
