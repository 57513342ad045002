// `flowc compile FILE [-o OUT.ts]`: the flow as a typed TypeScript module (see compiler/codegen.ts)
// on stdout or in a file. A flow with errors is not compiled: its diagnostics go to stderr.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { type CliCommand, type CommandContext, examples } from "../command";
import { EXIT_OK, EXIT_USAGE, type ExitCode } from "../exit";
import { type CliIo, complain } from "../io";
import { compilableFlow, isRefusal } from "../compile-flow";
import { generateModule } from "../../compiler/codegen";
import { stdinFilepathOption } from "../options";

export const compileCommand: CliCommand = {
  register(program: Command, context: CommandContext) {
    program
      .command("compile")
      .description("Compile a flow to a typed TypeScript module: inputs, the node graph, its figures and run().")
      .argument("<file>", "the .flow file to compile, or - for standard input")
      .option("-o, --output <file>", "write the module to this file instead of standard output")
      .addOption(stdinFilepathOption())
      .addHelpText(
        "after",
        "\nThe module imports the runtime from `flowc/runtime`; `flowc run FILE` runs the same module in memory.\n" +
          examples("flowc compile samples/campaign.flow -o campaign.ts", "flowc compile samples/campaign.flow | less"),
      )
      .action(async (file: string, options: { output?: string; stdinFilepath?: string }) => context.finish(await compile(file, options, context.io)));
  },
};

async function compile(file: string, { output, stdinFilepath }: { output?: string; stdinFilepath?: string }, io: CliIo): Promise<ExitCode> {
  const flow = compilableFlow(file, io, (text) => io.err(text), stdinFilepath);
  if (isRefusal(flow)) return flow.refused;
  const code = await generateModule(flow.model, flow.cost, { sourceFile: flow.sourceFile });
  if (output === undefined) {
    io.out(code);
    return EXIT_OK;
  }
  try {
    await writeFile(path.resolve(io.cwd, output), code);
  } catch (error) {
    complain(io, `cannot write '${output}': ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}
