// Rename a stream, a model or an op: every occurrence in the document and the declaration,
// wherever it is (an imported file included), and for a model or op every `.flow` file of the
// workspace that uses that declaration, open or closed (lsp/references.ts). Refused with an error, and no edit, when the new name
// is not an identifier, is a keyword, is already taken, or the symbol is built in.
import {
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  type PrepareRenameParams,
  type Range as LspRange,
  type RenameParams,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver";
import { BUILTIN_OPS } from "../compiler/builtins";
import { KEYWORD_BY_TEXT } from "../grammar/tokens";
import path from "node:path";
import { type AnalyzedDocument, type DocumentStore, uriToPath } from "./documents";
import { catalogDecls, declarationOf, RENAMEABLE, streamDecl } from "./lookup";
import { occurrenceAt, type Occurrence } from "./names";
import { offsetOf, toLspRange } from "./positions";
import { symbolPlaces } from "./references";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function prepareRename(store: DocumentStore, params: PrepareRenameParams): { range: LspRange; placeholder: string } {
  const { occurrence } = renameable(store, params);
  return { range: toLspRange(occurrence.range), placeholder: occurrence.name };
}

export function rename(store: DocumentStore, params: RenameParams): WorkspaceEdit {
  const { doc, occurrence } = renameable(store, params);
  const places = symbolPlaces(store, doc, occurrence, true);
  const problem = invalidName(params.newName) ?? takenBy(doc, occurrence, params.newName) ?? takenElsewhere(store, doc, occurrence, places, params.newName);
  if (problem) throw new ResponseError(ErrorCodes.InvalidParams, problem);
  const changes: Record<string, TextEdit[]> = {};
  for (const place of places) {
    (changes[place.uri] ??= []).push({ range: toLspRange(place.range), newText: params.newName });
  }
  return { changes };
}

function renameable(store: DocumentStore, params: PrepareRenameParams): { doc: AnalyzedDocument; occurrence: Occurrence } {
  const doc = store.get(params.textDocument.uri, "syntax");
  const occurrence = occurrenceAt(doc.occurrences, offsetOf(doc.document, params.position));
  if (!occurrence || !RENAMEABLE.has(occurrence.kind)) {
    throw new ResponseError(LSPErrorCodes.RequestFailed, "only streams, models and ops can be renamed");
  }
  if (!declarationOf(doc, occurrence)) {
    const what = occurrence.kind === "op" ? `'${occurrence.name}' is a built-in op` : `'${occurrence.name}' is not declared`;
    throw new ResponseError(LSPErrorCodes.RequestFailed, `${what}: it cannot be renamed`);
  }
  return { doc, occurrence };
}

/** Why a name cannot be used, or undefined. */
export function invalidName(name: string): string | undefined {
  if (!IDENTIFIER.test(name)) return `'${name}' is not a name: use letters, digits and '_', not starting with a digit`;
  if (KEYWORD_BY_TEXT.has(name)) return `'${name}' is a keyword of the .flow language`;
  return undefined;
}

/** A model or op name already declared for one of the other files the rename changes (closed ones too). */
function takenElsewhere(store: DocumentStore, doc: AnalyzedDocument, symbol: Occurrence, places: readonly { uri: string }[], name: string): string | undefined {
  if (symbol.kind === "stream" || name === symbol.name) return undefined;
  const touched = new Set(places.map((p) => p.uri).filter((uri) => uri !== doc.uri));
  for (const other of store.workspaceDocuments(name).filter((d) => touched.has(d.uri))) {
    const clash = catalogDecls(other, symbol.kind as "model" | "op").find((d) => d.decl.name.text === name);
    if (clash) return `${symbol.kind} '${name}' is already declared for ${path.basename(other.path)} (line ${clash.decl.name.range.start.line} of ${path.basename(uriToPath(clash.uri))})`;
  }
  return undefined;
}

function takenBy(doc: AnalyzedDocument, symbol: Occurrence, name: string): string | undefined {
  if (name === symbol.name) return undefined;
  if (symbol.kind === "stream") {
    const other = streamDecl(doc.analysis.ast, name);
    return other && `'${name}' is already declared on line ${other.name.range.start.line}`;
  }
  const other = catalogDecls(doc, symbol.kind as "model" | "op").find((d) => d.decl.name.text === name);
  if (other) return `${symbol.kind} '${name}' is already declared on line ${other.decl.name.range.start.line}`;
  // a declared op named like a built-in replaces it for every node that uses the built-in
  return symbol.kind === "op" && BUILTIN_OPS.has(name) ? `'${name}' is a built-in op` : undefined;
}
