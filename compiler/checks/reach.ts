// FLOW407: a node whose items reach no `output` spends credits for nothing. A stream is useful
// when it is an output, or a useful stream reads it (primary input, gate source, select source or
// named argument).
import { diag, type Diagnostic } from "../../syntax/diagnostics";
import type { NumberedStreams } from "./walk";

export function reachDiagnostics({ graph, streams }: NumberedStreams): Diagnostic[] {
  const useful = new Uint8Array(streams.length);
  const outputs = graph.outputs.streams;
  for (let i = 0; i < outputs.length; i++) if (outputs[i]! >= 0) useful[outputs[i]!] = 1;
  // Readers come after what they read: walking backwards settles every reader first.
  for (let i = graph.order.length - 1; i >= 0; i--) {
    const n = graph.order[i]!;
    if (!useful[n]) continue;
    const primary = graph.primary[n]!;
    if (primary >= 0) useful[primary] = 1;
    const stream = streams[n]!;
    if (stream.kind !== "node" || stream.named.length === 0) continue;
    for (const arg of stream.named) {
      const read = graph.numbers.get(arg.ref.name);
      if (read !== undefined) useful[read] = 1;
    }
  }
  const out: Diagnostic[] = [];
  for (let i = 0; i < graph.order.length; i++) {
    const n = graph.order[i]!;
    const s = streams[n]!;
    if (s.kind === "node" && !useful[n]) out.push(diag("FLOW407", `node '${s.name}' reaches no output: its credits are wasted`, s.decl.name.range));
  }
  return out;
}
