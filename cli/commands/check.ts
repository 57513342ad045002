// `flowc check FILE...`: parse, resolve, check and price each file; report every diagnostic,
// with the policies of flowc.json and, with `--baseline`, only what is worse than a snapshot.
import path from "node:path";
import type { Command } from "commander";
import type { Decimal } from "../../syntax/credits";
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
      .option("--config <file>", "the flowc.json for every file: rules and policies (default: the nearest flowc.json above each file, up to the repository's root)")
      .option("--baseline <file>", "fail only on what is worse than this snapshot: new diagnostics, figures above it (FLOW507, FLOW508)")
      .option("--write-baseline <file>", "write a snapshot of the figures and diagnostics found, for --baseline; exits 0")
      .option("--fix", "apply every preferred quick fix in place (round after round, through the formatter when the file is formatted), then report what is left")
      .option("--fix-dry-run", "write nothing: print the changes --fix would make as a unified diff")
      .addHelpText(
        "after",
        examples(
          "flowc check samples/campaign.flow",
          "flowc check flows/*.flow --format sarif --max-worst-case 1000 > flowc.sarif",
          "flowc check flows/*.flow --write-baseline flowc-baseline.json",
          "flowc check flows/*.flow --baseline flowc-baseline.json",
          "flowc check --fix-dry-run samples/campaign.flow",
        ),
      )
      .action(async (files: string[], options: CheckOptions) => context.finish(await runCheck(files, options, context)));
  },
};

async function runCheck(files: string[], options: CheckOptions, { io }: CommandContext): Promise<ExitCode> {
  const fixProblem = fixUsageProblem(options);
  if (fixProblem) {
    complain(io, fixProblem);
    return EXIT_USAGE;
  }
  const host = createFileHost(io.cwd);
  const policy = prepareCheckPolicy(options, io, host);
  if (typeof policy === "number") return policy;
  const checked: AnalyzedFile[] = [];
  for (const file of distinct(files, io.cwd)) checked.push(await checkFile(file, options, host, io, policy));
  // files under one broken flowc.json share its message: say it once
  for (const reason of new Set(checked.filter((f) => f.status !== "checked").map((f) => f.reason ?? ""))) complain(io, reason);
  const settled = await settleBaseline(policy, checked, io);
  if ("exit" in settled) return settled.exit;
  if (!options.fixDryRun) io.out(render(checked, options.format, { io, host: withFixedTexts(host, checked, io.cwd) }) + knownLine(settled.known, options));
  if (policy.writeTo !== undefined) return checked.some((f) => f.status !== "checked") ? EXIT_USAGE : EXIT_OK;
  return exitStatus(checked, options.denyWarnings === true);
}

/** In text, how many diagnostics the baseline holds and so are not shown. */
function knownLine(known: number, options: CheckOptions): string {
  if (known === 0 || options.format !== "text") return "";
  return `${known} known diagnostic${known === 1 ? "" : "s"} not shown: the baseline ${options.baseline} holds ${known === 1 ? "it" : "them"}\n`;
}

/** Each file once, in the order given. */
function distinct(files: string[], cwd: string): string[] {
  const byPath = new Map<string, string>();
  for (const file of files) if (!byPath.has(path.resolve(cwd, file))) byPath.set(path.resolve(cwd, file), file);
  return [...byPath.values()];
}

async function checkFile(file: string, options: CheckOptions, host: FileHost, io: CommandContext["io"], policy: CheckPolicy): Promise<AnalyzedFile> {
  const settings = policy.settings(file);
  if (!settings.ok) return { file, status: "unreadable", reason: settings.message, diagnostics: [] };
  const analyzeOptions = { ...settings.options, limits: { maxWorstCase: options.maxWorstCase, maxExpected: options.maxExpected } };
  const mode: FixMode | undefined = fixModeOf(options);
  const outcome: FixedOutcome = mode ? fixOne(file, host, analyzeOptions) : analyzeOne(file, host, analyzeOptions);
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
