// FLOW407: a node whose items reach no `output` spends credits for nothing. A stream is useful
// when it is an output, or a useful stream reads it (primary input, gate source, select source or
// named argument).
import { diag, type Diagnostic } from "../../syntax/diagnostics";
import type { FlowModel } from "../model";
import { readsOf } from "./walk";

export function reachDiagnostics(model: FlowModel): Diagnostic[] {
  const useful = new Set(model.outputs.map((o) => o.name));
  // Readers come after what they read: walking backwards settles every reader first.
  for (const stream of [...model.streams].reverse()) {
    if (useful.has(stream.name)) readsOf(stream).forEach((name) => useful.add(name));
  }
  return model.streams
    .filter((s) => s.kind === "node" && !useful.has(s.name))
    .map((s) => diag("FLOW407", `node '${s.name}' reaches no output: its credits are wasted`, s.decl.name.range));
}
