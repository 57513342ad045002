// Every quick fix, applied to the samples, the contract's flows and the lint fixtures, gives a flow
// that parses and checks without errors, is clean of the lint it fixes (for that node), and for
// FLOW401/FLOW402/FLOW406 spends less by exactly the figure the message gave (FLOW404: the --warm
// worst case falls by it). The figures were computed on a copy of the model; here they are
// checked against the edited text, analysed from scratch.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { applyFixes } from "../compiler/fixes";
import type { Diagnostic, TextEdit } from "../syntax/diagnostics";
import { formatExact } from "../syntax/credits";
import { positionAt } from "../grammar/index";
import { ROOT } from "./cli-spawn";
import { analyse, contractFlows, flowsIn, statedFigure, subject, type FlowSource } from "./lints-helpers";

const sources: FlowSource[] = [...flowsIn("samples"), ...contractFlows, ...flowsIn("test/fixtures/lints"), ...flowsIn("test/fixtures/fixes")];

const fixable = sources.flatMap((source) =>
  analyse(source.file, source.text)
    .diagnostics.filter((d) => d.fix)
    .map((d) => [`${source.name}: ${d.code} on '${subject(d)}'`, source, d] as const),
);

describe("every fix", () => {
  test("there are fixes of every kind to try", () => {
    const codes = new Set(fixable.map(([, , d]) => d.code));
    expect([...codes].sort()).toEqual(["FLOW301", "FLOW302", "FLOW303", "FLOW304", "FLOW305", "FLOW401", "FLOW402", "FLOW404", "FLOW406", "FLOW408"]);
  });

  test.each(fixable)("%s", (_, source, d: Diagnostic) => {
    const before = analyse(source.file, source.text);
    const fixed = applyFixes(source.text, d.fix!.edits);
    const after = analyse(source.file, fixed);
    expect(after.diagnostics.filter((x) => x.severity === "error")).toEqual([]);
    expect(after.diagnostics.filter((x) => x.code === d.code && subject(x) === subject(d))).toEqual([]);
    if (d.code === "FLOW401" || d.code === "FLOW402" || d.code === "FLOW406") {
      const saved = before.cost!.expected.minus(after.cost!.expected);
      expect(saved.gt(0)).toBe(true);
      expect(formatExact(saved.toDecimalPlaces(12))).toBe(formatExact(statedFigure(d)));
    }
    if (d.code === "FLOW404") {
      const warmBefore = analyse(source.file, source.text, { warm: true }).cost!.worstCase;
      const warmAfter = analyse(source.file, fixed, { warm: true }).cost!.worstCase;
      expect(formatExact(warmBefore.minus(warmAfter))).toBe(formatExact(statedFigure(d)));
    }
  });
});

describe("the contract's deferred upscaling", () => {
  const sample = (name: string) => readFileSync(path.join(ROOT, "samples", name), "utf8");
  const file = path.join(ROOT, "samples", "upscale_first.flow");

  test("FLOW401 on upscale_first gives the contract's figures, with no fix: its output names the review", () => {
    const lint = analyse(file, sample("upscale_first.flow")).diagnostics.find((d) => d.code === "FLOW401");
    expect(lint?.message).toContain("saves 293.60128 credits of expected spend (629.1456 → 335.54432)");
    expect(lint?.fix).toBeUndefined();
    expect(lint?.notes).toEqual([
      "no quick fix: 'output ok' would then deliver the items 'up' reads rather than its own; to make the move, have 'up' read 'ok' and output 'up' instead",
    ]);
  });

  test("the move its note describes turns upscale_first into review_first: the same costs, node by node", () => {
    const moved = sample("upscale_first.flow")
      .replace("node up = upscale(draft)", "node up = upscale(ok)")
      .replace("review ok = up by human", "review ok = draft by human")
      .replace("output ok", "output up");
    const fixed = analyse(file, moved).cost!;
    const reviewFirst = analyse(path.join(ROOT, "samples", "review_first.flow"), sample("review_first.flow")).cost!;
    const rows = (c: typeof fixed) => c.nodes.map((n) => [n.name, formatExact(n.worstCase), formatExact(n.expected)]);
    expect(rows(fixed)).toEqual(rows(reviewFirst));
    expect(formatExact(fixed.expected)).toBe("335.54432");
  });
});

describe("applyFixes", () => {
  const text = "abcdef";
  const edit = (start: number, end: number, replacement: string): TextEdit => ({ range: { start: positionAt(text, start), end: positionAt(text, end) }, text: replacement });

  test("applies edits given in any order, each against the original text", () => {
    expect(applyFixes(text, [edit(4, 5, "E"), edit(0, 1, "AA"), edit(2, 2, "+")])).toBe("AAb+cdEf");
  });

  test("insertions at one offset keep their order", () => {
    expect(applyFixes(text, [edit(3, 3, "1"), edit(3, 3, "2"), edit(3, 4, "D")])).toBe("abc12Def");
  });

  test("overlapping edits are refused", () => {
    expect(() => applyFixes(text, [edit(1, 4, "x"), edit(3, 5, "y")])).toThrow(/overlapping edits/);
  });

  test("no edits: the text as it was", () => {
    expect(applyFixes(text, [])).toBe(text);
  });
});
