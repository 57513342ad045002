// The lints of a complete analysis, kept as offsets into its text: after an edit they are shown,
// moved, until the complete analysis of the new text arrives (lsp/diagnostics.ts). Offsets are
// copied because the AST behind the analysis is updated in place by the next parse (lsp/reparse.ts).
import type { Diagnostic, DiagnosticCode } from "../syntax/diagnostics";
import type { AnalyzedDocument } from "./documents";

/** What only the complete analysis adds: the credit-saving lints (compiler/lints), and flowc-ignore comments that hide nothing. */
export const LINT_CODES: ReadonlySet<DiagnosticCode> = new Set(["FLOW401", "FLOW402", "FLOW403", "FLOW404", "FLOW405", "FLOW406", "FLOW602"]);

export interface LintSnapshot {
  path: string;
  text: string;
  lints: { diagnostic: Omit<Diagnostic, "fix">; start: number; end: number }[];
}

export function lintSnapshot(doc: AnalyzedDocument): LintSnapshot {
  const lints = doc.analysis.diagnostics
    .filter((d) => LINT_CODES.has(d.code) && (d.file ?? doc.path) === doc.path)
    .map(({ fix: _fix, ...diagnostic }) => ({ diagnostic, start: diagnostic.range.start.offset, end: diagnostic.range.end.offset }));
  return { path: doc.path, text: doc.text, lints };
}
