// What `flowc check` adds for teams: the settings of flowc.json per file (rules, and policies:
// FLOW501–FLOW506) and the baseline (`--baseline FILE`: only what is worse than the snapshot
// fails; `--write-baseline FILE` writes one). Kept out of the command so that it reads as the
// steps of a check.
import { baselineDoc, baselineEntry, compareWithBaseline, type BaselineDoc, type BaselineEntry } from "../compiler/baseline";
import type { FileAnalysis } from "../compiler/index";
import { suppress } from "../compiler/suppress";
import { parse } from "../grammar/index";
import { baselineKey, readBaseline, writeBaseline } from "./baseline-file";
import { type FileSettings, settingsLoader } from "./file-settings";
import { EXIT_USAGE, type ExitCode } from "./exit";
import type { FileHost } from "./host";
import { type CliIo, complain } from "./io";
import type { CheckedFile } from "./format/json";

export interface PolicyOptions {
  config?: string;
  baseline?: string;
  writeBaseline?: string;
}

export interface CheckPolicy {
  /** flowc.json's settings for a file */
  settings: (file: string) => FileSettings;
  baseline?: { file: string; doc: BaselineDoc };
  writeTo?: string;
}

/** A checked file with the analysis behind it (absent when it could not be read). */
export type AnalyzedFile = CheckedFile & { analysis?: FileAnalysis };

/** Reads flowc.json and the baseline; every problem with them is bad usage (exit 2), said in `messages`. */
export async function prepareCheckPolicy(options: PolicyOptions, io: CliIo, host: FileHost): Promise<CheckPolicy | { messages: string[] }> {
  if (options.baseline !== undefined && options.writeBaseline !== undefined) {
    return { messages: ["--baseline and --write-baseline do not go together: write a new baseline, or check against one"] };
  }
  const policy: CheckPolicy = { settings: settingsLoader(host, io.cwd, options.config), ...(options.writeBaseline ? { writeTo: options.writeBaseline } : {}) };
  if (options.baseline === undefined) return policy;
  const baseline = await readBaseline(options.baseline, io.cwd, host);
  if (!baseline.ok) return { messages: baseline.errors };
  return { ...policy, baseline: { file: options.baseline, doc: baseline.doc } };
}

function usage(io: CliIo, errors: string[]): ExitCode {
  for (const e of errors) complain(io, e);
  return EXIT_USAGE;
}

/**
 * After every file is checked: write the snapshot, or drop from each file what the snapshot holds
 * and add FLOW507/FLOW508 for figures above it. Returns how many known diagnostics were dropped,
 * or the exit status when the snapshot cannot be written.
 */
export async function settleBaseline(policy: CheckPolicy, files: AnalyzedFile[], io: CliIo): Promise<{ known: number } | { exit: ExitCode }> {
  if (policy.writeTo !== undefined) return write(policy.writeTo, files, io);
  if (!policy.baseline) return { known: 0 };
  const { file, doc } = policy.baseline;
  let known = 0;
  for (const f of files) {
    if (!f.analysis) continue;
    const entry: BaselineEntry | undefined = doc.files[baselineKey(file, f.file, io.cwd)];
    const verdict = compareWithBaseline({ file: f.analysis.file, ast: f.analysis.ast, cost: f.analysis.cost, diagnostics: f.diagnostics }, entry);
    f.diagnostics = withRules(verdict.diagnostics, f.analysis, policy.settings(f.file));
    known += verdict.known;
  }
  return { known };
}

/** FLOW507/FLOW508 are added after the analysis: flowc.json rules and flowc-ignore apply to them here. */
function withRules(diagnostics: FileAnalysis["diagnostics"], analysis: FileAnalysis, settings: FileSettings): FileAnalysis["diagnostics"] {
  const added = diagnostics.filter((d) => d.code === "FLOW507" || d.code === "FLOW508");
  if (added.length === 0) return diagnostics;
  const rules = settings.ok ? settings.options.config?.rules : undefined;
  // the flowc-ignore comments themselves were checked with the analysis: only the added codes here
  const kept = suppress(added, { text: analysis.text, comments: parse(analysis.text).comments, rules }).filter((d) => d.code === "FLOW507" || d.code === "FLOW508");
  return [...diagnostics.filter((d) => !added.includes(d)), ...kept];
}

async function write(target: string, files: AnalyzedFile[], io: CliIo): Promise<{ known: number } | { exit: ExitCode }> {
  const entries = new Map<string, BaselineEntry>();
  for (const f of files) {
    if (!f.analysis) continue;
    entries.set(baselineKey(target, f.file, io.cwd), baselineEntry({ file: f.analysis.file, ast: f.analysis.ast, cost: f.analysis.cost, diagnostics: f.diagnostics }));
  }
  try {
    await writeBaseline(target, io.cwd, baselineDoc(entries));
  } catch (error) {
    return { exit: usage(io, [`cannot write the baseline '${target}': ${error instanceof Error ? error.message : String(error)}`]) };
  }
  const count = [...entries.values()].reduce((n, e) => n + e.diagnostics.length, 0);
  complain(io, `wrote the baseline ${target}: ${count} diagnostic(s) in ${entries.size} file(s); check against it with --baseline ${target}`);
  return { known: 0 };
}
