// Gate calibration (`flowc calibrate`): labels read from CSV and JSON, the threshold that passes at
// least 90% of the good items and fails at least 90% of the bad ones (or the best trade-off,
// checked against every possible threshold), and `--write` editing the flow in place.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { type Calibration, type Labelled, applyEdits, calibrateGate, calibrationEdits, lookupGate, parseLabels } from "../compiler/calibrate";
import { Decimal } from "../syntax/credits";
import type { Comparison } from "../syntax/ast";
import { formatFlow } from "../compiler/format/index";
import { analyze, cli, priced, tempDir } from "./diff-helpers";

const gateFlow = (cond: string, props = "{ expect pass 70% }") => `flow f {
  input xs: text[20]
  node draft = generate(xs) { cost 1 credit }
  node qc = quality_check(draft) { cost 0.05 credits }
  gate sharp = ${cond} ${props}
  output sharp
}
`;

const labels = (pairs: [string, boolean][]): Labelled[] => pairs.map(([v, good]) => ({ value: new Decimal(v), good }));

function calibrate(text: string, items: Labelled[], metric?: string): Calibration {
  const analysis = priced(text);
  const result = calibrateGate(analysis.ast, analysis.model, "sharp", items, { metric });
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

const passes = (v: Decimal, op: Comparison, t: Decimal) => (op === ">=" ? v.gte(t) : op === ">" ? v.gt(t) : op === "<=" ? v.lte(t) : v.lt(t));

describe("labels", () => {
  test("CSV: a header naming value and label, in any order, other columns ignored; every label spelling", () => {
    const read = parseLabels("\uFEFFid,label,value\n1,good,0.9\n2,BAD,0.1\n\n3,1,0.8\n4,0,0.2\n5,pass,.7\n6,fail,0.3\n7,true,1\n8,no,0\n");
    expect(read.ok).toBe(true);
    if (read.ok) expect(read.value.map((i) => `${i.value.toFixed()}:${i.good}`)).toEqual(["0.9:true", "0.1:false", "0.8:true", "0.2:false", "0.7:true", "0.3:false", "1:true", "0:false"]);
  });

  test("CSV through a real parser: quoted cells with commas, quotes and CRLF; a header may name the gate's metric", () => {
    const quoted = parseLabels('"value","label","note"\r\n"0.9","good","sharp, clear"\r\n0.1,"bad","said ""blurry"""\r\n');
    expect(quoted.ok && quoted.value.map((i) => `${i.value.toFixed()}:${i.good}`)).toEqual(["0.9:true", "0.1:false"]);
    const named = parseLabels("sharpness,label\n0.8,good\n0.2,bad\n", ["legibility", "sharpness"]);
    expect(named).toMatchObject({ ok: true, metric: "sharpness" });
    expect(named.ok && named.value.map((i) => i.value.toFixed())).toEqual(["0.8", "0.2"]);
    const json = parseLabels('[{ "sharpness": 0.8, "label": "good" }]', ["sharpness"]);
    expect(json).toMatchObject({ ok: true, metric: "sharpness" });
    expect(parseLabels("legibility,label\n0.8,good\n", ["sharpness"])).toEqual({ ok: false, error: "line 1: expected a header naming the columns 'value' or 'sharpness', and 'label' (such as value,label)" });
    expect(parseLabels('value,label\n"0.5,good\n')).toMatchObject({ ok: false, error: expect.stringMatching(/^not valid CSV: /) });
  });

  test("JSON: an array of { value, label }", () => {
    const read = parseLabels('[{ "value": 0.7, "label": "good" }, { "value": "0.25", "label": 0 }, { "value": 1, "label": false }]');
    expect(read.ok && read.value.map((i) => `${i.value.toFixed()}:${i.good}`)).toEqual(["0.7:true", "0.25:false", "1:false"]);
  });

  test.each([
    ["value\n0.5\n", /header naming the columns 'value', and 'label'/],
    ["value,label\n0.5,good\nabc,bad\n", /^line 3: 'abc' is not a number$/],
    ["value,label\n0.5,maybe\n", /^line 2: the label 'maybe' is not good\/bad/],
    ["", /empty/],
    ['[{ "value": 0.5, "label": "good" }, { "value": null, "label": "bad" }]', /^item 2: "value" must be a number/],
    ['{ "value": 1 }', /expected a JSON array/],
    ["[1,", /not valid JSON/],
  ])("%j is refused with a message naming the place", (text, message) => {
    const read = parseLabels(text);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error).toMatch(message);
  });
});

