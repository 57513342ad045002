// Quick fixes that keep a flow's meaning (issue 13): the three flows the issue found broken, the
// golden diagnostics and `--fix` result of each test/fixtures/fixes/*.flow, the cap flowc
// suggests, and the threshold under which a saving is not worth a hint.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, test } from "vitest";
import { fixAll } from "../compiler/fix-all";
import { meaningChanges } from "../compiler/fix-invariants";
import { roundestBetween, roundUp, suggestedCap } from "../compiler/cap-advice";
import { parseConfig } from "../compiler/config";
import { applyFixes } from "../compiler/fixes";
import { Decimal, formatExact } from "../syntax/credits";
import type { Diagnostic } from "../syntax/diagnostics";
import { positionAt } from "../grammar/index";
import { ROOT, expectGolden } from "./cli-spawn";
import { expectedBlock, flowFixtures, updating, withBlock } from "./helpers/golden-block";
import { analyse, formatLint, subject } from "./lints-helpers";

const DIR = path.join(ROOT, "test/fixtures/fixes");
const MARKER = "// ---- expected diagnostics ----";

/** A fixture's flow, without its block of expected diagnostics. */
function fixture(name: string): { file: string; text: string } {
  const file = path.join(DIR, name);
  const text = readFileSync(file, "utf8");
  return { file, text: text.includes(MARKER) ? text.slice(0, text.indexOf(MARKER)).trimEnd() + "\n" : text };
}

function fixAllOf(name: string) {
  const { file, text } = fixture(name);
  return { before: analyse(file, text), outcome: fixAll(text, (t) => analyse(file, t)) };
}

const codesByRound = (outcome: ReturnType<typeof fixAll>) => outcome.rounds.map((round) => round.map((d) => d.code));

describe("the flows issue 13 found broken", () => {
  test("storyboard: the fixes settle in three rounds, keep 'output smooth' and the clip made from the frame, and preview no preview", () => {
    const { before, outcome } = fixAllOf("storyboard.flow");
    expect(codesByRound(outcome)).toEqual([["FLOW402"], ["FLOW401"], ["FLOW304"]]);
    expect(outcome.text).not.toMatch(/^\s*node \w*_preview_preview/m);
    expect(outcome.text).toContain("output smooth\n");
    expect(outcome.text).toContain("node clip = video(frames)");
    expect(outcome.text).toContain("node frames = generate(storyboard)");
    expect(outcome.text).toContain("review storyboard = frame by human");
    expect(outcome.text).toContain("select frame = frames_preview by human");
    expect(meaningChanges(before, outcome.analysis)).toEqual([]);
    expect(outcome.analysis.diagnostics.filter((d) => d.fix && d.fix.preferred !== false)).toEqual([]);
  });

  test("video ad: no FLOW401 moves the keyframe past the video made from it", () => {
    const { before, outcome } = fixAllOf("video-ad-keyframe.flow");
    expect(before.diagnostics.filter((d) => d.code === "FLOW401")).toEqual([]);
    expect(outcome.text).toContain("node clip = video(frames)");
    expect(outcome.text).toContain("output smooth\n");
    expect(meaningChanges(before, outcome.analysis)).toEqual([]);
  });

  test("thumbnails: a quarter-size render of the kept draft does not make the variants previews", () => {
    const { before, outcome } = fixAllOf("thumbnails.flow");
    const lint = before.diagnostics.find((d) => d.code === "FLOW402");
    expect(lint?.message).toContain("'drafts' renders 4 full-quality variants (1024x1024) for select 'chosen'");
    expect(lint?.message).toContain("save 115.34336 credits of expected spend (168.42752 → 53.08416)");
    expect(codesByRound(outcome)).toEqual([["FLOW402"], ["FLOW304"]]);
    expect(outcome.text).toContain("select chosen = drafts_preview by human");
    expect(outcome.text).toContain("node drafts = generate(chosen)");
    expect(outcome.text).toContain("node thumbs = generate(drafts)");
    expect(meaningChanges(before, outcome.analysis)).toEqual([]);
  });
});

