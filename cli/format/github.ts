// GitHub Actions workflow commands: each diagnostic becomes an annotation on the pull request.
//   ::error file=a.flow,line=3,col=19,endLine=3,endColumn=23,title=FLOW201::unknown name 'shot'
import type { Diagnostic, Severity } from "../../syntax/diagnostics";
import { displayPath } from "./paths";

const COMMAND: Record<Severity, string> = { error: "error", warning: "warning", hint: "notice" };

/** Escaping of a command's message (GitHub's `escapeData`). */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escaping of a property value (GitHub's `escapeProperty`). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export function githubAnnotation(d: Diagnostic, cwd: string): string {
  const { start, end } = d.range;
  const properties: [string, string][] = [
    ["file", displayPath(d.file ?? "", cwd).split("\\").join("/")],
    ["line", String(start.line)],
    ["col", String(start.column)],
    ["endLine", String(end.line)],
    ["endColumn", String(end.column)],
    ["title", d.code],
  ];
  const props = properties.map(([key, value]) => `${key}=${escapeProperty(value)}`).join(",");
  const message = [d.message, ...(d.notes ?? [])].join("\n");
  return `::${COMMAND[d.severity]} ${props}::${escapeData(message)}`;
}

export function formatGithub(diagnostics: readonly Diagnostic[], cwd: string): string {
  return diagnostics.map((d) => githubAnnotation(d, cwd) + "\n").join("");
}
