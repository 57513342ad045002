// The CLI's formatters on hand-made diagnostics and cost reports: no parser needed.
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import Ajv from "ajv";
import { dec } from "../syntax/credits";
import { CODES } from "../syntax/diagnostics";
import { colorEnabled, palette } from "../cli/format/colors";
import { formatDiagnostic, formatDiagnostics, formatSummary, countSeverities } from "../cli/format/text";
import { JsonNumber, type JsonValue, exactNumber, roundedNumber, writeJson } from "../cli/format/json-writer";
import { checkJson, costJson } from "../cli/format/json";
import { sarifLog } from "../cli/format/sarif";
import { escapeData, escapeProperty, formatGithub } from "../cli/format/github";
import { formatCostText } from "../cli/format/cost-text";
import { formatCostMarkdown } from "../cli/format/cost-markdown";
import { explainWitness } from "../cli/format/explain";
import { renderTable } from "../cli/format/table";
import { relativeUri } from "../cli/format/paths";
import { SARIF_REQUIRED_SHAPE } from "./cli-sarif-shape";
import {
  BROKEN_FILE,
  BROKEN_TEXT,
  CAMPAIGN_FILE,
  CAMPAIGN_HEAD,
  brokenDiagnostics,
  campaignBudgetDiagnostics,
  campaignReport,
} from "./cli-sample-data";

const CWD = "/work/project";
const plain = { colors: palette(false), cwd: CWD, textOf: (file: string) => (file === BROKEN_FILE ? BROKEN_TEXT : file === CAMPAIGN_FILE ? CAMPAIGN_HEAD : undefined) };
const ESC = "\u001b[";

describe("text diagnostics", () => {
  const [unknown, unused] = brokenDiagnostics();

  test("header, source line with gutter, caret and tildes under the range, note", () => {
    expect(formatDiagnostic(unknown, plain)).toBe(
      [
        "flows/broken.flow:3:28 - error FLOW201: unknown name 'shot'",
        "",
        " 3 |   node faces = face_detect(shot) { cost 0.1 credits }",
        "   |                            ^~~~",
        "   = note: did you mean 'shots'?",
        "",
      ].join("\n"),
    );
  });

  test("a range over several lines is underlined to the end of its first line, tabs kept", () => {
    const lines = formatDiagnostic(unused, plain).split("\n");
    expect(lines[0]).toBe("flows/broken.flow:4:2 - warning FLOW407: node 'extra' reaches no output: its 10 credits are wasted");
    expect(lines[2]).toBe(" 4 | \tnode extra = caption(shots) {");
    expect(lines[3]).toBe(`   | \t^${"~".repeat("node extra = caption(shots) {".length - 1)}`);
  });

  test("without the source text only the header is printed", () => {
    expect(formatDiagnostic({ ...unknown, file: "elsewhere.flow", notes: undefined }, plain)).toBe(
      "elsewhere.flow:3:28 - error FLOW201: unknown name 'shot'\n",
    );
  });

  test("absolute paths are shown relative to the working directory", () => {
    expect(formatDiagnostic({ ...unknown, file: `${CWD}/lib/models.flow` }, plain)).toMatch(/^lib\/models\.flow:3:28 - error/);
  });

  test("a blank line separates diagnostics", () => {
    expect(formatDiagnostics(brokenDiagnostics(), plain).split("\n\n\n")).toHaveLength(1);
    expect(formatDiagnostics(brokenDiagnostics(), plain).match(/^flows\/broken\.flow:/gm)).toHaveLength(4);
  });

  test("summary counts each severity", () => {
    const colors = palette(false);
    expect(formatSummary(countSeverities(brokenDiagnostics()), 1, colors)).toBe("1 error, 2 warnings, 1 hint in 1 file\n");
    expect(formatSummary(countSeverities([]), 2, colors)).toBe("no problems in 2 files\n");
  });

  test("colour codes appear only when colour is on", () => {
    const coloured = formatDiagnostics(brokenDiagnostics(), { ...plain, colors: palette(true) });
    expect(coloured).toContain(ESC);
    expect(formatDiagnostics(brokenDiagnostics(), plain)).not.toContain(ESC);
  });
});

