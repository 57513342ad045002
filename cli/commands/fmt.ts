// `flowc fmt FILE... [--check]`: rewrite `.flow` files in their canonical form (compiler/format),
// each written atomically; with `--check`, write nothing and list the files that would change.
// `flowc fmt -` formats standard input to standard output, for editors. The formatter is called
// directly: Prettier is not loaded (the Prettier plugin is for projects that run Prettier).
import { readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import type { Diagnostic } from "../../syntax/diagnostics";
import { formatFlow } from "../../compiler/format/index";
import { writeFileAtomic } from "../../runtime/fsutil";
import { type CliCommand, type CommandContext, examples } from "../command";
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, type ExitCode, worstExit } from "../exit";
import { createFileHost, type FileHost, type SourceRead } from "../host";
import { type CliIo, complain } from "../io";
import { palette } from "../format/colors";
import { displayPath } from "../format/paths";
import { formatDiagnostics, plural } from "../format/text";

const STDIN = "-";
const STDIN_NAME = "<stdin>";

interface FmtOptions {
  check?: boolean;
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
      .argument("<files...>", `.flow files to format, or ${STDIN} to format standard input to standard output`)
      .option("--check", "write nothing; list the files that are not formatted and exit with status 1 if there are any")
      .addHelpText("after", examples("flowc fmt samples/*.flow", "flowc fmt --check flows/*.flow", "flowc fmt - < draft.flow"))
      .action(async (files: string[], options: FmtOptions) => context.finish(await runFmt(files, options, context.io)));
  },
};

async function runFmt(files: string[], options: FmtOptions, io: CliIo): Promise<ExitCode> {
  if (files.includes(STDIN)) {
    if (files.length > 1) {
      complain(io, `'${STDIN}' (standard input) cannot be formatted together with files`);
      return EXIT_USAGE;
    }
    return formatStdin(options, io);
  }
  const host = createFileHost(io.cwd);
  const statuses: ExitCode[] = [];
  const unformatted: string[] = [];
  for (const file of distinct(files, io.cwd)) {
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

/** Each file once, in the order given. */
function distinct(files: string[], cwd: string): string[] {
  const byPath = new Map<string, string>();
  for (const file of files) if (!byPath.has(path.resolve(cwd, file))) byPath.set(path.resolve(cwd, file), file);
  return [...byPath.values()];
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

function formatStdin(options: FmtOptions, io: CliIo): ExitCode {
  const input = readStdin();
  if (!input.ok) {
    complain(io, `cannot read standard input: ${input.reason}`);
    return EXIT_USAGE;
  }
  const { text } = input;
  const outcome = formatText(STDIN_NAME, text, io);
  const status = report(STDIN_NAME, outcome, io, (file) => (file === STDIN_NAME ? text : undefined));
  if (outcome.kind !== "formatted") return status;
  if (!options.check) io.out(outcome.text);
  else if (outcome.changed) {
    io.out(`${STDIN_NAME}\n`);
    return EXIT_PROBLEMS;
  }
  return EXIT_OK;
}

function readStdin(): SourceRead {
  let bytes: Buffer;
  try {
    bytes = readFileSync(0);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, reason: "it is not valid UTF-8 text" };
  }
}
