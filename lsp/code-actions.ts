// Code actions: the quick fixes the compiler attaches to its diagnostics (`Diagnostic.fix`), as
// `quickfix` workspace edits, for the diagnostics that touch the requested range.
import { CodeActionKind, type CodeAction, type CodeActionParams, type TextEdit } from "vscode-languageserver";
import type { Diagnostic } from "../syntax/diagnostics";
import { toLspDiagnostic } from "./diagnostics";
import type { AnalyzedDocument, DocumentStore } from "./documents";
import { offsetsOf, toLspRange } from "./positions";

export function codeActions(store: DocumentStore, params: CodeActionParams): CodeAction[] {
  const only = params.context.only;
  if (only && !only.some((kind) => kind === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${kind}.`))) return [];
  const doc = store.get(params.textDocument.uri, "full");
  const { from, to } = offsetsOf(doc.document, params.range);
  return doc.analysis.diagnostics
    .filter((d) => d.fix && (d.file ?? doc.path) === doc.path && d.range.start.offset <= to && d.range.end.offset >= from)
    .map((d) => quickFix(doc, d));
}

function quickFix(doc: AnalyzedDocument, d: Diagnostic): CodeAction {
  const fix = d.fix!;
  const edits: TextEdit[] = fix.edits.map((e) => ({ range: toLspRange(e.range), newText: e.text }));
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [toLspDiagnostic(d, doc)],
    isPreferred: true,
    edit: { changes: { [doc.uri]: edits } },
  };
}
