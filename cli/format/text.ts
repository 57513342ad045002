// Diagnostics as people read them in a terminal, after tsc and rustc:
//
//   samples/broken.flow:3:19 - error FLOW201: unknown name 'shot'
//
//    3 | node faces = face_detect(shot)
//      |                          ^~~~
//      = note: did you mean 'shots'?
//
// At scale (issue 12): at most `maxPerFile` diagnostics of a file are shown (the most severe, in
// source order) and a line says how many were left out; a long source line is cut around the
// caret; each file's line offsets are computed once, not once per diagnostic.
import { LineMap } from "../../grammar/index";
import type { Diagnostic, Severity } from "../../syntax/diagnostics";
import type { Colors } from "./colors";
import { displayPath } from "./paths";

export interface TextContext {
  colors: Colors;
  cwd: string;
  /** the source text of a file, for the line under the message */
  textOf(file: string): string | undefined;
}

export type SeverityCounts = Record<Severity, number>;

/** How many diagnostics of one file text output shows unless told otherwise (`--max-diagnostics`). */
export const DEFAULT_MAX_DIAGNOSTICS = 50;

export interface ShowOptions {
  /** at most this many diagnostics per file (default DEFAULT_MAX_DIAGNOSTICS); 0 shows them all */
  maxPerFile?: number;
}

export function formatDiagnostics(list: readonly Diagnostic[], context: TextContext, options: ShowOptions = {}): string {
  const sources = new SourceLines(context);
  const parts: string[] = [];
  for (const group of byFile(list)) {
    const shown = mostSevere(group, options.maxPerFile ?? DEFAULT_MAX_DIAGNOSTICS);
    for (const d of shown) parts.push(render(d, context, sources), "\n");
    if (shown.length < group.length) parts.push(leftOut(group, shown, context), "\n");
  }
  return parts.join("");
}

export function formatDiagnostic(d: Diagnostic, context: TextContext): string {
  return render(d, context, new SourceLines(context));
}

/** Each file's diagnostics, in the order the list has them (sorted lists are grouped already). */
function byFile(list: readonly Diagnostic[]): Diagnostic[][] {
  const groups = new Map<string | undefined, Diagnostic[]>();
  for (const d of list) {
    const group = groups.get(d.file);
    if (group === undefined) groups.set(d.file, [d]);
    else group.push(d);
  }
  return [...groups.values()];
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, hint: 2 };

/** The first `max` diagnostics by severity then position, in their original order: a hint never hides an error. */
function mostSevere(group: Diagnostic[], max: number): Diagnostic[] {
  if (max <= 0 || group.length <= max) return group;
  const counts = countSeverities(group);
  // the severity at which the limit falls: all of the worse ones are shown, and the first of this one
  let cutRank = 0;
  let room = max;
  for (const severity of ["error", "warning", "hint"] as const) {
    if (counts[severity] >= room) break;
    room -= counts[severity];
    cutRank = SEVERITY_RANK[severity] + 1;
  }
  return group.filter((d) => {
    const rank = SEVERITY_RANK[d.severity];
    if (rank < cutRank) return true;
    if (rank > cutRank || room === 0) return false;
    room--;
    return true;
  });
}

/** `flows/big.flow: 299950 more diagnostics not shown (299950 errors); --max-diagnostics 0 shows them all` */
function leftOut(group: Diagnostic[], shown: Diagnostic[], context: TextContext): string {
  const file = group[0].file === undefined ? "<input>" : displayPath(group[0].file, context.cwd);
  const hidden = countSeverities(group);
  for (const d of shown) hidden[d.severity]--;
  const kinds = (["error", "warning", "hint"] as const).filter((s) => hidden[s] > 0).map((s) => plural(hidden[s], s));
  return `${file}: ${plural(group.length - shown.length, "more diagnostic")} not shown (${kinds.join(", ")}); --max-diagnostics 0 shows them all\n`;
}

function render(d: Diagnostic, context: TextContext, sources: SourceLines): string {
  const { colors } = context;
  const file = d.file === undefined ? "<input>" : displayPath(d.file, context.cwd);
  const where = `${colors.cyan(file)}:${colors.yellow(String(d.range.start.line))}:${colors.yellow(String(d.range.start.column))}`;
  const header = `${where} - ${severityColor(d.severity, colors)(d.severity)} ${colors.gray(d.code)}: ${d.message}`;
  const line = d.file === undefined ? undefined : sources.line(d.file, d.range.start.line);
  return [header, ...snippet(d, line, colors)].join("\n") + "\n";
}

