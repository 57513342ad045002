// `flowc ack RUN`: acknowledge a run's spend alert, so that runs of its flow may start again.
import type { Command } from "commander";
import { type CliCommand, type CommandContext, examples } from "../command";
import { EXIT_OK, type ExitCode } from "../exit";
import type { CliIo } from "../io";
import { guarded, loadRuntime, storeOptions } from "../run-support";
import { redisOption, type RedisFlags } from "../redis-options";

export const ackCommand: CliCommand = {
  register(program: Command, context: CommandContext) {
    program
      .command("ack")
      .description("Acknowledge a run's spend alert: the next run of its flow may start.")
      .argument("<run>", "the run id (see `flowc runs`)")
      .addOption(redisOption())
      .addHelpText("after", examples("flowc ack campaign_portraits-20250101-120000-ab12"))
      .action(async (runId: string, flags: RedisFlags) => context.finish(await acknowledge(runId, flags, context.io)));
  },
};

async function acknowledge(runId: string, flags: RedisFlags, io: CliIo): Promise<ExitCode> {
  const runtime = await loadRuntime();
  return guarded(io, async () => {
    const record = await runtime.ack(runId, storeOptions(io, flags));
    io.out(record.flagged ? `acknowledged the alert of run ${runId}: runs of ${record.flow} may start again\n` : `run ${runId} crossed no alert: nothing to acknowledge\n`);
    return EXIT_OK;
  });
}