describe("the threshold", () => {
  const separable = labels([
    ["0.9", true],
    ["0.85", true],
    ["0.7", true],
    ["0.66", true],
    ["0.64", true],
    ["0.62", true],
    ["0.61", false],
    ["0.55", false],
    ["0.5", false],
    ["0.4", false],
    ["0.3", false],
  ]);

  test("separable labels: every good item passes, every bad one fails, at the roundest threshold in the gap", () => {
    const c = calibrate(gateFlow("qc.sharpness >= 0.6"), separable);
    expect(c.meetsTarget).toBe(true);
    expect(c.best.threshold.toFixed()).toBe("0.62");
    expect(c.best.confusion).toEqual({ goodPass: 6, goodFail: 0, badPass: 0, badFail: 5 });
    expect(c.best.passRate.toFixed(4)).toBe("0.5455");
    expect(c.expectPass.toFixed()).toBe("54.5");
    expect(c.current.confusion).toEqual({ goodPass: 6, goodFail: 0, badPass: 1, badFail: 4 });
    expect(c.currentExpectPass?.toFixed()).toBe("70");
  });

  test("`>` takes the gap's lower end: 0.61 itself fails", () => {
    const c = calibrate(gateFlow("qc.sharpness > 0.6"), separable);
    expect(c.best.threshold.toFixed()).toBe("0.61");
    expect(c.best.confusion.badFail).toBe(5);
  });

  test("`<=`: lower is better, the good items below the threshold", () => {
    const flipped = separable.map((i) => ({ value: new Decimal(1).minus(i.value), good: i.good }));
    const c = calibrate(gateFlow("qc.sharpness <= 0.4"), flipped);
    expect(c.meetsTarget).toBe(true);
    expect(c.best.confusion).toEqual({ goodPass: 6, goodFail: 0, badPass: 0, badFail: 5 });
    expect(c.best.threshold.gte("0.38") && c.best.threshold.lt("0.39")).toBe(true);
  });

  test("overlapping labels: no threshold reaches 90%/90%, the best trade-off is said to be one", () => {
    const items = labels([
      ["0.2", true],
      ["0.8", true],
      ["0.7", true],
      ["0.6", false],
      ["0.9", false],
      ["0.3", false],
    ]);
    const c = calibrate(gateFlow("qc.sharpness >= 0.5"), items);
    expect(c.meetsTarget).toBe(false);
    expect(Decimal.min(c.best.goodPassRate, c.best.badFailRate).toFixed(4)).toBe("0.6667");
  });

  test("a gate with two conditions needs --metric", () => {
    const text = gateFlow("qc.sharpness >= 0.6 and qc.legibility >= 0.5");
    const analysis = priced(text);
    const result = calibrateGate(analysis.ast, analysis.model, "sharp", separable);
    expect(result.ok || result.error).toMatch(/has 2 conditions \(sharpness, legibility\): name the one to calibrate with --metric/);
    expect(calibrate(text, separable, "legibility").cond.metric).toBe("legibility");
  });

  test.each([
    ["nope", /the flow has no gate 'nope'/],
    ["draft", /'draft' is a node, not a gate/],
  ])("gate %s is refused", (gate, message) => {
    const analysis = priced(gateFlow("qc.sharpness >= 0.6"));
    const result = calibrateGate(analysis.ast, analysis.model, gate, labels([["0.5", true], ["0.1", false]]));
    expect(result.ok ? "" : result.error).toMatch(message);
  });

  test("labels need both classes", () => {
    const analysis = priced(gateFlow("qc.sharpness >= 0.6"));
    const result = calibrateGate(analysis.ast, analysis.model, "sharp", labels([["0.5", true]]));
    expect(result.ok ? "" : result.error).toMatch(/need good and bad items \(got 1 good, 0 bad\)/);
  });

  const arbitraryLabels = fc.array(fc.record({ value: fc.integer({ min: 0, max: 100 }), good: fc.boolean() }), { minLength: 2, maxLength: 30 }).filter((xs) => xs.some((x) => x.good) && xs.some((x) => !x.good));

  test("no threshold does better on the smaller of the two rates; the one found classifies as reported", () => {
    fc.assert(
      fc.property(arbitraryLabels, fc.constantFrom<Comparison>(">=", ">", "<=", "<"), (raw, op) => {
        const items = raw.map((x) => ({ value: new Decimal(x.value).div(100), good: x.good }));
        const c = calibrate(gateFlow(`qc.sharpness ${op} 0.5`), items);
        const rate = (t: Decimal) => {
          const good = items.filter((i) => i.good);
          const bad = items.filter((i) => !i.good);
          const goodPass = new Decimal(good.filter((i) => passes(i.value, op, t)).length).div(good.length);
          const badFail = new Decimal(bad.filter((i) => !passes(i.value, op, t)).length).div(bad.length);
          return { goodPass, badFail, min: Decimal.min(goodPass, badFail) };
        };
        // every threshold that matters: each value, and each value a hair either side, within 0..1
        const candidates = items.flatMap((i) => [i.value, i.value.minus("0.0001"), i.value.plus("0.0001")]).filter((t) => t.gte(0) && t.lte(1));
        const found = rate(c.best.threshold);
        expect(found.goodPass.eq(c.best.goodPassRate) && found.badFail.eq(c.best.badFailRate)).toBe(true);
        for (const t of candidates) expect(rate(t).min.lte(found.min), `threshold ${t} beats ${c.best.threshold}`).toBe(true);
        expect(c.best.threshold.gte(0) && c.best.threshold.lte(1)).toBe(true);
        expect(c.meetsTarget).toBe(found.goodPass.gte("0.9") && found.badFail.gte("0.9"));
      }),
      { numRuns: 200, seed: 60 },
    );
  });
});

