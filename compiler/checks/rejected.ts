// FLOW213: `.rejected` of a gate or review that explicitly discards its rejected items reads a
// stream that never holds anything.
import type { Ref } from "../../syntax/ast";
import { diag, type Diagnostic } from "../../syntax/diagnostics";
import type { FlowModel } from "../model";

export function rejectedDiagnostics(model: FlowModel): Diagnostic[] {
  const out: Diagnostic[] = [];
  const check = (ref: Ref): void => {
    if (!ref.rejected) return;
    const target = model.byName.get(ref.name.text);
    if (target?.kind !== "gate" || !target.discards) return;
    const how = target.retry ? "'then discard'" : "'else discard'";
    out.push(diag("FLOW213", `'${target.name}' discards its rejected items (${how}): '${target.name}.rejected' is always empty`, ref.rejected));
  };
  for (const decl of model.decl.decls) {
    if (decl.kind === "node") for (const arg of decl.args) check(arg.ref);
    if (decl.kind === "review") check(decl.source);
    if (decl.kind === "output") decl.refs.forEach(check);
  }
  return out;
}
