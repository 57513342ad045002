// The user's say over diagnostics, applied in one place at the end of the analysis, for every code:
// severities and rules turned off from flowc.json, and `// flowc-ignore` comments in the file.
//
// `// flowc-ignore FLOW403` on a line of its own hides the listed codes on the next line (the line a
// diagnostic starts on); several codes may be listed, separated by spaces or commas, and a reason
// may follow after `--`. `// flowc-ignore` with no code hides every code on the next line. Errors
// that stop compilation always apply (see `alwaysApplies`).
import type { Comment } from "../grammar/index";
import { alwaysApplies, ruleLevel, type FlowcConfig } from "./config";
import type { Diagnostic } from "../syntax/diagnostics";

export interface Suppressions {
  /** the file's text and comments; diagnostics located in other files (imports) are not affected by them */
  text: string;
  comments: readonly Comment[];
  rules?: FlowcConfig["rules"];
}

type Ignored = "all" | Set<string>;

export function suppress(diagnostics: readonly Diagnostic[], { text, comments, rules }: Suppressions): Diagnostic[] {
  const ignored = ignoreComments(text, comments);
  const kept: Diagnostic[] = [];
  for (const d of diagnostics) {
    if (alwaysApplies(d.code)) {
      kept.push(d);
      continue;
    }
    const level = ruleLevel(rules?.[d.code]);
    if (level === "off" || (d.file === undefined && hides(ignored.get(d.range.start.line - 1), d.code))) continue;
    kept.push(level === undefined || level === d.severity ? d : { ...d, severity: level });
  }
  return kept;
}

function hides(ignored: Ignored | undefined, code: string): boolean {
  return ignored === "all" || (ignored !== undefined && ignored.has(code));
}

const IGNORE = /^\/\/\s*flowc-ignore(?![\w-])(.*)$/;

/** line of each `flowc-ignore` comment → the codes it hides */
export function ignoreComments(text: string, comments: readonly Comment[]): Map<number, Ignored> {
  const lines = new Map<number, Ignored>();
  for (const comment of comments) {
    const match = comment.block ? null : IGNORE.exec(comment.text);
    if (!match || !standsAlone(text, comment)) continue;
    const listed = match[1]!.split("--")[0]!.split(/[\s,]+/).map((t) => t.toUpperCase()).filter((t) => /^FLOW\d{3}$/.test(t));
    lines.set(comment.range.start.line, listed.length === 0 ? "all" : new Set(listed));
  }
  return lines;
}

/** only whitespace before the comment on its line: a trailing comment belongs to its own line */
function standsAlone(text: string, comment: Comment): boolean {
  const start = comment.range.start.offset;
  return text.slice(start - (comment.range.start.column - 1), start).trim() === "";
}
