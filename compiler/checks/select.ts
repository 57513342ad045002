// FLOW209: a select keeps `pick` of the variants one call produced for one item, so its source
// must be a node with variants > 1, and it cannot pick more than there are.
import { diag, type Diagnostic } from "../../syntax/diagnostics";
import type { FlowModel } from "../model";
import { article } from "../graph";

export function selectDiagnostics(model: FlowModel): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (let i = 0; i < model.streams.length; i++) {
    const select = model.streams[i]!;
    if (select.kind !== "select" || select.decl.kind !== "select") continue;
    const source = model.byName.get(select.source);
    const sourceRange = select.decl.source.range;
    const need = "a select needs a node with variants > 1";
    if (!source) continue; // FLOW201
    if (source.kind !== "node") out.push(diag("FLOW209", `select source '${source.name}' is ${article(source.decl.kind)}: ${need}`, sourceRange));
    else if (source.variants <= 1) out.push(diag("FLOW209", `select source '${source.name}' has 1 variant: ${need}`, sourceRange));
    else if (select.pick > source.variants && select.decl.pick) {
      out.push(diag("FLOW209", `pick ${select.pick} is more than the ${source.variants} variants of '${source.name}'`, select.decl.pick.range));
    }
  }
  return out;
}
