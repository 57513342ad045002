// `flowc fmt FILE... [--check]`: rewrite `.flow` files in their canonical form (compiler/format),
// each written atomically; with `--check`, write nothing and list the files that would change.
// `flowc fmt -` formats standard input to standard output, for editors. The formatter is called
// directly: Prettier is not loaded (the Prettier plugin is for projects that run Prettier).
import { realpathSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import type { Diagnostic } from "../../syntax/diagnostics";
import { formatFlow } from "../../compiler/format/index";
import { writeFileAtomic } from "../../runtime/fsutil";
import { type CliCommand, type CommandContext, examples } from "../command";
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, type ExitCode, worstExit } from "../exit";
import type { FileHost } from "../host";
import { type CliIo, complain } from "../io";
import { STDIN, STDIN_NAME, expandInputs } from "../inputs";
import { INPUTS_ARGUMENT, INPUTS_HELP, stdinFilepathOption } from "../options";
import { palette } from "../format/colors";
import { displayPath } from "../format/paths";
import { formatDiagnostics, plural } from "../format/text";

interface FmtOptions {
  check?: boolean;
  stdinFilepath?: string;
}

/** What became of one file. */
type Outcome =
  | { kind: "formatted"; changed: boolean; text: string }
  | { kind: "syntax-errors"; diagnostics: Diagnostic[] }
  | { kind: "failed"; reason: string };

export const fmtCommand: CliCommand = {
  register(program: Command, context: CommandContext) {
    program
      .command("fmt")
      .description("Format .flow files in place: canonical indentation and spacing, every comment kept.")
      .argument(INPUTS_ARGUMENT, `${INPUTS_HELP}; - formats standard input to standard output`)
      .option("--check", "write nothing; list the files that are not formatted and exit with status 1 if there are any")
      .addOption(stdinFilepathOption())
      .addHelpText("after", examples("flowc fmt", "flowc fmt samples/", "flowc fmt --check 'flows/**/*.flow'", "flowc fmt - < draft.flow"))
      .action(async (files: string[], options: FmtOptions) => context.finish(await runFmt(files, options, context.io)));
  },
};

async function runFmt(args: string[], options: FmtOptions, io: CliIo): Promise<ExitCode> {
  if (args.includes(STDIN) && args.length > 1) {
    complain(io, `'${STDIN}' (standard input) cannot be formatted together with files`);
    return EXIT_USAGE;
  }
  const expanded = expandInputs(args, io, { stdinFilepath: options.stdinFilepath });
  if (!expanded.ok) {
    complain(io, expanded.message);
    return EXIT_USAGE;
  }
  const { inputs } = expanded;
  if (inputs.stdin) return formatStdin(inputs.files[0]!, inputs.host, options, io);
  const { host } = inputs;
  const statuses: ExitCode[] = inputs.problems.map((problem) => (complain(io, problem), EXIT_USAGE));
  const unformatted: string[] = [];
  for (const file of inputs.files) {
    const outcome = await formatFile(file, options, host, io);
    statuses.push(report(file, outcome, io, host.textOf));
    if (outcome.kind === "formatted" && outcome.changed) unformatted.push(file);
  }
  if (options.check && unformatted.length > 0) {
    for (const file of unformatted) io.out(`${displayPath(file, io.cwd)}\n`);
    complain(io, `${plural(unformatted.length, "file")} not formatted: run flowc fmt to format ${unformatted.length === 1 ? "it" : "them"}`);
    statuses.push(EXIT_PROBLEMS);
  }
  return worstExit(statuses);
}

async function formatFile(file: string, options: FmtOptions, host: FileHost, io: CliIo): Promise<Outcome> {
  const source = host.read(file);
  if (!source.ok) return { kind: "failed", reason: `cannot read '${file}': ${source.reason}` };
  const outcome = formatText(file, source.text, io);
  if (outcome.kind !== "formatted" || !outcome.changed || options.check) return outcome;
  try {
    // Through a symbolic link, the file it points to is rewritten, not the link.
    await writeFileAtomic(realpathSync(path.resolve(io.cwd, file)), outcome.text);
    return outcome;
  } catch (error) {
    return { kind: "failed", reason: `cannot write '${file}': ${error instanceof Error ? error.message : String(error)}` };
  }
}

function formatText(file: string, text: string, io: CliIo): Outcome {
  try {
    const result = formatFlow(text);
    if (result.diagnostics.length > 0) return { kind: "syntax-errors", diagnostics: result.diagnostics.map((d) => ({ ...d, file })) };
    return { kind: "formatted", changed: result.text !== text, text: result.text };
  } catch (error) {
    const detail = io.env.FLOWC_DEBUG && error instanceof Error ? error.stack : error instanceof Error ? error.message : String(error);
    return { kind: "failed", reason: `internal error while formatting ${file}: ${detail}` };
  }
}

/** Syntax errors the way `flowc check` prints them, on standard error; failures as one line. */
function report(file: string, outcome: Outcome, io: CliIo, textOf: (file: string) => string | undefined): ExitCode {
  if (outcome.kind === "failed") {
    complain(io, outcome.reason);
    return EXIT_USAGE;
  }
  if (outcome.kind === "syntax-errors") {
    io.err(formatDiagnostics(outcome.diagnostics, { colors: palette(false), cwd: io.cwd, textOf }));
    complain(io, `${file} has syntax errors: it is left as it is`);
    return EXIT_PROBLEMS;
  }
  return EXIT_OK;
}

/** Standard input to standard output; `--check` lists it (as `<stdin>` or its --stdin-filepath) if it is not formatted. */
function formatStdin(name: string, host: FileHost, options: FmtOptions, io: CliIo): ExitCode {
  const input = host.read(name);
  if (!input.ok) {
    complain(io, `cannot read standard input: ${input.reason}`);
    return EXIT_USAGE;
  }
  const { text } = input;
  const outcome = formatText(name, text, io);
  const status = report(name, outcome, io, host.textOf);
  if (outcome.kind !== "formatted") return status;
  if (!options.check) io.out(outcome.text);
  else if (outcome.changed) {
    io.out(`${name === STDIN_NAME ? name : displayPath(name, io.cwd)}\n`);
    return EXIT_PROBLEMS;
  }
  return EXIT_OK;
}
