// The `flowc` program: global options, every command from cli/commands/, and one policy for usage
// errors — a one-line `flowc: …` on stderr and exit 2, never a stack trace.
import { Command, CommanderError } from "commander";
import { COMMANDS } from "./commands/index";
import { EXIT_OK, EXIT_USAGE, type ExitCode } from "./exit";
import type { CliIo } from "./io";
import { examples } from "./command";
import { FLOWC_VERSION } from "../compiler/version";

export function createProgram(io: CliIo, finish: (code: ExitCode) => void): Command {
  const program = new Command("flowc")
    .description("Check .flow generation pipelines and price them in credits: exact worst-case and expected spend.")
    .version(FLOWC_VERSION, "-V, --version", "print the version of flowc")
    .helpOption("-h, --help", "show help for a command")
    .helpCommand("help [command]", "show help for a command")
    .addHelpText("after", examples("flowc check samples/*.flow", "flowc cost samples/campaign.flow --explain"))
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: io.out,
      writeErr: io.err,
      outputError: (message, write) => write(usageLine(message)),
      getOutHasColors: () => io.color,
      getErrHasColors: () => false,
    });
  for (const command of COMMANDS) command.register(program, { io, finish });
  return program;
}

/** Commander's `error: unknown option '--x'\n(Did you mean --y?)` as one `flowc: ` line. */
function usageLine(message: string): string {
  const text = message.replace(/^error: /, "").split("\n").map((l) => l.trim()).filter(Boolean).join(" ");
  return `flowc: ${text}\n`;
}

/** Run flowc on arguments (without `node` and the script); resolves to the exit status. */
export async function runCli(args: readonly string[], io: CliIo): Promise<ExitCode> {
  let status: ExitCode = EXIT_OK;
  const program = createProgram(io, (code) => (status = code));
  try {
    await program.parseAsync([...args], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    throw error;
  }
  return status;
}
