// `flowc calibrate FLOW GATE --labels FILE`: the threshold of a gate that best separates metric
// values labelled good and bad, and with `--write` that threshold and the pass rate it implies
// written into the flow (through the formatter, comments kept), with the new figures.
import path from "node:path";
import { InvalidArgumentError, Option, type Command } from "commander";
import { type Calibration, applyEdits, calibrateGate, calibrationEdits, lookupGate, parseLabels } from "../../compiler/calibrate";
import { Decimal } from "../../syntax/credits";
import { hasErrors } from "../../syntax/diagnostics";
import { analyzeFile } from "../../compiler/index";
import { formatFlow } from "../../compiler/format/index";
import { type CliCommand, type CommandContext, examples } from "../command";
import { type CompilableFlow, compilableFlow, isRefusal } from "../compile-flow";
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, type ExitCode } from "../exit";
import { createFileHost } from "../host";
import { type CliIo, complain } from "../io";
import { formatOption } from "../options";
import { type WrittenFlow, calibrationJson, formatCalibrationText } from "../format/calibrate";
import { checkJson } from "../format/json";

const FORMATS = ["text", "json"] as const;

interface CalibrateFlags {
  labels: string;
  metric?: string;
  target?: Decimal;
  write?: boolean;
  format: (typeof FORMATS)[number];
}

/** `90%` or `90`: a share above 0 and at most 100 percent, as a fraction. */
function parseTarget(text: string): Decimal {
  const match = /^(\d+(?:\.\d+)?)%?$/.exec(text.trim());
  const value = match ? new Decimal(match[1]!) : undefined;
  if (!value || value.lte(0) || value.gt(100)) throw new InvalidArgumentError("expected a percentage such as 90%");
  return value.div(100);
}

const HELP = `
Labels are CSV with a header naming the columns value (or the gate's metric, as in sharpness,label)
and label (other columns are ignored; quoted cells as in RFC 4180), or a JSON array of
{ "value": 0.7, "label": "good" }. A label is good/bad, 1/0, pass/fail, true/false or
yes/no. The threshold found passes at least the target share (90%) of the good items and fails at
least that share of the bad ones; when none does, it is the one that maximises the smaller of the
two shares, and the output says so. Its pass rate over all labelled items is the new \`expect pass\`.
`;

export const calibrateCommand: CliCommand = {
  register(program: Command, context: CommandContext) {
    program
      .command("calibrate")
      .description("Set a gate's threshold from metric values labelled good or bad: confusion matrix, pass rate, --write.")
      .argument("<flow>", "the .flow file")
      .argument("<gate>", "the gate to calibrate")
      .requiredOption("--labels <file>", "the labelled metric values (CSV or JSON)")
      .option("--metric <name>", "the condition to calibrate, when the gate has several")
      .addOption(new Option("--target <percent>", "share of good items to pass and of bad items to fail (default 90%)").argParser(parseTarget))
      .option("--write", "write the threshold and `expect pass` into the flow, and show the new figures")
      .addOption(formatOption(FORMATS))
      .addHelpText("after", HELP + examples("flowc calibrate samples/sharp_drafts.flow sharp --labels sharpness.csv", "flowc calibrate samples/sharp_drafts.flow sharp --labels sharpness.csv --write"))
      .action(async (file: string, gate: string, flags: CalibrateFlags) => context.finish(await calibrate(file, gate, flags, context.io)));
  },
};

async function calibrate(file: string, gate: string, flags: CalibrateFlags, io: CliIo): Promise<ExitCode> {
  const flow = compilableFlow(file, io, (text, analysis) =>
    io.out(flags.format === "json" ? checkJson([{ file: analysis.file, status: "checked", diagnostics: analysis.diagnostics }], io.cwd) : text),
  );
  if (isRefusal(flow)) return flow.refused;
  const labels = createFileHost(io.cwd).read(flags.labels);
  if (!labels.ok) return usage(io, `cannot read '${flags.labels}': ${labels.reason}`);
  const decl = lookupGate(flow.analysis.ast, gate);
  const metrics = flags.metric !== undefined ? [flags.metric] : decl.ok ? decl.value.conds.map((c) => c.metric.text) : [];
  const items = parseLabels(labels.text, metrics);
  if (!items.ok) return usage(io, `${flags.labels}: ${items.error}`);
  // a header naming one of the gate's metrics picks that condition
  const found = calibrateGate(flow.analysis.ast, flow.model, gate, items.value, { metric: flags.metric ?? items.metric, target: flags.target });
  if (!found.ok) return usage(io, found.error);
  const written = flags.write ? await writeBack(flow, gate, found.value, io) : undefined;
  if (written === EXIT_PROBLEMS) return EXIT_PROBLEMS;
  io.out(flags.format === "json" ? calibrationJson(file, found.value, written, io.cwd) : formatCalibrationText(found.value, written, io.cwd));
  return EXIT_OK;
}

function usage(io: CliIo, message: string): ExitCode {
  complain(io, message);
  return EXIT_USAGE;
}

/** The edited flow, formatted, checked again and written; its figures before and after. */
async function writeBack(flow: CompilableFlow, gate: string, calibration: Calibration, io: CliIo): Promise<WrittenFlow | typeof EXIT_PROBLEMS> {
  const { analysis } = flow;
  const decl = lookupGate(analysis.ast, gate);
  if (!decl.ok) throw new Error(`internal: ${decl.error}`);
  const edited = applyEdits(analysis.text, calibrationEdits(analysis.text, decl.value, calibration));
  const { text, formatted } = throughFormatter(edited);
  const file = path.resolve(io.cwd, analysis.file);
  const after = analyzeFile(file, text, createFileHost(io.cwd));
  if (!after.cost || hasErrors(after.diagnostics)) {
    complain(io, `the calibrated flow would not check (${after.diagnostics.find((d) => d.severity === "error")?.message ?? "no figures"}): ${analysis.file} is left as it was`);
    return EXIT_PROBLEMS;
  }
  try {
    // loaded here: the file helpers bring proper-lockfile, which no other command of this path needs
    const { writeFileAtomic } = await import("../../runtime/fsutil");
    await writeFileAtomic(file, text);
  } catch (error) {
    complain(io, `cannot write '${analysis.file}': ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_PROBLEMS;
  }
  return {
    file: analysis.file,
    before: { worstCase: flow.cost.worstCase, expected: flow.cost.expected },
    after: { worstCase: after.cost.worstCase, expected: after.cost.expected },
    formatted,
  };
}

/** Through the formatter; the edited text as it is if the formatter refuses it. */
function throughFormatter(text: string): { text: string; formatted: boolean } {
  try {
    const result = formatFlow(text);
    return result.diagnostics.length === 0 ? { text: result.text, formatted: true } : { text, formatted: false };
  } catch {
    return { text, formatted: false };
  }
}
