// Code actions: the quick fixes the compiler attaches to its diagnostics (`Diagnostic.fix`), as
// `quickfix` workspace edits for the diagnostics that touch the requested range, and "fix all"
// (`source.fixAll.flowc`, for editor.codeActionsOnSave too): every preferred fix, round after round.
// Both make their edits with compiler/fix-all.ts, the code `flowc check --fix` runs, so an editor
// and the command line change a file in exactly the same way.
import { CodeActionKind, CodeActionTriggerKind, type CodeAction, type CodeActionParams, type TextEdit } from "vscode-languageserver";
import type { Diagnostic, TextEdit as FlowEdit } from "../syntax/diagnostics";
import { fixAll, preferredFixes, quickFixEdits, editsBetween } from "../compiler/fix-all";
import { isFormatted } from "../compiler/format/index";
import { toLspDiagnostic } from "./diagnostics";
import type { AnalyzedDocument, DocumentStore } from "./documents";
import { offsetsOf, toLspRange } from "./positions";

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.flowc`;

export function codeActions(store: DocumentStore, params: CodeActionParams): CodeAction[] {
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
  const doc = store.get(params.textDocument.uri, "full");
  const actions = wants(CodeActionKind.QuickFix) ? quickFixes(doc, params) : [];
  // "Fix all" analyses the flow once per round: only when asked for (on save, the source action
  // menu, Ctrl+.), not on the requests an editor sends as the cursor moves.
  const asked = only !== undefined || params.context.triggerKind === CodeActionTriggerKind.Invoked;
  const fixAllAction = asked && wants(FIX_ALL_KIND) ? fixAllOf(store, doc) : undefined;
  return fixAllAction ? [...actions, fixAllAction] : actions;
}

/** Whether each analysed version is in the canonical form: formatting it once per version is enough. */
const canonicalVersions = new WeakMap<AnalyzedDocument, boolean>();

function isCanonical(doc: AnalyzedDocument): boolean {
  let canonical = canonicalVersions.get(doc);
  if (canonical === undefined) canonicalVersions.set(doc, (canonical = isFormatted(doc.text)));
  return canonical;
}

/** One action per distinct fix (two diagnostics may offer the same edit, as FLOW301 and FLOW303 a cap). */
function quickFixes(doc: AnalyzedDocument, params: CodeActionParams): CodeAction[] {
  const { from, to } = offsetsOf(doc.document, params.range);
  const canonical = isCanonical(doc);
  const byFix = new Map<string, CodeAction>();
  for (const d of doc.analysis.diagnostics) {
    if (!d.fix || (d.file ?? doc.path) !== doc.path || d.range.start.offset > to || d.range.end.offset < from) continue;
    const key = JSON.stringify([d.fix.title, d.fix.edits.map((e) => [e.range.start.offset, e.range.end.offset, e.text])]);
    const same = byFix.get(key);
    if (same) same.diagnostics!.push(toLspDiagnostic(d, doc));
    else byFix.set(key, quickFix(doc, d, canonical));
  }
  return [...byFix.values()];
}

function quickFix(doc: AnalyzedDocument, d: Diagnostic, canonical: boolean): CodeAction {
  const fix = d.fix!;
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [toLspDiagnostic(d, doc)],
    isPreferred: fix.preferred !== false,
    edit: { changes: { [doc.uri]: lspEdits(quickFixEdits(doc.text, fix.edits, canonical)) } },
  };
}

/** Every preferred fix, as `flowc check --fix` applies them; none when there is nothing to fix. */
function fixAllOf(store: DocumentStore, doc: AnalyzedDocument): CodeAction | undefined {
  if (preferredFixes(doc.analysis).length === 0) return undefined;
  const outcome = fixAll(doc.text, (text) => store.analyzeText(doc.uri, text));
  if (outcome.text === doc.text) return undefined;
  const count = outcome.rounds.reduce((n, round) => n + round.length, 0);
  return {
    title: `Fix all flowc problems that have a preferred fix (${count})`,
    kind: FIX_ALL_KIND,
    edit: { changes: { [doc.uri]: lspEdits(editsBetween(doc.text, outcome.text)) } },
  };
}

function lspEdits(edits: readonly FlowEdit[]): TextEdit[] {
  return edits.map((e) => ({ range: toLspRange(e.range), newText: e.text }));
}
