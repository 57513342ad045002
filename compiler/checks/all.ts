// The semantic checks that run on the (possibly erroneous) model, after it is built.
import type { Catalog } from "../catalog";
import type { Diagnostic } from "../../syntax/diagnostics";
import type { FlowModel } from "../model";
import { budgetShapeDiagnostics, expectedRateDiagnostics } from "./advice";
import { namedArgDiagnostics } from "./counts";
import { metricDiagnostics } from "./metrics";
import { reachDiagnostics } from "./reach";
import { rejectedDiagnostics } from "./rejected";
import { selectDiagnostics } from "./select";
import type { NumberedStreams } from "./walk";

/** Every check's diagnostics, added to `sink`. */
export function semanticChecks(model: FlowModel, catalog: Catalog, numbered: NumberedStreams, sink: Diagnostic[]): void {
  for (const found of [
    metricDiagnostics(catalog, numbered),
    namedArgDiagnostics(model),
    selectDiagnostics(model),
    rejectedDiagnostics(numbered),
    reachDiagnostics(numbered),
    expectedRateDiagnostics(model),
    budgetShapeDiagnostics(model),
  ]) {
    for (const d of found) sink.push(d);
  }
}
