// What every preferred quick fix keeps (compiler/fix-invariants.ts), proven on the samples, the
// contract's flows, every test fixture and random flows: the outputs by name and the node behind
// each, every data dependency between nodes, and the worst case and expected spend (cold and
// --warm), which never rise. Each fix is applied alone, as a code action applies it; then all of
// them, round after round, as `flowc check --fix` does, which settles within three rounds.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { fixAll, preferredFixes, quickFixEdits } from "../compiler/fix-all";
import { meaningChanges } from "../compiler/fix-invariants";
import { applyFixes } from "../compiler/fixes";
import { isFormatted } from "../compiler/format/index";
import type { FileAnalysis } from "../compiler/index";
import type { Diagnostic } from "../syntax/diagnostics";
import { arbitraryMediaFlow } from "./helpers/media-flows";
import { arbitrarySpec, specToFlow } from "./helpers/random-flows";
import { analyse, contractFlows, flowsIn, subject, type FlowSource } from "./lints-helpers";

const MAX_ROUNDS = 3;

const sources: FlowSource[] = [
  ...flowsIn("samples"),
  ...contractFlows,
  ...flowsIn("test/fixtures/lints"),
  ...flowsIn("test/fixtures/checks"),
  ...flowsIn("test/fixtures/fixes"),
  ...flowsIn("test/fmt-fixtures"),
];

/** Whatever a fix broke, in words: the invariants, the --warm figures, and the diagnostic it fixes still there. */
function brokenBy(file: string, before: FileAnalysis, d: Diagnostic): string[] {
  const text = applyFixes(before.text, quickFixEdits(before.text, d.fix!.edits));
  const after = analyse(file, text);
  const problems = meaningChanges(before, after);
  const warm = (t: string) => analyse(file, t, { warm: true }).cost;
  const [warmBefore, warmAfter] = [warm(before.text), warm(text)];
  if (warmBefore && warmAfter && (warmAfter.worstCase.gt(warmBefore.worstCase) || warmAfter.expected.gt(warmBefore.expected))) problems.push("a --warm figure rose");
  if (after.diagnostics.some((x) => x.code === d.code && subject(x) === subject(d) && x.fix?.title === d.fix!.title)) problems.push(`${d.code} is still offered`);
  return problems.map((p) => `${d.code} '${d.fix!.title}': ${p}\n${text}`);
}

/** Every preferred fix alone, then all of them to the end: what broke, and how many rounds it took. */
function check(file: string, text: string): { problems: string[]; rounds: number; fixed: Set<string> } {
  const before = analyse(file, text);
  const fixes = preferredFixes(before);
  const problems = fixes.flatMap((d) => brokenBy(file, before, d));
  const outcome = fixAll(text, (t) => analyse(file, t));
  if (outcome.refused) problems.push(`a round was refused: ${outcome.refused.problems.join("; ")}`);
  problems.push(...meaningChanges(before, outcome.analysis).map((p) => `after --fix: ${p}\n${outcome.text}`));
  if (preferredFixes(outcome.analysis).length > 0) problems.push(`fixes left after ${outcome.rounds.length} rounds:\n${outcome.text}`);
  if (isFormatted(text) && !isFormatted(outcome.text)) problems.push(`no longer formatted:\n${outcome.text}`);
  return { problems, rounds: outcome.rounds.length, fixed: new Set(fixes.map((d) => d.code)) };
}

describe("preferred fixes keep the flow's meaning", () => {
  test.each(sources.map((s) => [s.name, s] as const))("%s", (_, source) => {
    const { problems, rounds } = check(source.file, source.text);
    expect(problems).toEqual([]);
    expect(rounds).toBeLessThanOrEqual(MAX_ROUNDS);
  });

  test("the samples and fixtures give fixes of every kind to try", () => {
    const codes = new Set(sources.flatMap((s) => preferredFixes(analyse(s.file, s.text)).map((d) => d.code)));
    expect([...codes].sort()).toEqual(["FLOW301", "FLOW302", "FLOW303", "FLOW304", "FLOW305", "FLOW401", "FLOW402", "FLOW404", "FLOW406"]);
  });
});

describe("on random flows", () => {
  test("flows with media: every fix keeps the meaning, and --fix settles within three rounds", () => {
    const tried = new Set<string>();
    fc.assert(
      fc.property(arbitraryMediaFlow, (text) => {
        const { problems, rounds, fixed } = check("/media.flow", text);
        fixed.forEach((code) => tried.add(code));
        expect(problems, text).toEqual([]);
        expect(rounds, text).toBeLessThanOrEqual(MAX_ROUNDS);
      }),
      { numRuns: 150, seed: 1313 },
    );
    for (const code of ["FLOW304", "FLOW305", "FLOW401", "FLOW402", "FLOW404", "FLOW406"]) expect(tried, code).toContain(code);
  });

  test("flows of quality checks with gates, retries, batches and selects: the same", () => {
    fc.assert(
      fc.property(arbitrarySpec, (spec) => {
        const text = specToFlow(spec);
        const { problems, rounds } = check("/random.flow", text);
        expect(problems, text).toEqual([]);
        expect(rounds, text).toBeLessThanOrEqual(MAX_ROUNDS);
      }),
      { numRuns: 60, seed: 1314 },
    );
  });
});
