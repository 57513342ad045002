// Shared by the checks tests: parse a flow with its imports (relative to a directory) and resolve
// it, and print diagnostics one per line as `CODE line:col-line:col message`.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "../grammar/index";
import type { Diagnostic } from "../syntax/diagnostics";
import { resolveFlow, type ImportedFile, type Resolution } from "../compiler/resolve";

export interface Checked extends Resolution {
  syntax: Diagnostic[];
}

/** Parse and resolve `text`; imports are read relative to `dir` and named relative to it. */
export function check(text: string, dir = "."): Checked {
  const parsed = parse(text);
  const imports: ImportedFile[] = [];
  for (const imp of parsed.ast.imports) {
    const file = path.join(dir, imp.path.value);
    if (existsSync(file)) imports.push({ path: imp.path.value, ast: parse(readFileSync(file, "utf8")).ast });
  }
  return { ...resolveFlow(parsed.ast, imports), syntax: parsed.diagnostics };
}

export function formatDiagnostic(d: Diagnostic): string {
  const { start, end } = d.range;
  const where = `${d.file ? `${d.file}:` : ""}${start.line}:${start.column}-${end.line}:${end.column}`;
  return `${d.code} ${where} ${d.message}`;
}
