// `flowc cost --simulate N`: the distribution of spend over N simulated runs — percentiles, the
// share of runs past the cap and the alert, a histogram — in text, Markdown or JSON.
import type { SimulationReport } from "../../compiler/simulate";
import { Decimal } from "../../syntax/credits";
import { creditsText, estimateText, fractionText, percentText } from "../../syntax/figures";
import { credits, expectedText } from "./cost-figures";
import { type JsonValue, JsonNumber, exactNumber, roundedNumber, writeJson } from "./json-writer";
import { displayPath } from "./paths";
import { renderTable } from "./table";

const BAR_WIDTH = 40;

const INPUTS_TEXT = { expect: "inputs at their expected counts", uniform: "input counts uniform from minimum to maximum" } as const;

function heading(report: SimulationReport): string {
  const warm = report.warm ? ", warm: cached nodes are hits" : "";
  return `${report.flow} — ${report.runs} simulated runs (seed ${report.seed}, ${INPUTS_TEXT[report.inputs]}${warm})`;
}

/** `12.3%` of the runs (`<0.1%` for a few of many) */
function share(runs: number, total: number): string {
  return percentText(total === 0 ? new Decimal(0) : new Decimal(runs).div(total));
}

/** a simulated run's spend: a sum of prices, so exact */
function figure(value: Decimal): string {
  return credits(value);
}

/** the rows of figures: label, value, and a remark */
function figureRows(report: SimulationReport): string[][] {
  return [
    ["mean", creditsText(estimateText(report.mean)), `± ${estimateText(report.standardError)} (standard error); exact expected ${expectedText(report.expected)}`],
    ["p50", figure(report.p50), ""],
    ["p90", figure(report.p90), ""],
    ["p99", figure(report.p99), ""],
    ["max", figure(report.max), `worst case ${credits(report.worstCase)}`],
  ];
}

function limitLines(report: SimulationReport): string[] {
  const lines: string[] = [];
  if (report.cap) lines.push(`cap ${credits(report.cap)}: ${report.overCap} of ${report.runs} runs (${share(report.overCap, report.runs)}) would pause`);
  else lines.push("no cap: nothing pauses a run");
  if (report.alert) lines.push(`alert ${credits(report.alert)}: ${report.overAlert} of ${report.runs} runs (${share(report.overAlert, report.runs)}) would be flagged`);
  return lines;
}

function bar(runs: number, most: number): string {
  if (runs === 0) return "";
  return "█".repeat(Math.max(1, Math.round((runs / most) * BAR_WIDTH)));
}

function histogramRows(report: SimulationReport): string[][] {
  const most = Math.max(1, ...report.histogram.map((b) => b.runs));
  return report.histogram.map((b) => [
    estimateText(b.from),
    estimateText(b.to),
    String(b.runs),
    share(b.runs, report.runs),
    bar(b.runs, most),
  ]);
}

export function formatSimulationText(report: SimulationReport): string {
  const figures = renderTable(
    [
      { title: "", align: "left" },
      { title: "spend", align: "right" },
      { title: "", align: "left" },
    ],
    figureRows(report),
  ).slice(1);
  const bins = renderTable(
    [
      { title: "from", align: "right" },
      { title: "to", align: "right" },
      { title: "runs", align: "right" },
      { title: "share", align: "right" },
      { title: "", align: "left" },
    ],
    histogramRows(report),
  );
  return [heading(report), "", ...figures.map((l) => `  ${l}`), "", ...limitLines(report), "", "spend per run, in credits:", ...bins.map((l) => `  ${l}`)].join("\n") + "\n";
}

export function formatSimulationMarkdown(report: SimulationReport): string {
  const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [
    `### ${heading(report)}`,
    "",
    row(["", "spend", ""]),
    row([":---", "---:", ":---"]),
    ...figureRows(report).map(row),
    "",
    ...limitLines(report).map((l) => `- ${l}`),
    "",
    row(["from", "to", "runs", "share", ""]),
    row(["---:", "---:", "---:", "---:", ":---"]),
    ...histogramRows(report).map(row),
  ].join("\n") + "\n";
}

export function simulationJson(file: string, report: SimulationReport, cwd: string): string {
  const chance = (runs: number): JsonValue => new JsonNumber(fractionText(new Decimal(report.runs === 0 ? 0 : runs).div(Math.max(1, report.runs))));
  return (
    writeJson({
      file: displayPath(file, cwd),
      flow: report.flow,
      runs: report.runs,
      seed: report.seed,
      inputs: report.inputs,
      warm: report.warm,
      worstCase: exactNumber(report.worstCase),
      expected: roundedNumber(report.expected),
      mean: roundedNumber(report.mean),
      standardError: roundedNumber(report.standardError),
      min: exactNumber(report.min),
      p50: exactNumber(report.p50),
      p90: exactNumber(report.p90),
      p99: exactNumber(report.p99),
      max: exactNumber(report.max),
      cap: report.cap ? exactNumber(report.cap) : null,
      alert: report.alert ? exactNumber(report.alert) : null,
      overCap: report.overCap,
      overAlert: report.overAlert,
      capChance: report.cap ? chance(report.overCap) : null,
      alertChance: report.alert ? chance(report.overAlert) : null,
      histogram: report.histogram.map((b) => ({ from: exactNumber(b.from), to: exactNumber(b.to), runs: b.runs })),
    }) + "\n"
  );
}
