// Reading and checking a flow for the commands that compile it (`compile`, `run`): a flow with
// errors (or no flow) is not compiled; its diagnostics are shown the way `flowc check` shows them.
import path from "node:path";
import { hasErrors } from "../syntax/diagnostics";
import type { FileAnalysis } from "../compiler/index";
import type { FlowModel } from "../compiler/model";
import type { CostReport } from "../compiler/cost-report";
import { analyzeOne, failureMessage } from "./analyze";
import { EXIT_PROBLEMS, EXIT_USAGE, type ExitCode } from "./exit";
import { type CliIo, complain } from "./io";
import { expandInputs } from "./inputs";
import { palette } from "./format/colors";
import { displayPath } from "./format/paths";
import { type TextContext, countSeverities, formatDiagnostics, formatSummary } from "./format/text";

export interface CompilableFlow {
  analysis: FileAnalysis;
  model: FlowModel;
  cost: CostReport;
  /** how the flow file is named in the generated module's comments */
  sourceFile: string;
  text: TextContext;
}

export type Refusal = { refused: ExitCode };

/**
 * The flow, or the exit status after explaining why it cannot be compiled: unreadable (2), errors
 * or no flow (1). `show` receives the diagnostics text (check's format) or, with JSON output, the
 * analysis itself.
 */
export function compilableFlow(given: string, io: CliIo, show: (text: string, analysis: FileAnalysis) => void, stdinFilepath?: string): CompilableFlow | Refusal {
  const expanded = expandInputs([given], io, { stdinFilepath });
  const message = !expanded.ok ? expanded.message : expanded.inputs.files.length !== 1 ? `'${given}' stands for ${expanded.inputs.files.length} files: name one .flow file` : undefined;
  if (message !== undefined || !expanded.ok) {
    complain(io, message ?? "");
    return { refused: EXIT_USAGE };
  }
  const { host } = expanded.inputs;
  const file = expanded.inputs.files[0]!;
  const outcome = analyzeOne(file, host);
  if (outcome.kind !== "analyzed") {
    complain(io, failureMessage(outcome, io.env.FLOWC_DEBUG !== undefined));
    return { refused: EXIT_USAGE };
  }
  const { analysis } = outcome;
  const text: TextContext = { colors: palette(io.color), cwd: io.cwd, textOf: host.textOf };
  if (!analysis.model || !analysis.cost || hasErrors(analysis.diagnostics)) {
    const { diagnostics } = analysis;
    show(formatDiagnostics(diagnostics, text) + formatSummary(countSeverities(diagnostics), 1, text.colors), analysis);
    complain(io, hasErrors(diagnostics) ? `${file} has errors: it cannot be compiled or run` : `${file} declares no flow: nothing to compile or run`);
    return { refused: EXIT_PROBLEMS };
  }
  const sourceFile = displayPath(path.resolve(io.cwd, file), io.cwd);
  return { analysis, model: analysis.model, cost: analysis.cost, sourceFile, text };
}

export function isRefusal(value: CompilableFlow | Refusal): value is Refusal {
  return "refused" in value;
}
