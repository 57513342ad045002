// FLOW213: `.rejected` of a gate or review that explicitly discards its rejected items reads a
// stream that never holds anything.
import { diag, type Diagnostic } from "../../syntax/diagnostics";
import type { NumberedStreams } from "./walk";

export function rejectedDiagnostics({ graph, streams }: NumberedStreams): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { refs, streams: targets } = graph.rejectedReads;
  for (let i = 0; i < refs.length; i++) {
    const target = streams[targets[i]!]!;
    if (target.kind !== "gate" || !target.discards) continue;
    const how = target.retry ? "'then discard'" : "'else discard'";
    out.push(diag("FLOW213", `'${target.name}' discards its rejected items (${how}): '${target.name}.rejected' is always empty`, refs[i]!.rejected!));
  }
  return out;
}