describe("the checker of what a fix keeps", () => {
  test("it catches what the old FLOW401 fix did to the video ad", () => {
    const { file, text } = fixture("video-ad-keyframe.flow");
    const broken = text
      .replace("node frames = generate(sketch)", "node frames = generate(smooth)")
      .replace("node clip = video(frames)", "node clip = video(sketch)")
      .replace("  output smooth\n", "  output frames\n");
    expect(meaningChanges(analyse(file, text), analyse(file, broken))).toEqual([
      "the outputs were smooth and are now frames",
      "'clip' read 'frames' and no longer depends on it",
    ]);
  });

  test("it catches an output that delivers another node, and spend that rises", () => {
    const { file, text } = fixture("thumbnails.flow");
    const other = text.replace("node thumbs = generate(chosen) { model flux_schnell", "node thumbs = generate(chosen) { model flux_pro");
    expect(meaningChanges(analyse(file, text), analyse(file, other))).toEqual([
      "output 'thumbs' delivered 'thumbs' (generate with flux_schnell at 256x256) and now delivers 'thumbs' (generate with flux_pro at 256x256)",
      "the worst case rose from 168.42752 to 170.3936 credits",
      "the expected spend rose from 168.42752 to 170.3936 credits",
    ]);
    expect(meaningChanges(analyse(file, text), analyse(file, text.replace("select chosen = drafts", "select chosen = nowhere")))).toEqual(["the flow has errors after the change"]);
  });
});

describe("fix all", () => {
  test("a round that would change the flow's meaning is not applied, and the outcome says why", () => {
    const { file, text } = fixture("video-ad-keyframe.flow");
    const at = text.indexOf("  output smooth\n") + "  output ".length;
    const analyseWithBadFix = (t: string) => {
      const analysis = analyse(file, t);
      if (t !== text) return analysis;
      const range = { start: positionAt(t, at), end: positionAt(t, at + "smooth".length) };
      const bad: Diagnostic = { code: "FLOW401", severity: "hint", message: "a bad fix", range, fix: { title: "output the frames", edits: [{ range, text: "frames" }] } };
      return { ...analysis, diagnostics: [...analysis.diagnostics, bad] };
    };
    const outcome = fixAll(text, analyseWithBadFix);
    expect(outcome.text).toBe(text);
    expect(outcome.rounds).toEqual([]);
    expect(outcome.refused?.problems).toEqual(["the outputs were smooth and are now frames"]);
  });

  test("suggestions are left alone; nothing to fix, nothing changes", () => {
    const file = path.join(ROOT, "test/fixtures/lints/flow408-expect-rate.flow");
    const text = readFileSync(file, "utf8");
    const outcome = fixAll(text, (t) => analyse(file, t));
    expect(outcome.analysis.diagnostics.filter((d) => d.code === "FLOW408").length).toBe(4);
    expect(outcome.rounds.flat().map((d) => d.code)).toEqual(["FLOW304"]);
    const comic = path.join(ROOT, "samples/comic_panels.flow");
    const clean = readFileSync(comic, "utf8");
    expect(fixAll(clean, (t) => analyse(comic, t))).toMatchObject({ text: clean, rounds: [] });
  });
});

describe("fixtures of the fixes", () => {
  const fixtures = flowFixtures(DIR);

  it.each(fixtures)("%s: its diagnostics and fixes", (name) => {
    const file = path.join(DIR, name);
    const text = readFileSync(file, "utf8");
    const actual = analyse(file, text).diagnostics.flatMap(formatLint);
    if (updating) writeFileSync(file, withBlock(text, actual));
    else expect(actual).toEqual(expectedBlock(text));
  });

  it.each(fixtures)("%s: flowc check --fix gives its golden file in test/golden/fix/", (name) => {
    expectGolden(`fix/${name}`, fixAllOf(name).outcome.text);
  });
});

