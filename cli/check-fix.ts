// `flowc check --fix` and `--fix-dry-run`, as eslint has them: every preferred quick fix applied,
// round after round until none is left (compiler/fix-all.ts, the code the language server's "fix
// all" action runs too), through the formatter when the file was canonical. `--fix` rewrites the
// file atomically and reports what is left; `--fix-dry-run` writes nothing and prints the change
// as a unified diff on standard output.
import { realpathSync } from "node:fs";
import path from "node:path";
import { analyzeFile, type AnalyzeOptions } from "../compiler/index";
import type { FixOutcome } from "../compiler/fix-all";
import type { FileOutcome } from "./analyze";
import type { FileHost } from "./host";
import { type CliIo, complain } from "./io";
import { displayPath } from "./format/paths";
import { plural } from "./format/text";

const fixes = (count: number) => `${count} fix${count === 1 ? "" : "es"}`;

export type FixMode = "write" | "dry-run";

export interface FixOptions {
  fix?: boolean;
  fixDryRun?: boolean;
}

export function fixModeOf(options: FixOptions): FixMode | undefined {
  return options.fix ? "write" : options.fixDryRun ? "dry-run" : undefined;
}

/** Usage problems of the fix flags with the other options, if any. */
export function fixUsageProblem(options: FixOptions & { format: string; baseline?: string; writeBaseline?: string }): string | undefined {
  if (options.fix && options.fixDryRun) return "--fix and --fix-dry-run do not go together: write the fixes, or show them";
  if (!options.fixDryRun) return undefined;
  if (options.format !== "text") return `--fix-dry-run prints a diff: it does not go with --format ${options.format}`;
  if (options.baseline !== undefined || options.writeBaseline !== undefined) return "--fix-dry-run does not go with --baseline or --write-baseline";
  return undefined;
}

/** A file fixed in memory: the analysis of the fixed text, and what changed. */
export type FixedOutcome = FileOutcome & { fixed?: { before: string; outcome: FixOutcome } };

/**
 * Read, fix (in memory) and analyse one file; exceptions out of the compiler become an outcome.
 * The fixing code (and the formatter, `diff` and the file helpers below) is loaded only with
 * --fix or --fix-dry-run: a plain check starts without it.
 */
export async function fixOne(file: string, host: FileHost, options: AnalyzeOptions): Promise<FixedOutcome> {
  const source = host.read(file);
  if (!source.ok) return { kind: "unreadable", file, reason: source.reason };
  const { fixAll } = await import("../compiler/fix-all");
  try {
    const outcome = fixAll(source.text, (text) => analyzeFile(file, text, host, options));
    return { kind: "analyzed", file, analysis: outcome.analysis, fixed: { before: source.text, outcome } };
  } catch (error) {
    return { kind: "crashed", file, error };
  }
}

/**
 * Write the fixed text (`--fix`) or print its diff (`--fix-dry-run`), and say on standard error
 * how many fixes went in. Returns a reason when the file could not be written.
 */
export async function settleFix(file: string, fixed: NonNullable<FixedOutcome["fixed"]>, mode: FixMode, io: CliIo): Promise<string | undefined> {
  const { before, outcome } = fixed;
  const shown = displayPath(file, io.cwd);
  if (outcome.refused) {
    complain(io, `${shown}: left out fixes that would have changed the flow's meaning (a bug in flowc; please report it): ${outcome.refused.problems.join("; ")}`);
  }
  const count = outcome.rounds.reduce((n, round) => n + round.length, 0);
  if (outcome.text === before) return undefined;
  if (mode === "dry-run") {
    const name = shown.split(path.sep).join("/");
    const { createTwoFilesPatch } = await import("diff");
    io.out(createTwoFilesPatch(`a/${name}`, `b/${name}`, before, outcome.text, undefined, undefined, { context: 3 }).replace(/^=+\n/, ""));
    complain(io, `${shown}: ${fixes(count)} would be applied (nothing written: --fix-dry-run)`);
    return undefined;
  }
  try {
    const { writeFileAtomic } = await import("../runtime/fsutil");
    // Through a symbolic link, the file it points to is rewritten, not the link.
    await writeFileAtomic(realpathSync(path.resolve(io.cwd, file)), outcome.text);
  } catch (error) {
    return `cannot write '${file}': ${error instanceof Error ? error.message : String(error)}`;
  }
  complain(io, `${shown}: applied ${fixes(count)} in ${plural(outcome.rounds.length, "round")}`);
  return undefined;
}