/** The lines of each file's text, indexed once per file. */
class SourceLines {
  private readonly maps = new Map<string, LineMap | undefined>();

  constructor(private readonly context: TextContext) {}

  line(file: string, line: number): string | undefined {
    let map = this.maps.get(file);
    if (map === undefined && !this.maps.has(file)) {
      const text = this.context.textOf(file);
      map = text === undefined ? undefined : new LineMap(text);
      this.maps.set(file, map);
    }
    return map?.lineText(line);
  }
}

/** The source line with a gutter and a caret/tilde underline, then notes and the fix's title. */
function snippet(d: Diagnostic, source: string | undefined, colors: Colors): string[] {
  const { start, end } = d.range;
  const gutter = String(start.line);
  const blank = " ".repeat(gutter.length);
  const pipe = colors.blue("|");
  const extras = [...(d.notes ?? []).map((n) => `note: ${n}`), ...(d.fix ? [`help: ${d.fix.title}`] : [])];
  const tail = extras.map((text) => ` ${blank} ${colors.blue("=")} ${text}`);
  if (source === undefined) return tail.length > 0 ? ["", ...tail] : [];
  const { line, column, endColumn } = cut(source, start.column, end.line === start.line ? end.column : source.length + 1);
  const paint = severityColor(d.severity, colors);
  const lines = [
    "",
    ` ${colors.blue(gutter)} ${pipe} ${line}`,
    ` ${blank} ${pipe} ${indentUnder(line, column)}${paint(underline(line, column, endColumn))}`,
  ];
  return [...lines, ...tail];
}

/** Source lines longer than this are cut around the range they show. */
export const SNIPPET_WIDTH = 120;
/** Characters kept before the range when a line is cut. */
const CONTEXT_BEFORE = 40;
const ELLIPSIS = "...";

/** A long line cut to SNIPPET_WIDTH characters around the range, with `...` where it was cut. */
function cut(line: string, column: number, endColumn: number): { line: string; column: number; endColumn: number } {
  if (line.length <= SNIPPET_WIDTH) return { line, column, endColumn };
  const to = Math.min(line.length, Math.max(column - 1 - CONTEXT_BEFORE, 0) + SNIPPET_WIDTH);
  const from = Math.max(0, to - SNIPPET_WIDTH);
  const [start, stop] = [avoidSplitPair(line, from), avoidSplitPair(line, to)];
  const before = start > 0 ? ELLIPSIS : "";
  const shift = before.length - start;
  return {
    line: before + line.slice(start, stop) + (stop < line.length ? ELLIPSIS : ""),
    column: Math.max(column, start + 1) + shift,
    endColumn: Math.min(Math.max(endColumn, column), stop + 1) + shift,
  };
}

/** An index moved back off the second half of a surrogate pair, so a cut never splits a character. */
function avoidSplitPair(line: string, at: number): number {
  const code = line.charCodeAt(at);
  return at > 0 && code >= 0xdc00 && code <= 0xdfff ? at - 1 : at;
}

/** Blank space up to the column, keeping tabs so the underline lines up with the line above. */
function indentUnder(line: string, column: number): string {
  return line.slice(0, column - 1).replace(/[^\t]/gu, " ");
}

function underline(line: string, column: number, endColumn: number): string {
  const width = Math.max(1, Array.from(line.slice(column - 1, endColumn - 1)).length);
  return "^" + "~".repeat(width - 1);
}

function severityColor(severity: Severity, colors: Colors): (text: string) => string {
  if (severity === "error") return (text) => colors.bold(colors.red(text));
  if (severity === "warning") return (text) => colors.bold(colors.yellow(text));
  return (text) => colors.bold(colors.cyan(text));
}

export function countSeverities(list: readonly Diagnostic[]): SeverityCounts {
  const counts: SeverityCounts = { error: 0, warning: 0, hint: 0 };
  for (const d of list) counts[d.severity]++;
  return counts;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** `2 errors, 1 warning, 1 hint in 1 file` */
export function formatSummary(counts: SeverityCounts, fileCount: number, colors: Colors): string {
  const files = plural(fileCount, "file");
  if (counts.error + counts.warning + counts.hint === 0) return `${colors.green("no problems")} in ${files}\n`;
  const parts = [
    colorIf(counts.error > 0, colors.red, plural(counts.error, "error")),
    colorIf(counts.warning > 0, colors.yellow, plural(counts.warning, "warning")),
    plural(counts.hint, "hint"),
  ];
  return `${parts.join(", ")} in ${files}\n`;
}

function colorIf(condition: boolean, paint: (text: string) => string, text: string): string {
  return condition ? paint(text) : text;
}
