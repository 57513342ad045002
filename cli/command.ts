// What a command file under cli/commands/ provides: it adds itself to the program. Its action
// returns the exit status; it writes only through `io`. A command that needs typescript, ts-morph
// or prettier loads them with `await import()` inside its action, so other commands start fast.
import type { Command } from "commander";
import type { CliIo } from "./io";
import type { ExitCode } from "./exit";

export interface CommandContext {
  io: CliIo;
  /** record the command's exit status */
  finish(code: ExitCode): void;
}

export interface CliCommand {
  register(program: Command, context: CommandContext): void;
}

/** The help text after a command's options: its examples. */
export function examples(...lines: string[]): string {
  return `\nExample${lines.length > 1 ? "s" : ""}:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;
}
