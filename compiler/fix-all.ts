// Applying quick fixes the way `flowc check --fix` and the language server both do, so that they
// make exactly the same edits:
// - one fix (a code action): its edits, and when the file was in the formatter's canonical form,
//   the formatter run over the result so it stays canonical (comments kept); the change is given
//   back as line edits (`quickFixEdits`);
// - every preferred fix (`--fix`, the "fix all" code action): rounds of the fixes that do not
//   overlap, each round analysed again, until no preferred fix is left (`fixAll`). Fixes that
//   change the spend go first; the cap fixes (FLOW301–FLOW305), which size the cap by the expected
//   spend, wait for a round without them. A round whose result would break what a fix must keep
//   (fix-invariants.ts) is not applied: that would be a bug in a lint, and the outcome says so.
import { diffLines } from "diff";
import type { Diagnostic, TextEdit } from "../syntax/diagnostics";
import type { FileAnalysis } from "./index";
import { applyFixes } from "./fixes";
import { formatFlow, isFormatted } from "./format/index";
import { meaningChanges } from "./fix-invariants";
import { SourceText } from "./lints/edits";

/** As eslint: enough rounds for fixes that uncover others; flowc's lints settle within three. */
export const MAX_FIX_ROUNDS = 10;

const CAP_CODES = new Set(["FLOW301", "FLOW302", "FLOW303", "FLOW304", "FLOW305"]);

export type Analyse = (text: string) => FileAnalysis;

export interface FixOutcome {
  /** the text with every fix applied */
  text: string;
  /** the analysis of that text */
  analysis: FileAnalysis;
  /** the diagnostics whose fixes were applied, round by round */
  rounds: Diagnostic[][];
  /** a round that was left out because it would have changed the flow's meaning (a bug in flowc) */
  refused?: { fixes: Diagnostic[]; problems: string[] };
}

/** The preferred fixes of the analysed file itself (not of its imports), in diagnostic order. */
export function preferredFixes(analysis: FileAnalysis): Diagnostic[] {
  return analysis.diagnostics.filter((d) => d.fix && d.fix.preferred !== false && (d.file === undefined || d.file === analysis.file));
}

export function fixAll(text: string, analyse: Analyse, maxRounds = MAX_FIX_ROUNDS): FixOutcome {
  const canonical = isFormatted(text);
  let analysis = analyse(text);
  const rounds: Diagnostic[][] = [];
  while (rounds.length < maxRounds) {
    const fixes = roundOf(preferredFixes(analysis));
    if (fixes.length === 0) break;
    const next = settle(analysis.text, fixes.flatMap((d) => d.fix!.edits), canonical);
    if (next === analysis.text) break;
    const after = analyse(next);
    const problems = meaningChanges(analysis, after);
    if (problems.length > 0) return { text: analysis.text, analysis, rounds, refused: { fixes, problems } };
    rounds.push(fixes);
    analysis = after;
  }
  return { text: analysis.text, analysis, rounds };
}

/**
 * The fixes one round applies: the spend-changing ones when there are any, else the cap fixes;
 * each once (two diagnostics may offer the same edit), none overlapping an earlier one.
 */
function roundOf(fixes: Diagnostic[]): Diagnostic[] {
  const spend = fixes.filter((d) => !CAP_CODES.has(d.code));
  const chosen: Diagnostic[] = [];
  const taken: TextEdit[] = [];
  const seen = new Set<string>();
  for (const d of spend.length > 0 ? spend : fixes) {
    const key = JSON.stringify(d.fix!.edits.map((e) => [e.range.start.offset, e.range.end.offset, e.text]));
    if (seen.has(key) || d.fix!.edits.some((e) => taken.some((t) => overlaps(e, t)))) continue;
    seen.add(key);
    chosen.push(d);
    taken.push(...d.fix!.edits);
  }
  return chosen;
}

/** Two edits that cannot both apply: their ranges share text (insertions at one point can, in order). */
function overlaps(a: TextEdit, b: TextEdit): boolean {
  return a.range.start.offset < b.range.end.offset && b.range.start.offset < a.range.end.offset;
}

/** The edits applied, then the formatter when the file was canonical. */
function settle(text: string, edits: readonly TextEdit[], canonical: boolean): string {
  const fixed = applyFixes(text, edits);
  if (!canonical) return fixed;
  const formatted = formatFlow(fixed);
  return formatted.diagnostics.length === 0 ? formatted.text : fixed;
}

/** The edits of one fix as a code action makes them: through the formatter when the file is canonical. */
export function quickFixEdits(text: string, edits: readonly TextEdit[], canonical = isFormatted(text)): TextEdit[] {
  if (!canonical) return [...edits];
  return editsBetween(text, settle(text, edits, true));
}

/** Line edits that turn `before` into `after`: one per run of changed lines. */
export function editsBetween(before: string, after: string): TextEdit[] {
  const source = new SourceText(before);
  const edits: TextEdit[] = [];
  let offset = 0;
  let pending: { start: number; end: number; text: string } | undefined;
  for (const change of diffLines(before, after)) {
    if (!change.added && !change.removed) {
      if (pending) edits.push({ range: source.range(pending.start, pending.end), text: pending.text });
      pending = undefined;
      offset += change.value.length;
      continue;
    }
    pending ??= { start: offset, end: offset, text: "" };
    if (change.removed) {
      offset += change.value.length;
      pending.end = offset;
    } else pending.text += change.value;
  }
  if (pending) edits.push({ range: source.range(pending.start, pending.end), text: pending.text });
  return edits;
}
