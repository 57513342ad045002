// The quick fix of FLOW408 (a gate or review without an expected rate; the check itself lives in
// checks/advice.ts, which has no source text): add `expect pass 50%` or `expect approve 50%`.
import type { FlowDecl, GateDecl, ReviewDecl } from "../../syntax/ast";
import type { Diagnostic } from "../../syntax/diagnostics";
import { SourceText } from "./edits";

/**
 * Without a rate the expected spend assumes every item passes, the least likely figure of all;
 * an even chance is a neutral start that the author then sets from what they see.
 */
export const DEFAULT_EXPECTED_RATE = "50%";

/** The diagnostics, with a fix on each FLOW408 of the flow. */
export function expectRateFixes(diagnostics: readonly Diagnostic[], flow: FlowDecl | undefined, text: string): Diagnostic[] {
  if (!diagnostics.some((d) => d.code === "FLOW408")) return [...diagnostics];
  const gates = new Map<number, GateDecl | ReviewDecl>();
  for (const d of flow?.decls ?? []) if (d.kind === "gate" || d.kind === "review") gates.set(d.name.range.start.offset, d);
  const source = new SourceText(text);
  return diagnostics.map((d) => {
    const decl = d.code === "FLOW408" && d.file === undefined ? gates.get(d.range.start.offset) : undefined;
    if (!decl) return d;
    const prop = `expect ${decl.kind === "gate" ? "pass" : "approve"} ${DEFAULT_EXPECTED_RATE}`;
    // A suggestion, not a preferred fix: the rate is the author's estimate to make, and 50% changes
    // the expected spend either way, so `flowc check --fix` leaves it to them.
    return { ...d, fix: { title: `add '${prop}'`, edits: [source.addProperty(decl, prop)], preferred: false } };
  });
}
