// `flowc cost FILE`: the flow's worst-case and expected spend, node by node, with the budget
// diagnostics; `--explain` prints the witness, `--warm` counts cached nodes as hits; `--simulate N`
// shows how spend is distributed over N simulated runs instead.
import { type Command, Option } from "commander";
import { formatExact as worstText, sum } from "../../syntax/credits";
import { type Diagnostic, hasErrors } from "../../syntax/diagnostics";
import type { FileAnalysis } from "../../compiler/index";
import type { CostReport } from "../../compiler/cost-report";
import { type InputMode, simulateSpend } from "../../compiler/simulate";
import { analyzeOne, failureMessage } from "../analyze";
import { type CliCommand, type CommandContext, examples } from "../command";
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, type ExitCode } from "../exit";
import type { FileHost } from "../host";
import { configLoader } from "../config-lookup";
import { type CliIo, complain } from "../io";
import { INPUTS_ARGUMENT, INPUTS_HELP, formatOption, maxDiagnosticsOption, stdinFilepathOption, wholeNumberParser } from "../options";
import { type Inputs, expandInputs, watchedBy } from "../inputs";
import { type WatchedRun, runOrWatch } from "../watch";
import { palette } from "../format/colors";
import { type CheckedFile, type CostJsonInput, checkJson, costJson, costsJson } from "../format/json";
import { credits, expectedText } from "../format/cost-figures";
import { cell } from "../format/cost-markdown";
import { renderTable } from "../format/table";
import { displayPath } from "../format/paths";
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
  stdinFilepath?: string;
  watch?: boolean;
}

/** More runs than this take minutes and tell nothing more. */
const MAX_SIMULATED_RUNS = 10_000_000;

/** The diagnostics `flowc cost` shows with its figures: the budget's (FLOW301–FLOW306). */
const BUDGET_CODES = new Set(["FLOW301", "FLOW302", "FLOW303", "FLOW304", "FLOW305", "FLOW306"]);

export const costCommand: CliCommand = {
  register(program: Command, context: CommandContext) {
    program
      .command("cost")
      .description("Price flows: exact worst-case and expected credits per node, against each budget, and their total.")
      .argument(INPUTS_ARGUMENT, INPUTS_HELP)
      .addOption(formatOption(FORMATS))
      .option("--warm", "count cached nodes as cache hits (a re-run within their TTL)")
      .option("--explain", "show the witness: one run that spends exactly the worst case, and why")
      .addOption(maxDiagnosticsOption())
      .option("--config <file>", "the flowc.json to use (default: the nearest flowc.json above the file, up to the repository's root)")
      .addOption(new Option("--simulate <runs>", "simulate this many runs: percentiles of spend, runs past the cap and alert, a histogram").argParser(wholeNumberParser(1, MAX_SIMULATED_RUNS)))
      .addOption(new Option("--seed <n>", "seed of --simulate (default 1): the same seed gives the same runs").argParser(wholeNumberParser(0, 2 ** 32 - 1)))
      .addOption(new Option("--inputs <mode>", "input counts in --simulate: each input's `expect` (default), or uniform from its minimum to its maximum").choices(["expect", "uniform"]))
      .addOption(stdinFilepathOption())
      .option("--watch", "price again whenever a file, one of its imports or flowc.json changes (until interrupted)")
      .addHelpText(
        "after",
        examples(
          "flowc cost samples/campaign.flow",
          "flowc cost 'flows/**/*.flow' --format markdown",
          "flowc cost samples/campaign.flow --warm --explain",
          "flowc cost samples/campaign.flow --format markdown >> \"$GITHUB_STEP_SUMMARY\"",
          "flowc cost samples/campaign.flow --simulate 100000 --seed 7",
        ),
      )
      .action(async (inputs: string[], options: CostOptions) => context.finish(await runOrWatch(options.watch, inputs, context.io, async (io) => runCost(inputs, options, io))));
  },
};

const NOTHING_WATCHED = { files: [], folders: [] };

function runCost(args: string[], options: CostOptions, io: CliIo): WatchedRun {
  const misuse = simulateMisuse(options);
  if (misuse) return { exit: usage(io, misuse), watched: NOTHING_WATCHED };
  const expanded = expandInputs(args, io, { stdinFilepath: options.stdinFilepath });
  if (!expanded.ok) return { exit: usage(io, expanded.message), watched: NOTHING_WATCHED };
  const { inputs } = expanded;
  for (const problem of inputs.problems) complain(io, problem);
  const exit = costInputs(inputs, options, io);
  // after the run: what it read, imports and flowc.json included
  return { exit, watched: watchedBy(inputs) };
}

function costInputs(inputs: Inputs, options: CostOptions, io: CliIo): ExitCode {
  if (inputs.files.length === 1 && inputs.problems.length === 0) return costOne(inputs.files[0]!, inputs.host, options, io);
  if (options.simulate !== undefined) return usage(io, "--simulate prices one flow: name one file");
  const exit = costMany(inputs.files, inputs.host, options, io);
  return inputs.problems.length > 0 ? EXIT_USAGE : exit;
}

function usage(io: CliIo, message: string): ExitCode {
  complain(io, message);
  return EXIT_USAGE;
}

type Priced = { kind: "priced"; analysis: FileAnalysis; report: CostReport } | { kind: "unpriced"; analysis: FileAnalysis } | { kind: "failed"; file: string; message: string };

