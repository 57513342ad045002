// Find references: every occurrence of the symbol under the cursor in the document, and its
// declaration wherever it is (an imported file included) when the editor asks for it.
import type { Location, ReferenceParams } from "vscode-languageserver";
import type { AnalyzedDocument, DocumentStore } from "./documents";
import { declarationOf, metricOp, type Location as Place } from "./lookup";
import { occurrenceAt, type Occurrence } from "./names";
import { offsetOf, toLspRange } from "./positions";

export function references(store: DocumentStore, params: ReferenceParams): Location[] {
  const doc = store.get(params.textDocument.uri, "syntax");
  const occurrence = occurrenceAt(doc.occurrences, offsetOf(doc.document, params.position));
  if (!occurrence) return [];
  return symbolPlaces(doc, occurrence, params.context.includeDeclaration).map((p) => ({ uri: p.uri, range: toLspRange(p.range) }));
}

/** The symbol's occurrences in the document, and its declaration, in source order (declaration first when elsewhere). */
export function symbolPlaces(doc: AnalyzedDocument, symbol: Occurrence, withDeclaration: boolean): Place[] {
  const declaration = declarationOf(doc, symbol);
  const isDeclaration = (p: Place) => declaration !== undefined && p.uri === declaration.uri && p.range.start.offset === declaration.range.start.offset;
  const here = doc.occurrences
    .filter((o) => o.kind === symbol.kind && o.name === symbol.name && (o.kind !== "metric" || metricOp(doc, o) === metricOp(doc, symbol)))
    .map((o) => ({ uri: doc.uri, range: o.range }));
  const places = declaration && declaration.uri !== doc.uri ? [declaration, ...here] : here;
  return withDeclaration ? places : places.filter((p) => !isDeclaration(p));
}
