// `flowc run FILE`: check the flow (errors stop it before any credit is spent), print its cost
// table, compile it to its TypeScript module, execute that module in memory, and print the report.
import path from "node:path";
import { type Command, Option } from "commander";
import type { FlowModel } from "../../compiler/model";
import { generateModule } from "../../compiler/codegen";
import type { RunOptions } from "../../runtime/index";
import { type CliCommand, type CommandContext, examples } from "../command";
import { EXIT_USAGE, type ExitCode } from "../exit";
import { type CliIo, complain } from "../io";
import { formatCostText } from "../format/cost-text";
import { checkJson } from "../format/json";
import { type FlowModule, RuntimeMissingError, loadFlowModule } from "../load-module";
import { type CompilableFlow, compilableFlow, isRefusal } from "../compile-flow";
import {
  EXIT_STATUS_HELP,
  type Reviews,
  type Runtime,
  type SegmentFlags,
  addSegmentOptions,
  finishRun,
  guarded,
  loadRuntime,
  parseNonNegativeInteger,
  segmentOptions,
  terminalReviews,
  untilStopped,
} from "../run-support";

interface RunFlags extends SegmentFlags {
  input?: string[];
  seed?: number;
  scenario?: "worst";
  ack?: boolean;
  provider: "simulated" | "http";
  endpoints?: string;
}

const REVIEWS_HELP = `
Reviews and human selects are decided, in this order: by --decisions FILE (items it does not name
wait); by the simulated provider with --simulate-reviews; by you at a prompt when stdin is a
terminal. Without a terminal and without --decisions, the simulated provider decides them when the
provider is the simulated one (the output says so; --no-simulate-reviews pauses the run for
\`flowc review\` instead), and the run pauses awaiting review with --provider http.
`;

export const runCommand: CliCommand = {
  register(program: Command, context: CommandContext) {
    const command = program
      .command("run")
      .description("Check a flow, compile it to TypeScript and run the module: budget cap, cache, reviews, a run record.")
      .argument("<file>", "the .flow file to run")
      .addOption(new Option("--input <name=path>", "an input's file or folder (repeat for more paths or inputs)").argParser(collect))
      .addOption(new Option("--seed <n>", "seed of the simulated provider and reviewer").argParser(parseNonNegativeInteger))
      .addOption(new Option("--scenario <scenario>", "follow the cost analysis' witness: the run spends exactly the worst case").choices(["worst"]))
      .option("--ack", "acknowledge the flow's unacknowledged alerts before starting")
      .addOption(new Option("--provider <provider>", "who carries out the calls").choices(["simulated", "http"]).default("simulated"))
      .option("--endpoints <file>", "the HTTP provider's per-model endpoints (JSON)");
    addSegmentOptions(command, "overrides the flow's cap (credits) for this run")
      .option("--no-simulate-reviews", "never let the simulated provider decide: prompt on a terminal, else pause for `flowc review`")
      .addHelpText("after", REVIEWS_HELP + EXIT_STATUS_HELP + examples(
        "flowc run samples/campaign.flow",
        "flowc run samples/campaign.flow --input shots=photos/ --input style=style.png --decisions decisions.json",
        "flowc run samples/campaign.flow --scenario worst --cap 1000 --simulate-reviews",
      ))
      .action(async (file: string, flags: RunFlags) => context.finish(await runFlow(file, flags, context.io)));
  },
};

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

async function runFlow(file: string, flags: RunFlags, io: CliIo): Promise<ExitCode> {
  const flow = compilableFlow(file, io, (text, analysis) =>
    io.out(flags.json ? checkJson([{ file: analysis.file, status: "checked", diagnostics: analysis.diagnostics }], io.cwd) : text),
  );
  if (isRefusal(flow)) return flow.refused;
  const inputs = parseInputs(flags.input ?? [], flow.model);
  if (typeof inputs === "string") return usage(io, inputs);
  if (flags.provider === "http" && !flags.endpoints) return usage(io, "--provider http needs --endpoints FILE (the per-model endpoints)");
  if (!flags.json) io.out(formatCostText(flow.cost, flow.analysis.diagnostics.filter((d) => d.severity !== "hint"), flow.text) + "\n");
  return execute(file, flow, inputs, flags, io);
}

