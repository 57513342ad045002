// SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`): one run, a rule per
// code used (with its documentation: `fullDescription`, `help` and a `helpUri` into
// docs/language.md), a result per diagnostic with a region in UTF-16 columns (our columns' unit),
// and the invocation: a check that could not read its input says so (`executionSuccessful: false`
// and why), so that code scanning does not take the missing results for fixed alerts.
import { CODES, type Diagnostic, type DiagnosticCode, type Severity } from "../../syntax/diagnostics";
import { CODE_DOCS, helpUri } from "../../compiler/code-docs";
import { relativeUri } from "./paths";
import { compareCodePoints } from "../../syntax/order";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", hint: "note" };

export interface ToolInfo {
  version: string;
  informationUri: string;
}

/** How the check itself went: its exit status and, when it could not do its work, why. */
export interface Invocation {
  exitCode: number;
  /** what kept the check from reading or checking its input (exit status 2) */
  failures: readonly string[];
}

export function sarifLog(diagnostics: readonly Diagnostic[], cwd: string, tool: ToolInfo, invocation: Invocation = { exitCode: 0, failures: [] }): object {
  const codes = [...new Set(diagnostics.map((d) => d.code))].sort(compareCodePoints);
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "flowc", version: tool.version, semanticVersion: tool.version, informationUri: tool.informationUri, rules: codes.map(rule) } },
        invocations: [invocationJson(invocation)],
        columnKind: "utf16CodeUnits",
        results: diagnostics.map((d) => result(d, codes.indexOf(d.code), cwd)),
      },
    ],
  };
}

export function formatSarif(diagnostics: readonly Diagnostic[], cwd: string, tool: ToolInfo, invocation?: Invocation): string {
  return JSON.stringify(sarifLog(diagnostics, cwd, tool, invocation), null, 2) + "\n";
}

function invocationJson({ exitCode, failures }: Invocation): object {
  const successful = exitCode !== 2 && failures.length === 0;
  return {
    executionSuccessful: successful,
    exitCode,
    ...(successful ? {} : { exitCodeDescription: failures.join("; ") || "bad usage or unreadable input" }),
    ...(failures.length > 0 ? { toolExecutionNotifications: failures.map((text) => ({ level: "error", message: { text } })) } : {}),
  };
}

function rule(code: DiagnosticCode): object {
  const info = CODES[code];
  const uri = helpUri(code);
  return {
    id: code,
    name: code,
    shortDescription: { text: info.summary },
    fullDescription: { text: CODE_DOCS[code] },
    help: { text: `${CODE_DOCS[code]} See ${uri}`, markdown: `${CODE_DOCS[code]}\n\n[${code} in the flowc reference](${uri})` },
    helpUri: uri,
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
