// The cost report works out its rows' order when first read (compiler/pricing/report.ts), and the
// lints read the rows before that: the top rows picked without sorting, and the rows worth a
// saving lint found from their integer figures. Both must be exactly what the sorted rows and
// the rows' decimals give.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Decimal } from "../syntax/credits";
import { analyzeFile } from "../compiler/index";
import type { CostReport } from "../compiler/cost-report";
import { priceFlow, topRows, unsortedRows } from "../compiler/pricing/index";
import { LintContext } from "../compiler/lints/context";
import { SAVING_LINTS, type LintSettings } from "../compiler/lints/settings";
import { arbitrarySpec, specToFlow } from "./helpers/random-flows";
import { benchDecls, toFlowText } from "../bench/generate";

const noImports = { readFile: () => undefined };

function analyzed(text: string) {
  const analysis = analyzeFile("random.flow", text, noImports, { lints: false });
  if (!analysis.model || !analysis.cost || !analysis.ast.flow) throw new Error("the flow has no figures");
  return { ...analysis, model: analysis.model, flow: analysis.ast.flow };
}

const fresh = (a: ReturnType<typeof analyzed>): CostReport => priceFlow(a.model, { warm: false }).report!;

const names = (rows: readonly { name: string }[]) => rows.map((r) => r.name);

describe("a report read before its rows are sorted", () => {
  test("gives the first rows of the sorted report, and every row", () => {
    fc.assert(
      fc.property(arbitrarySpec, fc.integer({ min: 1, max: 4 }), (spec, count) => {
        const a = analyzed(specToFlow(spec));
        const unsorted = fresh(a);
        const top = names(topRows(unsorted, count));
        const rows = names(unsortedRows(unsorted));
        const sorted = names(fresh(a).nodes);
        expect(top).toEqual(sorted.slice(0, count));
        expect([...rows].sort()).toEqual([...sorted].sort());
        expect(names(unsorted.nodes)).toEqual(sorted);
      }),
      { numRuns: 100, seed: 12 },
    );
  });

  test("gives the first rows of the sorted report where many rows tie on the worst case", () => {
    // the bench flow's rows share a few worst-case figures: the expected spend and the names decide
    const a = analyzed(toFlowText(benchDecls(400, 7)));
    for (let count = 1; count <= 6; count++) expect(names(topRows(fresh(a), count))).toEqual(names(fresh(a).nodes.slice(0, count)));
  });

  test("finds the rows worth a saving lint as the rows' decimals do", () => {
    const minSaving = fc.oneof(
      fc.constant(undefined),
      fc.tuple(fc.nat(40), fc.nat(99)).map(([whole, cents]) => ({ percent: new Decimal(`${whole}.${cents}`) })),
      fc.tuple(fc.nat(30), fc.nat(999)).map(([whole, milli]) => ({ credits: new Decimal(`${whole}.${milli}`) })),
    );
    fc.assert(
      fc.property(arbitrarySpec, minSaving, fc.nat(), fc.boolean(), (spec, min, pick, upTo) => {
        const a = analyzed(specToFlow(spec));
        const report = fresh(a);
        // a node's own expected spend as the minimum puts a row exactly on the bound
        const rows = unsortedRows(report);
        const onBound = rows.length > 0 && pick % 3 === 0 ? { credits: rows[pick % rows.length]!.expected } : undefined;
        const settings: LintSettings = {};
        if (onBound ?? min) for (const code of SAVING_LINTS) settings[code] = (onBound ?? min)!;
        // a copy is not the pricing core's own report: its rows are read as decimals
        const copy: CostReport = { ...report };
        const byUnits = new LintContext(a.model, report, a.ast, a.flow, a.text, [], settings);
        const byDecimals = new LintContext(a.model, copy, a.ast, a.flow, a.text, [], settings);
        for (const code of SAVING_LINTS) expect([...byUnits.rowsWorth(code, upTo).keys()].sort()).toEqual([...byDecimals.rowsWorth(code, upTo).keys()].sort());
      }),
      { numRuns: 100, seed: 12 },
    );
  });
});