function priceFile(file: string, host: FileHost, options: CostOptions, io: CliIo): Priced {
  const settings = configLoader(host, io.cwd, options.config)(file);
  if (!settings.ok) return { kind: "failed", file, message: settings.message };
  const outcome = analyzeOne(file, host, { warm: options.warm === true, config: settings.config });
  if (outcome.kind !== "analyzed") return { kind: "failed", file, message: failureMessage(outcome, io.env.FLOWC_DEBUG !== undefined) };
  const { analysis } = outcome;
  return analysis.cost ? { kind: "priced", analysis, report: analysis.cost } : { kind: "unpriced", analysis };
}

function costOne(file: string, host: FileHost, options: CostOptions, io: CliIo): ExitCode {
  const priced = priceFile(file, host, options, io);
  if (priced.kind === "failed") return usage(io, priced.message);
  const textContext: TextContext = { colors: palette(io.color), cwd: io.cwd, textOf: host.textOf };
  if (priced.kind === "unpriced") return reportUnpriced(priced.analysis, options, io, textContext);
  const { analysis, report } = priced;
  io.out(options.simulate === undefined ? renderCost(analysis, report, options, io, textContext) : renderSimulation(analysis, report, options, io));
  return hasErrors(analysis.diagnostics) ? EXIT_PROBLEMS : EXIT_OK;
}

/** Several flows: one table each, in the order given, then their total. */
function costMany(files: readonly string[], host: FileHost, options: CostOptions, io: CliIo): ExitCode {
  const results = files.map((file) => priceFile(file, host, options, io));
  const failed = results.filter((r) => r.kind === "failed");
  for (const f of failed) complain(io, f.message);
  const priced = results.filter((r) => r.kind === "priced");
  const unpriced = results.filter((r) => r.kind === "unpriced");
  const textContext: TextContext = { colors: palette(io.color), cwd: io.cwd, textOf: host.textOf };
  if (options.format === "json") {
    const unpricedFiles: CheckedFile[] = [...unpriced.map((u) => ({ file: u.analysis.file, status: "checked" as const, diagnostics: u.analysis.diagnostics }))];
    io.out(costsJson(priced.map((p) => costInput(p.analysis, p.report, options)), unpricedFiles, io.cwd));
  } else {
    const sections = results.flatMap((r) => (r.kind === "failed" ? [] : [section(r, options, io, textContext)]));
    io.out(sections.join("\n") + "\n" + totalText(priced.map((p) => ({ file: displayPath(p.analysis.file, io.cwd), report: p.report })), unpriced.length, options.format));
  }
  if (failed.length > 0) return EXIT_USAGE;
  return results.some((r) => r.kind !== "failed" && hasErrors(r.analysis.diagnostics)) || unpriced.length > 0 ? EXIT_PROBLEMS : EXIT_OK;
}

function section(result: Exclude<Priced, { kind: "failed" }>, options: CostOptions, io: CliIo, textContext: TextContext): string {
  const title = displayPath(result.analysis.file, io.cwd);
  const heading = options.format === "markdown" ? `## ${title}\n\n` : `${textContext.colors.bold(title)}\n`;
  if (result.kind === "priced") return heading + renderCost(result.analysis, result.report, options, io, textContext);
  const { diagnostics } = result.analysis;
  const text = formatDiagnostics(diagnostics, textContext, { maxPerFile: options.maxDiagnostics }) + formatSummary(countSeverities(diagnostics), 1, textContext.colors);
  const why = hasErrors(diagnostics) ? "" : "declares no flow: nothing to price\n";
  return heading + why + (options.format === "markdown" ? "```text\n" + text + "```\n" : text);
}

const TOTAL_COLUMNS = [
  { title: "flow", align: "left" },
  { title: "file", align: "left" },
  { title: "worst", align: "right" },
  { title: "expected", align: "right" },
] as const;

/** A table of the flows' totals and their sum, under `total of 3 flows — worst case …, expected …`. */
function totalText(flows: readonly { file: string; report: CostReport }[], unpriced: number, format: CostFormat): string {
  const worst = sum(flows.map((f) => f.report.worstCase));
  const expected = sum(flows.map((f) => f.report.expected));
  const left = unpriced > 0 ? ` (${unpriced} more not priced: errors, or no flow)` : "";
  const line = `total of ${flows.length} flow${flows.length === 1 ? "" : "s"}${left} — worst case ${credits(worst)}, expected ${credits(expected, "expected")}`;
  const rows = [...flows.map((f) => [f.report.flow, f.file, worstText(f.report.worstCase), expectedText(f.report.expected)]), ["total", "", worstText(worst), expectedText(expected)]];
  if (format !== "markdown") return [line, "", ...renderTable(TOTAL_COLUMNS, rows)].join("\n") + "\n";
  const row = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  const body = rows.map((cells, i) => row(i === rows.length - 1 ? cells.map((c) => (c === "" ? "" : `**${c}**`)) : [`\`${cells[0]}\``, cell(cells[1]!), cells[2]!, cells[3]!]));
  return [`### ${line}`, "", row(TOTAL_COLUMNS.map((c) => c.title)), row(TOTAL_COLUMNS.map((c) => (c.align === "right" ? "---:" : ":---"))), ...body].join("\n") + "\n";
}

function costInput(analysis: FileAnalysis, report: CostReport, options: CostOptions): CostJsonInput {
  const budget = analysis.diagnostics.filter((d) => BUDGET_CODES.has(d.code));
  const explanation = options.explain ? explainWitness(report, analysis.model, backticked).reasons : undefined;
  return { file: analysis.file, report, diagnostics: budget, explanation };
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
    case "json":
      return costJson(costInput(analysis, report, options), io.cwd);
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