function usage(io: CliIo, message: string): ExitCode {
  complain(io, message);
  return EXIT_USAGE;
}

/**
 * `--input NAME=PATH`, repeated: NAME → paths, in the order given; a message when one is wrong.
 * Gathered in a Map, so an input named `__proto__` or `constructor` is an input like any other.
 */
function parseInputs(given: string[], model: FlowModel): Record<string, string[]> | string {
  const names = model.streams.filter((s) => s.kind === "input").map((s) => s.name);
  const inputs = new Map<string, string[]>();
  for (const entry of given) {
    const at = entry.indexOf("=");
    const name = entry.slice(0, at);
    if (at <= 0 || at === entry.length - 1) return `--input expects NAME=PATH, got '${entry}'`;
    if (!names.includes(name)) return `--input ${name}: the flow has no input '${name}' (its inputs: ${names.join(", ") || "none"})`;
    inputs.set(name, [...(inputs.get(name) ?? []), entry.slice(at + 1)]);
  }
  return Object.fromEntries(inputs);
}

/** Generates the flow's module, loads it and calls its `run()`. */
async function execute(file: string, compiled: CompilableFlow, inputs: Record<string, string[]>, flags: RunFlags, io: CliIo): Promise<ExitCode> {
  const code = await generateModule(compiled.model, compiled.cost, { sourceFile: compiled.sourceFile });
  let flow: FlowModule;
  try {
    flow = await loadFlowModule(code);
  } catch (error) {
    if (error instanceof RuntimeMissingError) return usage(io, error.message);
    throw error;
  }
  const runtime = await loadRuntime();
  const reviews = reviewDecider(runtime, compiled.model, flags, io);
  return guarded(io, async () => {
    try {
      const options = runOptions(runtime, flow, reviews, flags, io, file);
      return finishRun(runtime, io, await untilStopped(io, (signal) => flow.run(inputs, { ...options, signal })), flags);
    } finally {
      reviews.release();
    }
  });
}

function runOptions(runtime: Runtime, flow: FlowModule, reviews: Reviews, flags: RunFlags, io: CliIo, file: string): RunOptions {
  const segment = segmentOptions(runtime, io, { ...flags, simulateReviews: reviews.simulate }, reviews, file);
  return {
    ...segment,
    onEvent: announced(segment.onEvent, () => {
      if (reviews.notice) complain(io, reviews.notice);
    }),
    cwd: io.cwd,
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    ...(flags.scenario === "worst" ? { scenario: flow.WORST_SCENARIO } : {}),
    ...(flags.ack ? { ack: true } : {}),
    ...(flags.endpoints && flags.provider === "http" ? { httpConfig: path.resolve(io.cwd, flags.endpoints) } : {}),
    ...(reviews.decider ? { decider: reviews.decider } : {}),
  };
}

/** Says `notice` once the run has started (after its inputs were read), then shows progress. */
function announced(progress: RunOptions["onEvent"], notice: () => void): RunOptions["onEvent"] {
  return (event) => {
    if (event.type === "run-start") notice();
    progress?.(event);
  };
}

const SIMULATED_NOTICE =
  "no terminal and no --decisions: the simulated provider decides reviews and human selects at their expected rates (--no-simulate-reviews pauses for `flowc review` instead)";

/** Who decides reviews and human selects (see REVIEWS_HELP). */
function reviewDecider(runtime: Runtime, model: FlowModel, flags: RunFlags, io: CliIo): Reviews {
  const none = { simulate: false, release: () => undefined };
  if (flags.decisions !== undefined) return none;
  if (flags.simulateReviews === true) return { ...none, simulate: true };
  if (!hasHumanSteps(model)) return none;
  if (process.stdin.isTTY === true) return terminalReviews(runtime, io, flags.seed ?? 0);
  if (flags.simulateReviews === false || flags.provider !== "simulated") return none;
  return { ...none, simulate: true, notice: SIMULATED_NOTICE };
}

function hasHumanSteps(model: FlowModel): boolean {
  return model.streams.some((s) => (s.kind === "gate" && s.human) || (s.kind === "select" && s.by.kind === "human"));
}
