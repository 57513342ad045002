// FLOW407: a node whose items reach no `output` spends credits for nothing. A stream is useful
// when it is an output, or a useful stream reads it (primary input, gate source, select source or
// named argument).
import { diag, type Diagnostic } from "../../syntax/diagnostics";
import type { FlowModel } from "../model";
import { primaryOf } from "./walk";

export function reachDiagnostics(model: FlowModel): Diagnostic[] {
  const useful = new Set(model.outputs.map((o) => o.name));
  // Readers come after what they read: walking backwards settles every reader first.
  for (let i = model.streams.length - 1; i >= 0; i--) {
    const stream = model.streams[i]!;
    if (!useful.has(stream.name)) continue;
    const primary = primaryOf(stream);
    if (primary !== undefined) useful.add(primary);
    if (stream.kind === "node") for (const arg of stream.named) useful.add(arg.ref.name);
  }
  const out: Diagnostic[] = [];
  for (const s of model.streams) {
    if (s.kind === "node" && !useful.has(s.name)) out.push(diag("FLOW407", `node '${s.name}' reaches no output: its credits are wasted`, s.decl.name.range));
  }
  return out;
}
