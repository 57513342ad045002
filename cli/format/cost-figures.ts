// The figures and sentences of `flowc cost`, shared by its text and Markdown forms, by the one
// rule of syntax/figures.ts: worst-case figures exact, expected figures to 12 places (in the table
// too), shares as percentages with one decimal.
import type { CostReport, NodeCost } from "../../compiler/cost-report";
import { type Decimal, ONE, ZERO } from "../../syntax/credits";
import { creditsText, exactText, expectedText as expectedFigure, percentText } from "../../syntax/figures";

/** How a name is shown: as is in a terminal, as `code` in Markdown. */
export type NameStyle = (name: string) => string;

export const COST_COLUMNS = [
  { title: "node", align: "left" },
  { title: "op", align: "left" },
  { title: "calls", align: "right" },
  { title: "items", align: "right" },
  { title: "worst", align: "right" },
  { title: "exp. calls", align: "right" },
  { title: "exp. items", align: "right" },
  { title: "expected", align: "right" },
  { title: "share", align: "right" },
] as const;

/** "902.2896 credits" (exact) or, for an expected figure, "272.0257216 credits" */
export function credits(value: Decimal, kind: "exact" | "expected" = "exact"): string {
  return creditsText(kind === "exact" ? exactText(value) : expectedFigure(value));
}

export const expectedText = expectedFigure;
export const percent = percentText;

/** `50 ×2` when every call takes two attempts in the witness; `cached` for a hit under `--warm`. */
export function callsCell(node: NodeCost): string {
  if (node.cacheHit) return "cached";
  if (node.worstAttempts === node.worstCalls || node.worstCalls === 0) return String(node.worstCalls);
  const perCall = node.worstAttempts / node.worstCalls;
  return Number.isInteger(perCall) ? `${node.worstCalls} ×${perCall}` : `${node.worstCalls} (${node.worstAttempts} attempts)`;
}

function nodeRow(node: NodeCost, name: NameStyle): string[] {
  return [
    name(node.name),
    node.op,
    callsCell(node),
    String(node.worstItems),
    exactText(node.worstCase),
    expectedFigure(node.expectedCalls),
    expectedFigure(node.expectedItems),
    expectedFigure(node.expected),
    percent(node.share),
  ];
}

function totalRow(report: CostReport): string[] {
  // the nodes' shares are each cut to 12 places, so their sum may miss 1: the whole is 100%
  const share = report.worstCase.isZero() ? ZERO : ONE;
  return ["total", "", "", "", exactText(report.worstCase), "", "", expectedText(report.expected), percent(share)];
}

function hasRetriedCalls(report: CostReport): boolean {
  return report.nodes.some((n) => n.worstAttempts > n.worstCalls);
}

const ATTEMPTS_LEGEND = "×N: attempts per call in the worst case (every attempt is charged)";

/** `campaign_portraits — worst case 902.2896 credits, expected 272.0257216 credits` */
function headline(report: CostReport, name: NameStyle): string {
  const warm = report.warm ? " (warm: cached nodes are hits)" : "";
  return `${name(report.flow)} — worst case ${credits(report.worstCase)}, expected ${credits(report.expected, "expected")}${warm}`;
}

/** `top two nodes: full, final — 93.0% of the worst case` */
function topTwoLine(report: CostReport, name: NameStyle): string | undefined {
  const top = report.nodes.slice(0, 2).map((n) => name(n.name));
  if (top.length === 0) return undefined;
  const label = top.length === 1 ? "top node" : "top two nodes";
  return `${label}: ${top.join(", ")} — ${percent(report.topTwoShare)} of the worst case`;
}

/** `cap 900 credits: worst case exceeds it by 2.2896` or `… leaves 10.5 credits of headroom` */
function capLine(report: CostReport): string {
  if (!report.cap) return "no cap: nothing stops a run that spends the worst case";
  const headroom = report.cap.minus(report.worstCase);
  const verdict = headroom.isNegative()
    ? `worst case exceeds it by ${exactText(headroom.negated())}`
    : `worst case leaves ${credits(headroom)} of headroom`;
  return `cap ${credits(report.cap)}: ${verdict}`;
}

/** Whether normal runs and the worst case cross the alert. */
function alertLine(report: CostReport): string | undefined {
  if (!report.alert) return undefined;
  const { alert } = report;
  const verdict = report.expected.greaterThan(alert)
    ? "expected spend crosses it: most runs will be flagged"
    : report.worstCase.greaterThan(alert)
      ? "the worst case crosses it, expected spend stays below it"
      : "the worst case stays below it";
  return `alert ${credits(alert)}: ${verdict}`;
}

/** What both forms of `flowc cost` show, in order; each form only dresses it for its medium. */
export interface CostSheet {
  headline: string;
  /** one row per node, in the report's order (worst case highest first) */
  rows: string[][];
  total: string[];
  /** the ×N legend, when some call takes more than one attempt */
  legend?: string;
  /** the top two nodes' share, the cap and the alert: those that apply */
  notes: string[];
}

export function costSheet(report: CostReport, name: NameStyle): CostSheet {
  return {
    headline: headline(report, name),
    rows: report.nodes.map((n) => nodeRow(n, name)),
    total: totalRow(report),
    ...(hasRetriedCalls(report) ? { legend: ATTEMPTS_LEGEND } : {}),
    notes: [topTwoLine(report, name), capLine(report), alertLine(report)].filter((line) => line !== undefined),
  };
}
