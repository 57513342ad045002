// Formatting: the formatter of compiler/format, as one edit replacing the whole document. A text
// with syntax errors is left alone (no edits), as `flowc fmt` leaves it.
import type { DocumentFormattingParams, TextEdit } from "vscode-languageserver";
import { formatFlow } from "../compiler/format/index";
import type { DocumentStore } from "./documents";
import { lspRangeOf } from "./positions";

export function formatting(store: DocumentStore, params: DocumentFormattingParams): TextEdit[] {
  const doc = store.get(params.textDocument.uri, "syntax");
  const result = formatFlow(doc.text);
  if (result.diagnostics.length > 0 || result.text === doc.text) return [];
  return [{ range: lspRangeOf(doc.document, 0, doc.text.length), newText: result.text }];
}
