// Hand-made diagnostics and cost reports (the contract's campaign_portraits figures) for testing
// the CLI's formatters without the parser, resolver and cost analysis.
import type { Range } from "../syntax/ast";
import type { CostReport, NodeCost } from "../compiler/cost-report";
import { dec } from "../syntax/credits";
import { type Diagnostic, diag } from "../syntax/diagnostics";

/** A range on one line (columns 1-based, end exclusive), offsets computed from `text`. */
export function rangeIn(text: string, line: number, column: number, endLine: number, endColumn: number): Range {
  const lines = text.split("\n");
  const offset = (l: number, c: number) => lines.slice(0, l - 1).reduce((n, s) => n + s.length + 1, 0) + c - 1;
  return { start: { line, column, offset: offset(line, column) }, end: { line: endLine, column: endColumn, offset: offset(endLine, endColumn) } };
}

export const BROKEN_FILE = "flows/broken.flow";
export const BROKEN_TEXT = [
  "flow broken {",
  "  input shots: image[10]",
  "  node faces = face_detect(shot) { cost 0.1 credits }",
  "\tnode extra = caption(shots) {",
  "    cost 1 credit",
  "  }",
  "  output faces",
  "}",
  "",
].join("\n");

export function brokenDiagnostics(): Diagnostic[] {
  return [
    diag("FLOW201", "unknown name 'shot'", rangeIn(BROKEN_TEXT, 3, 28, 3, 32), { file: BROKEN_FILE, notes: ["did you mean 'shots'?"] }),
    diag("FLOW407", "node 'extra' reaches no output: its 10 credits are wasted", rangeIn(BROKEN_TEXT, 4, 2, 6, 4), { file: BROKEN_FILE }),
    diag("FLOW305", "no budget block: nothing caps a run", rangeIn(BROKEN_TEXT, 1, 6, 1, 12), { file: BROKEN_FILE }),
    diag("FLOW408", "gate without an expected rate, a comma, a colon: and 100% done\nsecond line", rangeIn(BROKEN_TEXT, 7, 3, 7, 15), {
      file: BROKEN_FILE,
    }),
  ];
}

function node(name: string, op: string, worst: [number, number, number], expected: [string, string], worstCase: string, expectedCost: string, total: string): NodeCost {
  const [worstCalls, worstAttempts, worstItems] = worst;
  return {
    name,
    op,
    range: rangeIn("", 1, 1, 1, 1),
    worstCalls,
    worstAttempts,
    worstItems,
    expectedCalls: dec(expected[0]),
    expectedItems: dec(expected[1]),
    worstCase: dec(worstCase),
    expected: dec(expectedCost),
    share: dec(worstCase).div(dec(total)),
    cacheHit: false,
  };
}

/** campaign_portraits as the contract prices it (section 9). */
export function campaignReport(): CostReport {
  const total = "902.2896";
  return {
    flow: "campaign_portraits",
    warm: false,
    worstCase: dec(total),
    expected: dec("272.0257216"),
    nodes: [
      node("full", "generate", [50, 100, 50], ["34", "34"], "419.4304", "142.606336", total),
      node("final", "upscale", [50, 50, 50], ["10.2", "10.2"], "419.4304", "85.5638016", total),
      node("previews", "generate", [50, 50, 50], ["34", "34"], "52.4288", "35.651584", total),
      node("faces", "face_detect", [50, 50, 50], ["40", "40"], "5", "4", total),
      node("captions", "caption", [2, 2, 50], ["1", "10.2"], "3", "1.204", total),
      node("style_ref", "style_extract", [1, 1, 1], ["1", "1"], "3", "3", total),
    ],
    topTwoShare: dec("838.8608").div(dec(total)),
    cap: dec("900"),
    alert: dec("675"),
    witness: {
      inputs: [
        { name: "shots", count: 50 },
        { name: "style", count: 1 },
      ],
      gates: [
        { name: "face_ok", human: false, rounds: [{ round: 0, checked: 50, passed: 50, rejected: 0 }] },
        { name: "approved", human: true, rounds: [{ round: 0, checked: 50, passed: 50, rejected: 0 }] },
      ],
      nodes: [
        { name: "style_ref", rounds: [{ round: 0, items: 1, calls: 1 }], attemptsPerCall: 1 },
        { name: "faces", rounds: [{ round: 0, items: 50, calls: 50 }], attemptsPerCall: 1 },
        { name: "previews", rounds: [{ round: 0, items: 50, calls: 50 }], attemptsPerCall: 1 },
        { name: "full", rounds: [{ round: 0, items: 50, calls: 50 }], attemptsPerCall: 2 },
        { name: "final", rounds: [{ round: 0, items: 50, calls: 50 }], attemptsPerCall: 1 },
        { name: "captions", rounds: [{ round: 0, items: 50, calls: 2 }], attemptsPerCall: 1 },
      ],
    },
  };
}

export const CAMPAIGN_FILE = "samples/campaign.flow";
export const CAMPAIGN_HEAD = "flow campaign_portraits {\n  budget {\n    cap 900 credits\n  }\n}\n";

export function campaignBudgetDiagnostics(): Diagnostic[] {
  return [
    diag("FLOW301", "worst case 902.2896 credits exceeds the cap of 900 credits by 2.2896", rangeIn(CAMPAIGN_HEAD, 3, 5, 3, 20), {
      file: CAMPAIGN_FILE,
    }),
  ];
}
