// `flowc check FILE...`: parse, resolve, check and price each file; report every diagnostic,
// with the policies of flowc.json and, with `--baseline`, only what is worse than a snapshot.
import path from "node:path";
import { type Command, Option } from "commander";
import type { Decimal } from "../../syntax/credits";
import { analyzeOne, failureMessage } from "../analyze";
import { type CliCommand, type CommandContext, examples } from "../command";
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, type ExitCode } from "../exit";
import type { FileHost } from "../host";
import { type CliIo, complain } from "../io";
import { INPUTS_ARGUMENT, INPUTS_HELP, creditsOption, formatOption, maxDiagnosticsOption, stdinFilepathOption, wholeNumberParser } from "../options";
import { type Inputs, expandInputs, watchedBy } from "../inputs";
import { type WatchedRun, runOrWatch } from "../watch";
import { type CheckedFile, checkJson } from "../format/json";
import { type Invocation, formatSarif } from "../format/sarif";
import { formatGithub } from "../format/github";
import { countSeverities, formatDiagnostics, formatSummary, plural } from "../format/text";
import { palette } from "../format/colors";
import { FLOWC_HOMEPAGE, FLOWC_VERSION } from "../../compiler/version";
import { type AnalyzedFile, type CheckPolicy, type PolicyOptions, prepareCheckPolicy, settleBaseline } from "../check-policy";
import { type FixOptions, type FixMode, type FixedOutcome, fixModeOf, fixOne, fixUsageProblem, settleFix } from "../check-fix";

const FORMATS = ["text", "json", "sarif", "github"] as const;
type CheckFormat = (typeof FORMATS)[number];

interface CheckOptions extends PolicyOptions, FixOptions {
  format: CheckFormat;
  denyWarnings?: boolean;
  maxWorstCase?: Decimal;
  maxExpected?: Decimal;
  quiet?: boolean;
  maxWarnings?: number;
  maxDiagnostics: number;
  stdinFilepath?: string;
  watch?: boolean;
}

export const checkCommand: CliCommand = {
  register(program: Command, context: CommandContext) {
    program
      .command("check")
      .description("Check .flow files: syntax, names, types, budget and credit-saving lints.")
      .argument(INPUTS_ARGUMENT, INPUTS_HELP)
      .addOption(formatOption(FORMATS))
      .option("--deny-warnings", "exit with status 1 when there are warnings")
      .addOption(maxDiagnosticsOption())
      .addOption(new Option("--max-warnings <n>", "exit with status 1 when there are more than n warnings").argParser(wholeNumberParser(0)))
      .option("--quiet", "report errors only (warnings still count for --deny-warnings and --max-warnings)")
      .addOption(creditsOption("--max-worst-case <credits>", "fail (FLOW307) when a flow's worst case exceeds this many credits"))
      .addOption(creditsOption("--max-expected <credits>", "fail (FLOW308) when a flow's expected spend exceeds this many credits"))
      .option("--config <file>", "the flowc.json for every file: rules and policies (default: the nearest flowc.json above each file, up to the repository's root)")
      .option("--baseline <file>", "fail only on what is worse than this snapshot: new diagnostics, figures above it (FLOW507, FLOW508)")
      .option("--write-baseline <file>", "write a snapshot of the figures and diagnostics found, for --baseline; exits 0")
      .option("--fix", "apply every preferred quick fix in place (round after round, through the formatter when the file is formatted), then report what is left")
      .option("--fix-dry-run", "write nothing: print the changes --fix would make as a unified diff")
      .addOption(stdinFilepathOption())
      .option("--watch", "check again whenever a file, one of its imports or flowc.json changes (until interrupted)")
      .addHelpText(
        "after",
        examples(
          "flowc check",
          "flowc check samples/ 'flows/**/*.flow' --quiet",
          "flowc check - --stdin-filepath flows/draft.flow < draft.flow",
          "flowc check flows/*.flow --format sarif --max-worst-case 1000 > flowc.sarif",
          "flowc check flows/*.flow --write-baseline flowc-baseline.json",
          "flowc check flows/*.flow --baseline flowc-baseline.json",
          "flowc check --fix-dry-run samples/campaign.flow",
        ),
      )
      .action(async (inputs: string[], options: CheckOptions) => context.finish(await runOrWatch(options.watch, inputs, context.io, (io) => runCheck(inputs, options, io))));
  },
};

/** One check of the inputs, and what it read (what --watch watches). */
async function runCheck(args: string[], options: CheckOptions, io: CliIo): Promise<WatchedRun> {
  const fixProblem = fixUsageProblem(options) ?? (fixModeOf(options) === "write" && args.includes("-") ? "--fix rewrites files: standard input has none (--fix-dry-run shows the diff)" : undefined);
  if (fixProblem) return { exit: failedCheck(io, options.format, [fixProblem]), watched: { files: [], folders: [] } };
  const expanded = expandInputs(args, io, { stdinFilepath: options.stdinFilepath });
  if (!expanded.ok) return { exit: failedCheck(io, options.format, [expanded.message]), watched: { files: [], folders: [] } };
  const { inputs } = expanded;
  const policy = await prepareCheckPolicy(options, io, inputs.host);
  if ("messages" in policy) return { exit: failedCheck(io, options.format, policy.messages), watched: watchedBy(inputs) };
  return { exit: await checkInputs(inputs, options, policy, io), watched: watchedBy(inputs) };
}

