// Find references: every occurrence of the symbol under the cursor, and its declaration wherever
// it is (an imported file included) when the editor asks for it. A stream is local to its file; a
// model, op or metric declared in a file that others import is found in every `.flow` file of the
// workspace that resolves the name to that same declaration, open in the editor or not.
import type { Location, ReferenceParams } from "vscode-languageserver";
import type { AnalyzedDocument, DocumentStore } from "./documents";
import { declarationOf, metricOp, type Location as Place } from "./lookup";
import { occurrenceAt, type Occurrence } from "./names";
import { offsetOf, toLspRange } from "./positions";

export function references(store: DocumentStore, params: ReferenceParams): Location[] {
  const doc = store.get(params.textDocument.uri, "syntax");
  const occurrence = occurrenceAt(doc.occurrences, offsetOf(doc.document, params.position));
  if (!occurrence) return [];
  return symbolPlaces(store, doc, occurrence, params.context.includeDeclaration).map((p) => ({ uri: p.uri, range: toLspRange(p.range) }));
}

const samePlace = (a: Place, b: Place) => a.uri === b.uri && a.range.start.offset === b.range.start.offset;

/**
 * The symbol's occurrences, and its declaration: the document's in source order (the declaration
 * first when it is elsewhere), then those of other workspace files, file by file.
 */
export function symbolPlaces(store: DocumentStore, doc: AnalyzedDocument, symbol: Occurrence, withDeclaration: boolean): Place[] {
  const declaration = declarationOf(doc, symbol);
  const here = doc.occurrences
    .filter((o) => o.kind === symbol.kind && o.name === symbol.name && (o.kind !== "metric" || metricOp(doc, o) === metricOp(doc, symbol)))
    .map((o) => ({ uri: doc.uri, range: o.range }));
  const places = declaration && declaration.uri !== doc.uri ? [declaration, ...here] : here;
  if (declaration && symbol.kind !== "stream") places.push(...elsewhere(store, doc, symbol, declaration).filter((p) => !places.some((q) => samePlace(p, q))));
  return withDeclaration ? places : places.filter((p) => declaration === undefined || !samePlace(p, declaration));
}

/** Occurrences in the other workspace files that resolve to the same declaration. */
function elsewhere(store: DocumentStore, doc: AnalyzedDocument, symbol: Occurrence, declaration: Place): Place[] {
  const found: Place[] = [];
  const others = store.workspaceDocuments(symbol.name).filter((other) => other.uri !== doc.uri);
  for (const other of others.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0))) {
    for (const o of other.occurrences) {
      if (o.kind !== symbol.kind || o.name !== symbol.name) continue;
      const target = declarationOf(other, o);
      if (target && samePlace(target, declaration)) found.push({ uri: other.uri, range: o.range });
    }
  }
  return found;
}
