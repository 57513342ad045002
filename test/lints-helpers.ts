// Shared by the lints tests: analyse a flow text as `flowc check` does (imports read from disk),
// print diagnostics one per line, and read the figures out of lint messages.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { analyzeFile, type AnalyzeOptions, type FileAnalysis } from "../compiler/index";
import type { Diagnostic } from "../syntax/diagnostics";
import { Decimal } from "../syntax/credits";
import { diskHost } from "./helpers/disk-host";
import { CAMPAIGN, PRODUCT_CLIPS, SHARP_DRAFTS, SPLIT_BATCHES } from "./checks-contract-flows";
import { ROOT } from "./cli-spawn";

export function analyse(file: string, text: string, options: AnalyzeOptions = {}): FileAnalysis {
  return analyzeFile(file, text, diskHost, options);
}

/** `CODE severity 3:5-3:9 message`, then `  note: …` for each note and `  fix: title` when there is one */
export function formatLint(d: Diagnostic): string[] {
  const { start, end } = d.range;
  const line = `${d.code} ${d.severity} ${start.line}:${start.column}-${end.line}:${end.column} ${d.message}`;
  const fix = d.fix ? [`  ${d.fix.preferred === false ? "suggestion" : "fix"}: ${d.fix.title}`] : [];
  return [line, ...(d.notes ?? []).map((n) => `  note: ${n}`), ...fix];
}

/** The name a diagnostic is about: the first quoted name in its message. */
export function subject(d: Diagnostic): string | undefined {
  return /'([^']+)'/.exec(d.message)?.[1];
}

/** The credits a lint message says a change saves ("saves 40 credits", "falls by 1.5 credits", "pays its 2 credits"). */
export function statedFigure(d: Diagnostic): Decimal {
  if (d.message.includes("--warm worst case stays the same")) return new Decimal(0);
  const match = /falls by ([\d.]+) credits?/.exec(d.message) ?? /(?:saves?|pays (?:up to )?its) ([\d.]+) credits?/.exec(d.message);
  if (!match) throw new Error(`no figure in: ${d.message}`);
  return new Decimal(match[1]!);
}

/** A flow to try the lints and fixes on: its name in test titles, its path, its text. */
export interface FlowSource {
  name: string;
  file: string;
  text: string;
}

/** The `.flow` files of a folder of the repository, sorted. */
export function flowsIn(dir: string): FlowSource[] {
  return readdirSync(path.join(ROOT, dir))
    .filter((f) => f.endsWith(".flow"))
    .sort()
    .map((f) => ({ name: `${dir}/${f}`, file: path.join(ROOT, dir, f), text: readFileSync(path.join(ROOT, dir, f), "utf8") }));
}

/** The contract's worked examples, as if they were the samples of the same name. */
export const contractFlows: FlowSource[] = Object.entries({ CAMPAIGN, SHARP_DRAFTS, SPLIT_BATCHES, PRODUCT_CLIPS }).map(([name, text]) => ({
  name: `contract ${name}`,
  file: path.join(ROOT, "samples", `${name.toLowerCase()}.flow`),
  text,
}));