describe("colour decision", () => {
  test.each([
    [{}, true, true],
    [{}, false, false],
    [{ NO_COLOR: "1" }, true, false],
    [{ NO_COLOR: "" }, true, true],
    [{ FORCE_COLOR: "1" }, false, true],
    [{ FORCE_COLOR: "0" }, true, false],
    [{ FORCE_COLOR: "1", NO_COLOR: "1" }, true, false],
    [{ TERM: "dumb" }, true, false],
  ])("env %j, tty %s → %s", (env, tty, expected) => {
    expect(colorEnabled(env, tty)).toBe(expected);
  });
});

describe("JSON writer", () => {
  test("plain values come out exactly as JSON.stringify(value, null, 2) writes them", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(writeJson(value as JsonValue)).toBe(JSON.stringify(value, null, 2));
      }),
      { numRuns: 200 },
    );
  });

  test("decimals keep their exact digits", () => {
    const text = writeJson({
      sum: exactNumber(dec("0.1").plus(dec("0.2"))),
      worst: exactNumber(dec("902.2896")),
      long: exactNumber(dec("123456789012345678901234567890.000000000000000000000001")),
      expected: roundedNumber(dec(1).div(3)),
    });
    expect(text).toContain('"sum": 0.3,');
    expect(text).toContain('"worst": 902.2896,');
    expect(text).toContain('"long": 123456789012345678901234567890.000000000000000000000001,');
    expect(text).toContain('"expected": 0.333333333333\n');
    expect(() => JSON.parse(text)).not.toThrow();
  });

  test("undefined properties are left out", () => {
    expect(writeJson({ a: undefined, b: new JsonNumber("1") })).toBe('{\n  "b": 1\n}');
  });
});

describe("check --format json", () => {
  test("diagnostics carry the contract's fields; files carry their figures", () => {
    const report = campaignReport();
    const text = checkJson(
      [
        { file: BROKEN_FILE, status: "checked", diagnostics: brokenDiagnostics(), flow: "broken" },
        { file: CAMPAIGN_FILE, status: "checked", diagnostics: campaignBudgetDiagnostics(), cost: report },
      ],
      CWD,
    );
    const parsed = JSON.parse(text);
    expect(parsed.diagnostics).toHaveLength(5);
    expect(parsed.diagnostics[0]).toEqual({
      file: BROKEN_FILE,
      line: 3,
      column: 28,
      endLine: 3,
      endColumn: 32,
      severity: "error",
      code: "FLOW201",
      message: "unknown name 'shot'",
      notes: ["did you mean 'shots'?"],
    });
    expect(parsed.files[0]).toMatchObject({ file: BROKEN_FILE, flow: "broken", worstCase: null, errors: 1, warnings: 2, hints: 1 });
    expect(parsed.files[1]).toMatchObject({ flow: "campaign_portraits", worstCase: 902.2896, expected: 272.0257216, warnings: 1 });
    expect(text).toContain('"worstCase": 902.2896,');
    expect(parsed.summary).toEqual({ files: 2, errors: 1, warnings: 3, hints: 1 });
  });
});

describe("cost --format json", () => {
  const report = campaignReport();
  const text = costJson({ file: CAMPAIGN_FILE, report, diagnostics: campaignBudgetDiagnostics() }, CWD);
  const parsed = JSON.parse(text);

  test("totals, cap, alert and headroom as exact numbers", () => {
    expect(parsed).toMatchObject({ flow: "campaign_portraits", warm: false, worstCase: 902.2896, expected: 272.0257216, cap: 900, alert: 675 });
    expect(text).toContain('"headroom": -2.2896,');
    expect(text).toContain('"topTwoShare": 0.929702392669,');
  });

  test("nodes sorted by worst case with calls, items and share", () => {
    expect(parsed.nodes.map((n: { name: string }) => n.name)).toEqual(["full", "final", "previews", "faces", "captions", "style_ref"]);
    expect(parsed.nodes[0]).toMatchObject({ name: "full", op: "generate", calls: 50, attempts: 100, items: 50, worstCase: 419.4304, expected: 142.606336 });
    expect(parsed.witness.gates[1]).toEqual({ name: "approved", human: true, rounds: [{ round: 1, checked: 50, passed: 50, rejected: 0 }] });
    expect(parsed.diagnostics[0]).toMatchObject({ code: "FLOW301", line: 3 });
  });
});

