// Option values shared by commands, parsed strictly: a bad value is bad usage (exit 2).
import { InvalidArgumentError, Option } from "commander";
import { type Decimal, dec } from "../syntax/credits";
import { DEFAULT_MAX_DIAGNOSTICS } from "./format/text";

const CREDITS = /^(?:\d[\d_]*)(?:\.\d[\d_]*)?$/;

/** A non-negative number of credits as written in a flow (`900`, `12.5`, `1_000`). */
export function parseCredits(text: string): Decimal {
  if (!CREDITS.test(text.trim())) throw new InvalidArgumentError("expected a number of credits such as 900 or 12.5");
  return dec(text.trim());
}

export function creditsOption(flags: string, description: string): Option {
  return new Option(flags, description).argParser(parseCredits);
}

export function formatOption<const T extends string>(choices: readonly T[]): Option {
  return new Option("--format <format>", "output format").choices(choices).default(choices[0]);
}

/** A whole number of at least `min` (and at most `max`), as `--simulate 10000` or `--seed 7` take. */
export function wholeNumberParser(min: number, max = Number.MAX_SAFE_INTEGER): (text: string) => number {
  return (text) => {
    const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
    if (!(value >= min && value <= max)) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return value;
  };
}

/** `--max-diagnostics N` (clang's -ferror-limit): how many diagnostics of a file text output shows. */
export function maxDiagnosticsOption(): Option {
  return new Option("--max-diagnostics <n>", "show at most this many diagnostics per file in text output, the most severe first; 0 shows them all (JSON and SARIF carry every one)")
    .argParser(wholeNumberParser(0))
    .default(DEFAULT_MAX_DIAGNOSTICS);
}

/** `--stdin-filepath`: the path standard input (`-`) stands for, where its imports and flowc.json are found. */
export function stdinFilepathOption(): Option {
  return new Option("--stdin-filepath <path>", "the path standard input (-) stands for: its imports and flowc.json are found from there, and diagnostics name it");
}

/** The files-folders-globs argument of check, cost and fmt. */
export const INPUTS_ARGUMENT = "[inputs...]";
export const INPUTS_HELP = ".flow files, folders and quoted globs; - reads standard input; none: the project (flowc.json include/exclude, else every .flow file here), minus what .gitignore ignores";
