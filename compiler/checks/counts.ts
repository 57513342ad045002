// FLOW207: a named argument passes one item to every call, so its stream must hold at most one.
import { diag, type Diagnostic } from "../../syntax/diagnostics";
import type { FlowModel } from "../model";
import { maxCounts } from "../pricing/counts";

export function namedArgDiagnostics(model: FlowModel): Diagnostic[] {
  let counts: Map<string, bigint> | undefined; // only flows with named arguments need them
  const out: Diagnostic[] = [];
  for (let i = 0; i < model.streams.length; i++) {
    const stream = model.streams[i]!;
    if (stream.kind !== "node" || stream.named.length === 0 || stream.decl.kind !== "node") continue;
    counts ??= maxCounts(model);
    for (const arg of stream.decl.args) {
      const count = counts.get(arg.ref.name.text);
      if (arg.kind !== "named" || count === undefined || count <= 1n) continue;
      out.push(diag("FLOW207", `named argument '${arg.name.text}' must be a single item: '${arg.ref.name.text}' holds up to ${count} items`, arg.ref.range));
    }
  }
  return out;
}