describe("SARIF", () => {
  const log = sarifLog([...brokenDiagnostics(), ...campaignBudgetDiagnostics()], "/work/project", { version: "0.1.0", informationUri: "https://example.org/flowc" });
  const ajv = new Ajv({ allErrors: true, strict: false });

  test("matches the shape GitHub code scanning requires", () => {
    const validate = ajv.compile(SARIF_REQUIRED_SHAPE);
    expect(validate(log), ajv.errorsText(validate.errors)).toBe(true);
  });

  test("the reduced schema rejects a result without a location", () => {
    const validate = ajv.compile(SARIF_REQUIRED_SHAPE);
    const broken = JSON.parse(JSON.stringify(log));
    delete broken.runs[0].results[0].locations;
    expect(validate(broken)).toBe(false);
  });

  test("one rule per code used, sorted, with its summary and level; results point at their rule", () => {
    const run = (log as { runs: { tool: { driver: { rules: { id: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }[] } }; results: { ruleId: string; ruleIndex: number; level: string }[] }[] }).runs[0];
    const rules = run.tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual(["FLOW201", "FLOW301", "FLOW305", "FLOW407", "FLOW408"]);
    expect(rules[0].shortDescription.text).toBe(CODES.FLOW201.summary);
    expect(rules.map((r) => r.defaultConfiguration.level)).toEqual(["error", "warning", "warning", "warning", "note"]);
    for (const result of run.results) expect(rules[result.ruleIndex].id).toBe(result.ruleId);
    expect(run.results.map((r) => r.level)).toEqual(["error", "warning", "warning", "note", "warning"]);
  });

  test("artifact URIs are relative to the working directory with forward slashes", () => {
    expect(relativeUri("flows/broken.flow", CWD)).toBe("flows/broken.flow");
    expect(relativeUri(`${CWD}/a dir/x.flow`, CWD)).toBe("a%20dir/x.flow");
  });
});

describe("GitHub annotations", () => {
  const LINE = /^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=FLOW\d{3}::[^\r\n]*$/;

  test("one workflow command per diagnostic", () => {
    const lines = formatGithub(brokenDiagnostics(), CWD).trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).toMatch(LINE);
    expect(lines[0]).toBe("::error file=flows/broken.flow,line=3,col=28,endLine=3,endColumn=32,title=FLOW201::unknown name 'shot'%0Adid you mean 'shots'?");
    expect(lines[3]).toMatch(/^::notice .*::gate without an expected rate, a comma, a colon: and 100%25 done%0Asecond line$/);
  });

  test("escaping of data and properties", () => {
    expect(escapeData("50% a\r\nb")).toBe("50%25 a%0D%0Ab");
    expect(escapeProperty("a:b,c%")).toBe("a%3Ab%2Cc%25");
  });
});