async function checkInputs(inputs: Inputs, options: CheckOptions, policy: CheckPolicy, io: CliIo): Promise<ExitCode> {
  const checked: AnalyzedFile[] = [];
  for (const file of inputs.files) checked.push(await checkFile(file, options, inputs.host, io, policy));
  // files under one broken flowc.json share its message: say it once
  const failures = [...inputs.problems, ...new Set(checked.filter((f) => f.status !== "checked").map((f) => f.reason ?? ""))];
  for (const reason of failures) complain(io, reason);
  const settled = await settleBaseline(policy, checked, io);
  if ("exit" in settled) return settled.exit;
  const exit = policy.writeTo !== undefined ? (failures.length > 0 ? EXIT_USAGE : EXIT_OK) : exitStatus(checked, failures, options, io);
  const shown = options.quiet ? checked.map((f) => ({ ...f, diagnostics: f.diagnostics.filter((d) => d.severity === "error") })) : checked;
  // "no problems in 0 files" beside "cannot read" would contradict it: text says nothing then
  const nothingChecked = options.format === "text" && checkedCount(checked) === 0 && failures.length > 0;
  const host = withFixedTexts(inputs.host, checked, io.cwd);
  if (!nothingChecked && !options.fixDryRun) io.out(render(shown, { ...options, io, host, invocation: { exitCode: exit, failures } }) + knownLine(settled.known, options));
  return exit;
}

/** A check that could not start (no inputs, a broken flowc.json or baseline): SARIF still says so. */
function failedCheck(io: CliIo, format: CheckFormat, messages: readonly string[]): ExitCode {
  for (const message of messages) complain(io, message);
  if (format === "sarif") io.out(formatSarif([], io.cwd, TOOL, { exitCode: EXIT_USAGE, failures: messages }));
  return EXIT_USAGE;
}

const TOOL = { version: FLOWC_VERSION, informationUri: FLOWC_HOMEPAGE };

/** In text, how many diagnostics the baseline holds and so are not shown. */
function knownLine(known: number, options: CheckOptions): string {
  if (known === 0 || options.format !== "text") return "";
  return `${known} known diagnostic${known === 1 ? "" : "s"} not shown: the baseline ${options.baseline} holds ${known === 1 ? "it" : "them"}\n`;
}

async function checkFile(file: string, options: CheckOptions, host: FileHost, io: CliIo, policy: CheckPolicy): Promise<AnalyzedFile> {
  const settings = policy.settings(file);
  if (!settings.ok) return { file, status: "unreadable", reason: settings.message, diagnostics: [] };
  const analyzeOptions = { ...settings.options, limits: { maxWorstCase: options.maxWorstCase, maxExpected: options.maxExpected } };
  const mode: FixMode | undefined = fixModeOf(options);
  const outcome: FixedOutcome = mode ? await fixOne(file, host, analyzeOptions) : analyzeOne(file, host, analyzeOptions);
  if (outcome.kind !== "analyzed") {
    return { file, status: outcome.kind, reason: failureMessage(outcome, io.env.FLOWC_DEBUG !== undefined), diagnostics: [] };
  }
  const { analysis } = outcome;
  const unwritten = mode && outcome.fixed ? await settleFix(file, outcome.fixed, mode, io) : undefined;
  if (unwritten) return { file, status: "unreadable", reason: unwritten, diagnostics: [] };
  return { file, status: "checked", diagnostics: analysis.diagnostics, flow: analysis.model?.name ?? analysis.ast.flow?.name.text, cost: analysis.cost, analysis };
}

/** The host, showing each checked file as analysed: after --fix, its fixed text. */
function withFixedTexts(host: FileHost, checked: AnalyzedFile[], cwd: string): FileHost {
  const texts = new Map(checked.flatMap((f) => (f.analysis ? [[path.resolve(cwd, f.analysis.file), f.analysis.text] as const] : [])));
  return { ...host, textOf: (file) => texts.get(path.resolve(cwd, file)) ?? host.textOf(file) };
}

interface RenderContext {
  format: CheckFormat;
  quiet?: boolean;
  maxDiagnostics: number;
  io: CliIo;
  host: FileHost;
  invocation: Invocation;
}

function render(checked: CheckedFile[], { format, quiet, maxDiagnostics, io, host, invocation }: RenderContext): string {
  const diagnostics = checked.flatMap((f) => f.diagnostics);
  switch (format) {
    case "json":
      return checkJson(checked, io.cwd);
    case "sarif":
      return formatSarif(diagnostics, io.cwd, TOOL, invocation);
    case "github":
      return formatGithub(diagnostics, io.cwd);
    case "text": {
      const context = { colors: palette(io.color), cwd: io.cwd, textOf: host.textOf };
      const files = plural(checkedCount(checked), "file");
      const summary = quiet ? `${plural(diagnostics.length, "error")} in ${files} (--quiet: warnings and hints not shown)\n` : formatSummary(countSeverities(diagnostics), checkedCount(checked), context.colors);
      return formatDiagnostics(diagnostics, context, { maxPerFile: maxDiagnostics }) + summary;
    }
  }
}

function checkedCount(checked: CheckedFile[]): number {
  return checked.filter((f) => f.status === "checked").length;
}

function exitStatus(checked: CheckedFile[], failures: readonly string[], options: CheckOptions, io: CliIo): ExitCode {
  if (failures.length > 0) return EXIT_USAGE;
  const counts = countSeverities(checked.flatMap((f) => f.diagnostics));
  const tooMany = options.maxWarnings !== undefined && counts.warning > options.maxWarnings;
  if (tooMany) complain(io, `too many warnings: ${counts.warning}, and --max-warnings allows ${options.maxWarnings}`);
  return counts.error > 0 || tooMany || (options.denyWarnings === true && counts.warning > 0) ? EXIT_PROBLEMS : EXIT_OK;
}
