// `flowc compile FILE [-o OUT]`: the flow as a typed module (see compiler/codegen.ts) on stdout, or
// in a file: TypeScript for `OUT.ts`/`OUT.mts`, ESM JavaScript plus its declarations beside it for
// `OUT.js` (`OUT.d.ts`) or `OUT.mjs` (`OUT.d.mts`), as tsc names them. A flow with errors is not
// compiled: its diagnostics go to stderr. Missing folders of OUT are made, as tsc makes outDir.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { type CliCommand, type CommandContext, examples } from "../command";
import { EXIT_OK, EXIT_USAGE, type ExitCode } from "../exit";
import { type CliIo, complain } from "../io";
import { compilableFlow, isRefusal } from "../compile-flow";
import { emitJavaScript, generateModule } from "../../compiler/codegen";
import { stdinFilepathOption } from "../options";

/** Output extension → the declaration file's (JavaScript), or undefined (TypeScript). */
const OUTPUTS: Record<string, string | undefined> = { ".ts": undefined, ".mts": undefined, ".js": ".d.ts", ".mjs": ".d.mts" };

export const compileCommand: CliCommand = {
  register(program: Command, context: CommandContext) {
    program
      .command("compile")
      .description("Compile a flow to a typed module: inputs, outputs, the node graph, its figures, run() and resume().")
      .argument("<file>", "the .flow file to compile, or - for standard input")
      .option("-o, --output <file>", "write the module to this file: OUT.ts (TypeScript), or OUT.js (JavaScript, with OUT.d.ts beside it)")
      .addOption(stdinFilepathOption())
      .addHelpText(
        "after",
        "\nThe module imports the runtime from `flowc/runtime`; `flowc run FILE` runs the same module in memory.\n" +
          "Without -o the TypeScript goes to standard output.\n" +
          examples("flowc compile samples/campaign.flow -o campaign.ts", "flowc compile samples/campaign.flow -o flows/campaign.js", "flowc compile samples/campaign.flow | less"),
      )
      .action(async (file: string, options: { output?: string; stdinFilepath?: string }) => context.finish(await compile(file, options, context.io)));
  },
};

async function compile(file: string, { output, stdinFilepath }: { output?: string; stdinFilepath?: string }, io: CliIo): Promise<ExitCode> {
  const extension = output === undefined ? ".ts" : path.extname(output).toLowerCase();
  if (!(extension in OUTPUTS)) {
    complain(io, `-o ${output}: expected a .ts, .mts, .js or .mjs file`);
    return EXIT_USAGE;
  }
  const flow = compilableFlow(file, io, (text) => io.err(text), stdinFilepath);
  if (isRefusal(flow)) return flow.refused;
  const code = await generateModule(flow.model, flow.cost, { sourceFile: flow.sourceFile });
  if (output === undefined) {
    io.out(code);
    return EXIT_OK;
  }
  const target = path.resolve(io.cwd, output);
  const declarationExtension = OUTPUTS[extension];
  if (declarationExtension === undefined) return write(io, [[target, code]]);
  const { javascript, declarations } = await emitJavaScript(code);
  return write(io, [
    [target, javascript],
    [target.slice(0, -extension.length) + declarationExtension, declarations],
  ]);
}

async function write(io: CliIo, files: [string, string][]): Promise<ExitCode> {
  for (const [file, text] of files) {
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
    } catch (error) {
      complain(io, `cannot write '${path.relative(io.cwd, file) || file}': ${error instanceof Error ? error.message : String(error)}`);
      return EXIT_USAGE;
    }
  }
  return EXIT_OK;
}
