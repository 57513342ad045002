// `flowc report RUN`: what a run spent, node by node (highest first), with shares.
import type { Command } from "commander";
import { type CliCommand, type CommandContext, examples } from "../command";
import { EXIT_OK, type ExitCode } from "../exit";
import type { CliIo } from "../io";
import { formatOption } from "../options";
import { guarded, loadRuntime, storeOptions } from "../run-support";
import { redisOption, type RedisFlags } from "../redis-options";

const FORMATS = ["text", "json", "markdown"] as const;

export const reportCommand: CliCommand = {
  register(program: Command, context: CommandContext) {
    program
      .command("report")
      .description("A run's spend node by node, highest first, with each node's share and the top two's.")
      .argument("<run>", "the run id (see `flowc runs`)")
      .addOption(formatOption(FORMATS))
      .addOption(redisOption())
      .addHelpText("after", examples("flowc report campaign_portraits-20250101-120000-ab12", "flowc report RUN --format markdown >> \"$GITHUB_STEP_SUMMARY\""))
      .action(async (runId: string, options: RedisFlags & { format: (typeof FORMATS)[number] }) => context.finish(await showReport(runId, options.format, options, context.io)));
  },
};

async function showReport(runId: string, format: (typeof FORMATS)[number], flags: RedisFlags, io: CliIo): Promise<ExitCode> {
  const runtime = await loadRuntime();
  return guarded(io, async () => {
    const record = await runtime.getRecord(runId, storeOptions(io, flags));
    io.out(runtime.renderReport(runtime.report(record), format));
    return EXIT_OK;
  });
}