describe("writing it back", () => {
  const items = labels([
    ["0.9", true],
    ["0.8", true],
    ["0.3", false],
    ["0.2", false],
  ]);

  function written(text: string): string {
    const c = calibrate(text, items);
    const decl = lookupGate(analyze(text).ast, "sharp");
    if (!decl.ok) throw new Error(decl.error);
    return applyEdits(text, calibrationEdits(text, decl.value, c));
  }

  test("the threshold and `expect pass` are replaced where they stand; comments stay", () => {
    const text = gateFlow("/* sharp enough to print */ qc.sharpness >= 0.6", "{\n    expect pass 70%  // measured in May\n    else discard\n  }");
    const out = written(text);
    expect(out).toContain("gate sharp = /* sharp enough to print */ qc.sharpness >= 0.6 {");
    expect(out).toContain("expect pass 50%  // measured in May");
    expect(analyze(out).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  test("`expect pass` is added to a multi-line block on a line of its own, to a one-line block, or in a new block", () => {
    expect(written(gateFlow("qc.sharpness >= 0.6", "{\n    else discard\n  }"))).toContain("gate sharp = qc.sharpness >= 0.6 {\n    expect pass 50%\n    else discard\n  }");
    expect(written(gateFlow("qc.sharpness >= 0.6", "{ else discard }"))).toContain("gate sharp = qc.sharpness >= 0.6 { expect pass 50%  else discard }");
    expect(written(gateFlow("qc.sharpness >= 0.6", "// no block\n"))).toContain("gate sharp = qc.sharpness >= 0.6 { expect pass 50% } // no block");
  });

  test("what it writes is already formatted when the flow was", () => {
    const text = formatFlow(gateFlow("qc.sharpness >= 0.6", "{\n    else discard\n  }")).text;
    const out = written(text);
    expect(formatFlow(out).text).toBe(out);
  });
});

describe("flowc calibrate", () => {
  test("--write: the flow is updated through the formatter, comments kept, with the figures before and after", async () => {
    const dir = tempDir("calibrate");
    const flow = path.join(dir, "drafts.flow");
    writeFileSync(flow, gateFlow("qc.sharpness  >=  0.6", "{ else retry draft up to 2 }   // keep   the sharp ones"));
    writeFileSync(path.join(dir, "labels.csv"), "value,label\n0.9,good\n0.8,good\n0.75,good\n0.3,bad\n0.2,bad\n");
    const run = await cli(["calibrate", "drafts.flow", "sharp", "--labels", "labels.csv", "--write"], dir);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const after = readFileSync(flow, "utf8");
    // laid out by the formatter (single spaces around >=), the comment's own text untouched
    expect(after).toMatch(/\n {2}gate sharp = qc\.sharpness >= 0\.5 \{ expect pass 60% {2}else retry draft up to 2 \} +\/\/ keep {3}the sharp ones\n/);
    expect(run.stdout).toContain("threshold 0.5 passes 3 of 3 good items (100.0%) and fails 2 of 2 bad ones (100.0%): both at least 90.0%");
    expect(run.stdout).toMatch(/\n {2}good +3 +0\n {2}bad +0 +2\n/);
    // 20 drafts at 1.05 credits each for up to three rounds; expected rounds of 20, 8 and 3.2 items
    expect(run.stdout).toContain("worst case 63 credits → 63 credits");
    expect(run.stdout).toContain("expected 21 → 32.76 credits");
  });

  test("JSON without --write leaves the flow alone", async () => {
    const dir = tempDir("calibrate");
    writeFileSync(path.join(dir, "f.flow"), gateFlow("qc.sharpness >= 0.6"));
    writeFileSync(path.join(dir, "labels.json"), JSON.stringify([{ value: 0.9, label: "good" }, { value: 0.1, label: "bad" }]));
    const run = await cli(["calibrate", "f.flow", "sharp", "--labels", "labels.json", "--format", "json"], dir);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ gate: "sharp", metric: "sharpness", comparison: ">=", meetsTarget: true, best: { threshold: 0.5, goodPass: 1, badFail: 1 }, expectPass: 0.5, written: null });
    expect(readFileSync(path.join(dir, "f.flow"), "utf8")).toBe(gateFlow("qc.sharpness >= 0.6"));
  });

  test.each([
    [["--labels", "missing.csv"], /cannot read 'missing\.csv'/],
    [["--labels", "bad.csv"], /bad\.csv: line 2: 'x' is not a number/],
    [["--labels", "labels.csv", "--target", "120%"], /expected a percentage/],
  ])("bad usage %j: exit 2 with one line", async (extra, message) => {
    const dir = tempDir("calibrate");
    writeFileSync(path.join(dir, "f.flow"), gateFlow("qc.sharpness >= 0.6"));
    writeFileSync(path.join(dir, "bad.csv"), "value,label\nx,good\n");
    writeFileSync(path.join(dir, "labels.csv"), "value,label\n0.9,good\n0.1,bad\n");
    const run = await cli(["calibrate", "f.flow", "sharp", ...extra], dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
