// The table of issue 12 that `npm run bench` prints first: each case as measured now, next to its
// target. One row list: a row is a case, how to measure it, and its target; add a row here and its
// measuring function in the bench file of its area.
import { analysisRows } from "./analysis";
import { scaleRows } from "./scale";

export interface TableRow {
  case: string;
  /** the figure as measured in this run, e.g. "1.68 s vs 0.09 s = 18.7x" */
  now: () => Promise<string> | string;
  target: string;
}

/** The analysis rows (part A), then the front end's at scale (part B, measured as they are listed). */
export async function tableRows(root: string): Promise<TableRow[]> {
  const scale = (await scaleRows(root)).map((row) => ({ ...row, now: () => row.now }));
  return [...analysisRows(root), ...scale];
}

export async function reportTable(root: string): Promise<string[]> {
  const lines = [
    "## Issue 12: the front end at any size",
    "",
    "Measured on this machine in this run (whole-process figures are the best of several runs; the machine may be shared, so compare ratios).",
    "",
    "| case | now | target |",
    "|---|---|---|",
  ];
  for (const row of await tableRows(root)) lines.push(`| ${row.case} | ${await row.now()} | ${row.target} |`);
  return lines;
}
