// FLOW301–FLOW304 (the cap against the cost figures) and FLOW307/FLOW308 (CLI limits).
import { describe, expect, it } from "vitest";
import { budgetDiagnostics, limitDiagnostics } from "../compiler/budget-checks";
import { dec, ZERO } from "../syntax/credits";
import type { CostReport } from "../compiler/cost-report";
import type { FlowModel } from "../compiler/model";
import { analyzeCost } from "../compiler/cost";
import { check, formatDiagnostic } from "./checks-helpers";
import { CAMPAIGN } from "./checks-contract-flows";

function report(worstCase: string, expected: string): CostReport {
  return {
    flow: "f",
    warm: false,
    worstCase: dec(worstCase),
    expected: dec(expected),
    nodes: [],
    topTwoShare: ZERO,
    witness: { inputs: [], gates: [], nodes: [] },
  };
}

function modelWith(budget: string): FlowModel {
  const result = check(`flow f {
  input shots: image[3]
  ${budget}
  node a = generate(shots) { cost 1 credit }
  output a
}`);
  return result.model!;
}

const lines = (model: FlowModel, worst: string, expected: string): string[] =>
  budgetDiagnostics(model, report(worst, expected)).map((d) => `${d.severity} ${formatDiagnostic(d)}`);

describe("budgetDiagnostics", () => {
  it("campaign: worst case over the cap (FLOW301) and a cap far above the expected (FLOW304)", () => {
    const model = check(CAMPAIGN).model!;
    expect(lines(model, "902.2896", "272.0257216")).toEqual([
      "warning FLOW301 8:5-8:20 worst case 902.2896 credits exceeds the cap of 900 credits",
      "hint FLOW304 8:5-8:20 the cap of 900 credits is 330.9% of the expected 272.0257216 credits: a runaway run may spend far more than usual",
    ]);
  });

  it("campaign through the cost analysis: the contract's figures", () => {
    const model = check(CAMPAIGN).model!;
    const found = budgetDiagnostics(model, analyzeCost(model, { warm: false }));
    expect(found.map((d) => d.message)).toEqual([
      "worst case 902.2896 credits exceeds the cap of 900 credits",
      "the cap of 900 credits is 330.9% of the expected 272.0257216 credits: a runaway run may spend far more than usual",
    ]);
  });

  const capped = modelWith("budget { cap 900 credits }");
  const where = "3:12-3:27";

  it.each([
    ["worst case over, expected comfortable", "950", "700", [`warning FLOW301 ${where} worst case 950 credits exceeds the cap of 900 credits`]],
    [
      "expected over the cap",
      "1000",
      "900.5",
      [
        `warning FLOW301 ${where} worst case 1000 credits exceeds the cap of 900 credits`,
        `error FLOW302 ${where} expected spend 900.5 credits exceeds the cap of 900 credits: normal runs would pause`,
      ],
    ],
    ["cap below 120% of expected", "800", "751", [`warning FLOW303 ${where} the cap of 900 credits is below 120% of the expected 751 credits: normal variance will pause runs`]],
    ["cap exactly 120% of expected", "800", "750", []],
    ["cap just above 130% of expected", "800", "692.3", [`hint FLOW304 ${where} the cap of 900 credits is 130.0% of the expected 692.3 credits: a runaway run may spend far more than usual`]],
    ["nothing expected", "0", "0", []],
    ["expected figures with many digits are rounded", "100", "1.123456789012345678", [`hint FLOW304 ${where} the cap of 900 credits is 80109.9% of the expected 1.123456789012 credits: a runaway run may spend far more than usual`]],
  ])("%s", (_label, worst, expected, want) => {
    expect(lines(capped, worst, expected)).toEqual(want);
  });

  it("accepts a cap of exactly 130% of the expected spend", () => {
    expect(lines(modelWith("budget { cap 1300 credits }"), "1300", "1000")).toEqual([]);
    expect(lines(modelWith("budget { cap 1300.1 credits }"), "1300", "1000").map((l) => l.split(" ")[1])).toEqual(["FLOW304"]);
  });

  it("makes FLOW301 an error under 'strict'", () => {
    const strict = modelWith("budget { cap 900 credits  strict }");
    expect(budgetDiagnostics(strict, report("901", "750")).map((d) => [d.code, d.severity])).toEqual([["FLOW301", "error"]]);
  });

  it("says nothing without a cap", () => {
    expect(lines(modelWith("budget { alert 10 credits }"), "1000", "1000")).toEqual([]);
    expect(lines(modelWith(""), "1000", "1000")).toEqual([]);
  });
});

describe("limitDiagnostics", () => {
  const range = check(CAMPAIGN).model!.decl.name.range;
  const cost = report("902.2896", "272.0257216");

  it("reports each limit exceeded, at the flow's name", () => {
    const found = limitDiagnostics(cost, { maxWorstCase: dec(900), maxExpected: dec(272) }, range).map(formatDiagnostic);
    expect(found).toEqual([
      "FLOW307 3:6-3:24 worst case 902.2896 credits exceeds --max-worst-case 900",
      "FLOW308 3:6-3:24 expected spend 272.0257216 credits exceeds --max-expected 272",
    ]);
  });

  it("accepts figures at the limit and absent limits", () => {
    expect(limitDiagnostics(cost, { maxWorstCase: dec("902.2896"), maxExpected: dec("272.0257216") }, range)).toEqual([]);
    expect(limitDiagnostics(cost, {}, range)).toEqual([]);
  });
});
