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

export function semanticChecks(model: FlowModel, catalog: Catalog): Diagnostic[] {
  return [
    ...metricDiagnostics(model, catalog),
    ...namedArgDiagnostics(model),
    ...selectDiagnostics(model),
    ...rejectedDiagnostics(model),
    ...reachDiagnostics(model),
    ...expectedRateDiagnostics(model),
    ...budgetShapeDiagnostics(model),
  ];
}
