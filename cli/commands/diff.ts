// `flowc diff OLD NEW` and `flowc diff --base REF PATH...`: what a change does to credit spend,
// flow by flow and node by node, with new and fixed diagnostics (flowc.json policies included);
// Markdown made for a pull-request comment. Exit 1 when a figure grows past `--max-increase` or the
// change brings a new policy error (FLOW501–FLOW506).
import { type Command, InvalidArgumentError, Option } from "commander";
import { Decimal } from "../../syntax/credits";
import { type DiffSide, type IncreaseLimit, diffFlows, increasesPast } from "../../compiler/diff";
import { analyzeOne, failureMessage } from "../analyze";
import { type CliCommand, type CommandContext, examples } from "../command";
import { type DiffSource, type Sides, gitSides, pathSides } from "../diff-sources";
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, type ExitCode } from "../exit";
import { createFileHost } from "../host";
import { type CliIo, complain } from "../io";
import { formatOption } from "../options";
import { settingsLoader } from "../file-settings";
import { type DiffLimits, diagnosticText, diffJson, formatDiffText } from "../format/diff";
import { formatDiffMarkdown } from "../format/diff-markdown";
import { excessText, limitText } from "../format/diff-figures";

const FORMATS = ["text", "json", "markdown"] as const;

interface DiffOptions {
  format: (typeof FORMATS)[number];
  base?: string;
  onlyIfChanged?: boolean;
  maxIncrease?: IncreaseLimit;
  config?: string;
}

/** `12.5` credits or `10%` */
export function parseIncrease(text: string): IncreaseLimit {
  const match = /^(\d[\d_]*(?:\.\d+)?)(%?)$/.exec(text.trim());
  if (!match) throw new InvalidArgumentError("expected credits such as 50 or a percentage such as 10%");
  const value = new Decimal(match[1]!.replace(/_/g, ""));
  return match[2] ? { kind: "percent", percent: value } : { kind: "credits", credits: value };
}

const HELP = `
Files are matched by their path: within the two folders, or in the working tree and at REF.
Diagnostics are matched by code, declaration and message, so moving a line does not make them new.
Exit status 1 when a flow's worst case or expected spend grows by more than --max-increase (a
percentage applies to flows that existed before), or when the change brings a new policy error
(flowc.json, FLOW501-FLOW506); 2 for bad usage, an unreadable file or an unknown ref.
`;

export const diffCommand: CliCommand = {
  register(program: Command, context: CommandContext) {
    program
      .command("diff")
      .description("Compare credit spend before and after a change: per flow and node, new and fixed diagnostics.")
      .argument("[paths...]", "OLD NEW (two files or two folders; OLD may be - for the old version of the file NEW on standard input), or with --base the files, folders and quoted globs to compare")
      .addOption(formatOption(FORMATS))
      .option("--base <ref>", "compare the paths in the working tree with the same paths at this git ref")
      .option("--only-if-changed", "print nothing when nothing changed")
      .addOption(new Option("--max-increase <limit>", "fail when a flow's worst case or expected spend grows by more than this: credits (50) or percent (10%)").argParser(parseIncrease))
      .option("--config <file>", "the flowc.json whose policies apply (default: the nearest one above each file)")
      .addHelpText(
        "after",
        HELP +
          examples(
            "flowc diff --base main samples/",
            "flowc diff --base main 'samples/*.flow' --format markdown --max-increase 10%",
            "git show main:samples/campaign.flow | flowc diff - samples/campaign.flow",
            "flowc diff before/ after/ --format json",
          ),
      )
      .action((paths: string[], options: DiffOptions) => context.finish(runDiff(paths, options, context.io)));
  },
};

function usage(io: CliIo, message: string): ExitCode {
  complain(io, message);
  return EXIT_USAGE;
}

function runDiff(paths: string[], options: DiffOptions, io: CliIo): ExitCode {
  if (options.base === undefined && paths.length !== 2) return usage(io, "expected OLD and NEW (two files or two folders), or --base REF and the paths to compare");
  const sides: Sides = options.base === undefined ? pathSides(io.cwd, paths[0]!, paths[1]!, () => io.stdin()) : gitSides(io.cwd, options.base, paths.length > 0 ? paths : ["."]);
  if (!sides.ok) return usage(io, sides.message);
  const settings = settingsLoader(createFileHost(io.cwd), io.cwd, options.config);
  const before = analyzeSide(sides.before, settings, io);
  const after = analyzeSide(sides.after, settings, io);
  if (typeof before === "string" || typeof after === "string") return usage(io, typeof before === "string" ? before : (after as string));
  const report = diffFlows(before, after);
  const limits: DiffLimits = { maxIncrease: options.maxIncrease, excess: options.maxIncrease ? increasesPast(report, options.maxIncrease) : [] };
  if (report.changed || !options.onlyIfChanged) io.out(render(report, limits, options, io));
  return exitStatus(report, limits, io);
}

/** Every file of a side that declares a flow, analysed with the settings of its working-tree path. */
function analyzeSide(source: DiffSource, settingsFor: ReturnType<typeof settingsLoader>, io: CliIo): Map<string, DiffSide> | string {
  const out = new Map<string, DiffSide>();
  for (const [key, file] of source.files) {
    const settings = settingsFor(source.settingsPath.get(key) ?? file);
    if (!settings.ok) return settings.message;
    const outcome = analyzeOne(file, source.host, settings.options);
    if (outcome.kind !== "analyzed") return failureMessage(outcome, io.env.FLOWC_DEBUG !== undefined);
    const { analysis } = outcome;
    if (analysis.ast.flow) out.set(key, { file: analysis.file, ast: analysis.ast, cost: analysis.cost, diagnostics: analysis.diagnostics });
  }
  return out;
}

function render(report: ReturnType<typeof diffFlows>, limits: DiffLimits, options: DiffOptions, io: CliIo): string {
  switch (options.format) {
    case "json":
      return diffJson(report, limits, io.cwd);
    case "markdown":
      return formatDiffMarkdown(report, limits);
    case "text":
      return formatDiffText(report, limits);
  }
}

const POLICY_CODES = /^FLOW50[1-6]$/;

function exitStatus(report: ReturnType<typeof diffFlows>, limits: DiffLimits, io: CliIo): ExitCode {
  for (const e of limits.excess) complain(io, `${excessText(e)}: past --max-increase ${limitText(limits.maxIncrease!)}`);
  const policy = report.flows.flatMap((f) => f.newDiagnostics).filter((c) => POLICY_CODES.test(c.diagnostic.code) && c.diagnostic.severity === "error");
  for (const c of policy) complain(io, `new policy error: ${diagnosticText(c)}`);
  return limits.excess.length > 0 || policy.length > 0 ? EXIT_PROBLEMS : EXIT_OK;
}