describe("cost text", () => {
  const report = campaignReport();
  const text = formatCostText(report, campaignBudgetDiagnostics(), plain);
  const lines = text.split("\n");

  test("headline with exact totals", () => {
    expect(lines[0]).toBe("campaign_portraits — worst case 902.2896 credits, expected 272.0257216 credits");
  });

  test("an aligned table, worst case highest first, then the totals", () => {
    const table = lines.slice(2, 2 + 1 + report.nodes.length + 1);
    expect(table[0]).toMatch(/^node\s+op\s+calls\s+items\s+worst\s+exp\. calls\s+exp\. items\s+expected\s+share$/);
    expect(table.map((l) => l.split(/\s+/)[0])).toEqual(["node", "full", "final", "previews", "faces", "captions", "style_ref", "total"]);
    expect(new Set(table.map((l) => l.length)).size).toBe(1);
    expect(table[1]).toMatch(/^full\s+generate\s+50 ×2\s+50\s+419\.4304\s+34\s+34\s+142\.606336\s+46\.5%$/);
    expect(table[7]).toMatch(/^total\s+902\.2896\s+272\.0257216\s+100\.0%$/);
  });

  test("top two nodes, cap and alert lines, then the budget diagnostics", () => {
    expect(text).toContain("\ntop two nodes: full, final — 93.0% of the worst case\n");
    expect(text).toContain("\ncap 900 credits: worst case exceeds it by 2.2896\n");
    expect(text).toContain("\nalert 675 credits: the worst case crosses it, expected spend stays below it\n");
    expect(text).toContain("samples/campaign.flow:3:5 - warning FLOW301: worst case 902.2896 credits exceeds the cap of 900 credits by 2.2896\n");
  });

  test("headroom when the cap is above the worst case", () => {
    expect(formatCostText({ ...report, cap: dec("912.7896") }, [], plain)).toContain("cap 912.7896 credits: worst case leaves 10.5 credits of headroom\n");
    expect(formatCostText({ ...report, cap: undefined, alert: undefined }, [], plain)).not.toContain("alert");
  });

  test("--explain tells the witness and why it costs most", () => {
    const explained = formatCostText(report, [], plain, explainWitness(report, undefined, (n) => `\`${n}\``));
    expect(explained).toContain("  inputs: shots 50, style 1\n");
    expect(explained).toMatch(/\n {2}face_ok \(gate\)\s+50 checked, 50 passed, 0 rejected\n/);
    expect(explained).toMatch(/\n {2}full \(node\)\s+50 items in 50 calls; 2 attempts per call\n/);
    expect(explained).toContain("  - every call of `full` takes 2 attempts (retry 1): each failed attempt is charged\n");
    expect(explained).toContain("  - `approved` passes all 50 items\n");
  });

  test("a gate that retries and one that splits are explained round by round", () => {
    const witness = {
      inputs: [{ name: "docs", count: 50 }],
      gates: [
        { name: "sharp", human: false, rounds: [0, 1, 2].map((round) => ({ round, checked: 20, passed: round === 2 ? 20 : 0, rejected: round === 2 ? 0 : 20 })) },
        { name: "good", human: false, rounds: [{ round: 0, checked: 50, passed: 26, rejected: 24 }] },
      ],
      nodes: [],
    };
    const explanation = explainWitness({ ...report, witness }, undefined, (n) => n);
    expect(explanation.steps[0].rounds).toBe("round 1: 20 checked, 0 passed, 20 rejected; round 2: 20 checked, 0 passed, 20 rejected; round 3: 20 checked, 20 passed, 0 rejected");
    const reasons = explanation.reasons;
    expect(reasons).toEqual([
      "sharp sends rejected items back for 2 more rounds: round 1 rejects all 20 items, round 2 rejects all 20 items, round 3 passes all 20 items",
      "good passes 26 and rejects 24 of its 50 items",
    ]);
  });

  test("rounds numbered from 0 by the analysis are shown from 1; a cached node makes no calls", () => {
    const witness = {
      inputs: [],
      gates: [{ name: "g", human: true, rounds: [0, 1].map((round) => ({ round, checked: 4, passed: round, rejected: 4 - round })) }],
      nodes: [{ name: "style_ref", rounds: [{ round: 0, items: 1, calls: 1 }], attemptsPerCall: 1 }],
    };
    const nodes = report.nodes.map((n) => ({ ...n, cacheHit: n.name === "style_ref" }));
    const explanation = explainWitness({ ...report, nodes, witness }, undefined, (n) => n);
    expect(explanation.steps.map((s) => s.rounds)).toEqual([
      "round 1: 4 checked, 0 passed, 4 rejected; round 2: 4 checked, 1 passed, 3 rejected",
      "cache hit: no calls",
    ]);
    expect(explanation.inputs).toBe("none");
  });
});

describe("cost markdown", () => {
  test("a GitHub table with the same columns on every row, and the summary lines", () => {
    const report = campaignReport();
    const text = formatCostMarkdown(report, campaignBudgetDiagnostics());
    const rows = text.split("\n").filter((l) => l.startsWith("|"));
    expect(rows).toHaveLength(2 + report.nodes.length + 1);
    for (const row of rows) expect(row.split(" | ")).toHaveLength(9);
    expect(rows[1]).toBe("| :--- | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    expect(rows[2]).toBe("| `full` | generate | 50 ×2 | 50 | 419.4304 | 34 | 34 | 142.606336 | 46.5% |");
    expect(text).toContain("### `campaign_portraits` — worst case 902.2896 credits, expected 272.0257216 credits\n");
    expect(text).toContain("- top two nodes: `full`, `final` — 93.0% of the worst case\n");
    expect(text).toContain("- **warning** FLOW301 (line 3): worst case 902.2896 credits exceeds the cap of 900 credits by 2.2896\n");
  });
});

describe("table", () => {
  test("left and right alignment, no trailing blanks", () => {
    const lines = renderTable(
      [
        { title: "name", align: "left" },
        { title: "n", align: "right" },
        { title: "note", align: "left" },
      ],
      [
        ["a", "100", ""],
        ["bbbb", "2", "x"],
      ],
    );
    expect(lines).toEqual(["name    n  note", "a     100", "bbbb    2  x"]);
  });
});
