// The compiler's front door: text in, AST + model + diagnostics + cost out. Pure apart from the
// host, through which imports are read (the CLI and the language server supply it).
import path from "node:path";
import type { FlowFile } from "../syntax/ast";
import type { FlowModel } from "./model";
import type { CostReport } from "./cost-report";
import { type Diagnostic, diag, hasErrors, sortDiagnostics } from "../syntax/diagnostics";
import { parse, type ParseResult } from "../grammar/index";
import { resolveFlow } from "./resolve";
import { analyzeCost, type CostOptions } from "./cost";
import { budgetDiagnostics, limitDiagnostics, type Limits } from "./budget-checks";
import type { FlowcConfig } from "./config";
import { expectRateFixes, lintSettingsFrom, runLints } from "./lints/index";
import { suppress } from "./suppress";
import { withBudgetFix } from "./cap-advice";
import { type AppliedPolicy, policyDiagnostics } from "./policy";

export interface SourceHost {
  /** the file's text, or undefined when it cannot be read */
  readFile(file: string): string | undefined;
}

export interface AnalyzeOptions {
  /** count cached nodes as hits (the cost report only: lints always price a cold run) */
  warm?: boolean;
  /** flowc.json, found, read and validated by the caller (cli/config.ts): severities and rules turned off */
  config?: FlowcConfig;
  /** FLOW307 / FLOW308 when the worst case / expected spend exceeds these */
  limits?: Limits;
  /** run the credit-saving lints FLOW401–FLOW406 (default true) */
  lints?: boolean;
  /** the flowc.json policy that applies to this file (FLOW501–FLOW506), picked by the caller with `policyFor` */
  policy?: AppliedPolicy;
  /** the parse of `text` when the caller has one already (the language server reuses it between edits) */
  parsed?: ParseResult;
  /** the cost analysis, if not `analyzeCost` itself: the language server's reuses unchanged branches */
  costAnalysis?: (model: FlowModel, options: CostOptions) => CostReport;
}

export interface FileAnalysis {
  file: string;
  text: string;
  ast: FlowFile;
  model?: FlowModel;
  /** present when the flow has no errors */
  cost?: CostReport;
  /** sorted, each with `file` set; severities and suppressions of flowc.json and flowc-ignore applied */
  diagnostics: Diagnostic[];
}

export function analyzeFile(file: string, text: string, host: SourceHost, options: AnalyzeOptions = {}): FileAnalysis {
  const parsed = options.parsed ?? parse(text);
  const priceOf = options.costAnalysis ?? analyzeCost;
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const imports = readImports(file, parsed.ast, host, diagnostics);
  const resolved = resolveFlow(parsed.ast, imports);
  diagnostics.push(...resolved.diagnostics);
  const model = resolved.model;
  let cost: CostReport | undefined;
  if (model && !hasErrors(diagnostics)) {
    cost = priceOf(model, { warm: options.warm ?? false });
    diagnostics.push(...budgetDiagnostics(model, cost));
    if (options.limits) diagnostics.push(...limitDiagnostics(cost, options.limits, model.decl.name.range));
    // Lints run on every flow that was priced, budget errors or not: that is when savings matter most.
    if (options.lints !== false) {
      const cold = cost.warm ? priceOf(model, { warm: false }) : cost;
      diagnostics.push(...runLints(model, cold, parsed.ast, text, imports.map((i) => i.ast), lintSettingsFrom(options.config?.rules)));
    }
  }
  if (options.policy) diagnostics.push(...policyDiagnostics({ ast: parsed.ast, model, cost }, options.policy));
  const complete = cost !== undefined && options.lints !== false;
  const withFixes = withBudgetFix(expectRateFixes(diagnostics, parsed.ast.flow, text), parsed.ast.flow, cost, text);
  const kept = suppress(withFixes, { text, comments: parsed.comments, rules: options.config?.rules, reportUnused: complete });
  const withFile = kept.map((d) => ({ file: d.file ?? file, ...d }));
  return { file, text, ast: parsed.ast, model, cost, diagnostics: sortDiagnostics(withFile) };
}

function readImports(file: string, ast: FlowFile, host: SourceHost, out: Diagnostic[]): { path: string; ast: FlowFile }[] {
  const result: { path: string; ast: FlowFile }[] = [];
  for (const imp of ast.imports) {
    const target = path.resolve(path.dirname(file), imp.path.value);
    const text = host.readFile(target);
    if (text === undefined) {
      out.push(diag("FLOW102", `cannot read import '${imp.path.value}' (looked for ${target})`, imp.path.range));
      continue;
    }
    const parsed = parse(text);
    for (const d of parsed.diagnostics) out.push({ ...d, file: target });
    if (parsed.ast.flow || parsed.ast.imports.length > 0) {
      out.push(diag("FLOW102", `import '${imp.path.value}' must hold only model and op declarations`, imp.path.range));
    }
    result.push({ path: target, ast: parsed.ast });
  }
  return result;
}
