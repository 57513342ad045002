// Gate calibration: from metric values labelled good or bad, the threshold of a gate's condition
// that best separates them — one that passes at least 90% of the good items and fails at least 90%
// of the bad ones when there is one; otherwise the best trade-off, the threshold that maximises the
// smaller of the two rates — with its confusion matrix and the pass rate it implies for
// `expect pass`. Pure: text in, figures and text edits out.
import { parse as parseCsv } from "csv-parse/sync";
import type { Comparison, Cond, FlowFile, GateDecl, Range } from "../syntax/ast";
import { Decimal, ZERO } from "../syntax/credits";
import { percentValue } from "../syntax/figures";
import type { TextEdit } from "../syntax/diagnostics";
import type { FlowModel } from "./model";
import { producerOf } from "./checks/walk";

export interface Labelled {
  value: Decimal;
  good: boolean;
}

export interface Confusion {
  goodPass: number;
  goodFail: number;
  badPass: number;
  badFail: number;
}

export interface Outcome {
  threshold: Decimal;
  confusion: Confusion;
  /** share of the good items that pass, of the bad items that fail, of all items that pass */
  goodPassRate: Decimal;
  badFailRate: Decimal;
  passRate: Decimal;
}

export interface Calibration {
  gate: string;
  /** the condition calibrated: `qc.sharpness >= 0.6` */
  cond: { source: string; metric: string; op: Comparison; threshold: Decimal };
  items: number;
  good: number;
  bad: number;
  target: Decimal;
  /** the condition as it stands */
  current: Outcome;
  best: Outcome;
  /** both rates of `best` reach the target */
  meetsTarget: boolean;
  /** `expect pass` as written for `best`: the pass rate in percent, one decimal at most */
  expectPass: Decimal;
  /** the gate's `expect pass` as it stands, in percent */
  currentExpectPass?: Decimal;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

// ---------------------------------------------------------------------------------------------
// Labels: CSV with a header naming `value` and `label` columns, or a JSON array of objects.

const LABELS: Record<string, boolean> = { good: true, bad: false, "1": true, "0": false, pass: true, fail: false, true: true, false: false, yes: true, no: false };
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function labelOf(raw: unknown): boolean | undefined {
  return LABELS[String(raw).trim().toLowerCase()];
}

function valueOf(raw: unknown): Decimal | undefined {
  const text = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw.trim() : "";
  return NUMBER.test(text) ? new Decimal(text) : undefined;
}

const LABEL_WORDS = "good/bad, 1/0, pass/fail, true/false or yes/no";

/** Labelled values, and the gate's metric when the labels named its column by it. */
export type LabelsRead = { ok: true; value: Labelled[]; metric?: string } | { ok: false; error: string };

/**
 * Reads labelled values: JSON when the text starts with `[` or `{`, else CSV. The values' column (or
 * key) is `value`, or one of `metrics` (the gate's, so that `sharpness,label` reads as it says).
 */
export function parseLabels(text: string, metrics: readonly string[] = []): LabelsRead {
  const body = text.replace(/^\uFEFF/, "");
  return /^\s*[[{]/.test(body) ? parseJsonLabels(body, metrics) : parseCsvLabels(body, metrics);
}

/** The key holding the values: `value`, else the first of the gate's metrics present. */
function valueKey(keys: readonly string[], metrics: readonly string[]): string | undefined {
  return keys.includes("value") ? "value" : metrics.find((m) => keys.includes(m.toLowerCase()))?.toLowerCase();
}

function metricNamed(key: string | undefined, metrics: readonly string[]): string | undefined {
  return key === undefined || key === "value" ? undefined : metrics.find((m) => m.toLowerCase() === key);
}

function columnsText(metrics: readonly string[]): string {
  return ["'value'", ...metrics.map((m) => `'${m}'`)].join(" or ");
}

function parseJsonLabels(text: string, metrics: readonly string[]): LabelsRead {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(data)) return fail("expected a JSON array of { \"value\": …, \"label\": … } objects");
  const items: Labelled[] = [];
  let key: string | undefined;
  for (const [i, entry] of data.entries()) {
    const record = Object.fromEntries(Object.entries((entry ?? {}) as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), v]));
    key ??= valueKey(Object.keys(record), metrics) ?? "value";
    const value = valueOf(record[key]);
    const good = labelOf(record.label);
    if (value === undefined) return fail(`item ${i + 1}: "${key}" must be a number, got ${JSON.stringify(record[key])}`);
    if (good === undefined) return fail(`item ${i + 1}: "label" must be ${LABEL_WORDS}, got ${JSON.stringify(record.label)}`);
    items.push({ value, good });
  }
  const metric = metricNamed(key, metrics);
  return { ok: true, value: items, ...(metric ? { metric } : {}) };
}

