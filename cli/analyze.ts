// Reads and analyses one file for a command, turning every way it can go wrong into an outcome
// rather than an exception: unreadable input is the user's (exit 2, one line), an exception out of
// the compiler is a bug in flowc, reported for that file alone.
import { analyzeFile, type AnalyzeOptions, type FileAnalysis } from "../compiler/index";
import type { FileHost } from "./host";

export type FileOutcome =
  | { kind: "analyzed"; file: string; analysis: FileAnalysis }
  | { kind: "unreadable"; file: string; reason: string }
  | { kind: "crashed"; file: string; error: unknown };

export function analyzeOne(file: string, host: FileHost, options: AnalyzeOptions = {}): FileOutcome {
  const source = host.read(file);
  if (!source.ok) return { kind: "unreadable", file, reason: source.reason };
  try {
    return { kind: "analyzed", file, analysis: analyzeFile(file, source.text, host, options) };
  } catch (error) {
    return { kind: "crashed", file, error };
  }
}

/** The one line for an outcome that produced no analysis. */
export function failureMessage(outcome: Exclude<FileOutcome, { kind: "analyzed" }>, debug: boolean): string {
  if (outcome.kind === "unreadable") return `cannot read '${outcome.file}': ${outcome.reason}`;
  const error = outcome.error;
  const detail = debug && error instanceof Error && error.stack ? error.stack : errorText(error);
  return `internal error while checking ${outcome.file}: ${detail}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message.split("\n")[0] : String(error);
}
