// Diagnostics as people read them in a terminal, after tsc and rustc:
//
//   samples/broken.flow:3:19 - error FLOW201: unknown name 'shot'
//
//    3 | node faces = face_detect(shot)
//      |                          ^~~~
//      = note: did you mean 'shots'?
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

export function formatDiagnostics(list: readonly Diagnostic[], context: TextContext): string {
  return list.map((d) => formatDiagnostic(d, context) + "\n").join("");
}

export function formatDiagnostic(d: Diagnostic, context: TextContext): string {
  const { colors } = context;
  const file = d.file === undefined ? "<input>" : displayPath(d.file, context.cwd);
  const where = `${colors.cyan(file)}:${colors.yellow(String(d.range.start.line))}:${colors.yellow(String(d.range.start.column))}`;
  const header = `${where} - ${severityColor(d.severity, colors)(d.severity)} ${colors.gray(d.code)}: ${d.message}`;
  const source = d.file === undefined ? undefined : context.textOf(d.file);
  return [header, ...snippet(d, source, colors)].join("\n") + "\n";
}

/** The source line with a gutter and a caret/tilde underline, then notes and the fix's title. */
function snippet(d: Diagnostic, source: string | undefined, colors: Colors): string[] {
  const { start, end } = d.range;
  const line = source?.split(/\r?\n/)[start.line - 1];
  const gutter = String(start.line);
  const blank = " ".repeat(gutter.length);
  const pipe = colors.blue("|");
  const extras = [...(d.notes ?? []).map((n) => `note: ${n}`), ...(d.fix ? [`help: ${d.fix.title}`] : [])];
  const tail = extras.map((text) => ` ${blank} ${colors.blue("=")} ${text}`);
  if (line === undefined) return tail.length > 0 ? ["", ...tail] : [];
  const endColumn = end.line === start.line ? end.column : line.length + 1;
  const paint = severityColor(d.severity, colors);
  const lines = [
    "",
    ` ${colors.blue(gutter)} ${pipe} ${line}`,
    ` ${blank} ${pipe} ${indentUnder(line, start.column)}${paint(underline(line, start.column, endColumn))}`,
  ];
  return [...lines, ...tail];
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

export function plural(count: number | bigint, noun: string): string {
  return `${count} ${noun}${count === 1 || count === 1n ? "" : "s"}`;
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