/** CSV as RFC 4180 reads it (quoted cells, commas and line breaks inside quotes), through csv-parse. */
function csvRecords(text: string): Result<{ cells: string[]; line: number }[]> {
  try {
    const rows = parseCsv(text, { info: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as unknown as { record: string[]; info: { lines: number } }[];
    return { ok: true, value: rows.map((r) => ({ cells: r.record, line: r.info.lines })) };
  } catch (error) {
    return fail(`not valid CSV: ${(error as Error).message}`);
  }
}

function parseCsvLabels(text: string, metrics: readonly string[]): LabelsRead {
  const records = csvRecords(text);
  if (!records.ok) return records;
  const [header, ...rows] = records.value;
  if (!header) return fail("the labels file is empty");
  const names = header.cells.map((c) => c.toLowerCase());
  const key = valueKey(names, metrics);
  const labelAt = names.indexOf("label");
  if (key === undefined || labelAt < 0) return fail(`line ${header.line}: expected a header naming the columns ${columnsText(metrics)}, and 'label' (such as value,label)`);
  const valueAt = names.indexOf(key);
  const items: Labelled[] = [];
  for (const row of rows) {
    const value = valueOf(row.cells[valueAt]);
    const good = labelOf(row.cells[labelAt] ?? "");
    if (value === undefined) return fail(`line ${row.line}: '${row.cells[valueAt] ?? ""}' is not a number`);
    if (good === undefined) return fail(`line ${row.line}: the label '${row.cells[labelAt] ?? ""}' is not ${LABEL_WORDS}`);
    items.push({ value, good });
  }
  const metric = metricNamed(key, metrics);
  return { ok: true, value: items, ...(metric ? { metric } : {}) };
}

// ---------------------------------------------------------------------------------------------
// The search: every way of cutting the sorted distinct values, each with the roundest threshold
// that makes that cut, scored by the smaller of the two rates.

export interface CalibrateOptions {
  /** the condition's metric, when the gate has several conditions */
  metric?: string;
  /** the share of good items to pass and of bad items to fail (default 0.9) */
  target?: Decimal;
}

/** The gate's declaration, or why the name is not one. */
export function lookupGate(ast: FlowFile, name: string): Result<GateDecl> {
  const decl = ast.flow?.decls.find((d) => "name" in d && d.name.text === name);
  if (!decl) return fail(`the flow has no gate '${name}'`);
  if (decl.kind === "review") return fail(`'${name}' is a review: a person decides it, there is no threshold to calibrate`);
  if (decl.kind !== "gate") return fail(`'${name}' is ${decl.kind === "input" ? "an" : "a"} ${decl.kind}, not a gate`);
  return { ok: true, value: decl };
}

export function calibrateGate(ast: FlowFile, model: FlowModel, gateName: string, items: readonly Labelled[], options: CalibrateOptions = {}): Result<Calibration> {
  const found = lookupGate(ast, gateName);
  if (!found.ok) return found;
  const decl = found.value;
  const cond = pickCond(decl, options.metric);
  if (!cond.ok) return cond;
  const good = items.filter((i) => i.good).length;
  const bad = items.length - good;
  if (good === 0 || bad === 0) return fail(`the labels need good and bad items (got ${good} good, ${bad} bad)`);
  const range = metricRange(model, cond.value);
  const target = options.target ?? new Decimal("0.9");
  const current = outcome(items, cond.value.op, new Decimal(cond.value.threshold.value));
  const best = bestCut(items, cond.value.op, range, current.threshold);
  const expectPass = percentValue(best.passRate);
  const given = decl.props.find((p) => p.kind === "expectPass");
  return {
    ok: true,
    value: {
      gate: gateName,
      cond: { source: cond.value.source.text, metric: cond.value.metric.text, op: cond.value.op, threshold: current.threshold },
      items: items.length,
      good,
      bad,
      target,
      current,
      best,
      meetsTarget: best.goodPassRate.gte(target) && best.badFailRate.gte(target),
      expectPass,
      ...(given?.kind === "expectPass" ? { currentExpectPass: new Decimal(given.percent.value) } : {}),
    },
  };
}

function pickCond(decl: GateDecl, metric: string | undefined): Result<Cond> {
  const conds = metric === undefined ? decl.conds : decl.conds.filter((c) => c.metric.text === metric);
  const listed = decl.conds.map((c) => c.metric.text).join(", ");
  if (conds.length === 1) return { ok: true, value: conds[0]! };
  if (metric !== undefined && conds.length === 0) return fail(`gate '${decl.name.text}' has no condition on '${metric}' (its metrics: ${listed})`);
  return fail(`gate '${decl.name.text}' has ${conds.length} conditions (${listed}): name the one to calibrate with --metric`);
}

/** the metric's range from the op of the node behind the gate's source */
function metricRange(model: FlowModel, cond: Cond): { min: Decimal; max: Decimal } | undefined {
  const origin = producerOf(model, cond.source.text);
  const range = origin?.kind === "node" ? origin.op.metrics[cond.metric.text] : undefined;
  return range ? { min: new Decimal(range.min), max: new Decimal(range.max) } : undefined;
}

function passes(value: Decimal, op: Comparison, threshold: Decimal): boolean {
  switch (op) {
    case ">=":
      return value.gte(threshold);
    case ">":
      return value.gt(threshold);
    case "<=":
      return value.lte(threshold);
    case "<":
      return value.lt(threshold);
  }
}

function outcome(items: readonly Labelled[], op: Comparison, threshold: Decimal): Outcome {
  const confusion: Confusion = { goodPass: 0, goodFail: 0, badPass: 0, badFail: 0 };
  for (const item of items) {
    const pass = passes(item.value, op, threshold);
    if (item.good) confusion[pass ? "goodPass" : "goodFail"]++;
    else confusion[pass ? "badPass" : "badFail"]++;
  }
  return rates(threshold, confusion);
}

function rates(threshold: Decimal, c: Confusion): Outcome {
  const ratio = (a: number, b: number) => (b === 0 ? ZERO : new Decimal(a).div(b));
  return {
    threshold,
    confusion: c,
    goodPassRate: ratio(c.goodPass, c.goodPass + c.goodFail),
    badFailRate: ratio(c.badFail, c.badPass + c.badFail),
    passRate: ratio(c.goodPass + c.badPass, c.goodPass + c.goodFail + c.badPass + c.badFail),
  };
}

/**
 * Cut j of the n sorted distinct values: for `>=`/`>` the items from the j-th value up pass, for
 * `<=`/`<` the j lowest values pass. The best cut has the largest smaller rate, then the largest
 * sum, then the threshold nearest the current one (no needless move), then the lowest.
 */
function bestCut(items: readonly Labelled[], op: Comparison, range: { min: Decimal; max: Decimal } | undefined, current: Decimal): Outcome {
  const values = distinctSorted(items.map((i) => i.value));
  let best: Outcome | undefined;
  for (let j = 0; j <= values.length; j++) {
    const threshold = thresholdFor(values[j - 1], values[j], op, range);
    if (threshold === undefined) continue;
    const candidate = outcome(items, op, threshold);
    if (!best || better(candidate, best, current)) best = candidate;
  }
  return best ?? outcome(items, op, current);
}

function better(a: Outcome, b: Outcome, current: Decimal): boolean {
  const minA = Decimal.min(a.goodPassRate, a.badFailRate);
  const minB = Decimal.min(b.goodPassRate, b.badFailRate);
  if (!minA.eq(minB)) return minA.gt(minB);
  const sumA = a.goodPassRate.plus(a.badFailRate);
  const sumB = b.goodPassRate.plus(b.badFailRate);
  if (!sumA.eq(sumB)) return sumA.gt(sumB);
  const distance = (o: Outcome) => o.threshold.minus(current).abs();
  if (!distance(a).eq(distance(b))) return distance(a).lt(distance(b));
  return a.threshold.lt(b.threshold);
}

function distinctSorted(values: Decimal[]): Decimal[] {
  const sorted = [...values].sort((a, b) => a.comparedTo(b));
  return sorted.filter((v, i) => i === 0 || !v.eq(sorted[i - 1]!));
}

/**
 * The roundest threshold between two neighbouring values that puts `below` on one side and
 * `above` on the other. `>=` and `<` include the upper end of the gap, `>` and `<=` the lower one.
 * Open ends stop at the metric's range; none when the gap is empty there.
 */
function thresholdFor(below: Decimal | undefined, above: Decimal | undefined, op: Comparison, range: { min: Decimal; max: Decimal } | undefined): Decimal | undefined {
  const upperIncluded = op === ">=" || op === "<";
  const lo = below ?? range?.min;
  const hi = above ?? range?.max;
  if (lo === undefined || hi === undefined) return undefined;
  const loIncluded = below === undefined || !upperIncluded;
  const hiIncluded = above === undefined || upperIncluded;
  const inside = (t: Decimal) =>
    (loIncluded ? t.gte(lo) : t.gt(lo)) && (hiIncluded ? t.lte(hi) : t.lt(hi)) && (!range || (t.gte(range.min) && t.lte(range.max)));
  if (lo.gt(hi)) return undefined;
  const middle = lo.plus(hi).div(2);
  const places = Math.max(lo.decimalPlaces(), hi.decimalPlaces()) + 1;
  for (let d = 0; d <= places; d++) {
    // the d-place numbers nearest the middle, nearest first
    const near = [Decimal.ROUND_HALF_EVEN, Decimal.ROUND_FLOOR, Decimal.ROUND_CEIL].map((mode) => middle.toDecimalPlaces(d, mode));
    const found = near.sort((a, b) => a.minus(middle).abs().comparedTo(b.minus(middle).abs())).find(inside);
    if (found) return found;
  }
  for (const t of [lo, hi]) if (inside(t)) return t;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Writing it back: the condition's threshold and the gate's `expect pass`, edited in place.

/** The edits that set the condition's threshold and the gate's `expect pass`; comments are untouched. */
export function calibrationEdits(text: string, decl: GateDecl, calibration: Calibration): TextEdit[] {
  const cond = decl.conds.find((c) => c.metric.text === calibration.cond.metric && c.source.text === calibration.cond.source)!;
  const percent = `${calibration.expectPass.toFixed()}%`;
  const edits: TextEdit[] = [{ range: cond.threshold.range, text: calibration.best.threshold.toFixed() }];
  const given = decl.props.find((p) => p.kind === "expectPass");
  if (given?.kind === "expectPass") edits.push({ range: given.percent.range, text: percent });
  else edits.push(insertExpectPass(text, decl, `expect pass ${percent}`));
  return edits;
}

/** `expect pass P%` as the first property of the gate's block, or a new block after its conditions. */
function insertExpectPass(text: string, decl: GateDecl, prop: string): TextEdit {
  const afterConds = decl.conds[decl.conds.length - 1]!.range.end;
  const open = openBrace(text, afterConds.offset, decl.range.end.offset);
  if (open < 0) return { range: { start: afterConds, end: afterConds }, text: ` { ${prop} }` };
  const at = positionAt(text, open + 1);
  // a block written over several lines gets the property on a line of its own
  const nextLine = /^[ \t]*\r?\n(?:[ \t]*\r?\n)*([ \t]*)/.exec(text.slice(open + 1, decl.range.end.offset));
  return { range: { start: at, end: at }, text: nextLine ? `\n${nextLine[1]}${prop}` : ` ${prop} ` };
}

/** the offset of the `{` between the conditions and the end of the gate, skipping comments; -1 when there is none */
function openBrace(text: string, from: number, to: number): number {
  let i = from;
  while (i < to) {
    if (text.startsWith("//", i)) {
      const newline = text.indexOf("\n", i);
      i = newline < 0 ? to : newline + 1;
    } else if (text.startsWith("/*", i)) {
      const close = text.indexOf("*/", i + 2);
      i = close < 0 ? to : close + 2;
    } else if (text[i] === "{") return i;
    else i++;
  }
  return -1;
}

function positionAt(text: string, offset: number): Range["start"] {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - (before.lastIndexOf("\n") + 1) + 1, offset };
}

/** Applies non-overlapping edits to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.range.start.offset - a.range.start.offset);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.range.start.offset) + e.text + out.slice(e.range.end.offset);
  return out;
}
