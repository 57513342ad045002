// SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`): one run, a rule per
// code used, a result per diagnostic with a region in UTF-16 columns (our columns' unit).
import { CODES, type Diagnostic, type DiagnosticCode, type Severity } from "../../syntax/diagnostics";
import { relativeUri } from "./paths";
import { compareCodePoints } from "../../syntax/order";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", hint: "note" };

export interface ToolInfo {
  version: string;
  informationUri: string;
}

export function sarifLog(diagnostics: readonly Diagnostic[], cwd: string, tool: ToolInfo): object {
  const codes = [...new Set(diagnostics.map((d) => d.code))].sort(compareCodePoints);
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "flowc", version: tool.version, semanticVersion: tool.version, informationUri: tool.informationUri, rules: codes.map(rule) } },
        columnKind: "utf16CodeUnits",
        results: diagnostics.map((d) => result(d, codes.indexOf(d.code), cwd)),
      },
    ],
  };
}

export function formatSarif(diagnostics: readonly Diagnostic[], cwd: string, tool: ToolInfo): string {
  return JSON.stringify(sarifLog(diagnostics, cwd, tool), null, 2) + "\n";
}

function rule(code: DiagnosticCode): object {
  const info = CODES[code];
  return {
    id: code,
    name: code,
    shortDescription: { text: info.summary },
    defaultConfiguration: { level: LEVEL[info.severity] },
  };
}

function result(d: Diagnostic, ruleIndex: number, cwd: string): object {
  const text = [d.message, ...(d.notes ?? [])].join("\n");
  const { start, end } = d.range;
  return {
    ruleId: d.code,
    ruleIndex,
    level: LEVEL[d.severity],
    message: { text },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: relativeUri(d.file ?? "", cwd) },
          region: { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column },
        },
      },
    ],
  };
}
