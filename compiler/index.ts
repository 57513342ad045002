// The compiler's front door: text in, AST + model + diagnostics + cost out. Pure apart from the
// host, through which imports are read (the CLI and the language server supply it).
import path from "node:path";
import type { FlowFile } from "./ast";
import type { FlowModel } from "./model";
import type { CostReport } from "./cost-report";
import { type Diagnostic, diag, hasErrors, sortDiagnostics } from "./diagnostics";
import { parse } from "../grammar/index";
import { resolveFlow } from "./resolve";
import { analyzeCost } from "./cost";
import { budgetDiagnostics } from "./budget-checks";

export interface SourceHost {
  /** the file's text, or undefined when it cannot be read */
  readFile(file: string): string | undefined;
}

export interface AnalyzeOptions {
  /** count cached nodes as hits */
  warm?: boolean;
}

export interface FileAnalysis {
  file: string;
  text: string;
  ast: FlowFile;
  model?: FlowModel;
  /** present when the flow has no errors */
  cost?: CostReport;
  /** sorted, each with `file` set */
  diagnostics: Diagnostic[];
}

export function analyzeFile(file: string, text: string, host: SourceHost, options: AnalyzeOptions = {}): FileAnalysis {
  const parsed = parse(text);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const imports = readImports(file, parsed.ast, host, diagnostics);
  const resolved = resolveFlow(parsed.ast, imports);
  diagnostics.push(...resolved.diagnostics);
  const model = resolved.model;
  let cost: CostReport | undefined;
  if (model && !hasErrors(diagnostics)) {
    cost = analyzeCost(model, { warm: options.warm ?? false });
    diagnostics.push(...budgetDiagnostics(model, cost));
  }
  const withFile = diagnostics.map((d) => ({ file: d.file ?? file, ...d }));
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