describe("the cap flowc suggests", () => {
  const d = (text: string) => new Decimal(text);

  test.each([
    // expected spend → the band 120–130%, and the roundest number in it closest to 125%
    ["272.0257216", "340"], // the contract's campaign: 326.43…353.63; 300 misses, 340 of 330, 340, 350
    ["73.13671936", "90"], // video_ad: 87.76…95.08
    ["102.47658496", "130"], // comic_panels: 122.97…133.22
    ["80", "100"], // 96…104: one digit, across a power of ten
    ["1000", "1300"], // 1200…1300: a tie between 1200 and 1300 goes to the larger
    ["0.2", "0.25"], // 0.24…0.26
    ["115.32", "140"], // 138.38…149.92: 140 has two digits, 145 three
  ])("expected %s: %s", (expected, cap) => {
    expect(formatExact(suggestedCap(d(expected), d(expected).times(3), false)!)).toBe(cap);
  });

  test("the roundest number is always inside the band", () => {
    for (let e = 1; e < 3000; e += 7) {
      const expected = d(String(e)).div(13);
      const cap = suggestedCap(expected, expected, false)!;
      expect(cap.gte(expected.times("1.2")) && cap.lte(expected.times("1.3")), `${expected}: ${cap}`).toBe(true);
    }
  });

  test("with 'strict' the cap holds the worst case: rounded up to two significant digits, or inside the band when it fits", () => {
    expect(formatExact(suggestedCap(d("47.18592"), d("89.12896"), true)!)).toBe("90");
    expect(formatExact(suggestedCap(d("100"), d("123"), true)!)).toBe("130");
    expect(formatExact(roundUp(d("902.2896")))).toBe("910");
    expect(formatExact(roundUp(d("0.1234")))).toBe("0.13");
    expect(formatExact(roundUp(d("35")))).toBe("35");
    expect(formatExact(roundestBetween(d("123"), d("130"), d("125")))).toBe("130");
  });

  test("nothing to size a cap by: no suggestion", () => {
    expect(suggestedCap(d("0"), d("5"), false)).toBeUndefined();
    expect(suggestedCap(d("0"), d("0"), true)).toBeUndefined();
  });

  test("FLOW305 inserts a budget block with the cap after the inputs", () => {
    const file = path.join(ROOT, "samples/sharp_drafts.flow");
    const text = readFileSync(file, "utf8");
    const lint = analyse(file, text).diagnostics.find((d) => d.code === "FLOW305")!;
    expect(lint.fix?.title).toBe("add 'budget { cap 150 credits }' (127.1% of the expected 117.9916512, a round number between 120% and 130%)");
    const fixed = applyFixes(text, lint.fix!.edits);
    expect(fixed).toContain("  input prompts: text[20]\n  budget { cap 150 credits }\n");
    expect(analyse(file, fixed).diagnostics.map((x) => x.code)).not.toContain("FLOW305");
  });

  test("the campaign of the contract keeps its cap of 900 and its FLOW301; FLOW304 offers 340", () => {
    const file = path.join(ROOT, "samples/campaign.flow");
    const diagnostics = analyse(file, readFileSync(file, "utf8")).diagnostics;
    expect(diagnostics.find((x) => x.code === "FLOW301")?.message).toBe("worst case 902.2896 credits exceeds the cap of 900 credits");
    expect(diagnostics.find((x) => x.code === "FLOW301")?.fix).toBeUndefined();
    expect(diagnostics.find((x) => x.code === "FLOW304")?.fix?.title).toBe("set the cap to 340 credits (125.0% of the expected 272.0257216, a round number between 120% and 130%)");
  });
});

describe("a saving too small to be worth a hint", () => {
  const lints = path.join(ROOT, "test/fixtures/lints");
  const text = readFileSync(path.join(lints, "flow401-costly-first.flow"), "utf8");
  const flagged = (rules: object) => {
    const parsed = parseConfig(JSON.stringify({ rules }), "flowc.json");
    if (!parsed.ok) throw new Error(parsed.errors.join("; "));
    return analyse(path.join(lints, "flow401-costly-first.flow"), text, { config: parsed.config })
      .diagnostics.filter((d) => d.code === "FLOW401")
      .map(subject);
  };

  test("under 1% of the expected spend by default; minSaving in flowc.json sets it, as a percent or in credits", () => {
    expect(flagged({})).toEqual(["big", "sharp_up", "twice"]);
    expect(flagged({ FLOW401: ["hint", { minSaving: "0%" }] })).toEqual(["big", "sharp_up", "twice", "thumb_up"]);
    expect(flagged({ FLOW401: ["warning", { minSaving: 3 }] })).toEqual(["big", "twice"]);
    expect(flagged({ FLOW401: ["hint", { minSaving: "5%" }] })).toEqual(["big"]);
  });

  test("the level of an entry with options applies as a plain level does", () => {
    const parsed = parseConfig(JSON.stringify({ rules: { FLOW401: ["warning", { minSaving: 3 }] } }), "flowc.json");
    const found = analyse(path.join(lints, "flow401-costly-first.flow"), text, { config: parsed.ok ? parsed.config : {} }).diagnostics.filter((d) => d.code === "FLOW401");
    expect(found.map((d) => d.severity)).toEqual(["warning", "warning"]);
  });

  test("bad options are bad usage, with the entry named", () => {
    const message =
      'flowc.json: rules.FLOW406 must be one of "error", "warning", "hint", "off", or [level, { "minSaving": "2%" }] (a percent of the expected spend, or a number of credits)';
    for (const entry of [["hint", { minSaving: "2" }], ["hint", { minimum: "2%" }], ["loud", { minSaving: "2%" }], ["hint"], "loud"]) {
      expect(parseConfig(JSON.stringify({ rules: { FLOW406: entry } }), "flowc.json")).toEqual({ ok: false, errors: [message] });
    }
    expect(parseConfig(JSON.stringify({ rules: { FLOW403: ["hint", { minSaving: "2%" }] } }), "flowc.json")).toEqual({
      ok: false,
      errors: ['flowc.json: rules.FLOW403 must be one of "error", "warning", "hint", "off"'],
    });
  });
});
