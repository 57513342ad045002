// `flowc cost FILE`: the flow's worst-case and expected spend, node by node, with the budget
// diagnostics; `--explain` prints the witness, `--warm` counts cached nodes as hits; `--simulate N`
// shows how spend is distributed over N simulated runs instead.
import { type Command, Option } from "commander";
import { type Diagnostic, hasErrors } from "../../syntax/diagnostics";
import type { FileAnalysis } from "../../compiler/index";
import type { CostReport } from "../../compiler/cost-report";
import { type InputMode, simulateSpend } from "../../compiler/simulate";
import { analyzeOne, failureMessage } from "../analyze";
import { type CliCommand, type CommandContext, examples } from "../command";
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, type ExitCode } from "../exit";
import { createFileHost } from "../host";
import { configLoader } from "../config-lookup";
import { type CliIo, complain } from "../io";
import { formatOption, maxDiagnosticsOption, wholeNumberParser } from "../options";
import { palette } from "../format/colors";
import { checkJson, costJson } from "../format/json";
import { formatCostText } from "../format/cost-text";
import { formatCostMarkdown } from "../format/cost-markdown";
import { explainWitness } from "../format/explain";
import { formatSimulationMarkdown, formatSimulationText, simulationJson } from "../format/simulate";
import { type TextContext, countSeverities, formatDiagnostics, formatSummary } from "../format/text";

const FORMATS = ["text", "json", "markdown"] as const;
type CostFormat = (typeof FORMATS)[number];

interface CostOptions {
  format: CostFormat;
  warm?: boolean;
  explain?: boolean;
  simulate?: number;
  seed?: number;
  inputs?: InputMode;
  config?: string;
  maxDiagnostics: number;
}

/** More runs than this take minutes and tell nothing more. */
const MAX_SIMULATED_RUNS = 10_000_000;

/** The diagnostics `flowc cost` shows with its figures: the budget's (FLOW301–FLOW306). */
const BUDGET_CODES = new Set(["FLOW301", "FLOW302", "FLOW303", "FLOW304", "FLOW305", "FLOW306"]);

export const costCommand: CliCommand = {
  register(program: Command, context: CommandContext) {
    program
      .command("cost")
      .description("Price a flow: exact worst-case and expected credits per node, against its budget.")
      .argument("<file>", "the .flow file to price")
      .addOption(formatOption(FORMATS))
      .option("--warm", "count cached nodes as cache hits (a re-run within their TTL)")
      .option("--explain", "show the witness: one run that spends exactly the worst case, and why")
      .addOption(maxDiagnosticsOption())
      .option("--config <file>", "the flowc.json to use (default: the nearest flowc.json above the file, up to the repository's root)")
      .addOption(new Option("--simulate <runs>", "simulate this many runs: percentiles of spend, runs past the cap and alert, a histogram").argParser(wholeNumberParser(1, MAX_SIMULATED_RUNS)))
      .addOption(new Option("--seed <n>", "seed of --simulate (default 1): the same seed gives the same runs").argParser(wholeNumberParser(0, 2 ** 32 - 1)))
      .addOption(new Option("--inputs <mode>", "input counts in --simulate: each input's `expect` (default), or uniform from its minimum to its maximum").choices(["expect", "uniform"]))
      .addHelpText(
        "after",
        examples(
          "flowc cost samples/campaign.flow",
          "flowc cost samples/campaign.flow --warm --explain",
          "flowc cost samples/campaign.flow --format markdown >> \"$GITHUB_STEP_SUMMARY\"",
          "flowc cost samples/campaign.flow --simulate 100000 --seed 7",
        ),
      )
      .action((file: string, options: CostOptions) => context.finish(runCost(file, options, context.io)));
  },
};

function runCost(file: string, options: CostOptions, io: CliIo): ExitCode {
  const misuse = simulateMisuse(options);
  if (misuse) {
    complain(io, misuse);
    return EXIT_USAGE;
  }
  const host = createFileHost(io.cwd);
  const settings = configLoader(host, io.cwd, options.config)(file);
  if (!settings.ok) {
    complain(io, settings.message);
    return EXIT_USAGE;
  }
  const outcome = analyzeOne(file, host, { warm: options.warm === true, config: settings.config });
  if (outcome.kind !== "analyzed") {
    complain(io, failureMessage(outcome, io.env.FLOWC_DEBUG !== undefined));
    return EXIT_USAGE;
  }
  const { analysis } = outcome;
  const textContext: TextContext = { colors: palette(io.color), cwd: io.cwd, textOf: host.textOf };
  if (!analysis.cost) return reportUnpriced(analysis, options, io, textContext);
  io.out(options.simulate === undefined ? renderCost(analysis, analysis.cost, options, io, textContext) : renderSimulation(analysis, analysis.cost, options, io));
  return hasErrors(analysis.diagnostics) ? EXIT_PROBLEMS : EXIT_OK;
}

/** A flow with errors (or no flow at all) has no figures: show why, exit 1. */
function reportUnpriced(analysis: FileAnalysis, { format, maxDiagnostics }: CostOptions, io: CliIo, context: TextContext): ExitCode {
  const { diagnostics } = analysis;
  if (format === "json") {
    io.out(checkJson([{ file: analysis.file, status: "checked", diagnostics }], io.cwd));
  } else {
    const text = formatDiagnostics(diagnostics, context, { maxPerFile: maxDiagnostics }) + formatSummary(countSeverities(diagnostics), 1, context.colors);
    io.out(format === "markdown" ? "```text\n" + text + "```\n" : text);
  }
  if (!hasErrors(diagnostics)) complain(io, `${analysis.file} declares no flow: nothing to price`);
  return EXIT_PROBLEMS;
}

function renderCost(
  analysis: FileAnalysis,
  report: CostReport,
  options: CostOptions,
  io: CliIo,
  textContext: TextContext,
): string {
  const budget: Diagnostic[] = analysis.diagnostics.filter((d) => BUDGET_CODES.has(d.code));
  switch (options.format) {
    case "json": {
      const explanation = options.explain ? explainWitness(report, analysis.model, backticked).reasons : undefined;
      return costJson({ file: analysis.file, report, diagnostics: budget, explanation }, io.cwd);
    }
    case "markdown":
      return formatCostMarkdown(report, budget, options.explain ? explainWitness(report, analysis.model, backticked) : undefined);
    case "text":
      return formatCostText(report, budget, textContext, options.explain ? explainWitness(report, analysis.model, backticked) : undefined);
  }
}

/** Options of --simulate given without it, or with --explain. */
function simulateMisuse(options: CostOptions): string | undefined {
  if (options.simulate === undefined && (options.seed !== undefined || options.inputs !== undefined)) {
    return `${options.seed !== undefined ? "--seed" : "--inputs"} applies to --simulate N only`;
  }
  if (options.simulate !== undefined && options.explain) return "--explain shows the worst-case run, --simulate the spread of many: ask for one at a time";
  return undefined;
}

function renderSimulation(analysis: FileAnalysis, report: CostReport, options: CostOptions, io: CliIo): string {
  const simulation = simulateSpend(analysis.model!, report, {
    runs: options.simulate!,
    seed: options.seed ?? 1,
    inputs: options.inputs ?? "expect",
    warm: options.warm === true,
  });
  if (options.format === "json") return simulationJson(analysis.file, simulation, io.cwd);
  return options.format === "markdown" ? formatSimulationMarkdown(simulation) : formatSimulationText(simulation);
}

const backticked = (name: string) => `\`${name}\``;
