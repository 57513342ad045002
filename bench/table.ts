// The table of issue 12 that `npm run bench` prints first: each case as measured now, next to its
// target. One row list: a row is a case, how to measure it, and its target; add a row here and its
// measuring function in the bench file of its area.
import { analysisRows } from "./analysis";

export interface TableRow {
  case: string;
  /** the figure as measured in this run, e.g. "1.68 s vs 0.09 s = 18.7x" */
  now: () => Promise<string> | string;
  target: string;
}

export function tableRows(root: string): TableRow[] {
  return [...analysisRows(root)];
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
  for (const row of tableRows(root)) lines.push(`| ${row.case} | ${await row.now()} | ${row.target} |`);
  return lines;
}
