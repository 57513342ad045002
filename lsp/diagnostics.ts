// Our diagnostics as LSP diagnostics. A diagnostic located in an imported file is shown at the
// import that brings it in, with the real place as related information: the importing document is
// the one being edited, and publishing into another file's list would fight that file's own.
import path from "node:path";
import {
  DiagnosticSeverity,
  DiagnosticTag,
  type Diagnostic as LspDiagnostic,
  type DiagnosticRelatedInformation,
  type PublishDiagnosticsParams,
} from "vscode-languageserver";
import type { Position, Range } from "../syntax/ast";
import { helpUri } from "../compiler/code-docs";
import type { LintSnapshot } from "./lint-snapshot";
import type { Diagnostic, DiagnosticCode, Severity } from "../syntax/diagnostics";
import { importPath, pathToUri, type AnalyzedDocument } from "./documents";
import { toLspRange } from "./positions";
import { changedStretch } from "./reparse";

export const SOURCE = "flowc";

/**
 * Hints carry advice with credits at stake (FLOW304, the FLOW4xx lints): Information keeps them
 * visible in the editor, where Hint would show three faint dots.
 */
const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  hint: DiagnosticSeverity.Information,
};

/** Codes whose range holds code that does nothing useful: editors fade it out. */
const UNNECESSARY: ReadonlySet<DiagnosticCode> = new Set(["FLOW407", "FLOW602"]);

/** The diagnostics of an analysis, and any carried over from an earlier one. */
export function diagnosticsParams(doc: AnalyzedDocument, carried: LspDiagnostic[] = []): PublishDiagnosticsParams {
  const diagnostics = [...doc.analysis.diagnostics.map((d) => toLspDiagnostic(d, doc)), ...carried];
  const { failure, config } = doc.problems;
  if (config !== undefined) diagnostics.unshift(atStart("flowc.json", DiagnosticSeverity.Warning, `${config} (the file is checked without it)`));
  if (failure !== undefined) diagnostics.push(atStart("internal", DiagnosticSeverity.Error, `flowc could not finish analysing this file (a bug in flowc, please report it): ${failure.split("\n")[0]}`));
  return { uri: doc.uri, version: doc.document.version, diagnostics };
}

export function toLspDiagnostic(d: Diagnostic, doc: AnalyzedDocument): LspDiagnostic {
  const elsewhere = d.file !== undefined && d.file !== doc.path;
  const here = elsewhere ? (importSite(d.file!, doc) ?? d.range) : d.range;
  const related: DiagnosticRelatedInformation[] = (d.notes ?? []).map((note) => ({
    location: { uri: pathToUri(d.file ?? doc.path), range: toLspRange(d.range) },
    message: note,
  }));
  if (elsewhere) related.unshift({ location: { uri: pathToUri(d.file!), range: toLspRange(d.range) }, message: d.message });
  const where = elsewhere ? `${path.basename(d.file!)}:${d.range.start.line}:${d.range.start.column}: ` : "";
  return {
    range: toLspRange(here),
    severity: SEVERITY[d.severity],
    code: d.code,
    codeDescription: { href: helpUri(d.code) },
    source: SOURCE,
    message: where + d.message,
    ...(related.length > 0 ? { relatedInformation: related } : {}),
    ...(UNNECESSARY.has(d.code) ? { tags: [DiagnosticTag.Unnecessary] } : {}),
  };
}

/**
 * The lints of an earlier complete analysis, moved to where their code is in the current text
 * (those the edit touched are dropped): shown with the first diagnostics after an edit until the
 * complete analysis of the new text replaces them, so that they do not blink at every keystroke.
 */
export function carriedLints(now: AnalyzedDocument, earlier: LintSnapshot | undefined): LspDiagnostic[] {
  if (!earlier || earlier.path !== now.path) return [];
  const edit = changedStretch(earlier.text, now.text);
  const at = (offset: number): Position => {
    const p = now.document.positionAt(offset);
    return { line: p.line + 1, column: p.character + 1, offset };
  };
  return earlier.lints.flatMap((lint) => {
    const [start, end] = lint.end <= edit.start ? [lint.start, lint.end] : lint.start >= edit.oldEnd ? [lint.start + edit.shift, lint.end + edit.shift] : [];
    return start === undefined ? [] : [toLspDiagnostic({ ...lint.diagnostic, range: { start: at(start), end: at(end!) } }, now)];
  });
}

/** The import statement of the document that reads `file`. */
function importSite(file: string, doc: AnalyzedDocument): Range | undefined {
  return doc.analysis.ast.imports.find((imp) => importPath(doc.path, imp.path.value) === file)?.range;
}

/** A problem with the file as a whole, shown at its start. */
function atStart(code: string, severity: DiagnosticSeverity, message: string): LspDiagnostic {
  return { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity, code, source: SOURCE, message };
}
