// `flowc check FILE...`: parse, resolve, check and price each file; report every diagnostic.
import path from "node:path";
import type { Command } from "commander";
import { type Diagnostic, sortDiagnostics } from "../../compiler/diagnostics";
import type { Decimal } from "../../compiler/credits";
import type { FileAnalysis } from "../../compiler/index";
import { limitDiagnostics } from "../../compiler/budget-checks";
import { analyzeOne, failureMessage } from "../analyze";
import { type CliCommand, type CommandContext, examples } from "../command";
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, type ExitCode } from "../exit";
import { createFileHost, type FileHost } from "../host";
import { complain } from "../io";
import { creditsOption, formatOption } from "../options";
import { type CheckedFile, checkJson } from "../format/json";
import { formatSarif } from "../format/sarif";
import { formatGithub } from "../format/github";
import { countSeverities, formatDiagnostics, formatSummary } from "../format/text";
import { palette } from "../format/colors";
import { FLOWC_HOMEPAGE, FLOWC_VERSION } from "../version";

const FORMATS = ["text", "json", "sarif", "github"] as const;
type CheckFormat = (typeof FORMATS)[number];

interface CheckOptions {
  format: CheckFormat;
  denyWarnings?: boolean;
  maxWorstCase?: Decimal;
  maxExpected?: Decimal;
}

export const checkCommand: CliCommand = {
  register(program: Command, context: CommandContext) {
    program
      .command("check")
      .description("Check .flow files: syntax, names, types, budget and credit-saving lints.")
      .argument("<files...>", ".flow files to check")
      .addOption(formatOption(FORMATS))
      .option("--deny-warnings", "exit with status 1 when there are warnings")
      .addOption(creditsOption("--max-worst-case <credits>", "fail (FLOW307) when a flow's worst case exceeds this many credits"))
      .addOption(creditsOption("--max-expected <credits>", "fail (FLOW308) when a flow's expected spend exceeds this many credits"))
      .addHelpText("after", examples("flowc check samples/campaign.flow", "flowc check flows/*.flow --format sarif --max-worst-case 1000 > flowc.sarif"))
      .action((files: string[], options: CheckOptions) => context.finish(runCheck(files, options, context)));
  },
};

function runCheck(files: string[], options: CheckOptions, { io }: CommandContext): ExitCode {
  const host = createFileHost(io.cwd);
  const checked = distinct(files, io.cwd).map((file) => checkFile(file, options, host, io.env.FLOWC_DEBUG !== undefined));
  for (const f of checked) if (f.status !== "checked") complain(io, f.reason ?? "");
  io.out(render(checked, options.format, { io, host }));
  return exitStatus(checked, options.denyWarnings === true);
}

/** Each file once, in the order given. */
function distinct(files: string[], cwd: string): string[] {
  const byPath = new Map<string, string>();
  for (const file of files) if (!byPath.has(path.resolve(cwd, file))) byPath.set(path.resolve(cwd, file), file);
  return [...byPath.values()];
}

function checkFile(file: string, options: CheckOptions, host: FileHost, debug: boolean): CheckedFile {
  const outcome = analyzeOne(file, host);
  if (outcome.kind !== "analyzed") {
    return { file, status: outcome.kind, reason: failureMessage(outcome, debug), diagnostics: [] };
  }
  const { analysis } = outcome;
  const diagnostics = sortDiagnostics([...analysis.diagnostics, ...limits(analysis, options)]);
  return { file, status: "checked", diagnostics, flow: analysis.model?.name ?? analysis.ast.flow?.name.text, cost: analysis.cost };
}

/** FLOW307/FLOW308 for `--max-worst-case` and `--max-expected`. */
function limits(analysis: FileAnalysis, options: CheckOptions): Diagnostic[] {
  const flow = analysis.ast.flow;
  if (!analysis.cost || !flow || (options.maxWorstCase === undefined && options.maxExpected === undefined)) return [];
  const found = limitDiagnostics(analysis.cost, { maxWorstCase: options.maxWorstCase, maxExpected: options.maxExpected }, flow.name.range);
  return found.map((d) => ({ ...d, file: d.file ?? analysis.file }));
}

function render(checked: CheckedFile[], format: CheckFormat, { io, host }: { io: CommandContext["io"]; host: FileHost }): string {
  const diagnostics = checked.flatMap((f) => f.diagnostics);
  switch (format) {
    case "json":
      return checkJson(checked, io.cwd);
    case "sarif":
      return formatSarif(diagnostics, io.cwd, { version: FLOWC_VERSION, informationUri: FLOWC_HOMEPAGE });
    case "github":
      return formatGithub(diagnostics, io.cwd);
    case "text": {
      const context = { colors: palette(io.color), cwd: io.cwd, textOf: host.textOf };
      return formatDiagnostics(diagnostics, context) + formatSummary(countSeverities(diagnostics), checkedCount(checked), context.colors);
    }
  }
}

function checkedCount(checked: CheckedFile[]): number {
  return checked.filter((f) => f.status === "checked").length;
}

function exitStatus(checked: CheckedFile[], denyWarnings: boolean): ExitCode {
  if (checked.some((f) => f.status !== "checked")) return EXIT_USAGE;
  const counts = countSeverities(checked.flatMap((f) => f.diagnostics));
  return counts.error > 0 || (denyWarnings && counts.warning > 0) ? EXIT_PROBLEMS : EXIT_OK;
}
