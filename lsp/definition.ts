// Go to definition: from a stream reference to its declaration, from a model or op to its
// declaration (in this file or an imported one, read from disk), from a metric to the `metric`
// line of a declared op. Built-in ops and their metrics have no source to go to.
import type { DefinitionParams, Location } from "vscode-languageserver";
import type { DocumentStore } from "./documents";
import { declarationOf } from "./lookup";
import { occurrenceAt } from "./names";
import { offsetOf, toLspRange } from "./positions";

export function definition(store: DocumentStore, params: DefinitionParams): Location | null {
  const doc = store.get(params.textDocument.uri, "syntax");
  const occurrence = occurrenceAt(doc.occurrences, offsetOf(doc.document, params.position));
  const target = occurrence && declarationOf(doc, occurrence);
  return target ? { uri: target.uri, range: toLspRange(target.range) } : null;
}
