// The user's say over diagnostics, applied in one place at the end of the analysis, for every code:
// severities and rules turned off from flowc.json, and `// flowc-ignore` comments in the file.
//
// `// flowc-ignore FLOW403` on a line of its own hides the listed codes on the next line (the line a
// diagnostic starts on); several codes may be listed, separated by spaces or commas, and a reason
// may follow after `--`. `// flowc-ignore` with no code hides every code on the next line. Errors
// that stop compilation always apply (see `alwaysApplies`).
//
// The comments are checked too, as eslint's --report-unused-disable-directives does: a code that
// flowc does not have, or that cannot be ignored, is FLOW601; a comment (or a code in it) that hid
// nothing is FLOW602, with a fix that removes the comment.
import type { Comment } from "../grammar/index";
import { alwaysApplies, ruleLevel, type FlowcConfig } from "./config";
import { CODES, type Diagnostic, type DiagnosticCode, diag } from "../syntax/diagnostics";
import type { Range } from "../syntax/ast";

export interface Suppressions {
  /** the file's text and comments; diagnostics located in other files (imports) are not affected by them */
  text: string;
  comments: readonly Comment[];
  rules?: FlowcConfig["rules"];
  /**
   * report comments that hid nothing (FLOW602): only when the analysis was complete, so that every
   * code a comment could be meant for had its chance to appear (not on a flow with errors, nor
   * without the lints)
   */
  reportUnused?: boolean;
}

/** One `// flowc-ignore` comment: the line it stands on and the codes it lists (none: every code). */
interface Directive {
  comment: Comment;
  codes: { code: string; range: Range }[];
  /** codes that hid something; "all" for a comment without codes that did */
  used: Set<string>;
}

/** Codes that come and go with command-line options, not with the flow: never reported unused. */
const OPTION_CODES: ReadonlySet<string> = new Set(["FLOW307", "FLOW308", "FLOW507", "FLOW508"]);

export function suppress(diagnostics: readonly Diagnostic[], { text, comments, rules, reportUnused = false }: Suppressions): Diagnostic[] {
  const directives = ignoreDirectives(text, comments);
  const kept: Diagnostic[] = [];
  for (const d of diagnostics) {
    if (alwaysApplies(d.code)) {
      kept.push(d);
      continue;
    }
    const level = ruleLevel(rules?.[d.code]);
    if (level === "off") continue;
    if (d.file === undefined && hiddenBy(directives.get(d.range.start.line - 1), d.code)) continue;
    kept.push(withLevel(d, level));
  }
  const checked = [...directives.values()].flatMap((directive) => directiveDiagnostics(directive, text, reportUnused));
  return [...kept, ...checked.filter((d) => ruleLevel(rules?.[d.code]) !== "off").map((d) => withLevel(d, ruleLevel(rules?.[d.code])))];
}

function withLevel(d: Diagnostic, level: ReturnType<typeof ruleLevel>): Diagnostic {
  return level === undefined || level === "off" || level === d.severity ? d : { ...d, severity: level };
}

/** Whether the directive hides the code, noting that it did. */
function hiddenBy(directive: Directive | undefined, code: string): boolean {
  if (!directive) return false;
  if (directive.codes.length === 0) {
    directive.used.add("all");
    return true;
  }
  if (!directive.codes.some((c) => c.code === code)) return false;
  directive.used.add(code);
  return true;
}

function directiveDiagnostics(directive: Directive, text: string, reportUnused: boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ignorable = directive.codes.filter((c) => {
    const problem = invalidCode(c.code);
    if (problem) out.push(diag("FLOW601", problem, c.range));
    return problem === undefined;
  });
  if (!reportUnused) return out;
  const line = directive.comment.range.start.line + 1;
  const unused = ignorable.filter((c) => !directive.used.has(c.code) && !OPTION_CODES.has(c.code));
  if (directive.codes.length === 0 && directive.used.size === 0) {
    out.push(diag("FLOW602", `this flowc-ignore hides nothing on line ${line}: remove it`, directive.comment.range, { fix: removal(directive.comment, text) }));
  } else if (unused.length > 0 && unused.length === directive.codes.length) {
    const listed = unused.map((c) => c.code).join(", ");
    out.push(diag("FLOW602", `this flowc-ignore hides nothing on line ${line} (no ${listed} there): remove it`, directive.comment.range, { fix: removal(directive.comment, text) }));
  } else {
    for (const c of unused) out.push(diag("FLOW602", `${c.code} is not reported on line ${line}: this flowc-ignore hides nothing of it`, c.range));
  }
  return out;
}

function invalidCode(code: string): string | undefined {
  if (!(code in CODES)) return `${code} is not a flowc diagnostic code: this flowc-ignore hides nothing of it`;
  if (alwaysApplies(code as DiagnosticCode)) return `${code} cannot be ignored: errors that stop compilation always apply`;
  return undefined;
}

/** The edit that deletes the comment's line, line break included. */
function removal(comment: Comment, text: string): NonNullable<Diagnostic["fix"]> {
  const { start, end } = comment.range;
  const lineStart = start.offset - (start.column - 1);
  const breakAt = text.indexOf("\n", end.offset);
  const lineEnd = breakAt < 0 ? text.length : breakAt + 1;
  const endsLine = breakAt >= 0;
  return {
    title: "remove this flowc-ignore comment",
    edits: [
      {
        range: {
          start: { line: start.line, column: 1, offset: lineStart },
          end: endsLine ? { line: start.line + 1, column: 1, offset: lineEnd } : { line: end.line, column: end.column + (lineEnd - end.offset), offset: lineEnd },
        },
        text: "",
      },
    ],
  };
}

const IGNORE = /^\/\/\s*flowc-ignore(?![\w-])(.*)$/;
const CODE_TOKEN = /[A-Za-z]+\d+/g;

/** line of each `flowc-ignore` comment → the directive on it */
function ignoreDirectives(text: string, comments: readonly Comment[]): Map<number, Directive> {
  const lines = new Map<number, Directive>();
  for (const comment of comments) {
    const match = comment.block ? null : IGNORE.exec(comment.text);
    if (!match || !standsAlone(text, comment)) continue;
    const listStart = comment.text.length - match[1]!.length;
    const list = match[1]!.split("--")[0]!;
    const codes = [...list.matchAll(CODE_TOKEN)].map((m) => ({ code: m[0].toUpperCase(), range: tokenRange(comment, listStart + m.index!, m[0].length) }));
    lines.set(comment.range.start.line, { comment, codes, used: new Set() });
  }
  return lines;
}

/** A token inside a one-line comment, `at` characters from its start. */
function tokenRange(comment: Comment, at: number, length: number): Range {
  const { start } = comment.range;
  return {
    start: { line: start.line, column: start.column + at, offset: start.offset + at },
    end: { line: start.line, column: start.column + at + length, offset: start.offset + at + length },
  };
}

/** only whitespace before the comment on its line: a trailing comment belongs to its own line */
function standsAlone(text: string, comment: Comment): boolean {
  const start = comment.range.start.offset;
  return text.slice(start - (comment.range.start.column - 1), start).trim() === "";
}
