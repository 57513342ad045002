// `flowc calibrate`: the threshold found, the confusion matrix, the pass rate it implies, and, with
// `--write`, the flow's figures before and after.
import type { Calibration, Outcome } from "../../compiler/calibrate";
import type { Decimal } from "../../syntax/credits";
import { formatExact } from "../../syntax/credits";
import { credits, expectedText, percent } from "./cost-figures";
import { type JsonValue, exactNumber, roundedNumber, writeJson } from "./json-writer";
import { displayPath } from "./paths";
import { renderTable } from "./table";
import { plural } from "./text";

export interface WrittenFlow {
  file: string;
  before: { worstCase: Decimal; expected: Decimal };
  after: { worstCase: Decimal; expected: Decimal };
  /** whether the formatter laid out the result */
  formatted: boolean;
}

function condText(c: Calibration, threshold: Decimal): string {
  return `${c.cond.source}.${c.cond.metric} ${c.cond.op} ${formatExact(threshold)}`;
}

function rateLine(o: Outcome, c: Calibration): string {
  return `passes ${o.confusion.goodPass} of ${c.good} good items (${percent(o.goodPassRate)}) and fails ${o.confusion.badFail} of ${c.bad} bad ones (${percent(o.badFailRate)})`;
}

function verdict(c: Calibration): string {
  const target = percent(c.target);
  if (c.meetsTarget) return `both at least ${target}`;
  return `no threshold passes ${target} of the good items and fails ${target} of the bad ones: this is the best trade-off, the threshold that maximises the smaller of the two rates`;
}

function matrix(o: Outcome): string[] {
  const rows = [
    ["good", String(o.confusion.goodPass), String(o.confusion.goodFail)],
    ["bad", String(o.confusion.badPass), String(o.confusion.badFail)],
  ];
  return renderTable(
    [
      { title: "", align: "left" },
      { title: "pass", align: "right" },
      { title: "fail", align: "right" },
    ],
    rows,
  );
}

function expectPassText(c: Calibration): string {
  const now = c.currentExpectPass === undefined ? "the gate gives none: 100%" : `the gate says ${formatExact(c.currentExpectPass)}%`;
  return `expect pass ${formatExact(c.expectPass)}% (${now})`;
}

export function formatCalibrationText(c: Calibration, written?: WrittenFlow, cwd = "."): string {
  const passing = c.best.confusion.goodPass + c.best.confusion.badPass;
  const lines = [
    `gate ${c.gate} (${condText(c, c.cond.threshold)}): ${plural(c.items, "labelled item")}, ${c.good} good, ${c.bad} bad`,
    "",
    `threshold ${formatExact(c.best.threshold)} ${rateLine(c.best, c)}: ${verdict(c)}`,
    "",
    ...matrix(c.best).map((l) => `  ${l}`),
    "",
    `pass rate ${percent(c.best.passRate)} (${passing} of ${c.items} items): ${expectPassText(c)}`,
    `now: threshold ${formatExact(c.current.threshold)} ${rateLine(c.current, c)}`,
  ];
  if (written) lines.push("", ...writtenLines(c, written, cwd));
  else lines.push("", "--write sets the threshold and `expect pass` in the flow");
  return lines.join("\n") + "\n";
}

function writtenLines(c: Calibration, w: WrittenFlow, cwd: string): string[] {
  const how = w.formatted ? "" : " (not formatted: the formatter refused the result)";
  return [
    `wrote ${displayPath(w.file, cwd)}: ${condText(c, c.best.threshold)}, expect pass ${formatExact(c.expectPass)}%${how}`,
    `worst case ${credits(w.before.worstCase)} → ${credits(w.after.worstCase)}`,
    `expected ${expectedText(w.before.expected)} → ${expectedText(w.after.expected)} credits`,
  ];
}

function outcomeJson(o: Outcome): JsonValue {
  return {
    threshold: exactNumber(o.threshold),
    goodPass: o.confusion.goodPass,
    goodFail: o.confusion.goodFail,
    badPass: o.confusion.badPass,
    badFail: o.confusion.badFail,
    goodPassRate: roundedNumber(o.goodPassRate),
    badFailRate: roundedNumber(o.badFailRate),
    passRate: roundedNumber(o.passRate),
  };
}

export function calibrationJson(file: string, c: Calibration, written: WrittenFlow | undefined, cwd: string): string {
  const figures = (f: WrittenFlow["before"]) => ({ worstCase: exactNumber(f.worstCase), expected: roundedNumber(f.expected) });
  return (
    writeJson({
      file: displayPath(file, cwd),
      gate: c.gate,
      source: c.cond.source,
      metric: c.cond.metric,
      comparison: c.cond.op,
      items: c.items,
      good: c.good,
      bad: c.bad,
      target: roundedNumber(c.target),
      meetsTarget: c.meetsTarget,
      best: outcomeJson(c.best),
      current: outcomeJson(c.current),
      // a fraction of 1, as every share and rate in JSON (syntax/figures.ts): 0.935 for `expect pass 93.5%`
      expectPass: roundedNumber(c.expectPass.div(100)),
      written: written ? { before: figures(written.before), after: figures(written.after), formatted: written.formatted } : null,
    }) + "\n"
  );
}
