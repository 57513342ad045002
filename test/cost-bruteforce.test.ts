// The analyser's worst case against an independent brute-force enumeration of every execution of
// small random flows, and the analyser's witness replayed against the spec.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { analyzeFile } from "../compiler/index";
import { worstCaseTotal } from "../compiler/pricing/index";
import { arbitrarySpec, arbitrarySplitSpec, specToFlow, type FlowSpec } from "./helpers/random-flows";
import { bruteForceWorst, replayWitness } from "./helpers/enumerate";

const noImports = { readFile: () => undefined };

function analyse(spec: FlowSpec, warm: boolean) {
  const text = specToFlow(spec);
  const result = analyzeFile("random.flow", text, noImports, { warm });
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || !result.cost) throw new Error(`generated flow has errors:\n${text}\n${JSON.stringify(errors, null, 1)}`);
  return { text, cost: result.cost, model: result.model! };
}

const inCents = (credits: { times(n: number): { toFixed(): string } }) => Number(credits.times(100).toFixed());

describe("worst case against brute force", () => {
  for (const warm of [false, true]) {
    it(`equals the maximum over every execution (${warm ? "warm" : "cold"} cache)`, () => {
      fc.assert(
        fc.property(arbitrarySpec, (spec) => {
          const { text, cost, model } = analyse(spec, warm);
          const brute = bruteForceWorst(spec, warm);
          expect(inCents(cost.worstCase), text).toBe(brute);
          expect(worstCaseTotal(model, { warm }).equals(cost.worstCase), text).toBe(true);
        }),
        { numRuns: 150, seed: warm ? 7 : 11 },
      );
    });
  }

  it("equals the maximum over every execution with batches on both sides of gates, and its witness spends it", () => {
    fc.assert(
      fc.property(arbitrarySplitSpec, fc.boolean(), (spec, warm) => {
        const { text, cost } = analyse(spec, warm);
        expect(inCents(cost.worstCase), text).toBe(bruteForceWorst(spec, warm));
        expect(replayWitness(spec, cost.witness, warm), text).toBe(inCents(cost.worstCase));
      }),
      { numRuns: 60, seed: 23 },
    );
  });

  it("has a witness that, replayed, spends exactly the worst case", () => {
    fc.assert(
      fc.property(arbitrarySpec, (spec) => {
        const { text, cost } = analyse(spec, false);
        expect(replayWitness(spec, cost.witness, false), text).toBe(inCents(cost.worstCase));
      }),
      { numRuns: 150, seed: 3 },
    );
  });
});
