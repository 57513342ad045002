// Property tests of the lints on small random flows (test/helpers/random-flows.ts: gates, reviews,
// retry chains, batches, variants, selects, fractional expected counts), with some inputs marked
// stable and some nodes made upscales: every fix gives a flow that checks without errors and
// without that lint on that node, and FLOW401's and FLOW406's savings (priced on a branch or the
// node alone) and FLOW404's fall of the --warm worst case are exactly what the fixed flow,
// analysed from scratch, spends less.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { applyFixes } from "../compiler/fixes";
import { Decimal, formatExact } from "../syntax/credits";
import { arbitrarySpec, specToFlow } from "./helpers/random-flows";
import { analyse, statedFigure, subject } from "./lints-helpers";

const FILE = "/random.flow";

/**
 * The random flow, with its inputs marked stable (work for FLOW404) and its unbatched nodes made
 * upscales (work for FLOW401) when asked.
 */
function flowText(spec: Parameters<typeof specToFlow>[0], stable: boolean, upscales = false): string {
  let text = specToFlow(spec);
  if (stable) text = text.replace(/(input \w+: image\[\d+\])/g, "$1 stable");
  if (upscales) text = text.replace(/= quality_check\(([^)]*)\) \{ (?![^}]*batch)/g, "= upscale($1) { ");
  return text;
}

describe("fixes on random flows", () => {
  test("every fix checks clean of its lint and saves what it said", () => {
    const tried = new Set<string>();
    fc.assert(
      fc.property(arbitrarySpec, fc.boolean(), fc.boolean(), (spec, stable, upscales) => {
        const text = flowText(spec, stable, upscales);
        const before = analyse(FILE, text);
        if (!before.cost) return;
        for (const d of before.diagnostics.filter((x) => x.fix)) {
          tried.add(d.code);
          const fixed = applyFixes(text, d.fix!.edits);
          const after = analyse(FILE, fixed);
          expect(after.diagnostics.filter((x) => x.severity === "error"), fixed).toEqual([]);
          expect(after.diagnostics.filter((x) => x.code === d.code && subject(x) === subject(d)), fixed).toEqual([]);
          if (d.code === "FLOW401" || d.code === "FLOW406") {
            expect(formatExact(before.cost.expected.minus(after.cost!.expected).toDecimalPlaces(12)), fixed).toBe(formatExact(statedFigure(d)));
          }
          if (d.code === "FLOW404") {
            const warm = (t: string) => analyse(FILE, t, { warm: true }).cost!.worstCase;
            expect(formatExact(warm(text).minus(warm(fixed))), fixed).toBe(formatExact(statedFigure(d)));
          }
        }
      }),
      { numRuns: 300, seed: 4242 },
    );
    expect(tried.size).toBe(3);
  });

  test("the lints never throw, and the credits at stake are positive", () => {
    fc.assert(
      fc.property(arbitrarySpec, fc.boolean(), fc.boolean(), (spec, stable, upscales) => {
        const analysis = analyse(FILE, flowText(spec, stable, upscales));
        for (const d of analysis.diagnostics.filter((x) => /^FLOW40[1-46]$/.test(x.code))) {
          const figures = [...d.message.matchAll(/([\d.]+) credits?\b/g)].map((m) => m[1]!);
          expect(figures.length, d.message).toBeGreaterThan(0);
          expect(new Decimal(figures[0]!).gt(0), d.message).toBe(true);
        }
      }),
      { numRuns: 300, seed: 99 },
    );
  });
});
